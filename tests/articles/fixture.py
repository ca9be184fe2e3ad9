"""The fixture graph the article tests and the evaluation run against (see fixtures/sources.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml

from kg.model import Batch
from kg.store.memory import MemoryStore
from loaders.datasets import load_file

__all__ = ["ARTICLES_DIR", "FIXTURE_DIR", "GOLD", "fixture_batch", "fixture_store", "load_gold"]

HERE = Path(__file__).parent
FIXTURE_DIR = HERE / "fixtures"
GOLD = HERE / "gold.yaml"
ARTICLES_DIR = HERE.parent.parent / "data" / "articles"
_FILES = ["sources.yaml", "elements.csv", "countries.csv", "regions.csv", "materials.csv",
          "firms.csv", "facilities.csv", "policies.csv", "groups.csv", "relations.csv",
          "facility_links.csv"]


def fixture_batch() -> Batch:
    merged = Batch(origin="tests/articles/fixtures")
    for name in _FILES:
        merged.extend(load_file(FIXTURE_DIR / name))
    return merged


def fixture_store(path: Path | None = None) -> MemoryStore:
    store = MemoryStore(path)
    store.write(fixture_batch())
    return store


def load_gold() -> dict[str, dict]:
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))["articles"]
