"""Issue 13, defect 5: the embedded store never loses a write.

Writers in several processes and many threads share one snapshot; every write must be kept,
and a process must see what another wrote (a running server sees `rekg load`)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kg.errors import StoreError
from kg.model import Batch, make_entity
from kg.store.memory import MemoryStore


def source_batch(tag: str) -> Batch:
    """One Source entity: the smallest batch that needs nothing else in the graph."""
    return Batch(origin=tag, entities=[make_entity(
        id=f"source:{tag}", name=f"Test source {tag}",
        properties={"url": f"https://example.org/{tag}", "title": f"Test {tag}",
                    "published": "2025-01-01", "kind": "dataset"})])


_WRITER = """
import sys
from pathlib import Path
from kg.store.memory import MemoryStore
from tests.hardening.test_store_writers import source_batch
path, prefix, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for i in range(n):
    MemoryStore(path).write(source_batch(f"{prefix}-{i}"))   # a CLI: open, write, exit
"""


def test_two_processes_and_many_threads_lose_no_write(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    repo = Path(__file__).resolve().parents[2]
    other = subprocess.Popen([sys.executable, "-c", _WRITER, str(path), "proc", "40"], cwd=repo)
    server = MemoryStore(path)  # one long-lived store shared by threads, as `rekg serve` has
    errors: list[BaseException] = []

    def worker(t: int) -> None:
        try:
            for i in range(5):
                server.write(source_batch(f"thread{t}-{i}"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert other.wait(timeout=300) == 0
    assert not errors
    expected = {f"source:thread{t}-{i}" for t in range(16) for i in range(5)}
    expected |= {f"source:proc-{i}" for i in range(40)}
    assert {e.id for e in MemoryStore(path).entities()} == expected
    # the long-lived store sees the other process's writes without reopening
    assert {e.id for e in server.entities()} == expected


def test_server_sees_cli_write_and_does_not_erase_it(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    server = MemoryStore(path)
    server.write(source_batch("before"))
    MemoryStore(path).write(source_batch("from-cli"))           # `rekg load` while serving
    assert server.get("source:from-cli") is not None          # the server sees it
    server.write(source_batch("from-server"))                   # the server's next write
    ids = {e.id for e in MemoryStore(path).entities()}
    assert ids == {"source:before", "source:from-cli", "source:from-server"}


def test_unreadable_snapshot_one_line_keeps_last_good(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    server = MemoryStore(path)
    server.write(source_batch("a"))
    server.write(source_batch("b"))
    good = path.read_bytes()
    raw = json.loads(good)
    raw["entities"][0]["properties"]["published"] = None  # what a NaN used to become
    path.write_text(json.dumps(raw))
    # a new process: one line naming the file and the kept previous snapshot
    with pytest.raises(StoreError) as info:
        MemoryStore(path).stats()
    message = str(info.value)
    assert "\n" not in message and str(path) in message and "graph.json.bak" in message
    # the running process keeps its last good graph for reads and refuses to write over the file
    assert server.get("source:b") is not None
    with pytest.raises(StoreError, match="unreadable snapshot"):
        server.write(source_batch("c"))
    assert json.loads(path.read_text())["entities"][0]["properties"]["published"] is None
    # the kept snapshot restores the one before the last write
    (tmp_path / "graph.json.bak").replace(path)
    assert {e.id for e in MemoryStore(path).entities()} == {"source:a"}
    # `rekg build` (replace_all) may replace an unreadable snapshot
    path.write_text("{broken")
    rebuilt = MemoryStore(path)
    rebuilt.replace_all(source_batch("new"))
    assert {e.id for e in MemoryStore(path).entities()} == {"source:new"}


def test_killed_writer_temp_files_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    (tmp_path / ".snapshot-abc123").write_text("half a snapshot")
    MemoryStore(path).write(source_batch("x"))
    assert not list(tmp_path.glob(".snapshot-*"))


def test_nan_never_reaches_the_snapshot(tmp_path: Path) -> None:
    from kg.model import Entity

    path = tmp_path / "graph.json"
    store = MemoryStore(path)
    store.write(source_batch("ok"))
    # bypass validation as a buggy caller could: the write refuses it, the file stays readable
    bad = Entity.model_construct(id="source:nan", type="Source", name="n", aliases=[],
                                 properties={"url": "https://e.org", "title": "t",
                                             "published": "2025", "kind": "dataset",
                                             "note": float("nan")}, sources=[])
    with pytest.raises(Exception, match="cannot keep"):
        store.write(Batch(entities=[bad]))
    assert {e.id for e in MemoryStore(path).entities()} == {"source:ok"}
