"""Browser tests: a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``,
driven by Selenium; nothing is downloaded) against ``rekg serve`` in its own process, on the
embedded store and on Neo4j, both holding the bundled data (``rekg build``).

Screenshots are written to ``$REKG_TEST_ARTIFACTS`` (default ``test-artifacts/web/`` at the
repository root). Under ``CI=true`` a missing browser fails the run instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.test_live_server import _serve
from tests.conftest import REPO, neo4j_test_uri, rekg_bin

CHROMIUM = os.environ.get("REKG_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("REKG_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
ARTIFACTS = Path(os.environ.get("REKG_TEST_ARTIFACTS", REPO / "test-artifacts" / "web"))


def _missing_browser() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).exists() or shutil.which(path)):
            return f"{path} is missing: `apt-get install chromium chromium-driver` (make test does it)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: `pip install -e '.[dev]'`"
    return None


def _build(env: dict[str, str]) -> None:
    """`rekg build` as a user runs it; on Neo4j once more if the server's transaction timeout
    cut the first attempt short (the shared test machine can be that slow)."""
    for attempt in range(2):
        out = subprocess.run([rekg_bin(), "build"], env=env, capture_output=True, text=True, timeout=900)
        if out.returncode == 0 or "timeout" not in out.stderr or attempt:
            break
    assert out.returncode == 0, out.stderr


@pytest.fixture(scope="session", params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def web(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(store kind, base URL) of `rekg serve` on the bundled data."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REKG_")}
    env["REKG_HOME"] = str(tmp_path_factory.mktemp("web-home"))
    if request.param == "neo4j":
        uri = neo4j_test_uri()
        if not uri:
            pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
        env |= {"REKG_NEO4J_URI": uri, "REKG_NEO4J_PASSWORD": "unused-auth-off"}
    _build(env)
    for base in _serve(env):
        yield request.param, base


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    problem = _missing_browser()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {problem}")
        pytest.skip(problem)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"rekg-chromium-{os.getpid()}"
    shutil.rmtree(profile, ignore_errors=True)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for downloads
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver: Any) -> list[str]:
    """Severe messages in the browser console since the last call (the log is drained)."""
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
