"""The element-resolved supply network: who supplies whom, in tonnes of one element.

:func:`prepare` reads the store's records once for a date (:class:`SupplyData`);
:func:`element_network` assembles the flow network of one element from it, every
quantity in tonnes of that element (oxide basis: ``t Dy2O3-equivalent``; metal and magnet
content are converted with the element's oxide factor). :func:`supply_networks` does both
for several elements. Every modelling choice is appended to ``G.graph["assumptions"]``
and printed by the report; data the model needed and did not find goes to
``G.graph["missing"]``.

Rules (each module named holds the details):

1. **Layers** ``mining → separation → (metal) → magnet → consumers``. A facility with
   several stages is one node per layer (``facility:mountain-pass@mining``) joined in
   layer order. The metal layer is optional (material may skip it).
2. **Nodes as of the date**: operating facilities from their status date, closed or
   suspended ones before it; planned and construction projects only with
   ``include_planned``.
3. **Mine output of the element** (:mod:`~kg.analysis.composition`): a mine's REO tonnage
   (its production figure for the data year, else its newest capacity) × the element's
   share in its deposit mix (its own, else its country's, printed). A country's mine
   production (USGS edition, newest published by default) less its named mines' figures
   is its unattributed output (``country:XX@mining``) with the country's mix; where a
   country's mix is unknown its tonnes carry no element (listed as missing).
4. **Separation** passes only the elements a plant can separate, from the date it could
   (:mod:`~kg.analysis.capability`); its capacity in the element is an element-specific
   output or capacity figure, else its REO figure × the element's share in its feed, else
   not binding. A country's separation output: an element-specific figure, else its
   stage share × world mine output of the element (same share for every element,
   printed), less its named plants.
5. **Magnets**: a plant's magnet tonnes × the element's mass fraction in the magnet ×
   the oxide factor; a country's magnet share × world mine output of the element (an
   upper bound: not all of an element goes into magnets).
6. **Links** (:mod:`~kg.analysis.sourcing`): within a facility; FEEDS (captive chains);
   offtakes (SUPPLIES); domestic (a country's plants sell to its own next-stage plants);
   cross-border only where a source gives an import share or a trade flow. No other
   cross-border link exists: a country whose buyers no source names supplies no one
   abroad (printed per country).
7. **Consumers**: the magnet users of each area (``country:US@magnet-users``; a region's
   members count as domestic), fed by the area's magnet plants and by the area's sourced
   imports; firms that buy under a contract and run no plant are consumers of their own
   (``firm:gm``) and, headquartered in an area, part of its users.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx

from kg.analysis.capability import Capability, product_capability, union
from kg.analysis.composition import (
    ElementShare,
    Mix,
    element_shares,
    element_unit,
    mix_share,
    mixes,
    oxide_factor,
)
from kg.analysis.concentration import material_elements
from kg.analysis.demand import Demand, demands
from kg.analysis.figures import Figure, figure_of, newest_first, published_of, tonnes
from kg.analysis.sourcing import Offtake, TradeLink, area_members, offtakes, trade_links
from kg.errors import RekgError
from kg.model import Claim, Entity
from kg.types import date_bounds

__all__ = [
    "LAYERS",
    "STAGE_LAYER",
    "DEFAULT_CONSUMERS",
    "consumer_id",
    "facility_in_service",
    "SupplyData",
    "prepare",
    "element_network",
    "supply_networks",
    "world_mine_output",
]

LAYERS: tuple[str, ...] = ("mining", "separation", "metal", "magnet")
OPTIONAL_LAYERS = ("metal",)
STAGE_LAYER: dict[str, str] = {
    "mining": "mining", "concentration": "mining", "separation": "separation",
    "recycling": "separation", "metal": "metal", "alloy": "metal", "magnet": "magnet",
}
FORM_LAYER = {"ore": "mining", "concentrate": "mining", "intermediate": "mining",
              "oxide": "separation", "compound": "separation", "metal": "metal",
              "alloy": "metal", "magnet": "magnet"}
DEFAULT_CONSUMERS: tuple[str, ...] = ("country:US", "region:eu", "country:JP")


def consumer_id(area: str) -> str:
    """Node id of the magnet users of a country or region.

    >>> consumer_id("country:US")
    'country:US@magnet-users'
    """
    return f"{area}@magnet-users"


def facility_in_service(entity: Entity, as_of: str | None, include_planned: bool = False) -> bool:
    """Whether a facility counts as supplying on ``as_of`` (rule 2).

    >>> from kg.model import make_entity
    >>> f = make_entity(id="facility:x", name="X", sources=["source:s"],
    ...                 properties={"stages": ["magnet"], "status": "operating",
    ...                             "status_date": "2025-09"})
    >>> facility_in_service(f, "2025-04-04"), facility_in_service(f, "2025-10-09")
    (False, True)
    """
    status = entity.properties.get("status")
    since = entity.properties.get("status_date")
    started = since is None or as_of is None or date_bounds(since)[0] <= date_bounds(as_of)[0]
    if status == "operating":
        return started
    if status in ("closed", "suspended"):
        return not started
    return include_planned


def _li(layer: str) -> int:
    return LAYERS.index(layer)


@dataclass
class SupplyData:
    """Everything the element networks need, read once from the records for one date."""

    as_of: str | None
    year: int | None
    entities: dict[str, Entity]
    claims: list[Claim]
    by_pred: dict[str, list[Claim]]
    contains: dict[str, frozenset[str]]
    shares: dict[str, dict[str, ElementShare]]
    mixes: dict[str, Mix]
    located: dict[str, str]
    operated_by: dict[str, list[str]]  # facility → firms
    runs: dict[str, list[str]]  # firm → facilities
    hq: dict[str, str]
    fac_layers: dict[str, list[str]]
    world_mine: Figure | None
    country_mine: dict[str, Figure]
    trade: list[TradeLink]
    offtakes: list[Offtake]
    members: dict[str, frozenset[str]]
    consumers: list[str]
    assumptions: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def layer_of_material(self, material: str | None) -> str | None:
        ent = self.entities.get(material or "")
        if ent is None:
            return None
        return STAGE_LAYER.get(str(ent.properties.get("stage") or "")) or \
            FORM_LAYER.get(str(ent.properties.get("form") or ""))

    def area_of(self, country: str | None) -> str | None:
        """The consumer area a country belongs to (itself, or a region it is a member of)."""
        if country is None:
            return None
        for area in self.consumers:
            if country == area or country in self.members.get(area, ()):
                return area
        return None


def prepare(
    entities: Iterable[Entity], claims: Iterable[Claim], as_of: str | None = None,
    year: int | None = None, edition: str | None = None,
    consumers: Iterable[str] | None = None, include_planned: bool = False,
) -> SupplyData:
    """Read the records for ``as_of`` (claims that hold on it, facilities in service).

    ``year`` is the data year of mine production (default: the newest year with a world
    figure on or before ``as_of``'s year); ``edition`` a source id to take it from
    (default: the newest published source with a world total for that year).
    """
    ents = {e.id: e for e in entities}
    held = [c for c in claims if c.holds_on(as_of)]
    by_pred: dict[str, list[Claim]] = defaultdict(list)
    for c in held:
        by_pred[c.predicate].append(c)
    assumptions: list[str] = []
    missing: list[str] = []

    as_of_year = date_bounds(as_of)[0].year if as_of else None
    world_claims = [c for c in by_pred["PRODUCES"] if c.subject == "region:world"
                    and c.properties.get("stage") == "mining" and c.object == "material:reo"
                    and tonnes(c) is not None and c.properties.get("basis", "production") == "production"]
    years = sorted({c.properties["year"] for c in world_claims if c.properties.get("year")
                    and (as_of_year is None or c.properties["year"] <= as_of_year)})
    ref_year = year if year is not None else (years[-1] if years else as_of_year)
    figs = [f for c in world_claims if c.properties.get("year") == ref_year
            for f in [figure_of(c, ents, f"world mine production {ref_year}")] if f]
    if edition is not None:
        figs = [f for f in figs if edition in f.sources]
        if not figs:
            raise RekgError(f"edition: no world mine production for {ref_year} from {edition}; "
                            "pick a source id that gives one (see `rekg analyze concentration "
                            "--stage mining --json`)")
    ordered = newest_first(figs)
    world = ordered[0] if ordered else None
    country_mine: dict[str, Figure] = {}
    if world is not None:
        older = "; older editions: " + ", ".join(
            f"{', '.join(a.sources)} {a.value:,.0f} t REO" for a in world.alternatives) \
            if world.alternatives else ""
        assumptions.append(f"Mine production: {', '.join(world.sources)} (newest edition), data "
                           f"year {ref_year}, world {world.value:,.0f} t REO{older}.")
        for c in by_pred["PRODUCES"]:
            if (c.subject.startswith("country:") and c.properties.get("stage") == "mining"
                    and c.object == "material:reo" and c.properties.get("year") == ref_year
                    and tuple(c.sources) == world.sources and tonnes(c) is not None
                    and c.properties.get("basis", "production") == "production"):
                f = figure_of(c, ents, f"{c.subject} mine production {ref_year}")
                if f:
                    country_mine[c.subject] = f
    else:
        missing.append("No world mine production figure: countries' unattributed mine output "
                       "is not modelled.")

    located = {}
    for c in by_pred["LOCATED_IN"]:
        located.setdefault(c.subject, c.object)
    operated_by: dict[str, list[str]] = defaultdict(list)
    runs: dict[str, list[str]] = defaultdict(list)
    for c in by_pred["OPERATES"]:
        operated_by[c.object].append(c.subject)
        runs[c.subject].append(c.object)
    hq = {}
    for c in by_pred["HEADQUARTERED_IN"]:
        hq.setdefault(c.subject, c.object)
    fac_layers = {}
    for fid, e in sorted(ents.items()):
        if e.type != "Facility" or not facility_in_service(e, as_of, include_planned):
            continue
        layers = sorted({STAGE_LAYER[s] for s in e.properties.get("stages", []) if s in STAGE_LAYER},
                        key=_li)
        if layers:
            fac_layers[fid] = layers
    trade, trade_notes = trade_links(by_pred["EXPORTS_TO"])
    assumptions += trade_notes
    wanted = list(consumers if consumers is not None else DEFAULT_CONSUMERS)
    return SupplyData(
        as_of=as_of, year=ref_year, entities=ents, claims=held, by_pred=by_pred,
        contains=material_elements(by_pred["CONTAINS"]), shares=element_shares(by_pred["CONTAINS"]),
        mixes=mixes(by_pred["PRODUCES"]), located=located, operated_by=dict(operated_by),
        runs=dict(runs), hq=hq, fac_layers=fac_layers, world_mine=world,
        country_mine=country_mine, trade=trade, offtakes=offtakes(by_pred["SUPPLIES"]),
        members=area_members(ents.values()), consumers=wanted, assumptions=assumptions,
        missing=missing,
    )


# -- quantities ---------------------------------------------------------------------------------

def _content(d: SupplyData, material: str | None, element: str | None) -> tuple[float, tuple[str, ...]] | None:
    """Tonnes of the element (oxide basis) per tonne of a material, or None when unknown.

    Total network (``element`` None): oxides and REO count 1:1, other materials unknown.
    """
    ent = d.entities.get(material or "")
    form = str(ent.properties.get("form")) if ent else ""
    if element is None:
        return (1.0, ()) if form in ("oxide", "compound") or material == "material:reo" else None
    rec = d.shares.get(material or "", {}).get(element)
    if rec is not None:
        return rec.oxide_share()[0], rec.sources
    elems = d.contains.get(material or "")
    if elems == frozenset({element}):
        return (oxide_factor(element) if form in ("metal", "alloy") else 1.0), ()
    return None


def _facility_claims(d: SupplyData, fid: str, layer: str) -> list[Claim]:
    out = []
    for c in d.by_pred["PRODUCES"]:
        if c.subject != fid:
            continue
        stage = c.properties.get("stage")
        lay = STAGE_LAYER.get(str(stage)) if stage else d.layer_of_material(c.object)
        if lay == layer:
            out.append(c)
    return out


def _pick(d: SupplyData, claims: list[Claim], how: str, unit_filter=None) -> Figure | None:
    """Production figure of the data year, else the newest capacity, else the newest
    production, all with year ≤ the data year (or no year)."""
    ok = [c for c in claims if tonnes(c) is not None and (unit_filter is None or unit_filter(c))
          and (d.year is None or c.properties.get("year") is None or c.properties["year"] <= d.year)]
    if not ok:
        return None

    def rank(c: Claim) -> tuple:
        basis = c.properties.get("basis", "production")
        this_year = basis == "production" and c.properties.get("year") == d.year
        return (this_year, basis == "capacity", c.properties.get("year") or 0,
                published_of(c, d.entities), c.id)

    best = max(ok, key=rank)
    return figure_of(best, d.entities, how)


def _mine_share(d: SupplyData, subject: str, country: str | None, element: str | None):
    """(share, low, high, sources, note) of the element in a mine's (or country's) output."""
    if element is None:
        return 1.0, 1.0, 1.0, (), ""
    for who, note in ((subject, ""), (country, f"{country}'s deposit mix")):
        if who and who in d.mixes:
            got = mix_share(d.mixes[who], d.shares, element)
            if got is not None:
                return (*got, note)
    return None


# -- the network --------------------------------------------------------------------------------

def _add(G: nx.DiGraph, node: str, **attrs) -> None:
    G.add_node(node, **attrs)


def element_network(d: SupplyData, element: str | None) -> nx.DiGraph:
    """The supply network of ``element`` (``None``: total REO) as of ``d.as_of``.

    Node attributes are those of :mod:`kg.analysis.paths` plus ``layer``, ``entity``,
    ``capacity_basis`` (how the capacity was found), ``capacity_low``/``capacity_high``
    (mines: the spread of the element share), ``elements`` (what the node passes on) and
    ``capability`` (the rule). Edge attributes: ``basis`` (within facility, feeds,
    supplies, domestic, import share, trade flow), ``capacity``, ``weight`` (an import
    share), ``sources``, ``cross_border``.
    """
    G = nx.DiGraph()
    unit = element_unit(element)
    assumptions = list(d.assumptions)
    missing = list(d.missing)
    used: set[str] = set(d.world_mine.sources) if d.world_mine else set()
    tag = element or "REO"

    # -- facilities: capability and capacity per layer -----------------------------------------
    caps: dict[str, Capability] = {}
    for fid, layers in d.fac_layers.items():
        ent = d.entities[fid]
        country = d.located.get(fid)
        stages = ent.properties.get("stages", [])
        for lay in layers:
            node = f"{fid}@{lay}"
            here = _facility_claims(d, fid, lay)
            cap_fig: Figure | None = None
            low = high = None
            if lay == "mining":
                cap = Capability(frozenset(), rule="mine")
                reo = _pick(d, here, f"{ent.name} REO output",
                            unit_filter=lambda c: "REO" in str(c.properties.get("quantity_unit")))
                share = _mine_share(d, fid, country, element)
                if share is not None:
                    cap = Capability(frozenset({element}) if element else frozenset(), (), share[3],
                                     "deposit mix" + (f" ({share[4]})" if share[4] else ""))
                    if share[4] and element:
                        assumptions.append(f"{fid}: no deposit mix of its own; {share[4]} used.")
                if reo is not None and share is not None:
                    cap_fig = reo.scaled(share[0], unit, f"× {tag} share {share[0]:.4f}", share[3])
                    low, high = reo.value * share[1], reo.value * share[2]
                elif reo is not None:
                    missing.append(f"{node}: {reo.value:,.0f} t REO without a deposit mix: no "
                                   f"{tag} counted")
                    cap_fig = reo.scaled(0.0, unit, "× unknown share (0 counted)")
                is_source = True
            else:
                specific = lay in ("separation",)
                cap = product_capability(here, d.contains, d.as_of, specific_only=specific,
                                         what=f"{lay} plant",
                                         published={c.id: published_of(c, d.entities)
                                                    for c in here if c.extractor})
                if element is None:
                    cap = Capability(frozenset(), (), cap.sources, "total network: passes REO")
                cap_fig = _plant_capacity(d, fid, lay, here, element, unit)
                is_source = lay == layers[0] and "recycling" in stages
                if element is not None and not cap.known:
                    missing.append(f"{node}: {cap.rule}")
            caps[node] = cap
            passes = element is None or cap.passes(element) or lay == "mining"
            if not passes:
                continue
            _add(G, node, kind="facility", entity=fid, layer=lay, country=country,
                 name=f"{ent.name} ({lay})", capacity=cap_fig.value if cap_fig else None,
                 capacity_basis=cap_fig.how if cap_fig else None,
                 capacity_low=low, capacity_high=high,
                 elements=cap.elements, capability=cap.rule, source=is_source,
                 operators=sorted(d.operated_by.get(fid, [])),
                 sources=tuple(sorted(set(ent.sources) | (set(cap_fig.sources) if cap_fig else set())
                                      | set(cap.sources))))
            if cap_fig:
                used.update(cap_fig.sources)
        chain = [f"{fid}@{lay}" for lay in layers if f"{fid}@{lay}" in G]
        for a, b in zip(chain, chain[1:], strict=False):
            G.add_edge(a, b, basis="within facility", sources=tuple(ent.sources), cross_border=False)

    # -- country figures: mining residuals -------------------------------------------------------
    world_e = 0.0
    for country, fig in sorted(d.country_mine.items()):
        named = [n for n, a in G.nodes(data=True) if a.get("country") == country
                 and a.get("layer") == "mining" and a["kind"] == "facility"]
        # named mines' REO (before the element share) is what the country figure includes
        known_reo = 0.0
        unknown = []
        for n in named:
            reo = _pick(d, _facility_claims(d, G.nodes[n]["entity"], "mining"), "",
                        unit_filter=lambda c: "REO" in str(c.properties.get("quantity_unit")))
            if reo is None:
                unknown.append(n)
            else:
                known_reo += reo.value
        if known_reo > fig.value > 0:
            # named mines' own figures (capacities, older or wider estimates) exceed the
            # country's mine production: the country figure binds, the named mines share it
            k = fig.value / known_reo
            for n in named:
                if n not in unknown:
                    a = G.nodes[n]
                    for key in ("capacity", "capacity_low", "capacity_high"):
                        if a.get(key) is not None:
                            a[key] *= k
                    a["capacity_basis"] = (f"{a.get('capacity_basis')}, scaled by {k:.3f} so the "
                                           f"named mines do not exceed {fig.how}")
            assumptions.append(f"{country}: named mines' figures ({known_reo:,.0f} t REO) exceed "
                               f"{fig.how} ({fig.value:,.0f} t REO); scaled down to it.")
            known_reo = fig.value
        rest = max(0.0, fig.value - known_reo)
        share = _mine_share(d, country, None, element)
        if share is None:
            if rest > 0 and not unknown:
                missing.append(f"{country}: {rest:,.0f} t REO of mine output ({fig.how}) without a "
                               f"deposit mix: no {tag} counted")
            share_v = (0.0, 0.0, 0.0, (), "")
        else:
            share_v = share
            if d.mixes.get(country) and d.mixes[country].coverage < 0.999 and element:
                assumptions.append(
                    f"{country}: deposit mix covers {d.mixes[country].coverage:.0%} of its mine "
                    f"output; the rest carries no {tag} (a lower bound).")
        used.update(fig.sources)
        if unknown:
            for n in unknown:
                part = rest / len(unknown)
                own = _mine_share(d, G.nodes[n]["entity"], country, element)
                if own is None:
                    missing.append(f"{n}: {part:,.0f} t REO without a deposit mix: no {tag} counted")
                    own = (0.0, 0.0, 0.0, (), "")
                G.nodes[n].update(capacity=part * own[0], capacity_low=part * own[1],
                                  capacity_high=part * own[2],
                                  capacity_basis=f"equal part of {fig.how} less named mines "
                                                 f"({part:,.0f} t REO) × {tag} share {own[0]:.4f}",
                                  sources=tuple(sorted(set(G.nodes[n]["sources"]) | set(fig.sources)
                                                       | set(own[3]))))
        elif rest > 0:
            ent = d.entities.get(country)
            name = ent.name if ent else country
            _add(G, f"{country}@mining", kind="aggregate", entity=country, layer="mining",
                 country=country, name=f"{'rest of ' if named else ''}{name} (mining)",
                 capacity=rest * share_v[0], capacity_low=rest * share_v[1],
                 capacity_high=rest * share_v[2],
                 capacity_basis=f"{fig.how}{' less named mines' if named else ''} "
                                f"({rest:,.0f} t REO) × {tag} share {share_v[0]:.4f}",
                 elements=frozenset({element}) if element else frozenset(),
                 capability="deposit mix", source=True, operators=[],
                 sources=tuple(sorted(set(fig.sources) | set(share_v[3]))))
    for n, a in G.nodes(data=True):
        if a.get("source") and a.get("capacity") is None:
            # a mine or recycler without a figure has no evidence of output: 0 t in flows
            a["capacity"] = 0.0
            a["capacity_basis"] = "no figure: 0 t in flows"
            missing.append(f"{n}: supply source ({a.get('layer')}) without a production or "
                           "capacity figure (0 t)")
        if a.get("layer") == "mining" and a.get("source"):
            world_e += a["capacity"]
    G.graph["world_mine_output"] = world_e

    # -- country figures at separation and magnet ---------------------------------------------------
    for lay in ("separation", "magnet"):
        _country_layer(d, G, lay, element, unit, world_e, assumptions, missing, used, caps)

    # -- links ------------------------------------------------------------------------------------
    _link(d, G, element, assumptions, used)
    G.graph.update(element=element, unit=unit, as_of=d.as_of, year=d.year,
                   edition=list(d.world_mine.sources) if d.world_mine else [],
                   world_total=world_e, assumptions=_dedupe(assumptions),
                   missing=_dedupe(missing), sources=sorted(used),
                   mandatory_layers=[la for la in LAYERS if la not in OPTIONAL_LAYERS],
                   optional_layers=list(OPTIONAL_LAYERS))
    return G


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _plant_capacity(d: SupplyData, fid: str, lay: str, here: list[Claim], element: str | None,
                    unit: str) -> Figure | None:
    """A plant's capacity in the element (rule 4/5), or None when not binding."""
    tag = element or "REO"
    best: Figure | None = None
    for c in here:
        got = _content(d, c.object, element)
        if got is None:
            continue
        fig = _pick(d, [c], f"{fid} {c.object.split(':', 1)[1]}")
        if fig is None:
            continue
        scaled = fig.scaled(got[0], unit, f"× {tag} content {got[0]:.4f}", got[1])
        if best is None or (fig.year or 0, fig.value) > (best.year or 0, best.value):
            best = scaled
    if best is not None or element is None or lay != "separation":
        return best
    # REO capacity × the element's share in the plant's feed (a FEEDS mine's mix)
    feeders = [c.subject for c in d.by_pred["FEEDS"] if c.object == fid]
    reo = _pick(d, [c for c in here if d.entities.get(c.object) is not None
                    and d.entities[c.object].properties.get("form") in ("oxide", "compound")
                    and len(d.contains.get(c.object, ())) != 1
                    and not (0 < len(d.contains.get(c.object, ())) <= 2)],
                f"{fid} separated REO")
    for m in feeders:
        share = _mine_share(d, m, d.located.get(m), element)
        if reo is not None and share is not None:
            return reo.scaled(share[0], unit, f"× {tag} share {share[0]:.4f} in the feed from {m}",
                              share[3])
    return None


def _country_layer(d: SupplyData, G: nx.DiGraph, lay: str, element: str | None, unit: str,
                   world_e: float, assumptions: list[str], missing: list[str], used: set[str],
                   caps: dict[str, Capability]) -> None:
    """Aggregate nodes for a country's unattributed output at a stage (rule 4/5)."""
    tag = element or "REO"
    best: dict[str, tuple[tuple[int, int], Figure]] = {}
    stage_caps: dict[str, list[Capability]] = defaultdict(list)
    for c in d.by_pred["PRODUCES"]:
        if not c.subject.startswith("country:") or c.properties.get("output_share") is not None:
            continue
        stage = c.properties.get("stage") or (d.entities[c.object].properties.get("stage")
                                              if c.object in d.entities else None)
        if STAGE_LAYER.get(str(stage)) != lay:
            continue
        if c.properties.get("basis", "production") not in ("production", "capacity", "estimate"):
            continue
        cy = c.properties.get("year")
        if cy is not None and d.year is not None and cy > d.year:
            continue
        if c.object.startswith("element:"):
            elems = frozenset({c.object.split(":", 1)[1]})
            stage_caps[c.subject].append(Capability(elems, (), tuple(c.sources),
                                                    "country-level element output"))
            if element is not None and c.object != f"element:{element}":
                continue
        else:
            elems = d.contains.get(c.object)
        if not c.object.startswith("element:") and (lay == "magnet" or (elems and len(elems) <= 2)):
            stage_caps[c.subject].append(product_capability([c], d.contains, d.as_of,
                                                            specific_only=lay != "magnet"))
        fig: Figure | None = None
        rank = (0, 0)
        q = tonnes(c)
        got = (1.0, ()) if element and c.object == f"element:{element}" else \
            _content(d, c.object, element)
        if q is not None and got is not None:
            base = figure_of(c, d.entities, f"{c.subject} {lay} output {cy or ''} "
                                            f"({c.properties.get('basis', 'production')})")
            if base is not None:
                fig = base.scaled(got[0], unit, f"× {tag} content {got[0]:.4f}", got[1])
                # an element's own figure beats a product's; a figure beats a share
                rank = (3 if c.object.startswith("element:") else 2, cy or 0)
        elif c.properties.get("share") is not None and world_e > 0:
            share = float(c.properties["share"])
            fig = Figure(share * world_e, unit, "share × world", cy, tuple(c.sources),
                         f"{c.subject} {lay} share {share:.0%} ({cy or 'year not stated'}) × "
                         f"world mine output of {tag} {world_e:,.0f}", (c.id,),
                         published_of(c, d.entities))
            rank = (1, cy or 0)
        if fig is None:
            continue
        prior = best.get(c.subject)
        if prior is None or rank > prior[0]:
            best[c.subject] = (rank, fig)
    for country, (_, fig) in sorted(best.items()):
        named = [n for n, a in G.nodes(data=True) if a.get("country") == country
                 and a.get("layer") == lay and a["kind"] == "facility"]
        own = [caps[n] for n in caps if n.endswith(f"@{lay}")
               and d.located.get(n.rsplit("@", 1)[0]) == country]
        cap = union(own + stage_caps.get(country, []),
                    f"what {country}'s named {lay} plants and country-level {lay} products pass")
        if element is None:
            cap = Capability(frozenset(), (), cap.sources, "total network: passes REO")
        elif not cap.passes(element):
            missing.append(f"{country}@{lay}: no source says {country} separates {element}; its "
                           f"{lay} output carries none" if lay == "separation" else
                           f"{country}@{lay}: no {element}-bearing product stated")
            continue
        known = sum(G.nodes[n]["capacity"] or 0.0 for n in named)
        rest = max(0.0, fig.value - known)
        used.update(fig.sources)
        unknown = [n for n in named if G.nodes[n]["capacity"] is None]
        if unknown:
            for n in unknown:
                G.nodes[n]["capacity"] = rest / len(unknown)
                G.nodes[n]["capacity_basis"] = f"equal part of {fig.how}, less named plants"
            continue
        if rest <= 0:
            continue
        ent = d.entities.get(country)
        name = ent.name if ent else country
        if fig.basis == "share × world":
            assumptions.append(f"{country} {lay}: {fig.how} (its share of total rare earths "
                               f"stands for its share of {tag}; no {tag}-specific figure).")
        _add(G, f"{country}@{lay}", kind="aggregate", entity=country, layer=lay, country=country,
             name=f"{'rest of ' if named else ''}{name} ({lay})", capacity=rest,
             capacity_basis=fig.how + (" less named plants" if named else ""),
             capacity_low=None, capacity_high=None, elements=cap.elements, capability=cap.rule,
             source=False, operators=[], sources=tuple(sorted(set(fig.sources) | set(cap.sources))))


def _demands(d: SupplyData, element: str | None, assumptions: list[str],
             used: set[str]) -> dict[str, Demand]:
    """The consumers' demands of ``element`` (:mod:`~kg.analysis.demand`), with the
    assumptions they rest on (or their absence) appended."""
    if element is None:
        return {}
    year = date_bounds(d.as_of)[0].year if d.as_of else None
    got = demands(d.by_pred["CONSUMES"], element, d.consumers, d.shares, d.entities, year)
    for area in d.consumers:
        dem = got.get(area)
        if dem is None:
            assumptions.append(f"No source gives {area}'s use of {element} (nor of a material "
                               f"with a stated {element} content): its magnet users' draw is "
                               "bounded only by the network, an upper bound.")
            continue
        used.update(dem.sources)
        other = "; not chosen: " + "; ".join(a.how for a in dem.alternatives) \
            if dem.alternatives else ""
        assumptions.append(f"{area} demand of {element}: {dem.how} = {dem.value:,.1f} "
                           f"{dem.unit}{other}.")
    return got


def _carries(d: SupplyData, material: str | None, element: str | None) -> bool:
    """Whether a contract or trade in ``material`` carries the element: yes when the material
    contains it or states no element content (a generic category such as HS 2846)."""
    elems = d.contains.get(material or "")
    return element is None or not elems or element in elems


def _nodes_at(G: nx.DiGraph, country: str, lay: str) -> list[str]:
    return sorted(n for n, a in G.nodes(data=True) if a.get("country") == country
                  and a.get("layer") == lay and a["kind"] in ("facility", "aggregate"))


def _next_layers(lay: str) -> list[str]:
    out = []
    for nxt in LAYERS[_li(lay) + 1:]:
        out.append(nxt)
        if nxt not in OPTIONAL_LAYERS:
            break
    return out


def _node_for(d: SupplyData, G: nx.DiGraph, fid: str, layer: str | None, side: str) -> str | None:
    layers = [la for la in d.fac_layers.get(fid, []) if f"{fid}@{la}" in G]
    if not layers:
        return None
    idx = _li(layer) if layer else None
    if side == "out" and layer in d.fac_layers.get(fid, []):
        # the plant has the material's stage: it sends from there or, when that stage does
        # not pass the element, not at all (no bypassing a separator that cannot separate it)
        return f"{fid}@{layer}" if f"{fid}@{layer}" in G else None
    if side == "out":
        fit = [la for la in layers if idx is None or _li(la) <= idx]
        return f"{fid}@{fit[-1]}" if fit else None
    fit = [la for la in layers if idx is None or _li(la) > idx]
    return f"{fid}@{fit[0]}" if fit else None


def _link(d: SupplyData, G: nx.DiGraph, element: str | None, assumptions: list[str],
          used: set[str]) -> None:
    tag = element or "REO"
    unit = element_unit(element)
    captive_out: set[str] = set()
    captive_in: set[str] = set()
    for c in d.by_pred["FEEDS"]:
        if not (c.subject.startswith("facility:") and c.object.startswith("facility:")):
            continue
        lay = d.layer_of_material(c.properties.get("material"))
        u = _node_for(d, G, c.subject, lay, "out")
        # the receiver's first stage after the sender's
        v = _node_for(d, G, c.object, G.nodes[u]["layer"], "in") if u is not None else None
        if u is None or v is None or u == v:
            continue
        G.add_edge(u, v, basis="feeds", material=c.properties.get("material"),
                   sources=tuple(c.sources),
                   cross_border=G.nodes[u].get("country") != G.nodes[v].get("country"))
        used.update(c.sources)
        captive_out.add(u)
        captive_in.add(v)

    # consumers, each bounded by its demand of the element where a source gives one
    need = _demands(d, element, assumptions, used)
    for area in d.consumers:
        ent = d.entities.get(area)
        dem = need.get(area)
        _add(G, consumer_id(area), kind="consumer", entity=area, layer="consumer", country=area,
             name=f"{ent.name if ent else area} magnet users",
             capacity=dem.value if dem else None, capacity_basis=dem.how if dem else None,
             capacity_low=dem.low if dem else None, capacity_high=dem.high if dem else None,
             demand=dem, elements=None, source=False, members=sorted(d.members.get(area, ())),
             sources=tuple(sorted((set(ent.sources) if ent else set())
                                  | (set(dem.sources) if dem else set()))), operators=[])

    # offtakes
    for o in d.offtakes:
        if not _carries(d, o.material, element):
            continue
        lay = d.layer_of_material(o.material)
        sup = [o.supplier] if o.supplier.startswith("facility:") else d.runs.get(o.supplier, [])
        if lay is None:
            # no material stated: the supplier sells its most downstream product
            stages = [la for f in sup for la in d.fac_layers.get(f, [])]
            lay = max(stages, key=_li) if stages else None
        us = [u for u in (_node_for(d, G, f, lay, "out") for f in sup) if u is not None]
        # only a plant that makes the material (at its stage, passing the element as of the
        # date) delivers under the contract: no ore sold as oxide
        us = [u for u in us if lay is None or G.nodes[u]["layer"] == lay]
        if not us:
            continue
        if o.buyer.startswith("facility:"):
            buyers = [o.buyer]
        elif o.buyer.startswith("firm:"):
            buyers = d.runs.get(o.buyer, [])
        else:
            buyers = []
        vs = [v for v in (_node_for(d, G, f, max((G.nodes[u]["layer"] for u in us), key=_li), "in")
                          for f in buyers) if v is not None]
        if not vs and o.buyer.startswith("firm:"):
            ent = d.entities.get(o.buyer)
            home = d.hq.get(o.buyer)
            if o.buyer not in G:
                _add(G, o.buyer, kind="consumer", entity=o.buyer, layer="consumer", country=home,
                     name=f"{ent.name if ent else o.buyer} (contracts)", capacity=None,
                     elements=None, source=False, operators=[], contracted=True,
                     sources=tuple(ent.sources) if ent else ())
            vs = [o.buyer]
            area = d.area_of(home)
            if area is not None and not G.has_edge(o.buyer, consumer_id(area)):
                G.add_edge(o.buyer, consumer_id(area), basis="buyer in area", cross_border=False,
                           sources=tuple(ent.sources) if ent else ())
        elif not vs and consumer_id(o.buyer) in G:
            vs = [consumer_id(o.buyer)]
        got = _content(d, o.material, element) if o.tonnes is not None else None
        cap = o.tonnes * got[0] if got is not None and o.tonnes is not None else None
        for u in us:
            for v in vs:
                if u == v or (G.has_edge(u, v) and G.edges[u, v].get("basis") in ("feeds", "within facility")):
                    continue
                G.add_edge(u, v, basis="supplies", material=o.material, capacity=cap,
                           kind=o.kind, sources=o.sources,
                           cross_border=G.nodes[u].get("country") != G.nodes[v].get("country"))
                used.update(o.sources)

    # domestic links
    layer_nodes: dict[str, list[str]] = defaultdict(list)
    for n, a in G.nodes(data=True):
        if a.get("layer") in LAYERS:
            layer_nodes[a["layer"]].append(n)
    for lay in LAYERS:
        for u in sorted(layer_nodes[lay]):
            if u in captive_out:
                continue
            cu = G.nodes[u].get("country")
            for nxt in _next_layers(lay):
                for v in _nodes_at(G, cu, nxt) if cu else []:
                    if v in captive_in or G.has_edge(u, v) or (
                            G.nodes[u]["kind"] == "facility"
                            and G.nodes[v].get("entity") == G.nodes[u].get("entity")):
                        continue
                    G.add_edge(u, v, basis="domestic", cross_border=False, sources=())
    assumptions.append("Domestic links: a country's plants may sell to its own next-stage plants "
                       "(no source needed within a country); captive FEEDS chains excepted.")
    for area in d.consumers:
        for lay in ("magnet",):
            for country in sorted(set(d.members.get(area, ())) | {area}):
                for u in _nodes_at(G, country, lay):
                    if u not in captive_out:
                        G.add_edge(u, consumer_id(area), basis="domestic", cross_border=False,
                                   sources=())

    # cross-border trade, only where sourced
    sourced_importers: set[str] = set()
    for t in d.trade:
        if not _carries(d, t.material, element):
            continue
        lay = d.layer_of_material(t.material) or "separation"
        origin_nodes: list[str] = []
        for la in reversed(LAYERS[:_li(lay) + 1]):
            origin_nodes = [n for n in _nodes_at(G, t.origin, la) if n not in captive_out]
            if origin_nodes:
                break
        if not origin_nodes:
            continue
        src_layer = G.nodes[origin_nodes[0]]["layer"]
        targets: list[str] = []
        area = d.area_of(t.importer) if t.importer not in d.consumers else t.importer
        if area is not None and (t.importer == area or t.importer in d.members.get(area, ())):
            targets.append(consumer_id(area))
        for nxt in _next_layers(src_layer):
            targets += [v for v in _nodes_at(G, t.importer, nxt) if v not in captive_in]
        if not targets:
            continue
        sourced_importers.add(t.importer)
        got = _content(d, t.material, element) if t.tonnes is not None else None
        cap = t.tonnes * got[0] if got is not None and t.tonnes is not None else None
        how = t.how
        dem = need.get(t.importer)
        if cap is None and t.share is not None and dem is not None:
            # the shares divide the importer's supply: sized by its demand of the element
            cap = t.share * dem.value
            how = (f"import share {t.share:.0%} × {t.importer}'s {tag} demand "
                   f"{dem.value:,.1f} {unit}")
            got = (1.0, ())
        attrs = dict(basis=t.kind, material=t.material, weight=t.share, sources=t.sources,
                     how=how, period=t.period, cross_border=True)
        used.update(t.sources)
        if cap is not None and len(origin_nodes) * len(targets) > 1:
            hub = f"trade:{t.origin}>{t.importer}:{t.material.split(':', 1)[1]}"
            _add(G, hub, kind="virtual", name=f"{t.label()}", capacity=cap,
                 capacity_basis=how if how != t.how else f"{t.how} × {tag} content {got[0]:.4f} ({unit})",
                 country=None, layer=None, sources=t.sources)
            for u in origin_nodes:
                G.add_edge(u, hub, **attrs)
            for v in targets:
                G.add_edge(hub, v, **attrs)
        else:
            for u in origin_nodes:
                for v in targets:
                    G.add_edge(u, v, **attrs, capacity=cap)
    for area in d.consumers:
        got = [t for t in d.trade if t.importer == area or t.importer in d.members.get(area, ())]
        if not got:
            assumptions.append(f"No source gives {area}'s import sources: its magnet users are fed "
                               "by its own plants and its firms' contracts only.")
        else:
            parts = "; ".join(t.label() for t in got)
            assumptions.append(f"{area} imports: {parts}.")
    exporters = {t.origin for t in d.trade}
    stranded = sorted({a.get("country") for n, a in G.nodes(data=True)
                       if a.get("kind") in ("facility", "aggregate") and a.get("country")
                       and a.get("country") not in exporters and G.out_degree(n) == 0
                       and (a.get("capacity") or 0) > 0})
    if stranded:
        assumptions.append(f"No source names a foreign buyer of {tag} from "
                           f"{', '.join(stranded)} (nodes without a sourced buyer supply no one).")


def supply_networks(
    entities: Iterable[Entity], claims: Iterable[Claim], elements: Sequence[str | None],
    as_of: str | None = None, **kw,
) -> dict[str | None, nx.DiGraph]:
    """:func:`element_network` for each element, from one :func:`prepare`."""
    d = prepare(entities, claims, as_of=as_of, **kw)
    return {e: element_network(d, e) for e in elements}


def world_mine_output(d: SupplyData, element: str) -> dict[str, float]:
    """World mine output of an element derived from the graph: the sum over the mining layer
    (value, low, high in the element's oxide tonnes) and the REO it covers.

    ``coverage`` is the share of the world REO total whose element content is known.
    """
    G = element_network(d, element)
    rows = [a for _, a in G.nodes(data=True) if a.get("layer") == "mining" and a.get("source")]
    value = sum(a["capacity"] or 0.0 for a in rows)
    low = sum(a.get("capacity_low") if a.get("capacity_low") is not None else (a["capacity"] or 0.0)
              for a in rows)
    high = sum(a.get("capacity_high") if a.get("capacity_high") is not None else (a["capacity"] or 0.0)
               for a in rows)
    return {"value": value, "low": low, "high": high}
