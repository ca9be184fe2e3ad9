"""``rekg neo4j shell``: cypher-shell from Maven Central against a Neo4j server.

cypher-shell (``org.neo4j:cypher-shell``, pinned in ``neo4j/cypher-shell/pom.xml``) is fetched
by Maven with its dependencies into its own cache (``~/.cache/rekg/cypher-shell-<version>/lib``,
like the server's jars) and run as ``java -cp <lib>/* org.neo4j.shell.Main``: a flat classpath,
no launcher script. Credentials go through cypher-shell's environment variables
(``NEO4J_USERNAME``, ``NEO4J_PASSWORD``), never on the command line where ``ps`` shows them.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from kg.neo4j_server.base import DEFAULT_POM_DIR, Neo4jServerError
from kg.neo4j_server.jars import ensure_jars, java_executable, neo4j_version

__all__ = ["SHELL_POM_DIR", "SHELL_MAIN", "shell_lib_dir", "shell_command", "run_shell"]

#: The pom that pins cypher-shell (the server's version).
SHELL_POM_DIR = DEFAULT_POM_DIR / "cypher-shell"
SHELL_MAIN = "org.neo4j.shell.Main"


def shell_lib_dir(version: str) -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "rekg" / f"cypher-shell-{version}" / "lib"


def shell_command(uri: str, file: Path | None = None, args: Sequence[str] = (),
                  pom_dir: Path = SHELL_POM_DIR) -> list[str]:
    """The java command line of cypher-shell against ``uri`` (jars fetched once)."""
    lib = ensure_jars(pom_dir, shell_lib_dir(neo4j_version(pom_dir)))
    cmd = [java_executable(), "-Xmx256m", "-cp", str(lib / "*"), SHELL_MAIN, "-a", uri]
    if file is not None:
        if not Path(file).is_file():
            raise Neo4jServerError(f"-f {file}: no such file (expected a file of Cypher statements)")
        cmd += ["-f", str(file)]
    return cmd + list(args)


def run_shell(uri: str, user: str, password: str, file: Path | None = None,
              args: Sequence[str] = (), pom_dir: Path = SHELL_POM_DIR,
              capture: bool = False) -> subprocess.CompletedProcess[str]:
    """Run cypher-shell: interactive on this terminal, or ``file``'s statements; ``capture``
    returns its output instead of printing it (tests)."""
    cmd = shell_command(uri, file, args, pom_dir)
    env = {**os.environ, "NEO4J_USERNAME": user, "NEO4J_PASSWORD": password}
    try:
        return subprocess.run(cmd, env=env, text=True, capture_output=capture, check=False)
    except OSError as e:
        raise Neo4jServerError(f"cannot run cypher-shell ({cmd[0]}): {e}") from e
