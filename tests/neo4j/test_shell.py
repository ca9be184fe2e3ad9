"""`rekg neo4j shell -f FILE`: cypher-shell from Maven Central against the test server."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import neo4j_test_uri, rekg_bin

pytestmark = pytest.mark.neo4j


def test_shell_runs_a_file_of_cypher(tmp_path: Path) -> None:
    uri = neo4j_test_uri()
    if not uri:
        pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
    script = tmp_path / "q.cypher"
    script.write_text("UNWIND ['Dy', 'Tb'] AS symbol RETURN symbol, size(symbol) AS n;\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("REKG_")}
    env |= {"REKG_HOME": str(tmp_path / "home"), "REKG_NEO4J_URI": uri,
            "REKG_NEO4J_PASSWORD": "unused-auth-off"}
    out = subprocess.run([rekg_bin(), "neo4j", "shell", "-f", str(script), "--", "--format", "plain"],
                         env=env, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    lines = [x.strip() for x in out.stdout.splitlines() if x.strip()]
    assert lines[:3] == ["symbol, n", '"Dy", 2', '"Tb", 2'], out.stdout


def test_shell_names_a_missing_file(tmp_path: Path) -> None:
    uri = neo4j_test_uri()
    if not uri:
        pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
    env = {k: v for k, v in os.environ.items() if not k.startswith("REKG_")}
    env |= {"REKG_HOME": str(tmp_path / "home"), "REKG_NEO4J_URI": uri}
    out = subprocess.run([rekg_bin(), "neo4j", "shell", "-f", str(tmp_path / "nope.cypher")],
                         env=env, capture_output=True, text=True, timeout=900)
    assert out.returncode == 2 and "nope.cypher" in out.stderr and "no such file" in out.stderr
