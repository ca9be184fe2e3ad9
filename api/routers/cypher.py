"""POST /cypher: read-only Cypher on the Neo4j store, guarded and capped."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import SettingsDep, StoreDep
from api.errors import ApiError
from api.models import ErrorOut

router = APIRouter(tags=["cypher"])


class CypherIn(BaseModel):
    query: str = Field(min_length=1, max_length=20_000,
                       examples=["MATCH (f:Facility)-[:LOCATED_IN]->(:Country {id: $country}) RETURN f.name AS facility"])
    parameters: dict[str, Any] = Field(default_factory=dict, examples=[{"country": "country:AU"}])


class CypherOut(BaseModel):
    columns: list[str] = Field(examples=[["facility"]])
    rows: list[dict[str, Any]] = Field(examples=[[{"facility": "Mt Weld rare earths mine and concentration plant"}]])
    truncated: bool = Field(description="True when the row cap stopped the result.", examples=[False])


@router.post("/cypher", response_model=CypherOut, summary="Run a read-only Cypher query (Neo4j store)",
             responses={403: {"model": ErrorOut, "description": "Not a read-only query (what was found is named)."}})
def run_cypher(body: CypherIn, store: StoreDep, settings: SettingsDep) -> CypherOut:
    """Only read queries run: the query is classified with EXPLAIN and its plan walked
    (no writes, no LOAD CSV, no procedures outside a small allowlist), then run in a
    read transaction with a timeout, stopping at the row cap."""
    from kg.store.neo4j import Neo4jStore

    if not isinstance(store, Neo4jStore):
        raise ApiError(400, "Cypher needs the Neo4j store: start the server with REKG_NEO4J_URI set "
                            "(e.g. `rekg neo4j start`, then `rekg build`) — this one runs on the embedded store")
    store.check_read_only(body.query, body.parameters)
    columns, rows, truncated = store.query(body.query, body.parameters, row_cap=settings.cypher_row_cap,
                                           timeout=settings.cypher_timeout)
    return CypherOut(columns=columns, rows=rows, truncated=truncated)
