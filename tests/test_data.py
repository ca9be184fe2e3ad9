"""The bundled data: it loads, it is cited, and its totals add up."""

from __future__ import annotations

from collections import defaultdict

import pytest

from kg.store.memory import MemoryStore
from tests.conftest import bundled_batch


@pytest.fixture(scope="module")
def bundled() -> MemoryStore:
    store = MemoryStore()
    store.replace_all(bundled_batch())
    return store


def test_seventeen_elements(bundled: MemoryStore) -> None:
    symbols = sorted(e.properties["symbol"] for e in bundled.entities("Element"))
    assert len(symbols) == 17
    mofcom = sorted(e.properties["symbol"] for e in bundled.entities("Element")
                    if e.properties.get("mofcom_medium_heavy"))
    assert mofcom == ["Dy", "Gd", "Lu", "Sc", "Sm", "Tb", "Y"]


def test_every_claim_and_entity_cited(bundled: MemoryStore) -> None:
    stats = bundled.stats()
    assert stats.claims > 0 and stats.claims_with_source == stats.claims
    sources = {e.id for e in bundled.entities("Source")}
    for entity in bundled.entities():
        assert set(entity.sources) <= sources
        if entity.type != "Source":
            assert entity.sources, entity.id
    for claim in bundled.claims():
        assert set(claim.sources) <= sources, claim.id


def test_every_source_has_url_and_date(bundled: MemoryStore) -> None:
    for source in bundled.entities("Source"):
        assert source.properties["url"].startswith(("http://", "https://")), source.id
        assert source.properties["published"], source.id


def test_every_source_is_used(bundled: MemoryStore) -> None:
    used = {s for e in bundled.entities() for s in e.sources}
    used |= {s for c in bundled.claims() for s in c.sources}
    unused = sorted(e.id for e in bundled.entities("Source") if e.id not in used)
    assert not unused, f"sources nobody cites: {unused}"


@pytest.mark.parametrize("edition, year", [
    ("source:usgs-mcs-2025-ree", 2024), ("source:usgs-mcs-2025-ree", 2023),
    ("source:usgs-mcs-2024-ree", 2023), ("source:usgs-mcs-2024-ree", 2022),
])
def test_usgs_mine_production_sums_to_world_total(bundled: MemoryStore, edition: str, year: int) -> None:
    """Country rows plus "other countries" add up to the same edition's rounded world total."""
    by_area: dict[str, float] = defaultdict(float)
    for claim in bundled.claims(predicate="PRODUCES", object="material:reo"):
        props = claim.properties
        if edition in claim.sources and props.get("year") == year and props.get("basis") == "production" \
                and props.get("stage") == "mining" and "quantity" in props:
            assert claim.subject not in by_area, f"two {edition} claims for {claim.subject} {year}"
            by_area[claim.subject] = props["quantity"]
    world = by_area.pop("region:world")
    total = sum(by_area.values())
    # USGS rounds the world total to two or three significant figures.
    assert abs(total - world) <= 0.02 * world, (total, world)


def test_china_2024_mine_production_mcs2025(bundled: MemoryStore) -> None:
    claims = [c for c in bundled.claims(subject="country:CN", predicate="PRODUCES", object="material:reo")
              if "source:usgs-mcs-2025-ree" in c.sources and c.properties.get("year") == 2024
              and c.properties.get("basis") == "production" and "quantity" in c.properties]
    assert [c.properties["quantity"] for c in claims] == [270000]


def test_reference_data_ii_counts(bundled: MemoryStore) -> None:
    counts = bundled.stats().entities
    assert counts["Facility"] >= 60 and counts["Firm"] >= 60 and counts["Policy"] >= 30


@pytest.mark.parametrize("name, entity_id", [
    ("Mountain Pass", "facility:mountain-pass"), ("Mt Weld", "facility:mount-weld"),
    ("Lynas Malaysia", "facility:lynas-malaysia"), ("LAMP", "facility:lynas-malaysia"),
    ("Bayan Obo", "facility:bayan-obo"), ("MP Materials", "firm:mp-materials"), ("Lynas", "firm:lynas"),
    ("MOFCOM Announcement No. 18 of 2025", "policy:cn-mofcom-2025-18"),
    ("Announcement No. 18", "policy:cn-mofcom-2025-18"),
])
def test_search_finds_by_common_name(bundled: MemoryStore, name: str, entity_id: str) -> None:
    assert bundled.search(name, limit=1)[0].id == entity_id


@pytest.mark.parametrize("facility", ["facility:mountain-pass", "facility:mount-weld",
                                      "facility:lynas-malaysia", "facility:bayan-obo"])
def test_facility_shows_operator_location_stage_dates_sources(bundled: MemoryStore, facility: str) -> None:
    data = bundled.show(facility)
    preds = {(r["predicate"], r["direction"]) for r in data["relations"]}
    assert ("OPERATES", "in") in preds and ("LOCATED_IN", "out") in preds
    assert data["properties"]["stages"] and data["properties"]["status"] and data["properties"].get("status_date")
    assert data["sources"] and all(r["sources"] for r in data["relations"])


def test_firms_show_facilities_and_headquarters(bundled: MemoryStore) -> None:
    for firm in ("firm:mp-materials", "firm:lynas"):
        preds = {r["predicate"] for r in bundled.show(firm)["relations"]}
        assert {"OPERATES", "HEADQUARTERED_IN"} <= preds


def test_announcement_18(bundled: MemoryStore) -> None:
    data = bundled.show("policy:cn-mofcom-2025-18")
    assert data["properties"]["instrument"] == "export-control"
    assert data["properties"]["effective"] == "2025-04-04"
    targets = {r["other"]["id"] for r in data["relations"] if r["predicate"] == "TARGETS"}
    assert {"element:Sm", "element:Gd", "element:Tb", "element:Dy", "element:Lu", "element:Sc", "element:Y"} <= targets
    issuers = {r["other"]["id"] for r in data["relations"] if r["predicate"] == "ISSUED_BY"}
    assert "firm:cn-mofcom" in issuers
