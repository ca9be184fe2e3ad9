"""Claims read from articles in the analyses: what a text does not assert stays out, and a
curated fact wins over an article's word where one value is kept."""

from __future__ import annotations

import pytest

from kg.analysis.concentration import concentration
from kg.analysis.restrictions import policies_as_of
from kg.analysis.supply_data import prepare
from kg.model import make_claim
from kg.store.memory import MemoryStore
from loaders.pipeline import ingest_article
from tests.conftest import bundled_batch

TEXT = ("In Malaysia, Mount Weld is being expanded. Lynas would supply dysprosium oxide to Toyota "
        "from 2027. Iluka could operate the Mount Weld mine.")


@pytest.fixture(scope="module")
def store() -> MemoryStore:
    store = MemoryStore()
    store.replace_all(bundled_batch())
    ingest_article(store, {"url": "https://example.org/would", "title": "Would and could",
                           "published": "2025-06-01", "publisher": "Example", "text": TEXT})
    return store


def _article(store: MemoryStore, subject: str, predicate: str, obj: str):
    return [c for c in store.claims(subject=subject, predicate=predicate) if c.object == obj and c.extractor]


def test_what_the_text_does_not_assert_is_stored_for_a_reader(store: MemoryStore) -> None:
    could = _article(store, "firm:iluka", "OPERATES", "facility:mount-weld")
    would = _article(store, "firm:lynas", "SUPPLIES", "firm:toyota")
    assert could and would
    assert all(not c.asserted and c.confidence < 0.5 and c.quote for c in could + would)


def test_and_left_out_of_the_supply_network(store: MemoryStore) -> None:
    d = prepare(list(store.entities()), list(store.claims()), as_of="2025-07-01")
    assert "firm:iluka" not in d.operated_by["facility:mount-weld"]
    assert "firm:lynas" in d.operated_by["facility:mount-weld"]
    assert not [o for o in d.offtakes if (o.supplier, o.buyer) == ("firm:lynas", "firm:toyota")
                and any(s.startswith("source:a-") for s in o.sources)]
    assert not [c for c in d.claims if not c.asserted]


def test_a_curated_location_wins_over_an_articles(store: MemoryStore) -> None:
    wrong = _article(store, "facility:mount-weld", "LOCATED_IN", "country:MY")
    assert wrong and wrong[0].asserted  # the article does assert it ("In Malaysia, Mount Weld …")
    claims = list(store.claims())
    for order in (claims, wrong + [c for c in claims if c not in wrong]):
        d = prepare(list(store.entities()), order, as_of="2025-07-01")
        assert d.located["facility:mount-weld"] == "country:AU"
        firms = concentration(list(store.entities()), order, stage="mining", as_of="2025-07-01", by="firm")
        assert [r.shares for r in firms] == [r.shares for r in concentration(
            list(store.entities()), claims, stage="mining", as_of="2025-07-01", by="firm")]


def test_policies_list_only_asserted_targets(store: MemoryStore) -> None:
    source = next(c.sources[0] for c in store.claims() if c.extractor)
    unasserted = make_claim(subject="policy:cn-mofcom-2025-18", predicate="TARGETS", object="element:Ce",
                            sources=[source], confidence=0.35, extractor="rekg-patterns/0.3",
                            quote="China could add cerium to the list.")
    rows = policies_as_of(list(store.entities()), [*store.claims(), unasserted], "2025-06-01")
    row = next(r for r in rows if r["id"] == "policy:cn-mofcom-2025-18")
    assert "element:Ce" not in row["targets"]


def test_a_curated_claim_is_asserted_whatever_its_confidence() -> None:
    low = make_claim(subject="firm:lynas", predicate="OPERATES", object="facility:mount-weld",
                     sources=["source:x"], confidence=0.2)
    assert low.asserted and low.stands(None)
    read = make_claim(subject="firm:lynas", predicate="OPERATES", object="facility:mount-weld",
                      sources=["source:x"], confidence=0.49, extractor="rekg-patterns/0.3")
    assert not read.asserted and not read.stands(None)
