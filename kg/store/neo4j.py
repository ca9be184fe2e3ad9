"""The Neo4j store: the same interface as the embedded store, over Bolt.

Size (~440 lines, over the ~400 house limit): the store's writes and reads stay together
because each read decodes what a write encoded in the same module's Cypher; the codec
(:mod:`kg.store.neo4j_codec`) and the session/gateway layer (:mod:`kg.store.neo4j_gateway`) are
already apart.

Layout in Neo4j (what analysts see in Cypher):

- one node per entity, labelled with its type (``:Firm``, ``:Facility`` …); properties
  ``id``, ``name``, ``aliases``, ``sources`` (source ids) and the type's own properties.
  Properties starting with ``_`` are rekg's own: ``_keys`` (the normalized names it answers
  to, :func:`kg.resolve.name_keys`), ``_sname`` / ``_sothers`` (its search keys,
  :func:`kg.search.search_keys`) and ``_search`` (their text, in the full-text index), so
  neither lookups nor searches normalize anything at read time.
  Sources are ``:Source`` nodes with the same ``id`` the claims cite.
- one relationship per claim, typed by its predicate (``:PRODUCES`` …), with ``id`` (the
  claim id), the relation's properties, and the provenance: ``sources`` (ids of
  ``:Source`` nodes), ``confidence``, ``valid_from``, ``valid_to``, ``note``, ``quote``,
  and ``source_urls`` (each cited Source's URL, aligned with ``sources``, written from the
  Source records at write time: provenance in one hop).
  ``MATCH (a)-[r]->(b) UNWIND r.sources AS sid MATCH (s:Source {id: sid})`` walks to them.
- dates are ISO strings as rekg holds them; one complete to the day also has a Neo4j
  ``date`` companion ``<name>_date`` (:mod:`kg.store.neo4j_codec`). Reads leave the
  companions and ``source_urls`` out: records read back as the embedded store's.

Reads: one auto-commit query per call in a read-access session (one network round trip:
no BEGIN/COMMIT), retried on transient failures, with the driver's bookmark manager so that
on a cluster a read follows this process's own writes. ``show`` — ``GET /entities/{id}`` —
fetches the entity, its claims and their other ends in that one query.

Writes: the whole batch is checked first (as in every store), then written in one
managed transaction as ``UNWIND $rows`` batches grouped by label (nodes first, then
relationships), MERGEing only on constrained ids. The driver may retry the
transaction function; it is idempotent. URIs ``bolt://``, ``neo4j://`` (routing) and
``neo4j+s://`` (Aura) all work: only configuration differs.

Modules: this one holds the store's writes and reads; :mod:`kg.store.neo4j_codec` the
properties and rows (pure functions), :mod:`kg.store.neo4j_gateway` the sessions, driver
errors and the analysts' Cypher gateway (``query``, ``check_read_only``), which the store
inherits; :mod:`kg.store.cypher` the query texts.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import (
    AuthError,
    ServiceUnavailable,
    SessionExpired,
)

from kg import search as _search
from kg.config import Settings
from kg.errors import (
    NotFoundError,
    SchemaError,
    StoreError,
    StoreUnavailableError,
)
from kg.model import Batch, Claim, Entity
from kg.schema import load_schema
from kg.store import cypher
from kg.store.base import (
    Relation,
    SearchHit,
    Stats,
    Store,
    WriteResult,
    check_batch,
    check_redefinitions,
    referenced_ids,
    show_json,
)
from kg.store.neo4j_codec import claim_from as _claim_from
from kg.store.neo4j_codec import entity_from as _entity_from
from kg.store.neo4j_codec import label_of as _label_of
from kg.store.neo4j_codec import node_chunks, node_rows, rel_chunks, rel_rows, source_labels
from kg.store.neo4j_codec import node_props as _node_props  # noqa: F401 - used by neo4j_csv, bench
from kg.store.neo4j_codec import rel_props as _rel_props  # noqa: F401 - used by neo4j_csv, bench
from kg.store.neo4j_gateway import READ_PROCEDURES, CypherGateway
from kg.types import normalize_name

__all__ = ["Neo4jStore", "READ_PROCEDURES"]


#: Full-text candidates scored per search (more than any name query matches in the bundled data).
_SEARCH_CANDIDATES = 5000


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Python's cyclic garbage collector off while a big write builds its rows. The rows are
    plain dicts and lists, freed by reference counting; but every collection the allocations
    trigger walks the whole batch held in memory (millions of objects for a million-row graph):
    at 100,000 nodes the collections took 40-65 % of the time spent building node rows
    (bench/README.md, issue 18). Collection resumes, and catches up, when the write ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Neo4jStore(CypherGateway, Store):
    """A store in a Neo4j database (5.x, Community or Enterprise, or Aura)."""

    kind = "neo4j"

    def __init__(self, driver: neo4j.Driver, uri: str, database: str = "neo4j") -> None:
        self._driver = driver
        self.uri = uri
        self.database = database
        self._constraints_ready = False
        self._writes = 0
        #: Seconds per phase of the last ``replace_all`` / ``bulk_write`` (for logs and bench/).
        self.last_load: dict[str, float] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Neo4jStore:
        uri = settings.neo4j_uri
        if not uri:
            raise StoreError("REKG_NEO4J_URI is not set")
        try:
            driver = GraphDatabase.driver(
                uri, auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
                connection_acquisition_timeout=30, max_transaction_retry_time=30,
                max_connection_pool_size=settings.neo4j_pool_size,
                # rekg's queries are fixed; the server's hints about them are not for its users
                notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
            )
            driver.verify_connectivity()
        except AuthError:
            raise StoreUnavailableError(
                f"Neo4j at {uri} refused the credentials of user {settings.neo4j_user!r}; "
                "check REKG_NEO4J_USER / REKG_NEO4J_PASSWORD") from None
        except (ServiceUnavailable, SessionExpired, OSError) as exc:
            raise StoreUnavailableError(
                f"cannot reach Neo4j at {uri} ({exc.__class__.__name__}); is it running? "
                "`rekg neo4j start` starts a local one, or unset REKG_NEO4J_URI for the embedded store"
            ) from None
        except ValueError as exc:
            raise StoreUnavailableError(f"bad Neo4j URI {uri!r}: {exc}") from None
        return cls(driver, uri, settings.neo4j_database)


    def ensure_schema(self) -> None:
        """Create constraints and the full-text index (idempotent) before the first write. A
        graph written before generations (constraints on ``id`` alone) becomes generation 0."""
        if self._constraints_ready:
            return
        with self._driver_errors("creating the constraints and indexes"):
            legacy = [r["name"] for r in self._driver.execute_query(
                cypher.legacy_constraints(), database_=self.database).records]
            for name in legacy:
                self._driver.execute_query(f"DROP CONSTRAINT `{name}` IF EXISTS", database_=self.database)
            if legacy:
                with self._session(neo4j.WRITE_ACCESS) as session:
                    for statement in cypher.migrate_legacy():
                        session.run(statement).consume()
            for statement in cypher.constraints():
                self._driver.execute_query(statement, database_=self.database)
            self._driver.execute_query(cypher.ensure_meta(), database_=self.database)
            self._driver.execute_query("CALL db.awaitIndexes(300)", database_=self.database)
        self._constraints_ready = True


    def _write_chunk(self, query: str, rows: list[dict[str, Any]], gen: int) -> None:
        """One chunk in its own managed transaction (retried on transient errors: a deadlock,
        a leader switch)."""
        def work(tx: neo4j.ManagedTransaction) -> None:
            tx.run(query, rows=rows, g=gen).consume()

        with self._session(neo4j.WRITE_ACCESS) as session:
            session.execute_write(work)

    def _write_generation(self, batch: Batch, gen: int, *, create: bool, workers: int) -> dict[str, float]:
        """Write ``batch`` into generation ``gen`` chunk by chunk; seconds per phase.

        Node chunks run on ``workers`` sessions at once (distinct ids never contend for a lock;
        each worker builds its rows while the server writes another chunk). Relationship
        chunks run one after another (two chunks may lock the same node), while one thread
        builds the next chunk's rows."""
        with _no_cyclic_gc():
            return self._write_chunks(batch, gen, create=create, workers=workers)

    def _write_chunks(self, batch: Batch, gen: int, *, create: bool, workers: int) -> dict[str, float]:
        from concurrent.futures import ThreadPoolExecutor

        seconds: dict[str, float] = {}
        t0 = time.perf_counter()
        chunks = node_chunks(batch.entities)
        sources = self._source_labels(batch)

        def write_nodes(chunk: tuple[str, list[Entity]]) -> None:
            label, entities = chunk
            query = cypher.create_nodes(label) if create else cypher.merge_nodes(label)
            self._write_chunk(query, node_rows(entities), gen)

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(write_nodes, chunks))
        seconds["nodes"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        shapes = rel_chunks(batch.claims)
        with ThreadPoolExecutor(max_workers=1) as prep:
            pending = prep.submit(rel_rows, shapes[0][1], sources) if shapes else None
            for i, (shape, _) in enumerate(shapes):
                assert pending is not None
                rows = pending.result()
                if i + 1 < len(shapes):
                    pending = prep.submit(rel_rows, shapes[i + 1][1], sources)
                query = cypher.create_relationships(*shape) if create else cypher.merge_relationships(*shape)
                self._write_chunk(query, rows, gen)
        seconds["relationships"] = time.perf_counter() - t0
        return seconds

    def _current_generation(self) -> int:
        return int(self._rows(cypher.CURRENT + "RETURN g")[0][0])

    def _delete_other_generations(self, keep: int) -> None:
        with self._session(neo4j.WRITE_ACCESS) as session:
            for statement in cypher.delete_other_generations():
                session.run(statement, g=keep).consume()

    # -- writing -------------------------------------------------------------------
    def _source_labels(self, batch: Batch) -> dict[str, str]:
        """What each claim's ``source_urls`` shows for the Sources it cites: from the batch's
        Source records, and for Sources the batch cites but does not carry, from the graph
        (one query; none when the batch carries them all, as a build's does)."""
        labels = source_labels(batch.entities)
        missing = sorted({sid for c in batch.claims for sid in c.sources} - labels.keys())
        if missing:
            rows = self._run(cypher.nodes_by_id("Source"), ids=missing)
            labels.update(source_labels(_entity_from(r["props"]) for r in rows))
        return labels

    def _stored(self, ids: set[str]) -> tuple[dict[str, Entity], dict[str, str]]:
        """The graph's entities with these ids, and its ids equal to them but for case."""
        by_label: dict[str, list[str]] = defaultdict(list)
        for entity_id in ids:
            by_label[_label_of(entity_id)].append(entity_id)
        stored: dict[str, Entity] = {}
        folded: dict[str, str] = {}
        for label, wanted in by_label.items():
            for row in self._run(cypher.nodes_by_id(label), ids=wanted):
                stored[row["props"]["id"]] = _entity_from(row["props"])
            for row in self._run(cypher.ids_by_lower(label), ids=[i.lower() for i in wanted]):
                folded[row["id"].lower()] = row["id"]
        return stored, folded

    def write(self, batch: Batch, *, replace: bool = False) -> WriteResult:
        """Check, then write the batch into the current generation in one transaction (which
        locks the meta node, so it lands wholly before or wholly after a build's switch)."""
        self.ensure_schema()
        check_batch(batch, self.existing(referenced_ids(batch)))
        ids = {e.id for e in batch.entities}
        replaced = check_redefinitions(batch, *self._stored(ids), replace)
        steps = [(cypher.merge_nodes(label), node_rows(ents)) for label, ents in node_chunks(batch.entities)]
        sources = self._source_labels(batch)
        steps += [(cypher.merge_relationships(*shape), rel_rows(claims, sources))
                  for shape, claims in rel_chunks(batch.claims)]
        retracted = 0
        if batch.supersedes:
            steps.insert(0, (cypher.retract_source_claims(), [{"sid": batch.supersedes}]))
            retracted = sum(1 for _ in self._run(cypher.claims_citing_only(), sid=batch.supersedes))

        def work(tx: neo4j.ManagedTransaction) -> None:
            gen = tx.run(cypher.lock_generation()).single(strict=True)["g"]
            for query, rows in steps:
                tx.run(query, rows=rows, g=gen).consume()

        self._writes += 1
        hint = "; nothing was committed; run the same command again when it is back"
        with self._driver_errors("writing", lost_hint=hint), self._session(neo4j.WRITE_ACCESS) as session:
            session.execute_write(work)
        return WriteResult(len(ids), len({c.id for c in batch.claims}), replaced, retracted)

    def bulk_write(self, batch: Batch, *, check: bool = True, workers: int = 2) -> WriteResult:
        """Write a large batch into the current generation in chunks of :data:`_ROWS_PER_QUERY`
        rows, one transaction each.

        For loads too large for one transaction (millions of rows). Not atomic: a failure
        leaves earlier chunks committed, but every chunk is an idempotent MERGE, so running
        the same load again converges to exactly the clean result. (To replace the whole
        graph without readers ever seeing half of it, use :meth:`replace_all`.)
        """
        self.ensure_schema()
        if check:
            check_batch(batch, self.existing(referenced_ids(batch)))
        self._writes += 1
        hint = "; earlier chunks were committed (a re-run completes them); run the same command again when it is back"
        with self._driver_errors("writing", lost_hint=hint):
            self.last_load = self._write_generation(batch, self._current_generation(), create=False,
                                                    workers=workers)
        return WriteResult(len({e.id for e in batch.entities}), len({c.id for c in batch.claims}))

    def replace_all(self, batch: Batch, *, workers: int = 2) -> WriteResult:
        """Replace the whole graph (``rekg build``) without readers ever seeing half a graph.

        1. mark a build under way on the meta node, delete what failed builds left (batches);
        2. CREATE the batch as generation current + 1, chunk by chunk (readers still see the
           current generation: every read keeps to it);
        3. switch ``current`` in one short transaction — only if no other build took over;
        4. delete the old generation in batches.

        Killed or disconnected before 3, the old graph stands untouched and the next build
        deletes the partial one. :attr:`last_load` holds the seconds of each phase.
        """
        import uuid

        self.ensure_schema()
        check_batch(batch, set())
        token = uuid.uuid4().hex
        self._writes += 1
        hint = "; the graph readers see is unchanged (the new one was not switched in); run the build again"
        seconds: dict[str, float] = {}
        with self._driver_errors("rebuilding the graph", lost_hint=hint):
            t0 = time.perf_counter()
            records = self._driver.execute_query(cypher.begin_build(), token=token, database_=self.database).records
            current = int(records[0]["g"])
            self._delete_other_generations(keep=current)
            seconds["clean"] = time.perf_counter() - t0
            new = current + 1
            seconds.update(self._write_generation(batch, new, create=True, workers=workers))
            t0 = time.perf_counter()
            switched = self._driver.execute_query(cypher.switch_generation(), token=token, g=new,
                                                  database_=self.database).records
            if not switched:
                raise StoreError(f"Neo4j at {self.uri}: another `rekg build` started while this one ran and "
                                 "owns the graph now; this build's generation was not switched in")
            seconds["switch"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        with self._driver_errors("deleting the previous graph",
                                 lost_hint="; the new graph is in place, the next build deletes the old one's rest"):
            self._delete_other_generations(keep=new)
        seconds["delete_old"] = time.perf_counter() - t0
        self.last_load = seconds
        return WriteResult(len({e.id for e in batch.entities}), len({c.id for c in batch.claims}))

    def clear(self) -> None:
        """Delete every node and relationship, in batched auto-commit transactions (so any
        size of graph can be cleared; not atomic — ``replace_all`` is the atomic swap)."""
        with self._driver_errors("clearing the graph"), self._session(neo4j.WRITE_ACCESS) as session:
            for statement in cypher.delete_all_batched():
                session.run(statement).consume()

    # -- reading -------------------------------------------------------------------
    def get(self, entity_id: str) -> Entity | None:
        try:
            label = _label_of(entity_id)
        except SchemaError:
            return None
        rows = self._rows(cypher.get_node(label), id=entity_id)
        return _entity_from(rows[0][0]) if rows else None

    def existing(self, ids: Iterable[str]) -> set[str]:
        by_label: dict[str, list[str]] = defaultdict(list)
        for entity_id in ids:
            try:
                by_label[_label_of(entity_id)].append(entity_id)
            except SchemaError:
                continue
        found: set[str] = set()
        for label, wanted in by_label.items():
            found.update(r[0] for r in self._rows(cypher.existing_ids(label), ids=wanted))
        return found

    def entities(self, type: str | None = None) -> Iterator[Entity]:
        labels = [type] if type else sorted(load_schema().entities)
        found: list[Entity] = []
        for label in labels:
            found.extend(_entity_from(r[0]) for r in self._rows(cypher.nodes_of_label(label)))
        yield from sorted(found, key=lambda e: e.id)

    def claims(
        self,
        subject: str | None = None,
        predicate: str | None = None,
        object: str | None = None,
        as_of: str | None = None,
    ) -> Iterator[Claim]:
        try:
            s_label = _label_of(subject) if subject else None
            o_label = _label_of(object) if object else None
        except SchemaError:
            return
        query = cypher.claims_query(s_label, predicate, o_label)
        for s, p, o, props in self._rows(query, s=subject, o=object):
            claim = _claim_from(s, p, o, props)
            if claim.holds_on(as_of):
                yield claim

    def lookup(self, name: str, type: str | None = None) -> list[str]:
        key = normalize_name(name)
        if not key:
            return []
        [[ids]] = self._rows(cypher.lookup_candidates(), q=_search.lucene_phrase(key), key=key,
                             limit=_SEARCH_CANDIDATES)
        return sorted({i for i in ids if type is None or _label_of(i) == type})

    def search(self, query: str, type: str | None = None, limit: int = 20) -> list[SearchHit]:
        """Full-text candidates (every entity a query word occurs in, up to
        :data:`_SEARCH_CANDIDATES`), ranked by the embedded store's :func:`kg.search.score_keys`."""
        q = normalize_name(query)
        lucene = _search.lucene_contains_query(q)
        if not lucene:
            return []
        [[candidates]] = self._rows(cypher.search_candidates(), q=lucene, limit=_SEARCH_CANDIDATES)
        return self._ranked(q, candidates, type, limit)

    def search_many(self, requests: Sequence[tuple[str, str | None, int]]) -> list[list[SearchHit]]:
        """:meth:`search` for several ``(query, type, limit)`` in one round trip (the API's
        concurrent searches, :mod:`api.reads`); the same hits as one call each."""
        normalized = [normalize_name(query) for query, _, _ in requests]
        lucene = {q: _search.lucene_contains_query(q) for q in normalized}
        wanted = list(dict.fromkeys(text for text in lucene.values() if text))
        candidates: dict[str, list[Any]] = {}
        if wanted:
            for i, found in self._rows(cypher.search_candidates_many(), qs=wanted, limit=_SEARCH_CANDIDATES):
                candidates[wanted[i]] = found
        return [self._ranked(q, candidates.get(lucene[q], []), type, limit)
                for q, (_, type, limit) in zip(normalized, requests, strict=True)]

    @staticmethod
    def _ranked(q: str, candidates: list[Any], type: str | None, limit: int) -> list[SearchHit]:
        """Full-text candidates ``[id, name, _sname, _sothers]`` of normalized query ``q``,
        ranked as the embedded store ranks them."""
        hits = []
        for entity_id, name, sname, sothers in candidates:
            kind = _label_of(entity_id)
            if type is None or kind == type:
                hits.append((_search.score_keys(q, sname, tuple(sothers), kind), name, entity_id, kind))
        return [SearchHit(i, t, n, score) for score, n, i, t in _search.rank(hits, limit)]

    def show_many(self, ids: Sequence[str], as_of: str | None = None) -> dict[str, dict[str, Any]]:
        """:meth:`show` of several ids in one round trip (the API's concurrent entity
        requests, :mod:`api.reads`); ids the graph does not hold are left out."""
        by_label: dict[str, list[str]] = defaultdict(list)
        for entity_id in dict.fromkeys(ids):
            try:
                by_label[_label_of(entity_id)].append(entity_id)
            except SchemaError:
                continue
        if not by_label:
            return {}
        found = {}
        for props, outs, ins in self._rows(cypher.show_many(), ids=dict(by_label)):
            entity, relations = self._decode_relations(props, outs, ins, as_of, full=False)
            found[entity.id] = show_json(entity, relations)
        return found

    def _relations(self, entity_id: str, predicate: str | None, as_of: str | None,
                   full: bool) -> tuple[Entity, list[Relation]]:
        """The entity and its relations (out by claim id, then in), in one round trip."""
        try:
            label = _label_of(entity_id)
        except SchemaError:
            raise NotFoundError(f"no entity with id {entity_id!r}; try `rekg search`") from None
        rows = self._rows(cypher.relations_of(label, predicate.upper() if predicate else None, full=full),
                          id=entity_id)
        if not rows:
            raise NotFoundError(f"no entity with id {entity_id!r}; try `rekg search`")
        props, outs, ins = rows[0]
        return self._decode_relations(props, outs, ins, as_of, full=full)

    @staticmethod
    def _decode_relations(props: dict[str, Any], outs: list[Any], ins: list[Any], as_of: str | None,
                          full: bool) -> tuple[Entity, list[Relation]]:
        """A row of :func:`cypher.relations_of` as the entity and its relations holding on
        ``as_of`` (out by claim id, then in)."""
        entity_id = props["id"]
        found = []
        sides: tuple[tuple[Literal["out", "in"], list[Any]], ...] = (("out", outs), ("in", ins))
        for direction, items in sides:
            for p, rel_props, other_props in items:
                if full:
                    other = _entity_from(other_props)
                else:  # only what Relation.to_json reads: id, type, name
                    other = Entity.model_construct(id=other_props[0], type=_label_of(other_props[0]),
                                                   name=other_props[1], aliases=[], sources=[], properties={})
                s, o = (entity_id, other.id) if direction == "out" else (other.id, entity_id)
                claim = _claim_from(s, p, o, rel_props)
                if claim.holds_on(as_of):
                    found.append(Relation(claim, direction, other))
        found.sort(key=lambda r: (r.direction != "out", r.claim.id))
        return _entity_from(props), found

    def relations(
        self,
        entity_id: str,
        predicate: str | None = None,
        direction: Literal["out", "in"] | None = None,
        as_of: str | None = None,
    ) -> list[Relation]:
        """One round trip for an entity's claims and the entities at their other ends."""
        _, found = self._relations(entity_id, predicate, as_of, full=True)
        return [r for r in found if direction is None or r.direction == direction]

    def show(self, entity_id: str, as_of: str | None = None) -> dict[str, Any]:
        """``rekg show`` / ``GET /entities/{id}`` in one round trip (entity, claims, other ends)."""
        entity, found = self._relations(entity_id, None, as_of, full=False)
        return show_json(entity, found)

    @property
    def revision(self) -> int | None:
        """Changes on every write through this store, and once a minute for writes by others:
        cached analysis results are never more than a minute behind the database."""
        return self._writes * 10_000_000 + int(time.time() // 60)

    def stats(self) -> Stats:
        labels_q, rels_q = cypher.count_summary()
        entities = {r["label"]: r["n"] for r in self._run(labels_q)}
        rels = self._run(rels_q)
        return Stats(entities, {r["type"]: r["n"] for r in rels},
                     sum(r["n"] for r in rels), sum(r["cited"] for r in rels))

    def close(self) -> None:
        self._driver.close()
