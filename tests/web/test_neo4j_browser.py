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
        store.clear()
        # chunked: one transaction for the whole data can outlast the server's 60 s timeout on a
        # busy shared machine
        store.bulk_write(bundled_batch())
    yield url


#: Console messages of Neo4j Browser itself that are not failures of rekg's setup: the hosts it
#: tries to reach on the internet (Google Fonts, Sentry, Canny) do not resolve on an offline
#: machine, and it probes the Bolt port over HTTP while it discovers the server.
KNOWN_BROWSER_NOISE = ("net::ERR_NAME_NOT_RESOLVED", "ERR_EMPTY_RESPONSE")


def test_browser_runs_a_cookbook_query(browser_url: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    recipe = next(r for r in cookbook() if r["number"] == 1)
    browser.get(browser_link(browser_url, recipe["query"]))
    wait = WebDriverWait(browser, WAIT)
    # the link put the query into the editor and the connect form points at the server's Bolt port
    editor = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='activeEditor']"))
    wait.until(lambda d: "MATCH (f:Facility)" in editor.text)
    address = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='boltaddress']"))
    assert os.environ["REKG_TEST_NEO4J_URI"].split("://", 1)[1] in address.get_attribute("value")
    # the test server runs with auth off
    Select(browser.find_element(By.CSS_SELECTOR, "[data-testid='authenticationMethod']")
           ).select_by_visible_text("No authentication")
    browser.find_element(By.CSS_SELECTOR, "[data-testid='connect']").click()
    wait.until(lambda d: "Connected to Neo4j" in d.find_element(By.TAG_NAME, "body").text)
    browser.find_element(By.CSS_SELECTOR, "[data-testid='editor-Run']").click()
    try:
        wait.until(lambda d: "Lynas Malaysia" in d.find_element(By.TAG_NAME, "body").text)
    finally:
        screenshot(browser, "neo4j-browser-cookbook-1")
    errors = [e for e in console_errors(browser) if not any(k in e for k in KNOWN_BROWSER_NOISE)]
    assert errors == [], errors


@pytest.fixture(scope="module")
def guide_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`rekg serve` (embedded store, nothing loaded: the guide is documentation) for its
    cookbook guide."""
    from tests.api.test_live_server import _serve

    env = {k: v for k, v in os.environ.items() if not k.startswith("REKG_")}
    env["REKG_HOME"] = str(tmp_path_factory.mktemp("guide-home"))
    yield from _serve(env)


def test_browser_opens_the_cookbook_guide(browser_url: str, guide_server: str, browser: Any) -> None:
    """`:guide` of rekg's cookbook guide (served by `rekg serve`, as the Cypher page links it):
    the recipe's slide is in Browser's sidebar, a click puts its query into the editor, it runs."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from api.web.guide import GUIDE_PATH, guide_link

    guide = guide_server.replace("127.0.0.1", "localhost") + GUIDE_PATH
    # a fresh Browser: the other test's connection (kept in Browser's local storage) would
    # skip the connect form
    browser.get(browser_url)
    browser.execute_script("window.localStorage.clear(); window.sessionStorage.clear();")
    browser.delete_all_cookies()
    browser.get(guide_link(browser_url, guide))
    wait = WebDriverWait(browser, WAIT)
    Select(wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='authenticationMethod']"))
           ).select_by_visible_text("No authentication")
    # Browser may still connect by itself from what the other test left (the form then goes away)
    for button in browser.find_elements(By.CSS_SELECTOR, "[data-testid='connect']")[:1]:
        button.click()
    wait.until(lambda d: "Connected to Neo4j" in d.find_element(By.TAG_NAME, "body").text)

    def recipe_1(d: Any) -> Any:
        found = [p for p in d.find_elements(By.CSS_SELECTOR, "pre.runnable")
                 if "MATCH (f:Facility)-[:LOCATED_IN]->(c:Country)" in p.text and "heavy" not in p.text]
        return found[0] if found else False

    try:
        wait.until(lambda d: "rekg Cypher cookbook" in d.find_element(By.TAG_NAME, "body").text)
        # the introduction names the one-hop provenance and the date companions
        intro = browser.find_element(By.TAG_NAME, "body").text
        assert "source_urls" in intro and "effective_date" in intro
        browser.find_element(By.XPATH, "//button[normalize-space()='Next']").click()  # recipe 1
        wait.until(recipe_1).click()
        editor = browser.find_element(By.CSS_SELECTOR, "[data-testid='activeEditor']")
        wait.until(lambda d: "MATCH (f:Facility)" in editor.text)
        browser.find_element(By.CSS_SELECTOR, "[data-testid='editor-Run']").click()
        # a facility's full name: the slide's "Today" says only "Lynas Malaysia"
        wait.until(lambda d: "Lynas Malaysia advanced materials plant" in d.find_element(By.TAG_NAME, "body").text)
    finally:
        screenshot(browser, "neo4j-browser-cookbook-guide")
    errors = [e for e in console_errors(browser) if not any(k in e for k in KNOWN_BROWSER_NOISE)]
    assert errors == [], errors
