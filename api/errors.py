"""One mapping from errors to RFC 9457 problem documents (``application/problem+json``).

Every error answer is ``{"type", "title", "status", "detail", "code"}`` plus, where useful,
extension members (``errors`` for request validation, ``line``/``column``/``offset`` for a
Cypher syntax error, ``candidates`` for an ambiguous name). ``code`` is a stable snake_case
string clients may switch on (``not_found``, ``invalid_value``, ``cypher_syntax_error`` …);
``type`` is ``https://w3id.org/rekg/problems/<code>``. ``error`` repeats ``code`` for clients
written against the earlier ``{error, detail}`` shape.

Details never carry internal addresses (Bolt URIs) or Python class names: they are
scrubbed here as a last line, whatever raised them.
"""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.errors import RekgError

__all__ = ["install_handlers", "ApiError", "problem", "problem_body", "PROBLEM_TYPE_BASE", "PROBLEM_MEDIA_TYPE"]

log = logging.getLogger("rekg.api")

PROBLEM_TYPE_BASE = "https://w3id.org/rekg/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 406: "not_acceptable", 408: "request_timeout",
               409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
               422: "invalid_request", 429: "too_many_requests", 500: "internal_error",
               503: "unavailable", 504: "timeout"}
_URI = re.compile(r"\b(?:bolt|neo4j)(?:\+s|\+ssc)?://[^\s;,)'\"]+")
_HOSTPORT = re.compile(r"\b(?:127\.0\.0\.1|localhost|\d{1,3}(?:\.\d{1,3}){3}):\d{2,5}\b")
_CLASS_IN_PARENS = re.compile(r"\s*\((?:[A-Za-z_.]*[A-Z][A-Za-z]*(?:Error|Exception|Unavailable|Expired|Timeout))\)")
_CLASS_PREFIX = re.compile(r"\b[A-Za-z_.]*[A-Z][A-Za-z]*(?:Error|Exception): ")


class ApiError(RekgError):
    """An error raised by the API layer itself, with its status and (optionally) its code."""

    def __init__(self, status_code: int, message: str, code: str | None = None) -> None:
        self.status_code = status_code
        self.code = code or _HTTP_CODES.get(status_code, "error")
        super().__init__(message)


def scrub(text: str) -> str:
    """``text`` without server addresses and exception class names."""
    text = _URI.sub("the database", text)
    text = _HOSTPORT.sub("the database", text)
    text = _CLASS_IN_PARENS.sub("", text)
    return _CLASS_PREFIX.sub("", text)


def problem_body(status: int, code: str, detail: Any, **extra: Any) -> dict[str, Any]:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    if isinstance(detail, str):
        detail = scrub(detail)
    body: dict[str, Any] = {"type": PROBLEM_TYPE_BASE + code, "title": title, "status": status,
                            "detail": detail, "code": code, "error": code}
    body.update(extra)
    return body


def problem(status: int, code: str, detail: Any, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    return JSONResponse(problem_body(status, code, detail, **extra), status_code=status,
                        media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(RekgError)
    async def rekg_error(_: Request, exc: RekgError) -> JSONResponse:
        extra = {k: v for k, v in (exc.extra or {}).items() if k not in {"type", "title", "status", "detail", "code"}}
        if exc.status_code >= 500:
            log.warning("%s: %s", exc.code, exc)
        # not problem(): an extra named "headers" would become the response's headers
        return JSONResponse(problem_body(exc.status_code, exc.code, str(exc), **extra),
                            status_code=exc.status_code, media_type=PROBLEM_MEDIA_TYPE)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path")),
             "message": err.get("msg", "")}
            for err in exc.errors()
        ]
        summary = "; ".join(f"{p['field'] or 'request'}: {p['message']}" for p in problems[:3])
        return problem(422, "invalid_request", summary or "the request does not match the schema",
                       errors=problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # keep the exception's headers: 405 must say which methods are allowed (Allow)
        return problem(exc.status_code, _HTTP_CODES.get(exc.status_code, "http_error"), str(exc.detail),
                       headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return problem(500, "internal_error", "the server failed; the log has the details")
