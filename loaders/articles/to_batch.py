"""Turn an :class:`~loaders.articles.extract.Extraction` into a :class:`kg.model.Batch`.

An article batch holds its Source entity, one ``MENTIONS`` claim per entity named (with
``count``), and the extracted claims, each citing the Source with quote, span, confidence and
extractor. It never holds any other entity: curated entities and claims stay as they are,
and article claims stand beside them (claim ids hash the source, so they never collide).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.errors import CleanError, ConflictError, DataError, RekgError
from kg.ids import source_id_for_url
from kg.model import Batch, Claim, Entity, make_claim, make_entity
from loaders.articles.extract import EXTRACTOR, Extraction, extract_article
from loaders.articles.gazetteer import Gazetteer
from loaders.articles.readers import Article, read_articles

__all__ = ["article_batch", "article_files", "build_article_batches", "load_article_file", "source_entity"]


def source_entity(article: Article) -> Entity:
    """The Source an article becomes; it needs url, title and published date."""
    for key in ("url", "published"):
        if not getattr(article, key):
            raise DataError(article.where, f"no {key!r}: an article becomes a Source, which needs "
                                           f"url and published (add a header block: '---', "
                                           f"'url: https://…', 'published: YYYY-MM-DD', '---')")
    assert article.url is not None
    props: dict[str, Any] = {
        "url": article.url, "title": article.title or article.url, "published": article.published,
        "kind": "article", "publisher": article.publisher, "retrieved": article.retrieved,
        "note": article.note,
    }
    try:
        return make_entity(id=source_id_for_url(article.url), name=article.title or article.url,
                           properties={k: v for k, v in props.items() if v})
    except CleanError as exc:
        raise DataError(article.where, f"field {exc.field!r}: expected {exc.expected}, "
                                       f"got {exc.value!r}") from None


def article_batch(extraction: Extraction) -> Batch:
    """The batch for one extracted article (Source + MENTIONS + extracted claims)."""
    article = extraction.article
    source = source_entity(article)
    sid = source.id
    batch = Batch(entities=[source], origin=article.where, supersedes=sid)
    first: dict[str, Any] = {}
    for m in extraction.mentions:
        first.setdefault(m.id, m)
    claims: list[Claim] = []
    try:
        for eid, count in sorted(extraction.mention_counts().items()):
            m = first[eid]
            sent = extraction.sentences[m.sentence]
            claims.append(make_claim(
                subject=sid, predicate="MENTIONS", object=eid, properties={"count": count},
                sources=[sid], quote=sent.text, span_start=m.start, span_end=m.end,
                confidence=0.9 if m.flag in {"metonym", "demonym", "contextual"} else 1.0,
                extractor=EXTRACTOR,
                note=f"first mention {m.text!r}" + (f" ({m.flag})" if m.flag else "")))
        for hit in extraction.relations:
            if hit.subject.startswith("candidate:") or hit.object.startswith("candidate:"):
                continue  # a name the graph does not hold yet: in --json, not in the store
            note = f"rule {hit.rule}"
            if hit.action:
                note += f"; action: {hit.action}"
            if hit.hedge:
                note += f"; {hit.hedge}"
            claims.append(make_claim(
                subject=hit.subject, predicate=hit.predicate, object=hit.object,
                properties=hit.properties, sources=[sid], quote=hit.sentence.text,
                span_start=hit.sentence.start, span_end=hit.sentence.end,
                confidence=hit.confidence, extractor=EXTRACTOR, valid_from=hit.valid_from,
                note=note))
    except RekgError as exc:
        raise DataError(article.where, f"extracted claim is invalid: {exc}") from None
    batch.claims = claims
    return batch


def article_files(directory: Path) -> list[Path]:
    """Article files under ``directory`` (e.g. ``data/articles``), sorted; README/FORMAT skipped."""
    from loaders.articles.readers import is_article_file

    if not directory.is_dir():
        return []
    return [p for p in sorted(directory.rglob("*"))
            if p.is_file() and is_article_file(p) and p.name not in {"README.md", "FORMAT.md"}]


def check_source_free(store: Any, source: Entity, where: str) -> None:
    """Refuse an article whose source id already names a curated (non-article) source."""
    existing = store.get(source.id) if store is not None else None
    if existing is not None and existing.properties.get("kind") != "article":
        raise ConflictError(where, f"source id {source.id} already names a non-article source; "
                               "an article never replaces curated data")


def build_article_batches(paths: Iterable[Path], entities: Iterable[Entity],
                          claims: Iterable[Claim] = (),
                          skipped: list[dict[str, str]] | None = None) -> list[Batch]:
    """Batches for article files against a set of entities (``rekg build`` before writing).

    Skipped feed/JSONL entries are appended to ``skipped`` (file and reason) when given.
    """
    gaz = Gazetteer(entities, claims)
    batches: list[Batch] = []
    for path in paths:
        result = read_articles(Path(path))
        if skipped is not None:
            skipped.extend(result.skipped)
        for article in result.articles:
            batches.append(article_batch(extract_article(article, gaz)))
    return batches


def load_article_file(path: Path, store: Any, gazetteer: Gazetteer | None = None,
                      skipped: list[dict[str, str]] | None = None) -> list[Batch]:
    """Batches for one article file against ``store`` (``rekg load ARTICLE``); nothing is written.

    One batch per article, so each loads whole or not at all; the caller writes them with
    ``store.write``. Skipped entries (broken feed items, bad JSONL lines) go to ``skipped``.
    """
    gaz = gazetteer or Gazetteer.from_store(store)
    result = read_articles(Path(path))
    if skipped is not None:
        skipped.extend(result.skipped)
    batches = []
    for article in result.articles:
        batch = article_batch(extract_article(article, gaz))
        check_source_free(store, batch.entities[0], article.where)
        batches.append(batch)
    return batches
