"""Neo4j-store specifics against a real server: schema, URIs, errors and faults.

The conformance suite (tests/test_store_conformance.py) covers behaviour shared with the
embedded store; this module covers what only Neo4j has.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import neo4j_server
from kg.config import Settings
from kg.errors import StoreUnavailableError
from kg.schema import load_schema
from kg.store.base import Store
from kg.store.neo4j import Neo4jStore
from tests.conftest import neo4j_test_uri, rekg_bin

pytestmark = pytest.mark.neo4j

SMALL = {"server.memory.heap.initial_size": "256m", "server.memory.heap.max_size": "512m",
         "server.memory.pagecache.size": "64m"}


def checksum(store: Store) -> tuple[int, int, str]:
    """Counts and a hash of every entity and claim with all their properties."""
    digest = hashlib.sha256()
    entities = claims = 0
    for entity in store.entities():
        entities += 1
        digest.update(entity.model_dump_json().encode())
    for claim in store.claims():
        claims += 1
        digest.update(claim.model_dump_json().encode())
    return entities, claims, digest.hexdigest()


def settings_for(uri: str) -> Settings:
    return Settings(neo4j_uri=uri, neo4j_password="unused-auth-off")


@pytest.fixture
def neo(tmp_path: Path) -> Iterator[Neo4jStore]:
    uri = neo4j_test_uri()
    if not uri:
        pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
    store = Neo4jStore.from_settings(settings_for(uri))
    store.clear()
    try:
        yield store
    finally:
        store.close()


def test_constraints_and_fulltext_index(neo: Neo4jStore) -> None:
    neo.ensure_schema()
    _, rows, _ = neo.query("SHOW CONSTRAINTS YIELD name RETURN name")
    names = {r["name"] for r in rows}
    schema = load_schema()
    assert {f"rekg_{t.lower()}_id" for t in schema.entities} <= names
    assert {f"rekg_rel_{t.lower()}_id" for t in schema.relations} <= names
    _, rows, _ = neo.query("SHOW FULLTEXT INDEXES YIELD name, options RETURN name, options")
    by_name = {r["name"]: r["options"] for r in rows}
    assert by_name["rekg_search"]["indexConfig"]["fulltext.analyzer"] == "whitespace"
    neo.ensure_schema()  # idempotent


def test_provenance_is_queryable_in_cypher(neo: Neo4jStore, fixture_batch) -> None:
    neo.write(fixture_batch)
    _, rows, _ = neo.query(
        "MATCH (:Facility {id: 'facility:lynas-malaysia'})-[r:PRODUCES]->(m) "
        "UNWIND r.sources AS sid MATCH (s:Source {id: sid}) "
        "RETURN m.id AS material, r.quantity AS quantity, r.quantity_unit AS unit, r.confidence AS confidence, "
        "s.publisher AS publisher")
    assert rows == [{"material": "material:ndpr-oxide", "quantity": 10500.0, "unit": "t/yr",
                     "confidence": 1.0, "publisher": "Lynas Rare Earths"}]


def test_routing_uri_works_unchanged(neo: Neo4jStore, fixture_batch) -> None:
    neo.write(fixture_batch)
    uri = neo4j_test_uri()
    assert uri is not None
    routed = Neo4jStore.from_settings(settings_for(uri.replace("bolt://", "neo4j://")))
    try:
        assert checksum(routed) == checksum(neo)
    finally:
        routed.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_server_names_the_uri() -> None:
    uri = f"bolt://127.0.0.1:{_free_port()}"
    with pytest.raises(StoreUnavailableError, match=f"cannot reach Neo4j at {uri}"):
        Neo4jStore.from_settings(settings_for(uri))


def test_cli_error_is_one_line(rekg_env: dict[str, str]) -> None:
    env = rekg_env | {"REKG_NEO4J_URI": f"bolt://127.0.0.1:{_free_port()}"}
    out = subprocess.run([rekg_bin(), "stats"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "cannot reach Neo4j at bolt://127.0.0.1:" in out.stderr and "Traceback" not in out.stderr


def _build(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([rekg_bin(), "build", "--json"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


@pytest.mark.slow
def test_killed_load_then_rerun_equals_clean_load(neo: Neo4jStore, rekg_env: dict[str, str]) -> None:
    env = rekg_env | {"REKG_NEO4J_URI": neo4j_test_uri() or "", "REKG_NEO4J_PASSWORD": "x"}
    clean = _build(env)
    assert clean.wait(timeout=300) == 0, clean.stderr.read() if clean.stderr else ""
    expected = checksum(neo)
    assert expected[0] > 500 and expected[1] > 1000
    for delay in (0.3, 1.5, 3.0):
        neo.clear()
        victim = _build(env)
        time.sleep(delay)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=60)
        rerun = _build(env)
        assert rerun.wait(timeout=300) == 0
        assert checksum(neo) == expected, f"after a kill at {delay}s"


@pytest.mark.slow
def test_restart_during_load(tmp_path: Path, rekg_env: dict[str, str]) -> None:
    """Stop the server mid-load: the load fails with a clear message; after a restart a
    re-run completes and equals a clean load."""
    if not neo4j_test_uri():
        pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
    home = tmp_path / "neo4j-home"
    info = neo4j_server.start(home, auth=False, config=SMALL, timeout=300)
    try:
        env = rekg_env | {"REKG_NEO4J_URI": info.uri, "REKG_NEO4J_PASSWORD": "x"}
        load = _build(env)
        time.sleep(1.0)
        neo4j_server.stop(home)
        code = load.wait(timeout=300)
        stderr = load.stderr.read() if load.stderr else ""
        if code != 0:  # the usual case: the load was still running
            assert code == 2 and "Neo4j at" in stderr and "Traceback" not in stderr, stderr
        info = neo4j_server.start(home, auth=False, config=SMALL, port=info.port, timeout=300)
        rerun = _build(env)
        assert rerun.wait(timeout=300) == 0, rerun.stderr.read() if rerun.stderr else ""
        store = Neo4jStore.from_settings(settings_for(info.uri))
        try:
            restarted = checksum(store)
            store.clear()
            clean = _build(env)
            assert clean.wait(timeout=300) == 0
            assert checksum(store) == restarted
        finally:
            store.close()
    finally:
        neo4j_server.stop(home)


def test_bulk_write_equals_atomic_write(neo: Neo4jStore, fixture_batch) -> None:
    neo.write(fixture_batch)
    expected = checksum(neo)
    neo.clear()
    neo.bulk_write(fixture_batch)
    assert checksum(neo) == expected
    neo.bulk_write(fixture_batch)  # idempotent
    assert checksum(neo) == expected
