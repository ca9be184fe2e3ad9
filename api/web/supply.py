"""Supply paths to one consumer, for drawing: one routing of the maximum flow through the
supply network (tonnes per year along each link), before and, for a scenario, after.

Reads the same element network the analyses read (:mod:`kg.analysis.network`) and the same
max-flow construction (:mod:`kg.analysis.paths`); computes nothing the analyses do not, it
only keeps the links that carry flow so the page can draw them. A maximum flow is rarely
routed one way only: the drawing shows *a* routing, which the caption says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from typing import Any

import networkx as nx

from kg.store.base import Store

__all__ = ["supply_graph", "LAYER_ORDER"]

#: Layers left to right.
LAYER_ORDER = ("mining", "separation", "metal", "magnet", "consumer")
#: Drawn at most: a network with unknown capacities everywhere falls back to shortest paths.
MAX_PATHS = 15


def _flow_edges(H: nx.DiGraph, target: Hashable) -> dict[tuple[Hashable, Hashable], float | None]:
    """Real links carrying flow to ``target`` in one maximum-flow routing (t/yr); when some path
    has no capacity bound at all, the shortest supply paths instead, with no tonnage."""
    from kg.analysis.paths import (
        SUPER_SOURCE,
        is_real,
        path_evidence,
        split_node_capacities,
        with_super_source,
    )

    if target not in H:
        return {}
    S = split_node_capacities(with_super_source(H))
    try:
        _, flows = nx.maximum_flow(S, (SUPER_SOURCE, "in"), (target, "out"))
    except nx.NetworkXUnbounded:
        out: dict[tuple[Hashable, Hashable], float | None] = {}
        for path in path_evidence(H, target, limit=MAX_PATHS):
            for a, b in zip(path, path[1:], strict=False):
                out[(a, b)] = None
        return out
    edges: dict[tuple[Hashable, Hashable], float | None] = {}
    for (u, side), targets in flows.items():
        if side != "out" or not is_real(H, u):
            continue
        for (v, _), amount in targets.items():
            if amount > 1e-9 and is_real(H, v) and H.has_edge(u, v):
                edges[(u, v)] = float(amount)
    return edges


def supply_graph(
    store: Store, area: str, element: str | None, as_of: str, *,
    restrictions: list[str] | None = None, highlight: set[str] | None = None,
) -> dict[str, Any]:
    """cytoscape.js elements of the flows to ``area``'s consumer node (a country or region id,
    or a firm id fed by contracts), laid out by layer; with ``restrictions`` (``CN:Dy,Tb``),
    links that carry nothing after the scenario are marked ``lost`` and nodes in a
    restricting country ``restricted``. ``highlight`` marks single points of failure."""
    from kg.analysis.network import DEFAULT_CONSUMERS, consumer_id, element_network, prepare
    from kg.analysis.scenario import Scenario, apply_scenario, parse_restriction

    ents, claims = list(store.entities()), list(store.claims())
    firm = area.startswith("firm:")
    consumers = sorted(set(DEFAULT_CONSUMERS) | ({area} if not firm else set()))
    H = element_network(prepare(ents, claims, as_of=as_of, consumers=consumers), element)
    target = area if firm else consumer_id(area)
    before = _flow_edges(H, target)
    lost: set[tuple[Hashable, Hashable]] = set()
    restricted: set[str] = set()
    if restrictions:
        sc = Scenario(name="drawing", as_of=as_of, restrictions=[parse_restriction(r) for r in restrictions])
        restricted = {r.country for r in sc.restrictions}
        after = _flow_edges(apply_scenario(H, sc, element), target)
        lost = {e for e in before if e not in after}
    highlight = highlight or set()
    nodes: dict[Hashable, dict[str, Any]] = {}
    for u, v in before:
        for n in (u, v):
            if n in nodes:
                continue
            data = H.nodes[n]
            classes = []
            if str(n) in highlight:
                classes.append("spof")
            if data.get("country") in restricted:
                classes.append("restricted")
            entity = data.get("entity")
            nodes[n] = {"data": {"id": str(n), "label": data.get("name") or str(n),
                                 "layer": data.get("layer") or "", "country": data.get("country"),
                                 "href": f"/web/entity/{entity}" if entity and store.get(entity) else None},
                        "classes": " ".join(classes)}
    top = max((f for f in before.values() if f), default=0.0)
    labelled = len(before) <= 25  # beyond that the widths and the table carry the tonnages
    edges = []
    for (u, v), flow in before.items():
        width = 1.5 + (8.5 * flow / top if flow and top else 0.0)
        edges.append({"data": {"id": f"{u}>{v}", "source": str(u), "target": str(v),
                               "label": f"{flow:,.0f} t" if flow and labelled else "", "flow": flow, "width": round(width, 2)},
                      "classes": "lost" if (u, v) in lost else ""})
    columns: dict[str, list[Hashable]] = defaultdict(list)
    for n, el in nodes.items():
        columns[el["data"]["layer"]].append(n)
    order = {lay: i for i, lay in enumerate(LAYER_ORDER)}
    for layer, members in columns.items():
        members.sort(key=lambda n: nodes[n]["data"]["label"].lower())
        for i, n in enumerate(members):
            nodes[n]["position"] = {"x": 260 * order.get(layer, len(LAYER_ORDER)),
                                    "y": 64 * i - 32 * (len(members) - 1)}
    rows = sorted(({"from": nodes[u]["data"]["label"], "to": nodes[v]["data"]["label"], "flow": f,
                    "lost": (u, v) in lost} for (u, v), f in before.items()),
                  key=lambda r: (-(r["flow"] or 0), r["from"], r["to"]))
    return {"nodes": list(nodes.values()), "edges": edges, "rows": rows,
            "bounded": all(f is not None for f in before.values()), "element": element}
