"""Typed settings, read from the environment (prefix ``REKG_``) and an optional ``.env``."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "REPO_ROOT", "bundled_dir", "DATA_DIR", "ONTOLOGY_DIR", "POM_DIR"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def bundled_dir(name: str) -> Path:
    """Where a folder rekg ships (``data``, ``ontology``, ``neo4j``) is.

    In order: the variable ``REKG_<NAME>_DIR`` when set; the repository's folder when rekg runs
    from a checkout (an editable install); else the copy an installed wheel carries under
    ``kg/_bundled/`` (``setup.py`` puts it there at build time).
    """
    override = os.environ.get(f"REKG_{name.upper()}_DIR")
    if override:
        return Path(override).expanduser()
    if (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / name).is_dir():
        return REPO_ROOT / name
    return Path(__file__).resolve().parent / "_bundled" / name


#: The bundled datasets (``REKG_DATA_DIR``), the schema and generated ontology files
#: (``REKG_ONTOLOGY_DIR``), and the pom pinning the dev Neo4j (``REKG_NEO4J_DIR``).
DATA_DIR = bundled_dir("data")
ONTOLOGY_DIR = bundled_dir("ontology")
POM_DIR = bundled_dir("neo4j")


class Settings(BaseSettings):
    """Where rekg keeps its graph and how it reaches Neo4j.

    ``REKG_NEO4J_URI`` unset means the embedded store under ``REKG_HOME``.
    """

    model_config = SettingsConfigDict(env_prefix="REKG_", env_file=".env", extra="ignore")

    home: Path = Field(default_factory=lambda: Path(user_data_dir("rekg")),
                       description="Directory for the embedded snapshot and the local Neo4j server.")
    data_dir: Path = Field(default=DATA_DIR, description="Bundled datasets `rekg build` loads.")
    neo4j_uri: str | None = Field(default=None, description="bolt://, neo4j://, neo4j+s:// …")
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("rekg-dev-password")
    neo4j_database: str = "neo4j"
    neo4j_pool_size: int = Field(
        default=64, ge=1,
        description="Most Bolt connections the driver holds. A process uses at most one per thread "
                    "reading or writing at once (the API's thread pool runs 40); the server's Bolt "
                    "thread pool (server.bolt.thread_pool_max_size, 400 by default) bounds the sum "
                    "over all processes.")
    read_concurrency: int = Field(
        default=1, ge=1, le=32,
        description="Store reads the API has in flight at once for entity pages and for searches "
                    "(each); requests arriving meanwhile share the next read (api/reads.py).")
    base_iri: str = "https://w3id.org/rekg/"
    api_key: SecretStr | None = Field(default=None, description="Key for API writes; unset = writes off.")
    max_body_bytes: int = Field(default=2_000_000, description="Largest request body the API accepts.")
    cypher_row_cap: int = Field(default=1000, description="Most rows POST /cypher returns.")
    cypher_timeout: float = Field(default=10.0, gt=0, le=600, description="Seconds a POST /cypher query may run.")
    cypher_max_bytes: int = Field(default=2_000_000, ge=1000,
                                  description="Most bytes of rows (as JSON) POST /cypher returns.")
    cypher_max_chars: int = Field(default=4000, ge=100, description="Longest query POST /cypher accepts.")
    cypher_max_depth: int = Field(default=24, ge=4, description="Deepest bracket nesting POST /cypher accepts.")
    cypher_max_range: int = Field(default=10_000, ge=10,
                                  description="Most elements all range() calls of one query may make.")
    cypher_concurrency: int = Field(default=4, ge=1, le=64,
                                    description="Cypher queries the API runs at once; more get 503.")
    cors_origins: list[str] = Field(default_factory=list,
                                    description="Origins allowed by CORS (JSON list, e.g. "
                                                "'[\"https://example.org\"]'); empty = CORS off.")

    @property
    def snapshot_path(self) -> Path:
        return self.home / "graph.json"
