"""Concentration of supply: shares by country or firm for a stage, element and year, with HHI.

Size (~410 lines): the source-by-source view and the element-resolved view share the
share/HHI/flag rules stated below, so they stay in one module.

Inputs are the store's records (entities and PRODUCES claims); nothing is read from disk.

Rules (also stated in the report):

- **HHI** is Σ (share in %)² on the 0–10 000 scale. Flags: HHI ≥ 2 500 ("highly
  concentrated", the US DoJ/FTC threshold the design names) and top share ≥ 50 %.
- **One result per source edition.** Claims are grouped by the source ids they cite, so
  USGS MCS2024, USGS MCS2025 and IEA figures (different bases: USGS counts mine output in
  t REO with China's quota as its figure; IEA's shares are of its own supply balance) are
  never mixed; each result names its sources.
- **Quantities before shares.** Where a source gives quantities, shares are quantity /
  total, the total being the source's world figure (``region:world``) for that year and
  stage when it gives one, else the sum of the listed quantities. Where a source gives
  only shares, they are used as given and ``coverage`` says how much of the total they
  name; the unnamed remainder enters the HHI as if atomistic (contributing ~0), so the
  HHI is a lower bound.
- **Statistical aggregates** (USGS "Other countries") count in the total and are listed,
  but are left out of the HHI sum (one aggregate of many countries is not one supplier).
- **Elements.** A material counts for an element when it contains it (CONTAINS, followed
  through materials). Figures for total rare earths (``material:reo`` and other materials
  without element content) stand in for every element when no element-specific figure
  exists for that stage; ``element_basis`` then says "total rare earths".
- **By firm.** Facility figures go to the facility's operators (split equally when
  several operate it); firm-level figures count as given.
- **By country.** Facility figures go to the facility's country (LOCATED_IN).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.errors import RekgError
from kg.model import Claim, Entity

__all__ = [
    "HHI_THRESHOLD",
    "TOP_SHARE_THRESHOLD",
    "Share",
    "ConcentrationResult",
    "hhi",
    "concentration",
    "material_elements",
    "network_concentration",
]

HHI_THRESHOLD = 2500.0
TOP_SHARE_THRESHOLD = 0.5


def hhi(shares: Iterable[float]) -> float:
    """Herfindahl–Hirschman index of shares given as fractions, on the 0–10 000 scale.

    >>> hhi([0.5, 0.5]), hhi([1.0]), round(hhi([0.692, 0.115, 0.079]), 1)
    (5000.0, 10000.0, 4983.3)
    """
    return float(sum((100.0 * s) ** 2 for s in shares))


def material_elements(claims: Iterable[Claim]) -> dict[str, frozenset[str]]:
    """Element symbols each material contains, following CONTAINS through materials.

    >>> from kg.model import make_claim
    >>> c = [make_claim(subject="material:ndfeb-magnet", predicate="CONTAINS",
    ...                 object="element:Nd", sources=["source:x"]),
    ...      make_claim(subject="material:hs", predicate="CONTAINS",
    ...                 object="material:ndfeb-magnet", sources=["source:x"])]
    >>> sorted(material_elements(c)["material:hs"])
    ['Nd']
    """
    direct: dict[str, set[str]] = defaultdict(set)
    parts: dict[str, set[str]] = defaultdict(set)
    for c in claims:
        if c.predicate != "CONTAINS":
            continue
        if c.object.startswith("element:"):
            direct[c.subject].add(c.object.split(":", 1)[1])
        elif c.object.startswith("material:"):
            parts[c.subject].add(c.object)
    out: dict[str, frozenset[str]] = {}

    def resolve(m: str, seen: frozenset[str]) -> set[str]:
        found = set(direct.get(m, ()))
        for p in parts.get(m, ()):
            if p not in seen:
                found |= resolve(p, seen | {p})
        return found

    for m in set(direct) | set(parts):
        out[m] = frozenset(resolve(m, frozenset({m})))
    return out


@dataclass(frozen=True)
class Share:
    id: str
    name: str
    quantity: float | None
    share: float
    aggregate: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "quantity": self.quantity,
                "share": round(self.share, 4), "aggregate": self.aggregate}


@dataclass(frozen=True)
class ConcentrationResult:
    """Shares of one source edition for one stage, element and year."""

    stage: str
    element: str | None
    year: int | None
    by: str
    unit: str | None
    total: float | None
    hhi: float
    top_share: float
    shares: list[Share]
    sources: list[str]
    coverage: float
    basis: str
    element_basis: str
    flags: list[str] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)

    @property
    def comparable(self) -> bool:
        """Whether the shares are of a market total (a world figure, or shares as the source
        gives them) rather than of the few holders one source happens to list."""
        return "world total" in self.basis or "as given" in self.basis or len(self.shares) > 2

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage, "element": self.element, "year": self.year, "by": self.by,
            "unit": self.unit, "total": self.total, "hhi": round(self.hhi, 1),
            "top_share": round(self.top_share, 4), "flags": self.flags,
            "shares": [s.to_json() for s in self.shares], "sources": self.sources,
            "coverage": round(self.coverage, 4), "basis": self.basis,
            "element_basis": self.element_basis, "claims": self.claims,
            "comparable": self.comparable,
        }


def _stage_of(claim: Claim, materials: dict[str, Entity]) -> str | None:
    stage = claim.properties.get("stage")
    if stage:
        return str(stage)
    mat = materials.get(claim.object)
    return mat.properties.get("stage") if mat else None


def concentration(
    entities: Iterable[Entity],
    claims: Iterable[Claim],
    stage: str,
    element: str | None = None,
    year: int | None = None,
    by: str = "country",
    basis: str = "production",
    as_of: str | None = None,
) -> list[ConcentrationResult]:
    """Concentration of ``stage`` output, one result per source edition.

    Results that are shares of a market total come first (``comparable``), newest year first.

    Parameters
    ----------
    entities, claims : iterables of :class:`~kg.model.Entity` and :class:`~kg.model.Claim`
        The store's records (``store.entities()``, ``store.claims()``).
    stage : str
        A stage of the schema (``mining``, ``separation``, ``magnet`` …).
    element : str, optional
        Element symbol (``Dy``); None = all rare earths.
    year : int, optional
        Data year; None = each source's latest year.
    by : {"country", "firm"}
    basis : str
        Which PRODUCES basis to read (``production`` or ``capacity``).
    as_of : str, optional
        Keep only claims that hold on this date.

    Examples
    --------
    >>> from kg.model import make_claim, make_entity
    >>> ents = [make_entity(id=f"country:{c}", name=c, properties={"iso2": c}, sources=["source:u"])
    ...         for c in ("CN", "US")]
    >>> cl = [make_claim(subject=f"country:{c}", predicate="PRODUCES", object="material:reo",
    ...                  properties={"stage": "mining", "basis": "production", "quantity": q,
    ...                              "quantity_unit": "t REO", "year": 2024}, sources=["source:u"])
    ...       for c, q in (("CN", 75), ("US", 25))]
    >>> r = concentration(ents, cl, "mining")[0]
    >>> r.hhi, r.top_share, r.flags
    (6250.0, 0.75, ['HHI ≥ 2500', 'top share ≥ 50%'])
    """
    if by not in ("country", "firm"):
        raise RekgError(f"by: expected 'country' or 'firm', got {by!r}")
    ents = {e.id: e for e in entities}
    claim_list = [c for c in claims if c.stands(as_of)]
    materials = {i: e for i, e in ents.items() if e.type == "Material"}
    contains = material_elements(claim_list)
    located: dict[str, str] = {}
    operators: dict[str, list[str]] = defaultdict(list)
    for c in sorted((c for c in claim_list if c.predicate == "LOCATED_IN" and c.subject.startswith("facility:")),
                    key=lambda c: c.curated_first):
        located.setdefault(c.subject, c.object)
    for c in claim_list:
        if c.predicate == "OPERATES":
            operators[c.object].append(c.subject)

    def covers(material: str) -> str | None:
        elems = contains.get(material)
        if element is None:
            return "total" if not elems else "specific"
        if not elems:
            return "total"
        return "specific" if element in elems else None

    # output_share claims describe what a subject's output is made of, not how much it is
    rows = [c for c in claim_list if c.predicate == "PRODUCES" and _stage_of(c, materials) == stage
            and c.properties.get("basis", "production") == basis
            and c.properties.get("output_share") is None]
    specific = [c for c in rows if covers(c.object) == "specific"]
    if element is not None and specific:
        rows, element_basis = specific, f"{element}-bearing materials"
    else:
        rows = [c for c in rows if covers(c.object) is not None]
        element_basis = "total rare earths (not element-specific)" if element else "all rare earths"

    groups: dict[tuple[str, ...], list[Claim]] = defaultdict(list)
    for c in rows:
        groups[tuple(c.sources)].append(c)
    results: list[ConcentrationResult] = []
    for srcs, group in groups.items():
        years = sorted({int(c.properties["year"]) for c in group if c.properties.get("year")})
        want = year if year is not None else (years[-1] if years else None)
        picked = [c for c in group if c.properties.get("year") == want]
        if not picked:
            continue
        result = _one(picked, ents, stage, element, want, by, list(srcs), located, operators,
                      element_basis, basis)
        if result is not None:
            results.append(result)
    def published(r: ConcentrationResult) -> str:
        return max((str(ents[s].properties.get("published", "")) for s in r.sources if s in ents),
                   default="")

    # newest edition first for a year (a revised figure replaces the older edition's)
    # quantities over a stated world total first (then newest edition), shares as given after
    results.sort(key=lambda r: (not r.comparable, -(r.year or 0), "world total" not in r.basis,
                                _neg(published(r)), -r.coverage, r.sources))
    return results


def _neg(text: str) -> tuple[int, ...]:
    """Sort key that orders strings (ISO dates) newest first."""
    return tuple(-ord(ch) for ch in text)


def _holder(subject: str, by: str, located: dict[str, str],
            operators: dict[str, list[str]]) -> list[tuple[str, float]]:
    if by == "country":
        if subject.startswith(("country:", "region:")):
            return [(subject, 1.0)]
        if subject.startswith("facility:") and subject in located:
            return [(located[subject], 1.0)]
        return []
    if subject.startswith("firm:"):
        return [(subject, 1.0)]
    if subject.startswith("facility:") and operators.get(subject):
        ops = sorted(set(operators[subject]))
        return [(o, 1.0 / len(ops)) for o in ops]
    return []


def _one(
    picked: list[Claim], ents: dict[str, Entity], stage: str, element: str | None,
    year: int | None, by: str, sources: list[str], located: dict[str, str],
    operators: dict[str, list[str]], element_basis: str, basis: str,
) -> ConcentrationResult | None:
    world = [c for c in picked if c.subject == "region:world" and "quantity" in c.properties]
    qty = [c for c in picked if "quantity" in c.properties and c.subject != "region:world"]
    amounts: dict[str, float] = defaultdict(float)
    unit: str | None = None
    total: float | None
    used: list[str] = []
    if qty:
        for c in qty:
            for holder, part in _holder(c.subject, by, located, operators):
                amounts[holder] += float(c.properties["quantity"]) * part
                unit = unit or c.properties.get("quantity_unit")
                used.append(c.id)
        if not amounts:
            return None
        listed = sum(amounts.values())
        total = float(world[0].properties["quantity"]) if world and by == "country" else listed
        if world:
            used.append(world[0].id)
        # the source's stated world total is the denominator when it gives one, even where
        # its rounded total is below the sum of its rounded rows (USGS: 390,000 vs 393,950)
        total = total or listed
        shares = {h: q / total for h, q in amounts.items()} if total else {}
        how = "quantities" + (" / source's world total" if world and by == "country" else
                              " / sum of listed")
    else:
        shares = {}
        for c in picked:
            if "share" not in c.properties:
                continue
            for holder, part in _holder(c.subject, by, located, operators):
                shares[holder] = shares.get(holder, 0.0) + float(c.properties["share"]) * part
                used.append(c.id)
        if not shares:
            return None
        total = None
        how = "shares as given by the source"
    entries = []
    for hid, s in shares.items():
        ent = ents.get(hid)
        aggregate = bool(ent and ent.properties.get("aggregate"))
        entries.append(Share(hid, ent.name if ent else hid,
                             amounts.get(hid) if qty else None, s, aggregate))
    entries.sort(key=lambda s: (-s.share, s.id))
    counted = [s.share for s in entries if not s.aggregate]
    index = hhi(counted)
    top = max(counted, default=0.0)
    flags = []
    if index >= HHI_THRESHOLD:
        flags.append("HHI ≥ 2500")
    if top >= TOP_SHARE_THRESHOLD:
        flags.append("top share ≥ 50%")
    return ConcentrationResult(
        stage=stage, element=element, year=year, by=by, unit=unit, total=total, hhi=index,
        top_share=top, shares=entries, sources=sources,
        coverage=min(1.0, sum(s.share for s in entries)), basis=f"{basis}: {how}",
        element_basis=element_basis, flags=flags, claims=sorted(set(used)),
    )


def network_concentration(G: Any, layer: str, reference: Any = None) -> ConcentrationResult:
    """Concentration of one element at ``mining`` or ``separation`` read off its supply
    network (:func:`kg.analysis.network.element_network`), by country, in element tonnes.

    - mining: each mine's (or country's unattributed) output of the element; the
      denominator is the bundled world reference figure for the element when one is given
      (``reference``, a :class:`~kg.analysis.figures.Figure`), else the world mine output
      derived in the graph (the basis text says which);
    - separation: the element each separator handles in one maximum flow from the mines to
      every separator (compiled max-flow): what the mines can feed and the plants can
      separate; the denominator is the total so separated.

    >>> import networkx as nx
    >>> G = nx.DiGraph([("cn", "s"), ("au", "s")])
    >>> G.add_nodes_from([("cn", {"layer": "mining", "country": "country:CN", "capacity": 9,
    ...                           "source": True, "sources": ("source:a",)}),
    ...                   ("au", {"layer": "mining", "country": "country:AU", "capacity": 1,
    ...                           "source": True})])
    >>> G.graph.update(element="Dy", unit="t Dy2O3", year=2024, world_total=10.0)
    >>> r = network_concentration(G, "mining")
    >>> [(s.id, s.share) for s in r.shares], r.hhi
    ([('country:CN', 0.9), ('country:AU', 0.1)], 8200.0)
    """
    from kg.analysis.flow import FlowNetwork
    from kg.analysis.paths import SUPER_SINK

    element = G.graph.get("element")
    amounts: dict[str, float] = defaultdict(float)
    srcs: set[str] = set()
    if layer == "mining":
        for _, d in G.nodes(data=True):
            if d.get("layer") == "mining" and d.get("source") and d.get("country"):
                amounts[d["country"]] += float(d.get("capacity") or 0.0)
                srcs.update(d.get("sources", ()))
        derived = float(G.graph.get("world_total") or sum(amounts.values()))
        if reference is not None:
            total = float(reference.value)
            basis = (f"element tonnes in the graph / the source's world total "
                     f"({reference.value:,.0f} {reference.unit}, {', '.join(reference.sources)}); "
                     f"world derived in the graph {derived:,.0f}")
            srcs.update(reference.sources)
        else:
            total = derived
            basis = "element tonnes in the graph / world mine output derived in the graph"
    else:
        H = G.copy()
        H.add_node(SUPER_SINK, kind="virtual")
        seps = [n for n, d in G.nodes(data=True) if d.get("layer") == layer]
        H.add_edges_from((n, SUPER_SINK) for n in seps)
        through = FlowNetwork(H).node_flows(SUPER_SINK) if seps else {}
        for n in seps:
            d = G.nodes[n]
            if through.get(n) and d.get("country"):
                amounts[d["country"]] += through[n]
                srcs.update(d.get("sources", ()))
        total = sum(amounts.values())
        basis = (f"element tonnes separated in one max-flow from the mines to every {layer} "
                 "plant / their total")
    shares = {k: v / total for k, v in amounts.items() if total > 0 and v > 0}
    entries = sorted((Share(k, k, round(amounts[k], 3), s) for k, s in shares.items()),
                     key=lambda s: (-s.share, s.id))
    index = hhi(s.share for s in entries)
    top = max((s.share for s in entries), default=0.0)
    flags = (["HHI ≥ 2500"] if index >= HHI_THRESHOLD else []) + \
        (["top share ≥ 50%"] if top >= TOP_SHARE_THRESHOLD else [])
    return ConcentrationResult(
        stage=layer, element=element, year=G.graph.get("year"), by="country",
        unit=G.graph.get("unit"), total=round(total, 3), hhi=index, top_share=top,
        shares=entries, sources=sorted(srcs), coverage=min(1.0, sum(shares.values())),
        basis=f"network: {basis}", element_basis=f"{element} content (element-resolved network)",
        flags=flags)
