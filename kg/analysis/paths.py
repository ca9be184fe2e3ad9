"""Supply paths and flows on a supply network: super-source, node-capacity max-flow, path evidence.

A *supply network* is a :class:`networkx.DiGraph` whose edges point the way material
flows. The analysis modules read these attributes (all optional except where said):

node attributes
    ``kind``      ``"source"`` (mine, recycler: where material enters), ``"facility"``,
                  ``"aggregate"`` (a country's stage total where no facility data exists),
                  ``"consumer"`` (end users of the supply), ``"virtual"`` (helper nodes that
                  are never reported).
    ``source``    ``True`` for nodes where supply enters (mines, recyclers). When no node
                  carries it, nodes with ``kind == "source"`` count, and failing that the
                  nodes without predecessors that are not consumers.
    ``capacity``  throughput per year (float), ``None`` or absent = unknown, treated as
                  not binding (unbounded).
    ``country``   the country id the node sits in (``country:CN``), for country-level views.
edge attributes
    ``capacity``  as for nodes; ``None`` or absent = not binding.

Node capacities are handled by splitting each node ``v`` into ``(v, "in") → (v, "out")``
with the node's capacity on the inner arc.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from itertools import islice

import networkx as nx

__all__ = [
    "SUPER_SOURCE",
    "SUPER_SINK",
    "supply_sources",
    "consumers_of",
    "with_super_source",
    "split_node_capacities",
    "max_flow",
    "max_flow_per_consumer",
    "entity_paths",
    "path_evidence",
    "is_real",
]

SUPER_SOURCE = "@supply"
SUPER_SINK = "@demand"


def is_real(G: nx.DiGraph, node: Hashable) -> bool:
    """Whether ``node`` is a real node (not a virtual helper) of ``G``.

    >>> G = nx.DiGraph([(SUPER_SOURCE, "m")])
    >>> is_real(G, "m"), is_real(G, SUPER_SOURCE)
    (True, False)
    """
    if node in (SUPER_SOURCE, SUPER_SINK):
        return False
    return G.nodes[node].get("kind") != "virtual" if node in G else True


def supply_sources(G: nx.DiGraph) -> list[Hashable]:
    """The nodes where supply enters ``G`` (see the module docstring for the rule).

    >>> G = nx.DiGraph([("m", "s"), ("s", "c")])
    >>> G.nodes["c"]["kind"] = "consumer"
    >>> supply_sources(G)
    ['m']
    """
    flagged = [n for n, d in G.nodes(data=True) if d.get("source")]
    if flagged:
        return flagged
    kinds = [n for n, d in G.nodes(data=True) if d.get("kind") == "source"]
    if kinds:
        return kinds
    return [n for n in G if G.in_degree(n) == 0 and G.nodes[n].get("kind") != "consumer"
            and is_real(G, n)]


def consumers_of(G: nx.DiGraph) -> list[Hashable]:
    """Nodes with ``kind == "consumer"``; failing that, real nodes without successors.

    >>> consumers_of(nx.DiGraph([("m", "s"), ("s", "c")]))
    ['c']
    """
    found = [n for n, d in G.nodes(data=True) if d.get("kind") == "consumer"]
    if found:
        return found
    return [n for n in G if G.out_degree(n) == 0 and is_real(G, n)]


def with_super_source(G: nx.DiGraph, sources: Iterable[Hashable] | None = None) -> nx.DiGraph:
    """A copy of ``G`` with a virtual :data:`SUPER_SOURCE` feeding every supply source.

    >>> H = with_super_source(nx.DiGraph([("m1", "c"), ("m2", "c")]))
    >>> sorted(H.successors(SUPER_SOURCE))
    ['m1', 'm2']
    """
    srcs = list(supply_sources(G) if sources is None else sources)
    missing = [s for s in srcs if s not in G]
    if missing:
        raise nx.NodeNotFound(f"source {missing[0]!r} is not in G")
    H = G.copy()
    H.add_node(SUPER_SOURCE, kind="virtual")
    H.add_edges_from((SUPER_SOURCE, s) for s in srcs)
    return H


def _cap(value: object) -> float | None:
    if value is None:
        return None
    value = float(value)  # type: ignore[arg-type]
    return None if math.isinf(value) else value


def split_node_capacities(G: nx.DiGraph) -> nx.DiGraph:
    """The node-split graph: ``(v, "in") → (v, "out")`` carries ``v``'s capacity.

    Edges ``u → v`` become ``(u, "out") → (v, "in")`` with the edge's capacity.
    Missing capacities stay missing (networkx treats them as infinite).

    >>> G = nx.DiGraph([("a", "b")]); G.nodes["b"]["capacity"] = 5
    >>> S = split_node_capacities(G)
    >>> S.edges[("b", "in"), ("b", "out")]
    {'capacity': 5.0}
    """
    S = nx.DiGraph()
    for node, data in G.nodes(data=True):
        cap = _cap(data.get("capacity"))
        attrs = {} if cap is None else {"capacity": cap}
        S.add_edge((node, "in"), (node, "out"), **attrs)
    for u, v, data in G.edges(data=True):
        cap = _cap(data.get("capacity"))
        attrs = {} if cap is None else {"capacity": cap}
        S.add_edge((u, "out"), (v, "in"), **attrs)
    return S


def _flow_value(S: nx.DiGraph, s: Hashable, t: Hashable) -> float:
    try:
        return float(nx.maximum_flow_value(S, s, t))
    except nx.NetworkXUnbounded:
        return math.inf


def max_flow(G: nx.DiGraph, target: Hashable, sources: Iterable[Hashable] | None = None) -> float:
    """Maximum supply per year that can reach ``target`` from all supply sources.

    Node and edge capacities both bind; unknown capacities do not. Returns ``inf`` when a
    path of unknown capacity runs from a source to ``target``, 0.0 when none does.

    Examples
    --------
    Two mines of 3 and 4 t/yr through a separator of 5 t/yr:

    >>> G = nx.DiGraph([("m1", "sep"), ("m2", "sep"), ("sep", "c")])
    >>> nx.set_node_attributes(G, {"m1": 3, "m2": 4, "sep": 5}, "capacity")
    >>> max_flow(G, "c", sources=["m1", "m2"])
    5.0
    """
    if target not in G:
        raise nx.NodeNotFound(f"target {target!r} is not in G")
    H = with_super_source(G, sources)
    S = split_node_capacities(H)
    return _flow_value(S, (SUPER_SOURCE, "in"), (target, "out"))


def max_flow_per_consumer(
    G: nx.DiGraph,
    consumers: Iterable[Hashable] | None = None,
    sources: Iterable[Hashable] | None = None,
) -> dict[Hashable, float]:
    """:func:`max_flow` for each consumer (each taken alone: consumers do not compete).

    The pure-Python networkx version, kept as the reference the tests and benchmarks compare
    :func:`kg.analysis.flow.max_flow_per_consumer` (compiled, what the analyses use) against.

    >>> G = nx.DiGraph([("m", "a"), ("m", "b")]); G.nodes["m"]["capacity"] = 2
    >>> max_flow_per_consumer(G, ["a", "b"], sources=["m"])
    {'a': 2.0, 'b': 2.0}
    """
    targets = list(consumers_of(G) if consumers is None else consumers)
    H = with_super_source(G, sources)
    S = split_node_capacities(H)
    return {t: _flow_value(S, (SUPER_SOURCE, "in"), (t, "out")) for t in targets}


def path_evidence(
    G: nx.DiGraph, target: Hashable, through: Hashable | None = None,
    sources: Iterable[Hashable] | None = None, limit: int = 3,
) -> list[list[Hashable]]:
    """Up to ``limit`` shortest supply paths (source → … → ``target``), optionally through a node.

    Virtual helper nodes are left out of the paths.

    >>> G = nx.DiGraph([("m1", "s"), ("m2", "s"), ("s", "c")])
    >>> path_evidence(G, "c", through="s", sources=["m1", "m2"])
    [['m1', 's', 'c'], ['m2', 's', 'c']]
    """
    H = with_super_source(G, sources)
    if not nx.has_path(H, SUPER_SOURCE, target):
        return []
    if through is not None:
        if through not in H:
            raise nx.NodeNotFound(f"node {through!r} is not in G")
        if not (nx.has_path(H, SUPER_SOURCE, through) and nx.has_path(H, through, target)):
            return []
        tail = nx.shortest_path(H, through, target)
        tail_set = set(tail)
        heads = (h for h in nx.shortest_simple_paths(H, SUPER_SOURCE, through)
                 if not tail_set & set(h[:-1]))
        paths = [head[:-1] + tail for head in islice(heads, limit)]
    else:
        paths = list(islice(nx.shortest_simple_paths(H, SUPER_SOURCE, target), limit))
    return [[n for n in p if is_real(H, n)] for p in paths]


def entity_paths(
    G: nx.Graph, source: Hashable, target: Hashable, *, max_hops: int = 4,
    avoid: Iterable[Hashable] = (), limit: int = 10,
) -> list[list[Hashable]]:
    """Shortest simple paths from ``source`` to ``target`` of at most ``max_hops`` edges,
    through no node in ``avoid``, shortest first, at most ``limit`` of them.

    ``G`` may be directed (paths follow edge direction) or undirected.

    Examples
    --------
    >>> G = nx.Graph([("mine", "sep-cn"), ("sep-cn", "magnet"), ("mine", "sep-my"), ("sep-my", "magnet")])
    >>> entity_paths(G, "mine", "magnet")
    [['mine', 'sep-cn', 'magnet'], ['mine', 'sep-my', 'magnet']]
    >>> entity_paths(G, "mine", "magnet", avoid={"sep-cn"})
    [['mine', 'sep-my', 'magnet']]
    >>> entity_paths(G, "mine", "magnet", max_hops=1)
    []
    """
    if source not in G:
        raise nx.NodeNotFound(f"source {source} is not in G")
    if target not in G:
        raise nx.NodeNotFound(f"target {target} is not in G")
    if max_hops < 1 or limit < 1:
        raise nx.NetworkXError("max_hops and limit must be at least 1")
    blocked = set(avoid) - {source, target}
    H = G.subgraph(n for n in G if n not in blocked)
    found: list[list[Hashable]] = []
    try:
        for path in nx.shortest_simple_paths(H, source, target):
            if len(path) - 1 > max_hops:
                break
            found.append(path)
            if len(found) >= limit:
                break
    except nx.NetworkXNoPath:
        return []
    return found
