"""The Bolt plumbing of :class:`kg.store.neo4j.Neo4jStore` (sessions, retried reads, driver
errors turned into rekg's) and the analysts' Cypher gateway on top of it: ``query`` (a read
transaction with row, byte and time caps), ``check_read_only`` (text guard, then the plan of
``EXPLAIN``) and ``terminate_tagged`` (the watchdog's way out). Split from neo4j.py to keep
each module to one concern; the store inherits both classes."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import neo4j
from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from kg.errors import (
    QueryFailedError,
    QueryRejectedError,
    QuerySyntaxError,
    QueryTimeoutError,
    QueryTooLargeError,
    RekgError,
    StoreError,
    StoreUnavailableError,
)
from kg.store.cypher_guard import GuardLimits, check_parameters, check_text
from kg.store.neo4j_codec import plain

__all__ = ["READ_PROCEDURES", "Neo4jSessions", "CypherGateway"]

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
#: Transaction metadata key marking the gateway's queries (for the watchdog).
_TAG_KEY = "rekg_gateway"
_READ_ATTEMPTS = 3


class Neo4jSessions:
    """Sessions on one driver and database, and the errors of the driver as rekg's."""

    _driver: neo4j.Driver
    uri: str
    database: str

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


class CypherGateway(Neo4jSessions):
    """An analyst's Cypher: checked read-only, run with caps, terminated when it overruns."""

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
                row = {k: plain(v) for k, v in record.items()}
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
