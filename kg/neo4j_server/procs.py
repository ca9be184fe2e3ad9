"""The server's processes (found by their command line in /proc) and its run files."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

from kg.neo4j_server.base import (
    ENTRY_POINT,
    INFO_FILE,
    LOCK_FILE,
    LOG_TAIL_LINES,
    PID_FILE,
    Neo4jServerError,
)


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
        return args is not None and ENTRY_POINT in args and f"--home-dir={home}" in args
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
