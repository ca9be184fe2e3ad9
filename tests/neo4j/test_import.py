"""``rekg neo4j import``: the bundled graph through Neo4j's offline importer reads exactly as
the same graph written over Bolt by ``rekg build``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kg import neo4j_server
from kg.config import Settings
from kg.model import Batch, make_entity
from kg.store.neo4j import Neo4jStore
from kg.store.neo4j_csv import write_import_csv
from tests.conftest import neo4j_test_uri, rekg_bin
from tests.neo4j.test_store_neo4j import SMALL, checksum

pytestmark = pytest.mark.neo4j


def _canon(record: object) -> str:
    """A record as JSON with sorted keys: types count (1 is not 1.0), key order does not."""
    return json.dumps(record.model_dump(mode="json"), sort_keys=True)  # type: ignore[attr-defined]


def test_csv_headers_and_cells(tmp_path: Path) -> None:
    src = make_entity(id="source:a", name="A", properties={
        "url": "https://a.org", "title": 'Say "hi"\nthere', "published": "2024", "kind": "primary"})
    files = write_import_csv(Batch(entities=[src]), tmp_path)
    text = files.nodes["Source"][0].read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert header[:2] == ["id:ID", ":LABEL"] and "_keys:string[]" in header and "_gen:int" in header
    assert '"Say ""hi""\nthere"' in text


@pytest.mark.slow
def test_import_round_trips_the_bundled_graph(tmp_path: Path, rekg_env: dict[str, str]) -> None:
    uri = neo4j_test_uri()
    if not uri:
        pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
    built = rekg_env | {"REKG_NEO4J_URI": uri, "REKG_NEO4J_PASSWORD": "x"}
    out = subprocess.run([rekg_bin(), "build"], env=built, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    bolt = Neo4jStore.from_settings(Settings(neo4j_uri=uri, neo4j_password="unused-auth-off"))
    try:
        expected, stats = checksum(bolt), bolt.stats().to_json()
        ents = {e.id: _canon(e) for e in bolt.entities()}
        claims = {c.id: _canon(c) for c in bolt.claims()}
        show, hits = bolt.show("firm:lynas"), bolt.search("mt weld")
    finally:
        bolt.close()

    home = tmp_path / "imported"
    neo4j_server.start(home, auth=False, config=SMALL, timeout=600)  # a running server is stopped and restarted
    try:
        out = subprocess.run([rekg_bin(), "neo4j", "import", "--home", str(home), "--no-auth"],
                             env=rekg_env, capture_output=True, text=True, timeout=1800)
        assert out.returncode == 0, out.stderr
        imported_uri = out.stdout.strip().splitlines()[-1]
        assert imported_uri.startswith("bolt://127.0.0.1:")
        store = Neo4jStore.from_settings(Settings(neo4j_uri=imported_uri, neo4j_password="unused-auth-off"))
        try:
            assert store.stats().to_json() == stats
            got = {e.id: _canon(e) for e in store.entities()}
            bad = [i for i in ents if got.get(i) != ents[i]]
            assert not bad, [(got.get(i), ents[i]) for i in bad[:2]]
            got = {c.id: _canon(c) for c in store.claims()}
            bad = [i for i in claims if got.get(i) != claims[i]]
            assert not bad, [(got.get(i), claims[i]) for i in bad[:2]]
            assert checksum(store) == expected
            assert store.show("firm:lynas") == show and store.search("mt weld") == hits
            _, rows, _ = store.query("SHOW CONSTRAINTS YIELD name RETURN name")
            assert "rekg_facility_id" in {r["name"] for r in rows}
        finally:
            store.close()
        assert not (home / "import" / "rekg").exists()  # the CSV files are removed
    finally:
        neo4j_server.stop(home)
