"""``rekg neo4j import``: the bundled graph through Neo4j's offline importer reads exactly as
the same graph written over Bolt by ``rekg build``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kg import neo4j_server
from kg.config import Settings
from kg.errors import DataError
from kg.model import Batch, Entity, make_claim, make_entity
from kg.store.neo4j import Neo4jStore
from kg.store.neo4j_csv import write_import_csv
from tests.conftest import neo4j_test_uri, rekg_bin
from tests.neo4j.test_store_neo4j import SMALL, checksum

pytestmark = pytest.mark.neo4j


def _canon(record: object) -> str:
    """A record as JSON with sorted keys: types count (1 is not 1.0), key order does not."""
    return json.dumps(record.model_dump(mode="json"), sort_keys=True)  # type: ignore[attr-defined]


#: Per date companion (label or type, key): how many, the earliest and the latest; and the
#: claims' source_urls: how many claims carry them and how many URLs in all.
COMPANIONS = [
    "MATCH (n) UNWIND [k IN keys(n) WHERE k ENDS WITH '_date' AND valueType(n[k]) STARTS WITH 'DATE'] AS k "
    "RETURN labels(n)[0] AS label, k, count(*) AS n, min(n[k]) AS first, max(n[k]) AS last ORDER BY label, k",
    "MATCH ()-[r]->() UNWIND [k IN keys(r) WHERE k ENDS WITH '_date'] AS k "
    "RETURN type(r) AS type, k, count(*) AS n, min(r[k]) AS first, max(r[k]) AS last ORDER BY type, k",
    "MATCH ()-[r]->() RETURN count(r.source_urls) AS claims, sum(size(r.source_urls)) AS urls",
]


def test_csv_headers_and_cells(tmp_path: Path) -> None:
    src = make_entity(id="source:a", name="A", properties={
        "url": "https://a.org", "title": 'Say "hi"\nthere', "published": "2024", "kind": "primary"})
    files = write_import_csv(Batch(entities=[src]), tmp_path)
    text = files.nodes["Source"][0].read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert header[:2] == ["id:ID", ":LABEL"] and "_keys:string[]" in header and "_gen:int" in header
    assert '"Say ""hi""\nthere"' in text
    assert "published:string" in header and not any(h.startswith("published_date") for h in header)


def test_csv_date_companions_and_source_urls(tmp_path: Path) -> None:
    """A complete date gets a ``:date`` companion column, a partial one none; a claim's
    ``source_urls`` column holds its Sources' URLs in the order of ``sources``."""
    a = make_entity(id="source:a", name="A", properties={
        "url": "https://a.org/x", "title": "A", "published": "2024-03-05", "kind": "primary"})
    b = make_entity(id="source:b", name="B", properties={
        "url": "https://b.org/y", "title": "B", "published": "2024-03", "kind": "primary"})
    firm = make_entity(id="firm:x", name="X", sources=["source:a"])
    country = make_entity(id="country:AU", name="Australia", sources=["source:a"],
                          properties={"iso2": "AU", "iso3": "AUS"})
    claim = make_claim(subject="firm:x", predicate="HEADQUARTERED_IN", object="country:AU",
                       sources=["source:b", "source:a"], valid_from="2021-07-01", valid_to="2023")
    files = write_import_csv(Batch(entities=[a, b, firm, country], claims=[claim]), tmp_path)
    sources = [p.read_text(encoding="utf-8") for p in files.nodes["Source"]]
    dated = [t for t in sources if "published_date:date" in t.splitlines()[0]]
    assert len(sources) == 2 and len(dated) == 1 and '"2024-03-05"' in dated[0]
    [rel] = files.relationships["HEADQUARTERED_IN"]
    lines = rel.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert "valid_from_date:date" in header and "source_urls:string[]" in header
    assert not any(h.startswith("valid_to_date") for h in header)
    cells = dict(zip(header, lines[1].split(","), strict=True))
    assert cells["valid_from_date:date"] == '"2021-07-01"'
    assert cells["source_urls:string[]"] == '"https://a.org/x\x1fhttps://b.org/y"'


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
        companions = [bolt.query(q)[1] for q in COMPANIONS]
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
            assert [store.query(q)[1] for q in COMPANIONS] == companions  # typed dates, source_urls
            assert companions[0] and companions[1] and companions[2][0]["claims"] == stats["claims"]
            _, rows, _ = store.query("SHOW CONSTRAINTS YIELD name RETURN name")
            assert "rekg_facility_id" in {r["name"] for r in rows}
        finally:
            store.close()
        assert not (home / "import" / "rekg").exists()  # the CSV files are removed
    finally:
        neo4j_server.stop(home)


def test_csv_shapes_match_the_per_value_rules() -> None:
    """The writer's per-shape plan (:class:`_Shapes`) gives the same signature and cells as the
    per-value rules (:func:`_typed_cells`, built on ``_column_type`` / ``_cell``) for every kind
    of value, including the ones that leave the plan: empty lists, non-string lists, tuples,
    subclasses, None."""
    import datetime as dt

    from kg.store.neo4j_csv import _Shapes, _typed_cells

    class Sub(str):
        pass

    rows = [
        {"b": "x", "a": 1, "c": 2.5, "d": True, "e": dt.date(2024, 1, 2), "f": ["p", "q"], "g": None, "id": "i"},
        {"b": "y", "a": 2, "c": 3.0, "d": False, "e": dt.date(2025, 3, 4), "f": ["r"], "g": None, "id": "j"},
        {"b": "z", "a": 3, "c": 4.0, "d": False, "e": dt.date(2025, 3, 4), "f": [], "g": "now", "id": "k"},
        {"b": "z", "a": 3, "c": 4.0, "d": False, "e": dt.date(2025, 3, 4), "f": [1, 2.5], "g": None, "id": "k"},
        {"b": "z", "a": 3, "c": 4.0, "d": False, "e": dt.date(2025, 3, 4), "f": ["s", None], "g": None, "id": "k"},
        {"b": Sub("w"), "a": (1, 2), "c": dt.datetime(2024, 1, 2, 3, 4), "id": "m"},
        {"only": "one"},
        {},
    ]
    for skip in ("id", None):
        shapes = _Shapes(skip)
        for row in rows * 2:  # the second pass reuses the plans
            assert shapes.cells(row, "where") == _typed_cells(row, skip, "where"), row


def test_csv_refuses_the_array_delimiter_and_leaves_no_file(tmp_path: Path) -> None:
    src = make_entity(id="source:a", name="A", properties={
        "url": "https://a.org", "title": "A", "published": "2024", "kind": "primary"})
    # built past the cleaners, which would refuse the control character first
    firm = Entity.model_construct(id="firm:x", type="Firm", name="X", aliases=["X\x1fY"], sources=["source:a"],
                                  properties={})
    with pytest.raises(DataError, match=r"firm:x.*aliases.*U\+001F"):
        write_import_csv(Batch(entities=[src, firm]), tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_csv_writes_a_repeated_record_once(tmp_path: Path) -> None:
    src = make_entity(id="source:a", name="A", properties={
        "url": "https://a.org", "title": "A", "published": "2024", "kind": "primary"})
    firm = make_entity(id="firm:x", name="X", sources=["source:a"])
    files = write_import_csv(Batch(entities=[firm, src, firm]), tmp_path)
    assert files.node_count == 2
    assert len(files.nodes["Firm"][0].read_text(encoding="utf-8").splitlines()) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nodes-Firm-0.csv", "nodes-Source-0.csv"]
