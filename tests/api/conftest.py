from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api import create_app
from kg.config import Settings
from kg.store.base import Store


@pytest.fixture
def client(loaded: Store) -> Iterator[TestClient]:
    settings = Settings(api_key=SecretStr("test-key"), max_body_bytes=10_000)
    with TestClient(create_app(settings, store=loaded), raise_server_exceptions=False) as c:
        yield c
