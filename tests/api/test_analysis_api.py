"""Analysis, policies, paths and article ingest through HTTP, on the bundled data (embedded store).

The analysis functions are tested in tests/analysis; here the point is the HTTP contract:
shapes, status codes, and that the API and the CLI give the same answer (both call kg.service).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api import create_app
from kg import service
from kg.config import Settings
from kg.model import Batch
from kg.store.memory import MemoryStore
from tests.conftest import bundled_batch


@pytest.fixture(scope="module")
def bundled_store() -> MemoryStore:
    store = MemoryStore()
    store.replace_all(bundled_batch())
    return store


@pytest.fixture
def api(bundled_store: MemoryStore) -> Iterator[TestClient]:
    settings = Settings(api_key=SecretStr("k" * 32))
    with TestClient(create_app(settings, store=bundled_store), raise_server_exceptions=False) as c:
        yield c


def test_concentration(api: TestClient) -> None:
    body = api.get("/analysis/concentration", params={"stage": "mining", "year": 2024}).json()
    assert body["stage"] == "mining" and body["by"] == "country"
    top = body["shares"][0]
    assert top["id"] == "country:CN" and 0 < top["share"] < 1
    assert body["hhi"] > 2500 and body["sources"]


def test_concentration_bad_stage(api: TestClient) -> None:
    response = api.get("/analysis/concentration", params={"stage": "smelting"})
    assert response.status_code == 400 and "'stage'" in response.json()["detail"]


def test_spof(api: TestClient, bundled_store: MemoryStore) -> None:
    """The HTTP answer is the service's answer (the one the CLI prints), value for value."""
    params = {"consumer": "US", "element": "Dy", "as_of": "2025-06-01"}
    body = api.get("/analysis/spof", params=params).json()
    assert body["as_of"] == "2025-06-01" and body["element"] == "Dy"
    expected = service.spof_result(bundled_store, "US", element="Dy", as_of="2025-06-01")
    assert body["single_points"] == expected["single_points"]
    assert body["country_level"] == expected["country_level"]
    assert body["consumer"] == expected["consumer"] == "country:US@magnet-users"


def test_chokepoints(api: TestClient) -> None:
    body = api.get("/analysis/chokepoints", params={"top": 3, "as_of": "2025-06-01"}).json()
    assert len(body["chokepoints"]) == 3
    assert all({"id", "score"} <= set(c) for c in body["chokepoints"])


def test_scenario(api: TestClient) -> None:
    response = api.post("/analysis/scenario", json={"restrict": ["CN:Dy,Tb"], "elements": ["Dy"],
                                                    "as_of": "2025-05-01"})
    assert response.status_code == 200, response.text
    impacts = {i["consumer"]: i for i in response.json()["impacts"]}
    us = impacts["country:US@magnet-users"]
    assert us["shortfall"] > 0 and us["after"] < us["before"]


def test_scenario_bad_restriction(api: TestClient) -> None:
    response = api.post("/analysis/scenario", json={"restrict": ["ZZ:Dy"]})
    assert response.status_code == 400


def test_policies(api: TestClient) -> None:
    body = api.get("/policies", params={"as_of": "2025-06-01", "element": "Dy"}).json()
    status = {p["id"]: p["status"] for p in body["policies"]}
    assert status["policy:cn-mofcom-2025-18"] == "in force"


def test_paths_avoiding_china(api: TestClient) -> None:
    body = api.get("/paths", params={"source": "facility:mountain-pass", "target": "facility:mp-independence",
                                     "avoid_country": "CN", "max_hops": 2}).json()
    first = body["paths"][0]
    assert [n["id"] for n in first["nodes"]] == ["facility:mountain-pass", "facility:mp-independence"]
    assert first["hops"][0]["predicate"] == "FEEDS" and first["hops"][0]["sources"]


def test_paths_unknown(api: TestClient) -> None:
    assert api.get("/paths", params={"source": "Atlantis", "target": "firm:lynas"}).status_code == 404


ARTICLE = {"url": "https://example.org/news/lynas-dy", "title": "Lynas separates dysprosium",
           "published": "2025-05-16", "publisher": "Example News",
           "text": "Lynas Rare Earths produced dysprosium oxide at Lynas Malaysia. China dominates separation."}


def test_article_needs_key(api: TestClient) -> None:
    assert api.post("/articles", json=ARTICLE).status_code == 401
    assert api.post("/articles", json=ARTICLE, headers={"X-API-Key": "wrong"}).status_code == 403


def test_article_writes_disabled_without_key(bundled_store: MemoryStore) -> None:
    with TestClient(create_app(Settings(api_key=None), store=bundled_store)) as c:
        response = c.post("/articles", json=ARTICLE, headers={"X-API-Key": "anything"})
    assert response.status_code == 403 and "writes are disabled" in response.json()["detail"]


def test_article_ingest(tmp_path: Path, bundled_store: MemoryStore) -> None:
    store = MemoryStore(tmp_path / "g.json")
    store.write(Batch(entities=list(bundled_store.entities()), claims=list(bundled_store.claims())))
    with TestClient(create_app(Settings(api_key=SecretStr("secret")), store=store)) as c:
        response = c.post("/articles", json=ARTICLE, headers={"X-API-Key": "secret"})
        assert response.status_code == 201, response.text
        body = response.json()
        ids = {e["id"] for e in body["entities"]}
        assert {"firm:lynas", "material:dy-oxide", "facility:lynas-malaysia", "country:CN"} <= ids
        source = body["source"]["id"]
        assert store.get(source) is not None
        mentions = list(store.claims(subject=source, predicate="MENTIONS"))
        assert len(mentions) >= 4
        claims_before = sorted(cl.id for cl in store.claims(subject=source))
        again = c.post("/articles", json=ARTICLE, headers={"X-API-Key": "secret"})
        assert again.status_code == 201
        # the same article posted again changes nothing (ids are deterministic)
        assert sorted(cl.id for cl in store.claims(subject=source)) == claims_before


def test_article_bad_input(api: TestClient) -> None:
    bad = dict(ARTICLE, published="last week")
    response = api.post("/articles", json=bad, headers={"X-API-Key": "k" * 32})
    assert response.status_code == 400 and "published" in response.json()["detail"]


def test_body_too_large(bundled_store: MemoryStore) -> None:
    settings = Settings(api_key=SecretStr("secret"), max_body_bytes=1000)
    with TestClient(create_app(settings, store=bundled_store)) as c:
        response = c.post("/articles", json=dict(ARTICLE, text="x" * 5000), headers={"X-API-Key": "secret"})
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"
