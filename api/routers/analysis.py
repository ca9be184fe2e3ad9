"""Analysis: concentration, single points of failure, chokepoints, scenarios; policies; paths.

Thin HTTP wrappers over :mod:`kg.service`, which the CLI uses too: same results, same shapes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import StoreDep
from api.models import DATE_PATTERN
from kg import service

router = APIRouter(tags=["analysis"])

AsOf = Annotated[str | None, Query(description="Date YYYY[-MM[-DD]] for facility status, claims and "
                                               "policies; default today.", examples=["2025-06-01"],
                                   pattern=DATE_PATTERN)]
Element = Annotated[str | None, Query(description="Element symbol or name, e.g. Dy.", examples=["Dy"], max_length=40)]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ShareOut(_Open):
    id: str = Field(examples=["country:CN"])
    name: str = Field(examples=["China"])
    quantity: float | None = Field(default=None, examples=[270000])
    share: float = Field(examples=[0.685])


class ConcentrationOut(_Open):
    stage: str = Field(examples=["mining"])
    element: str | None = Field(default=None, examples=[None])
    year: int | None = Field(default=None, examples=[2024])
    by: str = Field(examples=["country"])
    unit: str | None = Field(default=None, examples=["t REO"])
    total: float | None = Field(default=None, examples=[394000])
    hhi: float = Field(examples=[4924])
    shares: list[ShareOut]
    sources: list[str] = Field(examples=[["source:usgs-mcs-2025-ree"]])


class SpofOut(_Open):
    consumer: str = Field(examples=["country:US@magnet-users"])
    element: str | None = Field(default=None, examples=["Dy"])
    as_of: str = Field(examples=["2025-06-01"])
    single_points: list[dict[str, Any]]
    sources: list[str]


class ChokepointsOut(_Open):
    chokepoints: list[dict[str, Any]] = Field(examples=[[{"id": "facility:ganzhou-separation-cluster",
                                                         "score": 0.615, "supply_lost": 0.542}]])


#: An id, name or code in a request body (bounded, so nothing long reaches the store).
ShortStr = Annotated[str, Field(max_length=200)]


class ScenarioIn(BaseModel):
    restrict: list[ShortStr] = Field(default_factory=list, max_length=50,
                                description="COUNTRY:E1,E2 — stop that country's exports of those elements.",
                                examples=[["CN:Dy,Tb"]])
    remove: list[ShortStr] = Field(default_factory=list, max_length=50,
                              description="Facility, firm or country ids (or names) taken out.",
                              examples=[["facility:lynas-malaysia"]])
    policies: bool = Field(default=False, description="Also apply the export controls in force on as_of "
                                                      "(the default when nothing else is given).")
    elements: list[ShortStr] = Field(default_factory=list, max_length=17, examples=[["Dy", "Tb"]])
    as_of: str | None = Field(default=None, examples=["2025-04-04"], pattern=DATE_PATTERN)


class ScenarioOut(_Open):
    scenario: dict[str, Any]
    impacts: list[dict[str, Any]] = Field(
        description="One row per consumer and element, in tonnes of the element's oxide per year: "
                    "demand (None: no figure), before/after (None for a consumer without a demand: "
                    "rationed false, see alone_before/alone_after, upper bounds), shortfall.",
        examples=[[{"consumer": "country:US@magnet-users", "element": "Dy",
                    "unit": "t Dy2O3-equivalent (oxide basis)", "demand": 72.304, "before": 72.304,
                    "after": 0.0, "shortfall": 72.304, "shortfall_share": 1.0, "alone_before": 72.304,
                    "alone_after": 0.0, "rationed": True}]])


class PoliciesOut(_Open):
    as_of: str = Field(examples=["2025-06-01"])
    policies: list[dict[str, Any]] = Field(examples=[[{"id": "policy:cn-mofcom-2025-18", "instrument": "export-control",
                                                       "status": "in force", "targets": ["element:Dy"]}]])


class PathsOut(_Open):
    source: str = Field(examples=["facility:mount-weld"])
    target: str = Field(examples=["firm:mp-materials"])
    paths: list[dict[str, Any]]


@router.get("/analysis/concentration", response_model=ConcentrationOut,
            summary="Shares by country or firm for a stage, with HHI and flags")
def concentration(
    store: StoreDep,
    stage: Annotated[str, Query(description="mining, separation, metal, magnet …", examples=["mining"], max_length=40)],
    element: Element = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    by: Annotated[Literal["country", "firm"], Query()] = "country",
    basis: Annotated[Literal["production", "capacity"], Query()] = "production",
    source: Annotated[str | None, Query(description="Only this source edition (source id).", max_length=200)] = None,
    as_of: AsOf = None,
) -> dict[str, Any]:
    return service.concentration_result(store, stage, element=element, year=year, by=by, basis=basis,
                                        source=source, as_of=as_of)


@router.get("/analysis/spof", response_model=SpofOut,
            summary="Single points of failure for a consumer (facility and country level)")
def spof(
    store: StoreDep,
    consumer: Annotated[str, Query(description="US, EU, JP, country:US, region:eu or a firm id.",
                                   examples=["US"], max_length=200)],
    element: Element = None,
    as_of: AsOf = None,
    controls: Annotated[bool, Query(description="Apply the export controls in force on as_of.")] = False,
    evidence: Annotated[int, Query(ge=0, le=20)] = 3,
) -> dict[str, Any]:
    return service.spof_result(store, consumer, element=element, as_of=as_of, controls=controls,
                               evidence=evidence)


@router.get("/analysis/chokepoints", response_model=ChokepointsOut,
            summary="Nodes ranked by supply lost, supply betweenness and stage share")
def chokepoints(
    store: StoreDep, element: Element = None,
    top: Annotated[int, Query(ge=1, le=100)] = 10, as_of: AsOf = None,
) -> dict[str, Any]:
    return service.chokepoints_result(store, element=element, top=top, as_of=as_of)


@router.post("/analysis/scenario", response_model=ScenarioOut,
             summary="Shortfall per consumer when exports stop or facilities go")
def scenario(store: StoreDep, body: ScenarioIn) -> dict[str, Any]:
    return service.scenario_result(store, restrict=body.restrict, remove=body.remove, policies=body.policies,
                                   elements=body.elements or None, as_of=body.as_of)


@router.get("/policies", response_model=PoliciesOut, tags=["policies"],
            summary="Policies with their status on a date")
def policies(store: StoreDep, as_of: AsOf = None, element: Element = None) -> dict[str, Any]:
    return service.policies_result(store, as_of=as_of, element=element)


@router.get("/paths", response_model=PathsOut, tags=["paths"],
            summary="Paths between two entities through claims, optionally avoiding a country")
def paths(
    store: StoreDep,
    source: Annotated[str, Query(description="Id or name.", examples=["facility:mount-weld"], max_length=200)],
    target: Annotated[str, Query(description="Id or name.", examples=["firm:mp-materials"], max_length=200)],
    max_hops: Annotated[int, Query(ge=1, le=8)] = 4,
    avoid_country: Annotated[str | None, Query(description="Country code, name or id.", examples=["CN"], max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    as_of: AsOf = None,
) -> dict[str, Any]:
    return service.paths_result(store, source, target, max_hops=max_hops, avoid_country=avoid_country,
                                limit=limit, as_of=as_of)
