"""Issue 13, defect 10: `/search` ranks the same on both stores (one scoring function,
:func:`kg.store.base.score_keys`, and the full-text index finds every key it compares)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model import Batch
from kg.store.memory import MemoryStore
from tests.conftest import _neo4j_store, bundled_batch

pytestmark = pytest.mark.neo4j

QUERIES = ["dy", "Dy", "lynas", "rare earth", "mount", "nd", "china", "oxide", "usgs", "mp",
           "mineral commodity", "magnet", "bayan obo", "x", "terbium metal", "kazakh", "ree"]


def test_search_ranks_the_same_on_both_stores(tmp_path: Path) -> None:
    batch: Batch = bundled_batch()
    memory = MemoryStore(tmp_path / "graph.json")
    memory.replace_all(batch)
    neo4j = _neo4j_store()
    try:
        neo4j.replace_all(batch)
        for q in QUERIES:
            for type_ in (None, "Element", "Source"):
                a = [(h.id, round(h.score, 6)) for h in memory.search(q, type=type_, limit=25)]
                b = [(h.id, round(h.score, 6)) for h in neo4j.search(q, type=type_, limit=25)]
                assert a == b, (q, type_, a, b)
        assert memory.search("dy")[0].id == "element:Dy"
    finally:
        neo4j.close()
