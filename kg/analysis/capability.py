"""Capability: which elements a plant (or a country's unattributed output) passes on, as of a date.

Rules (printed in the report):

- **Separation and metal plants** pass on the elements of their *element-specific*
  products: PRODUCES claims, holding on the date, for a material that contains at most two
  elements (Dy oxide, Tb oxide, NdPr oxide, Dy metal). The claim's ``valid_from`` is the
  date the circuit started, so Lynas Malaysia passes Dy only from its first Dy oxide. A
  plant that states only mixed products (separated REO, carbonate, concentrate) or no
  product at all passes **no** element: unknown capability is not "any element"; such
  plants are listed as missing data. A product claim read from an article without a date
  of its own counts from the article's publication date. (Light-only separators outside China are the rule,
  heavy-element circuits the documented exception, so defaulting to "none" errs toward
  understating non-Chinese heavy supply, the direction the sources support.)
- **Mines** pass the elements their ore mix states a share for (see
  :mod:`kg.analysis.composition`); **magnet plants** the elements their products contain
  (CONTAINS, followed through materials: a sintered NdFeB plant passes Dy and Tb only when
  the magnet material lists them).
- **A country's unattributed output** at a stage (the aggregate node) passes the union of
  what its named plants at that stage pass and the elements of the country-level
  element-specific products at that stage (``country:CN PRODUCES material:dy-oxide``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kg.model import Claim

__all__ = ["Capability", "element_specific", "product_capability", "union"]

#: a product naming at most this many elements counts as element-specific (NdPr oxide)
MAX_SPECIFIC = 2


@dataclass(frozen=True)
class Capability:
    """Elements passed on, the date each became possible, the sources, and the rule used."""

    elements: frozenset[str]
    since: tuple[tuple[str, str], ...] = ()
    sources: tuple[str, ...] = ()
    rule: str = ""

    @property
    def known(self) -> bool:
        return bool(self.elements)

    def passes(self, element: str | None) -> bool:
        """Whether the element passes (``None`` = the total-REO network: always)."""
        return element is None or element in self.elements


def element_specific(material: str, contains: Mapping[str, frozenset[str]]) -> frozenset[str] | None:
    """The elements of an element-specific product, or None for a mix or unknown content.

    >>> c = {"material:dy-oxide": frozenset({"Dy"}), "material:ndpr-oxide": frozenset({"Nd", "Pr"}),
    ...      "material:separated-reo": frozenset({"La", "Ce", "Nd"})}
    >>> sorted(element_specific("material:ndpr-oxide", c)), element_specific("material:separated-reo", c)
    (['Nd', 'Pr'], None)
    """
    elems = contains.get(material)
    if not elems or len(elems) > MAX_SPECIFIC:
        return None
    return elems


def product_capability(
    products: Iterable[Claim], contains: Mapping[str, frozenset[str]], as_of: str | None,
    specific_only: bool = True, what: str = "plant",
    published: Mapping[str, str] | None = None,
) -> Capability:
    """What a plant passes on from its PRODUCES claims (see the module docstring).

    ``specific_only`` (separation, metal) keeps element-specific products only; otherwise
    (magnet plants) every contained element counts.

    >>> from kg.model import make_claim
    >>> c = {"material:dy-oxide": frozenset({"Dy"}), "material:ndpr-oxide": frozenset({"Nd", "Pr"})}
    >>> p = [make_claim(subject="facility:lynas-my", predicate="PRODUCES",
    ...                 object="material:ndpr-oxide", sources=["source:a"]),
    ...      make_claim(subject="facility:lynas-my", predicate="PRODUCES",
    ...                 object="material:dy-oxide", valid_from="2025-05", sources=["source:b"])]
    >>> sorted(product_capability(p, c, "2025-04-04").elements)
    ['Nd', 'Pr']
    >>> sorted(product_capability(p, c, "2025-06-01").elements)
    ['Dy', 'Nd', 'Pr']
    """
    elements: set[str] = set()
    since: dict[str, str] = {}
    srcs: set[str] = set()
    for c in products:
        if not c.stands(as_of):
            continue
        start = c.valid_from
        if start is None and c.extractor and published and published.get(c.id):
            # a claim read from an article, without a date of its own: the capability is
            # known from the article's publication, not before
            start = published[c.id]
            if as_of is not None and start[:len(as_of)] > as_of:
                continue
        got = element_specific(c.object, contains) if specific_only else contains.get(c.object)
        if not got:
            continue
        elements |= got
        srcs.update(c.sources)
        for e in got:
            if start and (e not in since or start < since[e]):
                since[e] = start
    if elements:
        rule = ("element-specific products" if specific_only else "elements its products contain")
    else:
        rule = (f"no element-specific product stated: the {what} passes no element"
                if specific_only else f"no product with element content stated: the {what} "
                "passes no element")
    return Capability(frozenset(elements), tuple(sorted(since.items())), tuple(sorted(srcs)), rule)


def union(caps: Iterable[Capability], rule: str) -> Capability:
    """The union of several capabilities (a country aggregate's)."""
    caps = list(caps)
    elements = frozenset().union(*(c.elements for c in caps)) if caps else frozenset()
    since: dict[str, str] = {}
    for c in caps:
        for e, d in c.since:
            if e not in since or d < since[e]:
                since[e] = d
    srcs = tuple(sorted({s for c in caps for s in c.sources}))
    return Capability(elements, tuple(sorted(since.items())), srcs, rule)
