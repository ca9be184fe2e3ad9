"""The web page in a real headless Chromium: search, an entity with its sources, the
neighbourhood graph, single points of failure, a scenario, the policy timeline, and the
offline API docs. Every page must leave the browser console free of errors."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from tests.web.conftest import console_errors, screenshot

WAIT = 120  # seconds; the machine is shared, pages that compute analyses can be slow


def _wait(driver: Any, condition: Any) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(condition)


def _by_css(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    return _wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def _same_origin_only(driver: Any, base: str) -> None:
    """Every resource the page loaded came from the rekg server (no CDN)."""
    urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    host = urlparse(base).netloc
    foreign = [u for u in urls if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != host]
    assert not foreign, f"the page loaded resources from elsewhere: {foreign}"


def _fill(driver: Any, field_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.ID, field_id)
    if field.tag_name == "select":
        from selenium.webdriver.support.ui import Select

        Select(field).select_by_value(value)
        return
    if field.get_attribute("type") == "date":
        driver.execute_script("arguments[0].value = arguments[1]", field, value)
        return
    field.clear()
    field.send_keys(value)


def test_search_open_entity_and_sources(web: tuple[str, str], browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    kind, base = web
    browser.get(base + "/")
    console_errors(browser)
    box = _by_css(browser, "input#q")
    box.send_keys("Mount Weld", Keys.ENTER)
    link = _by_css(browser, "table.results a[href='/web/entity/facility:mount-weld']")
    assert "Weld" in link.text
    screenshot(browser, f"search-{kind}")
    link.click()
    _by_css(browser, "h1")
    assert "Weld" in browser.find_element(By.CSS_SELECTOR, "h1").text
    operators = _by_css(browser, "section.group[data-predicate='OPERATES'][data-direction='in']")
    rows = operators.find_elements(By.CSS_SELECTOR, "tr.claim")
    lynas = [r for r in rows if "Lynas" in r.find_element(By.CSS_SELECTOR, "a.other").text]
    assert lynas, "Lynas is not listed as the operator of Mount Weld"
    sources = lynas[0].find_elements(By.CSS_SELECTOR, "ul.sources a")
    assert sources and all(a.get_attribute("href").startswith("http") for a in sources)
    assert all(a.text.strip() for a in sources), "a source link has no title"
    # the neighbourhood graph is drawn (cytoscape renders into canvases) and lists Lynas
    _by_css(browser, "#cy canvas")
    labels = browser.execute_script(
        "return Array.from(document.querySelectorAll('#graph-node option')).map(o => o.textContent)")
    assert any("Lynas" in label for label in labels)
    _same_origin_only(browser, base)
    screenshot(browser, f"entity-mount-weld-{kind}")
    assert console_errors(browser) == []


def test_graph_expands_a_neighbour(web: tuple[str, str], browser: Any) -> None:
    from selenium.webdriver.common.by import By

    kind, base = web
    browser.get(base + "/web/entity/facility:mount-weld")
    _by_css(browser, "#cy canvas")
    console_errors(browser)
    before = browser.execute_script("return document.querySelectorAll('#graph-node option').length")
    _fill(browser, "graph-node", "firm:lynas")
    browser.find_element(By.CSS_SELECTOR, "[data-graph-expand='cy']").click()
    _wait(browser, lambda d: d.execute_script(
        "return document.querySelectorAll('#graph-node option').length") > before)
    assert console_errors(browser) == []


def test_spof_panel(web: tuple[str, str], browser: Any) -> None:
    from selenium.webdriver.common.by import By

    kind, base = web
    browser.get(base + "/web/spof")
    console_errors(browser)
    # Apple's magnets come under one offtake, from MP Materials' Fort Worth plant
    _fill(browser, "consumer", "firm:apple")
    _fill(browser, "element", "Nd")
    _fill(browser, "as_of", "2025-06-01")
    browser.find_element(By.CSS_SELECTOR, "form.panel button[type='submit']").click()
    table = _by_css(browser, "#spof-table")
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    names = [r.find_element(By.TAG_NAME, "td").text for r in rows]
    assert any("MP Independence" in n for n in names), names
    assert rows[0].find_elements(By.CSS_SELECTOR, "a[href^='/web/entity/']")
    assert "Apple" in browser.find_element(By.ID, "res-h").text
    _by_css(browser, "#cy canvas")
    assert browser.find_elements(By.CSS_SELECTOR, ".bibliography li a[href^='http']")
    screenshot(browser, f"spof-apple-nd-{kind}")
    assert console_errors(browser) == []


def test_scenario_panel(web: tuple[str, str], browser: Any) -> None:
    from selenium.webdriver.common.by import By

    kind, base = web
    browser.get(base + "/web/scenario")
    console_errors(browser)
    _fill(browser, "restrict", "CN:Dy,Tb")
    _fill(browser, "consumer", "US")
    _fill(browser, "element", "Dy")
    _fill(browser, "as_of", "2025-04-04")
    browser.find_element(By.CSS_SELECTOR, "form.panel button[type='submit']").click()
    table = _by_css(browser, "#scenario-table")
    cells = [[c.text for c in r.find_elements(By.TAG_NAME, "td")]
             for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert cells and cells[0][0] == "United States magnet users" and cells[0][1] == "Dy"
    demand, before, after, shortfall = (float(cells[0][k].replace(",", "")) for k in (2, 3, 4, 5))
    assert 0 < shortfall <= before <= demand and abs(after - (before - shortfall)) <= 1  # shown rounded
    _by_css(browser, "#cy canvas")
    browser.execute_script("document.getElementById('cy').scrollIntoView()")
    screenshot(browser, f"scenario-cn-dy-{kind}")
    drawn = browser.execute_script(
        "var cy = window.rekgGraphs && window.rekgGraphs.cy; if (!cy) { return null; }"
        "var box = cy.nodes().renderedBoundingBox();"
        "return {nodes: cy.nodes().length, edges: cy.edges().length, w: cy.width(), h: cy.height(),"
        "        x1: box.x1, x2: box.x2, y1: box.y1, y2: box.y2};")
    assert drawn and drawn["nodes"] > 0 and drawn["edges"] > 0, drawn
    # the nodes are drawn inside the visible box (not off-canvas, not in a zero-height container)
    assert drawn["w"] > 100 and drawn["h"] > 100, drawn
    assert drawn["x2"] > 0 and drawn["x1"] < drawn["w"] and drawn["y2"] > 0 and drawn["y1"] < drawn["h"], drawn
    assert console_errors(browser) == []


def test_policy_timeline(web: tuple[str, str], browser: Any) -> None:
    from selenium.webdriver.common.by import By

    kind, base = web
    browser.get(base + "/web/policies?as_of=2025-11-15&element=Dy")
    rows = _by_css(browser, "#timeline").find_elements(By.CSS_SELECTOR, "tbody tr")
    assert rows
    text = browser.find_element(By.ID, "timeline").text
    assert "in force" in text or "suspended" in text
    screenshot(browser, f"policies-{kind}")
    assert console_errors(browser) == []


def test_keyboard_and_labels(web: tuple[str, str], browser: Any) -> None:
    """The first Tab reaches the skip link; every form control has a label."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _, base = web
    for path in ("/", "/web/spof", "/web/scenario", "/web/policies", "/web/entity/firm:lynas"):
        browser.get(base + path)
        _by_css(browser, "main")
        unlabelled = browser.execute_script(
            "return Array.from(document.querySelectorAll('input, select, textarea'))"
            ".filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))"
            ".map(el => el.id || el.name)")
        assert unlabelled == [], f"{path}: controls without a label: {unlabelled}"
    browser.get(base + "/web/spof")
    body = browser.find_element(By.TAG_NAME, "body")
    browser.execute_script("document.activeElement && document.activeElement.blur()")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "skip"
    console_errors(browser)


@pytest.mark.parametrize("path, ready", [("/docs", ".swagger-ui .info .title"),
                                         ("/redoc", "redoc [role='search'], .api-content h1")])
def test_api_docs_offline(web: tuple[str, str], browser: Any, path: str, ready: str) -> None:
    kind, base = web
    browser.get(base + path)
    element = _by_css(browser, ready)
    assert element is not None
    _wait(browser, lambda d: "rekg" in d.find_element("css selector", "body").text)
    _same_origin_only(browser, base)
    screenshot(browser, f"docs-{path.strip('/')}-{kind}")
    assert console_errors(browser) == []


def test_cypher_cookbook_page(web: tuple[str, str], browser: Any) -> None:
    from selenium.webdriver.common.by import By

    kind, base = web
    browser.get(base + "/web/cypher")
    recipes = _by_css(browser, "main").find_elements(By.CSS_SELECTOR, "section.recipe")
    assert len(recipes) >= 10
    assert "MATCH" in recipes[0].find_element(By.TAG_NAME, "code").text
    assert console_errors(browser) == []
