"""Chokepoints: nodes ranked by supply lost when removed, by supply betweenness, by stage share.

Three measures, each a fraction in [0, 1], and a ranking that says which one put a node high:

- ``supply_lost``: share of the total supply deliverable to all consumers together
  (max-flow from every source to a super-sink behind every consumer) that is lost when
  the node is removed.
- ``betweenness``: share of (source, consumer) shortest supply routes that pass through
  the node, each source weighted by its capacity (Brandes accumulation restricted to
  consumer targets, as in :func:`networkx.betweenness_centrality_subset`, with source
  weights). ``sample`` sources instead of all of them gives an unbiased estimate for
  large graphs (the bench reports its error against the exact value).
- ``stage_share``: the node's capacity as a share of all known capacity in its layer
  (its concentration at that stage).

``score`` is the largest of the three and ``measure`` names it.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.analysis.paths import (
    SUPER_SINK,
    consumers_of,
    is_real,
    supply_sources,
)

__all__ = ["Chokepoint", "supply_betweenness", "supply_lost", "stage_shares", "rank_chokepoints"]


@dataclass(frozen=True)
class Chokepoint:
    id: Hashable
    kind: str
    name: str
    country: str | None
    score: float
    measure: str
    supply_lost: float | None
    supply_lost_share: float | None
    betweenness: float
    stage_share: float | None
    sources: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None or math.isinf(x) else round(x, 4)

        return {"id": str(self.id), "type": self.kind, "name": self.name, "country": self.country,
                "score": r(self.score), "measure": self.measure,
                "supply_lost": r(self.supply_lost), "supply_lost_share": r(self.supply_lost_share),
                "betweenness": r(self.betweenness), "stage_share": r(self.stage_share),
                "sources": list(self.sources)}


def supply_betweenness(
    G: nx.DiGraph,
    sources: Iterable[Hashable] | None = None,
    consumers: Iterable[Hashable] | None = None,
    sample: int | None = None,
    seed: int | None = None,
) -> dict[Hashable, float]:
    """Capacity-weighted share of source→consumer shortest routes through each node.

    Sources with a ``capacity`` weigh by it (unknown or 0 capacity: weight 1 if no source
    has a capacity, else the smallest positive one). ``sample`` draws that many sources
    uniformly and scales up.

    Examples
    --------
    Two mines feed one separator that feeds the consumer: every route passes through it.

    >>> G = nx.DiGraph([("m1", "s"), ("m2", "s"), ("s", "u")])
    >>> supply_betweenness(G, ["m1", "m2"], ["u"])["s"]
    1.0
    """
    srcs = list(supply_sources(G) if sources is None else sources)
    targets = set(consumers_of(G) if consumers is None else consumers)
    caps = [float(G.nodes[s].get("capacity") or 0.0) for s in srcs]
    positive = [c for c in caps if c > 0]
    floor = min(positive) if positive else 1.0
    weight = {s: (c if c > 0 else floor) for s, c in zip(srcs, caps, strict=True)}
    total_weight = sum(weight.values()) or 1.0
    chosen = srcs
    scale = 1.0
    if sample is not None and sample < len(srcs):
        chosen = random.Random(seed).sample(srcs, sample)
        scale = len(srcs) / sample
    bc: dict[Hashable, float] = dict.fromkeys(G, 0.0)
    succ = G._succ
    for s in chosen:
        sigma: dict[Hashable, float] = {s: 1.0}
        dist = {s: 0}
        preds: dict[Hashable, list[Hashable]] = {s: []}
        order: list[Hashable] = []
        queue = deque([s])
        while queue:
            v = queue.popleft()
            order.append(v)
            dv = dist[v] + 1
            for w in succ[v]:
                if w not in dist:
                    dist[w] = dv
                    sigma[w] = 0.0
                    preds[w] = []
                    queue.append(w)
                if dist[w] == dv:
                    sigma[w] += sigma[v]
                    preds[w].append(v)
        delta = dict.fromkeys(order, 0.0)
        ws = weight[s] * scale
        for w in reversed(order):
            coeff = ((delta[w] + 1.0) if (w in targets and w != s) else delta[w]) / sigma[w]
            for v in preds[w]:
                delta[v] += sigma[v] * coeff
            if w != s:
                bc[w] += ws * delta[w]
    norm = total_weight * max(1, len(targets))
    return {n: v / norm for n, v in bc.items()}


def supply_lost(
    G: nx.DiGraph,
    nodes: Iterable[Hashable] | None = None,
    sources: Iterable[Hashable] | None = None,
    consumers: Iterable[Hashable] | None = None,
) -> tuple[float, dict[Hashable, float]]:
    """Total deliverable supply, and the supply lost when each of ``nodes`` is removed.

    Returns ``(total, {node: lost})``. One compiled index copy of the network (a
    super-sink behind every consumer) answers every removal (:mod:`kg.analysis.flow`).

    Examples
    --------
    Mines of 3 and 4 t/yr feed separators of 5 and 5, both selling to the consumer:

    >>> G = nx.DiGraph([("m1", "s1"), ("m2", "s2"), ("s1", "u"), ("s2", "u")])
    >>> nx.set_node_attributes(G, {"m1": 3, "m2": 4, "s1": 5, "s2": 5}, "capacity")
    >>> total, lost = supply_lost(G, ["m1", "s2"], ["m1", "m2"], ["u"])
    >>> total, lost["m1"], lost["s2"]
    (7.0, 3.0, 4.0)
    """
    from kg.analysis.flow import FlowNetwork

    srcs = list(supply_sources(G) if sources is None else sources)
    targets = list(consumers_of(G) if consumers is None else consumers)
    H = G.copy()
    H.add_node(SUPER_SINK, kind="virtual")
    H.add_edges_from((c, SUPER_SINK) for c in targets)
    F = FlowNetwork(H, srcs)
    total = F.max_flow(SUPER_SINK)
    out: dict[Hashable, float] = {}
    for n in (list(G) if nodes is None else nodes):
        after = F.max_flow(SUPER_SINK, removed=[n])
        out[n] = 0.0 if math.isinf(total) and math.isinf(after) else total - after
    return total, out


def stage_shares(G: nx.DiGraph, layer: str = "layer") -> dict[Hashable, float]:
    """Each node's capacity as a share of its layer's capacity.

    The layer's capacity is the sum of known capacities, or ``G.graph["world_total"]``
    when that is larger (a layer where few capacities are known is not 100 % one plant).

    >>> G = nx.DiGraph(); G.add_nodes_from([("a", {"layer": "sep", "capacity": 3}),
    ...                                      ("b", {"layer": "sep", "capacity": 1})])
    >>> stage_shares(G)
    {'a': 0.75, 'b': 0.25}
    """
    totals: dict[Any, float] = {}
    for _, d in G.nodes(data=True):
        if d.get(layer) is not None and d.get("capacity") is not None:
            totals[d[layer]] = totals.get(d[layer], 0.0) + float(d["capacity"])
    world = G.graph.get("world_total")
    if world:
        totals = {k: max(v, float(world)) for k, v in totals.items()}
    out = {}
    for n, d in G.nodes(data=True):
        cap = d.get("capacity")
        tot = totals.get(d.get(layer))
        if cap is not None and tot:
            out[n] = float(cap) / tot
    return out


def rank_chokepoints(
    G: nx.DiGraph,
    top: int | None = 10,
    sources: Iterable[Hashable] | None = None,
    consumers: Iterable[Hashable] | None = None,
    sample: int | None = None,
    flow_candidates: Iterable[Hashable] | None = None,
    seed: int | None = 0,
) -> list[Chokepoint]:
    """Rank real non-consumer nodes by the largest of their three measures.

    ``flow_candidates`` limits the max-flow removal test to those nodes (all by default);
    ``sample`` samples sources for betweenness.

    Examples
    --------
    >>> G = nx.DiGraph([("m1", "s"), ("m2", "s"), ("s", "u")])
    >>> nx.set_node_attributes(G, {"m1": 3, "m2": 1, "s": 10}, "capacity")
    >>> G.nodes["u"]["kind"] = "consumer"
    >>> [(c.id, c.measure) for c in rank_chokepoints(G, top=2)]
    [('s', 'supply_lost'), ('m1', 'supply_lost')]
    """
    srcs = list(supply_sources(G) if sources is None else sources)
    targets = list(consumers_of(G) if consumers is None else consumers)
    candidates = [n for n in G if is_real(G, n) and G.nodes[n].get("kind") != "consumer"]
    between = supply_betweenness(G, srcs, targets, sample=sample, seed=seed)
    shares = stage_shares(G)
    flow_nodes = candidates if flow_candidates is None else [n for n in flow_candidates if n in G]
    total, lost = supply_lost(G, flow_nodes, srcs, targets)
    ranked = []
    for n in candidates:
        d = G.nodes[n]
        lost_n = lost.get(n)
        lost_share = None
        if lost_n is not None and total and not math.isinf(total):
            lost_share = lost_n / total
        measures = {"supply_lost": lost_share or 0.0, "betweenness": between.get(n, 0.0),
                    "stage_share": shares.get(n, 0.0)}
        measure = max(measures, key=lambda k: (measures[k], k == "supply_lost"))
        ranked.append(Chokepoint(
            id=n, kind=str(d.get("kind", "node")), name=str(d.get("name", n)),
            country=d.get("country"), score=measures[measure], measure=measure,
            supply_lost=lost_n, supply_lost_share=lost_share, betweenness=measures["betweenness"],
            stage_share=shares.get(n), sources=tuple(d.get("sources", ())),
        ))
    ranked.sort(key=lambda c: (-c.score, -(c.supply_lost or 0.0), str(c.id)))
    return ranked if top is None else ranked[:top]
