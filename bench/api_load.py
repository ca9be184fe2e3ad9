"""HTTP load benchmark: wrk at 64 connections against `rekg serve` (embedded store, and Neo4j
with --neo4j) and against a bare FastAPI endpoint, in the same run.

Usage: python bench/api_load.py [--duration 30] [--connections 64] [--neo4j]
Needs wrk (Debian package). Traffic stays on 127.0.0.1. Prints one JSON line per endpoint:
one URL repeated (entity, search, spof), then entity pages cycling through every facility
(``entity*``) and searches cycling through :data:`SEARCHES` (``search*``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ENDPOINTS = {
    "entity": "/entities/facility:mount-weld",
    "search": "/search?q=lynas",
    "spof": "/analysis/spof?consumer=US&element=Dy&as_of=2025-06-01",
}
#: Rows where every request asks for something else (wrk cycles through the paths): no two
#: concurrent requests alike, so no store can answer several from one read of the same thing.
SEARCHES = ["lynas", "mt weld", "bayan obo", "china", "dysprosium", "ndfeb", "magnet", "mp materials", "iluka",
            "neodymium oxide", "export control", "usgs", "solvay", "shenghe", "japan", "terbium", "vacuumschmelze",
            "noveon", "energy fuels", "arafura", "baotou", "malaysia", "permanent magnet", "samarium cobalt"]


def rotating(base: str, kind: str, workdir: Path) -> tuple[str, Path]:
    """A wrk script cycling through every Facility page (``entity*``) or :data:`SEARCHES`."""
    if kind == "entity*":
        items = httpx.get(f"{base}/entities", params={"type": "Facility", "limit": 500}, timeout=120).json()["items"]
        paths = [f"/entities/{item['id']}" for item in items]
    else:
        paths = [f"/search?q={q.replace(' ', '+')}" for q in SEARCHES]
    script = workdir / f"{kind.rstrip('*')}-rotating.lua"
    script.write_text("paths = {" + ", ".join(json.dumps(p) for p in paths) + "}\n"
                      "i = 0\nrequest = function()\n  i = i + 1\n"
                      "  return wrk.format(nil, paths[(i % #paths) + 1])\nend\n")
    return f"{len(paths)} paths", script


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early: {url}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server did not come up: {url}")


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, duration: int, connections: int, script: Path | None = None) -> dict[str, float | int]:
    extra = ["-s", str(script)] if script else []
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency",
                          *extra, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"requests": total, "req_per_s": round(rps), "p50_ms": round(p50, 2), "p99_ms": round(p99, 2),
            "errors": errors, "loadavg_1m": round(os.getloadavg()[0], 1)}


def serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(BIN / "rekg"), "serve", "--port", str(port), "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=int, default=30)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--neo4j", action="store_true", help="also run against a Neo4j store")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn workers for rekg serve")
    ap.add_argument("--no-memory", action="store_true", help="skip the embedded store (with --neo4j)")
    ap.add_argument("--warmup", type=int, default=5,
                    help="seconds of unrecorded load per endpoint before its measured run (JIT, caches, pools)")
    ap.add_argument("--settle", type=float, default=30,
                    help="seconds to wait after the Neo4j build, so its background work does not share the cores")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install wrk")
    home = Path(tempfile.mkdtemp(prefix="rekg-bench-api-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("REKG_")} | {"REKG_HOME": str(home)}
    if not (args.no_memory and args.neo4j):
        subprocess.run([str(BIN / "rekg"), "build"], env=env, check=True, capture_output=True)
    stores = [] if args.no_memory and args.neo4j else [("memory", env)]
    neo_home = None
    if args.neo4j:
        sys.path.insert(0, str(REPO))
        from kg import neo4j_server

        neo_home = home / "neo4j"
        info = neo4j_server.start(neo_home, auth=False, timeout=600,
                                  config={"db.transaction.timeout": "0"})  # the build, on a busy machine
        neo_env = env | {"REKG_NEO4J_URI": info.uri, "REKG_NEO4J_PASSWORD": "x"}
        built = subprocess.run([str(BIN / "rekg"), "build"], env=neo_env, capture_output=True, text=True)
        if built.returncode:
            raise SystemExit(f"rekg build on Neo4j failed: {built.stderr.strip()}")
        stores.append(("neo4j", neo_env))
        time.sleep(args.settle)
    try:
        port = free_port()
        bare = subprocess.Popen([str(BIN / "uvicorn"), "bare_app:app", "--port", str(port), "--log-level", "warning",
                                 "--workers", str(args.workers)],
                                cwd=REPO / "bench", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_up(f"http://127.0.0.1:{port}/constant", bare)
            if args.warmup:
                wrk(f"http://127.0.0.1:{port}/constant", args.warmup, args.connections)
            result = wrk(f"http://127.0.0.1:{port}/constant", args.duration, args.connections)
            print(json.dumps({"store": "-", "endpoint": "bare constant"} | result), flush=True)
            result = wrk(f"http://127.0.0.1:{port}/constant-async", args.duration, args.connections)
            print(json.dumps({"store": "-", "endpoint": "bare constant, async def (not the baseline)"} | result),
                  flush=True)
        finally:
            bare.terminate()
            bare.wait()
        for name, store_env in stores:
            port = free_port()
            proc = serve(store_env, port, args.workers)
            try:
                wait_up(f"http://127.0.0.1:{port}/health", proc)
                base = f"http://127.0.0.1:{port}"
                for label, path in ENDPOINTS.items():
                    httpx.get(f"{base}{path}", timeout=120)  # first request (and cache fill)
                    if args.warmup:
                        wrk(f"{base}{path}", args.warmup, args.connections)
                    result = wrk(f"{base}{path}", args.duration, args.connections)
                    print(json.dumps({"store": name, "endpoint": label} | result), flush=True)
                for label in ("entity*", "search*"):
                    paths, script = rotating(base, label, home)
                    if args.warmup:
                        wrk(base, args.warmup, args.connections, script)
                    result = wrk(base, args.duration, args.connections, script)
                    print(json.dumps({"store": name, "endpoint": f"{label} ({paths})"} | result), flush=True)
            finally:
                proc.terminate()
                proc.wait()
    finally:
        if neo_home is not None:
            from kg import neo4j_server

            neo4j_server.stop(neo_home)
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
