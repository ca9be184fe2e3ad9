"""Issue 13, defect 7: user files never silently overwrite curated facts (both stores)."""

from __future__ import annotations

import pytest

from kg.errors import DataError
from kg.model import Batch, make_entity
from kg.store.base import Store
from loaders.articles import Gazetteer, article_batch, extract_article
from loaders.articles.readers import article_from_fields


def test_renaming_a_curated_entity_is_refused_unless_replace(loaded: Store) -> None:
    before = loaded.get("firm:lynas")
    renamed = make_entity(id="firm:lynas", name="Not Lynas", sources=["source:test-lynas"],
                          properties=dict(before.properties))
    with pytest.raises(DataError, match=r"firm:lynas is already in the graph with other content .*--replace"):
        loaded.write(Batch(entities=[renamed], origin="user.csv"))
    assert loaded.get("firm:lynas") == before
    result = loaded.write(Batch(entities=[renamed], origin="user.csv"), replace=True)
    assert result.replaced == ("firm:lynas",)
    assert loaded.get("firm:lynas").name == "Not Lynas"


def test_redefining_a_source_is_refused(loaded: Store) -> None:
    source = loaded.get("source:test-usgs")
    props = dict(source.properties) | {"title": "A different report"}
    other = make_entity(id="source:test-usgs", name="A different report", properties=props)
    with pytest.raises(DataError, match="source:test-usgs is already in the graph"):
        loaded.write(Batch(entities=[other], origin="sources.yaml"))
    assert loaded.get("source:test-usgs") == source
    # the same definition again is not a redefinition: loading twice changes nothing
    assert loaded.write(Batch(entities=[source])).replaced == ()


def test_ids_differing_only_by_case_are_refused(loaded: Store) -> None:
    upper = make_entity(id="firm:Lynas", name="Lynas again", sources=["source:test-lynas"])
    with pytest.raises(DataError, match="differs only by case from firm:lynas"):
        loaded.write(Batch(entities=[upper]))
    assert loaded.get("firm:Lynas") is None
    a = make_entity(id="firm:acme", name="Acme", sources=["source:test-lynas"])
    b = make_entity(id="firm:ACME", name="ACME", sources=["source:test-lynas"])
    with pytest.raises(DataError, match="differ only by case"):
        loaded.write(Batch(entities=[a, b]))
    assert loaded.get("firm:acme") is None


def _article_batch(store: Store, text: str) -> Batch:
    article = article_from_fields({"url": "https://example.org/news/repost", "title": "Repost",
                                   "published": "2025-05-16", "text": text}, where="test")
    return article_batch(extract_article(article, Gazetteer.from_store(store)))


def test_reposted_article_replaces_its_own_claims(loaded: Store) -> None:
    first = _article_batch(loaded, "Lynas Rare Earths operates Mount Weld in Australia.")
    loaded.write(first)
    sid = first.entities[0].id
    old = {c.id for c in loaded.claims() if c.sources == [sid]}
    assert old
    second = _article_batch(loaded, "Lynas Rare Earths said the Lynas Malaysia plant produced oxide.")
    result = loaded.write(second)
    now = {c.id for c in loaded.claims() if c.sources == [sid]}
    assert now == {c.id for c in second.claims}
    assert result.retracted == len(old)
    # curated claims are untouched
    assert loaded.stats().claims == 8 + len(now)
    # an article never replaces a curated source, even with supersedes set
    curated = loaded.get("source:test-lynas")
    hijack = Batch(entities=[make_entity(id=curated.id, name="x", properties=dict(curated.properties) | {"title": "x"})],
                   supersedes=curated.id)
    with pytest.raises(DataError, match="curated source"):
        loaded.write(hijack)
