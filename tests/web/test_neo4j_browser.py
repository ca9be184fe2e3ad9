"""Neo4j Browser, served by the test server (`rekg neo4j start` turns it on), opened in
headless Chromium: it connects to the server's Bolt port and runs a cookbook query that a
link of rekg's Cypher page put into its editor."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from api.web.views import browser_link, cookbook
from tests.conftest import bundled_batch, neo4j_test_uri
from tests.web.conftest import console_errors, screenshot

pytestmark = pytest.mark.neo4j

WAIT = 180


@pytest.fixture(scope="module")
def browser_url() -> Iterator[str]:
    uri = neo4j_test_uri()
    if not uri:
        pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
    url = os.environ.get("REKG_TEST_NEO4J_BROWSER")
    if not url:
        pytest.fail("the test server has no Neo4j Browser: neo4j/with-server sets REKG_TEST_NEO4J_BROWSER")
    from kg.config import Settings
    from kg.store.neo4j import Neo4jStore

    with Neo4jStore.from_settings(Settings(neo4j_uri=uri, neo4j_password="unused-auth-off")) as store:
        store.replace_all(bundled_batch())
    yield url


def test_browser_runs_a_cookbook_query(browser_url: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    recipe = next(r for r in cookbook() if r["number"] == 1)
    browser.get(browser_link(browser_url, recipe["query"]))
    # auth is off on the test server: Browser connects by itself
    WebDriverWait(browser, WAIT).until(
        lambda d: "Connected to Neo4j" in d.find_element(By.TAG_NAME, "body").text
        or d.find_elements(By.CSS_SELECTOR, "[data-testid='frame']"))
    editor = WebDriverWait(browser, WAIT).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='activeEditor'], .monaco-editor"))
    WebDriverWait(browser, WAIT).until(lambda d: "MATCH" in editor.text)
    browser.find_element(By.CSS_SELECTOR, "[data-testid='editor-Run']").click()
    WebDriverWait(browser, WAIT).until(
        lambda d: "Lynas" in d.find_element(By.TAG_NAME, "body").text)
    screenshot(browser, "neo4j-browser-cookbook-1")
    errors = [e for e in console_errors(browser) if "favicon" not in e]
    assert errors == [], errors
