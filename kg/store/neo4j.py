"""The Neo4j store: the same interface as the embedded store, over Bolt.

Layout in Neo4j (what analysts see in Cypher):

- one node per entity, labelled with its type (``:Firm``, ``:Facility`` …); properties
  ``id``, ``name``, ``aliases``, ``sources`` (source ids) and the type's own properties;
  ``_keys`` (normalized names) and ``_search`` (text for the full-text index) serve lookups.
  Sources are ``:Source`` nodes with the same ``id`` the claims cite.
- one relationship per claim, typed by its predicate (``:PRODUCES`` …), with ``id`` (the
  claim id), the relation's properties, and the provenance: ``sources`` (ids of
  ``:Source`` nodes), ``confidence``, ``valid_from``, ``valid_to``, ``note``, ``quote``.
  ``MATCH (a)-[r]->(b) UNWIND r.sources AS sid MATCH (s:Source {id: sid})`` walks to them.

Writes: the whole batch is checked first (as in every store), then written in one
managed transaction as ``UNWIND $rows`` batches grouped by label (nodes first, then
relationships), MERGEing only on constrained ids. The driver may retry the
transaction function; it is idempotent. URIs ``bolt://``, ``neo4j://`` (routing) and
``neo4j+s://`` (Aura) all work: only configuration differs.
"""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
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

from kg.config import Settings
from kg.errors import (
    NotFoundError,
    QueryRejectedError,
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
    score_name,
)
from kg.types import normalize_name

__all__ = ["Neo4jStore"]

_RESERVED = {*ENTITY_FIELDS, "_keys", "_search"}
_PROVENANCE = set(CLAIM_FIELDS)
_ROWS_PER_QUERY = 5000

#: Procedures a read-only query may call: schema introspection and rekg's name index.
READ_PROCEDURES = frozenset({
    "db.labels", "db.relationshipTypes", "db.propertyKeys", "db.schema.visualization",
    "db.schema.nodeTypeProperties", "db.schema.relTypeProperties", "db.indexes",
    "db.index.fulltext.queryNodes", "db.constraints",
})
_FORBIDDEN_OPERATORS = ("LoadCSV", "Create", "Merge", "Delete", "SetProperty", "SetLabels",
                        "RemoveLabels", "SetNodeProperty", "SetRelationshipProperty", "Foreach",
                        "TransactionApply", "TransactionForeach")
_LUCENE_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')


def _label_of(entity_id: str) -> str:
    return load_schema().type_of_id(entity_id).name


def _node_props(entity: Entity) -> dict[str, Any]:
    props: dict[str, Any] = dict(entity.properties)
    keys = sorted(name_keys(entity))
    props.update(id=entity.id, name=entity.name, aliases=list(entity.aliases),
                 sources=list(entity.sources), _keys=keys, _search=" | ".join(keys))
    return props


def _entity_from(props: dict[str, Any]) -> Entity:
    """An entity read back. rekg validated it on the way in, so it is not cleaned again
    (that would dominate read latency); the schema still names its type."""
    own = {k: v for k, v in props.items() if k not in _RESERVED}
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
    own = {k: v for k, v in props.items() if k not in _PROVENANCE and k != "id"}
    return Claim.model_construct(id=props["id"], subject=s, predicate=p, object=o, properties=own, **fields)


def _lucene(text: str) -> str:
    words = normalize_name(text).split()
    terms = []
    for word in words:
        clean = "".join("\\" + c if c in _LUCENE_SPECIAL else c for c in word)
        if clean:
            terms.append(f"{clean} OR {clean}*")
    return " OR ".join(terms)


class Neo4jStore(Store):
    """A store in a Neo4j database (5.x, Community or Enterprise, or Aura)."""

    kind = "neo4j"

    def __init__(self, driver: neo4j.Driver, uri: str, database: str = "neo4j") -> None:
        self._driver = driver
        self.uri = uri
        self.database = database
        self._constraints_ready = False
        self._writes = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Neo4jStore:
        uri = settings.neo4j_uri
        if not uri:
            raise StoreError("REKG_NEO4J_URI is not set")
        try:
            driver = GraphDatabase.driver(
                uri, auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
                connection_acquisition_timeout=30, max_transaction_retry_time=30,
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
            raise refused(f"Neo4j at {self.uri} refused {action}: {exc.message or exc}") from None
        except DriverError as exc:
            raise StoreUnavailableError(
                f"Neo4j at {self.uri} failed while {action}: {exc.__class__.__name__}: {exc}") from None

    def _run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        with self._driver_errors("reading"):
            records, _, _ = self._driver.execute_query(
                query, params, database_=self.database, routing_=neo4j.RoutingControl.READ)
        return [r.data() for r in records]

    def ensure_schema(self) -> None:
        """Create constraints and the full-text index (idempotent) before the first write."""
        if self._constraints_ready:
            return
        with self._driver_errors("creating the constraints and indexes"):
            for statement in cypher.constraints():
                self._driver.execute_query(statement, database_=self.database)
            self._driver.execute_query("CALL db.awaitIndexes(300)", database_=self.database)
        self._constraints_ready = True

    @staticmethod
    def _plan(batch: Batch) -> list[tuple[str, list[dict[str, Any]]]]:
        """(query, rows) pairs: nodes by label first, then relationships by shape."""
        steps: list[tuple[str, list[dict[str, Any]]]] = []
        nodes: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for entity in batch.entities:
            nodes[entity.type][entity.id] = {"id": entity.id, "props": _node_props(entity)}
        rels: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
        for claim in batch.claims:
            shape = (_label_of(claim.subject), claim.predicate, _label_of(claim.object))
            rels[shape][claim.id] = {"id": claim.id, "s": claim.subject, "o": claim.object,
                                     "props": _rel_props(claim)}
        for label in sorted(nodes):
            rows = list(nodes[label].values())
            for i in range(0, len(rows), _ROWS_PER_QUERY):
                steps.append((cypher.merge_nodes(label), rows[i:i + _ROWS_PER_QUERY]))
        for shape in sorted(rels):
            rows = list(rels[shape].values())
            for i in range(0, len(rows), _ROWS_PER_QUERY):
                steps.append((cypher.merge_relationships(*shape), rows[i:i + _ROWS_PER_QUERY]))
        return steps

    def _execute(self, steps: list[tuple[str, list[dict[str, Any]]]], wipe: bool = False,
                 atomic: bool = True) -> None:
        """Run the steps in one transaction (``atomic``) or one transaction per step."""
        self._writes += 1

        def work(tx: neo4j.ManagedTransaction, todo: list[tuple[str, list[dict[str, Any]]]],
                 clear: bool) -> None:
            if clear:
                tx.run(cypher.delete_all()).consume()
            for query, rows in todo:
                tx.run(query, rows=rows).consume()

        units = [steps] if atomic else [[step] for step in steps]
        done = "nothing was committed" if atomic else "earlier chunks were committed (a re-run completes them)"
        hint = f"; {done}; run the same command again when it is back"
        with self._driver_errors("writing", lost_hint=hint), \
                self._driver.session(database=self.database) as session:
            if not atomic and wipe:
                session.execute_write(work, [], True)
            for i, unit in enumerate(units):
                session.execute_write(work, unit, wipe and atomic and i == 0)

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
        self.ensure_schema()
        check_batch(batch, self.existing(referenced_ids(batch)))
        ids = {e.id for e in batch.entities}
        replaced = check_redefinitions(batch, *self._stored(ids), replace)
        steps = self._plan(batch)
        retracted = 0
        if batch.supersedes:
            steps.insert(0, (cypher.retract_source_claims(), [{"sid": batch.supersedes}]))
            retracted = sum(1 for _ in self._run(cypher.claims_citing_only(), sid=batch.supersedes))
        self._execute(steps)
        return WriteResult(len(ids), len({c.id for c in batch.claims}), replaced, retracted)

    def bulk_write(self, batch: Batch, *, check: bool = True, workers: int = 2) -> WriteResult:
        """Write a large batch in chunks of :data:`_ROWS_PER_QUERY` rows, one transaction each.

        For loads too large for one transaction (millions of rows). Not atomic: a failure
        leaves earlier chunks committed, but every chunk is an idempotent MERGE, so running
        the same load again converges to exactly the clean result. Node chunks run on
        ``workers`` sessions at once (distinct ids never contend for a lock, and Python
        prepares one chunk while the server writes another); relationship chunks run one
        after another, after all nodes, since two chunks may lock the same node.
        """
        from concurrent.futures import ThreadPoolExecutor

        self.ensure_schema()
        if check:
            check_batch(batch, self.existing(referenced_ids(batch)))
        by_label: dict[str, dict[str, Entity]] = defaultdict(dict)
        for entity in batch.entities:
            by_label[entity.type][entity.id] = entity
        chunks = [(label, rows[i:i + _ROWS_PER_QUERY])
                  for label, group in sorted(by_label.items()) for rows in [list(group.values())]
                  for i in range(0, len(rows), _ROWS_PER_QUERY)]

        def write_nodes(chunk: tuple[str, list[Entity]]) -> None:
            label, entities = chunk  # rows are built here, in the worker, beside the server's work
            rows = [{"id": e.id, "props": _node_props(e)} for e in entities]
            self._execute([(cypher.merge_nodes(label), rows)])

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(write_nodes, chunks))
        self._execute(self._plan(Batch(claims=batch.claims)), atomic=False)
        return WriteResult(len({e.id for e in batch.entities}), len({c.id for c in batch.claims}))

    def replace_all(self, batch: Batch) -> WriteResult:
        self.ensure_schema()
        check_batch(batch, set())
        self._execute(self._plan(batch), wipe=True)
        return WriteResult(len({e.id for e in batch.entities}), len({c.id for c in batch.claims}))

    def clear(self) -> None:
        """Delete every node and relationship, in batched auto-commit transactions (so any
        size of graph can be cleared; not atomic — use ``replace_all`` for an atomic swap)."""
        with self._driver_errors("clearing the graph"), self._driver.session(database=self.database) as session:
            for statement in cypher.delete_all_batched():
                session.run(statement).consume()

    # -- reading -------------------------------------------------------------------
    def get(self, entity_id: str) -> Entity | None:
        try:
            label = _label_of(entity_id)
        except SchemaError:
            return None
        rows = self._run(cypher.get_node(label), id=entity_id)
        return _entity_from(rows[0]["props"]) if rows else None

    def existing(self, ids: Iterable[str]) -> set[str]:
        by_label: dict[str, list[str]] = defaultdict(list)
        for entity_id in ids:
            try:
                by_label[_label_of(entity_id)].append(entity_id)
            except SchemaError:
                continue
        found: set[str] = set()
        for label, wanted in by_label.items():
            found.update(r["id"] for r in self._run(cypher.existing_ids(label), ids=wanted))
        return found

    def entities(self, type: str | None = None) -> Iterator[Entity]:
        labels = [type] if type else sorted(load_schema().entities)
        found: list[Entity] = []
        for label in labels:
            found.extend(_entity_from(r["props"]) for r in self._run(cypher.nodes_of_label(label)))
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
        for row in self._run(query, s=subject, o=object):
            claim = _claim_from(row["s"], row["p"], row["o"], row["props"])
            if claim.holds_on(as_of):
                yield claim

    def _candidates(self, text: str, limit: int) -> list[Entity]:
        query = _lucene(text)
        if not query:
            return []
        rows = self._run(cypher.names_candidates(), q=query, limit=limit)
        return [_entity_from(r["props"]) for r in rows]

    def lookup(self, name: str, type: str | None = None) -> list[str]:
        key = normalize_name(name)
        found = {e.id for e in self._candidates(name, 200)
                 if key in name_keys(e) and (type is None or e.type == type)}
        return sorted(found)

    def search(self, query: str, type: str | None = None, limit: int = 20) -> list[SearchHit]:
        hits = []
        for entity in self._candidates(query, max(50, limit * 5)):
            if type is not None and entity.type != type:
                continue
            score = score_name(query, entity)
            if score > 0:
                hits.append(SearchHit(entity.id, entity.type, entity.name, score))
        hits.sort(key=lambda h: (-h.score, h.name, h.id))
        return hits[:limit]

    def relations(
        self,
        entity_id: str,
        predicate: str | None = None,
        direction: Literal["out", "in"] | None = None,
        as_of: str | None = None,
    ) -> list[Relation]:
        """One round trip for an entity's claims and the entities at their other ends."""
        try:
            label = _label_of(entity_id)
        except SchemaError:
            raise NotFoundError(f"no entity with id {entity_id!r}; try `rekg search`") from None
        rows = self._run(cypher.relations_of(label, predicate.upper() if predicate else None), id=entity_id)
        if not rows:
            self.require(entity_id)  # raises NotFoundError for an unknown id
        out = []
        for row in rows:
            if direction is not None and row["dir"] != direction:
                continue
            other = _entity_from(row["other"])
            s, o = (entity_id, other.id) if row["dir"] == "out" else (other.id, entity_id)
            claim = _claim_from(s, row["p"], o, row["props"])
            if claim.holds_on(as_of):
                out.append(Relation(claim, row["dir"], other))
        out.sort(key=lambda r: (r.direction != "out", r.claim.id))
        return out

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

    def query(
        self, statement: str, parameters: dict[str, Any] | None = None, *,
        row_cap: int = 1000, timeout: float = 30.0,
    ) -> tuple[list[str], list[dict[str, Any]], bool]:
        """Run an analyst's Cypher in a read transaction: ``(columns, rows, truncated)``.

        The server refuses writes inside a read transaction; at most ``row_cap`` rows are
        returned and ``truncated`` says whether more were there.
        """
        def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[dict[str, Any]], bool]:
            result = tx.run(statement, parameters or {})
            columns = list(result.keys())
            rows: list[dict[str, Any]] = []
            truncated = False
            for record in result:
                if len(rows) >= row_cap:
                    truncated = True
                    break
                rows.append({k: _plain(v) for k, v in record.items()})
            result.consume()
            return columns, rows, truncated

        with self._driver_errors("the query"), self._driver.session(database=self.database) as session:
            return session.execute_read(neo4j.unit_of_work(timeout=timeout)(work))

    def check_read_only(self, statement: str, parameters: dict[str, Any] | None = None) -> None:
        """Refuse anything but a plain read: classify with ``EXPLAIN`` (query type ``r``), then
        walk the plan for file loading, batched transactions and procedure calls outside
        :data:`READ_PROCEDURES`. Raises :class:`QueryRejectedError` naming what was found."""
        text = statement.strip()
        if not text:
            raise QueryRejectedError("the query is empty")

        def explain(tx: neo4j.ManagedTransaction) -> Any:
            return tx.run("EXPLAIN " + text, parameters or {}).consume()

        with self._driver_errors("planning the query", refused=QueryRejectedError), \
                self._driver.session(database=self.database) as session:
            summary = session.execute_read(explain)
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


def _plain(value: Any) -> Any:
    """Nodes, relationships and paths as JSON-friendly dicts."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {k: v for k, v in dict(value).items() if not k.startswith("_")} | {"_labels": sorted(value.labels)}
    if isinstance(value, Relationship):
        return dict(value) | {"_type": value.type}
    if isinstance(value, Path):
        return [_plain(n) for n in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
