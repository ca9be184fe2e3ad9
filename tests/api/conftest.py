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


@pytest.fixture
def neo4j_client(fixture_batch) -> Iterator[TestClient]:
    """An app on the Neo4j store with the fixture graph (Neo4j-only endpoints)."""
    from tests.conftest import _neo4j_store

    store = _neo4j_store()
    store.write(fixture_batch)
    settings = Settings(api_key=SecretStr("test-key"), max_body_bytes=10_000)
    try:
        with TestClient(create_app(settings, store=store), raise_server_exceptions=False) as c:
            yield c
    finally:
        store.close()


@pytest.fixture
def memory_client(tmp_path, fixture_batch) -> Iterator[TestClient]:
    from kg.store.memory import MemoryStore

    store = MemoryStore(tmp_path / "graph.json")
    store.write(fixture_batch)
    with TestClient(create_app(Settings(), store=store), raise_server_exceptions=False) as c:
        yield c
