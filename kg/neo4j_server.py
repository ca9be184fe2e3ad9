"""Start, stop and query the status of a local Neo4j Community server run from Maven Central jars.

The server is Neo4j Community 5.26 LTS, pinned in ``neo4j/pom.xml`` and fetched by Maven into a
shared cache (``~/.cache/rekg/neo4j-<version>/lib``); no Docker, no tarball. Each server lives in a
*home* directory::

    H/conf/neo4j.conf          written by start() on every start
    H/data  H/logs  H/run      the server's own files (H/logs/console.log: its stdout/stderr)
    H/plugins  H/import        put plugin jars (e.g. APOC) in H/plugins
    H/run/rekg-neo4j.pid       the JVM's PID, written by start(), removed by stop()
    H/run/rekg-neo4j.json      uri, port, auth, pid, version of the running server

Library use::

    info = start(home, pom_dir=REPO / "neo4j", password="...")   # or auth=False
    ...  neo4j.GraphDatabase.driver(info.uri, auth=("neo4j", "...")) ...
    stop(home)

Command line (for the Makefile and CI; ``start`` prints only the URI on stdout)::

    python -m kg.neo4j_server start  --home H [--port P] [--no-auth] [--password X]
    python -m kg.neo4j_server status --home H
    python -m kg.neo4j_server stop   --home H
    python -m kg.neo4j_server jars                 # fetch the jars only (prints their directory)

See ``neo4j/README.md`` for the configuration chosen and why.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Neo4jServerError",
    "ServerInfo",
    "DEFAULT_POM_DIR",
    "neo4j_version",
    "default_lib_dir",
    "ensure_jars",
    "start",
    "stop",
    "status",
    "main",
]

#: ``neo4j/`` at the repository root: the pom that pins the server version.
DEFAULT_POM_DIR = Path(__file__).resolve().parent.parent / "neo4j"

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
USER = "neo4j"

PID_FILE = "rekg-neo4j.pid"
INFO_FILE = "rekg-neo4j.json"
LOCK_FILE = "rekg-neo4j.lock"
CONSOLE_LOG = "console.log"
LOG_TAIL_LINES = 30

#: Memory for a 2-core / 24 GiB machine shared with the test suite (see neo4j/README.md).
HEAP_INITIAL = "512m"
HEAP_MAX = "1g"
PAGECACHE = "512m"

#: JVM flags. The --add-opens are the ones Neo4j's own launcher passes on Java 17+: without
#: java.nio the page cache falls back to a slower mode (it logs a WARN, it does not fail), without
#: sun.nio.ch / java.io the native transaction-log preallocation and fadvise calls fail with
#: "Incorrect file descriptor". The rest mirror the launcher's defaults.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)

_MEMORY_RE = re.compile(r"^\s*(\d+)\s*([kKmMgGtT]?)[bB]?\s*$")


class Neo4jServerError(RuntimeError):
    """A local Neo4j server could not be fetched, started or stopped; the message says what to do."""


@dataclass(frozen=True)
class ServerInfo:
    uri: str
    pid: int
    home: Path
    port: int
    auth: bool


# --------------------------------------------------------------------------- jars


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


def default_lib_dir(version: str) -> Path:
    """Shared jar cache, so a throw-away home (tests, CI) does not copy 120 MB of jars again."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "rekg" / f"neo4j-{version}" / "lib"


def _jars_complete(lib_dir: Path, version: str | None) -> bool:
    if not lib_dir.is_dir():
        return False
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
    if _jars_complete(lib_dir, version):
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
        if proc.returncode != 0 or not _jars_complete(tmp, version):
            said = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout)
            tail = "\n".join(said.splitlines()[-LOG_TAIL_LINES:])
            raise Neo4jServerError(
                f"fetching the Neo4j {version} jars failed (exit {proc.returncode}): `{cmd_text}`. "
                "It needs Maven Central (or a filled ~/.m2). Maven said:\n" + tail)
        if lib_dir.exists() and not _jars_complete(lib_dir, version):
            shutil.rmtree(lib_dir)
        try:
            os.rename(tmp, lib_dir)
        except OSError as e:
            if not _jars_complete(lib_dir, version):  # else another process got there first
                raise Neo4jServerError(f"cannot move the jars into {lib_dir}: {e}") from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return lib_dir


# --------------------------------------------------------------------------- java


def _java() -> str:
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


def _classpath(home: Path, lib_dir: Path) -> str:
    return os.pathsep.join([str(home / "plugins" / "*"), str(lib_dir / "*")])


# --------------------------------------------------------------------------- config


def _config(home: Path, port: int, auth: bool, extra: Mapping[str, str] | None) -> dict[str, str]:
    conf = {
        # Bolt only, on loopback. The HTTP API and Browser are not used by rekg.
        "server.default_listen_address": "127.0.0.1",
        "server.default_advertised_address": "127.0.0.1",
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.bolt.advertised_address": f"127.0.0.1:{port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        # Small, fixed memory: the machine is shared with the test suite and other services.
        "server.memory.heap.initial_size": HEAP_INITIAL,
        "server.memory.heap.max_size": HEAP_MAX,
        "server.memory.pagecache.size": PAGECACHE,
        # A runaway query must not hang a test run or the API.
        "db.transaction.timeout": "60s",
        "db.lock.acquisition.timeout": "60s",
        "db.tx_log.rotation.retention_policy": "1G size",
        "dbms.security.auth_enabled": "true" if auth else "false",
        # No traffic leaves this machine.
        "dbms.usage_report.enabled": "false",
        # Everything under the home.
        "server.directories.data": str(home / "data"),
        "server.directories.logs": str(home / "logs"),
        "server.directories.run": str(home / "run"),
        "server.directories.plugins": str(home / "plugins"),
        "server.directories.import": str(home / "import"),
        "server.directories.lib": str(home / "lib"),
        # Bolt's shutdown otherwise waits 2 x 5 s for idle connections and Netty's quiet period:
        # stop() takes ~1.5 s instead of ~12 s.
        "internal.dbms.bolt.netty_server_shutdown_quiet_period": "0",
        "internal.dbms.bolt.netty_server_shutdown_timeout": "2",
        "internal.server.bolt.connection_shutdown_wait_time": "1s",
        "internal.server.bolt.thread_pool_shutdown_wait_time": "1s",
    }
    if extra:
        conf.update({str(k): str(v) for k, v in extra.items()})
    return conf


def _write_config(home: Path, conf: Mapping[str, str]) -> Path:
    path = home / "conf" / "neo4j.conf"
    lines = ["# Written by kg/neo4j_server.py on every start: edits here are overwritten.",
             "# Pass extra settings with start(..., config={...}) instead.", ""]
    lines += [f"{k}={v}" for k, v in conf.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _jvm_memory(value: str) -> str:
    """'512m' / '1g' / '1GiB' in neo4j.conf -> '512m' / '1g' for -Xms/-Xmx."""
    m = _MEMORY_RE.match(value.replace("i", "").replace("I", ""))
    if not m:
        raise Neo4jServerError(f"cannot read the memory size {value!r} (use e.g. 512m or 1g)")
    return m.group(1) + m.group(2).lower()


# --------------------------------------------------------------------------- processes


def _cmdline(pid: int) -> list[str] | None:
    """The process's argv, or None if it is gone, a zombie or unreadable."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return None
    except OSError:
        return None
    if not raw:  # zombie or kernel thread
        return None
    return raw.decode("utf-8", "replace").split("\0")


def _proc_available() -> bool:
    return Path("/proc/self/cmdline").exists()


def _is_server_jvm(pid: int, home: Path) -> bool:
    """True if ``pid`` is a live Neo4j JVM whose home is ``home`` (guards against PID reuse)."""
    if pid <= 0:
        return False
    _reap(pid)
    if _proc_available():
        args = _cmdline(pid)
        return bool(args) and ENTRY_POINT in args and f"--home-dir={home}" in args
    try:  # no /proc (macOS): trust the PID file
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _server_jvms(home: Path) -> list[int]:
    """Every live Neo4j JVM started for ``home`` (from any PID file or none)."""
    if not _proc_available():
        return []
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            args = _cmdline(int(entry.name))
            if args and ENTRY_POINT in args and f"--home-dir={home}" in args:
                found.append(int(entry.name))
    return found


def _reap(pid: int) -> None:
    """Collect ``pid``'s exit status if it is our own child, so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    except OSError:
        pass


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


def _terminate(pids: list[int], home: Path, timeout: float) -> None:
    """SIGTERM, wait up to ``timeout`` s, then SIGKILL (with its process group if it leads one)."""
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_is_server_jvm(p, home) for p in pids):
        time.sleep(0.1)
    left = [p for p in pids if _is_server_jvm(p, home)]
    for pid in left:
        with contextlib.suppress(OSError):
            if os.getpgid(pid) == pid:  # start() makes the JVM lead its own process group
                os.killpg(pid, signal.SIGKILL)
        _signal(pid, signal.SIGKILL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_is_server_jvm(p, home) for p in left):
        time.sleep(0.1)


# --------------------------------------------------------------------------- files


def _run_dir(home: Path) -> Path:
    return home / "run"


def _read_pid(home: Path) -> int | None:
    try:
        return int((_run_dir(home) / PID_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def _read_info(home: Path) -> dict | None:
    try:
        data = json.loads((_run_dir(home) / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _clear_run_files(home: Path) -> None:
    for name in (PID_FILE, INFO_FILE):
        with contextlib.suppress(FileNotFoundError):
            (_run_dir(home) / name).unlink()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@contextlib.contextmanager
def _locked(home: Path, timeout: float) -> Iterator[None]:
    """Serialise start/stop on one home across processes."""
    run = _run_dir(home)
    run.mkdir(parents=True, exist_ok=True)
    with open(run / LOCK_FILE, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() > deadline:
                    raise Neo4jServerError(
                        f"another process is starting or stopping the Neo4j server in {home} "
                        f"(it holds {run / LOCK_FILE}); try again when it is done") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _log_tail(path: Path, offset: int = 0, lines: int = LOG_TAIL_LINES) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return f"(no log at {path})"
    tail = text.splitlines()[-lines:]
    return "\n".join(tail) if tail else f"(the log {path} is empty)"


# --------------------------------------------------------------------------- bolt


def _bolt_answers(port: int, timeout: float = 1.0) -> bool:
    """A Bolt handshake on 127.0.0.1:port (no credentials needed): does a Bolt server answer?"""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            # magic, then four version proposals: 5.0-5.8, 4.4, none, none
            s.sendall(b"\x60\x60\xb0\x17" + b"\x00\x08\x08\x05" + b"\x00\x00\x04\x04" + b"\x00" * 8)
            got = b""
            while len(got) < 4:
                chunk = s.recv(4 - len(got))
                if not chunk:
                    return False
                got += chunk
            return got != b"\x00\x00\x00\x00"
    except OSError:
        return False


def _query_ok(uri: str, auth: bool, password: str | None) -> None:
    """Open a session and run ``RETURN 1``; raises the driver's exception if it cannot."""
    from neo4j import GraphDatabase

    credentials = (USER, password or "") if auth else None
    with GraphDatabase.driver(uri, auth=credentials, connection_timeout=5.0,
                              connection_acquisition_timeout=10.0) as driver:
        driver.verify_connectivity()
        with driver.session() as session:
            record = session.run("RETURN 1 AS ok").single()
            if record is None or record["ok"] != 1:
                raise RuntimeError("RETURN 1 returned no row")


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _previous_port(home: Path) -> int | None:
    try:
        text = (home / "conf" / "neo4j.conf").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(r"^server\.bolt\.listen_address=.*:(\d+)\s*$", text, re.MULTILINE)
    return int(m.group(1)) if m else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- public API


def status(home: Path) -> ServerInfo | None:
    """The server recorded for ``home`` if its JVM is alive and Bolt answers on its port, else None."""
    home = Path(home).expanduser().resolve()
    pid, info = _read_pid(home), _read_info(home)
    if pid is None or info is None or info.get("pid") != pid:
        return None
    if not _is_server_jvm(pid, home):
        return None
    try:
        port = int(info["port"])
    except (KeyError, TypeError, ValueError):
        return None
    if not _bolt_answers(port):
        return None
    return ServerInfo(uri=str(info.get("uri") or f"bolt://127.0.0.1:{port}"), pid=pid, home=home,
                      port=port, auth=bool(info.get("auth", True)))


def start(
    home: Path,
    *,
    pom_dir: Path = DEFAULT_POM_DIR,
    port: int | None = None,
    password: str | None = None,
    auth: bool = True,
    timeout: float = 180.0,
    lib_dir: Path | None = None,
    config: Mapping[str, str] | None = None,
) -> ServerInfo:
    """Start a Neo4j server for ``home`` (created if missing) and wait until Bolt answers a query.

    Idempotent: if a live server is recorded for ``home`` it is returned as is (an explicit
    ``port`` or ``auth`` that differs from it is an error: stop it first). ``port=None`` reuses
    the home's previous port if it is free, else picks a free one. With ``auth`` (the default)
    the user is ``neo4j`` and ``password`` (8+ characters) becomes its initial password; a home
    whose password was already set keeps it, and a different one is reported as wrong.
    ``lib_dir`` defaults to the shared jar cache; ``config`` adds or overrides ``neo4j.conf``
    settings. On failure the JVM is killed and Neo4jServerError carries the tail of its log.
    """
    home = Path(home).expanduser().resolve()
    t0 = time.monotonic()
    with _locked(home, timeout):
        running = status(home)
        if running is not None:
            if port is not None and port != running.port:
                raise Neo4jServerError(
                    f"a Neo4j server for {home} is already running on port {running.port}, not "
                    f"{port}: stop it first (python -m kg.neo4j_server stop --home {home})")
            if auth != running.auth:
                raise Neo4jServerError(
                    f"a Neo4j server for {home} is already running with auth "
                    f"{'on' if running.auth else 'off'}: stop it first "
                    f"(python -m kg.neo4j_server stop --home {home})")
            if auth and password is not None:
                _check_password(running.uri, password, home)
            return running

        # Anything left from an earlier run: a dead PID file, or a JVM that no longer answers but
        # still holds data/databases/store_lock.
        stale = sorted(set(_server_jvms(home)) | (
            {p} if (p := _read_pid(home)) is not None and _is_server_jvm(p, home) else set()))
        if stale:
            print(f"neo4j: stopping unresponsive server JVM(s) {stale} for {home}", file=sys.stderr)
            _terminate(stale, home, 30.0)
        _clear_run_files(home)

        if port is None:  # the home's previous port if it is free (a stable URI), else any
            port = _previous_port(home)
            if port is None or not _port_free(port):
                port = _free_port()
        elif not _port_free(port):
            raise Neo4jServerError(f"port {port} on 127.0.0.1 is already in use: pick another "
                                   "(--port) or leave it out to get a free one")

        version = neo4j_version(pom_dir)
        lib = ensure_jars(pom_dir, lib_dir if lib_dir is not None else default_lib_dir(version))
        java = _java()
        for sub in ("conf", "data", "logs", "run", "plugins", "import", "lib"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        conf = _config(home, port, auth, config)
        _write_config(home, conf)

        fresh = not (home / "data" / "databases" / "system").exists()
        if auth:
            if password is None:
                if fresh:
                    raise Neo4jServerError(
                        f"{home} has no database yet and auth is on: give the initial password "
                        "for user neo4j (password=, --password or REKG_NEO4J_PASSWORD), or "
                        "auth=False (--no-auth)")
            elif not _auth_ini_matches(home, password):
                _set_initial_password(java, lib, home, password)

        log_path = home / "logs" / CONSOLE_LOG
        cmd = [java, f"-Xms{_jvm_memory(conf['server.memory.heap.initial_size'])}",
               f"-Xmx{_jvm_memory(conf['server.memory.heap.max_size'])}", *JVM_FLAGS,
               "-cp", _classpath(home, lib), ENTRY_POINT, f"--home-dir={home}",
               f"--config-dir={home / 'conf'}", "--console-mode"]
        with open(log_path, "ab") as log:
            log.write(f"\n=== kg.neo4j_server start {time.strftime('%Y-%m-%d %H:%M:%S')}: "
                      f"{' '.join(cmd)}\n".encode())
            log.flush()
            offset = log.tell()
            try:
                proc = subprocess.Popen(cmd, cwd=home, stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True,
                                        close_fds=True)
            except OSError as e:
                raise Neo4jServerError(f"cannot run {java}: {e}") from e
        _CHILDREN[proc.pid] = proc
        _write_atomic(_run_dir(home) / PID_FILE, f"{proc.pid}\n")
        uri = f"bolt://127.0.0.1:{port}"

        try:
            # the deadline counts from the launch: a first-time jar download does not eat into it
            _wait_ready(proc, uri, port, auth, password, home, log_path, offset,
                        deadline=time.monotonic() + timeout)
        except BaseException:
            _terminate([proc.pid], home, 5.0)
            _clear_run_files(home)
            raise
        info = ServerInfo(uri=uri, pid=proc.pid, home=home, port=port, auth=auth)
        _write_atomic(_run_dir(home) / INFO_FILE, json.dumps({
            "uri": uri, "port": port, "auth": auth, "pid": proc.pid, "home": str(home),
            "version": version, "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "start_seconds": round(time.monotonic() - t0, 2),
        }, indent=2) + "\n")
        return info


def stop(home: Path, timeout: float = 60.0) -> bool:
    """Stop the server of ``home``: SIGTERM by PID, wait up to ``timeout`` s, then SIGKILL.
    Removes the PID file. False if nothing was running."""
    home = Path(home).expanduser().resolve()
    if not _run_dir(home).is_dir():
        return False
    with _locked(home, timeout + 30.0):
        pids = set(_server_jvms(home))
        pid = _read_pid(home)
        if pid is not None and _is_server_jvm(pid, home):
            pids.add(pid)
        if pids:
            _terminate(sorted(pids), home, timeout)
            for p in pids:
                _CHILDREN.pop(p, None)
        _clear_run_files(home)
        return bool(pids)


#: Popen objects of the servers this process started (kept so they are reaped, not GC-warned).
_CHILDREN: dict[int, subprocess.Popen] = {}


def _set_initial_password(java: str, lib: Path, home: Path, password: str) -> None:
    """``neo4j-admin dbms set-initial-password``: writes data/dbms/auth.ini, which the server reads
    when user neo4j still has its initial password (a fresh home); otherwise it has no effect."""
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    cmd = [java, "-Xmx256m", *JVM_FLAGS, "-cp", _classpath(home, lib), ADMIN_TOOL, "dbms",
           "set-initial-password", password]
    try:
        proc = subprocess.run(cmd, cwd=home, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired as e:
        raise Neo4jServerError("neo4j-admin dbms set-initial-password did not finish in 5 minutes"
                               ) from e
    if proc.returncode != 0:
        said = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-LOG_TAIL_LINES:]
        raise Neo4jServerError("setting the initial Neo4j password failed (neo4j-admin dbms "
                               f"set-initial-password, exit {proc.returncode}):\n"
                               + "\n".join(said).replace(password, "***"))


def _auth_ini_matches(home: Path, password: str) -> bool:
    """True if data/dbms/auth.ini (left by an earlier set-initial-password) already holds
    ``password`` for user neo4j, so the extra JVM run can be skipped. Its credentials are
    ``SHA-256,<hash>,<salt>,<iterations>``: SHA-256 of salt + password, re-hashed iterations-1
    times. Any doubt answers False, and set-initial-password runs."""
    try:
        for line in (home / "data" / "dbms" / "auth.ini").read_text(encoding="utf-8").splitlines():
            user, _, rest = line.partition(":")
            if user != USER:
                continue
            algorithm, hexhash, hexsalt, iterations = rest.split(":")[0].split(",")
            if algorithm != "SHA-256":
                return False
            digest = hashlib.sha256(bytes.fromhex(hexsalt) + password.encode("utf-8")).digest()
            for _ in range(int(iterations) - 1):
                digest = hashlib.sha256(digest).digest()
            return hmac.compare_digest(digest.hex(), hexhash.lower())
    except (OSError, ValueError):
        return False
    return False


def _check_password(uri: str, password: str, home: Path) -> None:
    from neo4j.exceptions import AuthError

    try:
        _query_ok(uri, True, password)
    except AuthError as e:
        raise Neo4jServerError(_wrong_password_message(home)) from e


def _wrong_password_message(home: Path) -> str:
    return (f"the password given is not the neo4j user's password in {home}: it was set when that "
            "home's database was first started, and an initial password only applies to a fresh "
            f"home. Use the old password, or delete {home / 'data'} to start over.")


def _wait_ready(proc: subprocess.Popen, uri: str, port: int, auth: bool, password: str | None,
                home: Path, log_path: Path, offset: int, deadline: float) -> None:
    from neo4j.exceptions import AuthError

    last_error: BaseException | None = None
    while True:
        code = proc.poll()
        if code is not None:
            raise Neo4jServerError(
                f"the Neo4j server for {home} exited with code {code} while starting. Last lines "
                f"of {log_path} (more in {home / 'logs' / 'debug.log'}):\n"
                + _log_tail(log_path, offset))
        if _bolt_answers(port):
            if auth and password is None:
                return  # an existing home with its own password: the handshake is all we can do
            try:
                _query_ok(uri, auth, password)
                return
            except AuthError as e:
                raise Neo4jServerError(_wrong_password_message(home)) from e
            except Exception as e:  # still starting: ServiceUnavailable, DatabaseUnavailable, ...
                last_error = e
        if time.monotonic() > deadline:
            why = f" (last error: {type(last_error).__name__}: {last_error})" if last_error else ""
            raise Neo4jServerError(
                f"the Neo4j server for {home} did not answer on {uri} in time{why}; it was "
                f"killed. Raise the timeout on a slow machine. Last lines of {log_path} (more in "
                f"{home / 'logs' / 'debug.log'}):\n" + _log_tail(log_path, offset))
        time.sleep(0.25)


# --------------------------------------------------------------------------- command line


def _defaults() -> tuple[Path | None, str | None]:
    """Default home and password from rekg's settings (REKG_HOME, REKG_NEO4J_PASSWORD, .env)."""
    try:
        from kg.config import Settings

        s = Settings()
        return s.home / "neo4j", s.neo4j_password.get_secret_value()
    except Exception:  # settings unavailable: fall back on the environment alone
        home = os.environ.get("REKG_HOME")
        return (Path(home) / "neo4j" if home else None), os.environ.get("REKG_NEO4J_PASSWORD")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kg.neo4j_server",
        description="Run a local Neo4j Community server from Maven Central jars.")
    sub = parser.add_subparsers(dest="command", required=True)

    def add_home(p: argparse.ArgumentParser) -> None:
        p.add_argument("--home", type=Path, default=None,
                       help="server directory (default: $REKG_HOME/neo4j, i.e. rekg's home)")

    p_start = sub.add_parser("start", help="start (or find) the server; prints its URI on stdout")
    add_home(p_start)
    p_start.add_argument("--port", type=int, default=None, help="Bolt port (default: a free one)")
    p_start.add_argument("--no-auth", action="store_true", help="turn authentication off")
    p_start.add_argument("--password", default=None,
                         help="initial password of user neo4j (default: REKG_NEO4J_PASSWORD or "
                              "rekg's default)")
    p_start.add_argument("--pom-dir", type=Path, default=DEFAULT_POM_DIR)
    p_start.add_argument("--lib-dir", type=Path, default=None,
                         help="jar directory (default: ~/.cache/rekg/neo4j-<version>/lib)")
    p_start.add_argument("--timeout", type=float, default=180.0)
    p_start.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                         help="extra neo4j.conf setting (repeatable)")

    p_stop = sub.add_parser("stop", help="stop the server")
    add_home(p_stop)
    p_stop.add_argument("--timeout", type=float, default=60.0)

    p_status = sub.add_parser("status", help="print the URI if running (exit 0), else exit 3")
    add_home(p_status)

    p_jars = sub.add_parser("jars", help="fetch the server jars only; prints their directory")
    p_jars.add_argument("--pom-dir", type=Path, default=DEFAULT_POM_DIR)
    p_jars.add_argument("--lib-dir", type=Path, default=None)

    args = parser.parse_args(argv)
    try:
        if args.command == "jars":
            lib = args.lib_dir or default_lib_dir(neo4j_version(args.pom_dir))
            print(ensure_jars(args.pom_dir, lib))
            return 0
        default_home, default_password = _defaults()
        home = args.home or default_home
        if home is None:
            parser.error("--home is required (or set REKG_HOME)")
        if args.command == "start":
            extra = {}
            for item in args.conf:
                key, sep, value = item.partition("=")
                if not sep:
                    parser.error(f"--conf wants KEY=VALUE, got {item!r}")
                extra[key.strip()] = value.strip()
            t0 = time.monotonic()
            info = start(home, pom_dir=args.pom_dir, port=args.port,
                         password=None if args.no_auth else (args.password or default_password),
                         auth=not args.no_auth, timeout=args.timeout, lib_dir=args.lib_dir,
                         config=extra or None)
            print(f"neo4j: running for {info.home}, pid {info.pid}, auth "
                  f"{'on' if info.auth else 'off'} ({time.monotonic() - t0:.1f} s)", file=sys.stderr)
            print(info.uri, flush=True)
            return 0
        if args.command == "stop":
            stopped = stop(home, timeout=args.timeout)
            print("neo4j: stopped" if stopped else f"neo4j: nothing was running for {home}",
                  file=sys.stderr)
            return 0
        info = status(home)
        if info is None:
            print(f"neo4j: not running for {home}", file=sys.stderr)
            return 3
        print(f"neo4j: running for {info.home}, pid {info.pid}, auth "
              f"{'on' if info.auth else 'off'}", file=sys.stderr)
        print(info.uri)
        return 0
    except Neo4jServerError as e:
        print(f"neo4j: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
