"""The app factory: a lifespan that opens and closes the store, one router per resource."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import kg
from api.docs import install_docs
from api.errors import install_handlers
from api.limits import BodySizeLimit
from api.models import ERROR_RESPONSES
from api.reads import Reads
from api.routers import analysis, articles, cypher, entities, health, rdf, search
from api.web import install_web
from kg.config import Settings
from kg.store import open_store
from kg.store.base import Store

__all__ = ["create_app", "serve_app"]

DESCRIPTION = """
rekg: an open knowledge graph of the rare-earth supply chain. Every relation is a
*claim* that names its sources, a confidence and the dates it holds.

Ids have the form `type:slug` (`firm:lynas`, `country:CN`, `element:Dy`). Errors are RFC 9457
problem documents (`application/problem+json`): a stable snake_case `code` and a `detail` a
person can act on. Writes need the `X-API-Key` header.
"""


def create_app(settings: Settings | None = None, store: Store | None = None, *,
               freeze_gc: bool = False) -> FastAPI:
    """Build the app. ``store`` (tests) is used as is and not closed; otherwise the lifespan
    opens the store the settings point at (embedded, or Neo4j with ``REKG_NEO4J_URI``).

    ``freeze_gc`` (the server process, :func:`serve_app`): at start-up, before the store
    opens, every object alive so far (modules, the app, its routes and pydantic models,
    ~80k of them) is moved out of reach of Python's cyclic garbage collector
    (:func:`gc.freeze`). They live as long as the process, and each full collection walked
    them all: a 75-90 ms pause every few seconds under load, which was the p99 of a loaded
    server. The store's graph is opened after the freeze and stays collectable, because the
    embedded store swaps in a new graph after writes and a frozen graph with reference cycles
    would never be freed. Off in tests, where many apps live in one process."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        if freeze_gc:
            gc.collect()  # garbage from start-up goes now, not into the frozen set
            gc.freeze()
        opened = store if store is not None else open_store(settings)
        app.state.store = opened
        app.state.reads = Reads(opened, concurrency=settings.read_concurrency)
        try:
            yield
        finally:
            app.state.reads.close()
            if store is None:
                opened.close()

    # /docs and /redoc are served with vendored assets (api/docs.py): they work offline
    app = FastAPI(title="rekg", version=kg.__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:  # off unless configured (REKG_CORS_ORIGINS)
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type", "X-API-Key"])
    install_handlers(app)
    for module in (health, entities, search, analysis, cypher, articles, rdf):
        app.include_router(module.router, responses=ERROR_RESPONSES)
    install_web(app)  # the analysts' web page at / (api/web/)
    install_docs(app)
    return app


def serve_app() -> FastAPI:
    """The app ``rekg serve`` runs (uvicorn's factory, one per worker process): settings from
    the environment, and the start-up objects frozen out of the garbage collector's walks."""
    return create_app(freeze_gc=True)
