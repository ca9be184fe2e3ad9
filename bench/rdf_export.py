"""Benchmark: N-Triples export of a synthetic graph, against rdflib's serializer.

    .venv/bin/python bench/rdf_export.py --entities 1000000 --runs 3
    .venv/bin/python bench/rdf_export.py --entities 100000 --runs 3 --rdflib

Each measurement runs in a fresh subprocess so its peak RSS (``ru_maxrss``) is its
own. The synthetic store generates its records on the fly through the Store
interface (nothing is held in memory), so the exporter's memory is what the peak
shows. Modes:

- ``rekg``: the records are built in memory first (as an in-memory store holds them;
  not timed), then ``kg.rdf.export.write_ntriples`` (sorted, deduplicated, chunked)
  writes them to a file. Peak RSS minus the RSS before the export is the exporter's own
  memory (``export_mib``);
- ``rekg-stream``: the same export straight from the generating store, records made on
  the fly (timed, with the generation): the whole process's peak RSS should stay flat
  whatever the graph's size;
- ``rdflib``: parse rekg's N-Triples of the same graph into an ``rdflib.Graph``
  (not timed), then time ``Graph.serialize(format="nt")`` to a file (unsorted). Peak RSS
  is mostly the graph itself.
- ``rekg-ttl``, ``rekg-jsonld``: the whole export in that format (``kg.rdf.export.export``:
  sort, description, then the format), from records held in memory.

Serialiser modes (issue 19: a library where one does the job). Each starts from the sorted,
duplicate-free N-Triples of the graph (written first, not timed) — the stream the export
hands to the Turtle and JSON-LD step — and times only that step:

- ``ttl-oxigraph``: ``pyoxigraph.serialize(..., format=TURTLE, prefixes=...)`` (what the
  export uses);
- ``ttl-hand``: the hand-written Turtle writer the export used before (vendored below from
  ``kg/rdf/export.py`` at fdfa7af), fed the same stream as descriptions
  (``kg.rdf.serializers.read_sorted``);
- ``ttl-hand-describe``: that writer as it ran before, straight from the records'
  descriptions (no sort: faster, but it repeated statements);
- ``jsonld-oxigraph``: ``pyoxigraph.serialize(..., format=JSON_LD, prefixes=...)``;
- ``jsonld-hand``: ``kg.rdf.serializers.write_jsonld`` over ``read_sorted`` (what the export
  uses: it writes rekg's context terms).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.errors import StoreError  # noqa: E402
from kg.model import Batch, Claim, Entity  # noqa: E402
from kg.store.base import SearchHit, Store, WriteResult  # noqa: E402

STAGES = ["mining", "concentration", "separation", "metal", "alloy", "magnet"]
SOURCES = 100


class SyntheticStore(Store):
    """A read-only store of ``n`` generated entities (a third each: facility, firm, material)
    and two claims per facility (firm OPERATES facility, facility PRODUCES material)."""

    kind = "synthetic"

    def __init__(self, n: int) -> None:
        self.n = n - n % 3

    def _entity(self, i: int) -> Entity:
        k, kind = divmod(i, 3)
        src = [f"source:s{k % SOURCES}"]
        if kind == 0:
            return Entity.model_construct(
                id=f"facility:f{k}", type="Facility", name=f"Facility {k}", aliases=[f"Plant {k}"],
                properties={"stages": [STAGES[k % 6]], "status": "operating",
                            "status_date": str(1990 + k % 35), "location": f"Town {k % 977}, \"Region\"",
                            "latitude": -30.0 + (k % 600) / 10, "longitude": 120.0 + (k % 300) / 7,
                            "qid": f"Q{100000 + k}"},
                sources=src)
        if kind == 1:
            return Entity.model_construct(
                id=f"firm:c{k}", type="Firm", name=f"Company {k} Ltd", aliases=[],
                properties={"legal_name": f"Company {k} Holdings Limited", "kind": ["miner"],
                            "website": f"https://example.com/c{k}"},
                sources=src)
        return Entity.model_construct(
            id=f"material:m{k}", type="Material", name=f"Material {k}", aliases=[],
            properties={"form": "oxide", "stage": STAGES[k % 6]}, sources=src)

    def entities(self, type: str | None = None) -> Iterator[Entity]:
        for s in range(SOURCES):
            yield Entity.model_construct(
                id=f"source:s{s}", type="Source", name=f"Source {s}", aliases=[],
                properties={"url": f"https://example.org/{s}", "title": f"Report {s}",
                            "published": "2025-01", "kind": "dataset"}, sources=[])
        for i in range(self.n):
            yield self._entity(i)

    def claims(self, subject: str | None = None, predicate: str | None = None,
               object: str | None = None, as_of: str | None = None) -> Iterator[Claim]:
        for k in range(self.n // 3):
            src = [f"source:s{k % SOURCES}"]
            yield Claim.model_construct(
                id=f"claim:o{k:015x}", subject=f"firm:c{k}", predicate="OPERATES",
                object=f"facility:f{k}", properties={}, sources=src, confidence=1.0,
                valid_from=str(1990 + k % 35))
            yield Claim.model_construct(
                id=f"claim:p{k:015x}", subject=f"facility:f{k}", predicate="PRODUCES",
                object=f"material:m{k}",
                properties={"stage": STAGES[k % 6], "basis": "production",
                            "quantity": float(k % 10000) + 0.5, "quantity_unit": "t REO",
                            "year": 2024},
                sources=src, confidence=0.9, valid_from="2024", valid_to="2024-12-31",
                note="synthetic")

    # The rest of the Store interface: this store is generated, not written.
    def write(self, batch: Batch) -> WriteResult:
        raise StoreError("the synthetic benchmark store is read-only")

    def replace_all(self, batch: Batch) -> WriteResult:
        raise StoreError("the synthetic benchmark store is read-only")

    def get(self, entity_id: str) -> Entity | None:
        return next((e for e in self.entities() if e.id == entity_id), None)

    def existing(self, ids: Iterable[str]) -> set[str]:
        wanted = set(ids)
        return {e.id for e in self.entities() if e.id in wanted}

    def lookup(self, name: str, type: str | None = None) -> list[str]:
        return [e.id for e in self.entities(type) if e.name == name]

    def search(self, query: str, type: str | None = None, limit: int = 20) -> list[SearchHit]:
        return []


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    times = os.times()
    return times.user + times.system


def _current_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def _ttl_hand(descriptions: Iterable, out, vocab) -> int:  # noqa: ANN001
    """The hand-written Turtle writer of kg/rdf/export.py at fdfa7af (before pyoxigraph)."""
    from kg.rdf.serializers import _escape

    type_ = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    xsd_string = "http://www.w3.org/2001/XMLSchema#string"

    def iri(value: str) -> str:
        return vocab.qname(value) or f"<{value}>"

    def obj(value) -> str:  # noqa: ANN001
        if type(value) is str:
            return iri(value)
        lexical, datatype = value
        if datatype is None or datatype == xsd_string:
            return f'"{_escape(lexical)}"'
        return f'"{_escape(lexical)}"^^{iri(datatype)}'

    for prefix, ns in vocab.prefixes.items():
        out.write(f"@prefix {prefix}: <{ns}> .\n")
    written = 0
    for subject, pairs in descriptions:
        grouped: dict[str, list[str]] = {}
        for pred, o in pairs:
            grouped.setdefault(pred, []).append(obj(o))
        parts = [f"{'a' if pred == type_ else iri(pred)} {', '.join(objs)}"
                 for pred, objs in grouped.items()]
        out.write(f"\n{iri(subject)} " + " ;\n    ".join(parts) + " .\n")
        written += len(pairs)
    return written


SERIALISER_MODES = ("ttl-oxigraph", "ttl-hand", "ttl-hand-describe", "jsonld-oxigraph",
                    "jsonld-hand")


def serialiser(mode: str, store: SyntheticStore, out: Path, chunk: int) -> dict:
    import pyoxigraph as ox

    from kg.rdf.export import write_ntriples
    from kg.rdf.namespace import vocab_for
    from kg.rdf.serializers import read_sorted, write_jsonld
    from kg.rdf.triples import describe

    vocab = vocab_for()
    source = out.with_suffix(".sorted.nt")
    with source.open("wb") as fh:
        triples = write_ntriples(store.entities(), store.claims(), fh, vocab, chunk_lines=chunk,
                                 tmp_dir=out.parent)
    records = (list(store.entities()), list(store.claims())) if mode == "ttl-hand-describe" else None
    base = _current_mib()
    t0, c0 = time.perf_counter(), _cpu()
    if mode in ("ttl-oxigraph", "jsonld-oxigraph"):
        fmt = ox.RdfFormat.TURTLE if mode == "ttl-oxigraph" else ox.RdfFormat.JSON_LD
        with source.open("rb") as src, out.open("wb") as fh:
            ox.serialize(ox.parse(src, format=ox.RdfFormat.N_TRIPLES), fh, format=fmt,
                         prefixes=dict(vocab.prefixes))
    else:
        with out.open("w", encoding="utf-8", newline="\n") as fh:
            if mode == "ttl-hand":
                _ttl_hand(read_sorted(source), fh, vocab)
            elif mode == "ttl-hand-describe":
                assert records is not None
                _ttl_hand(describe(records[0], records[1], vocab), fh, vocab)
            else:
                write_jsonld(read_sorted(source), fh, vocab)
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    peak = _peak_mib()
    return {"mode": mode, "triples": triples, "seconds": seconds, "cpu_seconds": cpu,
            "triples_per_s": triples / seconds, "peak_mib": peak, "before_mib": base,
            "export_mib": peak - base, "bytes": out.stat().st_size}


def child(mode: str, n: int, out: Path, chunk: int) -> dict:
    from kg.rdf.export import export, write_ntriples
    from kg.rdf.namespace import vocab_for

    store = SyntheticStore(n)
    vocab = vocab_for()
    if mode in SERIALISER_MODES:
        return serialiser(mode, store, out, chunk)
    if mode in ("rekg-ttl", "rekg-jsonld"):
        from kg.store.memory import MemoryStore  # noqa: F401 - the records, held like it

        class Held:
            def __init__(self) -> None:
                self.e, self.c = list(store.entities()), list(store.claims())

            def entities(self):  # noqa: ANN202
                return iter(self.e)

            def claims(self):  # noqa: ANN202
                return iter(self.c)

        held = Held()
        base = _current_mib()
        t0, c0 = time.perf_counter(), _cpu()
        with out.open("wb") as fh:
            triples = export(held, mode.split("-")[1], fh, vocab, chunk_lines=chunk)
        seconds, cpu = time.perf_counter() - t0, _cpu() - c0
        peak = _peak_mib()
        return {"mode": mode, "triples": triples, "seconds": seconds, "cpu_seconds": cpu,
                "triples_per_s": triples / seconds, "peak_mib": peak, "before_mib": base,
                "export_mib": peak - base, "bytes": out.stat().st_size}
    if mode in ("rekg", "rekg-stream"):
        entities: Iterable[Entity] = store.entities()
        claims: Iterable[Claim] = store.claims()
        if mode == "rekg":
            entities, claims = list(entities), list(claims)
        base = _current_mib()
        t0, c0 = time.perf_counter(), _cpu()
        with out.open("w", encoding="utf-8", newline="\n") as fh:
            triples = write_ntriples(entities, claims, fh, vocab, chunk_lines=chunk,
                                     tmp_dir=out.parent)
        seconds, cpu = time.perf_counter() - t0, _cpu() - c0
        peak = _peak_mib()
        return {"mode": mode, "triples": triples, "seconds": seconds, "cpu_seconds": cpu,
                "triples_per_s": triples / seconds, "peak_mib": peak, "before_mib": base,
                "export_mib": peak - base, "bytes": out.stat().st_size}
    if mode == "rdflib":
        from rdflib import Graph

        source = out.with_suffix(".src.nt")
        with source.open("w", encoding="utf-8", newline="\n") as fh:
            write_ntriples(store.entities(), store.claims(), fh, vocab,
                           chunk_lines=chunk, tmp_dir=out.parent)
        t_parse = time.perf_counter()
        graph = Graph()
        graph.parse(source, format="nt")
        parse_s = time.perf_counter() - t_parse
        loaded = _peak_mib()
        t0, c0 = time.perf_counter(), _cpu()
        graph.serialize(destination=str(out), format="nt", encoding="utf-8")
        seconds, cpu = time.perf_counter() - t0, _cpu() - c0
        return {"mode": mode, "triples": len(graph), "seconds": seconds, "cpu_seconds": cpu,
                "triples_per_s": len(graph) / seconds, "peak_mib": _peak_mib(),
                "graph_loaded_mib": loaded, "parse_seconds": parse_s}
    raise SystemExit(f"unknown mode {mode!r}")


def measure(mode: str, n: int, chunk: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="rekg-bench-") as tmp:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--entities", str(n), "--chunk", str(chunk),
             "--out", str(Path(tmp) / "out.nt")],
            capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{mode} run failed:\n{proc.stderr}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entities", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=250_000)
    parser.add_argument("--modes", nargs="+", default=["rekg", "rekg-stream", "rdflib"])
    parser.add_argument("--child")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.entities[0], args.out, args.chunk)))
        return
    print("| entities | mode | triples | wall s | triples/s (wall) | CPU s | triples/s (CPU) "
          "| peak RSS MiB | export's own MiB |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.entities:
        for mode in args.modes:
            runs = [measure(mode, n, args.chunk) for _ in range(args.runs)]
            secs = statistics.median(r["seconds"] for r in runs)
            cpu = statistics.median(r["cpu_seconds"] for r in runs)
            count = runs[0]["triples"]
            peak = max(r["peak_mib"] for r in runs)
            own = f"{max(r['export_mib'] for r in runs):,.0f}" if "export_mib" in runs[0] else "–"
            print(f"| {n:,} | {mode} | {count:,} | {secs:.2f} | {count / secs:,.0f} | {cpu:.2f} "
                  f"| {count / cpu:,.0f} | {peak:,.0f} | {own} |", flush=True)
            sys.stderr.write(json.dumps(runs) + "\n")


if __name__ == "__main__":
    main()
