"""Entities: list with pagination, one by id, and its relations."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from api.deps import ReadsDep, StoreDep
from api.errors import ApiError
from api.models import DATE_PATTERN, EntityDetail, EntityOut, EntityPage, RelationOut
from kg.errors import CleanError
from kg.schema import load_schema
from kg.store.base import score_name
from kg.types import clean_date

router = APIRouter(prefix="/entities", tags=["entities"])

IdPath = Annotated[str, Path(description="Entity id, `type:slug`.", examples=["facility:mount-weld"], max_length=200)]


def _type(value: str | None) -> str | None:
    if value is None:
        return None
    types = load_schema().entities
    match = {t.lower(): t for t in types}.get(value.lower())
    if match is None:
        raise ApiError(400, f"type: expected one of {', '.join(types)}, got {value!r}")
    return match


def _date(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    try:
        return clean_date(value, field)
    except CleanError as exc:
        raise ApiError(400, str(exc)) from None


@router.get("", response_model=EntityPage, summary="List entities, optionally by type and name")
def list_entities(
    store: StoreDep,
    type: Annotated[str | None, Query(description="Entity type, e.g. Facility.", max_length=40)] = None,
    q: Annotated[str | None, Query(description="Only entities whose names match.", max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> EntityPage:
    items = list(store.entities(_type(type)))
    if q:
        items = [e for e in items if score_name(q, e) > 0]
    page = items[offset:offset + limit]
    return EntityPage(total=len(items), limit=limit, offset=offset,
                      items=[EntityOut.model_validate(e.model_dump()) for e in page])


@router.get("/{entity_id}", response_model=EntityDetail, summary="One entity with its relations")
async def get_entity(
    reads: ReadsDep, entity_id: IdPath,
    as_of: Annotated[str | None, Query(description="Only relations holding on this date (YYYY[-MM[-DD]]).", pattern=DATE_PATTERN)] = None,
) -> EntityDetail:
    return EntityDetail.model_validate(await reads.show(entity_id, as_of=_date(as_of, "as_of")))


@router.get("/{entity_id}/relations", response_model=list[RelationOut],
            summary="Relations of an entity, with their sources")
def get_relations(
    store: StoreDep, entity_id: IdPath,
    predicate: Annotated[str | None, Query(description="Relation type, e.g. OPERATES.", max_length=40)] = None,
    direction: Annotated[Literal["out", "in"] | None, Query()] = None,
    as_of: Annotated[str | None, Query(description="YYYY[-MM[-DD]]", pattern=DATE_PATTERN)] = None,
) -> list[RelationOut]:
    if predicate is not None and predicate.upper() not in load_schema().relations:
        raise ApiError(400, f"predicate: expected one of {', '.join(load_schema().relations)}, got {predicate!r}")
    rels = store.relations(entity_id, predicate=predicate, direction=direction, as_of=_date(as_of, "as_of"))
    return [RelationOut.model_validate(r.to_json()) for r in rels]
