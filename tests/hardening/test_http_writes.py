"""Issue 13, defect 5 through HTTP: 64 concurrent POST /articles on a real `rekg serve`, with a
`rekg load` from the CLI in the middle; every article and the loaded file are kept, and the
server sees the CLI's write. Runs on the embedded store and, when the suite has one, Neo4j."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.api.test_live_server import _load_fixtures, _serve
from tests.conftest import neo4j_test_uri, rekg_bin

N = 64
EXTRA_SOURCES = """\
- id: source:cli-extra
  url: https://example.org/cli-extra
  title: "A source loaded from the CLI while the server writes"
  published: 2025-03-01
  kind: dataset
"""


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REKG_")}
    env["REKG_HOME"] = str(tmp_path / "home")
    env["REKG_API_KEY"] = "concurrency-key"
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
        yield base, env


def _article(i: int) -> dict[str, str]:
    return {"url": f"https://example.org/news/concurrent-{i}", "title": f"Concurrent article {i}",
            "published": "2025-05-16", "publisher": "Test Wire",
            "text": f"Lynas Rare Earths said item {i}: it produced dysprosium oxide at Mount Weld."}


def test_concurrent_posts_and_cli_load_all_kept(served: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    base, env = served
    extra = tmp_path / "sources.yaml"
    extra.write_text(EXTRA_SOURCES, encoding="utf-8")
    headers = {"X-API-Key": "concurrency-key"}

    def post(i: int) -> tuple[int, str]:
        with httpx.Client(base_url=base, timeout=300) as client:
            r = client.post("/articles", json=_article(i), headers=headers)
            return r.status_code, r.json().get("source", {}).get("id", r.text)

    with ThreadPoolExecutor(max_workers=N) as pool:
        futures = [pool.submit(post, i) for i in range(N)]
        cli = subprocess.run([rekg_bin(), "load", str(extra)], env=env, capture_output=True,
                             text=True, timeout=300)
        results = [f.result() for f in futures]
    assert cli.returncode == 0, cli.stderr
    assert [code for code, _ in results] == [201] * N, results
    ids = {sid for _, sid in results}
    assert len(ids) == N
    with httpx.Client(base_url=base, timeout=60) as client:
        for sid in sorted(ids) + ["source:cli-extra"]:
            assert client.get(f"/entities/{sid}").status_code == 200, sid
        # and once more after the server wrote again: the CLI's source is still there
        assert client.post("/articles", json=_article(N), headers=headers).status_code == 201
        assert client.get("/entities/source:cli-extra").status_code == 200
    out = subprocess.run([rekg_bin(), "stats", "--json"], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    import json

    assert json.loads(out.stdout)["entities"]["Source"] == 2 + 1 + N + 1  # fixtures, CLI, posts
