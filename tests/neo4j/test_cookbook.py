"""Every query of docs/cypher.md runs against a real Neo4j holding the bundled data,
and its result is what the page says."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.config import Settings
from kg.store.neo4j import Neo4jStore
from tests.conftest import bundled_batch, neo4j_test_uri

pytestmark = pytest.mark.neo4j

DOC = Path(__file__).resolve().parents[2] / "docs" / "cypher.md"
_SECTION = re.compile(r"^### (\d+)\. (.+?)\n(.*?)(?=^### |\Z)", re.S | re.M)


def recipes() -> dict[int, tuple[str, str, dict[str, Any]]]:
    out = {}
    for number, title, body in _SECTION.findall(DOC.read_text(encoding="utf-8")):
        query = re.search(r"```cypher\n(.*?)```", body, re.S)
        assert query, f"recipe {number} has no cypher block"
        params = re.search(r"Parameters: `(\{.*?\})`", body)
        out[int(number)] = (title, query.group(1), json.loads(params.group(1)) if params else {})
    return out


@pytest.fixture(scope="module")
def graph() -> Iterator[Neo4jStore]:
    uri = neo4j_test_uri()
    if not uri:
        pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
    store = Neo4jStore.from_settings(Settings(neo4j_uri=uri, neo4j_password="unused-auth-off"))
    store.replace_all(bundled_batch(articles=True))
    try:
        yield store
    finally:
        store.close()


def col(rows: list[dict[str, Any]], name: str) -> list[Any]:
    return [r[name] for r in rows]


EXPECT: dict[int, Callable[[list[dict[str, Any]]], None]] = {}


def expect(number: int) -> Callable[[Callable[[list[dict[str, Any]]], None]], Callable[[list[dict[str, Any]]], None]]:
    def register(check: Callable[[list[dict[str, Any]]], None]) -> Callable[[list[dict[str, Any]]], None]:
        EXPECT[number] = check
        return check
    return register


@expect(1)
def _(rows):
    names = col(rows, "facility")
    assert len(rows) == len(set(names)) == 10 and "Lynas Malaysia advanced materials plant" in names
    assert "country:CN" not in json.dumps(rows) and "China" not in col(rows, "country")


@expect(2)
def _(rows):
    assert {(r["facility"], r["status"]) for r in rows} == {
        ("Lynas Malaysia advanced materials plant", "operating"),
        ("Aclara heavy rare earth separation plant", "planned"),
        ("Mountain Pass Rare Earth Mine and Processing Facility", "operating"),
        ("Shin-Etsu Magnetic Materials Vietnam (Hai Phong)", "operating")}


@expect(3)
def _(rows):
    routes = col(rows, "route")
    assert ["Mountain Pass Rare Earth Mine and Processing Facility", "MP Independence magnetics facility"] in routes
    assert len(routes) == 3 and all(len(r) >= 2 for r in routes)


@expect(4)
def _(rows):
    assert col(rows, "policy") == ["policy:cn-mofcom-2025-18"]


@expect(5)
def _(rows):
    assert col(rows, "downstream") == ["Lynas Kalgoorlie Rare Earths Processing Facility",
                                       "Lynas Malaysia advanced materials plant",
                                       "Lynas U.S. Rare Earths Processing Facility (Seadrift)"]
    assert set(col(rows, "operator")) == {"Lynas Rare Earths"}


@expect(6)
def _(rows):
    assert sorted(col(rows, "claim")) == ["FEEDS"] * 5 + ["OPERATES"] * 4
    assert {r["subject"] for r in rows} == {"Lynas Kalgoorlie Rare Earths Processing Facility",
                                            "Mt Weld rare earths mine and concentration plant",
                                            "Lynas Rare Earths"}
    assert all(r["publisher"] and r["published"] for r in rows)


@expect(7)
def _(rows):
    assert [(r["producer"], r["tonnes_reo"]) for r in rows[:4]] == [
        ("World", 390000), ("China", 270000), ("United States", 45000), ("Myanmar", 31000)]


@expect(8)
def _(rows):
    assert col(rows, "tonnes_reo") == [42000, 42500]
    assert "source:usgs-mcs-2025-ree" in rows[1]["sources"]


@expect(9)
def _(rows):
    owners = {(r["company"], r["owner"], r["share"]) for r in rows}
    assert ("MP Materials", "Shenghe Resources", 0.08) in owners
    assert ("MP Materials", "U.S. Department of Defense", 0.15) in owners
    assert ("Lynas Rare Earths", "Japan Australia Rare Earths", 0.03) in owners


@expect(10)
def _(rows):
    assert {"General Motors", "U.S. Department of Defense", "Shenghe Resources", "Apple"} <= set(col(rows, "buyer"))


@expect(11)
def _(rows):
    by_number = {r["number"]: r for r in rows if r["number"]}
    assert by_number["MOFCOM/GACC Announcement No. 18 of 2025"]["suspended"] is None
    assert by_number["MOFCOM Announcement No. 61 of 2025"]["suspended"] == "2025-11-07"
    assert by_number["MOFCOM Announcement No. 46 of 2024"]["suspended"] == "2025-11-09"
    assert len(rows) == 15


@expect(12)
def _(rows):
    assert set(col(rows, "role")) == {"beneficiary"}
    assert {r["instrument"] for r in rows} == {"loan", "investment", "offtake", "price-floor"}


@expect(13)
def _(rows):
    stages = {r["stage"] for r in rows}
    assert {"mining", "separation", "magnet"} <= stages
    magnet = [r["share"] for r in rows if r["stage"] == "magnet"]
    assert 0.94 in magnet and all(r["sources"] for r in rows)


@expect(14)
def _(rows):
    assert rows[0] == {"country": "China", "magnet_plants": 18, "operating": 12}
    assert rows[1]["country"] == "United States"


@expect(15)
def _(rows):
    assert col(rows, "element")[:2] == ["Terbium", "Dysprosium"]


@expect(16)
def _(rows):
    assert rows[0]["confidence"] == 0.2 and rows[0]["claim"] == "FEEDS"
    assert rows[0]["object"] == "Lynas U.S. Rare Earths Processing Facility (Seadrift)"
    assert all(r["why"] for r in rows)


@expect(17)
def _(rows):
    by_year = {r["year"]: r["largest_figure_t_reo"] for r in rows}
    assert by_year[2018] == 120000 and by_year[2024] == 270000


@expect(18)
def _(rows):
    plants = {r["magnet_plant"]: r["separation_countries"] for r in rows}
    assert plants["MP Independence magnetics facility"] == ["United States"]
    assert all(len(countries) == 1 for countries in plants.values())


@expect(19)
def _(rows):
    first = rows[0]
    assert first["policy"].startswith("DFARS restriction on certain magnets")
    assert (first["announced"], first["effective"], first["days"]) == ("2024-05-30", "2027-01-01", 946)
    assert first["lead_time"] == "P2Y7M2D"  # a Neo4j duration, as ISO text
    assert col(rows, "days") == [946, 112, 94, 83, 62]


@expect(20)
def _(rows):
    assert len(rows) == 8
    assert all(r["links"] and all(u.startswith("https://") for u in r["links"]) for r in rows)
    operates = [r for r in rows if r["claim"] == "OPERATES"]
    assert [r["other"] for r in operates] == ["Lynas Rare Earths"]
    assert operates[0]["links"] == ["https://issuu.com/apmgraphics/docs/lyc_ar23_12oct23_issuu"]
    feeds = [r for r in rows if r["claim"] == "FEEDS"]
    assert len(feeds) == 3 and any(len(r["links"]) == 2 for r in feeds)


@expect(21)
def _(rows):
    assert len(rows) == 32
    assert all(r["links"] and all(u.startswith("http") for u in r["links"]) for r in rows)
    from_articles = {(r["funder"], r["receiver"], r["instrument"]) for r in rows if r["read_by"] != "dataset"}
    assert from_articles == {("Australia", "Iluka Resources", "loan"),
                             ("Office of Strategic Capital", "Vulcan Elements", "loan"),
                             ("U.S. Department of Defense", "MP Materials", "equity")}
    assert {r["read_by"] for r in rows} == {"dataset", "rekg-patterns/0.3"}


def test_date_companions_and_source_urls(graph: Neo4jStore) -> None:
    """Complete dates have a Neo4j ``date`` companion and partial ones none; every claim's
    ``source_urls`` is aligned with its ``sources`` and holds each Source's URL."""
    _, rows, _ = graph.query(
        "MATCH (p:Policy {id: 'policy:cn-mofcom-2025-18'}) "
        "RETURN p.effective AS s, p.effective_date AS d, valueType(p.effective_date) AS t")
    assert rows == [{"s": "2025-04-04", "d": "2025-04-04", "t": "DATE NOT NULL"}]
    _, rows, _ = graph.query(
        "MATCH (n) WHERE any(k IN keys(n) WHERE k ENDS WITH '_date' AND k <> 'status_date' "
        "AND (size(toString(n[left(k, size(k) - 5)])) <> 10 OR valueType(n[k]) <> 'DATE NOT NULL')) "
        "RETURN n.id AS id LIMIT 3")
    assert rows == []
    _, rows, _ = graph.query(
        "MATCH (p:Policy) WHERE size(p.effective) = 10 "
        "RETURN count(*) AS n, count(p.effective_date) AS typed, "
        "sum(CASE WHEN date(p.effective) = p.effective_date THEN 1 ELSE 0 END) AS same")
    assert rows[0]["n"] > 30 and rows[0]["n"] == rows[0]["typed"] == rows[0]["same"]
    _, rows, _ = graph.query(
        "MATCH ()-[r]->() WITH r, [k IN ['valid_from', 'valid_to'] WHERE size(r[k]) = 10] AS full "
        "RETURN count(*) AS claims, "
        "sum(CASE WHEN all(k IN full WHERE date(r[k]) = r[k + '_date']) THEN 0 ELSE 1 END) AS bad_dates, "
        "sum(CASE WHEN r.valid_from IS NOT NULL AND size(r.valid_from) < 10 "
        "AND r.valid_from_date IS NOT NULL THEN 1 ELSE 0 END) AS partial_with_date, "
        "sum(CASE WHEN size(r.source_urls) = size(r.sources) THEN 0 ELSE 1 END) AS misaligned")
    assert rows[0]["claims"] > 1000
    assert rows[0]["bad_dates"] == rows[0]["partial_with_date"] == rows[0]["misaligned"] == 0
    _, rows, _ = graph.query(
        "MATCH ()-[r]->() WITH r LIMIT 200 UNWIND range(0, size(r.sources) - 1) AS i "
        "MATCH (s:Source {id: r.sources[i]}) "
        "RETURN sum(CASE WHEN s.url = r.source_urls[i] THEN 0 ELSE 1 END) AS wrong, count(*) AS n")
    assert rows[0]["n"] >= 200 and rows[0]["wrong"] == 0


def test_every_recipe_has_a_check() -> None:
    assert len(recipes()) >= 15
    assert set(recipes()) == set(EXPECT)


@pytest.mark.parametrize("number", sorted(recipes()))
def test_recipe(graph: Neo4jStore, number: int) -> None:
    title, query, params = recipes()[number]
    _, rows, truncated = graph.query(query, params)
    assert not truncated
    EXPECT[number](rows)
