"""The graph the article tests and the evaluation run against: the real bundled data (data/).

Earlier this was a trimmed copy of data/ in tests/articles/fixtures, which went stale as data/
grew; now every article test and bench/articles_eval.py resolve names against the graph
``rekg build`` makes (dataset files only: the bundled articles are what is being tested).
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from kg.model import Batch
from kg.store.memory import MemoryStore
from loaders.pipeline import read_data

__all__ = ["ARTICLES_DIR", "DATA_DIR", "GOLD", "data_batch", "data_store", "load_gold"]

HERE = Path(__file__).parent
GOLD = HERE / "gold.yaml"
DATA_DIR = HERE.parent.parent / "data"
ARTICLES_DIR = DATA_DIR / "articles"


@functools.lru_cache(maxsize=1)
def _read() -> Batch:
    return read_data(DATA_DIR, articles=False).batch


def data_batch() -> Batch:
    """A fresh batch of every dataset file under data/ (no articles); the caller may extend it."""
    cached = _read()
    merged = Batch(origin=cached.origin)
    merged.extend(cached)
    return merged


def data_store(path: Path | None = None) -> MemoryStore:
    store = MemoryStore(path)
    store.write(data_batch())
    return store


def load_gold() -> dict[str, dict]:
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))["articles"]
