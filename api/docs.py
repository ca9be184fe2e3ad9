"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) served with their assets from the package,
so the API documentation works without internet (FastAPI's defaults load them from a CDN).

The assets are vendored from npm under ``api/web/static/vendor/`` (swagger-ui-dist 5.35.0,
redoc 2.5.4; their licences beside them).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

__all__ = ["install_docs"]

VENDOR = "/web/static/vendor"


def install_docs(app: FastAPI) -> None:
    """Add ``/docs`` and ``/redoc``; the app must be built with ``docs_url=None, redoc_url=None``
    and have the web static files mounted (:func:`api.web.install_web`)."""
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{app.title} — API docs",
            swagger_js_url=f"{VENDOR}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{VENDOR}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{VENDOR}/swagger-ui/favicon-32x32.png",
            # no spec validation badge: it would send the spec to validator.swagger.io
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url, title=f"{app.title} — API reference",
            redoc_js_url=f"{VENDOR}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{VENDOR}/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        )
