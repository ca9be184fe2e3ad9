"""Entities, relations, search and health through HTTP (in-process client), on every store."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["store"] in {"memory", "neo4j"}
    assert body["counts"]["claims"] == 8


def test_list_paginated(client: TestClient) -> None:
    body = client.get("/entities", params={"type": "country", "limit": 2, "offset": 1}).json()
    assert body["total"] == 4 and [e["id"] for e in body["items"]] == ["country:CN", "country:MY"]


def test_list_by_name(client: TestClient) -> None:
    body = client.get("/entities", params={"q": "lynas"}).json()
    assert {e["id"] for e in body["items"]} == {"firm:lynas", "facility:lynas-malaysia", "source:test-lynas"}


def test_entity(client: TestClient) -> None:
    body = client.get("/entities/facility:mount-weld").json()
    assert body["name"] == "Mount Weld" and body["properties"]["stages"] == ["mining", "concentration"]
    assert {r["predicate"] for r in body["relations"]} == {"OPERATES", "LOCATED_IN", "FEEDS"}


def test_relations_filters(client: TestClient) -> None:
    rels = client.get("/entities/firm:lynas/relations", params={"predicate": "operates", "direction": "out"}).json()
    assert sorted(r["other"]["id"] for r in rels) == ["facility:lynas-malaysia", "facility:mount-weld"]
    assert all(r["sources"] == ["source:test-lynas"] for r in rels)
    assert client.get("/entities/facility:mount-weld/relations", params={"predicate": "FEEDS", "as_of": "2026"}).json() == []


def test_errors(client: TestClient) -> None:
    missing = client.get("/entities/firm:nobody")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    bad_type = client.get("/entities", params={"type": "Mine"})
    assert bad_type.status_code == 400 and "expected one of" in bad_type.json()["detail"]
    bad_form = client.get("/entities/firm:lynas", params={"as_of": "yesterday"})
    assert bad_form.status_code == 422 and bad_form.json()["errors"][0]["field"] == "as_of"
    bad_date = client.get("/entities/firm:lynas", params={"as_of": "2025-13-01"})
    assert bad_date.status_code == 400 and "ISO date" in bad_date.json()["detail"]
    bad_limit = client.get("/entities", params={"limit": 0})
    assert bad_limit.status_code == 422 and bad_limit.json()["errors"][0]["field"] == "limit"


def test_search(client: TestClient) -> None:
    body = client.get("/search", params={"q": "Mt Weld"}).json()
    assert body["results"][0]["id"] == "facility:mount-weld"
    assert client.get("/search", params={"q": ""}).status_code == 422


def test_openapi_has_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/entities/{entity_id}" in spec["paths"]
    assert client.get("/docs").status_code == 200
