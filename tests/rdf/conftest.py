"""Fixtures for the RDF tests: a small embedded store built from tests/fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model import Batch, make_claim
from kg.rdf.namespace import Vocab, vocab_for
from kg.store.memory import MemoryStore


@pytest.fixture
def vocab() -> Vocab:
    return vocab_for()


@pytest.fixture
def rdf_store(fixture_batch: Batch, tmp_path: Path) -> MemoryStore:
    """The fixture graph plus a claim whose note needs escaping and a partial-date span."""
    store = MemoryStore(tmp_path / "graph.json")
    fixture_batch.claims.append(make_claim(
        subject="firm:lynas", predicate="OWNS", object="facility:mount-weld",
        properties={"share": 1}, sources=["source:test-lynas"], confidence=0.8,
        valid_from="2011-05", valid_to="2030-06-30",
        note='said "wholly owned"\nsecond line \\ backslash', quote="Lynas owns Mount Weld.",
        span_start=3, span_end=25, extractor="test/1",
    ))
    store.write(fixture_batch)
    return store
