"""The one path from files to a store: :func:`read_data`, :func:`build`, :func:`ingest`.

``rekg build``, ``rekg load``, ``POST /articles``, the tests and the benchmarks all go through
these functions, so "what the bundled data is" and "how a file is added" are defined once:

- :func:`read_data` reads every dataset file under a data directory (``loaders.datasets``,
  in :func:`~loaders.datasets.discover` order), then its ``articles/`` folder against the
  entities those files define, into one :class:`~kg.model.Batch`. Nothing is written.
- :func:`build` writes that batch with ``store.replace_all`` (the graph is replaced whole).
- :func:`ingest` adds files to a store: every dataset file is read before anything is written
  (a bad file fails the command before the first write), then each batch is written in its own
  transaction; article files are extracted against the store's current entities.
- :func:`ingest_article` takes one article given as fields (the HTTP API's body).
- :func:`extract_file` is ``rekg extract``: what an article file says, written nowhere.

Loaders still never write by themselves: these functions take the store from their caller.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import DataError, RekgError
from kg.model import Batch
from kg.store.base import Store, WriteResult

__all__ = ["BuildResult", "Written", "IngestResult", "read_data", "build", "ingest",
           "ingest_article", "extract_file"]

#: Called with each file as it is read (a progress bar, a log line).
OnFile = Callable[[Path], None]


@dataclass
class BuildResult:
    """What :func:`read_data` read: the merged batch, the files, and skipped feed entries."""

    batch: Batch
    files: list[Path]
    articles: list[Path]
    skipped: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Written:
    """One batch written by :func:`ingest`: the file (or article) it came from and its counts."""

    file: str
    entities: int
    claims: int

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "entities": self.entities, "claims": self.claims}


@dataclass
class IngestResult:
    written: list[Written] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    #: entity ids the files redefined (only with ``replace``)
    replaced: list[str] = field(default_factory=list)


def read_data(data_dir: Path, *, articles: bool = True, on_file: OnFile | None = None) -> BuildResult:
    """Every dataset file under ``data_dir`` and (with ``articles``) its ``articles/`` folder,
    as one batch. Raises :class:`~kg.errors.DataError` naming the file and line of bad input."""
    from loaders.datasets import discover

    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(str(data_dir), "no such data directory (expected the folder holding "
                                       "sources.yaml and the dataset CSVs, e.g. data/)")
    files = discover(data_dir)
    merged = Batch(origin=str(data_dir))
    for path in files:
        if on_file is not None:
            on_file(path)
        merged.extend(_read_file(path))
    result = BuildResult(batch=merged, files=files, articles=[])
    if articles:
        from loaders.articles import build_article_batches
        from loaders.articles.to_batch import article_files

        result.articles = article_files(data_dir / "articles")
        for batch in build_article_batches(result.articles, list(merged.entities),
                                           list(merged.claims), skipped=result.skipped):
            merged.extend(batch)
    return result


def build(store: Store, data_dir: Path, *, articles: bool = True,
          on_file: OnFile | None = None) -> BuildResult:
    """Replace the store's graph with everything under ``data_dir`` (see :func:`read_data`)."""
    result = read_data(data_dir, articles=articles, on_file=on_file)
    store.replace_all(result.batch)
    return result


def _located(path: Path, read: Callable[[], Any]) -> Any:
    """``read()``; any failure a reader did not foresee still names the file (one line, exit 2)."""
    try:
        return read()
    except RekgError:
        raise
    except (RecursionError, MemoryError):
        raise DataError(str(path), "nested too deeply or too large to read") from None
    except Exception as exc:  # noqa: BLE001 - a reader bug must not become a traceback
        raise DataError(str(path), f"cannot be read: {exc}") from None


def _read_file(path: Path) -> Batch:
    from loaders.datasets import load_file

    return _located(path, lambda: load_file(path))


def ingest(store: Store, paths: Sequence[Path], *, replace: bool = False,
           on_file: OnFile | None = None) -> IngestResult:
    """Add dataset files and article files to ``store``.

    Every dataset file is read first, then all of them are written in **one** transaction
    (``rekg load A B C`` writes all three or none). Articles follow, one transaction each
    (each is extracted against the graph as it then is); if one fails, the error says
    exactly which files and articles were already written. ``replace`` lets a file
    redefine an entity the graph holds with other content (reported in ``replaced``).
    """
    from loaders.articles import is_article_file, load_article_file

    datasets = [Path(p) for p in paths if not is_article_file(Path(p))]
    article_paths = [Path(p) for p in paths if is_article_file(Path(p))]
    batches = []
    for path in datasets:
        if on_file is not None:
            on_file(path)
        batches.append(_read_file(path))
    result = IngestResult()
    if batches:
        merged = Batch(origin=", ".join(b.origin for b in batches))
        for batch in batches:
            merged.extend(batch)
        wrote = store.write(merged, replace=replace)
        result.replaced.extend(wrote.replaced)
        for batch in batches:
            result.written.append(Written(batch.origin, len({e.id for e in batch.entities}),
                                          len({c.id for c in batch.claims})))
    try:
        for path in article_paths:
            if on_file is not None:
                on_file(path)
            batches_of = _located(path, functools.partial(load_article_file, path, store,
                                                          skipped=result.skipped))
            _write_all(store, batches_of, result, default_origin=str(path), replace=replace)
    except DataError as exc:
        if not result.written:
            raise
        done = "; ".join(f"{w.file} ({w.entities} entities, {w.claims} claims)" for w in result.written)
        raise DataError(exc.location, f"{exc.detail} — already written before this failure: {done}") from None
    return result


def ingest_article(store: Store, fields: dict[str, Any],
                   where: str = "request body") -> tuple[Any, str, WriteResult]:
    """Extract one article given as fields (url, title, published, publisher, text) against the
    store and write it in one batch. Returns (the extraction, its source id, what was written).
    An article never replaces a curated (non-article) source: that is a DataError."""
    from loaders.articles import Gazetteer, article_batch, extract_article
    from loaders.articles.readers import article_from_fields
    from loaders.articles.to_batch import check_source_free

    article = article_from_fields(fields, where=where)
    extraction = extract_article(article, Gazetteer.from_store(store))
    batch = article_batch(extraction)
    check_source_free(store, batch.entities[0], where)
    return extraction, batch.entities[0].id, store.write(batch)


def extract_file(path: Path, store: Store) -> dict[str, Any]:
    """The ``rekg extract --json`` document for one article file; nothing is written.

    A file with one article gives the DESIGN.md shape (``source``, ``entities``,
    ``candidates``, ``relations``) plus ``skipped``; a feed or JSONL file gives
    ``{"articles": [that shape, …], "skipped": [{"where", "reason"}]}``.
    """
    from kg.ids import source_id_for_url
    from loaders.articles import Gazetteer, extract_article, read_articles

    gaz = Gazetteer.from_store(store)
    result = read_articles(Path(path))
    docs = []
    for article in result.articles:
        doc = extract_article(article, gaz).to_json()
        doc["source"]["id"] = source_id_for_url(article.url) if article.url else None
        docs.append(doc)
    if len(docs) == 1 and Path(path).suffix.lower() not in {".xml", ".rss", ".atom", ".jsonl"}:
        return docs[0] | {"skipped": result.skipped}
    return {"articles": docs, "skipped": result.skipped}


def _write_all(store: Store, batches: Iterable[Batch], result: IngestResult,
               default_origin: str, replace: bool = False) -> None:
    for batch in batches:
        wrote = store.write(batch, replace=replace)
        result.replaced.extend(wrote.replaced)
        result.written.append(Written(batch.origin or default_origin, wrote.entities, wrote.claims))
