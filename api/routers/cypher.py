"""POST /cypher: read-only Cypher on the Neo4j store, guarded, bounded and watched.

The gateway (issue 13):

- the query text is checked before Neo4j sees it (length, nesting, clause kinds, bounded
  ``range``; :mod:`kg.store.cypher_guard`), then its ``EXPLAIN`` plan (read only, no admin
  operator, allowlisted procedures) — all under the query timeout;
- it runs in a read transaction with the server-side timeout, capped in rows and bytes;
- it runs on a small pool of its own (``cypher_concurrency`` threads): when every slot is
  taken the answer is 503 at once, so slow or stuck queries never take the threads that
  serve ``/health`` and the other endpoints;
- a watchdog: a query still running ``cypher_timeout`` + a grace period after its plan was
  accepted is terminated by its transaction tag (``TERMINATE TRANSACTIONS``) and the answer
  is 504; the slot stays taken until Neo4j really lets go of it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.deps import SettingsDep, StoreDep
from api.errors import ApiError
from api.models import error_response
from kg.config import Settings
from kg.errors import QueryBusyError, QueryTimeoutError

router = APIRouter(tags=["cypher"])
log = logging.getLogger("rekg.api.cypher")

#: Seconds past the timeout before the watchdog terminates a query the server did not stop.
WATCHDOG_GRACE = 5.0


class CypherIn(BaseModel):
    query: str = Field(min_length=1, max_length=4000,
                       description="One read-only statement (MATCH … RETURN); at most 4000 characters "
                                   "and 24 levels of brackets.",
                       examples=["MATCH (f:Facility)-[:LOCATED_IN]->(:Country {id: $country}) RETURN f.name AS facility"])
    parameters: dict[str, Any] = Field(
        default_factory=dict, max_length=50,
        description="Query parameters ($name in the query): strings up to 2000 characters, "
                    "integers within 64 bits, at most 10,000 values in all.",
        examples=[{"country": "country:AU"}])


class CypherOut(BaseModel):
    columns: list[str] = Field(examples=[["facility"]])
    rows: list[dict[str, Any]] = Field(examples=[[{"facility": "Mt Weld rare earths mine and concentration plant"}]])
    truncated: bool = Field(description="True when the row or byte cap stopped the result.", examples=[False])


@dataclass
class _Gate:
    pool: ThreadPoolExecutor
    slots: threading.BoundedSemaphore


_GATE_LOCK = threading.Lock()


def _gate(request: Request, settings: Settings) -> _Gate:
    state = request.app.state
    with _GATE_LOCK:
        gate = getattr(state, "cypher_gate", None)
        if gate is None:
            n = settings.cypher_concurrency
            gate = _Gate(ThreadPoolExecutor(max_workers=n, thread_name_prefix="rekg-cypher"),
                         threading.BoundedSemaphore(n))
            state.cypher_gate = gate
    return gate


@router.post("/cypher", response_model=CypherOut, summary="Run a read-only Cypher query (Neo4j store)",
             responses={403: error_response("Not a read-only query (what was found is named)."),
                        504: error_response("The query ran past its time limit and was stopped.")})
async def run_cypher(body: CypherIn, store: StoreDep, settings: SettingsDep, request: Request) -> CypherOut:
    """Only read queries run: the text is checked (no admin or write clause, size and nesting
    limits), the query is classified with EXPLAIN and its plan walked (no writes, no LOAD CSV,
    no procedures outside a small allowlist), then run in a read transaction with a timeout,
    stopping at the row and byte caps."""
    from kg.store.cypher_guard import GuardLimits
    from kg.store.neo4j import Neo4jStore

    if not isinstance(store, Neo4jStore):
        raise ApiError(400, "Cypher needs the Neo4j store: start the server with REKG_NEO4J_URI set "
                            "(e.g. `rekg neo4j start`, then `rekg build`) — this one runs on the embedded store",
                       code="cypher_needs_neo4j")
    gate = _gate(request, settings)
    if not gate.slots.acquire(blocking=False):
        raise QueryBusyError(f"all {settings.cypher_concurrency} Cypher slots are busy; try again shortly")
    limits = GuardLimits(max_chars=settings.cypher_max_chars, max_depth=settings.cypher_max_depth,
                         max_range=settings.cypher_max_range)
    tag = uuid.uuid4().hex
    planned = threading.Event()

    def job() -> CypherOut:
        try:
            store.check_read_only(body.query, body.parameters, limits=limits, timeout=settings.cypher_timeout)
            planned.set()
            columns, rows, truncated = store.query(
                body.query, body.parameters, row_cap=settings.cypher_row_cap,
                timeout=settings.cypher_timeout, max_bytes=settings.cypher_max_bytes, tag=tag)
            return CypherOut(columns=columns, rows=rows, truncated=truncated)
        finally:
            gate.slots.release()

    future = asyncio.wrap_future(gate.pool.submit(job))
    budget = 2 * settings.cypher_timeout + WATCHDOG_GRACE  # planning + running, each bounded
    try:
        return await asyncio.wait_for(asyncio.shield(future), timeout=budget)
    except TimeoutError:
        pass
    # the watchdog: Neo4j did not stop the query itself
    ids = await run_in_threadpool(store.terminate_tagged, tag) if planned.is_set() else []
    log.warning("Cypher query outlived its %.0f s budget; terminated %s", budget, ids or "nothing")
    try:
        await asyncio.wait_for(asyncio.shield(future), timeout=WATCHDOG_GRACE)
    except TimeoutError:
        log.error("Neo4j did not end transaction(s) %s after TERMINATE; its slot stays taken until it does",
                  ids)
    except Exception:  # noqa: BLE001 - the 504 below is the answer
        pass
    raise QueryTimeoutError(f"the query did not finish within {budget:.0f} s and was terminated; "
                            "narrow it (LIMIT, fewer hops, an id to start from)")
