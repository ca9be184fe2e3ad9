"""Projection of the knowledge graph onto a directed supply network (networkx DiGraph).

The store holds claims; analysis needs a flow network. :func:`project_supply_network`
turns entity and claim records (``store.entities()``, ``store.claims()``) into one, as of
a date, and records every modelling choice in ``G.graph["assumptions"]`` so the report
can print them. The modelling assumptions:

1. **Layers.** Stages map to four layers in the order material flows: ``mining``
   (mining, concentration), ``separation`` (separation, recycling), ``metal`` (metal,
   alloy), ``magnet``. Consumers sit after the magnet layer. A facility with several
   stages becomes one node per layer (``facility:mountain-pass@mining``,
   ``…@separation``) joined in layer order; its ``entity`` attribute names the facility.
2. **Nodes as of the date.** A facility is in the network when its status is
   ``operating`` and its ``status_date`` (if any) is on or before the date, or when it is
   ``closed``/``suspended`` from a date after it. Recyclers (stage ``recycling``) are
   supply sources like mines: scrap is their feed. Planned and construction projects are
   left out unless ``include_planned`` (then their stated capacities count).
3. **Capacities** are tonnes per year. A facility layer takes the newest PRODUCES figure
   at that layer's stages with a year on or before the reference year (capacity before
   production); figures in t, t/yr, t REO, t REO/yr count like-for-like as t REO-equivalent
   (oxide tonnes ≈ REO tonnes; for metal, alloy and magnet tonnes this overstates their
   rare-earth content, so the non-Chinese magnet plants look larger than they are and
   dependence on China is, if anything, understated).
4. **Country aggregates where facility data is missing.** Mining: a country's mine
   production of the chosen USGS edition and year (t REO). Other layers: the country's
   stage share (PRODUCES ``share``, newest year on or before the reference year, basis
   production) times world mine production of the same year (mass balance: what is mined
   is separated; the same world total stands for the later layers, an upper bound since
   not all REO goes into magnets). A country's quantity at a stage (e.g. US separation
   output) is preferred to a share. Known facility capacities in that country and layer
   are subtracted; the remainder is split equally among the country's facilities of
   unknown capacity at that layer, or, when it has none, forms the aggregate node
   ``country:XX@layer`` ("rest of XX"), which handles the elements the country's named
   facilities at that layer handle (any element when it has none).
5. **Rest of world.** At each non-mining layer with country data, world total minus all
   country figures and all known facility capacities in countries without a figure is
   split equally among the facilities of unknown capacity in those countries, or, when
   there are none, forms ``region:other-countries@layer`` (an unattributed remainder).
6. **Unknown capacity** is treated as not binding, except at supply sources, where a node
   with no figure at all carries 0 t in flows (there is no evidence of output) but still
   counts as a route for single points of failure.
7. **Layers with no country data at all** (with the bundled data: metal/alloy) are
   *optional*: material may pass from the layer before to the layer after, skipping them.
   A layer with country data is *mandatory*: no supply path skips it.
8. **Links.** FEEDS facility→facility claims are physical links; a facility layer with
   outgoing FEEDS sends only along them, and one with incoming FEEDS receives only from
   them (captive, integrated chains such as Mt Weld → Kalgoorlie → Lynas Malaysia).
   Everything else trades on a world market: each node of a layer can send to each node
   of the next mandatory layer (or of an optional layer in between), in any country.
   SUPPLIES (offtakes) add links from the supplier's facilities to the buyer's
   facilities, or, for a buyer that operates none (GM, Apple, US DoD, Sojitz), to a
   consumer node for that firm fed only by its contracts. EXPORTS_TO claims annotate the
   market links between the two countries with their sources.
9. **Consumers** are the magnet users of each country or region asked for
   (``country:US@magnet-users``; a region's consumer treats its member countries as
   domestic), fed by every magnet-layer node.
10. **Elements.** Quantities are total REO; elements select nodes. A facility layer
    handles the elements its products contain (CONTAINS, as of the date: Lynas Malaysia
    handles Dy only from its first Dy oxide, May 2025); a product without element content
    (total REO, concentrates, mixed oxides) or no product figure means "any element", as
    do country aggregates. :func:`element_network` keeps the nodes that handle an element.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from kg.analysis.concentration import material_elements
from kg.errors import RekgError
from kg.model import Claim, Entity
from kg.types import date_bounds

__all__ = [
    "LAYERS",
    "STAGE_LAYER",
    "DEFAULT_CONSUMERS",
    "project_supply_network",
    "element_network",
    "facility_in_service",
    "consumer_id",
]

LAYERS: tuple[str, ...] = ("mining", "separation", "metal", "magnet")
STAGE_LAYER: dict[str, str] = {
    "mining": "mining", "concentration": "mining", "separation": "separation",
    "recycling": "separation", "metal": "metal", "alloy": "metal", "magnet": "magnet",
}
DEFAULT_CONSUMERS: tuple[str, ...] = ("country:US", "region:eu", "country:JP")
_TONNES = {"t", "t/yr", "t REO", "t REO/yr"}
_KT = {"kt", "kt REO"}


def consumer_id(area: str) -> str:
    """Node id of the magnet users of a country or region.

    >>> consumer_id("country:US")
    'country:US@magnet-users'
    """
    return f"{area}@magnet-users"


def facility_in_service(entity: Entity, as_of: str | None, include_planned: bool = False) -> bool:
    """Whether a facility counts as supplying on ``as_of`` (rule 2 of the module docstring).

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


def _tonnes(claim: Claim) -> float | None:
    unit = claim.properties.get("quantity_unit")
    q = claim.properties.get("quantity")
    if q is None:
        return None
    if unit in _TONNES:
        return float(q)
    if unit in _KT:
        return float(q) * 1000.0
    return None


def _pick_quantity(claims: list[Claim], ref_year: int | None) -> Claim | None:
    """Newest capacity (else production) figure in tonnes with year ≤ ref_year."""
    usable = [c for c in claims if _tonnes(c) is not None
              and (ref_year is None or c.properties.get("year") is None
                   or c.properties["year"] <= ref_year)]
    if not usable:
        return None
    rank = {"capacity": 0, "production": 1}
    usable.sort(key=lambda c: (rank.get(c.properties.get("basis", ""), 2),
                               -(c.properties.get("year") or 0), c.id))
    return usable[0]


def _layer_index(layer: str) -> int:
    return LAYERS.index(layer)


def project_supply_network(
    entities: Iterable[Entity],
    claims: Iterable[Claim],
    as_of: str | None = None,
    year: int | None = None,
    edition: str | None = None,
    consumers: Iterable[str] | None = None,
    include_planned: bool = False,
) -> nx.DiGraph:
    """Build the supply network as of a date (see the module docstring for every rule).

    Parameters
    ----------
    entities, claims : iterables of records
        All of the store's entities and claims (they are filtered by ``as_of`` here).
    as_of : str, optional
        ISO date; facility status and claim validity are taken on this date.
    year : int, optional
        Reference data year for quantities; default the newest year with a world mine
        production figure on or before ``as_of``'s year.
    edition : str, optional
        Source id of the mine-production edition to use (``source:usgs-mcs-2025-ree``);
        default the newest-published source with a world total for ``year``.
    consumers : iterable of str, optional
        Country/region ids whose magnet users are consumers; default US, EU, JP.
    include_planned : bool
        Count planned and construction projects (for "what if they were built").

    Returns
    -------
    networkx.DiGraph
        Nodes and edges with the attributes of :mod:`kg.analysis.paths`; ``G.graph`` holds
        ``as_of``, ``year``, ``edition``, ``assumptions``, ``missing`` and ``sources``.

    Examples
    --------
    >>> from kg.model import make_claim, make_entity
    >>> S = ["source:s"]
    >>> ents = [make_entity(id="country:CN", name="China", properties={"iso2": "CN"}, sources=S),
    ...         make_entity(id="country:US", name="United States", properties={"iso2": "US"},
    ...                     sources=S),
    ...         make_entity(id="region:world", name="World", properties={"aggregate": True},
    ...                     sources=S)]
    >>> def prod(who, q, stage="mining", **kw):
    ...     props = {"stage": stage, "basis": "production", "year": 2024, **kw}
    ...     if q is not None:
    ...         props |= {"quantity": q, "quantity_unit": "t REO"}
    ...     return make_claim(subject=who, predicate="PRODUCES", object="material:reo",
    ...                       properties=props, sources=S)
    >>> cl = [prod("country:CN", 90), prod("country:US", 10), prod("region:world", 100),
    ...       prod("country:CN", None, stage="separation", share=1.0),
    ...       prod("country:CN", None, stage="magnet", share=1.0)]
    >>> G = project_supply_network(ents, cl, consumers=["country:US"])
    >>> sorted(G.predecessors("country:US@magnet-users"))
    ['country:CN@magnet']
    >>> G.nodes["country:CN@separation"]["capacity"]
    100.0
    """
    ents = {e.id: e for e in entities}
    all_claims = [c for c in claims if c.holds_on(as_of)]
    by_pred: dict[str, list[Claim]] = defaultdict(list)
    for c in all_claims:
        by_pred[c.predicate].append(c)
    contains = material_elements(by_pred["CONTAINS"])
    assumptions: list[str] = []
    missing: list[str] = []
    used_sources: set[str] = set()

    # -- reference year and mine-production edition ---------------------------------------
    as_of_year = date_bounds(as_of)[0].year if as_of else None
    world_mine = [c for c in by_pred["PRODUCES"] if c.subject == "region:world"
                  and c.properties.get("stage") == "mining" and _tonnes(c) is not None
                  and c.properties.get("basis", "production") == "production"]
    years = sorted({c.properties["year"] for c in world_mine if c.properties.get("year")
                    and (as_of_year is None or c.properties["year"] <= as_of_year)})
    ref_year = year if year is not None else (years[-1] if years else as_of_year)
    candidates = [c for c in world_mine if c.properties.get("year") == ref_year]
    if edition is not None:
        candidates = [c for c in candidates if edition in c.sources]
        if not candidates:
            raise RekgError(f"edition: no world mine production for {ref_year} from {edition}; "
                            "pick a source id that gives one (see `rekg analyze concentration "
                            "--stage mining --json`)")

    def published(c: Claim) -> str:
        dates = [ents[s].properties.get("published", "") for s in c.sources if s in ents]
        return str(max(dates, default=""))

    candidates.sort(key=lambda c: (published(c), c.id), reverse=True)
    world_claim = candidates[0] if candidates else None
    world_total = _tonnes(world_claim) if world_claim else None
    chosen_sources = tuple(world_claim.sources) if world_claim else ()
    if world_claim:
        used_sources.update(world_claim.sources)
        assumptions.append(
            f"Mine production: {', '.join(chosen_sources)}, data year {ref_year}; world total "
            f"{world_total:,.0f} t REO stands for the throughput of every later layer "
            "(mass balance).")
    else:
        missing.append("No world mine production figure: country aggregates have no capacity "
                       "and shares cannot become tonnes.")

    # -- country figures per layer ----------------------------------------------------------
    country_fig: dict[tuple[str, str], tuple[float, tuple[str, ...], str]] = {}
    for c in by_pred["PRODUCES"]:
        if not c.subject.startswith(("country:", "region:")) or c.subject == "region:world":
            continue
        layer = STAGE_LAYER.get(str(c.properties.get("stage", "")))
        if layer is None or c.properties.get("basis", "production") != "production":
            continue
        q = _tonnes(c)
        cy = c.properties.get("year")
        if layer == "mining":
            if q is None or cy != ref_year or tuple(c.sources) != chosen_sources:
                continue
            country_fig[(c.subject, layer)] = (q, tuple(c.sources), f"mine production {cy}")
            continue
        if q is not None and cy == ref_year:
            prior = country_fig.get((c.subject, layer))
            if prior is None or not prior[2].startswith("quantity"):
                country_fig[(c.subject, layer)] = (q, tuple(c.sources), f"quantity {cy}")
            continue
        share = c.properties.get("share")
        if share is None or world_total is None:
            continue
        if cy is not None and ref_year is not None and cy > ref_year:
            continue
        prior = country_fig.get((c.subject, layer))
        label = f"share {share:.0%} ({cy or 'year not stated'}) × world {ref_year}"
        rank = (cy or 0, c.confidence)
        if prior is not None:
            if prior[2].startswith("quantity"):
                continue
            if prior[2].startswith("share"):
                old_year = prior[2].split("(")[1].split(")")[0]
                old_rank = int(old_year) if old_year.isdigit() else 0
                if old_rank >= rank[0]:
                    continue
        country_fig[(c.subject, layer)] = (float(share) * world_total, tuple(c.sources), label)
    layers_with_data = {layer for (_, layer) in country_fig}
    mandatory = [lay for lay in LAYERS if lay in layers_with_data or lay == "mining"]
    optional = [lay for lay in LAYERS if lay not in mandatory]
    if optional:
        assumptions.append(f"Layers without country data, treated as optional (may be skipped): "
                           f"{', '.join(optional)}.")

    # -- facilities ---------------------------------------------------------------------------
    located: dict[str, str] = {}
    operators: dict[str, list[str]] = defaultdict(list)
    hq: dict[str, str] = {}
    for c in by_pred["LOCATED_IN"]:
        located.setdefault(c.subject, c.object)
    for c in by_pred["OPERATES"]:
        operators[c.subject].append(c.object)
    for c in by_pred["HEADQUARTERED_IN"]:
        hq.setdefault(c.subject, c.object)
    facilities = {i: e for i, e in ents.items() if e.type == "Facility"}
    in_service = {i for i, e in facilities.items() if facility_in_service(e, as_of, include_planned)}
    produces: dict[str, list[Claim]] = defaultdict(list)
    for c in by_pred["PRODUCES"]:
        if c.subject in facilities:
            produces[c.subject].append(c)

    G = nx.DiGraph()

    def material_layer(material: str | None) -> str | None:
        ent = ents.get(material or "")
        stage = ent.properties.get("stage") if ent else None
        return STAGE_LAYER.get(stage or "")

    fac_layers: dict[str, list[str]] = {}
    for fid in sorted(in_service):
        ent = facilities[fid]
        stages = ent.properties.get("stages", [])
        layers = sorted({STAGE_LAYER[s] for s in stages if s in STAGE_LAYER}, key=_layer_index)
        if not layers:
            continue
        fac_layers[fid] = layers
        country = located.get(fid)
        for lay in layers:
            node = f"{fid}@{lay}"
            here = [c for c in produces[fid]
                    if STAGE_LAYER.get(str(c.properties.get("stage")
                                           or (material_layer(c.object) or ""))) == lay
                    or (c.properties.get("stage") is None and material_layer(c.object) == lay)]
            fig = _pick_quantity(here, ref_year)
            elems: set[str] | None = set()
            for c in here:
                got = contains.get(c.object)
                if not got:
                    elems = None
                    break
                elems |= got  # type: ignore[operator]
            if not here:
                elems = None
            is_source = (lay == "mining" and "mining" in stages) or (
                lay == layers[0] and "recycling" in stages)
            G.add_node(
                node, kind="facility", entity=fid, layer=lay, country=country,
                name=f"{ent.name} ({lay})", capacity=_tonnes(fig) if fig else None,
                capacity_basis=(f"{fig.properties.get('basis', '')} "
                                f"{fig.properties.get('year') or ''}".strip()) if fig else None,
                elements=frozenset(elems) if elems is not None else None,
                source=is_source, operators=sorted(_operators_of(fid, operators)),
                sources=tuple(sorted(set(ent.sources) | (set(fig.sources) if fig else set()))),
            )
            if fig:
                used_sources.update(fig.sources)
        for a, b in zip(layers, layers[1:], strict=False):
            G.add_edge(f"{fid}@{a}", f"{fid}@{b}", basis="within facility",
                       sources=tuple(ent.sources))

    # -- residuals and aggregates per (country, layer) -------------------------------------------
    for (area, lay), (q, srcs, label) in sorted(country_fig.items()):
        used_sources.update(srcs)
        nodes = [n for n, d in G.nodes(data=True)
                 if d.get("country") == area and d.get("layer") == lay and d["kind"] == "facility"]
        known = sum(G.nodes[n]["capacity"] for n in nodes if G.nodes[n]["capacity"] is not None)
        unknown = [n for n in nodes if G.nodes[n]["capacity"] is None]
        rest = max(0.0, q - known)
        if unknown:
            for n in unknown:
                G.nodes[n]["capacity"] = rest / len(unknown)
                G.nodes[n]["capacity_basis"] = (f"equal part of {area} {lay} remainder "
                                                f"({label}, less known facilities)")
                G.nodes[n]["sources"] = tuple(sorted(set(G.nodes[n]["sources"]) | set(srcs)))
        elif rest > 0 or not nodes:
            ent = ents.get(area)
            named = [G.nodes[n]["elements"] for n in nodes]
            # the remainder of a country's figure is taken to handle what its named
            # facilities at that layer handle (the figure most likely describes them)
            rest_elems = (frozenset().union(*named) if named and all(e is not None for e in named)
                          else None)
            name = ent.name if ent else area
            G.add_node(f"{area}@{lay}", kind="aggregate", entity=area, layer=lay, country=area,
                       name=f"{name} ({lay}, aggregate)" if not nodes else f"rest of {name} ({lay})",
                       capacity=rest, capacity_basis=label, elements=rest_elems,
                       source=(lay == "mining"), sources=srcs, operators=[])
    if world_total is not None:
        for lay in LAYERS[1:]:
            if lay not in layers_with_data:
                continue
            named = sum(q for (a, la), (q, _, _) in country_fig.items() if la == lay)
            figured = {a for (a, la) in country_fig if la == lay}
            outside = [n for n, d in G.nodes(data=True) if d.get("layer") == lay
                       and d["kind"] == "facility" and d.get("country") not in figured]
            extra = sum(G.nodes[n]["capacity"] or 0.0 for n in outside)
            rest = world_total - named - extra
            unknown = [n for n in outside if G.nodes[n]["capacity"] is None]
            for n in unknown:
                G.nodes[n]["capacity"] = max(rest, 0.0) / len(unknown)
                G.nodes[n]["capacity_basis"] = (f"equal part of the rest-of-world {lay} remainder "
                                                f"(world {ref_year} less named countries)")
            if rest > 0 and not unknown and f"region:other-countries@{lay}" not in G:
                G.add_node(f"region:other-countries@{lay}", kind="aggregate",
                           entity="region:other-countries", layer=lay,
                           country="region:other-countries",
                           name=f"rest of world, unattributed ({lay})", capacity=rest,
                           capacity_basis=f"world {ref_year} less named countries and facilities",
                           elements=None, source=False, sources=chosen_sources, operators=[])
    for n, d in G.nodes(data=True):
        if d.get("source") and d.get("capacity") is None:
            d["capacity"] = 0.0
            d["capacity_basis"] = "no figure: 0 t in flows (rule 6)"
            missing.append(f"{n}: supply source without any production or capacity figure")
        elif d["kind"] == "facility" and d.get("capacity") is None:
            missing.append(f"{n}: capacity unknown, treated as not binding")

    # -- links ----------------------------------------------------------------------------------
    fac_node = {n: d for n, d in G.nodes(data=True)}

    def node_for(fid: str, layer: str | None, side: str) -> str | None:
        layers = fac_layers.get(fid)
        if not layers:
            return None
        idx = _layer_index(layer) if layer else None
        if side == "out":
            fit = [lay for lay in layers if idx is None or _layer_index(lay) <= idx]
            return f"{fid}@{(fit[-1] if fit else layers[0])}"
        fit = [lay for lay in layers if idx is None or _layer_index(lay) > idx]
        return f"{fid}@{(fit[0] if fit else layers[-1])}"

    captive_out: set[str] = set()
    captive_in: set[str] = set()
    for c in by_pred["FEEDS"]:
        if not (c.subject.startswith("facility:") and c.object.startswith("facility:")):
            continue
        lay = material_layer(c.properties.get("material"))
        u = node_for(c.subject, lay, "out")
        v = node_for(c.object, lay, "in")
        if u is None or v is None or u == v:
            continue
        G.add_edge(u, v, basis="feeds", material=c.properties.get("material"),
                   sources=tuple(c.sources), cross_border=fac_node[u].get("country")
                   != fac_node[v].get("country"))
        used_sources.update(c.sources)
        captive_out.add(u)
        captive_in.add(v)

    area_members: dict[str, set[str]] = {}
    for area in list(consumers if consumers is not None else DEFAULT_CONSUMERS):
        ent = ents.get(area)
        members = set(ent.properties.get("members", [])) if ent else set()
        area_members[area] = members | {area}
        G.add_node(consumer_id(area), kind="consumer", entity=area, layer="consumer",
                   country=area, name=f"{ent.name if ent else area} magnet users", capacity=None,
                   elements=None, source=False, sources=tuple(ent.sources) if ent else (),
                   members=sorted(members), operators=[])

    layer_nodes: dict[str, list[str]] = {lay: [] for lay in LAYERS}
    for n, d in G.nodes(data=True):
        if d.get("layer") in layer_nodes:
            layer_nodes[d["layer"]].append(n)
    for lay in LAYERS:
        layer_nodes[lay].sort()

    def next_layers(lay: str) -> list[str]:
        out = []
        for nxt in LAYERS[_layer_index(lay) + 1:]:
            out.append(nxt)
            if nxt in mandatory:
                break
        return out

    for lay in LAYERS:
        for u in layer_nodes[lay]:
            if u in captive_out:
                continue
            targets = [v for nxt in next_layers(lay) for v in layer_nodes[nxt]]
            if lay == "magnet" or all(nxt in optional for nxt in next_layers(lay)):
                targets += [consumer_id(a) for a in area_members]
            for v in targets:
                if v in captive_in or G.has_edge(u, v):
                    continue
                if fac_node.get(v, {}).get("entity") == fac_node[u].get("entity") and \
                        fac_node[u]["kind"] == "facility":
                    continue
                cu = fac_node[u].get("country")
                if G.nodes[v]["kind"] == "consumer":
                    cross = cu not in area_members[G.nodes[v]["entity"]]
                else:
                    cross = cu != G.nodes[v].get("country")
                G.add_edge(u, v, basis="market", cross_border=cross, sources=())

    for c in by_pred["SUPPLIES"]:
        lay = material_layer(c.properties.get("material"))
        supplier = [c.subject] if c.subject.startswith("facility:") else _operators_of_firm(
            c.subject, operators)
        us = [node_for(f, lay, "out") for f in supplier]
        us = [u for u in us if u is not None and (lay is None or G.nodes[u]["layer"] == lay
                                                  or lay not in LAYERS)]
        if not us:
            continue
        if c.object.startswith("facility:"):
            receivers = [c.object]
        elif c.object.startswith("firm:"):
            receivers = _operators_of_firm(c.object, operators)
        else:
            receivers = []
        vs = [node_for(f, lay, "in") for f in receivers]
        vs = [v for v in vs if v is not None]
        if not vs and c.object.startswith("firm:"):
            ent = ents.get(c.object)
            G.add_node(c.object, kind="consumer", entity=c.object, layer="consumer",
                       country=hq.get(c.object), name=f"{ent.name if ent else c.object} (contracts)",
                       capacity=None, elements=None, source=False,
                       sources=tuple(ent.sources) if ent else (), operators=[], contracted=True)
            vs = [c.object]
        elif not vs and c.object.startswith(("country:", "region:")):
            vs = [consumer_id(c.object)] if consumer_id(c.object) in G else []
        for u in us:
            for v in vs:
                if u == v:
                    continue
                cap = _tonnes(c) if c.properties.get("quantity_unit") in ("t/yr", "t REO/yr") else None
                prior = G.get_edge_data(u, v)
                if prior and prior.get("basis") in ("feeds", "within facility"):
                    continue
                G.add_edge(u, v, basis="supplies", material=c.properties.get("material"),
                           capacity=cap, sources=tuple(c.sources),
                           cross_border=G.nodes[u].get("country") != G.nodes[v].get("country"))
                used_sources.update(c.sources)

    for c in by_pred["EXPORTS_TO"]:
        lay = material_layer(c.properties.get("material"))
        for u, v, d in G.edges(data=True):
            if d.get("basis") != "market" or G.nodes[u].get("country") != c.subject:
                continue
            if G.nodes[v].get("country") != c.object or (lay and G.nodes[u].get("layer") != lay):
                continue
            d["trade"] = tuple(sorted(set(d.get("trade", ())) | set(c.sources)))
            used_sources.update(c.sources)

    assumptions.append("Market links: any node may sell to any node of the next layer in any "
                       "country, except along captive FEEDS chains (rule 8).")
    assumptions.append("Flows are t REO-equivalent per year; elements select nodes, they do not "
                       "scale quantities (rule 10).")
    G.graph.update(as_of=as_of, year=ref_year, edition=list(chosen_sources),
                   world_total=world_total, assumptions=assumptions, missing=sorted(set(missing)),
                   sources=sorted(used_sources), mandatory_layers=mandatory,
                   optional_layers=optional)
    return G


def _operators_of(fid: str, operators: dict[str, list[str]]) -> list[str]:
    return [firm for firm, facs in operators.items() if fid in facs]


def _operators_of_firm(firm: str, operators: dict[str, list[str]]) -> list[str]:
    return list(operators.get(firm, []))


def element_network(G: nx.DiGraph, element: str | None) -> nx.DiGraph:
    """The nodes of ``G`` that handle ``element`` (``elements`` None = any), as a new graph.

    >>> G = nx.DiGraph([("a", "c"), ("b", "c")])
    >>> nx.set_node_attributes(G, {"a": frozenset({"Nd"}), "b": None, "c": None}, "elements")
    >>> sorted(element_network(G, "Dy"))
    ['b', 'c']
    """
    if element is None:
        return G.copy()
    keep = [n for n, d in G.nodes(data=True)
            if d.get("elements") is None or element in d["elements"]]
    H = G.subgraph(keep).copy()
    H.graph["element"] = element
    return H
