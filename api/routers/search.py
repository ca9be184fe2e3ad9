"""GET /search: entities by name or alias."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ReadsDep
from api.models import SearchOut
from api.routers.entities import _type

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchOut, summary="Find entities by name, alias or code")
async def search(
    reads: ReadsDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Name, alias, symbol or code.",
                            examples=["mt weld"])],
    type: Annotated[str | None, Query(description="Entity type.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchOut:
    hits = await reads.search(q, type=_type(type), limit=limit)
    return SearchOut.model_validate({"results": [h.to_json() for h in hits]})
