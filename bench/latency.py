"""Latency at a stated load: an open-loop, fixed-rate HTTP load generator (asyncio, raw
HTTP/1.1 keep-alive connections) against `rekg serve` on both stores and a bare endpoint.

Open loop: request i is *due* at start + i / rate whatever happened to earlier requests, and
its latency counts from that due time (so a stalled server is charged for the requests it
delayed — no coordinated omission, as wrk2 measures). Each request goes out on an idle
connection, or a new one (at most --max-connections; beyond that it waits, still on the clock).

Per store and endpoint: the saturated throughput with wrk (closed loop, 64 connections), then
p50/p99 at fixed offered rates given as fractions of the *bare* endpoint's saturated
throughput measured in the same run (default 0.25 and 0.5).

With --own-fractions (default 0.5) each endpoint is also offered a fraction of its *own*
saturated rate: the latency of a store that cannot reach the bare fractions, below its knee.

With vegeta on PATH (or --vegeta PATH; `go install github.com/tsenart/vegeta/v12@v12.12.0`) the
fixed-rate loads are offered by vegeta, a Go open-loop generator that costs the shared cores far
less CPU per request than the Python one (--python-generator forces the latter).

Usage: python bench/latency.py [--duration 20] [--fractions 0.25,0.5] [--own-fractions 0.5] [--neo4j]
       [--factories serve_app,create_app]   (the second serves the app without the GC freeze)
Needs wrk (Debian package) for the saturation figures. Prints one JSON line per measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api_load import BIN, ENDPOINTS, REPO, free_port, rotating, serve, wait_up, wrk  # noqa: E402


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


async def open_loop(host: str, port: int, path: str | list[str], rate: float, duration: float,
                    max_connections: int = 256) -> dict[str, float | int]:
    """Send GET ``path`` (or request i: ``path[i % len(path)]``) at ``rate`` per second for
    ``duration`` seconds; latency percentiles in ms."""
    paths = [path] if isinstance(path, str) else path
    requests = [f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: keep-alive\r\n\r\n".encode()
                for p in paths]
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    opened = 0
    slots = asyncio.Semaphore(max_connections)
    latencies: list[float] = []
    errors = 0
    loop = asyncio.get_running_loop()

    async def fire(due: float, request: bytes) -> None:
        nonlocal opened, errors
        async with slots:
            conn = idle.pop() if idle else None
            try:
                if conn is None:
                    conn = await asyncio.open_connection(host, port)
                    opened += 1
                status = await _one(*conn, request)
                latencies.append(loop.time() - due)
                if status >= 400:
                    errors += 1
                idle.append(conn)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                if conn is not None:
                    conn[1].close()

    start = loop.time() + 0.05
    total = int(rate * duration)
    tasks = []
    for i in range(total):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(fire(due, requests[i % len(requests)])))
    send_end = loop.time()
    await asyncio.gather(*tasks)
    for _, writer in idle:
        writer.close()
    latencies.sort()

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 2) if latencies else 0.0

    return {"offered_per_s": round(rate, 1), "sent": total, "achieved_send_rate": round(total / (send_end - start), 1),
            "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": pct(1.0),
            "errors": errors, "connections": opened, "loadavg_1m": round(os.getloadavg()[0], 1)}


def vegeta(binary: str, host: str, port: int, path: str | list[str], rate: float, duration: float,
           workdir: Path) -> dict[str, float | int]:
    """The same measurement with vegeta (Go, open loop at a constant rate; targets taken in
    turn), whose CPU per request is a fraction of the Python generator's: on 2 shared cores the
    generator's own CPU is taken from the server it measures."""
    paths = [path] if isinstance(path, str) else path
    targets = workdir / "vegeta-targets.txt"
    targets.write_text("".join(f"GET http://{host}:{port}{p}\n\n" for p in paths))
    attack = subprocess.run([binary, "attack", f"-targets={targets}", f"-rate={rate:.0f}/1s", f"-duration={duration}s",
                             "-keepalive=true", "-timeout=30s"], capture_output=True, check=True)
    report = json.loads(subprocess.run([binary, "report", "-type=json"], input=attack.stdout,
                                       capture_output=True, check=True).stdout)
    lat = report["latencies"]
    ok = sum(n for code, n in report["status_codes"].items() if code.startswith("2"))
    return {"offered_per_s": round(rate, 1), "sent": report["requests"],
            "achieved_send_rate": round(report["rate"], 1),
            "p50_ms": round(lat["50th"] / 1e6, 2), "p90_ms": round(lat["90th"] / 1e6, 2),
            "p99_ms": round(lat["99th"] / 1e6, 2), "max_ms": round(lat["max"] / 1e6, 2),
            "errors": report["requests"] - ok, "generator": "vegeta", "loadavg_1m": round(os.getloadavg()[0], 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--fractions", default="0.25,0.5", help="offered rates as fractions of bare saturation")
    ap.add_argument("--endpoints", default="entity*,search*",
                    help="of api_load.ENDPOINTS; a name with * cycles through many paths (every facility page, "
                         "api_load.SEARCHES)")
    ap.add_argument("--neo4j", action="store_true", help="also run against a Neo4j store")
    ap.add_argument("--own-fractions", default="0.5",
                    help="also offer these fractions of each endpoint's OWN saturated rate (empty: none)")
    ap.add_argument("--warmup", type=int, default=5, help="seconds of unrecorded load before each saturated run")
    ap.add_argument("--settle", type=float, default=30, help="seconds to wait after the Neo4j build")
    ap.add_argument("--vegeta", metavar="PATH", default=shutil.which("vegeta"),
                    help="offer the loads with vegeta (`go install github.com/tsenart/vegeta/v12@v12.12.0`) "
                         "instead of the Python generator; default: vegeta if on PATH")
    ap.add_argument("--python-generator", action="store_true", help="use the Python generator even if vegeta is found")
    ap.add_argument("--factories", default="serve_app",
                    help="api.app factories to serve, one after the other: serve_app (what `rekg serve` runs: "
                         "start-up objects frozen out of the GC) and/or create_app (no freeze), to compare")
    args = ap.parse_args()
    home_for_targets = Path(tempfile.mkdtemp(prefix="rekg-bench-vegeta-"))

    def offer(port: int, path: str | list[str], rate: float) -> dict[str, float | int]:
        if args.vegeta and not args.python_generator:
            return vegeta(args.vegeta, "127.0.0.1", port, path, rate, args.duration, home_for_targets)
        return asyncio.run(open_loop("127.0.0.1", port, path, rate, args.duration))

    own_fractions = [float(f) for f in args.own_fractions.split(",") if f.strip()]
    fractions = [float(f) for f in args.fractions.split(",")]
    endpoints = args.endpoints.split(",")
    unknown = [k for k in endpoints if k.rstrip("*") not in ENDPOINTS]
    if unknown:
        raise SystemExit(f"--endpoints: unknown {unknown}; expected names of {sorted(ENDPOINTS)}, optionally with *")
    home = Path(tempfile.mkdtemp(prefix="rekg-bench-latency-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("REKG_")} | {"REKG_HOME": str(home)}
    subprocess.run([str(BIN / "rekg"), "build"], env=env, check=True, capture_output=True)
    stores = [("memory", env)]
    neo_home = None
    if args.neo4j:
        from kg import neo4j_server

        neo_home = home / "neo4j"
        info = neo4j_server.start(neo_home, auth=False, timeout=600, config={"db.transaction.timeout": "0"})
        neo_env = env | {"REKG_NEO4J_URI": info.uri, "REKG_NEO4J_PASSWORD": "x"}
        subprocess.run([str(BIN / "rekg"), "build"], env=neo_env, check=True, capture_output=True)
        stores.append(("neo4j", neo_env))
        time.sleep(args.settle)
    try:
        port = free_port()
        bare = subprocess.Popen([str(BIN / "uvicorn"), "bare_app:app", "--port", str(port), "--log-level", "warning"],
                                cwd=REPO / "bench", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_up(f"http://127.0.0.1:{port}/constant", bare)
            if args.warmup:
                wrk(f"http://127.0.0.1:{port}/constant", args.warmup, 64)
            saturated = wrk(f"http://127.0.0.1:{port}/constant", args.duration, 64)
            bare_rps = float(saturated["req_per_s"])
            print(json.dumps({"store": "-", "endpoint": "bare constant", "mode": "saturated (wrk -c64)"} | saturated),
                  flush=True)
            for f in fractions:
                result = offer(port, "/constant", f * bare_rps)
                print(json.dumps({"store": "-", "endpoint": "bare constant", "mode": f"open loop {f:g} x bare"}
                                 | result), flush=True)
        finally:
            bare.terminate()
            bare.wait()
        for (store_name, store_env), factory in itertools.product(stores, args.factories.split(",")):
            port = free_port()
            if factory == "serve_app":
                name = store_name
                proc = serve(store_env, port, 1)
            else:
                name = f"{store_name} ({factory}: no GC freeze)"
                proc = subprocess.Popen([str(BIN / "uvicorn"), f"api.app:{factory}", "--factory", "--port", str(port),
                                         "--log-level", "warning"], env=store_env, cwd=REPO,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_up(f"http://127.0.0.1:{port}/health", proc)
                base = f"http://127.0.0.1:{port}"
                for label in endpoints:
                    script = None
                    path: str | list[str] = ENDPOINTS[label.rstrip("*")]
                    if label.endswith("*"):
                        _, script = rotating(base, label, home)
                        path = re.findall(r'"([^"]+)"', script.read_text().split("}")[0])
                        label = f"{label} ({len(path)} paths)"
                    subprocess.run(["curl", "-s", "-o", "/dev/null", f"{base}{path if isinstance(path, str) else path[0]}"],
                                   check=False)
                    if args.warmup:
                        wrk(base if script else f"{base}{path}", args.warmup, 64, script)
                    saturated = wrk(base if script else f"{base}{path}", args.duration, 64, script)
                    own_rps = float(saturated["req_per_s"])
                    print(json.dumps({"store": name, "endpoint": label, "mode": "saturated (wrk -c64)"} | saturated),
                          flush=True)
                    offers = [(f * bare_rps, f"open loop {f:g} x bare") for f in fractions]
                    offers += [(f * own_rps, f"open loop {f:g} x own saturation") for f in own_fractions]
                    for rate, mode in offers:
                        time.sleep(1)
                        result = offer(port, path, rate)
                        print(json.dumps({"store": name, "endpoint": label, "mode": mode} | result), flush=True)
            finally:
                proc.terminate()
                proc.wait()
    finally:
        if neo_home is not None:
            from kg import neo4j_server

            neo4j_server.stop(neo_home)
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(home_for_targets, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
