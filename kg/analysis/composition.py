"""Element content: how many tonnes of an element a tonne of ore mix, oxide or magnet carries.

Two kinds of share come from ``CONTAINS`` claims (``material → element``):

- ``basis: reo-oxide``: the element's share of total REO, oxide basis, for an ore,
  concentrate or deposit mix (a mine's output of element E = its REO tonnage × E's share);
- ``basis: metal-mass``: the element's mass fraction of a metal, alloy or magnet (Dy in
  sintered NdFeB), converted here to the oxide-equivalent with the element's stoichiometric
  factor, so every tonne in the network is "t E-oxide-equivalent".

A subject's *mix* is what its output is made of: ``PRODUCES`` claims at the mining stage
with ``output_share`` (``country:CN PRODUCES material:<ionic-clay mix> {output_share: 0.07}``,
``facility:mount-weld PRODUCES material:<mount-weld mix> {output_share: 1.0}``). Where the
output shares of a subject sum to less than 1, the remainder is of unknown composition
and contributes no element tonnes (the figure is then a lower bound, and the report says
so); shares are never re-normalised.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kg.model import Claim

__all__ = [
    "ATOMIC_WEIGHT",
    "OXIDE",
    "oxide_factor",
    "element_unit",
    "ElementShare",
    "element_shares",
    "MixPart",
    "Mix",
    "mixes",
    "mix_share",
]

#: IUPAC standard atomic weights (abridged, CIAAW 2021), g/mol; O = 15.999.
ATOMIC_WEIGHT: dict[str, float] = {
    "Sc": 44.956, "Y": 88.906, "La": 138.905, "Ce": 140.116, "Pr": 140.908, "Nd": 144.242,
    "Pm": 145.0, "Sm": 150.36, "Eu": 151.964, "Gd": 157.25, "Tb": 158.925, "Dy": 162.500,
    "Ho": 164.930, "Er": 167.259, "Tm": 168.934, "Yb": 173.045, "Lu": 174.967,
}
_O = 15.999
#: the oxide each element's REO tonnage is reported as (USGS convention): (formula, metal
#: atoms, oxygen atoms). RE2O3 except CeO2, Pr6O11 and Tb4O7.
OXIDE: dict[str, tuple[str, int, int]] = {
    e: (f"{e}2O3", 2, 3) for e in ATOMIC_WEIGHT
} | {"Ce": ("CeO2", 1, 2), "Pr": ("Pr6O11", 6, 11), "Tb": ("Tb4O7", 4, 7)}


def oxide_factor(element: str) -> float:
    """Tonnes of the element's oxide per tonne of the metal (stoichiometry).

    >>> round(oxide_factor("Dy"), 4), round(oxide_factor("Tb"), 4), round(oxide_factor("Nd"), 4)
    (1.1477, 1.1762, 1.1664)
    """
    _, n, o = OXIDE[element]
    m = ATOMIC_WEIGHT[element] * n
    return (m + o * _O) / m


def element_unit(element: str | None) -> str:
    """The unit every quantity of an element network is in.

    >>> element_unit("Dy")
    't Dy2O3-equivalent (oxide basis)'
    >>> element_unit(None)
    't REO (total rare-earth oxides)'
    """
    if element is None:
        return "t REO (total rare-earth oxides)"
    return f"t {OXIDE[element][0]}-equivalent (oxide basis)"


@dataclass(frozen=True)
class ElementShare:
    """An element's share in a material, with its published range and basis."""

    material: str
    element: str
    share: float
    low: float
    high: float
    basis: str
    year: int | None
    sources: tuple[str, ...]

    def oxide_share(self) -> tuple[float, float, float]:
        """(share, low, high) as tonnes of the element's oxide per tonne of material:
        oxide-basis shares as they are, metal-mass fractions times the oxide factor."""
        f = 1.0 if self.basis == "reo-oxide" else oxide_factor(self.element)
        return self.share * f, self.low * f, self.high * f


def element_shares(claims: Iterable[Claim]) -> dict[str, dict[str, ElementShare]]:
    """material → element → :class:`ElementShare`, from CONTAINS claims that give a share.

    Where several claims give a share for the same pair, the newest year wins (then the
    claim id, for a stable choice). A claim without ``basis`` is read as ``reo-oxide`` for
    ores, concentrates and mixes; callers pass only CONTAINS claims that hold on their date.

    >>> from kg.model import make_claim
    >>> c = make_claim(subject="material:ionic-clay", predicate="CONTAINS", object="element:Dy",
    ...                properties={"share": 0.05, "share_min": 0.03, "share_max": 0.07,
    ...                            "basis": "reo-oxide"}, sources=["source:s"])
    >>> s = element_shares([c])["material:ionic-clay"]["Dy"]
    >>> s.share, s.low, s.high
    (0.05, 0.03, 0.07)
    """
    best: dict[tuple[str, str], tuple[tuple[int, str], ElementShare]] = {}
    for c in claims:
        if c.predicate != "CONTAINS" or not c.object.startswith("element:"):
            continue
        share = c.properties.get("share")
        lo = c.properties.get("share_min")
        hi = c.properties.get("share_max")
        if share is None:
            if lo is None or hi is None:
                continue
            # a range only (e.g. "SEG+ 0–1.8 %" for each heavy element): the low end is
            # counted, the range is kept as the spread
            share = lo
        e = c.object.split(":", 1)[1]
        lo = share if lo is None else lo
        hi = share if hi is None else hi
        rec = ElementShare(c.subject, e, float(share), float(min(lo, share)),
                           float(max(hi, share)), str(c.properties.get("basis", "reo-oxide")),
                           c.properties.get("year"), tuple(c.sources))
        key = (c.properties.get("year") or 0, c.id)
        prior = best.get((c.subject, e))
        if prior is None or key > prior[0]:
            best[(c.subject, e)] = (key, rec)
    out: dict[str, dict[str, ElementShare]] = defaultdict(dict)
    for (m, e), (_, rec) in best.items():
        out[m][e] = rec
    return dict(out)


@dataclass(frozen=True)
class MixPart:
    material: str
    output_share: float
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Mix:
    """What a subject's output at a stage is made of (``output_share`` per material)."""

    subject: str
    parts: tuple[MixPart, ...]

    @property
    def coverage(self) -> float:
        """Sum of the output shares (1.0 = the whole output has a stated composition)."""
        return min(1.0, sum(p.output_share for p in self.parts))

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(sorted({s for p in self.parts for s in p.sources}))


def mixes(claims: Iterable[Claim], stage: str = "mining") -> dict[str, Mix]:
    """subject → :class:`Mix` from PRODUCES claims with ``output_share`` at ``stage``.

    The newest year per (subject, material) wins.

    >>> from kg.model import make_claim
    >>> c = make_claim(subject="country:CN", predicate="PRODUCES", object="material:ionic-clay",
    ...                properties={"stage": "mining", "output_share": 0.07}, sources=["source:s"])
    >>> mixes([c])["country:CN"].coverage
    0.07
    """
    best: dict[tuple[str, str], tuple[tuple[int, str], MixPart]] = {}
    for c in claims:
        if c.predicate != "PRODUCES" or c.properties.get("output_share") is None:
            continue
        if c.properties.get("stage", stage) != stage:
            continue
        key = (c.properties.get("year") or 0, c.id)
        part = MixPart(c.object, float(c.properties["output_share"]), tuple(c.sources))
        prior = best.get((c.subject, c.object))
        if prior is None or key > prior[0]:
            best[(c.subject, c.object)] = (key, part)
    grouped: dict[str, list[MixPart]] = defaultdict(list)
    for (subject, _), (_, part) in sorted(best.items()):
        grouped[subject].append(part)
    return {s: Mix(s, tuple(parts)) for s, parts in grouped.items()}


def mix_share(mix: Mix, shares: Mapping[str, Mapping[str, ElementShare]],
              element: str) -> tuple[float, float, float, tuple[str, ...]] | None:
    """(share, low, high, sources) of ``element`` in a subject's output (oxide basis), or
    None when no part of the mix states a share for any element (composition unknown).

    A part whose material gives shares but not for ``element`` contributes 0 for it (the
    source lists the element as absent or below detection).

    >>> from kg.model import make_claim
    >>> S = ["source:s"]
    >>> cl = [make_claim(subject="material:clay", predicate="CONTAINS", object="element:Dy",
    ...                  properties={"share": 0.06, "basis": "reo-oxide"}, sources=S),
    ...       make_claim(subject="material:bast", predicate="CONTAINS", object="element:Nd",
    ...                  properties={"share": 0.17, "basis": "reo-oxide"}, sources=S)]
    >>> m = Mix("country:CN", (MixPart("material:clay", 0.1, ()), MixPart("material:bast", 0.9, ())))
    >>> round(mix_share(m, element_shares(cl), "Dy")[0], 4)
    0.006
    """
    known = [p for p in mix.parts if p.material in shares]
    if not known:
        return None
    share = low = high = 0.0
    srcs: set[str] = set(mix.sources)
    for p in known:
        rec = shares[p.material].get(element)
        if rec is None:
            continue
        s, lo, hi = rec.oxide_share()
        share += p.output_share * s
        low += p.output_share * lo
        high += p.output_share * hi
        srcs.update(rec.sources)
    return share, low, high, tuple(sorted(srcs))
