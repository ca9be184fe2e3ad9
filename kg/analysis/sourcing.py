"""Sourcing: who buys from whom — import shares, trade flows and offtakes, consumer by consumer.

The supply network links a seller to a buyer only where a source says so:

- **Import shares** (``EXPORTS_TO`` origin → importer with ``import_share``, e.g. USGS's
  "import sources" for the US): a link from the origin's plants to the importer, carrying
  the share as ``weight``. When the same source family gives the importer's total imports
  of the material (``region:world EXPORTS_TO importer`` with a quantity, same year), the
  link's capacity is share × total (material tonnes); otherwise it has none.
- **Trade flows** (``EXPORTS_TO`` with a quantity between two countries): a link with
  that quantity as capacity.
- **Offtakes** (``SUPPLIES``): the supplier's plants → the buyer's plants, or the buyer
  itself when it operates none (GM, Apple: firm consumers fed only by their contracts).

For each (origin, importer, material) the newest figure stands (``year``, the last year
of ``period``); older ones are kept as alternatives. ``region:world`` as the origin is the
importer's total, never a link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kg.analysis.figures import tonnes
from kg.model import Claim, Entity

__all__ = ["TradeLink", "Offtake", "trade_links", "offtakes", "area_members"]

WORLD = "region:world"


@dataclass(frozen=True)
class TradeLink:
    """A sourced cross-border link: origin country → importer (country or region)."""

    origin: str
    importer: str
    material: str
    kind: str  # "import share" | "trade flow"
    share: float | None
    tonnes: float | None  # material tonnes per year (None: the share is a weight only)
    oxide_basis: bool
    year: int | None
    period: str | None
    sources: tuple[str, ...]
    how: str

    def label(self) -> str:
        what = f"{self.share:.0%} of {self.importer}'s imports" if self.share is not None \
            else f"{self.tonnes:,.0f} t"
        return f"{self.origin} → {self.importer} {self.material}: {what} ({self.period or self.year})"


@dataclass(frozen=True)
class Offtake:
    """A contract: supplier (firm or facility) → buyer (firm, facility, country or region)."""

    supplier: str
    buyer: str
    material: str | None
    tonnes: float | None
    sources: tuple[str, ...]
    kind: str


def area_members(entities: Iterable[Entity]) -> dict[str, frozenset[str]]:
    """Region id → member country ids (regions without members are left out)."""
    return {e.id: frozenset(e.properties.get("members") or ()) for e in entities
            if e.type == "Region" and e.properties.get("members")}


def trade_links(claims: Iterable[Claim]) -> tuple[list[TradeLink], list[str]]:
    """Sourced links from EXPORTS_TO claims (those holding on the caller's date), and notes.

    >>> from kg.model import make_claim
    >>> S = ["source:usgs"]
    >>> cl = [make_claim(subject="country:CN", predicate="EXPORTS_TO", object="country:US",
    ...                  properties={"material": "material:re-compounds-hs2846",
    ...                              "import_share": 0.7, "period": "2020-2023", "year": 2023},
    ...                  sources=S),
    ...       make_claim(subject="region:world", predicate="EXPORTS_TO", object="country:US",
    ...                  properties={"material": "material:re-compounds-hs2846", "quantity": 8920,
    ...                              "quantity_unit": "t REO", "year": 2023}, sources=S)]
    >>> (link,), notes = trade_links(cl)
    >>> link.kind, link.tonnes, link.oxide_basis
    ('import share', 6244.0, True)
    """
    claims = [c for c in claims if c.predicate == "EXPORTS_TO"]
    totals: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        if c.subject == WORLD and tonnes(c) is not None:
            totals[(c.object, str(c.properties.get("material")))].append(c)
    best: dict[tuple[str, str, str, str], tuple[tuple[int, str], TradeLink]] = {}
    notes: list[str] = []
    for c in claims:
        if c.subject == WORLD:
            continue
        material = str(c.properties.get("material"))
        share = c.properties.get("import_share")
        year = c.properties.get("year")
        if share is not None:
            same = sorted((t for t in totals.get((c.object, material), [])
                           if year is None or t.properties.get("year") == year),
                          key=lambda t: (t.properties.get("year") or 0, t.id), reverse=True)
            total = tonnes(same[0]) if same else None
            oxide = bool(same) and "REO" in str(same[0].properties.get("quantity_unit"))
            how = (f"import share {share:.0%} × {c.object}'s total imports "
                   f"{total:,.0f} t ({same[0].properties.get('year')})" if total is not None
                   else f"import share {share:.0%} (no total imports given: a weight, not a capacity)")
            link = TradeLink(c.subject, c.object, material, "import share", float(share),
                             None if total is None else float(share) * total, oxide, year,
                             c.properties.get("period"),
                             tuple(sorted(set(c.sources) | (set(same[0].sources) if same else set()))),
                             how)
            kind = "share"
        elif tonnes(c) is not None:
            q = tonnes(c)
            link = TradeLink(c.subject, c.object, material, "trade flow", None, q,
                             "REO" in str(c.properties.get("quantity_unit")), year,
                             c.properties.get("period"), tuple(c.sources),
                             f"trade flow {q:,.0f} t ({year})")
            kind = "flow"
        else:
            continue
        key = (c.subject, c.object, material, kind)
        rank = (year or 0, c.id)
        prior = best.get(key)
        if prior is None or rank > prior[0]:
            if prior is not None:
                notes.append(f"{prior[1].label()} superseded by the newer {link.label()}")
            best[key] = (rank, link)
    links = [v[1] for v in best.values()]
    # a share and a flow for the same pair: the share (with the importer's total) is the
    # consumer-side figure; the flow stays only when no share is given
    shared = {(lk.origin, lk.importer, lk.material) for lk in links if lk.kind == "import share"}
    links = [lk for lk in links if lk.kind == "import share"
             or (lk.origin, lk.importer, lk.material) not in shared]
    links.sort(key=lambda lk: (lk.importer, lk.material, lk.origin))
    return links, notes


def offtakes(claims: Iterable[Claim]) -> list[Offtake]:
    """SUPPLIES claims as :class:`Offtake` records (capacity when the volume is per year)."""
    out = []
    for c in claims:
        if c.predicate != "SUPPLIES":
            continue
        unit = str(c.properties.get("quantity_unit") or "")
        t = tonnes(c) if unit.endswith("/yr") else None
        out.append(Offtake(c.subject, c.object, c.properties.get("material"), t, tuple(c.sources),
                           str(c.properties.get("kind") or "offtake")))
    return sorted(out, key=lambda o: (o.supplier, o.buyer, o.material or ""))


def members_of(area: str, members: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """An area and its member countries.

    >>> sorted(members_of("region:eu", {"region:eu": frozenset({"country:DE"})}))
    ['country:DE', 'region:eu']
    """
    return frozenset(members.get(area, frozenset())) | {area}
