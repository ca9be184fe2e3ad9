"""Issue 13, defect 8: `rekg load A B C` writes all or nothing; `--replace` is explicit and
reported; loader failures are one `FILE:LINE: …` line with exit 2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import FIXTURE_FILES, FIXTURES, rekg_bin


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([rekg_bin(), *args], env=env, capture_output=True, text=True, timeout=300)


def test_load_many_is_one_transaction(rekg_env: dict[str, str], tmp_path: Path) -> None:
    assert _run(rekg_env, "load", str(FIXTURES / "sources.yaml")).returncode == 0
    before = json.loads(_run(rekg_env, "stats", "--json").stdout)
    good = [str(FIXTURES / f) for f in FIXTURE_FILES if f != "sources.yaml"]
    bad = tmp_path / "late.csv"  # reads fine, fails only when checked against the graph
    bad.write_text("subject,predicate,object,source\nfirm:lynas,OPERATES,facility:nowhere,source:test-lynas\n")
    out = _run(rekg_env, "load", *good, str(bad))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "facility:nowhere" in out.stderr
    assert json.loads(_run(rekg_env, "stats", "--json").stdout) == before  # A and B not written either
    assert _run(rekg_env, "load", *good).returncode == 0


def test_replace_is_explicit_and_reported(rekg_env: dict[str, str], tmp_path: Path) -> None:
    assert _run(rekg_env, "load", *[str(FIXTURES / f) for f in FIXTURE_FILES]).returncode == 0
    firms = tmp_path / "firms.csv"
    firms.write_text("id,name,source\nfirm:lynas,Renamed Lynas,source:test-lynas\n")
    out = _run(rekg_env, "load", str(firms))
    assert out.returncode == 2 and "firm:lynas is already in the graph" in out.stderr and "--replace" in out.stderr
    shown = json.loads(_run(rekg_env, "show", "firm:lynas", "--json").stdout)
    assert shown["name"] != "Renamed Lynas"
    out = _run(rekg_env, "load", "--replace", "--json", str(firms))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["replaced"] == ["firm:lynas"] and "replaced firm:lynas" in out.stderr
    assert json.loads(_run(rekg_env, "show", "firm:lynas", "--json").stdout)["name"] == "Renamed Lynas"


def test_hostile_files_exit_2_with_location(rekg_env: dict[str, str], tmp_path: Path) -> None:
    cases = {
        "nested.yaml": "[" * 50000 + "]" * 50000,
        "deep.jsonl": '{"text": ' + "[" * 100000 + "]" * 100000 + "}\n",
        "dates.md": "---\nurl: https://e.org/a\npublished: 2025-02-30\n---\nLynas said things.\n",
        "utf7.csv": "id,name,source\nfirm:x,Caf+AOk-,source:test-lynas\n",
        "binary.csv": "id,name\n\x00\x01\x02",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        out = _run(rekg_env, "load", str(path))
        assert out.returncode == 2, (name, out.stderr)
        assert "Traceback" not in out.stderr and str(path) in out.stderr, (name, out.stderr)
        assert len(out.stderr.strip().splitlines()) == 1, (name, out.stderr)
