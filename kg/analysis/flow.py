"""Compiled max-flow on a supply network: :func:`scipy.sparse.csgraph.maximum_flow` (Dinic, in C).

networkx's preflow-push is pure Python (about 9 s per flow at 1e5 edges); every scenario,
critical-point and chokepoint question asks for many flows on the same network, so
:class:`FlowNetwork` makes one index copy of it and answers each question by changing
arc capacities only. networkx stays the reference implementation in the tests
(:func:`kg.analysis.paths.max_flow`).

- **Node capacities** by node splitting: ``in(v) → out(v)`` carries ``v``'s capacity; an
  edge ``u → v`` becomes ``out(u) → in(v)``; a virtual super-source feeds every supply
  source.
- **Integer capacities.** scipy needs int32 capacities, so tonnes are scaled to integer
  units: kilograms (``scale = 1000``) unless the network's finite capacities add up to
  more than about a million tonnes, then coarser (``G.graph`` records nothing; the
  :attr:`FlowNetwork.scale` says). Results are converted back to tonnes, so a result is
  exact to 1/scale t (1 kg).
- **Unknown capacity** (None) is "not binding": an arc of capacity ``BIG`` (2³¹ − 1
  units). A flow of at least ``BIG`` can only pass along a path of unknown capacities and
  is returned as ``inf``, as networkx would report an unbounded flow.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

from kg.analysis.paths import consumers_of, supply_sources

__all__ = ["FlowNetwork", "BIG", "SINK", "max_flow_per_consumer"]

BIG = 2**31 - 1
#: target meaning "the super-sink behind ``sink_from``" in :meth:`FlowNetwork.max_flow`
SINK = object()


class FlowNetwork:
    """One supply network as index arrays, for many max-flows with different removals.

    Examples
    --------
    Two mines of 3 and 4 t/yr through a separator of 5 t/yr:

    >>> G = nx.DiGraph([("m1", "sep"), ("m2", "sep"), ("sep", "c")])
    >>> nx.set_node_attributes(G, {"m1": 3, "m2": 4, "sep": 5}, "capacity")
    >>> F = FlowNetwork(G, sources=["m1", "m2"])
    >>> F.max_flow("c"), F.max_flow("c", removed=["m2"])
    (5.0, 3.0)
    """

    def __init__(self, G: nx.DiGraph, sources: Iterable[Hashable] | None = None,
                 scale: float | None = None, sink_from: Iterable[Hashable] = ()) -> None:
        srcs = list(supply_sources(G) if sources is None else sources)
        self.nodes = list(G)
        self.index = {n: i for i, n in enumerate(self.nodes)}
        n = len(self.nodes)
        # a virtual super-sink (target :data:`SINK`) behind ``sink_from``, without copying G
        self.n_vertices = 2 * n + 2
        self.source_vertex = 2 * n
        self.sink_vertex = 2 * n + 1
        caps_t: list[float | None] = []
        rows: list[int] = []
        cols: list[int] = []
        for i, node in enumerate(self.nodes):
            rows.append(2 * i)
            cols.append(2 * i + 1)
            caps_t.append(_cap(G.nodes[node].get("capacity")))
        self.n_node_arcs = n
        for u, v, data in G.edges(data=True):
            rows.append(2 * self.index[u] + 1)
            cols.append(2 * self.index[v])
            caps_t.append(_cap(data.get("capacity")))
        for s in srcs:
            if s not in self.index:
                raise nx.NodeNotFound(f"source {s!r} is not in G")
            rows.append(self.source_vertex)
            cols.append(2 * self.index[s])
            caps_t.append(None)
        for t in sink_from:
            rows.append(2 * self.index[t] + 1)
            cols.append(self.sink_vertex)
            caps_t.append(None)
        finite = sum(c for c in caps_t if c is not None)
        if scale is None:
            scale = 1000.0
            while finite * scale > BIG / 4 and scale > 1e-6:
                scale /= 10.0
        self.scale = scale
        caps = np.array([BIG if c is None else min(BIG, int(round(c * scale))) for c in caps_t],
                        dtype=np.int32)
        self.rows = np.asarray(rows, dtype=np.int32)
        self.cols = np.asarray(cols, dtype=np.int32)
        # one CSR structure for every query; ``order`` maps arcs to CSR positions
        M = csr_matrix((np.arange(1, len(caps) + 1, dtype=np.int64), (self.rows, self.cols)),
                       shape=(self.n_vertices, self.n_vertices))
        M.sum_duplicates()
        self._indptr, self._indices = M.indptr, M.indices
        self._order = M.data.astype(np.int64)  # arc id + 1 (one per position, duplicates summed)
        self._dups = len(self._order) != len(caps)
        self.caps = caps
        self._arc_of_edge = {(u, v): self.n_node_arcs + k for k, (u, v) in enumerate(G.edges())}

    def _matrix(self, caps: np.ndarray) -> csr_matrix:
        if self._dups:
            M = csr_matrix((caps.astype(np.int64), (self.rows, self.cols)),
                           shape=(self.n_vertices, self.n_vertices))
            M.sum_duplicates()
            M.data = np.minimum(M.data, BIG).astype(np.int32)
            return M
        data = caps[self._order - 1]
        return csr_matrix((data, self._indices, self._indptr),
                          shape=(self.n_vertices, self.n_vertices))

    def capacities(self, removed: Iterable[Hashable] = (),
                   removed_edges: Iterable[tuple[Hashable, Hashable]] = ()) -> np.ndarray:
        """Arc capacities with the given nodes and edges set to 0."""
        caps = self.caps.copy()
        for node in removed:
            i = self.index.get(node)
            if i is not None:
                caps[i] = 0
        for e in removed_edges:
            k = self._arc_of_edge.get(e)
            if k is not None:
                caps[k] = 0
        return caps

    def max_flow(self, target: Hashable, removed: Iterable[Hashable] = (),
                 removed_edges: Iterable[tuple[Hashable, Hashable]] = (),
                 caps: np.ndarray | None = None) -> float:
        """Max-flow (t/yr) from every supply source to ``target`` (``inf`` when unbounded)."""
        if target is not SINK and target not in self.index:
            raise nx.NodeNotFound(f"target {target!r} is not in G")
        if caps is None:
            caps = self.capacities(removed, removed_edges)
        t = self.sink_vertex if target is SINK else 2 * self.index[target] + 1
        value = int(maximum_flow(self._matrix(caps), self.source_vertex, t,
                                 method="dinic").flow_value)
        if value >= BIG:
            return math.inf
        return value / self.scale

    def sink_flows(self, caps: np.ndarray) -> tuple[float, dict[Hashable, float]]:
        """One maximum flow to the super-sink: its value and the flow that reaches it from
        each node of ``sink_from`` (t/yr; ``inf`` total when unbounded).

        A consumer whose arc carries its whole capacity (its demand) in this flow could
        draw no more alone: :func:`kg.analysis.scenario.shared_flows` then skips its own
        max-flow.
        """
        res = maximum_flow(self._matrix(caps), self.source_vertex, self.sink_vertex,
                           method="dinic")
        value = int(res.flow_value)
        if value >= BIG:
            return math.inf, {}
        flow = res.flow.tocsc()[:, self.sink_vertex].toarray().ravel()
        per = {node: float(flow[2 * i + 1]) / self.scale for node, i in self.index.items()
               if flow[2 * i + 1] > 0}
        return value / self.scale, per

    def node_capacity(self, node: Hashable, caps: np.ndarray) -> float | None:
        """The node's capacity in ``caps`` (t/yr), None when unbounded."""
        c = int(caps[self.index[node]])
        return None if c >= BIG else c / self.scale

    def node_flows(self, target: Hashable, removed: Iterable[Hashable] = ()) -> dict[Hashable, float]:
        """Flow through each node (t/yr) in one maximum flow to ``target``.

        One of possibly many maximum flows; used to read where supply passes (e.g. how
        much of an element each separator handles when every separator feeds a sink).
        """
        caps = self.capacities(removed)
        t = 2 * self.index[target] + 1
        res = maximum_flow(self._matrix(caps), self.source_vertex, t, method="dinic")
        flow = res.flow.tocsr()
        out = {}
        for i, node in enumerate(self.nodes):
            v = float(flow[2 * i, 2 * i + 1])
            if v > 0:
                out[node] = v / self.scale
        return out

    def max_flow_many(self, targets: Iterable[Hashable], removed: Iterable[Hashable] = (),
                      removed_edges: Iterable[tuple[Hashable, Hashable]] = ()) -> dict[Hashable, float]:
        """:meth:`max_flow` for each target (each alone) with the same removals."""
        caps = self.capacities(removed, removed_edges)
        return {t: self.max_flow(t, caps=caps) for t in targets}


def _cap(value: object) -> float | None:
    if value is None:
        return None
    v = float(value)  # type: ignore[arg-type]
    return None if math.isinf(v) else max(0.0, v)


def max_flow_per_consumer(
    G: nx.DiGraph, consumers: Iterable[Hashable] | None = None,
    sources: Iterable[Hashable] | None = None,
) -> dict[Hashable, float]:
    """Max-flow to each consumer taken alone, compiled (see :class:`FlowNetwork`).

    >>> G = nx.DiGraph([("m", "a"), ("m", "b")]); G.nodes["m"]["capacity"] = 2
    >>> max_flow_per_consumer(G, ["a", "b"], sources=["m"])
    {'a': 2.0, 'b': 2.0}
    """
    targets = list(consumers_of(G) if consumers is None else consumers)
    if not targets:
        return {}
    return FlowNetwork(G, sources).max_flow_many(targets)
