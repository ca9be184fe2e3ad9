"""``neo4j-admin database import full`` against a local server's home: Neo4j's own offline
bulk importer, run from the same Maven Central jars as the server (``org.neo4j.cli.AdminTool``,
module ``neo4j-import-tool``), for graphs too large to load over Bolt in reasonable time.

The importer writes the store files directly; it needs the server of that home stopped and
replaces the database whole (``--overwrite-destination``). Constraints and indexes are not
part of its input: create them after the server is back (``Neo4jStore.ensure_schema``).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

from kg.neo4j_server.base import ADMIN_TOOL, DEFAULT_POM_DIR, LOG_TAIL_LINES, Neo4jServerError
from kg.neo4j_server.conf import JVM_FLAGS, server_config, write_config
from kg.neo4j_server.jars import (
    classpath,
    default_lib_dir,
    ensure_jars,
    java_executable,
    neo4j_version,
)
from kg.neo4j_server.server import _free_port, status

__all__ = ["import_full"]


def import_full(
    home: Path,
    nodes: Iterable[Path],
    relationships: Iterable[Path],
    *,
    database: str = "neo4j",
    array_delimiter: str = "\x1f",
    heap: str = "1g",
    pom_dir: Path = DEFAULT_POM_DIR,
    lib_dir: Path | None = None,
    timeout: float = 6 * 3600,
) -> tuple[str, float]:
    """Import CSV files (header on each file's first line) into ``database`` of ``home``,
    replacing it. Returns the importer's output and its wall seconds. The server of ``home``
    must be stopped; raises :class:`Neo4jServerError` with the tool's last lines on failure."""
    home = Path(home).expanduser().resolve()
    if status(home) is not None:
        raise Neo4jServerError(f"the Neo4j server of {home} is running: the offline importer needs it "
                               "stopped (`rekg neo4j stop`; `rekg neo4j import` does this for you)")
    lib = ensure_jars(pom_dir, lib_dir if lib_dir is not None else default_lib_dir(neo4j_version(pom_dir)))
    java = java_executable()
    for sub in ("conf", "data", "logs", "run", "plugins", "import", "lib"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    if not (home / "conf" / "neo4j.conf").exists():  # never started: the directories are all it reads
        write_config(home, server_config(home, _free_port(), True, None))
    args = [f"--nodes={p}" for p in nodes] + [f"--relationships={p}" for p in relationships]
    if not args:
        raise Neo4jServerError("nothing to import: no nodes or relationships files")
    cmd = [java, f"-Xmx{heap}", *JVM_FLAGS, "-cp", classpath(home, lib), ADMIN_TOOL,
           "database", "import", "full", database, "--overwrite-destination=true",
           "--multiline-fields=true", f"--array-delimiter=U+{ord(array_delimiter):04X}",
           f"--report-file={home / 'logs' / 'import.report'}", *args]
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=home, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise Neo4jServerError(f"neo4j-admin database import full did not finish in {timeout:.0f} s") from e
    seconds = time.perf_counter() - t0
    said = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0:
        tail = "\n".join(said.splitlines()[-LOG_TAIL_LINES:])
        raise Neo4jServerError(f"neo4j-admin database import full failed (exit {proc.returncode}); "
                               f"its last lines:\n{tail}")
    return said, seconds
