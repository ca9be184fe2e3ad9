"""Fixtures for the article-loader tests: the graph of data/ and its gazetteer."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.store.memory import MemoryStore
from loaders.articles import Gazetteer
from tests.articles.fixture import data_store


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return Gazetteer.from_store(data_store())


@pytest.fixture
def graph(tmp_path: Path) -> MemoryStore:
    return data_store(tmp_path / "graph.json")
