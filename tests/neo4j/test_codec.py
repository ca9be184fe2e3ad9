"""The Neo4j codec without a server: what a node or relationship carries for analysts (date
companions, ``source_urls``) and that the read path leaves it out, so every bundled record
reads back exactly as written."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.errors import SchemaError
from kg.model import make_claim, make_entity
from kg.schema import PropertySpec
from kg.store import neo4j_codec as codec
from tests.conftest import bundled_batch


def test_complete_dates_get_a_date_companion_partial_ones_none() -> None:
    policy = make_entity(id="policy:x", name="X", sources=["source:a"], properties={
        "instrument": "export-control", "announced": "2025-04", "effective": "2025-04-04", "ended": "2026"})
    props = codec.node_props(policy)
    assert props["effective"] == "2025-04-04" and props["effective_date"] == dt.date(2025, 4, 4)
    assert props["announced"] == "2025-04" and "announced_date" not in props and "ended_date" not in props
    assert codec.entity_from(props) == policy


def test_claims_carry_source_urls_aligned_with_sources() -> None:
    claim = make_claim(subject="firm:x", predicate="HEADQUARTERED_IN", object="country:AU",
                       sources=["source:b", "source:a"], valid_from="2021-07-01", valid_to="2023-05")
    urls = {"source:a": "https://a.org", "source:b": "https://b.org"}
    props = codec.rel_props(claim, urls)
    assert props["sources"] == ["source:a", "source:b"]
    assert props["source_urls"] == ["https://a.org", "https://b.org"]
    assert props["valid_from_date"] == dt.date(2021, 7, 1) and "valid_to_date" not in props
    assert codec.claim_from(claim.subject, claim.predicate, claim.object, props) == claim
    assert codec.rel_props(claim, {})["source_urls"] == ["source:a", "source:b"]  # not found: the id
    assert "source_urls" not in codec.rel_props(claim)


def test_source_labels_url_else_title() -> None:
    src = make_entity(id="source:a", name="A", properties={
        "url": "https://a.org/x", "title": "T", "published": "2024", "kind": "primary"})
    no_url = src.model_copy(update={"properties": {"title": "Only a title"}})
    firm = make_entity(id="firm:x", name="X", sources=["source:a"])
    assert codec.source_labels([src, no_url, firm]) == {"source:a": "Only a title"}
    assert codec.source_labels([src]) == {"source:a": "https://a.org/x"}


def test_the_bundled_graph_reads_back_as_written() -> None:
    batch = bundled_batch(articles=True)
    urls = codec.source_labels(batch.entities)
    companions = 0
    for entity in batch.entities:
        props = codec.node_props(entity)
        companions += sum(1 for v in props.values() if isinstance(v, dt.date))
        assert codec.entity_from(props) == entity, entity.id
    for claim in batch.claims:
        props = codec.rel_props(claim, urls)
        assert all(u.startswith(("http://", "https://")) for u in props["source_urls"]), claim.id
        assert codec.claim_from(claim.subject, claim.predicate, claim.object, props) == claim, claim.id
    assert companions > 100


def test_a_property_named_like_a_companion_is_a_schema_error() -> None:
    specs = {"effective": PropertySpec("effective", "date", "effective"),
             "effective_date": PropertySpec("effective_date", "string", "x")}
    with pytest.raises(SchemaError, match="effective_date"):
        codec._date_names(specs, "Policy", ())


def test_keys_and_provenance_match_their_definitions() -> None:
    """``node_props`` derives ``_keys`` from the search keys instead of normalizing the same
    strings twice, and ``rel_props`` inlines ``Claim.provenance()`` (both for speed): the same
    values as ``kg.resolve.name_keys`` and ``provenance()``, on every bundled record and on codes,
    accents and an empty alias."""
    from kg.model import Entity
    from kg.resolve import name_keys

    batch = bundled_batch(articles=True)
    odd = [Entity.model_construct(id="firm:x", type="Firm", name="Société X", aliases=["", "X & Co."],
                                  sources=["source:a"], properties={"legal_name": "X S.A.", "number": 7}),
           Entity.model_construct(id="element:Nd", type="Element", name="", aliases=[], sources=[],
                                  properties={"symbol": "Nd", "iso2": None}),
           Entity.model_construct(id="source:a", type="Source", name="A", aliases=["Alias"], sources=[],
                                  properties={"title": "Some Title"})]
    for entity in [*batch.entities, *odd]:
        assert codec.node_props(entity)["_keys"] == sorted(name_keys(entity)), entity.id
    for claim in batch.claims:
        props = codec.rel_props(claim)
        assert {k: props[k] for k in claim.provenance()} == claim.provenance(), claim.id
        assert set(props) == set(claim.properties) | set(claim.provenance()) | {"confidence", "sources", "id"} | {
            k for k in props if k.endswith(codec.DATE_SUFFIX)}, claim.id
