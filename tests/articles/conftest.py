"""Fixtures for the article-loader tests: the fixture graph and its gazetteer."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store.memory import MemoryStore
from loaders.articles import Gazetteer
from tests.articles.fixture import fixture_store


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return Gazetteer.from_store(fixture_store())


@pytest.fixture
def graph(tmp_path: Path) -> MemoryStore:
    return fixture_store(tmp_path / "graph.json")
