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


def test_ntriples_export_is_deterministic(client: TestClient,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # the description's creation time
    a = client.get("/export", params={"format": "nt"}).content
    b = client.get("/export", params={"format": "nt"}).content
    assert a == b and a.splitlines() == sorted(a.splitlines())


def test_ontology(client: TestClient) -> None:
    response = client.get("/ontology")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 100


OX_BY_MEDIA = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
               "application/ld+json": ox.RdfFormat.JSON_LD}
LYNAS = "https://w3id.org/rekg/id/firm/lynas"


@pytest.mark.parametrize("accept", list(OX_BY_MEDIA))
def test_entity_iri_resolves_in_each_rdf_format(client: TestClient, accept: str) -> None:
    response = client.get("/id/firm/lynas", headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    assert "accept" in response.headers["vary"].lower()
    triples = {q.triple for q in ox.parse(response.content, format=OX_BY_MEDIA[accept])}
    lynas = ox.NamedNode(LYNAS)
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    assert ox.Triple(lynas, label, ox.Literal("Lynas")) in triples
    operates = ox.NamedNode("https://w3id.org/rekg/ontology#operates")
    weld = ox.NamedNode("https://w3id.org/rekg/id/facility/mount-weld")
    assert ox.Triple(lynas, operates, weld) in triples
    assert ox.Triple(weld, label, ox.Literal("Mount Weld")) in triples  # the neighbour's name
    claims = {t.subject for t in triples if t.predicate == ox.NamedNode(
        "https://w3id.org/rekg/ontology#subject") and t.object == lynas}
    assert claims  # the claim nodes about it, with their sources
    # the same triples in every format (parsed by rdflib too)
    other = Graph().parse(data=response.text, format={"text/turtle": "turtle",
                          "application/n-triples": "nt", "application/ld+json": "json-ld"}[accept])
    assert len(other) == len(triples)


def test_entity_iri_resolves_to_a_page_for_a_browser(client: TestClient) -> None:
    response = client.get("/id/firm/lynas",
                          headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<h1>Lynas</h1>" in page and LYNAS in page
    assert 'href="/id/facility/mount-weld"' in page and "Mount Weld" in page
    assert client.get("/id/firm/lynas", params={"format": "html"}).text == page


def test_claim_iri_resolves(client: TestClient) -> None:
    nt = client.get("/id/firm/lynas", params={"format": "nt"}).text
    claim = next(line.split()[0] for line in nt.splitlines() if "/id/claim/" in line.split()[0])
    path = claim.strip("<>").removeprefix("https://w3id.org/rekg")
    response = client.get(path, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.text
    assert f"{claim} <https://w3id.org/rekg/ontology#subject> <{LYNAS}> ." in response.text


def test_unknown_ids_and_formats_are_refused_with_a_reason(client: TestClient) -> None:
    missing = client.get("/id/firm/no-such-firm", headers={"Accept": "text/turtle"})
    assert missing.status_code == 404 and "firm:no-such-firm" in missing.json()["detail"]
    bad_type = client.get("/id/frim/lynas")
    assert bad_type.status_code == 404 and "firm" in bad_type.json()["detail"]
    refused = client.get("/id/firm/lynas", headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "text/html" in refused.json()["detail"]
