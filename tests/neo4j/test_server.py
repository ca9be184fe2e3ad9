"""kg.neo4j_server (and `rekg neo4j`) against a real Neo4j Community server run from Maven Central jars.

These tests start their own servers (in tmp homes, on free ports) and need Java 17+ and Maven;
they do not use REKG_TEST_NEO4J_URI. Each start takes ~5 s on an idle 2-core machine, 20 s or
more on a busy one. Outside CI they are skipped when java or mvn is missing; in CI they must run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from kg import neo4j_server
from kg.neo4j_server import Neo4jServerError, start, status, stop

pytestmark = pytest.mark.neo4j

REPO = Path(__file__).resolve().parents[2]
POM_DIR = REPO / "neo4j"
PASSWORD = "rekg-test-password"
#: Smaller than the dev defaults: several of these servers may run while the suite does.
SMALL = {
    "server.memory.heap.initial_size": "256m",
    "server.memory.heap.max_size": "512m",
    "server.memory.pagecache.size": "64m",
}
START_TIMEOUT = 300.0


def _tools_or_skip() -> None:
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing and not os.environ.get("JAVA_HOME"):
        message = f"{' and '.join(missing)} not on PATH: the Neo4j server tests need Java 17 + Maven"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    _tools_or_skip()
    h = tmp_path / "neo4j-home"
    try:
        yield h
    finally:
        stop(h, timeout=30)  # never leave a JVM behind, whatever the test did


def _return_one(uri: str, auth: tuple[str, str] | None) -> int:
    with GraphDatabase.driver(uri, auth=auth) as driver:
        records, _, _ = driver.execute_query("RETURN 1 AS one")
        return records[0]["one"]


def test_auth_off_start_query_status_idempotent_stop(home: Path) -> None:
    info = start(home, pom_dir=POM_DIR, auth=False, config=SMALL, timeout=START_TIMEOUT)
    assert info.auth is False
    assert info.uri == f"bolt://127.0.0.1:{info.port}"
    assert info.home == home.resolve()
    assert _return_one(info.uri, None) == 1

    assert status(home) == info
    assert (home / "run" / "rekg-neo4j.pid").read_text().strip() == str(info.pid)
    conf = (home / "conf" / "neo4j.conf").read_text()
    assert "dbms.security.auth_enabled=false" in conf
    # Neo4j Browser is on by default: HTTP on loopback only, a port of its own
    assert "server.http.enabled=true" in conf and info.http_port and info.http_port != info.port
    assert f"server.http.listen_address=127.0.0.1:{info.http_port}" in conf
    assert info.browser_url == f"http://127.0.0.1:{info.http_port}/browser/?dbms={info.uri}"

    again = start(home, pom_dir=POM_DIR, auth=False, config=SMALL, timeout=START_TIMEOUT)
    assert again == info  # same pid, nothing restarted
    with pytest.raises(Neo4jServerError, match="already running with auth off"):
        start(home, pom_dir=POM_DIR, password=PASSWORD, config=SMALL)

    assert stop(home) is True
    assert status(home) is None
    assert not (home / "run" / "rekg-neo4j.pid").exists()
    assert not neo4j_server._is_server_jvm(info.pid, home.resolve())
    assert stop(home) is False


def test_auth_on_password_and_restart_keeps_data(home: Path) -> None:
    info = start(home, pom_dir=POM_DIR, password=PASSWORD, config=SMALL, timeout=START_TIMEOUT)
    assert info.auth is True

    with GraphDatabase.driver(info.uri, auth=("neo4j", "not-the-password")) as driver:
        with pytest.raises(AuthError):
            driver.verify_connectivity()
    with GraphDatabase.driver(info.uri, auth=None) as driver:
        with pytest.raises(AuthError):
            driver.execute_query("RETURN 1")
    assert _return_one(info.uri, ("neo4j", PASSWORD)) == 1

    with GraphDatabase.driver(info.uri, auth=("neo4j", PASSWORD)) as driver:
        driver.execute_query("CREATE (:RekgServerTest {n: 42})")

    # restart on the same home: same port, same password, the data is still there
    assert stop(home) is True
    again = start(home, pom_dir=POM_DIR, password=PASSWORD, config=SMALL, timeout=START_TIMEOUT)
    assert again.pid != info.pid
    assert again.port == info.port
    with GraphDatabase.driver(again.uri, auth=("neo4j", PASSWORD)) as driver:
        records, _, _ = driver.execute_query("MATCH (t:RekgServerTest) RETURN t.n AS n")
        assert [r["n"] for r in records] == [42]

    # the password is the home's: another one is reported, not silently accepted
    with pytest.raises(Neo4jServerError, match="not the neo4j user's password"):
        start(home, pom_dir=POM_DIR, password="another-password", config=SMALL)
    assert status(home) == again


def test_fresh_home_with_auth_needs_a_password(home: Path) -> None:
    with pytest.raises(Neo4jServerError, match="give the initial password"):
        start(home, pom_dir=POM_DIR, password=None, config=SMALL)
    assert status(home) is None


def test_short_password_is_refused_with_neo4js_reason(home: Path) -> None:
    with pytest.raises(Neo4jServerError, match="at least 8 characters"):
        start(home, pom_dir=POM_DIR, password="short", config=SMALL)
    assert status(home) is None


def test_bad_setting_fails_with_the_log_tail(home: Path) -> None:
    with pytest.raises(Neo4jServerError, match=r"exited with code[\s\S]*no\.such\.setting"):
        start(home, pom_dir=POM_DIR, auth=False, config={**SMALL, "no.such.setting": "1"},
              timeout=START_TIMEOUT)
    assert status(home) is None
    assert neo4j_server._server_jvms(home.resolve()) == []


def test_cli_start_status_stop(home: Path) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kg.cli", "neo4j", *args, "--home", str(home)],
                              cwd=REPO, capture_output=True, text=True, timeout=600)

    assert cli("status").returncode == 3
    started = cli("start", "--no-auth", "--conf", "server.memory.heap.max_size=512m",
                  "--conf", "server.memory.pagecache.size=64m")
    assert started.returncode == 0, started.stderr
    uri = started.stdout.strip().splitlines()[-1]
    assert uri.startswith("bolt://127.0.0.1:")
    assert _return_one(uri, None) == 1

    shown = cli("status")
    assert shown.returncode == 0 and shown.stdout.strip().splitlines()[-1] == uri
    assert cli("stop").returncode == 0
    assert cli("status").returncode == 3


def test_missing_maven_is_reported_with_the_command(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # neither mvn nor anything else
    with pytest.raises(Neo4jServerError, match=r"Maven \(mvn\) is not on PATH[\s\S]*copy-dependencies"):
        neo4j_server.ensure_jars(POM_DIR, tmp_path / "lib")


def test_pinned_version_is_a_526_lts() -> None:
    assert neo4j_server.neo4j_version(POM_DIR).startswith("5.26.")
