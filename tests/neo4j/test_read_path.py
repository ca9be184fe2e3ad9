"""The Neo4j read path answers exactly as the embedded store on the bundled graph: search
ranking (one shared scoring function, kg.search), lookups, and the one-round-trip
``show`` / ``relations``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kg.config import Settings
from kg.store.memory import MemoryStore
from kg.store.neo4j import Neo4jStore
from tests.conftest import bundled_batch, neo4j_test_uri

pytestmark = pytest.mark.neo4j

QUERIES = ["lynas", "Lynas Rare Earths", "mt weld", "weld", "bayan obo", "china", "CN", "Dy", "dysprosium",
           "ndfeb", "magnet", "rare earth", "usgs", "mineral commodity summaries", "mp materials", "iluka",
           "société", "neo", "a", "oxide", "export control", "announcement", "xyzzy", "+", "us", "e"]


@pytest.fixture(scope="module")
def stores() -> Iterator[tuple[MemoryStore, Neo4jStore]]:
    uri = neo4j_test_uri()
    if not uri:
        pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
    batch = bundled_batch()
    memory = MemoryStore()
    memory.replace_all(batch)
    neo = Neo4jStore.from_settings(Settings(neo4j_uri=uri, neo4j_password="unused-auth-off"))
    neo.clear()
    neo.replace_all(batch)
    try:
        yield memory, neo
    finally:
        neo.close()


@pytest.mark.parametrize("query", QUERIES)
def test_search_ranks_as_the_embedded_store(stores: tuple[MemoryStore, Neo4jStore], query: str) -> None:
    memory, neo = stores
    for type_ in (None, "Facility", "Source"):
        assert neo.search(query, type=type_, limit=25) == memory.search(query, type=type_, limit=25), (query, type_)


@pytest.mark.parametrize("name", ["lynas", "Mt Weld", "CN", "china", "Dy", "element:Dy", "nobody"])
def test_lookup_as_the_embedded_store(stores: tuple[MemoryStore, Neo4jStore], name: str) -> None:
    memory, neo = stores
    assert neo.lookup(name) == memory.lookup(name)


def test_show_and_relations_as_the_embedded_store(stores: tuple[MemoryStore, Neo4jStore]) -> None:
    memory, neo = stores
    ids = [e.id for e in memory.entities()][::7]
    for entity_id in ids:
        for as_of in (None, "2025-06-01"):
            assert neo.show(entity_id, as_of=as_of) == memory.show(entity_id, as_of=as_of), entity_id
        assert neo.relations(entity_id, direction="in") == memory.relations(entity_id, direction="in")


def test_many_reads_in_one_round_trip_answer_as_one_call_each(stores: tuple[MemoryStore, Neo4jStore]) -> None:
    """``show_many`` / ``search_many`` (what the API sends for concurrent requests) against
    the embedded store's one-at-a-time answers: every entity of the graph, mixed labels,
    unknown and malformed ids, a date, repeated and empty queries."""
    memory, neo = stores
    ids = [e.id for e in memory.entities()] + ["firm:nobody", "not-an-id", "facility:mount-weld"]
    for as_of in (None, "2025-06-01"):
        many = neo.show_many(ids, as_of=as_of)
        assert set(many) == {e.id for e in memory.entities()}
        assert many == {i: memory.show(i, as_of=as_of) for i in many}
    requests = [(q, t, n) for q in QUERIES + ["lynas", "   "] for t, n in ((None, 25), ("Facility", 3))]
    assert neo.search_many(requests) == [memory.search(q, type=t, limit=n) for q, t, n in requests]
    assert neo.show_many([]) == {} and neo.search_many([]) == []


def test_read_path_through_a_routing_uri(stores: tuple[MemoryStore, Neo4jStore]) -> None:
    """neo4j:// (routing: the driver fetches the routing table and sends reads to readers)
    against the local single server, which routes to itself: same answers, and a write is
    read back at once (bookmarks shared by the store's sessions)."""
    memory, neo = stores
    uri = neo.uri.replace("bolt://", "neo4j://")
    routed = Neo4jStore.from_settings(Settings(neo4j_uri=uri, neo4j_password="unused-auth-off"))
    try:
        assert routed.show("facility:mount-weld") == memory.show("facility:mount-weld")
        assert routed.relations("firm:lynas") == memory.relations("firm:lynas")
        assert routed.search("lynas") == memory.search("lynas")
        assert routed.lookup("Mt Weld") == memory.lookup("Mt Weld")
        from kg.model import Batch, make_entity

        newco = make_entity(id="firm:routed-newco", name="Routed NewCo", sources=[memory.entities("Source").__next__().id])
        routed.write(Batch(entities=[newco]))
        assert routed.get("firm:routed-newco") == newco
        assert [h.id for h in routed.search("routed newco")][:1] == ["firm:routed-newco"]
    finally:
        routed.close()
