"""Figures: a quantity with its unit, basis, year, sources and how it was chosen.

The supply network is built from many claims that say "how much" (mine production, plant
capacity, a country's stage share times a world total, an import share). :class:`Figure`
carries one such number through the projection as a typed record, so later steps never
re-parse a label to learn where a number came from: ``how`` is prose for the report,
``rank`` orders figures by preference, ``alternatives`` lists what was not chosen.

Rules (printed in the report through the network's assumptions):

- **Units.** ``t``, ``t/yr``, ``t REO``, ``t REO/yr``, ``kt``, ``kt REO``, ``kg``,
  ``kg/yr`` are tonnes per year; ``t REO`` is oxide basis, ``t`` metal content (or product
  mass for a magnet or alloy). Other units (USD, %, units/yr) are not tonnages.
- **Editions.** Where several sources give the figure for the same year, the newest
  published source is the default (its ``published`` date); older editions are kept as
  ``alternatives``, listed after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from kg.model import Claim, Entity

__all__ = [
    "TONNE_UNITS",
    "Figure",
    "tonnes",
    "is_oxide_unit",
    "published_of",
    "figure_of",
    "newest_first",
    "world_element_figures",
]

#: unit → factor to tonnes per year
TONNE_UNITS: dict[str, float] = {
    "t": 1.0, "t/yr": 1.0, "t REO": 1.0, "t REO/yr": 1.0, "kt": 1000.0, "kt REO": 1000.0,
    "kg": 0.001, "kg/yr": 0.001,
}


def tonnes(claim: Claim, prop: str = "quantity") -> float | None:
    """The claim's quantity in tonnes (per year), or None when it has none in a mass unit.

    >>> from kg.model import make_claim
    >>> c = make_claim(subject="country:CN", predicate="PRODUCES", object="material:reo",
    ...                properties={"quantity": 270, "quantity_unit": "kt REO"},
    ...                sources=["source:s"])
    >>> tonnes(c)
    270000.0
    """
    q = claim.properties.get(prop)
    factor = TONNE_UNITS.get(str(claim.properties.get(f"{prop}_unit")))
    if q is None or factor is None:
        return None
    return float(q) * factor


def is_oxide_unit(unit: str | None) -> bool:
    """Whether a unit is oxide basis (REO).

    >>> is_oxide_unit("t REO/yr"), is_oxide_unit("t")
    (True, False)
    """
    return bool(unit) and "REO" in str(unit)


def published_of(claim: Claim, entities: Mapping[str, Entity]) -> str:
    """The newest publication date among the claim's sources ('' when none is known)."""
    dates = [str(entities[s].properties.get("published", "")) for s in claim.sources
             if s in entities]
    return max(dates, default="")


@dataclass(frozen=True)
class Figure:
    """One number and its provenance.

    ``value`` is in ``unit``; ``basis`` says what it measures (production, capacity,
    share × world total, …); ``how`` is one sentence for the report; ``claims`` and
    ``sources`` name the records it rests on; ``alternatives`` are figures for the same
    thing that were not chosen (older editions first listed newest).

    >>> f = Figure(10.0, "t REO", "production", 2024, ("source:a",), "USGS mine production")
    >>> f.scaled(0.5, "t Dy2O3", "× Dy share 0.5").value
    5.0
    """

    value: float
    unit: str
    basis: str
    year: int | None
    sources: tuple[str, ...]
    how: str
    claims: tuple[str, ...] = ()
    published: str = ""
    alternatives: tuple[Figure, ...] = field(default=(), compare=False)

    def scaled(self, factor: float, unit: str, how: str,
               sources: Iterable[str] = ()) -> Figure:
        """This figure times ``factor`` in a new unit, its ``how`` extended."""
        return replace(self, value=self.value * factor, unit=unit,
                       how=f"{self.how} {how}".strip(),
                       sources=tuple(sorted(set(self.sources) | set(sources))),
                       alternatives=())

    def to_json(self) -> dict[str, Any]:
        return {"value": round(self.value, 3), "unit": self.unit, "basis": self.basis,
                "year": self.year, "sources": list(self.sources), "how": self.how,
                "claims": list(self.claims),
                "alternatives": [a.to_json() for a in self.alternatives]}


def figure_of(claim: Claim, entities: Mapping[str, Entity], how: str) -> Figure | None:
    """A :class:`Figure` in tonnes from a claim with a mass quantity (None otherwise)."""
    t = tonnes(claim)
    if t is None:
        return None
    unit = "t REO" if is_oxide_unit(claim.properties.get("quantity_unit")) else "t"
    return Figure(value=t, unit=unit, basis=str(claim.properties.get("basis", "production")),
                  year=claim.properties.get("year"), sources=tuple(claim.sources), how=how,
                  claims=(claim.id,), published=published_of(claim, entities))


def newest_first(figures: Iterable[Figure]) -> list[Figure]:
    """Figures ordered newest source first (then by claim id, for a stable order); the
    first carries the rest as ``alternatives``.

    >>> a = Figure(1.0, "t", "production", 2023, ("source:old",), "", published="2024-01-31")
    >>> b = Figure(2.0, "t", "production", 2023, ("source:new",), "", published="2025-01-31")
    >>> [f.value for f in newest_first([a, b])], newest_first([a, b])[0].alternatives[0].value
    ([2.0, 1.0], 1.0)
    """
    ordered = sorted(figures, key=lambda f: (f.published, f.claims), reverse=True)
    if not ordered:
        return []
    head = replace(ordered[0], alternatives=tuple(ordered[1:]))
    return [head, *ordered[1:]]


def world_element_figures(claims: Iterable[Claim], entities: Mapping[str, Entity], element: str,
                          stage: str = "mining", year: int | None = None) -> list[Figure]:
    """The bundled world reference figures for an element (``region:world PRODUCES
    element:E``) at a stage, newest year first and, within a year, newest source first.

    >>> from kg.model import make_claim
    >>> c = make_claim(subject="region:world", predicate="PRODUCES", object="element:Dy",
    ...                properties={"stage": "mining", "quantity": 1800, "quantity_unit": "t REO",
    ...                            "year": 2024}, sources=["source:s"])
    >>> [f.value for f in world_element_figures([c], {}, "Dy")]
    [1800.0]
    """
    figs = []
    for c in claims:
        if (c.predicate != "PRODUCES" or c.subject != "region:world"
                or c.object != f"element:{element}" or c.properties.get("stage", stage) != stage):
            continue
        if year is not None and c.properties.get("year") != year:
            continue
        f = figure_of(c, entities, f"world {element} {stage} {c.properties.get('year') or ''}".strip())
        if f is not None:
            figs.append(f)
    figs.sort(key=lambda f: (f.year or 0, f.published, f.claims), reverse=True)
    return figs
