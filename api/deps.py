"""Dependencies as ``Annotated`` aliases: the store and settings the lifespan opened."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from api.errors import ApiError
from kg.config import Settings
from kg.store.base import Store

__all__ = ["StoreDep", "SettingsDep", "require_api_key", "ApiKeyDep"]


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def require_api_key(
    settings: SettingsDep,
    x_api_key: Annotated[str | None, Header(description="API key for writes (REKG_API_KEY).")] = None,
) -> None:
    """Writes need the configured key; compared in constant time. No key configured → writes off."""
    if settings.api_key is None or not settings.api_key.get_secret_value():
        raise ApiError(403, "writes are disabled: the server has no API key (set REKG_API_KEY)")
    if x_api_key is None:
        raise ApiError(401, "this endpoint writes: send the API key in the X-API-Key header")
    if not hmac.compare_digest(x_api_key.encode(), settings.api_key.get_secret_value().encode()):
        raise ApiError(403, "wrong API key")


ApiKeyDep = Annotated[None, Depends(require_api_key)]
