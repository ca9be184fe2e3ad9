"""The CLI in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.conftest import FIXTURE_FILES, FIXTURES, rekg_bin


def rekg(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([rekg_bin(), *args], env=env, capture_output=True, text=True, timeout=120)


def stats(env: dict[str, str]) -> dict:
    out = rekg(env, "stats", "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_load_twice_changes_nothing_and_bad_file_changes_nothing(rekg_env: dict[str, str]) -> None:
    files = [str(FIXTURES / f) for f in FIXTURE_FILES]
    first = rekg(rekg_env, "load", *files)
    assert first.returncode == 0, first.stderr
    after_first = stats(rekg_env)
    assert after_first["claims"] == 8 == after_first["claims_with_source"]
    assert rekg(rekg_env, "load", *files).returncode == 0
    assert stats(rekg_env) == after_first

    bad = rekg(rekg_env, "load", str(FIXTURES / "bad_row.csv"))
    assert bad.returncode == 2
    assert "bad_row.csv:3: column 'quantity'" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert stats(rekg_env) == after_first

    dangling = rekg(rekg_env, "load", str(FIXTURES / "dangling.csv"))
    assert dangling.returncode == 2 and "country:ZZ" in dangling.stderr
    assert stats(rekg_env) == after_first


def test_build_search_show(rekg_env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in FIXTURE_FILES:
        shutil.copy(FIXTURES / name, data / name)
    built = rekg(rekg_env, "build", "--data-dir", str(data), "--json")
    assert built.returncode == 0, built.stderr
    assert json.loads(built.stdout)["claims"] == 8

    found = json.loads(rekg(rekg_env, "search", "Mt Weld", "--json").stdout)
    assert found["results"][0] == {"id": "facility:mount-weld", "type": "Facility", "name": "Mount Weld",
                                   "score": 0.95}

    shown = rekg(rekg_env, "show", "Lynas", "--json")
    assert shown.returncode == 0, shown.stderr
    data_out = json.loads(shown.stdout)
    assert data_out["id"] == "firm:lynas"
    assert {r["other"]["id"] for r in data_out["relations"]} == {"facility:mount-weld", "facility:lynas-malaysia"}

    table = rekg(rekg_env, "show", "facility:mount-weld")
    assert table.returncode == 0 and "Mount Weld" in table.stdout


def test_errors_are_one_line_exit_2(rekg_env: dict[str, str]) -> None:
    missing = rekg(rekg_env, "load", "/nonexistent/file.csv")
    assert missing.returncode == 2
    assert "no such file" in missing.stderr and "Traceback" not in missing.stderr
    unknown = rekg(rekg_env, "show", "firm:nobody")
    assert unknown.returncode == 2 and "no entity" in unknown.stderr
    verbose = rekg(rekg_env, "--verbose", "show", "firm:nobody")
    assert verbose.returncode == 2 and "Traceback" in verbose.stderr


def test_stats_stale_lists_rows_due_for_a_recheck(rekg_env: dict[str, str]) -> None:
    files = [str(FIXTURES / f) for f in FIXTURE_FILES]
    assert rekg(rekg_env, "load", *files).returncode == 0
    out = rekg(rekg_env, "stats", "--stale", "180", "--today", "2026-11-30", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["days"] == 180 and report["today"] == "2026-11-30"
    # The fixture rows carry no check trail: every facility, firm and policy is listed.
    listed = {r["id"] for r in report["stale_rows"]}
    assert len(listed) == sum(report["rows"].values()) == report["never_checked"]
    assert all("never checked" in r["reasons"] for r in report["stale_rows"])
    table = rekg(rekg_env, "stats", "--stale", "180")
    assert table.returncode == 0 and "re-check" in table.stdout
    bad = rekg(rekg_env, "stats", "--stale", "180", "--today", "30/11/2026")
    assert bad.returncode == 2 and "--today" in bad.stderr and "Traceback" not in bad.stderr


def test_stats_coverage_counts_qids_coordinates_and_second_sources(rekg_env: dict[str, str]) -> None:
    files = [str(FIXTURES / f) for f in FIXTURE_FILES]
    assert rekg(rekg_env, "load", *files).returncode == 0
    out = rekg(rekg_env, "stats", "--coverage", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert set(report) == {"Facility", "Firm", "Material", "Policy"}
    assert report["Facility"]["rows"] >= 1 and "coordinates" in report["Facility"]
    assert all(c["qid"] <= c["rows"] and c["second_source"] <= c["rows"] for c in report.values())
    table = rekg(rekg_env, "stats", "--coverage")
    assert table.returncode == 0 and "second source" in table.stdout
