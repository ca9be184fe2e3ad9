"""Name search: the one ranking both stores use (pure functions, no store, no I/O).

A store finds *candidates* its own way — the embedded store scans precomputed keys, Neo4j
asks its full-text index — and ranks them with :func:`score_keys` on the keys of
:func:`search_keys`, so ``/search`` answers the same on both stores. The candidate rule is
shared too: an entity can score above 0 only if some query word occurs (as a substring) in
its :func:`search_text`; :func:`matches_text` is that test, and
:func:`lucene_contains_query` is the same test for a Lucene index over ``search_text`` with
the whitespace analyzer (one token per space-separated word).
"""

from __future__ import annotations

from functools import lru_cache

from kg.model import Entity
from kg.types import normalize_name

__all__ = ["TYPE_WEIGHT", "NAME_CODES", "name_strings", "search_keys", "search_text", "matches_text",
           "score_keys", "score_name", "rank", "lucene_contains_query", "lucene_phrase"]

#: Sources match queries through their titles; they rank below the things they describe.
TYPE_WEIGHT: dict[str, float] = {"Source": 0.6}

_LUCENE_SPECIAL = set('+-&|!(){}[]^"~*?:\\/')


#: Properties whose values an entity also answers to (symbols, ISO codes, numbers, legal names).
NAME_CODES = ("symbol", "iso2", "iso3", "number", "legal_name")


def name_strings(entity: Entity) -> list[str]:
    """The strings an entity is named by, not normalized, in this order: name, aliases, id, id
    without its type, then the :data:`NAME_CODES` it has. :func:`search_keys` and
    :func:`kg.resolve.name_keys` are both made from them."""
    props = entity.properties
    return [entity.name, *entity.aliases, entity.id, entity.id.split(":", 1)[1],
            *(str(props[code]) for code in NAME_CODES if props.get(code))]


def search_keys(entity: Entity) -> tuple[str, tuple[str, ...]]:
    """An entity's normalized name and its other normalized names (aliases, id, codes), as
    :func:`score_name` compares them; stores may precompute these."""
    name, *others = (normalize_name(text) for text in name_strings(entity))
    return name, tuple(others)


def search_text(name: str, others: tuple[str, ...] | list[str]) -> str:
    """The text every way of matching needs a query word inside: the keys joined by `` | ``."""
    return " | ".join((name, *others))


def matches_text(words: list[str], text: str) -> bool:
    """Whether an entity with :func:`search_text` ``text`` can score above 0 for a query whose
    normalized words are ``words`` (some query word is a substring of the text)."""
    return any(w in text for w in words)


def score_keys(q: str, name: str, others: tuple[str, ...], type: str) -> float:
    """:func:`score_name` on a normalized query and precomputed :func:`search_keys`."""
    if not q:
        return 0.0
    weight = TYPE_WEIGHT.get(type, 1.0)
    if q == name:
        return weight
    if q in others:
        return 0.95 * weight
    q_words, q_set = _words(q)
    n_q = len(q_words)
    best = 0.0
    factor = 1.0
    for cand in (name, *others):
        if cand.startswith(q):
            score = 0.6 + 0.3 * len(q) / len(cand)
        else:
            words, word_set = _words(cand)
            if q_set <= word_set:
                score = 0.5 + 0.4 * n_q / len(words)
            elif q in cand:
                score = 0.4 + 0.3 * len(q) / len(cand)
            else:
                hits = sum(1 for w in q_words if w in word_set)
                if not hits:
                    factor = 0.9
                    continue
                score = 0.35 * hits / n_q
        if factor * score > best:
            best = factor * score
        if best >= 0.9 * 0.9:
            break  # no alias can beat this (an alias scores at most 0.9 * 0.9)
        factor = 0.9
    return best * weight


@lru_cache(maxsize=1 << 16)
def _words(key: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A normalized key's words and their set (pure; cached, since the same keys are scored
    against every query that finds them)."""
    words = tuple(key.split())
    return words, frozenset(words)


def score_name(query: str, entity: Entity) -> float:
    """How well ``query`` names ``entity``, in 0..1 (0 = no match).

    1 for the exact name, 0.95 for an exact alias or code; then, on the name (or, × 0.9, an
    alias): prefix, all query words present, substring, some words present. Sources are
    weighted by :data:`TYPE_WEIGHT` so they rank below the things they describe.

    >>> from kg.model import make_entity
    >>> lynas = make_entity(id="firm:lynas", name="Lynas Rare Earths", aliases=["Lynas"], sources=["source:x"])
    >>> score_name("lynas", lynas), score_name("Lynas Rare Earths", lynas), score_name("nickel", lynas)
    (0.95, 1.0, 0.0)
    """
    name, others = search_keys(entity)
    return score_keys(normalize_name(query), name, others, entity.type)


def rank(hits: list[tuple[float, str, str, str]], limit: int) -> list[tuple[float, str, str, str]]:
    """``(score, name, id, type)`` hits above 0, best first (ties by name, then id), at most ``limit``."""
    kept = [h for h in hits if h[0] > 0]
    kept.sort(key=lambda h: (-h[0], h[1], h[2]))
    return kept[:limit]


def _escape(word: str) -> str:
    return "".join("\\" + c if c in _LUCENE_SPECIAL else c for c in word)


def lucene_contains_query(q: str) -> str:
    """A Lucene query matching exactly the documents :func:`matches_text` accepts, for a
    full-text index over :func:`search_text` with the ``whitespace`` analyzer: each word of
    the normalized query ``q`` as ``*word*``. Whole words and prefixes are boosted so that,
    where a caller caps the candidates, the likeliest ones come first. Empty for an empty query.

    >>> lucene_contains_query("mt weld")
    'mt^4 OR mt*^2 OR *mt* OR weld^4 OR weld*^2 OR *weld*'
    """
    terms = []
    for word in dict.fromkeys(q.split()):
        w = _escape(word)
        terms.append(f"{w}^4 OR {w}*^2 OR *{w}*")
    return " OR ".join(terms)


def lucene_phrase(key: str) -> str:
    """A Lucene phrase query for a normalized name (whitespace analyzer): the documents whose
    text holds its words in a row — the candidates for an exact-name lookup."""
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
