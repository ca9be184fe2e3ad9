"""Shared fixtures. ``store`` runs the conformance suite on every store available:
the embedded store always, Neo4j when ``REKG_TEST_NEO4J_URI`` points at a server
(CI starts one and sets it; there, a missing server fails the run instead of skipping)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.model import Batch
from kg.store.base import Store
from kg.store.memory import MemoryStore
from loaders.datasets import load_file

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
FIXTURE_FILES = ["sources.yaml", "entities.csv", "countries.csv", "materials.csv", "facilities.csv",
                 "firms.csv", "relations.csv"]


def neo4j_test_uri() -> str | None:
    uri = os.environ.get("REKG_TEST_NEO4J_URI")
    if not uri and os.environ.get("CI"):
        pytest.fail("CI must run the Neo4j tests: REKG_TEST_NEO4J_URI is not set "
                    "(the Makefile's test target starts a server and sets it)")
    return uri


def bundled_batch(articles: bool = False) -> Batch:
    """Everything under the bundled data/ as one batch (datasets; and articles when asked)."""
    from kg.config import Settings
    from loaders import read_data

    return read_data(Settings().data_dir, articles=articles).batch


@pytest.fixture
def fixture_batch() -> Batch:
    merged = Batch(origin="fixtures")
    for name in FIXTURE_FILES:
        merged.extend(load_file(FIXTURES / name))
    return merged


def _neo4j_store() -> Store:
    uri = neo4j_test_uri()
    if not uri:
        pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
    from kg.config import Settings
    from kg.store.neo4j import Neo4jStore

    store = Neo4jStore.from_settings(Settings(
        neo4j_uri=uri,
        neo4j_user=os.environ.get("REKG_TEST_NEO4J_USER", "neo4j"),
        neo4j_password=os.environ.get("REKG_TEST_NEO4J_PASSWORD", "unused-auth-off"),
    ))
    store.clear()
    return store


def _store_params() -> list[object]:
    params: list[object] = ["memory"]
    if (REPO / "kg" / "store" / "neo4j.py").exists():
        params.append(pytest.param("neo4j", marks=pytest.mark.neo4j))
    return params


@pytest.fixture(params=_store_params())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty store of each kind."""
    if request.param == "memory":
        s: Store = MemoryStore(tmp_path / "graph.json")
    else:
        s = _neo4j_store()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def loaded(store: Store, fixture_batch: Batch) -> Store:
    store.write(fixture_batch)
    return store


@pytest.fixture
def rekg_env(tmp_path: Path) -> dict[str, str]:
    """Environment for running the CLI in a subprocess against a private embedded store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REKG_")}
    env["REKG_HOME"] = str(tmp_path / "home")
    return env


def rekg_bin() -> str:
    found = shutil.which("rekg", path=str(Path(os.sys.executable).parent))
    assert found, "the rekg console script is not installed in this environment"
    return found
