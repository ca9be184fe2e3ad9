"""Issue 13, defects 2, 9, 10: the API contract — problem+json with stable codes, bounded
parameters (bad input is 4xx, never 500), X-API-Key as a security scheme, CORS off unless
configured."""

from __future__ import annotations

from fastapi.testclient import TestClient
from pydantic import SecretStr

from api import create_app
from kg.config import Settings
from kg.store.base import Store


def _client(store: Store, **settings) -> TestClient:
    return TestClient(create_app(Settings(api_key=SecretStr("k"), **settings), store=store),
                      raise_server_exceptions=False)


def test_problem_json_with_stable_codes(loaded: Store) -> None:
    with _client(loaded) as c:
        missing = c.get("/entities/firm:nobody")
        assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
        body = missing.json()
        assert body["code"] == "not_found" and body["status"] == 404
        assert body["type"] == "https://w3id.org/rekg/problems/not_found" and body["title"] == "Not Found"
        bad = c.get("/entities/firm:lynas", params={"as_of": "yesterday"})
        assert bad.status_code == 422 and bad.json()["code"] == "invalid_request"
        assert bad.json()["errors"][0]["field"] == "as_of" and isinstance(bad.json()["detail"], str)
        nokey = c.post("/articles", json={"url": "https://e.org/a", "title": "t", "published": "2025",
                                          "text": "x"})
        assert nokey.status_code == 401 and nokey.json()["code"] == "api_key_missing"


def test_long_and_huge_parameters_are_4xx(loaded: Store) -> None:
    with _client(loaded) as c:
        for path, params in [("/paths", {"source": "firm:lynas", "target": "country:AU", "avoid_country": "x" * 2000}),
                             ("/paths", {"source": "x" * 2000, "target": "country:AU"}),
                             ("/analysis/spof", {"consumer": "x" * 2000}),
                             ("/entities", {"limit": 2**70}),
                             ("/entities", {"offset": 2**70}),
                             ("/analysis/concentration", {"stage": "mining", "year": 10**30}),
                             ("/search", {"q": "x" * 5000})]:
            response = c.get(path, params=params)
            assert 400 <= response.status_code < 500, (path, response.status_code, response.text)
        scenario = c.post("/analysis/scenario", json={"restrict": ["x" * 5000]})
        assert scenario.status_code == 422


def test_api_key_is_an_openapi_security_scheme(loaded: Store) -> None:
    with _client(loaded) as c:
        spec = c.get("/openapi.json").json()
    scheme = spec["components"]["securitySchemes"]["ApiKey"]
    assert scheme == scheme | {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert spec["paths"]["/articles"]["post"]["security"] == [{"ApiKey": []}]
    assert "application/problem+json" in spec["paths"]["/entities/{entity_id}"]["get"]["responses"]["404"]["content"]


def test_cors_off_by_default_and_configurable(loaded: Store) -> None:
    preflight = {"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}
    with _client(loaded) as c:
        assert "access-control-allow-origin" not in c.options("/health", headers=preflight).headers
        assert "access-control-allow-origin" not in c.get("/health", headers={"Origin": "https://example.org"}).headers
    with _client(loaded, cors_origins=["https://example.org"]) as c:
        response = c.get("/health", headers={"Origin": "https://example.org"})
        assert response.headers["access-control-allow-origin"] == "https://example.org"
        assert "access-control-allow-origin" not in c.get("/health", headers={"Origin": "https://evil.example"}).headers
