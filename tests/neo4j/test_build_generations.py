"""``rekg build`` on Neo4j writes the new graph as a new generation beside the old one and
switches in one short transaction: killed midway, it leaves the old graph whole and readable,
and the next build cleans up after it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.config import Settings
from kg.store.neo4j import Neo4jStore
from tests.conftest import neo4j_test_uri, rekg_bin
from tests.neo4j.test_store_neo4j import checksum

pytestmark = pytest.mark.neo4j


@pytest.fixture
def neo() -> Iterator[Neo4jStore]:
    uri = neo4j_test_uri()
    if not uri:
        pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
    store = Neo4jStore.from_settings(Settings(neo4j_uri=uri, neo4j_password="unused-auth-off"))
    store.clear()
    try:
        yield store
    finally:
        store.close()


def _count(store: Neo4jStore, where: str, **params: object) -> int:
    return int(store._rows(f"MATCH (n) WHERE {where} RETURN count(n)", **params)[0][0])


def _current(store: Neo4jStore) -> int:
    return store._current_generation()


def test_killed_rebuild_leaves_the_old_graph_whole(neo: Neo4jStore, rekg_env: dict[str, str], tmp_path: Path) -> None:
    env = rekg_env | {"REKG_NEO4J_URI": neo4j_test_uri() or "", "REKG_NEO4J_PASSWORD": "x"}
    first = subprocess.run([rekg_bin(), "build"], env=env, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    old_gen = _current(neo)
    expected = checksum(neo)
    stats = neo.stats().to_json()
    show = neo.show("facility:mount-weld")
    assert expected[0] > 500 and expected[1] > 1000

    victim = subprocess.Popen([rekg_bin(), "build"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        seen_partial = False
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and victim.poll() is None:
            partial = _count(neo, "n._gen = $g", g=old_gen + 1)
            if partial:  # some of the new generation is committed: kill the build now
                os.killpg(victim.pid, signal.SIGKILL)
                seen_partial = True
                break
            # meanwhile readers see the old graph
            assert neo.stats().to_json() == stats
            time.sleep(0.05)
    finally:
        if victim.poll() is None:
            os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=60)
    assert seen_partial, "the build finished before any of its new generation could be seen"

    # the old graph: same generation, same contents, readable as before; the partial new one is invisible
    assert _current(neo) == old_gen
    assert _count(neo, "n._gen = $g", g=old_gen + 1) > 0
    assert neo.stats().to_json() == stats
    assert neo.show("facility:mount-weld") == show
    assert neo.search("lynas")[0].id == "firm:lynas"
    assert checksum(neo) == expected

    # the next build succeeds, switches to a new generation and leaves nothing of the others
    again = subprocess.run([rekg_bin(), "build"], env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    new_gen = _current(neo)
    assert new_gen == old_gen + 1
    assert checksum(neo) == expected
    assert _count(neo, "NOT n:RekgMeta AND n._gen <> $g", g=new_gen) == 0
    assert int(neo._rows("MATCH ()-[r]->() WHERE r._gen <> $g RETURN count(r)", g=new_gen)[0][0]) == 0


def test_write_during_and_after_build_lands_in_the_current_generation(neo: Neo4jStore, fixture_batch) -> None:
    neo.replace_all(fixture_batch)
    gen = _current(neo)
    assert set(neo.last_load) >= {"nodes", "relationships", "switch", "delete_old"}
    neo.replace_all(fixture_batch)
    assert _current(neo) == gen + 1
    from kg.model import Batch, make_entity

    neo.write(Batch(entities=[make_entity(id="firm:newco", name="NewCo", sources=["source:test-usgs"])]))
    assert neo.get("firm:newco") is not None
    assert _count(neo, "n.id = 'firm:newco' AND n._gen = $g", g=gen + 1) == 1


def test_legacy_graph_becomes_generation_zero(neo: Neo4jStore, fixture_batch) -> None:
    """A graph written before generations (no _gen, constraints on id alone) keeps working."""
    neo.replace_all(fixture_batch)
    expected = checksum(neo)
    with neo._session("WRITE") as session:
        for name in [r[0] for r in neo._rows("SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH 'rekg_' RETURN name")]:
            session.run(f"DROP CONSTRAINT `{name}`").consume()
        session.run("MATCH (m:RekgMeta) DELETE m").consume()
        session.run("MATCH (n) REMOVE n._gen").consume()
        session.run("MATCH ()-[r]->() REMOVE r._gen").consume()
        session.run("CREATE CONSTRAINT rekg_firm_id FOR (n:Firm) REQUIRE n.id IS UNIQUE").consume()
    fresh = Neo4jStore.from_settings(Settings(neo4j_uri=neo.uri, neo4j_password="unused-auth-off"))
    try:
        fresh.ensure_schema()
        assert checksum(fresh) == expected
        fresh.replace_all(fixture_batch)
        assert checksum(fresh) == expected
    finally:
        fresh.close()
