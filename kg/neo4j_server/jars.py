"""The server's jars (Maven Central, through ``neo4j/pom.xml``) and the Java that runs them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from kg.neo4j_server.base import DEFAULT_POM_DIR, LOG_TAIL_LINES, Neo4jServerError

__all__ = ["neo4j_version", "default_lib_dir", "ensure_jars", "java_executable", "classpath",
           "required_jars"]


def neo4j_version(pom_dir: Path = DEFAULT_POM_DIR) -> str:
    """The Neo4j version pinned in ``pom_dir/pom.xml`` (its ``neo4j.version`` property)."""
    pom = Path(pom_dir) / "pom.xml"
    try:
        text = pom.read_text(encoding="utf-8")
    except OSError as e:
        raise Neo4jServerError(f"cannot read {pom}: {e}. Pass pom_dir= (--pom-dir) the directory "
                               "holding rekg's neo4j/pom.xml.") from e
    m = re.search(r"<neo4j\.version>\s*([^<\s]+)\s*</neo4j\.version>", text)
    if not m:
        raise Neo4jServerError(f"{pom} has no <neo4j.version> property")
    return m.group(1)


def default_lib_dir(version: str, pom_dir: Path = DEFAULT_POM_DIR) -> Path:
    """Shared jar cache, so a throw-away home (tests, CI) does not copy 120 MB of jars again.
    Named by what the pom pins (``neo4j-5.26.30-browser-5.24.0``): a cache filled for other
    pins is never replaced under a server that runs from it."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    name = f"neo4j-{version}"
    try:
        m = re.search(r"<neo4j-browser\.version>\s*([^<\s]+)", (Path(pom_dir) / "pom.xml").read_text(encoding="utf-8"))
    except OSError:
        m = None
    if m:
        name += f"-browser-{m.group(1)}"
    return Path(cache) / "rekg" / name / "lib"


def required_jars(pom_dir: Path) -> list[str]:
    """File names of the jars a pom's direct dependencies copy to (``artifactId-version.jar``,
    properties substituted): the server and Neo4j Browser for ``neo4j/``, cypher-shell for
    ``neo4j/cypher-shell/``. A cache missing any of them is fetched again."""
    text = (Path(pom_dir) / "pom.xml").read_text(encoding="utf-8")
    props = dict(re.findall(r"<([\w.-]+)>\s*([^<\s]+)\s*</\1>", _section(text, "properties")))
    out = []
    for dep in re.findall(r"<dependency>(.*?)</dependency>", text, re.S):
        artifact = re.search(r"<artifactId>\s*([^<\s]+)", dep)
        version = re.search(r"<version>\s*([^<\s]+)", dep)
        if artifact and version:
            v = re.sub(r"\$\{([^}]+)\}", lambda m: props.get(m.group(1), m.group(0)), version.group(1))
            out.append(f"{artifact.group(1)}-{v}.jar")
    return out


def _section(text: str, tag: str) -> str:
    m = re.search(rf"<{tag}>(.*?)</{tag}>", text, re.S)
    return m.group(1) if m else ""


def _jars_complete(lib_dir: Path, version: str | None, required: list[str] | None = None) -> bool:
    if not lib_dir.is_dir():
        return False
    if required:
        return all((lib_dir / name).is_file() for name in required)
    if version is None:
        return any(lib_dir.glob("*.jar"))
    return (lib_dir / f"neo4j-{version}.jar").is_file() and (
        lib_dir / f"neo4j-server-{version}.jar").is_file()


def ensure_jars(pom_dir: Path, lib_dir: Path) -> Path:
    """Make ``lib_dir`` hold the server's jars: run Maven's copy-dependencies if it is missing or
    empty (or holds another version's jars). Maven caches the downloads in ``~/.m2``, so this is
    slow only the very first time on a machine. Returns ``lib_dir``."""
    pom_dir, lib_dir = Path(pom_dir).resolve(), Path(lib_dir).expanduser().resolve()
    version = neo4j_version(pom_dir)
    required = required_jars(pom_dir)
    if _jars_complete(lib_dir, version, required):
        return lib_dir
    mvn = shutil.which("mvn")
    cmd_text = (f"mvn -q -B -f {pom_dir / 'pom.xml'} dependency:copy-dependencies "
                f"-DoutputDirectory={lib_dir}")
    if mvn is None:
        raise Neo4jServerError(
            "Maven (mvn) is not on PATH; it fetches the Neo4j server jars from Maven Central. "
            f"Install Maven 3.8+ (e.g. `apt-get install maven`) and Java 17, or run `{cmd_text}` "
            "yourself.")
    lib_dir.parent.mkdir(parents=True, exist_ok=True)
    # Copy into a private directory and rename it into place, so that an interrupted or concurrent
    # copy never leaves a half-filled lib_dir that looks complete.
    tmp = Path(tempfile.mkdtemp(prefix=f".{lib_dir.name}-", dir=lib_dir.parent))
    try:
        # -U: retry artifacts an earlier failed (e.g. offline) run recorded as missing in ~/.m2
        cmd = [mvn, "-q", "-B", "-U", "-Dstyle.color=never", "-f", str(pom_dir / "pom.xml"),
               "dependency:copy-dependencies", f"-DoutputDirectory={tmp}"]
        try:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, timeout=1800)
        except subprocess.TimeoutExpired as e:
            raise Neo4jServerError(f"`{cmd_text}` did not finish in 30 minutes") from e
        if proc.returncode != 0 or not _jars_complete(tmp, version, required):
            said = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout)
            tail = "\n".join(said.splitlines()[-LOG_TAIL_LINES:])
            raise Neo4jServerError(
                f"fetching the Neo4j {version} jars failed (exit {proc.returncode}): `{cmd_text}`. "
                "It needs Maven Central (or a filled ~/.m2). Maven said:\n" + tail)
        if lib_dir.exists() and not _jars_complete(lib_dir, version, required):
            shutil.rmtree(lib_dir)
        try:
            os.rename(tmp, lib_dir)
        except OSError as e:
            if not _jars_complete(lib_dir, version, required):  # else another process got there first
                raise Neo4jServerError(f"cannot move the jars into {lib_dir}: {e}") from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return lib_dir


# --------------------------------------------------------------------------- java


def java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        java = str(Path(java_home) / "bin" / "java")
    else:
        found = shutil.which("java")
        if found is None:
            raise Neo4jServerError("java is not on PATH (nor in $JAVA_HOME/bin): Neo4j 5.26 needs "
                                   "Java 17 or 21, e.g. `apt-get install openjdk-17-jre-headless`.")
        java = found
    try:
        out = subprocess.run([java, "-version"], stdin=subprocess.DEVNULL, capture_output=True,
                             text=True, timeout=60).stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Neo4jServerError(f"cannot run {java} -version: {e}") from e
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if m:
        major = int(m.group(1)) if m.group(1) != "1" else int(m.group(2) or 0)
        if major < 17:
            raise Neo4jServerError(f"{java} is Java {major}; Neo4j 5.26 needs Java 17 or 21. "
                                   "Set JAVA_HOME to a Java 17 or 21 install.")
    return java


def classpath(home: Path, lib_dir: Path) -> str:
    return os.pathsep.join([str(home / "plugins" / "*"), str(lib_dir / "*")])

