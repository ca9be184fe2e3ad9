"""The API as a user runs it: `rekg serve` (uvicorn) in its own process on a loopback port,
called over real HTTP — on the embedded store, and on Neo4j when the suite has one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import FIXTURE_FILES, FIXTURES, neo4j_test_uri, rekg_bin


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen([rekg_bin(), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"rekg serve did not come up: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _load_fixtures(env: dict[str, str]) -> None:
    out = subprocess.run([rekg_bin(), "load", *[str(FIXTURES / f) for f in FIXTURE_FILES]],
                         env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REKG_")}
    env["REKG_HOME"] = str(tmp_path / "home")
    env["REKG_API_KEY"] = "live-test-key"
    if request.param == "neo4j":
        uri = neo4j_test_uri()
        if not uri:
            pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
        env |= {"REKG_NEO4J_URI": uri, "REKG_NEO4J_PASSWORD": "unused-auth-off"}
        from kg.config import Settings
        from kg.store.neo4j import Neo4jStore

        with Neo4jStore.from_settings(Settings(neo4j_uri=uri, neo4j_password="x")) as store:
            store.clear()
    _load_fixtures(env)
    for base in _serve(env):
        yield request.param, base


def test_live_api(live: tuple[str, str]) -> None:
    kind, base = live
    with httpx.Client(base_url=base, timeout=30) as client:
        health = client.get("/health").json()
        assert health["store"] == kind and health["counts"]["claims"] == 8
        entity = client.get("/entities/facility:mount-weld")
        assert entity.status_code == 200 and entity.json()["name"] == "Mount Weld"
        assert client.get("/search", params={"q": "lynas"}).json()["results"][0]["id"] == "firm:lynas"
        missing = client.get("/entities/firm:nobody")
        assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
        cypher = client.post("/cypher", json={"query": "MATCH (f:Firm) RETURN f.id AS id"})
        if kind == "neo4j":
            assert cypher.status_code == 200 and cypher.json()["rows"] == [{"id": "firm:lynas"}]
            refused = client.post("/cypher", json={"query": "MATCH (n) DETACH DELETE n"})
            assert refused.status_code == 403
            assert client.get("/health").json()["counts"]["claims"] == 8
        else:
            assert cypher.status_code == 400
        assert client.get("/openapi.json").json()["info"]["title"] == "rekg"


def test_concurrent_requests_get_their_own_answers(live: tuple[str, str]) -> None:
    """Many requests at once (on Neo4j they share round trips, api/reads.py): each gets the
    answer it gets alone — entity pages, 404s and searches mixed."""
    import asyncio

    _, base = live
    paths = ["/entities/facility:mount-weld", "/entities/firm:lynas", "/entities/firm:nobody",
             "/entities/facility:mount-weld?as_of=2001", "/search?q=lynas", "/search?q=weld&type=Facility",
             "/search?q=xyzzy", "/entities/country:AU"]
    with httpx.Client(base_url=base, timeout=30) as client:
        alone = {p: (r.status_code, r.json()) for p in paths for r in [client.get(p)]}

    async def burst() -> list[tuple[str, int, object]]:
        async with httpx.AsyncClient(base_url=base, timeout=60,
                                     limits=httpx.Limits(max_connections=64)) as client:
            wanted = paths * 12
            answers = await asyncio.gather(*(client.get(p) for p in wanted))
            return [(p, r.status_code, r.json()) for p, r in zip(wanted, answers, strict=True)]

    for path, status, body in asyncio.run(burst()):
        assert (status, body) == alone[path], path


_GC_PROBE = r'''
import gc, json, os, shutil, sys, weakref
from fastapi.testclient import TestClient
from api.app import serve_app

app = serve_app()
with TestClient(app) as client:
    assert client.get("/entities/firm:lynas").status_code == 200
    store = app.state.store
    frozen = gc.get_freeze_count()
    graph_tracked = any(o is store.graph for o in gc.get_objects())
    old = weakref.ref(store.graph)
    # another process replaces the snapshot: the next read swaps in a new graph
    path = store.path
    shutil.copy(path, str(path) + ".new")
    os.replace(str(path) + ".new", path)
    assert client.get("/entities/firm:lynas").status_code == 200
    gc.collect()
    print(json.dumps({"frozen": frozen, "graph_tracked": graph_tracked, "old_graph_freed": old() is None}))
'''


def test_served_app_freezes_start_up_objects_but_not_the_graph(tmp_path: Path) -> None:
    """`rekg serve`'s app moves the start-up objects out of the cyclic collector's walks (a full
    collection over them paused a loaded server for ~80 ms), while the store's graph stays
    collectable: a graph swapped out after another process's write is freed (a frozen graph
    with reference cycles would leak at every write). Its own process: a freeze is per process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REKG_")}
    env["REKG_HOME"] = str(tmp_path / "home")
    _load_fixtures(env)
    out = subprocess.run([str(Path(rekg_bin()).with_name("python")), "-c", _GC_PROBE], env=env,
                         capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe["frozen"] > 10_000  # modules, the app, its models
    assert probe["graph_tracked"] is True
    assert probe["old_graph_freed"] is True
