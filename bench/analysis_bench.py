"""Benchmark of kg.analysis on synthetic layered supply networks (mines → separators → metal
→ magnet → consumers), 1e3 to 1e6 edges: SPOF for all consumers (ours, networkx, igraph,
rustworkx side by side), chokepoint ranking (sampled betweenness, with its error against
exact on a smaller graph) and a scenario (max-flow per consumer before/after).

    .venv/bin/python bench/analysis_bench.py [--sizes 1e3,1e4,1e5,1e6] [--runs 3]

Prints a Markdown table (median of the runs; peak memory by tracemalloc in a separate run).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import networkx as nx

from kg.analysis.chokepoints import supply_betweenness, supply_lost
from kg.analysis.paths import SUPER_SOURCE, max_flow_per_consumer, with_super_source
from kg.analysis.scenario import Scenario, apply_scenario, parse_restriction
from kg.analysis.spof import single_points_of_failure, supply_dominators

LAYERS = ("mine", "sep", "metal", "magnet", "consumer")
COUNTRIES = ("CN", "AU", "US", "MY", "JP", "DE", "VN", "BR")


def layered_network(edges: int, fan_in: int = 4, seed: int = 0) -> nx.DiGraph:
    """A layered supply DAG with about ``edges`` edges: each node of a layer draws from
    ``fan_in`` random nodes of the layer before (fewer nodes downstream)."""
    rng = random.Random(seed)
    per_layer = max(2, edges // (3 * fan_in))  # ≈ 12 p edges in all
    sizes = [per_layer, per_layer, per_layer // 2 or 1, per_layer // 2 or 1, per_layer]
    G = nx.DiGraph()
    prev: list[str] = []
    for layer, size in zip(LAYERS, sizes, strict=True):
        cur = [f"{layer}{i}" for i in range(size)]
        for n in cur:
            country = "CN" if rng.random() < 0.6 else rng.choice(COUNTRIES[1:])
            G.add_node(n, layer=layer, country=f"country:{country}",
                       kind="consumer" if layer == "consumer" else "facility",
                       source=layer == "mine", capacity=None if layer == "consumer"
                       else float(rng.randint(10, 1000)))
            if prev:
                k = min(len(prev), rng.randint(1, 2 * fan_in - 1))
                G.add_edges_from((p, n) for p in rng.sample(prev, k))
        prev = cur
    return G


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def peak_mib(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def igraph_dominators(G: nx.DiGraph) -> Callable[[], Any]:
    import igraph as ig

    nodes = [SUPER_SOURCE, *G]
    index = {n: i for i, n in enumerate(nodes)}
    edges = [(0, index[s]) for s, d in G.nodes(data=True) if d.get("source")]
    edges += [(index[u], index[v]) for u, v in G.edges()]
    g = ig.Graph(n=len(nodes), edges=edges, directed=True)
    return lambda: g.dominator(0, mode="out")


def rustworkx_dominators(G: nx.DiGraph) -> Callable[[], Any]:
    import rustworkx as rx

    g = rx.PyDiGraph()
    ids = g.add_nodes_from([SUPER_SOURCE, *G])
    index = dict(zip([SUPER_SOURCE, *G], ids, strict=True))
    edges = [(0, index[s], None) for s, d in G.nodes(data=True) if d.get("source")]
    edges += [(index[u], index[v], None) for u, v in G.edges()]
    g.add_edges_from(edges)
    return lambda: rx.immediate_dominators(g, 0)


def bench(size: int, runs: int) -> dict[str, Any]:
    G = layered_network(size)
    consumers = [n for n, d in G.nodes(data=True) if d["kind"] == "consumer"]
    sources = [n for n, d in G.nodes(data=True) if d.get("source")]
    row: dict[str, Any] = {"edges": G.number_of_edges(), "nodes": G.number_of_nodes(),
                           "consumers": len(consumers)}
    spof = lambda: single_points_of_failure(G, consumers, sources)  # noqa: E731
    row["spof_s"], _ = timed(spof, runs)
    row["spof_mib"] = peak_mib(spof)
    row["dom_ours_s"], _ = timed(lambda: supply_dominators(G, sources), runs)
    if size <= 100_000:
        H = with_super_source(G, sources)
        row["dom_nx_s"], _ = timed(lambda: nx.immediate_dominators(H, SUPER_SOURCE), runs)
    else:
        row["dom_nx_s"] = None
    row["dom_igraph_s"], _ = timed(igraph_dominators(G), runs)
    row["dom_rustworkx_s"], _ = timed(rustworkx_dominators(G), runs)
    k = min(len(sources), 64)
    row["betweenness_sample"] = k
    row["betweenness_s"], _ = timed(lambda: supply_betweenness(G, sources, consumers, sample=k,
                                                               seed=1), runs)
    # scenario: China stops exports; max-flow for 5 consumers before and after
    some = consumers[:5]
    sc = Scenario("CN stop", restrictions=[parse_restriction("CN")])

    def scenario() -> Any:
        before = max_flow_per_consumer(G, some, sources)
        after = max_flow_per_consumer(apply_scenario(G, sc, None), some, sources)
        return before, after

    if size <= 100_000:
        row["scenario_s"], _ = timed(scenario, 1 if size >= 100_000 else runs)
        flow_nodes = [n for n in G if G.nodes[n]["layer"] == "sep"][:10]
        row["supply_lost_10_s"], _ = timed(lambda: supply_lost(G, flow_nodes, sources, consumers), 1)
    else:
        row["scenario_s"] = row["supply_lost_10_s"] = None
    return row


def sampling_error(size: int = 10_000, samples: tuple[int, ...] = (16, 64, 256)) -> list[str]:
    G = layered_network(size, seed=3)
    consumers = [n for n, d in G.nodes(data=True) if d["kind"] == "consumer"]
    sources = [n for n, d in G.nodes(data=True) if d.get("source")]
    exact = supply_betweenness(G, sources, consumers)
    top = sorted(exact, key=exact.get, reverse=True)[:20]
    lines = [f"Sampled betweenness vs exact on {G.number_of_edges():,} edges, "
             f"{len(sources)} sources (top-20 nodes by exact value):", ""]
    for k in samples:
        est = supply_betweenness(G, sources, consumers, sample=k, seed=7)
        errs = [abs(est[n] - exact[n]) / exact[n] for n in top if exact[n]]
        overlap = len(set(top) & set(sorted(est, key=est.get, reverse=True)[:20]))
        lines.append(f"- sample {k}: median relative error {100 * statistics.median(errs):.1f}%, "
                     f"max {100 * max(errs):.1f}%, top-20 overlap {overlap}/20")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1e3,1e4,1e5,1e6")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    rows = [bench(int(float(s)), args.runs) for s in args.sizes.split(",")]
    cols = ["edges", "nodes", "consumers", "spof_s", "spof_mib", "dom_ours_s", "dom_nx_s",
            "dom_igraph_s", "dom_rustworkx_s", "betweenness_sample", "betweenness_s",
            "scenario_s", "supply_lost_10_s"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        cells = []
        for c in cols:
            v = r[c]
            cells.append("–" if v is None else f"{v:.3f}" if isinstance(v, float) else f"{v:,}")
        print("| " + " | ".join(cells) + " |")
    print()
    print("\n".join(sampling_error()))


if __name__ == "__main__":
    main()
