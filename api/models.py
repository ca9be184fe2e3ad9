"""Response models, with examples that make /docs teach."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ErrorOut", "ERROR_RESPONSES", "error_response", "DATE_PATTERN", "EntityRef", "EntityOut", "RelationOut", "EntityDetail", "EntityPage", "SearchHitOut",
           "SearchOut", "HealthOut", "StatsOut"]


#: ISO date of year, month or day precision.
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


class ErrorOut(BaseModel):
    """Every error, as an RFC 9457 problem document (``application/problem+json``): a stable
    ``code`` to switch on, and a ``detail`` a person can act on. Extension members: ``errors``
    (request validation), ``line``/``column``/``offset`` (Cypher syntax), ``candidates``
    (ambiguous name)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["https://w3id.org/rekg/problems/not_found"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: Any = Field(examples=["no entity with id 'firm:nobody'; try `rekg search`"])
    code: str = Field(description="Stable snake_case code.", examples=["not_found"])
    error: str = Field(description="The same as ``code`` (kept for earlier clients).", examples=["not_found"])


def error_response(description: str) -> dict[str, Any]:
    """An OpenAPI response entry for errors: the problem schema, as problem+json and JSON."""
    return {"model": ErrorOut, "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: error_response("Bad input: the detail names the field and what was expected."),
    404: error_response("Unknown id or name."),
    409: error_response("Ambiguous name (the detail lists the candidate ids)."),
    413: error_response("Request body too large."),
    422: error_response("Request does not match the schema (field and message)."),
    503: error_response("The store (Neo4j) is unreachable."),
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
