"""Loaders turn files into typed records (:class:`kg.model.Batch`); they never write.

:mod:`loaders.pipeline` is the one path from files to a store (``build``, ``ingest``), used by
the CLI, the API, the tests and the benchmarks.
"""

from loaders.pipeline import (
    BuildResult,
    IngestResult,
    build,
    extract_file,
    ingest,
    ingest_article,
    read_data,
)

__all__ = ["BuildResult", "IngestResult", "build", "extract_file", "ingest", "ingest_article",
           "read_data"]
