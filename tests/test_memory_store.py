"""Embedded-store specifics: the snapshot on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import DataError, StoreError
from kg.model import Batch, make_claim
from kg.store.memory import MemoryStore


def test_snapshot_roundtrip(tmp_path: Path, fixture_batch: Batch) -> None:
    path = tmp_path / "graph.json"
    first = MemoryStore(path)
    first.write(fixture_batch)
    second = MemoryStore(path)
    assert list(second.entities()) == list(first.entities())
    assert list(second.claims()) == list(first.claims())
    assert second.resolve("Mt Weld") == "facility:mount-weld"


def test_snapshot_untouched_by_failed_write(tmp_path: Path, fixture_batch: Batch) -> None:
    path = tmp_path / "graph.json"
    store = MemoryStore(path)
    store.write(fixture_batch)
    before = path.read_bytes()
    bad = Batch(claims=[make_claim(subject="firm:lynas", predicate="OPERATES", object="facility:gone",
                                   sources=["source:test-lynas"])])
    with pytest.raises(DataError):
        store.write(bad)
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".snapshot-")]


def test_snapshot_is_deterministic(tmp_path: Path, fixture_batch: Batch) -> None:
    a, b = MemoryStore(tmp_path / "a.json"), MemoryStore(tmp_path / "b.json")
    a.write(fixture_batch)
    b.write(Batch(entities=list(reversed(fixture_batch.entities)), claims=list(reversed(fixture_batch.claims))))
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_corrupt_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    path.write_text("{not json")
    with pytest.raises(StoreError, match="unreadable snapshot .not JSON"):
        MemoryStore(path).stats()
    path.write_text(json.dumps({"format": "other"}))
    with pytest.raises(StoreError, match="not a rekg-snapshot/1 snapshot"):
        MemoryStore(path).get("firm:lynas")


def test_region_member_must_exist(tmp_path) -> None:
    """Every reference-typed property the schema declares is checked, not only `material`."""
    import pytest

    from kg.errors import DataError
    from kg.model import Batch, make_entity

    store = MemoryStore(tmp_path / "g.json")
    src = make_entity(id="source:test-regions", name="t", sources=[], properties={
        "url": "https://example.org/r", "title": "t", "published": "2025", "kind": "dataset"})
    region = make_entity(id="region:test-bloc", name="Test bloc", sources=["source:test-regions"],
                         properties={"members": ["country:ZZ"]})
    with pytest.raises(DataError, match="members country:ZZ is neither in this file nor in the graph"):
        store.write(Batch(entities=[src, region], origin="regions.csv"))
    assert store.stats().claims == 0 and store.get("region:test-bloc") is None
