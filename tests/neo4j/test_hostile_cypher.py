"""Issue 13, defects 1-4 and 9: the hostile Cypher list against a real `rekg serve` on a real
Neo4j, over HTTP. Nothing may stop, stall or spy on the database, and `/health` answers
within seconds afterwards."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.api.test_live_server import _load_fixtures, _serve
from tests.conftest import neo4j_test_uri

pytestmark = pytest.mark.neo4j

REDUCE_BOMB = "RETURN size(reduce(s = [], x IN range(1, 20000000) | s + [x])) AS n"
NESTING_BOMB = "RETURN " + "(" * 1000 + "1" + ")" * 1000
ADMIN = [
    "TERMINATE TRANSACTIONS $ids",
    "TERMINATE TRANSACTION 'neo4j-transaction-1'",
    "SHOW TRANSACTIONS",
    "SHOW TRANSACTIONS YIELD parameters, currentQuery",
    "SHOW TRANSACTIONS YIELD transactionId TERMINATE TRANSACTIONS transactionId",
    "SHOW SETTINGS",
    "SHOW SETTINGS YIELD name, value",
    "SHOW USERS",
    "SHOW DATABASES",
    "SHOW PROCEDURES",
    "SHOW FUNCTIONS",
    "SHOW INDEXES",
    "show transactions",
    "CALL dbms.listConfig()",
    "CALL dbms.listTransactions()",
    "CALL dbms.killTransaction('x')",
    "CALL db.stats.retrieve('GRAPH COUNTS')",
    "USE system SHOW USERS",
    "MATCH (n) CALL { SHOW TRANSACTIONS } RETURN n",
    "MATCH (n) WITH n CALL () { SHOW SETTINGS YIELD name RETURN name } RETURN name",
    "ALTER USER neo4j SET PASSWORD 'x'",
    "CREATE USER evil SET PASSWORD 'evil-password'",
    "GRANT ROLE admin TO evil",
    "STOP DATABASE neo4j",
    "START DATABASE neo4j",
    "DROP DATABASE neo4j",
]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    uri = neo4j_test_uri()
    if not uri:
        pytest.skip("no Neo4j for these tests: `make test` starts one; or set REKG_TEST_NEO4J_URI")
    from kg.config import Settings
    from kg.store.neo4j import Neo4jStore

    with Neo4jStore.from_settings(Settings(neo4j_uri=uri, neo4j_password="x")) as store:
        store.clear()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REKG_")}
    env |= {"REKG_HOME": str(Path(tmp_path_factory.mktemp("hostile")) / "home"),
            "REKG_NEO4J_URI": uri, "REKG_NEO4J_PASSWORD": "unused-auth-off",
            "REKG_CYPHER_TIMEOUT": "3", "REKG_CYPHER_MAX_BYTES": "20000", "REKG_CYPHER_CONCURRENCY": "4"}
    _load_fixtures(env)
    yield from _serve(env)


def _clean(body: dict, text: str) -> None:
    """No internal address, no Python class name, problem+json shape."""
    assert "bolt://" not in text and "neo4j://" not in text and "127.0.0.1" not in text, text
    assert "Error:" not in text and "Neo4jError" not in text and "Traceback" not in text, text
    assert {"type", "title", "status", "detail", "code"} <= set(body), body


def _health(base: str) -> float:
    started = time.monotonic()
    response = httpx.get(f"{base}/health", timeout=10)
    assert response.status_code == 200
    return time.monotonic() - started


def _post(base: str, query: str, parameters: dict | None = None, timeout: float = 60) -> httpx.Response:
    return httpx.post(f"{base}/cypher", json={"query": query, "parameters": parameters or {}}, timeout=timeout)


@pytest.mark.parametrize("query", ADMIN)
def test_admin_commands_refused(api: str, query: str) -> None:
    response = _post(api, query, {"ids": ["neo4j-transaction-1"]})
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["code"] == "query_not_read_only" and response.headers["content-type"] == "application/problem+json"
    _clean(body, response.text)


def test_reduce_and_nesting_bombs_refused_and_health_stays_up(api: str) -> None:
    for query in (REDUCE_BOMB, NESTING_BOMB, "RETURN " + "[" * 30 + "]" * 30,
                  "UNWIND range(1, 200) AS a UNWIND range(1, 200) AS b RETURN count(*)",
                  "RETURN size(reduce(s = [], x IN range(1, $n) | s + [x]))",
                  "RETURN size(reduce(s = [], x IN range(1, toInteger('20000000')) | s + [x]))"):
        response = _post(api, query, {"n": 20_000_000})
        assert response.status_code == 400, (query[:60], response.text)
        assert response.json()["code"] == "cypher_too_complex"
    # 45 concurrent nesting bombs (the stall): all refused, /health keeps answering
    with ThreadPoolExecutor(max_workers=45) as pool:
        futures = [pool.submit(_post, api, "RETURN " + "(" * 500 + "1" + ")" * 500) for _ in range(45)]
        _health(api)
        codes = [f.result().status_code for f in futures]
    assert set(codes) <= {400, 503}, codes
    _health(api)


def test_timeout_is_504_and_frees_the_server(api: str) -> None:
    xs = list(range(3000))
    slow = "UNWIND $xs AS a UNWIND $xs AS b UNWIND $xs AS c RETURN count(*) AS n"  # 2.7e10 rows
    response = _post(api, slow, {"xs": xs})
    assert response.status_code == 504, response.text
    body = response.json()
    assert body["code"] == "cypher_timeout"
    _clean(body, response.text)
    _health(api)
    ok = _post(api, "MATCH (f:Firm) RETURN f.id AS id")
    assert ok.status_code == 200 and ok.json()["rows"] == [{"id": "firm:lynas"}]


def test_slots_are_bounded_and_health_answers_meanwhile(api: str) -> None:
    xs = list(range(3000))
    slow = "UNWIND $xs AS a UNWIND $xs AS b UNWIND $xs AS c RETURN count(*) AS n"
    results: list[int] = []

    def hit() -> None:
        results.append(_post(api, slow, {"xs": xs}).status_code)

    threads = [threading.Thread(target=hit) for _ in range(10)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    _health(api)  # the Cypher pool is full; the rest of the API is not
    for t in threads:
        t.join()
    assert set(results) <= {503, 504} and 504 in results, results
    _health(api)


def test_client_mistakes_are_4xx_not_500(api: str) -> None:
    cases = [
        ("RETURN 1/0 AS x", {}, 400, None),
        ("RETURN $missing AS x", {}, 400, "cypher_parameter_missing"),
        ("MATCH (f:Facility)-[:LOCATED_IN]->(:Country {id: $country}) RETURN f.name AS facility", {}, 400,
         "cypher_parameter_missing"),
        ("RETURN $n AS n", {"n": 2**70}, 400, "cypher_bad_parameter"),
        ("RETURN $s AS s", {"s": "x" * 2001}, 400, "cypher_bad_parameter"),
        ("RETURN date('2025-13-45') AS d", {}, 400, None),
    ]
    for query, params, status, code in cases:
        response = _post(api, query, params)
        assert response.status_code == status, (query, response.text)
        body = response.json()
        if code:
            assert body["code"] == code, body
        _clean(body, response.text)
    # the connection still works after a refused huge integer
    assert _post(api, "RETURN 1 AS one").json()["rows"] == [{"one": 1}]


def test_syntax_error_is_400_with_position_in_the_callers_query(api: str) -> None:
    query = "MATCH (n) RETRUN n"
    response = _post(api, query)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "cypher_syntax_error"
    assert "EXPLAIN" not in body["detail"]
    assert body["line"] == 1 and body["offset"] == query.index("RETRUN") and body["column"] == body["offset"] + 1
    _clean(body, response.text)


def test_response_bytes_are_capped(api: str) -> None:
    many = _post(api, "UNWIND range(1, 900) AS i RETURN i, '" + "a" * 100 + "' AS pad")
    assert many.status_code == 200
    body = many.json()
    assert body["truncated"] is True and 0 < len(body["rows"]) < 900
    assert len(many.content) < 40_000
    big = _post(api, "RETURN [x IN range(1, 5000) | 'aaaaaaaaaa'] AS big")
    assert big.status_code == 422 and big.json()["code"] == "cypher_result_too_large", big.text


def test_watchdog_terminates_a_tagged_query() -> None:
    """The watchdog's tool: a running query found by its tag and terminated."""
    uri = neo4j_test_uri()
    if not uri:
        pytest.skip("no Neo4j")
    from kg.config import Settings
    from kg.errors import QueryTimeoutError
    from kg.store.neo4j import Neo4jStore

    xs = list(range(3000))
    errors: list[BaseException] = []
    with Neo4jStore.from_settings(Settings(neo4j_uri=uri, neo4j_password="x")) as store:
        def run() -> None:
            try:
                store.query("UNWIND $xs AS a UNWIND $xs AS b UNWIND $xs AS c RETURN count(*) AS n",
                            {"xs": xs}, timeout=120, tag="watchdog-test")
            except BaseException as exc:  # noqa: BLE001 - checked below
                errors.append(exc)

        worker = threading.Thread(target=run)
        worker.start()
        terminated: list[str] = []
        for _ in range(50):
            time.sleep(0.2)
            terminated = store.terminate_tagged("watchdog-test")
            if terminated:
                break
        worker.join(timeout=60)
        assert terminated and not worker.is_alive()
        assert errors and isinstance(errors[0], QueryTimeoutError)
