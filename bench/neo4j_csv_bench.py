"""The CSV writer of ``rekg neo4j import`` (:mod:`kg.store.neo4j_csv`) alone, on the synthetic
graph of ``bench/neo4j_load.py`` (N nodes, 3N relationships) or on the bundled data/.

Times ``write_import_csv`` once per run (the graph is generated before the clock starts) and
prints one JSON line per run with the wall and CPU seconds of this process (on a shared
machine the CPU time is the steadier figure) and the load average; ``--sha256`` also prints the sha256 of every
file written (to check that a faster writer writes the same bytes); ``--profile`` runs it once
under cProfile and prints the top functions by cumulative and by own time.

Usage: python bench/neo4j_csv_bench.py [--nodes 100000 | --bundled] [--runs 1] [--sha256] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from kg.model import Batch  # noqa: E402
from kg.store.neo4j_csv import write_import_csv  # noqa: E402


def _batch(args: argparse.Namespace) -> Batch:
    if args.bundled:
        from kg.config import Settings
        from kg.store.base import check_batch
        from loaders import read_data

        batch = read_data(Settings().data_dir).batch
        check_batch(batch, set())
        return batch
    from neo4j_load import synthetic

    return synthetic(args.nodes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--bundled", action="store_true", help="the bundled data/ instead of the synthetic graph")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--sha256", action="store_true", help="print the sha256 of every file written")
    ap.add_argument("--profile", action="store_true", help="one run under cProfile")
    ap.add_argument("--dir", type=Path, help="write here (kept) instead of a temporary directory")
    args = ap.parse_args()
    t0 = time.perf_counter()
    batch = _batch(args)
    rows = len(batch.entities) + len(batch.claims)
    print(json.dumps({"graph": "bundled" if args.bundled else "synthetic", "nodes": len(batch.entities),
                      "relationships": len(batch.claims), "generate_s": round(time.perf_counter() - t0, 1)}),
          flush=True)
    for run in range(max(1, args.runs)):
        directory = args.dir or Path(tempfile.mkdtemp(prefix="rekg-csv-bench-"))
        shutil.rmtree(directory, ignore_errors=True)
        load = os.getloadavg()[0]
        if args.profile:
            prof = cProfile.Profile()
            t, cpu = time.perf_counter(), time.process_time()
            prof.runcall(write_import_csv, batch, directory)
            seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        else:
            t, cpu = time.perf_counter(), time.process_time()
            write_import_csv(batch, directory)
            seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        files = sorted(directory.iterdir())
        out: dict[str, object] = {
            "run": run, "write_s": round(seconds, 2), "cpu_s": round(cpu, 2), "rows_per_s": round(rows / seconds),
            "us_per_row": round(seconds / rows * 1e6, 2), "mib": round(sum(f.stat().st_size for f in files) / 2**20, 1),
            "files": len(files), "load_before": round(load, 2), "load_after": round(os.getloadavg()[0], 2)}
        if args.sha256:
            out["sha256"] = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
        print(json.dumps(out), flush=True)
        if args.profile:
            stats = pstats.Stats(prof, stream=sys.stderr).strip_dirs()
            stats.sort_stats("cumulative").print_stats(25)
            stats.sort_stats("tottime").print_stats(25)
        if not args.dir:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
