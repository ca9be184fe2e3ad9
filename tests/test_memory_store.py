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
