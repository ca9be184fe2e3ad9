"""GET /health: store kind and counts."""

from __future__ import annotations

from fastapi import APIRouter

import kg
from api.deps import StoreDep
from api.models import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut, summary="Store kind and counts")
def health(store: StoreDep) -> HealthOut:
    return HealthOut.model_validate({"store": store.kind, "version": kg.__version__,
                                     "counts": store.stats().to_json()})
