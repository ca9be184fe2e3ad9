"""The store conformance suite: every store (embedded, Neo4j) must pass all of it."""

from __future__ import annotations

import pytest

from kg.errors import AmbiguousNameError, DataError, NotFoundError, UnknownNameError
from kg.model import Batch, make_claim, make_entity
from kg.store.base import Store
from loaders.datasets import load_file
from tests.conftest import FIXTURES


def snapshot(store: Store) -> tuple:
    return (
        tuple(e.model_dump_json() for e in store.entities()),
        tuple(c.model_dump_json() for c in store.claims()),
    )


class TestWrite:
    def test_counts(self, loaded: Store) -> None:
        stats = loaded.stats().to_json()
        assert stats["entities"]["Element"] == 2
        assert stats["entities"]["Source"] == 2
        assert stats["relations"]["OPERATES"] == 2
        assert stats["claims"] == 8 == stats["claims_with_source"]

    def test_idempotent(self, loaded: Store, fixture_batch: Batch) -> None:
        before = snapshot(loaded)
        loaded.write(fixture_batch)
        assert snapshot(loaded) == before

    def test_dangling_reference_writes_nothing(self, loaded: Store) -> None:
        before = snapshot(loaded)
        bad = Batch(origin="bad.csv", entities=[
            make_entity(id="firm:newco", name="NewCo", sources=["source:test-usgs"])],
            claims=[make_claim(subject="firm:newco", predicate="OPERATES", object="facility:nowhere",
                               sources=["source:test-usgs"])])
        with pytest.raises(DataError, match="bad.csv: .*facility:nowhere, which is neither in this file nor in the graph"):
            loaded.write(bad)
        assert snapshot(loaded) == before
        assert loaded.get("firm:newco") is None

    def test_unknown_source(self, loaded: Store) -> None:
        bad = Batch(origin="x", claims=[make_claim(subject="firm:lynas", predicate="OPERATES",
                                                   object="facility:mount-weld", sources=["source:nope"])])
        with pytest.raises(DataError, match="unknown source source:nope"):
            loaded.write(bad)

    def test_conflicting_duplicate_in_batch(self, store: Store) -> None:
        a = make_entity(id="source:a", name="A", properties={
            "url": "https://a.org", "title": "A", "published": "2024", "kind": "primary"})
        b = make_entity(id="source:a", name="B", properties={
            "url": "https://b.org", "title": "B", "published": "2024", "kind": "primary"})
        with pytest.raises(DataError, match="defined twice"):
            store.write(Batch(entities=[a, b]))

    def test_upsert_replaces_entity(self, loaded: Store) -> None:
        new = make_entity(id="firm:lynas", name="Lynas", aliases=["Lynas Rare Earths"], sources=["source:test-usgs"],
                          properties={"listing": "ASX:LYC"})
        with pytest.raises(DataError, match="already in the graph with other content"):
            loaded.write(Batch(entities=[new]))  # a redefinition needs replace=True (`--replace`)
        assert loaded.write(Batch(entities=[new]), replace=True).replaced == ("firm:lynas",)
        assert loaded.get("firm:lynas") == new
        assert len(list(loaded.claims(subject="firm:lynas"))) == 2

    def test_replace_all(self, loaded: Store, fixture_batch: Batch) -> None:
        small = Batch(entities=[e for e in fixture_batch.entities if e.type == "Source"])
        loaded.replace_all(small)
        assert loaded.stats().to_json()["entities"] == {"Source": 2}
        assert loaded.stats().claims == 0

    def test_disagreeing_claims_both_kept(self, loaded: Store) -> None:
        other = make_claim(subject="country:CN", predicate="PRODUCES", object="material:reo",
                           properties={"stage": "mining", "basis": "production", "quantity": 240000,
                                       "quantity_unit": "t REO", "year": 2024},
                           sources=["source:test-lynas"])
        loaded.write(Batch(claims=[other]))
        quantities = sorted(c.properties["quantity"] for c in loaded.claims(subject="country:CN"))
        assert quantities == [240000.0, 270000.0]


class TestRead:
    def test_get_roundtrip(self, loaded: Store, fixture_batch: Batch) -> None:
        for entity in fixture_batch.entities:
            assert loaded.get(entity.id) == entity
        assert loaded.get("firm:nobody") is None

    def test_claims_roundtrip(self, loaded: Store, fixture_batch: Batch) -> None:
        assert sorted(loaded.claims(), key=lambda c: c.id) == sorted(fixture_batch.claims, key=lambda c: c.id)

    def test_entities_by_type(self, loaded: Store) -> None:
        assert [e.id for e in loaded.entities("Country")] == ["country:AU", "country:CN", "country:MY", "country:US"]

    def test_existing(self, loaded: Store) -> None:
        assert loaded.existing(["firm:lynas", "firm:nope"]) == {"firm:lynas"}

    def test_claim_filters(self, loaded: Store) -> None:
        assert {c.object for c in loaded.claims(subject="firm:lynas", predicate="OPERATES")} == {
            "facility:mount-weld", "facility:lynas-malaysia"}
        assert [c.subject for c in loaded.claims(object="country:AU")] == ["facility:mount-weld"]

    @pytest.mark.parametrize("as_of, expected", [(None, 1), ("2011-06-01", 0), ("2020", 1), ("2025-07-01", 0)])
    def test_as_of(self, loaded: Store, as_of: str | None, expected: int) -> None:
        assert len(list(loaded.claims(predicate="FEEDS", as_of=as_of))) == expected

    def test_relations(self, loaded: Store) -> None:
        rels = loaded.relations("facility:mount-weld")
        assert {(r.claim.predicate, r.direction, r.other.id) for r in rels} == {
            ("OPERATES", "in", "firm:lynas"), ("LOCATED_IN", "out", "country:AU"),
            ("FEEDS", "out", "facility:lynas-malaysia")}
        assert [r.other.id for r in loaded.relations("facility:mount-weld", direction="in")] == ["firm:lynas"]
        assert loaded.relations("facility:mount-weld", predicate="feeds", as_of="2026") == []

    def test_relations_unknown(self, loaded: Store) -> None:
        with pytest.raises(NotFoundError, match="no entity with id 'firm:nope'"):
            loaded.relations("firm:nope")

    def test_show_shape(self, loaded: Store) -> None:
        data = loaded.show("facility:lynas-malaysia")
        assert set(data) >= {"id", "type", "name", "aliases", "properties", "relations"}
        rel = next(r for r in data["relations"] if r["predicate"] == "PRODUCES")
        assert rel["direction"] == "out"
        assert rel["other"] == {"id": "material:ndpr-oxide", "type": "Material", "name": "NdPr oxide"}
        assert rel["properties"]["quantity"] == 10500.0 and rel["properties"]["quantity_unit"] == "t/yr"
        assert rel["sources"] == ["source:test-lynas"]


class TestNames:
    @pytest.mark.parametrize("name", ["Lynas", "lynas corp", "LYNAS RARE EARTHS", "Lynas Rare Earths Ltd"])
    def test_resolve_aliases(self, loaded: Store, name: str) -> None:
        assert loaded.resolve(name) == "firm:lynas"

    def test_resolve_codes(self, loaded: Store) -> None:
        assert loaded.resolve("CHN") == "country:CN"
        assert loaded.resolve("prc") == "country:CN"
        assert loaded.resolve("dy") == "element:Dy"

    def test_resolve_accent_insensitive(self, loaded: Store) -> None:
        assert loaded.resolve("Mount Wéld") == "facility:mount-weld"

    def test_unknown(self, loaded: Store) -> None:
        with pytest.raises(UnknownNameError, match="no entity is named 'Atlantis'"):
            loaded.resolve("Atlantis")

    def test_ambiguous_lists_candidates(self, loaded: Store) -> None:
        twin = make_entity(id="firm:weld-co", name="Weld Co", aliases=["Mt Weld"], sources=["source:test-usgs"])
        loaded.write(Batch(entities=[twin]))
        with pytest.raises(AmbiguousNameError, match="facility:mount-weld, firm:weld-co"):
            loaded.resolve("mt weld")
        assert loaded.resolve("mt weld", type="Firm") == "firm:weld-co"

    def test_search(self, loaded: Store) -> None:
        hits = loaded.search("lynas")
        assert hits[0].id == "firm:lynas" and hits[0].score == 1.0
        assert "facility:lynas-malaysia" in [h.id for h in hits]
        assert [h.id for h in loaded.search("lynas", type="Facility")] == ["facility:lynas-malaysia"]
        assert loaded.search("zzzz") == []


def test_fixture_files_load() -> None:
    assert len(load_file(FIXTURES / "relations.csv").claims) == 8
