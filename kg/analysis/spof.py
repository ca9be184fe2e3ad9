"""Single points of failure: nodes on every supply path to a consumer (dominators), and redundancy.

Size (~400 lines): dominators, redundancy and critical points share the carrying
subgraph and the evidence paths, so they stay in one module.

A node ``v`` is a single point of failure (SPOF) for consumer ``c`` when every path from
any supply source to ``c`` passes through ``v``: removing ``v`` cuts ``c`` off from all
supply. These are exactly the dominators of ``c`` in the graph with a virtual
super-source feeding every source (:data:`kg.analysis.paths.SUPER_SOURCE`). One pass of
the Cooper–Harvey–Kennedy iterative algorithm gives the immediate dominator of every node,
so all consumers are answered at once by walking up the dominator tree (on a DAG one pass
in reverse postorder is final); the result agrees
with :func:`networkx.immediate_dominators` on the graph with the super-source added (the
tests check this), without copying the graph.

Critical points (:func:`critical_points`) widen the net: the facilities and countries
whose loss removes at least half of a consumer's supply (compiled max-flow before and
after), with the share lost. Strict dominators hide behind any trickle of an alternative
route; this list does not.

Redundancy is the number of node-disjoint supply routes to a consumer (local node
connectivity from the super-source), with a minimum node cut as its witness: "2
independent routes" means no single node failure cuts the consumer off, but the two cut
nodes together do.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import rustworkx as rx

from kg.analysis.paths import (
    SUPER_SOURCE,
    consumers_of,
    is_real,
    path_evidence,
    supply_sources,
    with_super_source,
)

__all__ = [
    "carrying",
    "CriticalPoint",
    "critical_points",
    "supply_articulation_points",
    "SinglePoint",
    "Redundancy",
    "supply_dominators",
    "single_points_of_failure",
    "collapse_to_countries",
    "redundancy",
]


@dataclass(frozen=True)
class SinglePoint:
    """One single point of failure for one consumer, with supply paths through it as evidence."""

    id: Hashable
    kind: str
    name: str
    country: str | None
    evidence: list[list[Hashable]] = field(default_factory=list)
    sources: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": str(self.id), "type": self.kind, "name": self.name, "country": self.country,
                "evidence": [[str(n) for n in p] for p in self.evidence],
                "sources": list(self.sources)}


def supply_dominators(
    G: nx.DiGraph, sources: Iterable[Hashable] | None = None
) -> dict[Hashable, Hashable]:
    """Immediate dominator of every node reachable from the supply sources.

    The virtual super-source :data:`~kg.analysis.paths.SUPER_SOURCE` is the root: it maps
    to itself, and a node whose only dominator is the root maps to it. Nodes no source
    reaches are absent.

    Parameters
    ----------
    G : networkx.DiGraph
        Supply network, edges in the direction material flows.
    sources : iterable of nodes, optional
        Where supply enters; default :func:`~kg.analysis.paths.supply_sources`.

    Returns
    -------
    dict
        node → immediate dominator.

    Examples
    --------
    A chain: each node is dominated by the one before it.

    >>> G = nx.DiGraph([("mine", "sep"), ("sep", "magnet"), ("magnet", "user")])
    >>> supply_dominators(G, ["mine"])["user"]
    'magnet'

    A diamond: two separators, so the user is dominated only by the mine.

    >>> D = nx.DiGraph([("mine", "s1"), ("mine", "s2"), ("s1", "user"), ("s2", "user")])
    >>> supply_dominators(D, ["mine"])["user"]
    'mine'
    """
    roots = list(supply_sources(G) if sources is None else sources)
    for r in roots:
        if r not in G:
            raise nx.NodeNotFound(f"source {r!r} is not in G")
    if SUPER_SOURCE in G:
        raise nx.NetworkXError(f"G must not contain the reserved node {SUPER_SOURCE!r}")
    # rustworkx's Cooper–Harvey–Kennedy in Rust on an index copy of G, rooted at a virtual
    # super-source over all supply sources; copying costs about as much as the algorithm.
    nodes = [SUPER_SOURCE, *G]
    index = {n: i for i, n in enumerate(nodes)}
    R = rx.PyDiGraph()  # parallel edges are harmless to dominators, so no duplicate checks
    R.add_nodes_from(range(len(nodes)))
    R.extend_from_edge_list([(0, index[r]) for r in roots])
    R.extend_from_edge_list([(index[u], index[v]) for u, v in G.edges()])
    idom_ix = rx.immediate_dominators(R, 0)
    return {nodes[k]: nodes[v] for k, v in idom_ix.items()}


def _describe(G: nx.DiGraph, node: Hashable, evidence: list[list[Hashable]]) -> SinglePoint:
    data = G.nodes[node]
    return SinglePoint(
        id=node, kind=str(data.get("kind", "node")), name=str(data.get("name", node)),
        country=data.get("country"), evidence=evidence,
        sources=tuple(data.get("sources", ())),
    )


def single_points_of_failure(
    G: nx.DiGraph,
    consumers: Iterable[Hashable] | None = None,
    sources: Iterable[Hashable] | None = None,
    evidence: int = 0,
) -> dict[Hashable, list[SinglePoint]]:
    """For each consumer, the real nodes that lie on every supply path to it, upstream first.

    A consumer no source reaches has no supply at all; it maps to an empty list and
    :func:`redundancy` reports 0 routes for it.

    Parameters
    ----------
    G : networkx.DiGraph
        Supply network.
    consumers : iterable of nodes, optional
        Default :func:`~kg.analysis.paths.consumers_of`.
    sources : iterable of nodes, optional
        Default :func:`~kg.analysis.paths.supply_sources`.
    evidence : int
        Supply paths to list through each single point (0 = none, fastest).

    Examples
    --------
    >>> chain = nx.DiGraph([("mine", "sep"), ("sep", "user")])
    >>> [p.id for p in single_points_of_failure(chain, ["user"], ["mine"])["user"]]
    ['mine', 'sep']
    >>> diamond = nx.DiGraph([("m", "a"), ("m", "b"), ("a", "u"), ("b", "u"), ("m2", "a"),
    ...                       ("m2", "b")])
    >>> single_points_of_failure(diamond, ["u"], ["m", "m2"])["u"]
    []
    """
    srcs = list(supply_sources(G) if sources is None else sources)
    targets = list(consumers_of(G) if consumers is None else consumers)
    for t in targets:
        if t not in G:
            raise nx.NodeNotFound(f"consumer {t!r} is not in G")
    idom = supply_dominators(G, srcs)
    out: dict[Hashable, list[SinglePoint]] = {}
    for t in targets:
        chain: list[Hashable] = []
        if t in idom:
            node = idom[t]
            while node != SUPER_SOURCE:
                if is_real(G, node):
                    chain.append(node)
                node = idom[node]
        chain.reverse()
        out[t] = [
            _describe(G, n, path_evidence(G, t, through=n, sources=srcs, limit=evidence)
                      if evidence else [])
            for n in chain
        ]
    return out


def carrying(G: nx.DiGraph, consumers: Iterable[Hashable] | None = None) -> nx.DiGraph:
    """The part of ``G`` that can carry supply to the consumers: nodes of zero capacity
    dropped, then only nodes on some path from a supply source to a consumer kept.

    A mine with 0 t of an element or a plant no source reaches is not a route; left in, it
    would hide single points of failure (and, collapsed into its country, fake a path).

    >>> G = nx.DiGraph([("m0", "u"), ("m1", "s"), ("s", "u"), ("x", "y")])
    >>> nx.set_node_attributes(G, {"m0": 0, "m1": 5}, "capacity")
    >>> nx.set_node_attributes(G, {"m0": True, "m1": True, "x": True}, "source")
    >>> sorted(carrying(G, ["u"]))
    ['m1', 's', 'u']
    """
    targets = list(consumers_of(G) if consumers is None else consumers)
    keep = [n for n, d in G.nodes(data=True) if d.get("capacity") is None
            or float(d["capacity"]) > 0 or n in targets]
    H = G.subgraph(keep)
    srcs = [s for s in supply_sources(G) if s in H]
    down: set[Hashable] = set()
    for s in srcs:
        if s not in down:
            down |= nx.descendants(H, s) | {s}
    up: set[Hashable] = set()
    for t in targets:
        if t in H and t not in up:
            up |= nx.ancestors(H, t) | {t}
    live = (down & up) | {t for t in targets if t in H}
    return G.subgraph(live).copy()


def collapse_to_countries(G: nx.DiGraph) -> nx.DiGraph:
    """Country-level view: every node with a ``country`` becomes that country's node.

    Consumers and nodes without a country keep their own id. A country node is a supply
    source if any of its members is; its ``members`` attribute lists them. Flows inside a
    country become no edge (self-loops are dropped).

    >>> G = nx.DiGraph([("m1", "s1"), ("m2", "s1"), ("s1", "u")])
    >>> nx.set_node_attributes(G, {"m1": "country:AU", "m2": "country:CN", "s1": "country:CN"},
    ...                        "country")
    >>> G.nodes["u"]["kind"] = "consumer"; G.nodes["u"]["country"] = "country:US"
    >>> sorted(collapse_to_countries(G).edges())
    [('country:AU', 'country:CN'), ('country:CN', 'u')]
    """
    srcs = set(supply_sources(G))
    C = nx.DiGraph()

    def key(n: Hashable) -> Hashable:
        data = G.nodes[n]
        if data.get("kind") in ("consumer", "virtual") or not data.get("country"):
            return n
        return data["country"]

    for n, data in G.nodes(data=True):
        k = key(n)
        if k == n:
            C.add_node(k, **data)
            if n in srcs:
                C.nodes[k]["source"] = True
            continue
        if k not in C:
            C.add_node(k, kind="country", name=str(k).split(":", 1)[-1], country=k, members=[],
                       sources=())
        C.nodes[k]["members"].append(n)
        C.nodes[k]["sources"] = tuple(sorted(set(C.nodes[k]["sources"]) | set(data.get("sources", ()))))
        if n in srcs:
            C.nodes[k]["source"] = True
    for u, v in G.edges():
        ku, kv = key(u), key(v)
        if ku != kv:
            C.add_edge(ku, kv)
    return C


@dataclass(frozen=True)
class Redundancy:
    """Independent (node-disjoint) supply routes to a consumer and a smallest set that cuts them."""

    consumer: Hashable
    routes: int
    cut: list[Hashable]

    def to_json(self) -> dict[str, Any]:
        return {"consumer": str(self.consumer), "routes": self.routes,
                "cut": [str(n) for n in self.cut]}


def redundancy(
    G: nx.DiGraph, consumer: Hashable, sources: Iterable[Hashable] | None = None
) -> Redundancy:
    """Node-disjoint supply routes to ``consumer`` and a minimum node cut.

    Supply sources themselves may be in the cut (losing every mine cuts everything).

    Examples
    --------
    >>> diamond = nx.DiGraph([("m", "a"), ("m", "b"), ("a", "u"), ("b", "u")])
    >>> r = redundancy(diamond, "u", ["m"])
    >>> r.routes, r.cut
    (1, ['m'])
    >>> two = nx.DiGraph([("m1", "a"), ("m2", "b"), ("a", "u"), ("b", "u")])
    >>> redundancy(two, "u", ["m1", "m2"]).routes
    2
    """
    if consumer not in G:
        raise nx.NodeNotFound(f"consumer {consumer!r} is not in G")
    H = with_super_source(G, sources)
    if not nx.has_path(H, SUPER_SOURCE, consumer):
        return Redundancy(consumer, 0, [])
    if H.has_edge(SUPER_SOURCE, consumer):
        return Redundancy(consumer, 0, [consumer])
    cut = nx.minimum_node_cut(H, SUPER_SOURCE, consumer)
    return Redundancy(consumer, len(cut), sorted(cut, key=str))


def supply_articulation_points(G: nx.DiGraph, consumer: Hashable) -> list[Hashable]:
    """Articulation points of the undirected view of the part of ``G`` that can reach
    ``consumer``: nodes whose loss splits that supply network in two, whatever the
    direction of flow. A wider net than the dominators (a node can split the network
    without lying on every path *to* the consumer); real nodes only, sorted.

    Examples
    --------
    >>> G = nx.DiGraph([("m1", "sep"), ("m2", "sep"), ("sep", "magnet"), ("magnet", "c")])
    >>> supply_articulation_points(G, "c")
    ['magnet', 'sep']
    >>> G.add_edges_from([("m1", "sep2"), ("m2", "sep2"), ("sep2", "magnet")])
    >>> supply_articulation_points(G, "c")
    ['magnet']
    """
    if consumer not in G:
        raise nx.NodeNotFound(f"consumer {consumer} is not in G")
    upstream = nx.ancestors(G, consumer) | {consumer}
    U = G.subgraph(upstream).to_undirected(as_view=True)
    return sorted((n for n in nx.articulation_points(U) if n != consumer and is_real(G, n)), key=str)


@dataclass(frozen=True)
class CriticalPoint:
    """A facility or country whose loss removes at least the threshold share of a consumer's
    supply (max-flow with it, without it)."""

    id: str
    level: str  # "facility" or "country"
    name: str
    before: float
    after: float
    nodes: tuple[Hashable, ...]
    sources: tuple[str, ...] = ()

    @property
    def share_lost(self) -> float:
        if self.before <= 0 or math.isinf(self.before):
            return 0.0
        return (self.before - self.after) / self.before

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "level": self.level, "name": self.name,
                "before": None if math.isinf(self.before) else round(self.before, 3),
                "after": None if math.isinf(self.after) else round(self.after, 3),
                "share_lost": round(self.share_lost, 4), "nodes": [str(n) for n in self.nodes],
                "sources": list(self.sources)}


def critical_points(
    G: nx.DiGraph, consumer: Hashable, threshold: float = 0.5,
    sources: Iterable[Hashable] | None = None,
) -> list[CriticalPoint]:
    """Facilities (all their layer nodes together) and countries (all nodes located there)
    whose loss cuts ``consumer``'s max-flow by at least ``threshold`` of it, largest loss
    first. The consumer and virtual nodes are never candidates.

    Examples
    --------
    A trickle of 1 t beside 9 t through one separator: no dominator, but the separator is
    critical (90 % lost).

    >>> G = nx.DiGraph([("m1", "s1"), ("m2", "s2"), ("s1", "u"), ("s2", "u")])
    >>> nx.set_node_attributes(G, {"m1": 9, "m2": 1}, "capacity")
    >>> nx.set_node_attributes(G, {"m1": True, "m2": True}, "source")
    >>> single_points_of_failure(G, ["u"])["u"]
    []
    >>> [(p.id, round(p.share_lost, 2)) for p in critical_points(G, "u")]
    [('m1', 0.9), ('s1', 0.9)]
    """
    from kg.analysis.flow import FlowNetwork

    if consumer not in G:
        raise nx.NodeNotFound(f"consumer {consumer!r} is not in G")
    F = FlowNetwork(G, sources)
    before = F.max_flow(consumer)
    if before <= 0 or math.isinf(before):
        return []
    groups: dict[tuple[str, str], list[Hashable]] = {}
    names: dict[tuple[str, str], str] = {}
    for n, d in G.nodes(data=True):
        if n == consumer or not is_real(G, n) or d.get("kind") == "consumer":
            continue
        ent = str(d.get("entity") or n)
        if d.get("kind") != "aggregate":
            key = ("facility", ent)
            groups.setdefault(key, []).append(n)
            names[key] = str(d.get("name", n)).split(" (")[0]
        if d.get("country"):
            key = ("country", str(d["country"]))
            groups.setdefault(key, []).append(n)
            names[key] = str(d["country"])
    out = []
    for (level, ent), nodes in groups.items():
        after = F.max_flow(consumer, removed=nodes)
        point = CriticalPoint(ent, level, names[(level, ent)], before, after, tuple(sorted(nodes, key=str)),
                              tuple(sorted({s for n in nodes for s in G.nodes[n].get("sources", ())})))
        if point.share_lost >= threshold - 1e-12:
            out.append(point)
    out.sort(key=lambda p: (-p.share_lost, p.level != "country", p.id))
    return out
