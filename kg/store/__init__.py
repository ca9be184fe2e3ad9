"""Stores: the embedded one (default) and Neo4j (when ``REKG_NEO4J_URI`` is set)."""

from __future__ import annotations

from kg.config import Settings
from kg.store.base import Relation, SearchHit, Stats, Store, WriteResult
from kg.store.memory import MemoryStore

__all__ = ["Store", "MemoryStore", "Relation", "SearchHit", "Stats", "WriteResult", "open_store"]


def open_store(settings: Settings | None = None) -> Store:
    """The store the settings point at: Neo4j if ``neo4j_uri`` is set, else the embedded one."""
    settings = settings or Settings()
    if settings.neo4j_uri:
        from kg.store.neo4j import Neo4jStore

        return Neo4jStore.from_settings(settings)
    return MemoryStore(settings.snapshot_path)
