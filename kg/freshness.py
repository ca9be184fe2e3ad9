"""Freshness report: which facility, firm and policy rows are due for a re-check.

Curated rows go out of date quietly: a project that was "planned" in 2023 may have been cancelled
since. Each Facility, Firm and Policy row may carry ``checked`` (the date the row was last checked)
and ``checked_against`` (the source ids read in that check). A row is *stale* for ``days`` when

- **check**: it was never checked, or ``checked`` is more than ``days`` days before ``today``; or
- **evidence**: the newest thing we know about it is more than ``days`` days old. The evidence date
  is the latest of the row's own dates (a facility's ``status_date``; a policy's announced, effective,
  suspended, resumed, ended, reported) and the ``published`` dates of the sources it was checked
  against (its cited sources when ``checked_against`` is empty). A row checked yesterday against a
  2022 article is still stale: the check only confirms what that article said.

Partial dates are read generously: ``2024`` counts as 2024-12-31 and ``2024-06`` as 2024-06-30, so a
row is never reported stale before its date has certainly passed the threshold.

The report reads entities through the :class:`~kg.store.base.Store` interface only, so it works on
the embedded store and on Neo4j alike (``rekg stats --stale 180``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.errors import CleanError
from kg.model import Entity
from kg.types import date_bounds

__all__ = ["CHECKED_TYPES", "COVERAGE_TYPES", "StaleRow", "evidence_date", "stale_rows", "freshness_report",
           "publisher_key", "coverage_report"]

#: Entity types that carry a check trail (``checked``, ``checked_against``).
CHECKED_TYPES = ("Facility", "Firm", "Policy")
#: Entity types counted by :func:`coverage_report`.
COVERAGE_TYPES = ("Facility", "Firm", "Material", "Policy")
_POLICY_DATES = ("announced", "effective", "suspended", "resumed", "ended", "reported")


@dataclass(frozen=True)
class StaleRow:
    """One row due for a re-check, with why."""

    id: str
    type: str
    name: str
    checked: str | None
    evidence: str | None  # newest evidence date as written (partial dates kept)
    evidence_age_days: int | None
    reasons: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "name": self.name, "checked": self.checked,
                "evidence": self.evidence, "evidence_age_days": self.evidence_age_days,
                "reasons": list(self.reasons)}


def _end(value: str) -> dt.date:
    return date_bounds(value)[1]


def _latest(values: Iterable[str]) -> str | None:
    """The value whose last covered day is the latest (``2025`` beats ``2025-06-30``)."""
    best: tuple[dt.date, str] | None = None
    for value in values:
        end = _end(value)
        if best is None or end > best[0]:
            best = (end, value)
    return best[1] if best else None


def evidence_date(entity: Entity, published: Mapping[str, str]) -> str | None:
    """Newest date we hold evidence for about ``entity`` (see the module docstring)."""
    props = entity.properties
    own: list[str] = []
    if entity.type == "Facility" and props.get("status_date"):
        own.append(str(props["status_date"]))
    if entity.type == "Policy":
        own += [str(props[k]) for k in _POLICY_DATES if props.get(k)]
    read = props.get("checked_against") or entity.sources
    own += [published[s] for s in read if s in published]
    return _latest(own)


def stale_rows(entities: Iterable[Entity], days: int, today: dt.date | None = None,
               published: Mapping[str, str] | None = None) -> list[StaleRow]:
    """Facility, firm and policy rows that are stale for ``days`` (check or evidence too old).

    ``published`` maps source id to its publication date. Sorted by evidence age, oldest first
    (rows with no evidence date first), then by id.
    """
    if days < 0:
        raise CleanError("days", days, "a number of days >= 0")
    today = today or dt.date.today()
    published = published or {}
    out: list[StaleRow] = []
    for entity in entities:
        if entity.type not in CHECKED_TYPES:
            continue
        reasons = []
        checked = entity.properties.get("checked")
        if not checked:
            reasons.append("never checked")
        elif (today - _end(str(checked))).days > days:
            reasons.append(f"checked {checked}, over {days} days ago")
        evidence = evidence_date(entity, published)
        age = (today - _end(evidence)).days if evidence else None
        if evidence is None:
            reasons.append("no dated evidence")
        elif age is not None and age > days:
            reasons.append(f"newest evidence {evidence}, {age} days old")
        if reasons:
            out.append(StaleRow(entity.id, entity.type, entity.name, str(checked) if checked else None,
                                evidence, age, tuple(reasons)))
    out.sort(key=lambda r: (r.evidence_age_days is not None, -(r.evidence_age_days or 0), r.id))
    return out


def freshness_report(store: Any, days: int, today: dt.date | None = None) -> dict[str, Any]:
    """JSON-ready report over every checked type in ``store``: counts and the stale rows."""
    today = today or dt.date.today()
    published = {s.id: str(s.properties["published"]) for s in store.entities("Source")
                 if s.properties.get("published")}
    entities = [e for t in CHECKED_TYPES for e in store.entities(t)]
    rows = stale_rows(entities, days, today, published)
    return {
        "today": today.isoformat(),
        "days": days,
        "rows": {t: sum(1 for e in entities if e.type == t) for t in CHECKED_TYPES},
        "stale": {t: sum(1 for r in rows if r.type == t) for t in CHECKED_TYPES},
        "never_checked": sum(1 for e in entities if not e.properties.get("checked")),
        "stale_rows": [r.to_json() for r in rows],
    }


def publisher_key(publisher: str) -> str:
    """A publisher name reduced for comparison: ``"WikiMili (copy of English Wikipedia)"`` -> ``"wikimili"``.

    Two sources count as independent when their keys differ. The parenthetical is dropped because
    it carries notes (the copy read, a wire service), not a different publisher.
    """
    return " ".join(publisher.split("(", 1)[0].lower().split())


def coverage_report(store: Any) -> dict[str, Any]:
    """How far the curated rows are enriched: Wikidata ids, coordinates and second sources.

    Per type in :data:`COVERAGE_TYPES`: ``rows``; ``qid`` (rows with a Wikidata id); ``coordinates``
    (rows with a latitude, facilities only); ``second_source`` (rows whose check read sources from two
    or more publishers, by :func:`publisher_key`). The sources counted are ``checked_against`` where a
    row has it, else its cited sources, so a coordinate source does not count as a second source
    for a status or date. Reads through the Store interface only.
    """
    publishers = {s.id: publisher_key(str(s.properties.get("publisher") or "")) for s in store.entities("Source")}
    out: dict[str, Any] = {}
    for etype in COVERAGE_TYPES:
        rows = list(store.entities(etype))
        second = 0
        for entity in rows:
            read = entity.properties.get("checked_against") or entity.sources
            if len({publishers[s] for s in read if publishers.get(s)}) >= 2:
                second += 1
        counts = {"rows": len(rows), "qid": sum(1 for e in rows if e.properties.get("qid")),
                  "second_source": second}
        if etype == "Facility":
            counts["coordinates"] = sum(1 for e in rows if e.properties.get("latitude") is not None)
        out[etype] = counts
    return out
