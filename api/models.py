"""Response models, with examples that make /docs teach."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = ["ErrorOut", "ERROR_RESPONSES", "DATE_PATTERN", "EntityRef", "EntityOut", "RelationOut", "EntityDetail", "EntityPage", "SearchHitOut",
           "SearchOut", "HealthOut", "StatsOut"]


#: ISO date of year, month or day precision.
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


class ErrorOut(BaseModel):
    """Every error: what went wrong, and a detail a person can act on."""

    error: str = Field(examples=["NotFoundError"])
    detail: Any = Field(examples=["no entity with id 'firm:nobody'; try `rekg search`"])


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad input: the detail names the field and what was expected."},
    404: {"model": ErrorOut, "description": "Unknown id or name."},
    409: {"model": ErrorOut, "description": "Ambiguous name (the detail lists the candidate ids)."},
    413: {"model": ErrorOut, "description": "Request body too large."},
    422: {"model": ErrorOut, "description": "Request does not match the schema (field and message)."},
    503: {"model": ErrorOut, "description": "The store (Neo4j) is unreachable."},
}


class EntityRef(BaseModel):
    id: str = Field(examples=["firm:lynas"])
    type: str = Field(examples=["Firm"])
    name: str = Field(examples=["Lynas Rare Earths"])


class EntityOut(EntityRef):
    aliases: list[str] = Field(default_factory=list, examples=[["Lynas", "Lynas Corporation"]])
    properties: dict[str, Any] = Field(default_factory=dict, examples=[{"listing": "ASX:LYC", "kind": ["miner", "separator"]}])
    sources: list[str] = Field(default_factory=list, examples=[["source:fr-lynas-annual-report-2024"]])


class RelationOut(BaseModel):
    id: str = Field(description="Claim id.", examples=["claim:5937a83d8fd2310c"])
    predicate: str = Field(examples=["OPERATES"])
    direction: Literal["out", "in"] = Field(examples=["out"])
    other: EntityRef
    properties: dict[str, Any] = Field(default_factory=dict, examples=[{"confidence": 1.0, "valid_from": "2012"}])
    sources: list[str] = Field(examples=[["source:fr-lynas-annual-report-2024"]])


class EntityDetail(EntityOut):
    relations: list[RelationOut] = Field(default_factory=list)


class EntityPage(BaseModel):
    total: int = Field(examples=[64])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])
    items: list[EntityOut]


class SearchHitOut(EntityRef):
    score: float = Field(examples=[0.95])


class SearchOut(BaseModel):
    results: list[SearchHitOut]


class StatsOut(BaseModel):
    entities: dict[str, int] = Field(examples=[{"Element": 17, "Facility": 64}])
    relations: dict[str, int] = Field(examples=[{"OPERATES": 70}])
    claims: int = Field(examples=[1234])
    claims_with_source: int = Field(examples=[1234])


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"
    store: Literal["memory", "neo4j"] = Field(examples=["memory"])
    version: str = Field(examples=["0.1.0"])
    counts: StatsOut
