"""One mapping from errors to JSON responses ``{error, detail}`` with the right status."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.errors import RekgError

__all__ = ["install_handlers", "ApiError"]

log = logging.getLogger("rekg.api")


class ApiError(RekgError):
    """An error raised by the API layer itself, with its status."""

    def __init__(self, status_code: int, message: str) -> None:
        self.status_code = status_code
        super().__init__(message)


def _body(error: str, detail: object) -> dict[str, object]:
    return {"error": error, "detail": detail}


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(RekgError)
    async def rekg_error(_: Request, exc: RekgError) -> JSONResponse:
        return JSONResponse(_body(exc.__class__.__name__, str(exc)), status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path")),
             "message": err.get("msg", "")}
            for err in exc.errors()
        ]
        return JSONResponse(_body("bad request", problems), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # keep the exception's headers: 405 must say which methods are allowed (Allow)
        return JSONResponse(_body("http error", exc.detail), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return JSONResponse(_body("internal error", "the server failed; the log has the details"),
                            status_code=500)
