"""Article loader: news and analysis text → entities and claims with sentence, span and confidence.

Pipeline: :mod:`readers` (txt/md/html/rss/atom/jsonl → :class:`Article`; hard-wrapped text
unwrapped) → :mod:`sentences` (sentence spans) → :mod:`gazetteer` (multi-pattern matcher built
from the store's entities, plus a :class:`~loaders.articles.gazetteer.GraphIndex` of numbers,
operators, locations and issuers) → :mod:`references` (numbered, described and pronominal
references resolved through the graph) and :mod:`names` (names the graph lacks, found by form)
→ :mod:`extract` (runs :mod:`mentions`, then the relation rules of :mod:`rules_policy` and
:mod:`rules_chain`; records and hedging in :mod:`records`) →
:mod:`to_batch` (a :class:`kg.model.Batch` per article: its Source, MENTIONS claims and the
extracted claims between graph entities, never any other entity).

Quality and speed: bench/articles_eval.py (dev and held-out sets) and bench/README.md.
"""

from loaders.articles.extract import EXTRACTOR, Extraction, extract_article
from loaders.articles.gazetteer import Gazetteer
from loaders.articles.readers import (
    ARTICLE_SUFFIXES,
    Article,
    ReadResult,
    is_article_file,
    read_articles,
)
from loaders.articles.to_batch import (
    article_batch,
    article_files,
    build_article_batches,
    load_article_file,
)

__all__ = [
    "ARTICLE_SUFFIXES",
    "EXTRACTOR",
    "Article",
    "Extraction",
    "Gazetteer",
    "ReadResult",
    "article_batch",
    "article_files",
    "build_article_batches",
    "extract_article",
    "is_article_file",
    "load_article_file",
    "read_articles",
]
