"""The Neo4j store: the same interface as the embedded store, over Bolt.

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
  ``:Source`` nodes), ``confidence``, ``valid_from``, ``valid_to``, ``note``, ``quote``.
  ``MATCH (a)-[r]->(b) UNWIND r.sources AS sid MATCH (s:Source {id: sid})`` walks to them.

Reads: one auto-commit query per call in a read-access session (one network round trip:
no BEGIN/COMMIT), retried on transient failures, with the driver's bookmark manager so that
on a cluster a read follows this process's own writes. ``show`` — ``GET /entities/{id}`` —
fetches the entity, its claims and their other ends in that one query.

Writes: the whole batch is checked first (as in every store), then written in one
managed transaction as ``UNWIND $rows`` batches grouped by label (nodes first, then
relationships), MERGEing only on constrained ids. The driver may retry the
transaction function; it is idempotent. URIs ``bolt://``, ``neo4j://`` (routing) and
``neo4j+s://`` (Aura) all work: only configuration differs.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import (
    AuthError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from kg import search as _search
from kg.config import Settings
from kg.errors import (
    NotFoundError,
    QueryFailedError,
    QueryRejectedError,
    QuerySyntaxError,
    QueryTimeoutError,
    QueryTooLargeError,
    RekgError,
    SchemaError,
    StoreError,
    StoreUnavailableError,
)
from kg.model import CLAIM_FIELDS, ENTITY_FIELDS, Batch, Claim, Entity
from kg.resolve import name_keys
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
from kg.store.cypher_guard import GuardLimits, check_parameters, check_text
from kg.types import normalize_name

__all__ = ["Neo4jStore"]

_RESERVED = set(ENTITY_FIELDS)  # and every property starting with "_" (rekg's own)
_PROVENANCE = set(CLAIM_FIELDS)
_ROWS_PER_QUERY = 5000

#: Procedures a read-only query may call: schema introspection and rekg's name index.
READ_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
    "db.schema.nodeTypeProperties", "db.schema.relTypeProperties", "db.indexes",
    "db.index.fulltext.queryNodes", "db.constraints",
})
_FORBIDDEN_OPERATORS = ("LoadCSV", "Create", "Merge", "Delete", "DetachDelete", "Set", "Remove",
                        "Foreach", "TransactionApply", "TransactionForeach", "Show", "Terminate",
                        "Drop", "Alter", "Grant", "Deny", "Revoke", "Rename", "Start", "Stop",
                        "Enable", "Administration", "System", "Command", "Assert", "Ensure")
#: Full-text candidates scored per search (more than any name query matches in the bundled data).
_SEARCH_CANDIDATES = 5000
#: Transaction metadata key marking the gateway's queries (for the watchdog).
_TAG_KEY = "rekg_gateway"
_READ_ATTEMPTS = 3


def _label_of(entity_id: str) -> str:
    return load_schema().type_of_id(entity_id).name


def _node_props(entity: Entity) -> dict[str, Any]:
    props: dict[str, Any] = dict(entity.properties)
    keys = sorted(name_keys(entity))
    sname, sothers = _search.search_keys(entity)
    props.update(id=entity.id, name=entity.name, aliases=list(entity.aliases),
                 sources=list(entity.sources), _keys=keys, _sname=sname, _sothers=list(sothers),
                 _search=_search.search_text(sname, sothers))
    return props


def _entity_from(props: dict[str, Any]) -> Entity:
    """An entity read back. rekg validated it on the way in, so it is not cleaned again
    (that would dominate read latency); the schema still names its type."""
    # sorted: the server returns properties in its property-key-token order, which differs
    # between databases holding the same graph (a build over Bolt, an offline import)
    own = {k: props[k] for k in sorted(props) if k not in _RESERVED and not k.startswith("_")}
    return Entity.model_construct(id=props["id"], type=_label_of(props["id"]), name=props["name"],
                                  aliases=list(props.get("aliases") or []),
                                  sources=list(props.get("sources") or []), properties=own)


def _rel_props(claim: Claim) -> dict[str, Any]:
    props = dict(claim.properties)
    props.update({k: v for k, v in claim.provenance().items()})
    props["confidence"] = claim.confidence
    props["sources"] = list(claim.sources)
    props["id"] = claim.id
    return props


def _claim_from(s: str, p: str, o: str, props: dict[str, Any]) -> Claim:
    """A claim read back, as written (see :func:`_entity_from`)."""
    fields: dict[str, Any] = {k: None for k in _PROVENANCE} | {"confidence": 1.0}
    fields.update({k: props[k] for k in _PROVENANCE if props.get(k) is not None})
    fields["sources"] = list(fields["sources"] or [])
    own = {k: props[k] for k in sorted(props) if k not in _PROVENANCE and k != "id" and not k.startswith("_")}
    return Claim.model_construct(id=props["id"], subject=s, predicate=p, object=o, properties=own, **fields)


class Neo4jStore(Store):
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

    # -- plumbing ------------------------------------------------------------------
    @contextlib.contextmanager
    def _driver_errors(self, action: str, refused: type[RekgError] = StoreError,
                       lost_hint: str = "") -> Iterator[None]:
        """Turn every driver failure during ``action`` into one error naming the URI: a lost
        server is :class:`StoreUnavailableError`, a refusal by the server is ``refused``."""
        try:
            yield
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreUnavailableError(
                f"lost Neo4j at {self.uri} while {action} ({exc.__class__.__name__}){lost_hint}") from None
        except Neo4jError as exc:
            if action in {"the query", "planning the query"}:
                raise _QueryRefused(exc) from None
            raise refused(f"Neo4j at {self.uri} refused {action}: {exc.message or exc}") from None
        except DriverError as exc:
            raise StoreUnavailableError(
                f"Neo4j at {self.uri} failed while {action}: {exc.__class__.__name__}: {exc}") from None

    def _session(self, access: str = neo4j.READ_ACCESS) -> neo4j.Session:
        """A session sharing the driver's bookmark manager: on a cluster, reads wait for
        this process's earlier writes (causal consistency); on one server it costs nothing."""
        return self._driver.session(database=self.database, default_access_mode=access,
                                    bookmark_manager=self._driver.execute_query_bookmark_manager)

    def _read(self, query: str, params: dict[str, Any], row: Callable[[neo4j.Record], Any]) -> list[Any]:
        """``row`` of each record of a read query, in one auto-commit transaction (one round
        trip, no BEGIN/COMMIT) routed to a reader; retried on transient failures (a leader
        switch, a follower going away) up to :data:`_READ_ATTEMPTS` times."""
        with self._driver_errors("reading"):
            for attempt in range(1, _READ_ATTEMPTS + 1):
                try:
                    with self._session() as session:
                        return [row(record) for record in session.run(query, params)]
                except (Neo4jError, DriverError) as exc:
                    if attempt == _READ_ATTEMPTS or not exc.is_retryable():
                        raise
                    time.sleep(0.1 * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _rows(self, query: str, **params: Any) -> list[list[Any]]:
        """A read query's rows as lists of values (the fast path)."""
        return self._read(query, params, neo4j.Record.values)

    def _run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """A read query's rows as dicts keyed by column name."""
        return self._read(query, params, neo4j.Record.data)

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

    @staticmethod
    def _node_chunks(entities: Iterable[Entity]) -> list[tuple[str, list[Entity]]]:
        """Entities (once per id) by label, in chunks of :data:`_ROWS_PER_QUERY`."""
        by_label: dict[str, dict[str, Entity]] = defaultdict(dict)
        for entity in entities:
            by_label[entity.type][entity.id] = entity
        return [(label, rows[i:i + _ROWS_PER_QUERY])
                for label, group in sorted(by_label.items()) for rows in [list(group.values())]
                for i in range(0, len(rows), _ROWS_PER_QUERY)]

    @staticmethod
    def _rel_chunks(claims: Iterable[Claim]) -> list[tuple[tuple[str, str, str], list[Claim]]]:
        """Claims (once per id) by shape (subject label, predicate, object label), in chunks."""
        by_shape: dict[tuple[str, str, str], dict[str, Claim]] = defaultdict(dict)
        for claim in claims:
            by_shape[(_label_of(claim.subject), claim.predicate, _label_of(claim.object))][claim.id] = claim
        return [(shape, rows[i:i + _ROWS_PER_QUERY])
                for shape, group in sorted(by_shape.items()) for rows in [list(group.values())]
                for i in range(0, len(rows), _ROWS_PER_QUERY)]

    @staticmethod
    def _node_rows(entities: list[Entity]) -> list[dict[str, Any]]:
        return [{"id": e.id, "props": _node_props(e)} for e in entities]

    @staticmethod
    def _rel_rows(claims: list[Claim]) -> list[dict[str, Any]]:
        return [{"id": c.id, "s": c.subject, "o": c.object, "props": _rel_props(c)} for c in claims]

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
        from concurrent.futures import ThreadPoolExecutor

        seconds: dict[str, float] = {}
        t0 = time.perf_counter()
        node_chunks = self._node_chunks(batch.entities)

        def write_nodes(chunk: tuple[str, list[Entity]]) -> None:
            label, entities = chunk
            query = cypher.create_nodes(label) if create else cypher.merge_nodes(label)
            self._write_chunk(query, self._node_rows(entities), gen)

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(write_nodes, node_chunks))
        seconds["nodes"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        rel_chunks = self._rel_chunks(batch.claims)
        with ThreadPoolExecutor(max_workers=1) as prep:
            pending = prep.submit(self._rel_rows, rel_chunks[0][1]) if rel_chunks else None
            for i, (shape, _) in enumerate(rel_chunks):
                assert pending is not None
                rows = pending.result()
                if i + 1 < len(rel_chunks):
                    pending = prep.submit(self._rel_rows, rel_chunks[i + 1][1])
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
        steps = [(cypher.merge_nodes(label), self._node_rows(ents)) for label, ents in self._node_chunks(batch.entities)]
        steps += [(cypher.merge_relationships(*shape), self._rel_rows(claims))
                  for shape, claims in self._rel_chunks(batch.claims)]
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
        hits = []
        [[candidates]] = self._rows(cypher.search_candidates(), q=lucene, limit=_SEARCH_CANDIDATES)
        for entity_id, name, sname, sothers in candidates:
            kind = _label_of(entity_id)
            if type is None or kind == type:
                hits.append((_search.score_keys(q, sname, tuple(sothers), kind), name, entity_id, kind))
        return [SearchHit(i, t, n, score) for score, n, i, t in _search.rank(hits, limit)]

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
        found = []
        for direction, items in (("out", outs), ("in", ins)):
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

    def _query_error(self, exc: Neo4jError, timeout: float, prefix: str = "") -> RekgError:
        """A typed error for what Neo4j said about an analyst's query; no server address, no
        driver class names, and positions as in the query the caller sent (``prefix`` was
        added by rekg and is taken out again)."""
        code = exc.code or ""
        message = exc.message or str(exc)
        first = message.strip().splitlines()[0] if message.strip() else "the query failed"
        if code.endswith("Statement.SyntaxError") or code.endswith("Statement.SemanticError"):
            return _syntax_error(message, prefix)
        if "TransactionTimedOut" in code or code.endswith("Transaction.Terminated") \
                or code.endswith("TransactionMarkedAsFailed") and "terminated" in message.lower():
            return QueryTimeoutError(f"the query ran past its time limit ({timeout:g} s) and was stopped; "
                                     "narrow it (LIMIT, fewer hops, an id to start from)")
        if "OutOfMemory" in code or "MemoryPool" in code:
            return QueryFailedError("the query needs more memory than one query may use; narrow it",
                                    "cypher_memory_limit")
        if code.endswith("Statement.ParameterMissing"):
            return QueryFailedError(first, "cypher_parameter_missing")
        if code.startswith("Neo.ClientError.Security"):
            return QueryRejectedError(first)
        if code.startswith("Neo.ClientError"):
            kind = code.rsplit(".", 1)[-1]
            slug = "".join("_" + c.lower() if c.isupper() else c for c in kind).lstrip("_")
            return QueryFailedError(first, f"cypher_{slug}" if slug else "cypher_error")
        return StoreUnavailableError("Neo4j failed while running the query; try again later")

    def query(
        self, statement: str, parameters: dict[str, Any] | None = None, *,
        row_cap: int = 1000, timeout: float = 30.0, max_bytes: int | None = None,
        tag: str | None = None,
    ) -> tuple[list[str], list[dict[str, Any]], bool]:
        """Run an analyst's Cypher in a read transaction: ``(columns, rows, truncated)``.

        The server refuses writes inside a read transaction; at most ``row_cap`` rows and
        ``max_bytes`` bytes of JSON are returned, ``truncated`` says whether more were there
        (a first row larger than ``max_bytes`` is :class:`QueryTooLargeError`). ``tag`` goes
        into the transaction's metadata so a watchdog can find and terminate it
        (:meth:`terminate_tagged`). Neo4j's refusals become typed errors (syntax 400 with the
        position, timeout 504 …).
        """
        import json

        def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[dict[str, Any]], bool]:
            result = tx.run(statement, parameters or {})
            columns = list(result.keys())
            rows: list[dict[str, Any]] = []
            truncated = False
            size = 0
            for record in result:
                if len(rows) >= row_cap:
                    truncated = True
                    break
                row = {k: _plain(v) for k, v in record.items()}
                if max_bytes is not None:
                    size += len(json.dumps(row, ensure_ascii=False, default=str).encode()) + 1
                    if size > max_bytes:
                        if not rows:
                            raise QueryTooLargeError(
                                f"the first row alone is larger than the response cap of {max_bytes} "
                                "bytes; return less per row (size(), a slice, fewer properties)")
                        truncated = True
                        break
                rows.append(row)
            result.consume()
            return columns, rows, truncated

        metadata = {_TAG_KEY: tag} if tag else None
        try:
            with self._driver_errors("the query"), self._driver.session(database=self.database) as session:
                return session.execute_read(neo4j.unit_of_work(timeout=timeout, metadata=metadata)(work))
        except _QueryRefused as refused:
            raise self._query_error(refused.exc, timeout) from None

    def terminate_tagged(self, tag: str) -> list[str]:
        """Terminate the transactions :meth:`query` started with ``tag`` (the gateway's watchdog,
        for a query that outlives its timeout). Returns the transaction ids it terminated."""
        find = (f"SHOW TRANSACTIONS YIELD transactionId, metaData WHERE metaData.{_TAG_KEY} = $tag "
                "RETURN transactionId")
        with self._driver_errors("terminating a query"):
            records, _, _ = self._driver.execute_query(find, {"tag": tag}, database_=self.database)
            ids = [r["transactionId"] for r in records]
            if ids:
                self._driver.execute_query("TERMINATE TRANSACTIONS $ids", {"ids": ids},
                                           database_=self.database)
        return ids

    def check_read_only(self, statement: str, parameters: dict[str, Any] | None = None, *,
                        limits: GuardLimits | None = None, timeout: float = 30.0) -> None:
        """Refuse anything but a plain read, before it runs.

        First the text (:mod:`kg.store.cypher_guard`: size and nesting limits, no admin or
        write clause, procedures from :data:`READ_PROCEDURES`, bounded ``range``), so Neo4j's
        parser never sees a nesting bomb; then the plan from ``EXPLAIN`` (run with
        ``timeout``): query type ``r``, and no operator that writes, loads files, administers
        (``Show…``, ``Terminate…``) or calls a procedure outside the allowlist. Raises
        :class:`QueryRejectedError` naming what was found, or :class:`QuerySyntaxError` with
        Neo4j's message and the position in ``statement``.
        """
        limits = limits or GuardLimits()
        check_parameters(parameters, limits)
        check_text(statement, parameters, READ_PROCEDURES, limits)
        prefix = "EXPLAIN "

        def explain(tx: neo4j.ManagedTransaction) -> Any:
            return tx.run(prefix + statement, parameters or {}).consume()

        try:
            with self._driver_errors("planning the query", refused=QueryRejectedError), \
                    self._driver.session(database=self.database) as session:
                summary = session.execute_read(neo4j.unit_of_work(timeout=timeout)(explain))
        except _QueryRefused as refused:
            raise self._query_error(refused.exc, timeout, prefix) from None
        if summary.query_type != "r":
            kinds = {"rw": "reads and writes", "w": "writes", "s": "changes the schema"}
            raise QueryRejectedError(
                f"only read queries are allowed; this one {kinds.get(summary.query_type, 'is not a read')}")
        stack = [summary.plan] if summary.plan else []
        while stack:
            op = stack.pop()
            name = str(op.get("operatorType", "")).split("@")[0]
            details = str((op.get("args") or {}).get("Details", ""))
            if any(name.startswith(bad) for bad in _FORBIDDEN_OPERATORS):
                raise QueryRejectedError(f"operator {name} is not allowed in read-only queries")
            if "ProcedureCall" in name or "ProcedureCall" in details:
                proc = details.split("(", 1)[0].strip()
                if proc not in READ_PROCEDURES:
                    raise QueryRejectedError(
                        f"procedure {proc or '(unknown)'} is not allowed; allowed: {', '.join(sorted(READ_PROCEDURES))}")
            stack.extend(op.get("children") or [])

    def close(self) -> None:
        self._driver.close()


class _QueryRefused(Exception):
    """Neo4j refused an analyst's query; turned into a typed error by ``_query_error``."""

    def __init__(self, exc: Neo4jError) -> None:
        self.exc = exc
        super().__init__(exc.message or str(exc))


_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)")


def _syntax_error(message: str, prefix: str) -> QuerySyntaxError:
    """Neo4j's syntax message with positions as in the caller's query (without ``prefix``):
    the first line, then the query line and a caret under the column."""
    first = message.strip().splitlines()[0] if message.strip() else "invalid Cypher"
    found = _POSITION.search(first)
    if not found:
        return QuerySyntaxError(first.replace(prefix, "", 1) if prefix else first)
    line, column, offset = (int(g) for g in found.groups())
    if line == 1:
        column -= len(prefix)
    offset -= len(prefix)
    column, offset = max(column, 1), max(offset, 0)
    text = first[:found.start()] + f"(line {line}, column {column} (offset: {offset}))" + first[found.end():]
    return QuerySyntaxError(text, {"line": line, "column": column, "offset": offset})


def _plain(value: Any) -> Any:
    """Nodes, relationships and paths as JSON-friendly dicts."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {k: v for k, v in dict(value).items() if not k.startswith("_")} | {"_labels": sorted(value.labels)}
    if isinstance(value, Relationship):
        return {k: v for k, v in dict(value).items() if not k.startswith("_")} | {"_type": value.type}
    if isinstance(value, Path):
        return [_plain(n) for n in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
