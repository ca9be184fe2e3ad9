"""The web page's routes over HTTP (in-process, fixture graph): errors are pages that say what
went wrong with the right status, and the offline docs reference only rekg's own assets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api import create_app
from kg.config import Settings
from kg.store.memory import MemoryStore


@pytest.fixture
def client(tmp_path, fixture_batch) -> Iterator[TestClient]:
    store = MemoryStore(tmp_path / "graph.json")
    store.write(fixture_batch)
    with TestClient(create_app(Settings(), store=store), raise_server_exceptions=False) as c:
        yield c


def test_search_and_type_filter(client: TestClient) -> None:
    page = client.get("/", params={"q": "weld"})
    assert page.status_code == 200 and "/web/entity/facility:mount-weld" in page.text
    listing = client.get("/", params={"type": "Firm"})
    assert listing.status_code == 200 and "/web/entity/firm:lynas" in listing.text
    bad = client.get("/", params={"type": "Planet"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text and "Planet" in bad.text


def test_entity_page_and_errors(client: TestClient) -> None:
    page = client.get("/web/entity/facility:mount-weld")
    assert page.status_code == 200 and 'data-predicate="OPERATES"' in page.text
    missing = client.get("/web/entity/firm:nobody")
    assert missing.status_code == 404 and "firm:nobody" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    bad_date = client.get("/web/entity/firm:lynas", params={"as_of": "31/01/2025"})
    assert bad_date.status_code == 400 and "as_of" in bad_date.text
    graph = client.get("/web/graph/firm:lynas").json()
    assert {n["data"]["id"] for n in graph["nodes"]} >= {"firm:lynas", "facility:mount-weld"}


def test_panels_say_what_is_wrong(client: TestClient) -> None:
    unknown = client.get("/web/spof", params={"consumer": "XX"})
    assert unknown.status_code == 404 and "country:XX" in unknown.text
    bad = client.get("/web/scenario", params={"restrict": "Atlantis:Dy"})
    assert bad.status_code == 400 and "Atlantis" in bad.text and "COUNTRY:E1,E2" in bad.text


def test_docs_use_vendored_assets(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200
        assert "cdn.jsdelivr" not in page.text and "fonts.googleapis" not in page.text
        assert "/web/static/vendor/" in page.text
    assert client.get("/web/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/web/static/vendor/redoc/redoc.standalone.js").status_code == 200
    assert "/docs" not in client.get("/openapi.json").json()["paths"]


def test_cookbook_guide_for_neo4j_browser(client: TestClient) -> None:
    """The cookbook as a Neo4j Browser guide: one <slide> per recipe of docs/cypher.md with the
    query in a runnable <pre>, parameters as a `:param` line, open to Browser's cross-origin fetch."""
    from html.parser import HTMLParser

    from api.web.guide import GUIDE_PATH
    from api.web.views import cookbook

    page = client.get(GUIDE_PATH)
    assert page.status_code == 200 and page.headers["access-control-allow-origin"] == "*"

    class Slides(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.slides: list[list[str]] = []
            self.in_pre = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "slide":
                self.slides.append([])
            self.in_pre = tag == "pre" and "runnable" in (dict(attrs).get("class") or "")

        def handle_endtag(self, tag: str) -> None:
            self.in_pre = False if tag == "pre" else self.in_pre

        def handle_data(self, data: str) -> None:
            if self.in_pre:
                self.slides[-1].append(data)

    parser = Slides()
    parser.feed(page.text)
    recipes = cookbook()
    assert len(recipes) >= 10 and len(parser.slides) == len(recipes) + 1  # an introduction first
    for recipe, runnable in zip(recipes, parser.slides[1:], strict=True):
        assert runnable[-1] == recipe["query"]
        if recipe["params"]:
            assert runnable[0].startswith(":param {")
    preflight = client.options(GUIDE_PATH, headers={"Origin": "http://127.0.0.1:7474",
                                                    "Access-Control-Request-Method": "GET",
                                                    "Access-Control-Request-Headers": "pragma,cache-control"})
    assert preflight.status_code == 204 and "cache-control" in preflight.headers["access-control-allow-headers"]
    cypher_page = client.get("/web/cypher")
    assert ":guide http://" in cypher_page.text and GUIDE_PATH in cypher_page.text
