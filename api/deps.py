"""Dependencies as ``Annotated`` aliases: the store and settings the lifespan opened.

The getters are ``async`` only so that FastAPI calls them on the event loop: a plain ``def``
dependency costs every request a hop to a worker thread and back."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from api.errors import ApiError
from api.reads import Reads
from kg.config import Settings
from kg.store.base import Store

__all__ = ["StoreDep", "SettingsDep", "ReadsDep", "require_api_key", "ApiKeyDep"]


async def get_store(request: Request) -> Store:
    return request.app.state.store


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_reads(request: Request) -> Reads:
    return request.app.state.reads


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
#: Entity pages and searches, gathered across concurrent requests on Neo4j (:mod:`api.reads`).
ReadsDep = Annotated[Reads, Depends(get_reads)]


#: The OpenAPI security scheme for writes: the key goes in the ``X-API-Key`` header.
api_key_header = APIKeyHeader(name="X-API-Key", scheme_name="ApiKey", auto_error=False,
                              description="API key for writes (the server's REKG_API_KEY).")


async def require_api_key(
    settings: SettingsDep,
    x_api_key: Annotated[str | None, Security(api_key_header)] = None,
) -> None:
    """Writes need the configured key; compared in constant time. No key configured → writes off."""
    if settings.api_key is None or not settings.api_key.get_secret_value():
        raise ApiError(403, "writes are disabled: the server has no API key (set REKG_API_KEY)",
                       code="writes_disabled")
    if x_api_key is None:
        raise ApiError(401, "this endpoint writes: send the API key in the X-API-Key header",
                       code="api_key_missing")
    if not hmac.compare_digest(x_api_key.encode(), settings.api_key.get_secret_value().encode()):
        raise ApiError(403, "wrong API key", code="api_key_wrong")


ApiKeyDep = Annotated[None, Depends(require_api_key)]
