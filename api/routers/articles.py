"""POST /articles: ingest one article (API key); returns what was extracted and written."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ApiKeyDep, StoreDep
from api.models import DATE_PATTERN, error_response

router = APIRouter(tags=["articles"])


class ArticleIn(BaseModel):
    url: str = Field(max_length=2000, examples=["https://example.org/news/lynas-dysprosium"])
    title: str = Field(min_length=1, max_length=500, examples=["Lynas produces first dysprosium outside China"])
    published: str = Field(description="YYYY[-MM[-DD]]", examples=["2025-05-16"], pattern=DATE_PATTERN)
    publisher: str | None = Field(default=None, max_length=300, examples=["Australian Mining"])
    text: str = Field(min_length=1, description="The article's plain text.",
                      examples=["Lynas Rare Earths said it produced dysprosium oxide at Lynas Malaysia."])


class ArticleOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    source: dict[str, Any]
    entities: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    written: dict[str, int] = Field(
        description="What was written; ``retracted``: claims of an earlier version of the same "
                    "article (same URL) that this one replaced.",
        examples=[{"entities": 1, "claims": 7, "retracted": 0}])


@router.post("/articles", response_model=ArticleOut, status_code=201,
             summary="Ingest one article (needs the API key)",
             responses={401: error_response("No API key sent."),
                        403: error_response("Wrong key, or writes disabled."),
                        409: error_response("The URL names a curated source.")})
def ingest_article(body: ArticleIn, store: StoreDep, _: ApiKeyDep) -> dict[str, Any]:
    """The article becomes a Source with MENTIONS links and extracted claims, written in one
    batch (all or nothing); curated data is never overwritten (409)."""
    from loaders import ingest_article

    extraction, source_id, result = ingest_article(store, body.model_dump())
    doc = extraction.to_json()
    return doc | {"source": doc["source"] | {"id": source_id},
                  "written": {"entities": result.entities, "claims": result.claims,
                              "retracted": result.retracted}}
