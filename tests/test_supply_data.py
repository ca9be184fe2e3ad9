"""data/supply: element content of supply, output mixes, reference figures, sourcing.

Pins what the element-resolved analysis rests on: each deposit mix's shares add up (or the
gap is the one the source leaves), a few cited values, magnitudes of the reference figures,
and that every row under data/supply cites a source with a URL.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from kg.config import Settings
from kg.store.memory import MemoryStore
from tests.conftest import bundled_batch

SUPPLY = Settings().data_dir / "supply"


@pytest.fixture(scope="module")
def bundled() -> MemoryStore:
    store = MemoryStore()
    store.replace_all(bundled_batch())
    return store


def _shares(store: MemoryStore, material: str) -> dict[str, float]:
    """Element -> share (reo-oxide basis) of a deposit mix, from the loaded claims."""
    out: dict[str, float] = {}
    for claim in store.claims(subject=material, predicate="CONTAINS"):
        props = claim.properties
        if claim.object.startswith("element:") and props.get("basis") == "reo-oxide" and "share" in props:
            assert claim.object not in out, f"{material}: two shares for {claim.object}"
            out[claim.object] = props["share"]
    return out


# Sum of the shares each mix carries; the bound says why a mix falls short of 1.
@pytest.mark.parametrize("material, low, high", [
    ("material:monazite-placer-reo", 0.95, 1.02),   # all 15 lanthanides + Y given (Pm, Sc not)
    ("material:mount-weld-reo", 0.95, 1.02),        # proxy: the monazite analysis
    ("material:mountain-pass-reo", 0.95, 1.02),     # La, Ce, Nd, Pr given; SEG+ (1.8 %) only as bound
    ("material:bayan-obo-reo", 0.95, 1.02),         # CeO2 50 % cited; La, Pr, Nd still the Mountain Pass proxy
    ("material:ionic-clay-high-y-reo", 0.92, 0.94),  # La-Nd (about 7 %) missing in the copy read
    ("material:myanmar-ionic-clay-reo", 0.92, 0.94),  # proxy: Longnan, same gap
])
def test_deposit_shares_add_up(bundled: MemoryStore, material: str, low: float, high: float) -> None:
    total = sum(_shares(bundled, material).values())
    assert low <= total <= high, f"{material}: shares sum to {total:.4f}"


@pytest.mark.parametrize("material, element, share", [
    ("material:mountain-pass-reo", "element:Ce", 0.502),   # MP 10-K TRS: Cerium 50.2 %
    ("material:mountain-pass-reo", "element:La", 0.323),   # Lanthanum 32.3 %
    ("material:ionic-clay-high-y-reo", "element:Y", 0.649),
    ("material:ionic-clay-high-y-reo", "element:Dy", 0.067),
    ("material:ionic-clay-high-y-reo", "element:Tb", 0.013),
    ("material:monazite-placer-reo", "element:Nd", 0.174),
    ("material:monazite-placer-reo", "element:Dy", 0.0069),
    ("material:bayan-obo-reo", "element:Ce", 0.50),       # Chinese journal abstract: CeO2 50 %
    ("material:mountain-pass-reo", "element:Dy", 0.00054),  # derived: SEG+ 1.8 % x Dy+Tb 4 % x 3/4
    ("material:mountain-pass-reo", "element:Tb", 0.00018),
])
def test_cited_deposit_shares(bundled: MemoryStore, material: str, element: str, share: float) -> None:
    assert _shares(bundled, material)[element] == pytest.approx(share)


def test_mountain_pass_ndpr_split_matches_the_filing_total(bundled: MemoryStore) -> None:
    """The derived Nd and Pr shares add back to the 10-K's NdPr 15.7 %."""
    shares = _shares(bundled, "material:mountain-pass-reo")
    assert shares["element:Nd"] + shares["element:Pr"] == pytest.approx(0.157)


def test_magnet_chemistry_ranges(bundled: MemoryStore) -> None:
    rows = {c.object: c.properties for c in bundled.claims(subject="material:sintered-ndfeb-magnet", predicate="CONTAINS")
            if c.properties.get("basis") == "metal-mass"}
    nd, dy = rows["element:Nd"], rows["element:Dy"]
    assert (nd["share_min"], nd["share_max"]) == (0.29, 0.325)
    assert (dy["share_min"], dy["share_max"]) == (0.006, 0.012)
    for props in (nd, dy):
        assert props["share_min"] <= props["share"] <= props["share_max"]


def test_output_shares_of_one_subject_add_up(bundled: MemoryStore) -> None:
    """A subject's output mix at one stage and year covers at most all of its output."""
    total: dict[tuple[str, str, int], float] = defaultdict(float)
    for claim in bundled.claims(predicate="PRODUCES"):
        props = claim.properties
        if "output_share" in props:
            total[(claim.subject, props.get("stage", ""), props.get("year", 0))] += props["output_share"]
    assert total[("country:CN", "mining", 2024)] == pytest.approx(1.0, abs=0.001)
    assert total[("country:CN", "mining", 2023)] == pytest.approx(1.0, abs=0.002)
    assert all(v <= 1.001 for v in total.values()), total


def test_us_import_sources_add_up(bundled: MemoryStore) -> None:
    shares = {c.subject: c.properties["import_share"]
              for c in bundled.claims(predicate="EXPORTS_TO", object="country:US")
              if c.properties.get("period") == "2020-2023"}
    assert shares["country:CN"] == 0.70
    assert sum(shares.values()) == pytest.approx(1.0)


def test_reference_figures_are_thousands_of_tonnes(bundled: MemoryStore) -> None:
    """World Dy output is a few thousand tonnes, Tb a few hundred: never total REO."""
    dy = [c.properties["quantity"] for c in bundled.claims(predicate="PRODUCES", object="element:Dy")
          if "quantity" in c.properties]
    tb = [c.properties["quantity"] for c in bundled.claims(predicate="PRODUCES", object="element:Tb")
          if "quantity" in c.properties]
    assert dy and all(1_000 <= q <= 10_000 for q in dy), dy
    assert tb and all(100 <= q <= 2_000 for q in tb), tb


def _supply_rows() -> list[tuple[Path, int, dict[str, str]]]:
    rows = []
    for path in sorted(SUPPLY.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            rows += [(path, i, row) for i, row in enumerate(csv.DictReader(f), start=2)]
    return rows


def test_every_supply_row_cites_a_source_with_a_url(bundled: MemoryStore) -> None:
    urls = {e.id: e.properties["url"] for e in bundled.entities("Source")}
    rows = _supply_rows()
    assert len(rows) > 100
    for path, line, row in rows:
        cited = [s for s in row["source"].split("|") if s]
        assert cited, f"{path.name}:{line}: no source"
        for source in cited:
            assert urls.get(source, "").startswith(("http://", "https://")), f"{path.name}:{line}: {source}"


def test_estimates_and_proxies_say_so() -> None:
    """A proxy or derived figure is labelled in its note (and proxies carry confidence < 1)."""
    for path, line, row in _supply_rows():
        note = row.get("note", "")
        if "PROXY" in note:
            assert row.get("confidence") and float(row["confidence"]) < 1, f"{path.name}:{line}"
        if row.get("basis") == "estimate":
            assert "ESTIMATE" in note or "estimate" in note, f"{path.name}:{line}"


def test_eu_rare_earth_metal_imports_2024_eurostat(bundled: MemoryStore) -> None:
    """Eurostat 2024: China 46.3 %, Russia 28.4 %, Malaysia 19.9 % of EU REE+ (metal) imports by weight."""
    shares = {c.subject: c.properties["import_share"]
              for c in bundled.claims(predicate="EXPORTS_TO", object="region:eu")
              if c.properties.get("material") == "material:re-metals-hs280530"
              and c.properties.get("period") == "2024"}
    assert shares == {"country:CN": 0.463, "country:RU": 0.284, "country:MY": 0.199}
    assert sum(shares.values()) <= 1.0


def test_magnet_trade_magnitudes(bundled: MemoryStore) -> None:
    """China's magnet exports: tens of thousands of tonnes a year in all, hundreds to thousands a month per destination."""
    rows = [c for c in bundled.claims(predicate="EXPORTS_TO", subject="country:CN")
            if c.properties.get("material") == "material:sintered-ndfeb-magnet" and "quantity" in c.properties]
    world = [c.properties["quantity"] for c in rows if c.object == "region:world"]
    assert world == [58152]
    monthly = [c.properties["quantity"] for c in rows if len(str(c.properties.get("period", ""))) == 7]
    assert monthly and all(100 <= q <= 2_000 for q in monthly), monthly
    assert all(q < 58152 / 12 for q in monthly)


def test_planned_heavy_separation_has_a_start_date(bundled: MemoryStore) -> None:
    """MP's heavy circuit: Dy and Tb oxide capability from mid-2026, Dy about three times Tb."""
    rows = {c.object: c for c in bundled.claims(subject="facility:mountain-pass", predicate="PRODUCES")
            if c.object in ("material:dy-oxide", "material:tb-oxide")}
    assert set(rows) == {"material:dy-oxide", "material:tb-oxide"}
    for claim in rows.values():
        assert str(claim.valid_from).startswith("2026-07")
    assert rows["material:dy-oxide"].properties["quantity"] == 3 * rows["material:tb-oxide"].properties["quantity"]
