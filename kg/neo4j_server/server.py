"""Start, stop and query the status of a local Neo4j server (see the package docstring)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from kg.neo4j_server.base import (
    ADMIN_TOOL,
    CONSOLE_LOG,
    DEFAULT_POM_DIR,
    ENTRY_POINT,
    INFO_FILE,
    LOG_TAIL_LINES,
    PID_FILE,
    USER,
    Neo4jServerError,
    ServerInfo,
)
from kg.neo4j_server.conf import JVM_FLAGS, jvm_memory, server_config, write_config
from kg.neo4j_server.jars import (
    classpath,
    default_lib_dir,
    ensure_jars,
    java_executable,
    neo4j_version,
)
from kg.neo4j_server.procs import (
    _clear_run_files,
    _is_server_jvm,
    _locked,
    _log_tail,
    _read_info,
    _read_pid,
    _run_dir,
    _server_jvms,
    _terminate,
    _write_atomic,
)

__all__ = ["status", "start", "stop"]



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


def _previous_port(home: Path, connector: str = "bolt") -> int | None:
    try:
        text = (home / "conf" / "neo4j.conf").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(rf"^server\.{connector}\.listen_address=.*:(\d+)\s*$", text, re.MULTILINE)
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
    http_port = info.get("http_port")
    return ServerInfo(uri=str(info.get("uri") or f"bolt://127.0.0.1:{port}"), pid=pid, home=home,
                      port=port, auth=bool(info.get("auth", True)),
                      http_port=int(http_port) if http_port else None)


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
    browser: bool = True,
) -> ServerInfo:
    """Start a Neo4j server for ``home`` (created if missing) and wait until Bolt answers a query.

    Idempotent: if a live server is recorded for ``home`` it is returned as is (an explicit
    ``port`` or ``auth`` that differs from it is an error: stop it first). ``port=None`` reuses
    the home's previous port if it is free, else picks a free one. With ``auth`` (the default)
    the user is ``neo4j`` and ``password`` (8+ characters) becomes its initial password; a home
    whose password was already set keeps it, and a different one is reported as wrong.
    ``lib_dir`` defaults to the shared jar cache; ``config`` adds or overrides ``neo4j.conf``
    settings. ``browser`` turns on the HTTP connector on 127.0.0.1 (a free port, the home's
    previous one when free) so Neo4j Browser is served at ``/browser/``; a running server is
    returned as it is, with or without it. On failure the JVM is killed and Neo4jServerError
    carries the tail of its log.
    """
    home = Path(home).expanduser().resolve()
    t0 = time.monotonic()
    with _locked(home, timeout):
        running = status(home)
        if running is not None:
            if port is not None and port != running.port:
                raise Neo4jServerError(
                    f"a Neo4j server for {home} is already running on port {running.port}, not "
                    f"{port}: stop it first (rekg neo4j stop --home {home})")
            if auth != running.auth:
                raise Neo4jServerError(
                    f"a Neo4j server for {home} is already running with auth "
                    f"{'on' if running.auth else 'off'}: stop it first "
                    f"(rekg neo4j stop --home {home})")
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
        lib = ensure_jars(pom_dir, lib_dir if lib_dir is not None else default_lib_dir(version, pom_dir))
        java = java_executable()
        for sub in ("conf", "data", "logs", "run", "plugins", "import", "lib"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        http_port = None
        if browser:
            http_port = _previous_port(home, "http")
            if http_port is None or http_port == port or not _port_free(http_port):
                http_port = _free_port()
                while http_port == port:
                    http_port = _free_port()
        conf = server_config(home, port, auth, config, http_port=http_port)
        write_config(home, conf)

        fresh = not (home / "data" / "databases" / "system").exists()
        if auth:
            if password is None:
                if fresh:
                    raise Neo4jServerError(
                        f"{home} has no database yet and auth is on: give the initial password "
                        "for user neo4j (password=, --password or REKG_NEO4J_PASSWORD), or "
                        "auth=False (--no-auth)")
            elif fresh or not (home / "data" / "dbms" / "auth.ini").exists():
                # Neo4j's own admin tool sets it; on a home whose password is already set it has
                # no effect, and a wrong password is then reported by the first query.
                _set_initial_password(java, lib, home, password)

        log_path = home / "logs" / CONSOLE_LOG
        cmd = [java, f"-Xms{jvm_memory(conf['server.memory.heap.initial_size'])}",
               f"-Xmx{jvm_memory(conf['server.memory.heap.max_size'])}", *JVM_FLAGS,
               "-cp", classpath(home, lib), ENTRY_POINT, f"--home-dir={home}",
               f"--config-dir={home / 'conf'}", "--console-mode"]
        with open(log_path, "ab") as log:
            log.write(f"\n=== rekg neo4j start {time.strftime('%Y-%m-%d %H:%M:%S')}: "
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
        info = ServerInfo(uri=uri, pid=proc.pid, home=home, port=port, auth=auth, http_port=http_port)
        _write_atomic(_run_dir(home) / INFO_FILE, json.dumps({
            "uri": uri, "port": port, "auth": auth, "pid": proc.pid, "home": str(home),
            "http_port": http_port, "browser": info.browser_url,
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
    cmd = [java, "-Xmx256m", *JVM_FLAGS, "-cp", classpath(home, lib), ADMIN_TOOL, "dbms",
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

