"""Freshness report (kg/freshness.py): which rows are due for a re-check."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.errors import CleanError
from kg.freshness import coverage_report, evidence_date, freshness_report, publisher_key, stale_rows
from kg.model import Batch, make_entity
from kg.store.memory import MemoryStore
from tests.conftest import bundled_batch

TODAY = dt.date(2026, 11, 30)
PUBLISHED = {"source:old": "2022-03", "source:new": "2026-10-01"}


def _facility(fid: str, sources: str = "source:new", **props: str):
    return make_entity(id=fid, name=fid, properties={"stages": "mining", "status": "operating", **props},
                       sources=sources)


def test_recent_check_against_recent_evidence_is_fresh() -> None:
    entity = _facility("facility:a", status_date="2018", checked="2026-11-30")
    assert evidence_date(entity, PUBLISHED) == "2026-10-01"
    assert stale_rows([entity], 180, TODAY, PUBLISHED) == []


def test_recent_check_against_old_evidence_is_stale() -> None:
    entity = _facility("facility:b", sources="source:old", status_date="2021", checked="2026-11-26")
    (row,) = stale_rows([entity], 180, TODAY, PUBLISHED)
    assert row.evidence == "2022-03" and row.reasons == ("newest evidence 2022-03, 1705 days old",)


def test_never_checked_and_old_check_are_reasons() -> None:
    never = _facility("facility:c")
    old = _facility("facility:d", checked="2025-01")
    rows = {r.id: r.reasons for r in stale_rows([never, old], 180, TODAY, PUBLISHED)}
    assert rows == {"facility:c": ("never checked",), "facility:d": ("checked 2025-01, over 180 days ago",)}


def test_partial_dates_are_read_generously() -> None:
    entity = _facility("facility:e", sources="source:none", status_date="2026", checked="2026-06")
    assert stale_rows([entity], 180, TODAY, PUBLISHED) == []  # 2026-06-30 is 153 days ago


def test_policy_uses_its_latest_event_and_checked_against() -> None:
    policy = make_entity(id="policy:p", name="P", sources="source:old",
                         properties={"instrument": "ban", "announced": "2023-07-03", "ended": "2026-09-01",
                                     "checked": "2026-11-30", "checked_against": "source:old"})
    assert evidence_date(policy, PUBLISHED) == "2026-09-01"
    assert stale_rows([policy], 180, TODAY, PUBLISHED) == []
    (row,) = stale_rows([policy], 60, TODAY, PUBLISHED)
    assert row.evidence_age_days == 90


def test_negative_days_is_a_clear_error() -> None:
    with pytest.raises(CleanError, match="days"):
        stale_rows([], -1, TODAY)


def test_report_on_the_bundled_graph() -> None:
    store = MemoryStore()
    store.replace_all(bundled_batch())
    report = freshness_report(store, 400, TODAY)
    assert report["rows"]["Facility"] >= 80 and report["never_checked"] == 0
    stale = {r["id"]: r for r in report["stale_rows"]}
    # Re-checked for issue 16 against sources of late 2025: not stale within 400 days.
    assert "facility:lynas-seadrift" not in stale
    # Pensana Saltend rests on 2022 sources (a known gap): stale on evidence.
    assert any("newest evidence" in reason for reason in stale["facility:saltend"]["reasons"])
    assert report["stale"]["Facility"] < report["rows"]["Facility"]


def test_publisher_key_drops_the_parenthetical_note() -> None:
    assert publisher_key("WikiMili (copy of English Wikipedia)") == "wikimili"
    assert publisher_key("  Reuters ") == publisher_key("reuters (via Business Recorder)") == "reuters"


def test_coverage_counts_second_sources_from_checked_against() -> None:
    store = MemoryStore()
    sources = [make_entity(id=f"source:{k}", name=k, properties={"url": "https://x.org", "published": "2025", "title": k, "retrieved": "2026-11-30",
                                                                 "kind": "article", "publisher": pub})
               for k, pub in (("a", "Reuters"), ("b", "Reuters (via X)"), ("c", "Mining.com"))]
    two = _facility("facility:two", sources="source:a|source:c", checked="2026-11-30",
                    checked_against="source:a|source:c", latitude="1.5", longitude="2.5")
    # Cites a second publisher, but the check read one publisher twice: no second source.
    one = _facility("facility:one", sources="source:a|source:b|source:c", checked="2026-11-30",
                    checked_against="source:a|source:b")
    store.write(Batch(entities=[*sources, two, one]))
    report = coverage_report(store)
    assert report["Facility"] == {"rows": 2, "qid": 0, "second_source": 1, "coordinates": 1}
    assert report["Policy"] == {"rows": 0, "qid": 0, "second_source": 0}


def test_coverage_of_the_bundled_data() -> None:
    store = MemoryStore()
    store.replace_all(bundled_batch())
    report = coverage_report(store)
    assert report["Facility"]["rows"] == 88 and report["Facility"]["coordinates"] >= 68
    assert report["Facility"]["second_source"] >= 78 and report["Firm"]["second_source"] >= 111
    # Every policy's status and dates rest on at least two publishers (issue 16, item 2).
    assert report["Policy"]["second_source"] == report["Policy"]["rows"] == 58
