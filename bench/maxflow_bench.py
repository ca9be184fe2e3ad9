"""Benchmark of the scenario max-flows: compiled (scipy Dinic, kg.analysis.flow) vs networkx.

A scenario as :func:`kg.analysis.scenario.run_scenario` runs it: for every consumer, the
max-flow it could draw alone, and the max-flow to all consumers together (super-sink),
before and after China's exports stop (every cross-border link out of a CN node cut) —
2 × (consumers + 1) max-flows per scenario, fewer where the exact short cuts of
:func:`~kg.analysis.scenario.shared_flows` apply (an area whose demand the joint flow meets;
an area that got nothing before gets nothing after). Synthetic layered networks like the supply
network's (mines → separators → metal → magnet plants → consumer areas; node
capacities in tonnes with three decimals, so the integer scaling to kg is exercised;
60 % of nodes in CN); 10 consumer areas, as in the real model (3 areas and a few firms).

    .venv/bin/python bench/maxflow_bench.py [--sizes 1e5,1e6] [--runs 3] [--nx-max 1e5]

networkx (preflow-push on the node-split graph, kg.analysis.paths) runs only up to
``--nx-max`` edges: at 1e6 one networkx flow takes minutes (it is ~9 s at 1e5), so the 22
flows of one scenario would take most of an hour. Both engines' results are compared where
both run. Prints a Markdown table, medians of ``--runs`` runs (networkx: 1 run).
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import time
from typing import Any

import networkx as nx

from kg.analysis.flow import FlowNetwork
from kg.analysis.paths import SUPER_SINK
from kg.analysis.paths import max_flow_per_consumer as nx_max_flow_per_consumer
from kg.analysis.scenario import Scenario, parse_restriction, restricted, shared_flows

LAYERS = ("mine", "sep", "metal", "magnet")
COUNTRIES = ("CN", "AU", "US", "MY", "JP", "DE", "VN", "BR")


def network(edges: int, consumers: int = 10, fan_in: int = 4, seed: int = 0,
            demand: bool = False) -> nx.DiGraph:
    """About ``edges`` edges: each node draws from 1–7 nodes of the layer before; each
    magnet plant sells to 1–3 consumer areas. With ``demand`` each area has a demand (its
    node capacity) of 2–6 % of the mines' total capacity, as the real areas have (the US,
    the EU and Japan use about 14 % of the world's Dy together)."""
    rng = random.Random(seed)
    per_layer = max(2, edges // (3 * fan_in + 2))
    sizes = [per_layer, per_layer, per_layer // 2 or 1, per_layer // 2 or 1]
    G = nx.DiGraph()
    prev: list[str] = []
    for layer, size in zip(LAYERS, sizes, strict=True):
        cur = [f"{layer}{i}" for i in range(size)]
        for n in cur:
            country = "CN" if rng.random() < 0.6 else rng.choice(COUNTRIES[1:])
            G.add_node(n, layer=layer, country=f"country:{country}", kind="facility",
                       source=layer == "mine", capacity=rng.randint(10_000, 1_000_000) / 1000)
            if prev:
                k = min(len(prev), rng.randint(1, 2 * fan_in - 1))
                G.add_edges_from((p, n) for p in rng.sample(prev, k))
        prev = cur
    areas = [f"area{i}" for i in range(consumers)]
    for i, a in enumerate(areas):
        G.add_node(a, kind="consumer", layer="consumer", country=f"country:{COUNTRIES[2 + i % 6]}")
    for n in prev:
        G.add_edges_from((n, a) for a in rng.sample(areas, rng.randint(1, 3)))
    if demand:
        mined = sum(d["capacity"] for _, d in G.nodes(data=True) if d.get("source"))
        for a in areas:
            G.nodes[a]["capacity"] = round(mined * rng.uniform(0.02, 0.06), 3)
    return G


def nx_shared(G: nx.DiGraph, targets: list[str], drop: list[tuple[str, str]]) -> dict[str, float]:
    """The same quantities with networkx: each consumer alone, and all together."""
    H = G.copy()
    H.remove_edges_from(drop)
    alone = nx_max_flow_per_consumer(H, targets)
    H.add_node(SUPER_SINK, kind="virtual")
    H.add_edges_from((t, SUPER_SINK) for t in targets)
    total = nx_max_flow_per_consumer(H, [SUPER_SINK])[SUPER_SINK]
    return {**alone, SUPER_SINK: total}


def timed(fn, runs: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def bench(size: int, runs: int, nx_max: int, demand: bool = False) -> dict[str, Any]:
    G = network(size, demand=demand)
    targets = [n for n, d in G.nodes(data=True) if d["kind"] == "consumer"]
    sc = Scenario("CN stop", restrictions=[parse_restriction("CN")])
    _, drop = restricted(G, sc, None)

    def ours() -> dict[str, float]:
        F = FlowNetwork(G, sink_from=targets)  # one index copy for before and after
        _, alone_b, total_b = shared_flows(G, targets, F=F)
        _, alone_a, total_a = shared_flows(G, targets, removed_edges=drop, F=F,
                                           known_zero=alone_b)
        return {"before": total_b, "after": total_a, **{f"b:{t}": v for t, v in alone_b.items()},
                **{f"a:{t}": v for t, v in alone_a.items()}}

    row: dict[str, Any] = {"demand": "yes" if demand else "no",
                           "edges": G.number_of_edges(), "nodes": G.number_of_nodes(),
                           "consumers": len(targets), "flows": 2 * (len(targets) + 1),
                           "cut": len(drop)}
    row["ours_s"], got = timed(ours, runs)
    row["nx_s"] = row["speedup"] = row["max_diff_t"] = None
    if size <= nx_max:
        def ref() -> dict[str, float]:
            b = nx_shared(G, targets, [])
            a = nx_shared(G, targets, drop)
            return {"before": b[SUPER_SINK], "after": a[SUPER_SINK],
                    **{f"b:{t}": b[t] for t in targets}, **{f"a:{t}": a[t] for t in targets}}

        row["nx_s"], want = timed(ref, 1)
        row["speedup"] = row["nx_s"] / row["ours_s"]
        row["max_diff_t"] = max(abs(got[k] - want[k]) for k in want
                                if not (math.isinf(got[k]) and math.isinf(want[k])))
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1e5,1e6")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--nx-max", type=float, default=1e5)
    ap.add_argument("--demand", choices=["no", "yes", "both"], default="both",
                    help="consumer areas with a demand (node capacity), without, or both")
    args = ap.parse_args()
    modes = {"no": [False], "yes": [True], "both": [False, True]}[args.demand]
    rows = [bench(int(float(s)), args.runs, int(args.nx_max), d)
            for s in args.sizes.split(",") for d in modes]
    cols = ["demand", "edges", "nodes", "consumers", "flows", "cut", "ours_s", "nx_s", "speedup",
            "max_diff_t"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        cells = []
        for c in cols:
            v = r[c]
            cells.append("not run" if v is None else f"{v:.3f}" if isinstance(v, float)
                         else f"{v:,}" if isinstance(v, int) else str(v))
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
