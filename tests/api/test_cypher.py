"""POST /cypher: read-only Cypher. Hostile queries are refused and change nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

HOSTILE = [
    "CREATE (n:Firm {id: 'firm:evil', name: 'Evil'}) RETURN n",
    "MERGE (n:Firm {id: 'firm:evil'}) RETURN n",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Firm) DELETE n",
    "MATCH (n:Firm {id: 'firm:lynas'}) SET n.name = 'pwned' RETURN n",
    "MATCH (n:Firm {id: 'firm:lynas'}) REMOVE n.name RETURN n",
    "MATCH (n:Firm {id: 'firm:lynas'}) SET n:Evil RETURN n",
    "DROP CONSTRAINT rekg_firm_id",
    "CREATE INDEX evil FOR (n:Firm) ON (n.name)",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "LOAD CSV WITH HEADERS FROM 'https://example.org/x.csv' AS row RETURN row",
    "CALL dbms.listConfig() YIELD name RETURN name",
    "CALL dbms.security.createUser('evil', 'evil', false)",
    "CALL db.createLabel('Evil')",
    "CALL apoc.create.node(['Evil'], {}) YIELD node RETURN node",
    "MATCH (n:Firm) CALL { WITH n SET n.evil = true } RETURN count(*)",
    "MATCH (n:Firm) CALL (n) { DELETE n } RETURN count(*)",
    "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS RETURN 1",
    "UNWIND range(1, 3) AS i CREATE (:Evil {i: i})",
    "MATCH (n:Firm) FOREACH (x IN [1] | SET n.evil = x)",
    "match (n:Firm) sEt n.evil = 1 return n",
    "MATCH (n:Firm) RETURN n /* comment */ ; CREATE (:Evil)",
    "MATCH (n:Firm) RETURN n // harmless?\nCREATE (:Evil)",
    "CALL db.clearQueryCaches()",
    "CREATE DATABASE evil",
    "STOP DATABASE neo4j",
    "",
]


def test_memory_store_explains_how_to_use_neo4j(memory_client: TestClient) -> None:
    response = memory_client.post("/cypher", json={"query": "MATCH (n) RETURN n"})
    assert response.status_code == 400
    assert "REKG_NEO4J_URI" in response.json()["detail"]


def test_read_query(neo4j_client: TestClient) -> None:
    client = neo4j_client
    response = client.post("/cypher", json={
        "query": "MATCH (f:Firm)-[:OPERATES]->(x:Facility) WHERE f.id = $firm RETURN x.name AS facility ORDER BY facility",
        "parameters": {"firm": "firm:lynas"}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["columns"] == ["facility"]
    assert [r["facility"] for r in body["rows"]] == ["Lynas Malaysia", "Mount Weld"]
    assert body["truncated"] is False


def test_row_cap(neo4j_client: TestClient) -> None:
    client = neo4j_client
    client.app.state.settings.cypher_row_cap = 3
    body = client.post("/cypher", json={"query": "UNWIND range(1, 10) AS i RETURN i"}).json()
    assert [r["i"] for r in body["rows"]] == [1, 2, 3] and body["truncated"] is True


def test_allowed_procedure(neo4j_client: TestClient) -> None:
    client = neo4j_client
    body = client.post("/cypher", json={"query": "CALL db.labels() YIELD label RETURN label ORDER BY label"}).json()
    assert "Firm" in [r["label"] for r in body["rows"]]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_refused_and_nothing_changes(neo4j_client: TestClient, query: str) -> None:
    client = neo4j_client
    before = client.get("/health").json()["counts"]
    lynas = client.get("/entities/firm:lynas").json()
    response = client.post("/cypher", json={"query": query})
    assert response.status_code in {403, 422}, (query, response.status_code, response.text)
    body = response.json()
    assert body["error"] and body["detail"]
    assert client.get("/health").json()["counts"] == before
    assert client.get("/entities/firm:lynas").json() == lynas
