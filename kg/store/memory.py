"""The embedded store: a networkx MultiDiGraph in memory, saved as a JSON snapshot.

Nodes are entity ids (attribute ``entity``), edges are claims keyed by claim id
(attribute ``claim``). Every write builds the next graph beside the current one,
saves it atomically (temporary file, fsync, rename) and only then swaps it in, so
a failed write leaves both the process and the file as they were.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import StoreError
from kg.model import Batch, Claim, Entity
from kg.resolve import NameIndex
from kg.schema import load_schema
from kg.search import matches_text, score_keys, search_keys, search_text
from kg.store.base import SearchHit, Store, WriteResult, check_batch, referenced_ids
from kg.types import normalize_name

__all__ = ["MemoryStore", "SNAPSHOT_FORMAT"]

SNAPSHOT_FORMAT = "rekg-snapshot/1"


class MemoryStore(Store):
    """In-process store; ``path`` (optional) is the snapshot file it loads and saves."""

    kind = "memory"

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._swap(nx.MultiDiGraph())
        if path is not None and path.exists():
            self._load(path)

    # -- persistence -------------------------------------------------------------
    def _load(self, path: Path) -> None:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{path}: cannot read the snapshot ({exc}); "
                             "delete it and run `rekg build` again") from exc
        if raw.get("format") != SNAPSHOT_FORMAT:
            raise StoreError(f"{path}: not a {SNAPSHOT_FORMAT} snapshot; run `rekg build` again")
        graph = nx.MultiDiGraph()
        for item in raw["entities"]:
            entity = Entity.model_validate(item)
            graph.add_node(entity.id, entity=entity)
        for item in raw["claims"]:
            claim = Claim.model_validate(item)
            graph.add_edge(claim.subject, claim.object, key=claim.id, claim=claim)
        self._swap(graph)

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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".snapshot-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @property
    def revision(self) -> int | None:
        return self._revision

    def _swap(self, graph: nx.MultiDiGraph) -> None:
        self._revision = getattr(self, "_revision", 0) + 1
        self.graph = graph
        self._names = NameIndex(d["entity"] for _, d in graph.nodes(data=True))
        self._sorted = [graph.nodes[n]["entity"] for n in sorted(graph)]
        self._search_keys = []
        for entity in self._sorted:
            name, others = search_keys(entity)
            # every way score_keys can match needs a query word inside this text
            self._search_keys.append((entity, name, others, search_text(name, others)))

    # -- writing -----------------------------------------------------------------
    def _apply(self, graph: nx.MultiDiGraph, batch: Batch) -> None:
        for entity in batch.entities:
            graph.add_node(entity.id, entity=entity)
        for claim in batch.claims:
            graph.add_edge(claim.subject, claim.object, key=claim.id, claim=claim)

    def write(self, batch: Batch) -> WriteResult:
        check_batch(batch, self.existing(referenced_ids(batch)))
        graph = self.graph.copy()
        self._apply(graph, batch)
        self._save(graph)
        self._swap(graph)
        return WriteResult(len({e.id for e in batch.entities}), len({c.id for c in batch.claims}))

    def replace_all(self, batch: Batch) -> WriteResult:
        check_batch(batch, set())
        graph = nx.MultiDiGraph()
        self._apply(graph, batch)
        self._save(graph)
        self._swap(graph)
        return WriteResult(graph.number_of_nodes(), graph.number_of_edges())

    # -- reading -----------------------------------------------------------------
    def get(self, entity_id: str) -> Entity | None:
        node = self.graph.nodes.get(entity_id)
        return node["entity"] if node else None

    def existing(self, ids: Iterable[str]) -> set[str]:
        return {i for i in ids if i in self.graph}

    def entities(self, type: str | None = None) -> Iterator[Entity]:
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
        return self._names.lookup(name, type)

    def search(self, query: str, type: str | None = None, limit: int = 20) -> list[SearchHit]:
        q = normalize_name(query)
        words = q.split()
        hits = []
        for entity, name, others, text in self._search_keys:
            if (type is not None and entity.type != type) or not matches_text(words, text):
                continue
            score = score_keys(q, name, others, entity.type)
            if score > 0:
                hits.append(SearchHit(entity.id, entity.type, entity.name, score))
        hits.sort(key=lambda h: (-h.score, h.name, h.id))
        return hits[:limit]
