"""kg.service: results are cached per store revision, and a write invalidates them."""

from __future__ import annotations

from kg import service
from kg.model import Batch, make_claim, make_entity
from kg.store.memory import MemoryStore


def test_cache_follows_revision(tmp_path, fixture_batch: Batch) -> None:
    store = MemoryStore(tmp_path / "g.json")
    store.write(fixture_batch)
    first = service.policies_result(store, as_of="2025-06-01")
    first["policies"].append("mutated by the caller")
    again = service.policies_result(store, as_of="2025-06-01")
    assert "mutated by the caller" not in again["policies"]  # callers get copies
    revision = store.revision
    store.write(Batch(claims=[make_claim(subject="firm:lynas", predicate="OPERATES",
                                         object="facility:mount-weld", sources=["source:test-usgs"])]))
    assert store.revision != revision


def test_paths_through_claims(tmp_path, fixture_batch: Batch) -> None:
    store = MemoryStore(tmp_path / "g.json")
    store.write(fixture_batch)
    result = service.paths_result(store, "Mt Weld", "Malaysia", max_hops=3)
    routes = [[n["id"] for n in p["nodes"]] for p in result["paths"]]
    assert ["facility:mount-weld", "facility:lynas-malaysia", "country:MY"] in routes
    avoided = service.paths_result(store, "Mt Weld", "Malaysia", max_hops=3, avoid_country="AU")
    assert all("country:AU" not in [n["id"] for n in p["nodes"]] for p in avoided["paths"])


def _new_policy() -> Batch:
    return Batch(entities=[make_entity(id="policy:test-new-measure", name="A new measure",
                                       properties={"instrument": "tariff", "announced": "2025-01-01"},
                                       sources=["source:test-usgs"])])


def test_a_write_changes_what_is_served(tmp_path, fixture_batch: Batch) -> None:
    store = MemoryStore(tmp_path / "g.json")
    store.write(fixture_batch)
    before = service.policies_result(store, as_of="2025-06-01")
    store.write(_new_policy())
    after = service.policies_result(store, as_of="2025-06-01")
    ids = lambda r: {p["id"] for p in r["policies"]}  # noqa: E731
    assert ids(after) - ids(before) == {"policy:test-new-measure"}


def test_two_stores_in_a_row_never_share_results(tmp_path, fixture_batch: Batch) -> None:
    """Fresh stores reuse ids and revision numbers; each must get its own results."""
    seen = []
    for i in range(20):
        store = MemoryStore(tmp_path / f"g{i}.json")
        store.write(fixture_batch)
        if i % 2:
            store.write(_new_policy())
        ids = {p["id"] for p in service.policies_result(store, as_of="2025-06-01")["policies"]}
        seen.append(("policy:test-new-measure" in ids) == bool(i % 2))
        del store
    assert all(seen)
