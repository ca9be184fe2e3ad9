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


# --- Issue 16: corrections from a source check, pinned -------------------------------------------

def _claims(store: MemoryStore, subject: str, predicate: str, obj: str) -> list:
    return list(store.claims(subject=subject, predicate=predicate, object=obj))


def test_kalgoorlie_first_feed_and_first_mrec_dates(bundled: MemoryStore) -> None:
    (feed,) = _claims(bundled, "facility:mount-weld", "FEEDS", "facility:lynas-kalgoorlie")
    assert feed.valid_from == "2023-12-07"
    (mrec,) = _claims(bundled, "facility:lynas-kalgoorlie", "FEEDS", "facility:lynas-malaysia")
    assert mrec.valid_from == "2024-06"


@pytest.mark.parametrize("facility, status, status_date", [
    ("facility:lynas-seadrift", "suspended", "2025-11"),
    ("facility:white-mesa", "operating", "2024-06-10"),
    ("facility:round-top", "planned", "2025-12-10"),
    ("facility:hypromag-tyseley", "operating", "2026-01-15"),
    ("facility:pela-ema", "operating", "2024"),
])
def test_corrected_facility_status_and_date(bundled: MemoryStore, facility: str, status: str, status_date: str) -> None:
    props = bundled.get(facility).properties
    assert (props["status"], props["status_date"]) == (status, status_date)


@pytest.mark.parametrize("owner, owned, share", [
    ("firm:shenghe", "firm:energy-transition-minerals", 0.125),
    ("firm:shenghe", "firm:peak-rare-earths", 0.199),
    ("firm:hochschild", "firm:aclara", 0.2),
    ("firm:new-hartsdale", "firm:aclara", 0.3765),
    ("firm:cn-imumr", "firm:shenghe", 0.2),
])
def test_corrected_ownership_shares(bundled: MemoryStore, owner: str, owned: str, share: float) -> None:
    shares = {c.properties.get("share") for c in _claims(bundled, owner, "OWNS", owned)}
    assert share in shares


def test_superseded_figures_are_kept_with_low_confidence(bundled: MemoryStore) -> None:
    """Both kept: the Wikipedia mirror's 10 % stays, marked down, beside the 12.5 % of the filings."""
    (old,) = [c for c in _claims(bundled, "firm:shenghe", "OWNS", "firm:energy-transition-minerals")
              if c.properties.get("share") == 0.1]
    assert old.confidence < 0.5


def test_dfars_2024_covers_ndfeb_and_suspension_of_46_is_no_72(bundled: MemoryStore) -> None:
    targets = {c.object for c in bundled.claims(subject="policy:us-dod-dfars-2024-covered-materials", predicate="TARGETS")}
    assert {"material:ndfeb-magnet", "material:smco-magnet"} <= targets
    assert "No. 72 of 2025" in bundled.get("policy:cn-mofcom-2025-46-suspension").properties["number"]


def test_ionic_clay_quota_2023_and_stage_shares_have_a_year(bundled: MemoryStore) -> None:
    quotas = {c.properties.get("quantity") for c in bundled.claims(subject="country:CN", predicate="PRODUCES", object="material:reo")
              if c.properties.get("basis") == "quota" and c.properties.get("year") == 2023}
    assert 19150 in quotas
    for claim in bundled.claims(predicate="PRODUCES"):
        if claim.properties.get("basis") in {"production", "estimate"} and "share" in claim.properties:
            assert claim.properties.get("year"), claim.id


def test_article_paraphrases_do_not_overstate() -> None:
    from pathlib import Path
    articles = Path(__file__).resolve().parents[1] / "data" / "articles"
    caixin = (articles / "2025-10-caixin-truce-buys-time.md").read_text(encoding="utf-8")
    assert "total U.S. magnet capacity to about 10,000 tons" in caixin
    summa = (articles / "2025-07-summamoney-mp-materials-dod.md").read_text(encoding="utf-8")
    assert "buy NdPr metal" not in summa and "not a commitment to buy" in summa


# --- Issue 16: the missing projects and measures ----------------------------------------------------

@pytest.mark.parametrize("facility, operator, country", [
    ("facility:kvanefjeld", "firm:energy-transition-minerals", "country:GL"),
    ("facility:tanbreez", "firm:critical-metals", "country:GL"),
    ("facility:steenkampskraal", "firm:steenkampskraal-holdings", "country:ZA"),
    ("facility:mp-mountain-pass-recycling", "firm:mp-materials", "country:US"),
    ("facility:shin-etsu-smmv", "firm:shin-etsu", "country:VN"),
    ("facility:shin-etsu-takefu", "firm:shin-etsu", "country:JP"),
    ("facility:proterial-kumagaya", "firm:proterial", "country:JP"),
])
def test_missing_projects_are_in_the_graph(bundled: MemoryStore, facility: str, operator: str, country: str) -> None:
    assert list(bundled.claims(subject=operator, predicate="OPERATES", object=facility))
    assert list(bundled.claims(subject=facility, predicate="LOCATED_IN", object=country))


def test_tanbreez_ucore_offtake_is_a_non_binding_supply(bundled: MemoryStore) -> None:
    (claim,) = bundled.claims(subject="facility:tanbreez", predicate="SUPPLIES", object="firm:ucore")
    assert claim.properties["quantity"] == 10000 and claim.confidence < 1


def test_magnet_plant_capacities_are_sourced_and_estimates_labelled(bundled: MemoryStore) -> None:
    (smmv,) = bundled.claims(subject="facility:shin-etsu-smmv", predicate="PRODUCES")
    assert (smmv.properties["quantity"], smmv.properties["basis"]) == (2200, "capacity")
    (takefu,) = bundled.claims(subject="facility:shin-etsu-takefu", predicate="PRODUCES")
    assert takefu.properties["basis"] == "estimate" and "derived" in takefu.note.lower()


@pytest.mark.parametrize("policy, field, value", [
    ("policy:us-bis-2021-232-ndfeb", "reported", "2022-06"),
    ("policy:us-bis-2021-232-ndfeb", "announced", "2021-09-21"),
    ("policy:us-bis-2025-232-critical-minerals", "announced", "2025-04-22"),
    ("policy:us-bis-2025-232-critical-minerals", "reported", "2025-10-24"),
    ("policy:us-ndaa-2019-s871", "effective", "2018-08"),
])
def test_missing_measures_are_dated(bundled: MemoryStore, policy: str, field: str, value: str) -> None:
    assert bundled.get(policy).properties[field] == value


# --- Issue 16: money as FUNDS relations ----------------------------------------------------------------

def test_funding_is_a_relation_with_amount_currency_instrument_and_date(bundled: MemoryStore) -> None:
    funds = list(bundled.claims(predicate="FUNDS"))
    assert len(funds) >= 20
    for claim in funds:
        props = claim.properties
        assert props["funding_instrument"] and props.get("announced"), claim.id
        if "amount" in props:
            assert props["amount_unit"] in {"USD", "AUD", "EUR", "JPY", "CAD", "GBP"}, claim.id
    funders = {c.subject for c in funds}
    assert {"firm:us-dod", "firm:us-osc", "firm:au-efa", "firm:au-nrf", "firm:us-exim", "firm:us-dfc", "firm:jare",
            "firm:us-doc"} <= funders


def test_dod_mp_package_includes_private_financing(bundled: MemoryStore) -> None:
    claims = list(bundled.claims(object="firm:mp-materials", predicate="FUNDS"))
    by = {(c.subject, c.properties["funding_instrument"]): c.properties.get("amount") for c in claims}
    assert by[("firm:us-dod", "equity")] == 400_000_000 and by[("firm:us-dod", "loan")] == 150_000_000
    assert by[("firm:jpmorgan", "loan")] == 1_000_000_000


# --- Issue 16: USGS MCS 2025 items as claims, source quality ---------------------------------------------

@pytest.mark.parametrize("obj, year, price", [
    ("material:dy-oxide", 2024, 260), ("material:tb-oxide", 2024, 810), ("element:Nd", 2024, 56),
    ("material:tb-oxide", 2022, 2051), ("material:eu-oxide", 2024, 27),
])
def test_usgs_2024_average_prices(bundled: MemoryStore, obj: str, year: int, price: float) -> None:
    (claim,) = [c for c in bundled.claims(subject="region:world", predicate="PRICED", object=obj)
                if c.properties["year"] == year and "source:usgs-mcs-2025-ree" in c.sources]
    assert (claim.properties["price"], claim.properties["price_unit"]) == (price, "USD/kg")


def test_usgs_employment_value_reliance_stockpile_resources(bundled: MemoryStore) -> None:
    us = [c for c in bundled.claims(subject="country:US") if "source:usgs-mcs-2025-ree" in c.sources]
    jobs = {c.properties["year"]: c.properties["employees"] for c in us if "employees" in c.properties}
    assert jobs == {2020: 185, 2021: 293, 2022: 350, 2023: 450, 2024: 570}
    assert [c.properties["value"] for c in us if c.predicate == "PRODUCES" and "value" in c.properties] == [260_000_000]
    reliance = {c.properties["year"]: c.properties["net_import_reliance"] for c in us if "net_import_reliance" in c.properties}
    assert reliance[2024] == 0.8 and reliance[2020] == 1
    stock = {(c.object, c.properties["year"]): c.properties.get("quantity") for c in us if c.predicate == "STOCKPILES"}
    assert stock[("material:la-oxide", 2024)] == 1300 and stock[("material:ce-oxide", 2024)] == 550
    resources = [c for c in us if c.predicate == "HAS_RESERVES" and c.properties.get("basis") == "resources"]
    assert [c.properties["quantity"] for c in resources] == [3_600_000]


def test_copies_are_flagged_and_the_spun_site_is_not_quoted_alone(bundled: MemoryStore) -> None:
    spun = bundled.get("source:production-reuters-2024-second-batch")
    assert spun.properties["quality"] == "machine-reworded"
    for claim in bundled.claims(predicate="PRODUCES"):
        if "source:production-reuters-2024-second-batch" in claim.sources:
            assert claim.sources[0] != "source:production-reuters-2024-second-batch" or len(claim.sources) > 1
            assert "loads" not in (claim.quote or "")
    qualities = {s.properties.get("quality") for s in bundled.entities("Source")}
    assert {"mirror", "aggregator", "machine-reworded", "transcription"} <= qualities


# Rough bounding boxes (lat_min, lat_max, lon_min, lon_max) of the countries whose facilities carry
# a coordinate: a sanity check that a coordinate lies in the country the facility is LOCATED_IN
# (a swapped sign or swapped lat/lon lands elsewhere). Not data: nothing here is loaded.
_COUNTRY_BOX = {
    "country:US": (24, 50, -125, -66), "country:AU": (-44, -10, 112, 154), "country:CN": (18, 54, 73, 135),
    "country:MY": (0.8, 7.5, 99.5, 119.5), "country:EE": (57.5, 59.8, 21.5, 28.3), "country:ZA": (-35, -22, 16, 33),
    "country:BR": (-34, 5.5, -74, -34), "country:DE": (47, 55.1, 5.8, 15.1), "country:FR": (41, 51.2, -5.2, 9.6),
    "country:GL": (59.5, 84, -73.5, -11), "country:CA": (41.6, 83.2, -141.1, -52.6), "country:JP": (24, 45.6, 122.9, 146),
    "country:MW": (-17.2, -9.3, 32.6, 36), "country:AO": (-18.1, -4.3, 11.6, 24.1), "country:CL": (-56, -17.4, -76, -66.4),
    "country:GB": (49.8, 60.9, -8.7, 1.8), "country:IN": (6.5, 35.7, 68.1, 97.4), "country:VN": (8.2, 23.4, 102.1, 109.5),
}


def test_coordinates_have_precision_source_and_lie_in_their_country(bundled: MemoryStore) -> None:
    with_coords = [f for f in bundled.entities("Facility") if f.properties.get("latitude") is not None]
    assert len(with_coords) >= 68
    sources = {s.id for s in bundled.entities("Source")}
    for facility in with_coords:
        props = facility.properties
        assert props.get("longitude") is not None, facility.id
        assert props["coordinate_precision"] in {"site", "town", "district", "region"}, facility.id
        assert props["coordinate_source"] in sources, facility.id
        assert props["coordinate_source"] in facility.sources, facility.id
        countries = [c.object for c in bundled.claims(subject=facility.id, predicate="LOCATED_IN")]
        assert countries, facility.id
        lat0, lat1, lon0, lon1 = _COUNTRY_BOX[countries[0]]
        assert lat0 <= props["latitude"] <= lat1 and lon0 <= props["longitude"] <= lon1, facility.id


@pytest.mark.parametrize("facility, lat, lon, precision", [
    ("facility:mountain-pass", 35.47861, -115.5325, "site"),
    ("facility:kvanefjeld", 60.98333, -46.0, "site"),
    ("facility:lynas-kalgoorlie", -30.74889, 121.46583, "town"),
    ("facility:lynas-malaysia", 3.817, 103.333, "district"),
    ("facility:jl-mag-baotou", 40.6213, 109.9532, "town"),
    ("facility:nolans", -22.59361, 133.23833, "site"),
    ("facility:songwe-hill", -15.70155, 35.8215, "site"),
    ("facility:round-top", 31.18333, -105.33944, "district"),
    ("facility:zibo-jiahua", 36.8138, 118.055, "town"),
    ("facility:saltend", 53.74444, -0.3325, "district"),
    ("facility:donald", -36.45, 142.583, "district"),
    ("facility:shin-etsu-takefu", 35.9035, 136.16875, "town"),
])
def test_coordinates_as_cited(bundled: MemoryStore, facility: str, lat: float, lon: float, precision: str) -> None:
    props = bundled.get(facility).properties
    assert (props["latitude"], props["longitude"], props["coordinate_precision"]) == (lat, lon, precision)


def test_coordinate_copies_are_flagged(bundled: MemoryStore) -> None:
    """A coordinate read from a copy of Wikipedia says so; the one aggregator is flagged as such."""
    assert bundled.get("source:fr-wiki2-mountain-pass-mine").properties["quality"] == "mirror"
    assert bundled.get("source:fr-usacities-seadrift").properties["quality"] == "aggregator"
    assert bundled.get("source:fr-wikiland-steenkampskraal").properties["quality"] == "mirror"


def test_deposit_coordinates_from_mineral_databases(bundled: MemoryStore) -> None:
    """Deposit sites read from mineral databases (PorterGeo, Mindat, AlkCarb) cite them as datasets."""
    store = bundled
    for facility, source in [("facility:nolans", "source:fr-portergeo-nolans-bore"),
                             ("facility:songwe-hill", "source:fr-mindat-songwe-hill"),
                             ("facility:strange-lake", "source:fr-alkcarb-strange-lake"),
                             ("facility:longonjo", "source:fr-alkcarb-longonjo")]:
        props = store.get(facility).properties
        assert props["coordinate_source"] == source and props["coordinate_precision"] == "site", facility
        assert store.get(source).properties["kind"] == "dataset", source


@pytest.mark.parametrize("row, source", [
    ("policy:us-dod-dfars-2024-covered-materials", "source:policies-fr-dfars-2024-clause-7052"),
    ("facility:white-mesa", "source:fr-ef-whitemesa-2024-release"),
])
def test_corrections_rest_on_a_primary_source(bundled: MemoryStore, row: str, source: str) -> None:
    """The DFARS NdFeB coverage and the White Mesa date are checked against the primary text."""
    entity = bundled.get(row)
    assert source in entity.sources and source in entity.properties["checked_against"]
    assert bundled.get(source).properties["kind"] == "primary"
    if row == "facility:white-mesa":
        assert entity.properties["status_date"] == "2024-06-10" == bundled.get(source).properties["published"]
    else:
        assert "neodymium-iron-boron" in bundled.get(source).properties["note"]


@pytest.mark.parametrize("row, source", [
    ("policy:cn-miit-2025-total-quantity-control", "source:policies-sheeny-miit-interim-text-2025"),
    ("policy:us-dod-2021-lynas-lre-dpa", "source:policies-hstoday-dod-lynas-lree-2021"),
    ("facility:nechalacho", "source:fr-vital-market-update-2023-04"),
    ("facility:zibo-jiahua", "source:fcn-neo-jiahua-completion-2025"),
    ("firm:us-exim", "source:fr-meteoric-exim"),
])
def test_second_sources_are_in_the_check_trail(bundled: MemoryStore, row: str, source: str) -> None:
    """A second source added for issue 16 is cited, was read in the row's last check, and brings a
    second publisher."""
    entity = bundled.get(row)
    read = entity.properties["checked_against"]
    assert source in read and source in entity.sources and str(entity.properties["checked"]) == "2026-11-30"
    publishers = {str(bundled.get(s).properties["publisher"]).split("(")[0].strip().lower() for s in read}
    assert len(publishers) >= 2, publishers


def test_what_the_second_sources_changed(bundled: MemoryStore) -> None:
    """Where the second source disagreed, the newer or primary one decided (data/README.md)."""
    miit = bundled.get("policy:cn-miit-2025-total-quantity-control").properties
    assert (str(miit["effective"]), str(miit["announced"])) == ("2025-07-28", "2025-08-22")
    nechalacho = bundled.get("facility:nechalacho").properties
    assert (nechalacho["status"], str(nechalacho["status_date"])) == ("suspended", "2023-04-19")
    zibo = bundled.get("facility:zibo-jiahua").properties
    assert (zibo["status"], str(zibo["status_date"])) == ("closed", "2024")
    shares = {(c.properties.get("share"), c.confidence) for c in
              bundled.claims(subject="firm:ganzhou-chenguang", predicate="OWNS") if c.object == "facility:zibo-jiahua"}
    assert (0.88, 0.9) in shares and (1.0, 0.3) in shares
