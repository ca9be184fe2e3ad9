"""Where a Neo4j read spends the API process's CPU: the official Python driver's fixed cost per
query against rekg's own reads, and what that leaves of the bare endpoint's throughput.

A throw-away Neo4j is started and the bundled data built into it; then, in this process, each
of these is called sequentially (after a warm-up) and timed by wall clock and by this
process's CPU time (``time.process_time``: what the API worker would spend, whatever the JVM
does on the other core):

- ``driver: RETURN 1`` — a session from the pool and ``RETURN 1``: the driver's floor per query;
- ``store.show`` — ``GET /entities/{id}``'s store call (one round trip, converted records);
- ``store.search`` — ``GET /search``'s store call (full-text candidates, shared ranking);
- ``embedded show`` / ``embedded search`` — the same calls on the embedded store.

The last line turns the CPU figures into a bound: a one-worker API that spends ``c_bare`` ms of
CPU per bare request (from ``--bare-rps``, the bare endpoint's saturated req/s measured by
``bench/api_load.py``) and ``c_bare + c_store`` per store request cannot serve more than
``c_bare / (c_bare + c_store)`` of the bare req/s, however fast the server answers.

Usage: python bench/read_path.py [--calls 500] [--bare-rps 2627]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import neo4j  # noqa: E402

from kg import neo4j_server  # noqa: E402
from kg.config import Settings  # noqa: E402
from kg.store.memory import MemoryStore  # noqa: E402
from kg.store.neo4j import Neo4jStore  # noqa: E402


def timed(fn: Callable[[], object], calls: int) -> dict[str, float]:
    for _ in range(min(100, calls)):
        fn()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(calls):
        fn()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {"wall_ms": round(1000 * wall / calls, 3), "cpu_ms": round(1000 * cpu / calls, 3),
            "loadavg_1m": round(os.getloadavg()[0], 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=500)
    ap.add_argument("--bare-rps", type=float, default=None,
                    help="the bare endpoint's saturated req/s (bench/api_load.py), for the bound")
    args = ap.parse_args()
    import loaders

    batch = loaders.read_data(Settings().data_dir).batch
    home = Path(tempfile.mkdtemp(prefix="rekg-bench-read-"))
    info = neo4j_server.start(home / "neo4j", auth=False, timeout=600, config={"db.transaction.timeout": "0"})
    try:
        store = Neo4jStore.from_settings(Settings(neo4j_uri=info.uri, neo4j_password="x"))
        store.replace_all(batch)
        memory = MemoryStore(home / "graph.json")
        memory.replace_all(batch)
        driver = neo4j.GraphDatabase.driver(info.uri, auth=None)

        def return_1() -> None:
            with driver.session() as session:
                list(session.run("RETURN 1"))

        results: dict[str, dict[str, float]] = {}
        for label, fn in (("driver: RETURN 1", return_1),
                          ("neo4j store.show", lambda: store.show("facility:mount-weld")),
                          ("neo4j store.search", lambda: store.search("lynas")),
                          ("embedded store.show", lambda: memory.show("facility:mount-weld")),
                          ("embedded store.search", lambda: memory.search("lynas"))):
            results[label] = timed(fn, args.calls)
            print(json.dumps({"call": label, "calls": args.calls} | results[label]), flush=True)
        if args.bare_rps:
            c_bare = 1000 / args.bare_rps
            bound = {label: round(c_bare / (c_bare + r["cpu_ms"]), 2) for label, r in results.items()}
            print(json.dumps({"bare_cpu_ms_per_request": round(c_bare, 3),
                              "max_fraction_of_bare_one_worker": bound}), flush=True)
        driver.close()
        store.close()
    finally:
        neo4j_server.stop(home / "neo4j")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
