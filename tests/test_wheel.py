"""A built wheel works outside the checkout: it carries the schema, the ontology files and the
bundled data (``kg/_bundled/``), and ``rekg build``, ``stats`` and ``export`` run from it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from rdflib import Graph

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)  # type: ignore[call-overload]
    assert proc.returncode == 0, f"{cmd}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
          "-w", str(dist), str(REPO)])
    wheel = next(dist.glob("rekg-*.whl"))

    # A fresh venv that sees this environment's dependencies (through a .pth file, which does
    # not run their .pth hooks: the checkout's editable install stays invisible) but not rekg.
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
                     ).stdout.strip())
    (site / "rekg-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
          str(wheel)])

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REKG_")}
    env |= {"REKG_HOME": str(tmp_path / "home"), "PYTHONPATH": ""}
    rekg = str(venv / "bin" / "rekg")
    where = _run([str(python), "-c", "import kg, kg.config; print(kg.__file__); "
                  "print(kg.config.DATA_DIR); print(kg.config.ONTOLOGY_DIR)"], cwd=work, env=env)
    kg_file, data_dir, ontology_dir = where.stdout.split()
    assert kg_file.startswith(str(venv)) and data_dir.startswith(str(venv))
    assert ontology_dir.startswith(str(venv))

    _run([rekg, "build"], cwd=work, env=env)
    stats = json.loads(_run([rekg, "stats", "--json"], cwd=work, env=env).stdout)
    assert stats["entities"]["Element"] == 17
    assert stats["claims"] == stats["claims_with_source"] > 1000
    out = work / "rekg.ttl"
    _run([rekg, "export", "--format", "ttl", "-o", str(out)], cwd=work, env=env)
    assert len(Graph().parse(out, format="turtle")) > 10_000
