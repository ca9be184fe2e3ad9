"""Deterministic ids: ``type:slug`` for entities, hashes of the natural key for claims."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any

__all__ = ["slugify", "make_id", "claim_id", "source_id_for_url"]


def slugify(text: str) -> str:
    """Lower-case ASCII slug of a name.

    >>> slugify("Mount Weld (Lynas)")
    'mount-weld-lynas'
    >>> slugify("Société Minière d'Émeraude")
    'societe-miniere-d-emeraude'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def make_id(prefix: str, name: str) -> str:
    """An entity id from a type prefix and a name.

    >>> make_id("facility", "Mount Weld")
    'facility:mount-weld'
    """
    return f"{prefix}:{slugify(name)}"


def _digest(parts: Any) -> str:
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def claim_id(
    subject: str, predicate: str, obj: str, properties: dict[str, Any], sources: list[str]
) -> str:
    """Hash of a claim's natural key: who, what, whom, its qualifiers and its sources.

    Two sources saying the same thing make two claims (each keeps its own quote);
    the same source loaded twice makes the same id, so reloading changes nothing.

    >>> a = claim_id("country:CN", "PRODUCES", "material:reo", {"year": 2024}, ["source:x"])
    >>> a == claim_id("country:CN", "PRODUCES", "material:reo", {"year": 2024}, ["source:x"])
    True
    >>> a.startswith("claim:")
    True
    """
    return "claim:" + _digest([subject, predicate, obj, properties, sorted(sources)])


def source_id_for_url(url: str) -> str:
    """The id of an article source: a hash of its URL.

    >>> source_id_for_url("https://example.org/a")
    'source:a-9b190d91bd78'
    """
    slug = slugify(url.rstrip("/").rsplit("/", 1)[-1])[:48] or "article"
    return f"source:{slug}-{_digest(url)[:12]}"
