"""Links: who supplies whom in an element network (rules 6–7 of :mod:`kg.analysis.network`).

Within a facility; FEEDS (captive chains); offtakes (SUPPLIES); domestic sales to the
next stage; cross-border links only where a source gives an import share or a trade flow
(:mod:`kg.analysis.sourcing`); consumers bounded by their demand
(:mod:`kg.analysis.demand`), share-only import links sized by it.
"""


from __future__ import annotations

from collections import defaultdict

import networkx as nx

from kg.analysis.capacities import add_node, content
from kg.analysis.composition import (
    element_unit,
)
from kg.analysis.demand import Demand, demands
from kg.analysis.supply_data import LAYERS, OPTIONAL_LAYERS, SupplyData, consumer_id, layer_index
from kg.types import date_bounds

__all__ = ["link"]


def demands_of(d: SupplyData, element: str | None, assumptions: list[str],
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


def carries(d: SupplyData, material: str | None, element: str | None) -> bool:
    """Whether a contract or trade in ``material`` carries the element: yes when the material
    contains it or states no element content (a generic category such as HS 2846)."""
    elems = d.contains.get(material or "")
    return element is None or not elems or element in elems


def nodes_at(G: nx.DiGraph, country: str, lay: str) -> list[str]:
    return sorted(n for n, a in G.nodes(data=True) if a.get("country") == country
                  and a.get("layer") == lay and a["kind"] in ("facility", "aggregate"))


def next_layers(lay: str) -> list[str]:
    out = []
    for nxt in LAYERS[layer_index(lay) + 1:]:
        out.append(nxt)
        if nxt not in OPTIONAL_LAYERS:
            break
    return out


def node_for(d: SupplyData, G: nx.DiGraph, fid: str, layer: str | None, side: str) -> str | None:
    layers = [la for la in d.fac_layers.get(fid, []) if f"{fid}@{la}" in G]
    if not layers:
        return None
    idx = layer_index(layer) if layer else None
    if side == "out" and layer in d.fac_layers.get(fid, []):
        # the plant has the material's stage: it sends from there or, when that stage does
        # not pass the element, not at all (no bypassing a separator that cannot separate it)
        return f"{fid}@{layer}" if f"{fid}@{layer}" in G else None
    if side == "out":
        fit = [la for la in layers if idx is None or layer_index(la) <= idx]
        return f"{fid}@{fit[-1]}" if fit else None
    fit = [la for la in layers if idx is None or layer_index(la) > idx]
    return f"{fid}@{fit[0]}" if fit else None


def link(d: SupplyData, G: nx.DiGraph, element: str | None, assumptions: list[str],
          used: set[str]) -> None:
    tag = element or "REO"
    unit = element_unit(element)
    captive_out: set[str] = set()
    captive_in: set[str] = set()
    for c in d.by_pred["FEEDS"]:
        if not (c.subject.startswith("facility:") and c.object.startswith("facility:")):
            continue
        lay = d.layer_of_material(c.properties.get("material"))
        u = node_for(d, G, c.subject, lay, "out")
        # the receiver's first stage after the sender's
        v = node_for(d, G, c.object, G.nodes[u]["layer"], "in") if u is not None else None
        if u is None or v is None or u == v:
            continue
        G.add_edge(u, v, basis="feeds", material=c.properties.get("material"),
                   sources=tuple(c.sources),
                   cross_border=G.nodes[u].get("country") != G.nodes[v].get("country"))
        used.update(c.sources)
        captive_out.add(u)
        captive_in.add(v)

    # consumers, each bounded by its demand of the element where a source gives one
    need = demands_of(d, element, assumptions, used)
    for area in d.consumers:
        ent = d.entities.get(area)
        dem = need.get(area)
        add_node(G, consumer_id(area), kind="consumer", entity=area, layer="consumer", country=area,
             name=f"{ent.name if ent else area} magnet users",
             capacity=dem.value if dem else None, capacity_basis=dem.how if dem else None,
             capacity_low=dem.low if dem else None, capacity_high=dem.high if dem else None,
             demand=dem, elements=None, source=False, members=sorted(d.members.get(area, ())),
             sources=tuple(sorted((set(ent.sources) if ent else set())
                                  | (set(dem.sources) if dem else set()))), operators=[])

    # offtakes
    for o in d.offtakes:
        if not carries(d, o.material, element):
            continue
        lay = d.layer_of_material(o.material)
        sup = [o.supplier] if o.supplier.startswith("facility:") else d.runs.get(o.supplier, [])
        if lay is None:
            # no material stated: the supplier sells its most downstream product
            stages = [la for f in sup for la in d.fac_layers.get(f, [])]
            lay = max(stages, key=layer_index) if stages else None
        us = [u for u in (node_for(d, G, f, lay, "out") for f in sup) if u is not None]
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
        vs = [v for v in (node_for(d, G, f, max((G.nodes[u]["layer"] for u in us), key=layer_index), "in")
                          for f in buyers) if v is not None]
        if not vs and o.buyer.startswith("firm:"):
            ent = d.entities.get(o.buyer)
            home = d.hq.get(o.buyer)
            if o.buyer not in G:
                add_node(G, o.buyer, kind="consumer", entity=o.buyer, layer="consumer", country=home,
                     name=f"{ent.name if ent else o.buyer} (contracts)", capacity=None,
                     elements=None, source=False, operators=[], contracted=True,
                     sources=tuple(ent.sources) if ent else ())
            vs = [o.buyer]
            home_area = d.area_of(home)
            if home_area is not None and not G.has_edge(o.buyer, consumer_id(home_area)):
                G.add_edge(o.buyer, consumer_id(home_area), basis="buyer in area", cross_border=False,
                           sources=tuple(ent.sources) if ent else ())
        elif not vs and consumer_id(o.buyer) in G:
            vs = [consumer_id(o.buyer)]
        got = content(d, o.material, element) if o.tonnes is not None else None
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
            for nxt in next_layers(lay):
                for v in nodes_at(G, cu, nxt) if cu else []:
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
                for u in nodes_at(G, country, lay):
                    if u not in captive_out:
                        G.add_edge(u, consumer_id(area), basis="domestic", cross_border=False,
                                   sources=())

    # cross-border trade, only where sourced
    sourced_importers: set[str] = set()
    for t in d.trade:
        if not carries(d, t.material, element):
            continue
        lay = d.layer_of_material(t.material) or "separation"
        origin_nodes: list[str] = []
        for la in reversed(LAYERS[:layer_index(lay) + 1]):
            origin_nodes = [n for n in nodes_at(G, t.origin, la) if n not in captive_out]
            if origin_nodes:
                break
        if not origin_nodes:
            continue
        src_layer = G.nodes[origin_nodes[0]]["layer"]
        targets: list[str] = []
        dest = d.area_of(t.importer) if t.importer not in d.consumers else t.importer
        if dest is not None and (t.importer == dest or t.importer in d.members.get(dest, ())):
            targets.append(consumer_id(dest))
        for nxt in next_layers(src_layer):
            targets += [v for v in nodes_at(G, t.importer, nxt) if v not in captive_in]
        if not targets:
            continue
        sourced_importers.add(t.importer)
        got = content(d, t.material, element) if t.tonnes is not None else None
        cap = t.tonnes * got[0] if got is not None and t.tonnes is not None else None
        how = t.how
        cap_basis = f"{t.how} × {tag} content {got[0]:.4f} ({unit})" if got is not None else t.how
        dem = need.get(t.importer)
        if cap is None and t.share is not None and dem is not None:
            # the shares divide the importer's supply: sized by its demand of the element
            cap = t.share * dem.value
            how = cap_basis = (f"import share {t.share:.0%} × {t.importer}'s {tag} demand "
                               f"{dem.value:,.1f} {unit}")
        attrs = dict(basis=t.kind, material=t.material, weight=t.share, sources=t.sources,
                     how=how, period=t.period, cross_border=True)
        used.update(t.sources)
        if cap is not None and len(origin_nodes) * len(targets) > 1:
            hub = f"trade:{t.origin}>{t.importer}:{t.material.split(':', 1)[1]}"
            add_node(G, hub, kind="virtual", name=f"{t.label()}", capacity=cap,
                 capacity_basis=cap_basis,
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
        listed = [t for t in d.trade if t.importer == area or t.importer in d.members.get(area, ())]
        if not listed:
            assumptions.append(f"No source gives {area}'s import sources: its magnet users are fed "
                               "by its own plants and its firms' contracts only.")
        else:
            parts = "; ".join(t.label() for t in listed)
            assumptions.append(f"{area} imports: {parts}.")
    exporters = {t.origin for t in d.trade}
    stranded = sorted({a.get("country") for n, a in G.nodes(data=True)
                       if a.get("kind") in ("facility", "aggregate") and a.get("country")
                       and a.get("country") not in exporters and G.out_degree(n) == 0
                       and (a.get("capacity") or 0) > 0})
    if stranded:
        assumptions.append(f"No source names a foreign buyer of {tag} from "
                           f"{', '.join(stranded)} (nodes without a sourced buyer supply no one).")


