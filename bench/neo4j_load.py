"""Neo4j load benchmark: rekg's loader vs a per-row MERGE baseline vs the server's own ceiling.

A synthetic graph shaped like rekg's (facilities, firms, materials, countries, sources;
PRODUCES / OPERATES / LOCATED_IN / FEEDS / SUPPLIES claims with provenance properties) of
N nodes and 3N relationships is loaded three ways into a fresh Neo4j started for the run:

(a) rekg: ``Neo4jStore.replace_all`` — what ``rekg build`` runs: the graph as a new generation,
    UNWIND batches of 5,000 rows CREATEd in one transaction each (nodes on 2 sessions,
    relationships on one while another thread builds the next batch), then the switch; the
    node and relationship phases are timed (``store.last_load``). ``--bulk`` also times
    ``bulk_write`` (MERGE into the current generation) on a second empty database;
(b) baseline: one MERGE per row, one transaction per row, on a sample;
(c) ceiling: the same shape created server-side with ``UNWIND range(...) CREATE`` in
    ``CALL { } IN TRANSACTIONS OF 5000 ROWS`` (no data crosses the wire, no MERGE);
(d) with ``--import``, once after the runs: what ``rekg neo4j import`` does — the graph written
    as the importer's CSV files, the server stopped, ``neo4j-admin database import full`` run,
    the server started again and rekg's constraints and indexes created — each step timed, and
    the imported counts checked against the batch.

Each run clears the database, loads with rekg, clears again and runs the ceiling, so every
run has its own ratio (the machine may be busy: the load average is printed with each run).

Usage: python bench/neo4j_load.py [--nodes 1000000] [--sample 5000] [--runs 3] [--bulk] [--import]
Prints a JSON line per measurement; figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg import neo4j_server  # noqa: E402
from kg.config import Settings  # noqa: E402
from kg.model import Batch, Claim, Entity  # noqa: E402
from kg.store.neo4j import Neo4jStore  # noqa: E402

CONFIG = {"server.memory.heap.initial_size": "4g", "server.memory.heap.max_size": "4g",
          "server.memory.pagecache.size": "4g", "db.transaction.timeout": "0"}
SRC = "source:bench"


def synthetic(n_nodes: int, seed: int = 7) -> Batch:
    """N nodes (70 % facilities, 20 % firms, materials, countries) and 3N claims, built with
    ``model_construct`` (already-clean values: generation is not what is measured)."""
    rng = random.Random(seed)
    ents: list[Entity] = [Entity.model_construct(
        id=SRC, type="Source", name="bench", aliases=[], sources=[],
        properties={"url": "https://example.org/bench", "title": "bench", "published": "2025", "kind": "dataset"})]
    n_countries, n_materials = 200, 400
    n_firms = int(n_nodes * 0.2)
    n_fac = n_nodes - n_countries - n_materials - n_firms - 1
    countries = [f"country:X{i}" for i in range(n_countries)]
    for i, cid in enumerate(countries):
        ents.append(Entity.model_construct(id=cid, type="Country", name=f"Country {i}", aliases=[],
                                           sources=[SRC], properties={"iso2": cid[-2:]}))
    materials = [f"material:m{i}" for i in range(n_materials)]
    for i, mid in enumerate(materials):
        ents.append(Entity.model_construct(id=mid, type="Material", name=f"Material {i}", aliases=[],
                                           sources=[SRC], properties={"form": "oxide"}))
    firms = [f"firm:f{i}" for i in range(n_firms)]
    for i, fid in enumerate(firms):
        ents.append(Entity.model_construct(id=fid, type="Firm", name=f"Firm {i}", aliases=[f"F{i} Ltd"],
                                           sources=[SRC], properties={"kind": ["miner"]}))
    facs = [f"facility:x{i}" for i in range(n_fac)]
    for i, xid in enumerate(facs):
        ents.append(Entity.model_construct(id=xid, type="Facility", name=f"Facility {i}", aliases=[],
                                           sources=[SRC], properties={"stages": ["separation"], "status": "operating",
                                                                      "status_date": "2020"}))
    claims: list[Claim] = []

    def claim(s: str, p: str, o: str, props: dict) -> None:
        claims.append(Claim.model_construct(id=f"claim:{len(claims):016x}", subject=s, predicate=p, object=o,
                                            properties=props, sources=[SRC], confidence=1.0,
                                            valid_from="2020", valid_to=None, note=None, quote=None,
                                            span_start=None, span_end=None, extractor=None))
    target = 3 * n_nodes
    for x in facs:  # every facility: located, operated, produces
        claim(x, "LOCATED_IN", rng.choice(countries), {})
        claim(rng.choice(firms), "OPERATES", x, {})
        claim(x, "PRODUCES", rng.choice(materials),
              {"stage": "separation", "basis": "capacity", "quantity": float(rng.randint(10, 10000)),
               "quantity_unit": "t/yr", "year": 2024})
    while len(claims) < target:  # the rest: feeds between facilities, supplies between firms
        if len(claims) % 2:
            claim(rng.choice(facs), "FEEDS", rng.choice(facs), {})
        else:
            claim(rng.choice(firms), "SUPPLIES", rng.choice(firms), {"kind": "offtake"})
    return Batch(entities=ents, claims=claims)


def per_row_baseline(store: Neo4jStore, batch: Batch, sample: int) -> tuple[float, float]:
    """One MERGE per row, one transaction per row (the pattern rekg avoids)."""
    from kg.store.neo4j import _label_of, _node_props, _rel_props

    ents = batch.entities[:sample]
    t0 = time.perf_counter()
    with store._driver.session(database=store.database) as session:
        for e in ents:
            session.execute_write(lambda tx, e=e: tx.run(
                f"MERGE (n:{e.type} {{id: $id, _gen: 0}}) SET n = $props, n._gen = 0", id=e.id,
                props=_node_props(e)).consume())
    node_rate = len(ents) / (time.perf_counter() - t0)
    ids = {e.id for e in ents}
    rels = [c for c in batch.claims if c.subject in ids and c.object in ids][:sample] or batch.claims[:sample]
    t0 = time.perf_counter()
    with store._driver.session(database=store.database) as session:
        for c in rels:
            session.execute_write(lambda tx, c=c: tx.run(
                f"MATCH (a:{_label_of(c.subject)} {{id: $s, _gen: 0}}) MATCH (b:{_label_of(c.object)} {{id: $o, _gen: 0}}) "
                f"MERGE (a)-[r:{c.predicate} {{id: $id, _gen: 0}}]->(b) SET r = $props, r._gen = 0",
                s=c.subject, o=c.object, id=c.id, props=_rel_props(c)).consume())
    rel_rate = len(rels) / (time.perf_counter() - t0)
    return node_rate, rel_rate


def server_ceiling(store: Neo4jStore, n_nodes: int) -> tuple[float, float]:
    """The same shape created by the server itself, in batched transactions."""
    session = store._driver.session(database=store.database)
    t0 = time.perf_counter()
    session.run(
        "UNWIND range(0, $n - 1) AS i CALL (i) { CREATE (:Facility {id: 'facility:c' + i, name: 'Facility ' + i, "
        "stages: ['separation'], status: 'operating', status_date: '2020', sources: ['source:bench'], "
        "aliases: [], _keys: ['facility ' + i, 'facility:c' + i, 'c' + i], _sname: 'facility ' + i, "
        "_sothers: ['facility:c' + i, 'c' + i], _search: 'facility ' + i + ' | facility:c' + i + ' | c' + i, "
        "_gen: 1}) } IN TRANSACTIONS OF 5000 ROWS",
        {"n": n_nodes}).consume()
    nodes_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    session.run(
        "UNWIND range(0, 3 * $n - 1) AS i CALL (i) { MATCH (a:Facility {id: 'facility:c' + (i % $n), _gen: 1}) "
        "MATCH (b:Facility {id: 'facility:c' + ((i * 7919) % $n), _gen: 1}) "
        "CREATE (a)-[:FEEDS {id: 'claim:c' + i, sources: ['source:bench'], source_urls: ['https://example.org/bench'], "
        "confidence: 1.0, valid_from: '2020', _gen: 1}]->(b) } "
        "IN TRANSACTIONS OF 5000 ROWS", {"n": n_nodes}).consume()
    rels_s = time.perf_counter() - t0
    session.close()
    return n_nodes / nodes_s, 3 * n_nodes / rels_s


def offline_import(home: Path, batch: Batch, config: dict[str, str], heap: str) -> dict[str, object]:
    """Time ``rekg neo4j import``'s steps on ``batch`` against the (running) server of ``home``;
    leaves the server running with the imported graph."""
    from kg.store.neo4j_csv import write_import_csv

    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    files = write_import_csv(batch, home / "import" / "bench")
    steps["csv"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    neo4j_server.stop(home)
    steps["stop"] = time.perf_counter() - t0
    _, steps["import"] = neo4j_server.import_full(home, [p for ps in files.nodes.values() for p in ps],
                                                  [p for ps in files.relationships.values() for p in ps], heap=heap)
    t0 = time.perf_counter()
    info = neo4j_server.start(home, auth=False, config=config, timeout=600)
    steps["start"] = time.perf_counter() - t0
    store = Neo4jStore.from_settings(Settings(neo4j_uri=info.uri, neo4j_password="x"))
    try:
        t0 = time.perf_counter()
        store.ensure_schema()
        steps["schema"] = time.perf_counter() - t0
        stats = store.stats()
    finally:
        store.close()
    got_nodes = sum(stats.entities.values())
    if got_nodes != len(batch.entities) or stats.claims != len(batch.claims):
        raise SystemExit(f"import lost rows: {got_nodes} nodes, {stats.claims} relationships read back")
    total = sum(steps.values())
    return {"offline_import": {
        "nodes": got_nodes, "rels": stats.claims,
        "steps_s": {k: round(v, 1) for k, v in steps.items()}, "total_s": round(total, 1),
        "importer_rows_per_s": round((got_nodes + stats.claims) / steps["import"]),
        "end_to_end_rows_per_s": round((got_nodes + stats.claims) / total),
        "loadavg_1m": round(os.getloadavg()[0], 1)}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3, help="0: no load runs (with --import: the import alone)")
    ap.add_argument("--bulk", action="store_true", help="also time bulk_write (MERGE) in each run")
    ap.add_argument("--memory", default="4g", help="heap and page cache of the server started for the run")
    ap.add_argument("--warmup-nodes", type=int, default=0,
                    help="before the runs, one unrecorded build and ceiling of this many nodes (a cold JVM "
                         "would otherwise charge its JIT warm-up to run 1's build, which goes first)")
    ap.add_argument("--import", dest="offline", action="store_true",
                    help="also time `rekg neo4j import`'s steps (neo4j-admin import full) once, after the runs")
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="rekg-bench-neo4j-"))
    config = CONFIG | {"server.memory.heap.initial_size": args.memory, "server.memory.heap.max_size": args.memory,
                       "server.memory.pagecache.size": args.memory}
    info = neo4j_server.start(home, auth=False, config=config, timeout=600)
    try:
        store = Neo4jStore.from_settings(Settings(neo4j_uri=info.uri, neo4j_password="x"))
        t0 = time.perf_counter()
        batch = synthetic(args.nodes)
        gen = time.perf_counter() - t0
        print(json.dumps({"generated": {"nodes": len(batch.entities), "rels": len(batch.claims), "seconds": round(gen, 1)}}), flush=True)
        if args.warmup_nodes:
            store.clear()
            store.ensure_schema()
            store.replace_all(synthetic(args.warmup_nodes, seed=11))
            store.clear()
            store.ensure_schema()
            server_ceiling(store, args.warmup_nodes)
            print(json.dumps({"warmed_up": {"nodes": args.warmup_nodes}}), flush=True)
        ratios = []
        for run in range(1, args.runs + 1):
            store.clear()
            store.ensure_schema()
            load_before = os.getloadavg()[0]
            store.replace_all(batch)
            phases = dict(store.last_load)
            rekg_n = len(batch.entities) / phases["nodes"]
            rekg_r = len(batch.claims) / phases["relationships"]
            line: dict[str, object] = {"run": run, "rekg_build": {
                "nodes_per_s": round(rekg_n), "rels_per_s": round(rekg_r),
                "phases_s": {k: round(v, 2) for k, v in phases.items()}}}
            if args.bulk:
                store.clear()
                store.ensure_schema()
                store.bulk_write(batch, check=False)
                line["rekg_bulk_write"] = {"nodes_per_s": round(len(batch.entities) / store.last_load["nodes"]),
                                           "rels_per_s": round(len(batch.claims) / store.last_load["relationships"])}
            store.clear()
            store.ensure_schema()
            ceil_n, ceil_r = server_ceiling(store, args.nodes)
            line["server_create"] = {"nodes_per_s": round(ceil_n), "rels_per_s": round(ceil_r)}
            line["vs_ceiling"] = {"nodes": round(rekg_n / ceil_n, 2), "rels": round(rekg_r / ceil_r, 2)}
            line["loadavg_1m"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
            ratios.append((rekg_n, rekg_r))
            print(json.dumps(line), flush=True)
        if ratios:  # --runs 0: only the offline import (with --import)
            store.clear()
            store.ensure_schema()
            base_n, base_r = per_row_baseline(store, batch, args.sample)
            print(json.dumps({"per_row_merge": {"sample": args.sample, "nodes_per_s": round(base_n),
                                                "rels_per_s": round(base_r), "loadavg_1m": round(os.getloadavg()[0], 1)}}),
                  flush=True)
            rekg_n = statistics.median(r[0] for r in ratios)
            rekg_r = statistics.median(r[1] for r in ratios)
            print(json.dumps({"summary": {
                "nodes": args.nodes, "rels": 3 * args.nodes,
                "median_rekg_nodes_per_s": round(rekg_n), "median_rekg_rels_per_s": round(rekg_r),
                "vs_per_row_nodes": round(rekg_n / base_n, 1), "vs_per_row_rels": round(rekg_r / base_r, 1)}}), flush=True)
        store.close()
        if args.offline:
            print(json.dumps(offline_import(home, batch, config, args.memory)), flush=True)
    finally:
        neo4j_server.stop(home)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
