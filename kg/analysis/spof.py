"""Single points of failure: nodes on every supply path to a consumer (dominators), and redundancy.

A node ``v`` is a single point of failure (SPOF) for consumer ``c`` when every path from
any supply source to ``c`` passes through ``v``: removing ``v`` cuts ``c`` off from all
supply. These are exactly the dominators of ``c`` in the graph with a virtual
super-source feeding every source (:data:`kg.analysis.paths.SUPER_SOURCE`). One pass of
the Cooper–Harvey–Kennedy iterative algorithm gives the immediate dominator of every node,
so all consumers are answered at once by walking up the dominator tree (on a DAG one pass
in reverse postorder is final); the result agrees
with :func:`networkx.immediate_dominators` on the graph with the super-source added (the
tests check this), without copying the graph.

Redundancy is the number of node-disjoint supply routes to a consumer (local node
connectivity from the super-source), with a minimum node cut as its witness: "2
independent routes" means no single node failure cuts the consumer off, but the two cut
nodes together do.
"""

from __future__ import annotations

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
