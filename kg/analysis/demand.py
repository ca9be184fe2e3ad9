"""Demand: how much of an element each consumer uses a year, in the element network's unit.

Without a demand every consumer of the supply network could draw the whole world's output
of an element (its max-flow is bounded only by the network), so the United States, the EU
and Japan would all "lose" the same tonnes in a scenario. A consumer's demand bounds what
it draws, and sizes the import links that only a share describes (see
:func:`kg.analysis.network.element_network`).

A demand comes from ``CONSUMES`` claims of the consumer (a country, a region or a firm):

- **Element figures** (``country:JP CONSUMES element:Dy``, tonnes): ``t REO`` units are
  oxide basis as they are; other mass units are metal content, times the oxide factor.
- **Material figures** (``region:eu CONSUMES material:sintered-ndfeb-magnet``, tonnes of
  magnets): tonnes × the element's content of the material (its ``CONTAINS`` share, metal
  mass × oxide factor), with the low and high ends of the published content range.
- **Which figure**: an element figure beats a material figure (it needs no content
  assumption); among the rest the newest ``year`` (figures with
  ``basis`` ``forecast`` never count, nor figures of a year after the date's), then the
  newest source. The figures not chosen are
  kept as ``alternatives`` in the report.
- A consumer with no figure has no demand: its draw is bounded by the network only (an
  upper bound), and the report says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from kg.analysis.composition import ElementShare, element_unit, oxide_factor
from kg.analysis.figures import is_oxide_unit, published_of, tonnes
from kg.model import Claim, Entity

__all__ = ["Demand", "demands"]


@dataclass(frozen=True)
class Demand:
    """One consumer's yearly use of one element, oxide basis, with how it was found."""

    consumer: str
    element: str
    value: float
    low: float
    high: float
    unit: str
    year: int | None
    basis: str
    how: str
    sources: tuple[str, ...]
    claims: tuple[str, ...]
    alternatives: tuple[Demand, ...] = field(default=(), compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"consumer": self.consumer, "element": self.element,
                "value": round(self.value, 3), "low": round(self.low, 3),
                "high": round(self.high, 3), "unit": self.unit, "year": self.year,
                "basis": self.basis, "how": self.how, "sources": list(self.sources),
                "alternatives": [a.to_json() for a in self.alternatives]}


def _from_claim(c: Claim, element: str, shares: Mapping[str, Mapping[str, ElementShare]],
                entities: Mapping[str, Entity]) -> tuple[tuple, Demand] | None:
    """A :class:`Demand` (and its rank) from one CONSUMES claim, or None when the claim says
    nothing in tonnes of the element."""
    t = tonnes(c)
    if t is None:
        return None
    unit = element_unit(element)
    year = c.properties.get("year")
    basis = str(c.properties.get("basis") or "consumption")
    name = entities[c.subject].name if c.subject in entities else c.subject
    rec: ElementShare | None = None
    if c.object == f"element:{element}":
        f = 1.0 if is_oxide_unit(c.properties.get("quantity_unit")) else oxide_factor(element)
        value = t * f
        how = (f"{name} {element} use {t:,.1f} t"
               + ("" if f == 1.0 else f" metal × oxide factor {f:.4f}")
               + f" ({year or 'year not stated'}, {basis})")
        low = high = value
        specific = 1
    else:
        rec = shares.get(c.object, {}).get(element)
        if rec is None:
            return None
        share, lo, hi = rec.oxide_share()
        value, low, high = t * share, t * lo, t * hi
        mat = entities[c.object].name if c.object in entities else c.object
        how = (f"{name} use of {mat} {t:,.0f} t ({year or 'year not stated'}, {basis}) × "
               f"{element} content {share:.4f} t oxide per t (range {lo:.4f}–{hi:.4f})")
        specific = 0
    extra: set[str] = set() if rec is None else set(rec.sources)
    sources = tuple(sorted(set(c.sources) | extra))
    d = Demand(c.subject, element, value, low, high, unit, year, basis, how, sources, (c.id,))
    return (specific, year or 0, published_of(c, entities), c.id), d


def demands(claims: Iterable[Claim], element: str, consumers: Iterable[str],
            shares: Mapping[str, Mapping[str, ElementShare]], entities: Mapping[str, Entity],
            year: int | None = None) -> dict[str, Demand]:
    """consumer id → its :class:`Demand` of ``element`` (consumers without a figure left out).

    ``claims`` are the CONSUMES claims that hold on the caller's date; ``year`` the year
    of that date (figures of later years do not count).

    >>> from kg.model import make_claim
    >>> S = ["source:s"]
    >>> mag = make_claim(subject="material:magnet", predicate="CONTAINS", object="element:Dy",
    ...                  properties={"share": 0.01, "share_min": 0.005, "share_max": 0.02,
    ...                              "basis": "metal-mass"}, sources=S)
    >>> use = make_claim(subject="country:US", predicate="CONSUMES", object="material:magnet",
    ...                  properties={"quantity": 1000, "quantity_unit": "t", "year": 2024},
    ...                  sources=S)
    >>> from kg.analysis.composition import element_shares
    >>> d = demands([use], "Dy", ["country:US"], element_shares([mag]), {})["country:US"]
    >>> round(d.value, 2), round(d.low, 2), round(d.high, 2)
    (11.48, 5.74, 22.95)
    """
    wanted = set(consumers)
    ranked: dict[str, list[tuple[tuple, Demand]]] = {}
    for c in claims:
        if c.predicate != "CONSUMES" or c.subject not in wanted:
            continue
        if str(c.properties.get("basis")) == "forecast":
            continue
        y = c.properties.get("year")
        if year is not None and y is not None and y > year:
            continue
        got = _from_claim(c, element, shares, entities)
        if got is not None:
            ranked.setdefault(c.subject, []).append(got)
    out = {}
    for consumer, rows in ranked.items():
        rows.sort(key=lambda r: r[0], reverse=True)
        head = rows[0][1]
        out[consumer] = replace(head, alternatives=tuple(r[1] for r in rows[1:]))
    return out
