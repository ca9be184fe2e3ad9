"""The embedded store: a networkx MultiDiGraph in memory, saved as a JSON snapshot.

Nodes are entity ids (attribute ``entity``), edges are claims keyed by claim id
(attribute ``claim``). Every write builds the next graph beside the current one,
saves it atomically (temporary file, fsync, rename) and only then swaps it in, so
a failed write leaves both the process and the file as they were.

Several processes may share one snapshot (``rekg serve`` and ``rekg load`` at the same
time, API worker threads): every write holds a lock file (``graph.json.lock``, via
:mod:`filelock`) and an in-process lock for its whole read-modify-write, and first
reloads the snapshot if another writer replaced it (inode, mtime and size differ from what
this process last read or wrote). Reads reload a changed snapshot too, so a server sees
what the CLI wrote. Nothing is ever written from a stale graph.

A snapshot is checked with the same rules on the way out as on the way in (every record
re-validated from its JSON form, no NaN/Infinity), so a write can never produce a file
that a later read refuses. If the file is unreadable anyway (a disk fault, a hand edit),
opening it fails with one line that says so and where the previous snapshot is kept
(``graph.json.bak``, the snapshot before the last write); a running process keeps serving
its last good graph and refuses writes until the file is fixed. Temporary files that a
killed writer left behind (``.snapshot-*``) are removed by the next writer.
"""

from __future__ import annotations

import bisect
import itertools
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx
from filelock import FileLock, Timeout
from pydantic import ValidationError

from kg.errors import DataError, StoreError
from kg.model import Batch, Claim, Entity
from kg.resolve import NameIndex
from kg.schema import load_schema
from kg.search import score_keys, search_keys, search_text
from kg.store.base import (
    SearchHit,
    Store,
    WriteResult,
    check_batch,
    check_redefinitions,
    referenced_ids,
)
from kg.types import normalize_name

__all__ = ["MemoryStore", "SNAPSHOT_FORMAT", "LOCK_TIMEOUT"]

SNAPSHOT_FORMAT = "rekg-snapshot/1"
#: Seconds a writer waits for another process's write before giving up with an error.
LOCK_TIMEOUT = 300.0
_TMP_PREFIX = ".snapshot-"

log = logging.getLogger("rekg.store")


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a snapshot may hold")


def _signature(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


class MemoryStore(Store):
    """In-process store; ``path`` (optional) is the snapshot file it loads and saves."""

    kind = "memory"

    def __init__(self, path: Path | None = None, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._signature: tuple[int, int, int, int] | None = None
        self._warned: tuple[int, int, int, int] | None = None
        self._file_lock: FileLock | None = None
        self._lock_timeout = lock_timeout
        self._broken: StoreError | None = None
        self._swap(nx.MultiDiGraph())
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file_lock = FileLock(str(path.parent / f"{path.name}.lock"), thread_local=False)
            with self._lock:
                try:
                    self._refresh(strict=True)
                except StoreError as exc:
                    # reported by the first read or write; `rekg build` (replace_all) may still
                    # replace an unreadable snapshot
                    self._broken = exc

    # -- persistence -------------------------------------------------------------
    @property
    def backup_path(self) -> Path | None:
        """The snapshot as it was before the last write (a hard link, kept for recovery)."""
        return None if self.path is None else self.path.with_name(self.path.name + ".bak")

    def _refresh(self, strict: bool) -> None:
        """Reload the snapshot if it changed since this process last read or wrote it.

        ``strict``: an unreadable file raises :class:`StoreError` (opening, writing); else the
        last good graph stays in memory and the problem is logged once (reading)."""
        assert self.path is not None
        try:
            fh = open(self.path, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            if self._signature is not None:  # deleted under us: the graph is empty now
                self._signature = None
                self._swap(nx.MultiDiGraph())
            return
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read the snapshot ({exc.strerror})") from None
        with fh:
            sig = _signature(os.fstat(fh.fileno()))
            if sig == self._signature:
                return
            try:
                graph = self._parse(fh.read())
            except StoreError as exc:
                if strict:
                    self._broken = exc
                    raise
                if self._warned != sig:
                    self._warned = sig
                    log.error("%s; still serving the last graph read", exc)
                return
        self._swap(graph)
        self._signature = sig
        self._broken = None

    def _unreadable(self, reason: str) -> StoreError:
        bak = self.backup_path
        keep = (f"the snapshot before the last write is kept in {bak} (`mv {bak} {self.path}` restores it)"
                if bak is not None and bak.exists() else "run `rekg build` to make a new one")
        return StoreError(f"{self.path}: unreadable snapshot ({reason}); it was left as is; {keep}")

    def _parse(self, data: bytes) -> nx.MultiDiGraph:
        try:
            raw = json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise self._unreadable(f"not JSON: {exc}") from None
        if not isinstance(raw, dict) or raw.get("format") != SNAPSHOT_FORMAT:
            raise self._unreadable(f"not a {SNAPSHOT_FORMAT} snapshot")
        entities, claims = raw.get("entities"), raw.get("claims")
        if not isinstance(entities, list) or not isinstance(claims, list):
            raise self._unreadable("'entities' and 'claims' must be lists")
        graph = nx.MultiDiGraph()
        for kind, items, model in (("entity", entities, Entity), ("claim", claims, Claim)):
            for i, item in enumerate(items):
                try:
                    record = model.model_validate(item)
                except ValidationError as exc:
                    first = exc.errors()[0]
                    inner = (first.get("ctx") or {}).get("error")
                    what = str(inner) if inner is not None else first.get("msg", "invalid")
                    ident = item.get("id") if isinstance(item, dict) else None
                    raise self._unreadable(f"{kind} #{i} {ident or ''}: {what}".replace("  ", " ")) from None
                if isinstance(record, Entity):
                    graph.add_node(record.id, entity=record)
                else:
                    if record.subject not in graph or record.object not in graph:
                        raise self._unreadable(f"claim #{i} {record.id} refers to an entity the snapshot lacks")
                    graph.add_edge(record.subject, record.object, key=record.id, claim=record)
        return graph

    def _clean_temp_files(self) -> None:
        """Remove temporary snapshots a killed writer left (call with the file lock held)."""
        assert self.path is not None
        for stale in self.path.parent.glob(_TMP_PREFIX + "*"):
            stale.unlink(missing_ok=True)

    def _save(self, graph: nx.MultiDiGraph) -> None:
        if self.path is None:
            return
        payload = {
            "format": SNAPSHOT_FORMAT,
            "schema_version": load_schema().version,
            "entities": [graph.nodes[n]["entity"].model_dump(mode="json") for n in sorted(graph)],
            "claims": sorted(
                (d["claim"].model_dump(mode="json", exclude_none=True)
                 for _, _, d in graph.edges(data=True)),
                key=lambda c: c["id"],
            ),
        }
        try:
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except ValueError as exc:
            raise StoreError(f"{self.path}: not written: the graph holds a value JSON cannot keep ({exc})") from None
        fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            if self.path.exists():
                bak = self.backup_path
                assert bak is not None
                link = Path(tmp + ".bak")
                os.link(self.path, link)
                os.replace(link, bak)
            os.replace(tmp, self.path)
            self._signature = _signature(os.stat(self.path))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            Path(tmp + ".bak").unlink(missing_ok=True)
            raise

    @property
    def revision(self) -> int | None:
        return self._revision

    def _swap(self, graph: nx.MultiDiGraph) -> None:
        self._revision = getattr(self, "_revision", 0) + 1
        self.graph = graph
        self._names = NameIndex(d["entity"] for _, d in graph.nodes(data=True))
        self._sorted = [graph.nodes[n]["entity"] for n in sorted(graph)]
        self._folded = {n.lower(): n for n in graph}
        self._search_keys = []
        for entity in self._sorted:
            name, others = search_keys(entity)
            self._search_keys.append((entity, name, others))
        # every way score_keys can match needs a query word inside an entity's search_text: all
        # of them in one string, one per line (a normalized word holds no newline, so a hit
        # never spans two entities), and where each starts, to find a hit's entity by bisection
        texts = [search_text(name, others) for _, name, others in self._search_keys]
        self._search_corpus = "\n".join(texts)
        self._search_starts = list(itertools.accumulate((len(t) + 1 for t in texts[:-1]), initial=0))

    def _fresh(self) -> None:
        """Before a read: pick up another process's write (unless a write here is under way)."""
        if self.path is None:
            return
        try:
            same = _signature(os.stat(self.path)) == self._signature
        except OSError:
            same = self._signature is None
        if same and self._broken is None:
            return
        if not self._lock.acquire(blocking=False):
            if self._broken is not None:
                raise self._broken
            return
        try:
            self._refresh(strict=self._broken is not None)
        finally:
            self._lock.release()

    def _writing(self, replacing: bool = False) -> _WriteLock:
        return _WriteLock(self, replacing)

    # -- writing -----------------------------------------------------------------
    def _apply(self, graph: nx.MultiDiGraph, batch: Batch) -> None:
        for entity in batch.entities:
            graph.add_node(entity.id, entity=entity)
        for claim in batch.claims:
            graph.add_edge(claim.subject, claim.object, key=claim.id, claim=claim)

    @staticmethod
    def _check_roundtrip(batch: Batch) -> None:
        """Each record must come back equal from its snapshot JSON (the read rules apply on write)."""
        where = batch.origin or "batch"
        for model, records in ((Entity, batch.entities), (Claim, batch.claims)):
            for record in records:
                dumped = record.model_dump(mode="json", exclude_none=True)
                try:
                    ok = model.model_validate(json.loads(json.dumps(dumped, allow_nan=False))) == record
                except (ValueError, ValidationError):
                    ok = False
                if not ok:
                    raise DataError(where, f"{record.id} holds a value the snapshot cannot keep "
                                           "(a number that is not finite?)")

    def write(self, batch: Batch, *, replace: bool = False) -> WriteResult:
        self._check_roundtrip(batch)
        with self._writing():
            check_batch(batch, self.existing(referenced_ids(batch)))
            ids = {e.id for e in batch.entities}
            stored = {i: self.graph.nodes[i]["entity"] for i in ids if i in self.graph}
            folded = {i.lower(): self._folded[i.lower()] for i in ids if i.lower() in self._folded}
            replaced = check_redefinitions(batch, stored, folded, replace)
            graph = self.graph.copy()
            retracted = 0
            if batch.supersedes:
                old = [(u, v, k) for u, v, k, c in graph.edges(keys=True, data="claim")
                       if c.sources == [batch.supersedes]]
                graph.remove_edges_from(old)
                retracted = len(old)
            self._apply(graph, batch)
            self._save(graph)
            self._swap(graph)
        return WriteResult(len(ids), len({c.id for c in batch.claims}), replaced, retracted)

    def replace_all(self, batch: Batch) -> WriteResult:
        self._check_roundtrip(batch)
        check_batch(batch, set())
        graph = nx.MultiDiGraph()
        self._apply(graph, batch)
        with self._writing(replacing=True):
            self._save(graph)
            self._swap(graph)
            self._broken = None
        return WriteResult(graph.number_of_nodes(), graph.number_of_edges())

    # -- reading -----------------------------------------------------------------
    def get(self, entity_id: str) -> Entity | None:
        self._fresh()
        node = self.graph.nodes.get(entity_id)
        return node["entity"] if node else None

    def existing(self, ids: Iterable[str]) -> set[str]:
        self._fresh()
        return {i for i in ids if i in self.graph}

    def entities(self, type: str | None = None) -> Iterator[Entity]:
        self._fresh()
        for entity in self._sorted:
            if type is None or entity.type == type:
                yield entity

    def claims(
        self,
        subject: str | None = None,
        predicate: str | None = None,
        object: str | None = None,
        as_of: str | None = None,
    ) -> Iterator[Claim]:
        self._fresh()
        if subject is not None:
            if subject not in self.graph:
                return
            edges: Iterable[Any] = self.graph.out_edges(subject, data="claim")
        elif object is not None:
            if object not in self.graph:
                return
            edges = self.graph.in_edges(object, data="claim")
        else:
            edges = self.graph.edges(data="claim")
        found = [
            c for _, _, c in edges
            if (predicate is None or c.predicate == predicate)
            and (object is None or c.object == object)
            and c.holds_on(as_of)
        ]
        yield from sorted(found, key=lambda c: c.id)

    def lookup(self, name: str, type: str | None = None) -> list[str]:
        self._fresh()
        return self._names.lookup(name, type)

    def search(self, query: str, type: str | None = None, limit: int = 20) -> list[SearchHit]:
        self._fresh()
        q = normalize_name(query)
        hits = []
        for i in self._search_candidates(q.split()):
            entity, name, others = self._search_keys[i]
            if type is not None and entity.type != type:
                continue
            score = score_keys(q, name, others, entity.type)
            if score > 0:
                hits.append(SearchHit(entity.id, entity.type, entity.name, score))
        hits.sort(key=lambda h: (-h.score, h.name, h.id))
        return hits[:limit]

    def _search_candidates(self, words: list[str]) -> list[int]:
        """Indexes (into ``_search_keys``) of the entities whose search text holds one of
        ``words`` as a substring — :func:`kg.search.matches_text` for all of them at once: one
        ``str.find`` per hit over the joined texts instead of a test per entity."""
        corpus, starts = self._search_corpus, self._search_starts
        found: set[int] = set()
        for word in set(words):
            at = corpus.find(word)
            while at >= 0:
                i = bisect.bisect_right(starts, at) - 1
                found.add(i)
                if i + 1 >= len(starts):
                    break
                at = corpus.find(word, starts[i + 1])  # the next entity's text
        return sorted(found)


class _WriteLock:
    """Held for a whole read-modify-write: the in-process lock, then the lock file; on entry
    the snapshot is reloaded if another process replaced it and stale temp files are removed."""

    def __init__(self, store: MemoryStore, replacing: bool) -> None:
        self.store = store
        self.replacing = replacing

    def __enter__(self) -> None:
        store = self.store
        store._lock.acquire()
        if store._file_lock is None:
            return
        try:
            store._file_lock.acquire(timeout=store._lock_timeout)
        except Timeout:
            store._lock.release()
            raise StoreError(f"{store.path}: another rekg process has been writing it for "
                             f"{store._lock_timeout:.0f} s (lock {store._file_lock.lock_file}); "
                             "try again when it finishes") from None
        except BaseException:
            store._lock.release()
            raise
        try:
            store._clean_temp_files()
            if not self.replacing:
                store._refresh(strict=True)
        except BaseException:
            self.__exit__()
            raise

    def __exit__(self, *exc: object) -> None:
        if self.store._file_lock is not None:
            self.store._file_lock.release()
        self.store._lock.release()
