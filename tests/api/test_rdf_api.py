"""GET /export with content negotiation, parsed back by a second parser; GET /ontology."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph


@pytest.mark.parametrize("accept, media, oxformat", [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
])
def test_export_negotiated(client: TestClient, accept: str, media: str, oxformat) -> None:
    response = client.get("/export", headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media)
    triples = list(ox.parse(io.BytesIO(response.content), format=oxformat))
    assert len(triples) > 50
    assert any("mount-weld" in str(t.subject) for t in triples)


def test_export_quality_values_and_override(client: TestClient) -> None:
    weighted = client.get("/export", headers={"Accept": "text/turtle;q=0.5, application/n-triples"})
    assert weighted.headers["content-type"].startswith("application/n-triples")
    override = client.get("/export", params={"format": "ttl"}, headers={"Accept": "application/n-triples"})
    assert override.headers["content-type"].startswith("text/turtle")
    refused = client.get("/export", headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "text/turtle" in refused.json()["detail"]


def test_ntriples_export_is_deterministic(client: TestClient) -> None:
    a = client.get("/export", params={"format": "nt"}).content
    b = client.get("/export", params={"format": "nt"}).content
    assert a == b and a.splitlines() == sorted(a.splitlines())


def test_ontology(client: TestClient) -> None:
    response = client.get("/ontology")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 100
