"""api/reads.py: concurrent reads share store calls, and every caller gets its own answer.

The batcher is driven here by real threads and a real event loop; the fetch function records
the batches it is given (the unit under test's input, not a stand-in for a dependency)."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.reads import Batcher, Reads
from kg.errors import NotFoundError
from kg.store.memory import MemoryStore


class Recorder:
    """fetch(keys) → key * 10, or KeyError(key) for negative keys; holds each call until
    released, so tests decide when a batch finishes."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []
        self.release = threading.Event()

    def __call__(self, keys: list[int]) -> list[int | BaseException]:
        self.calls.append(list(keys))
        assert self.release.wait(10)
        return [KeyError(k) if k < 0 else k * 10 for k in keys]


def run(coro):
    return asyncio.run(coro)


def test_a_lone_request_is_sent_at_once() -> None:
    fetch = Recorder()
    fetch.release.set()

    async def main() -> int:
        with ThreadPoolExecutor(2) as pool:
            return await Batcher(fetch, pool, concurrency=1).get(4)

    assert run(main()) == 40
    assert fetch.calls == [[4]]


def test_requests_arriving_during_a_call_share_the_next_one() -> None:
    fetch = Recorder()

    async def main() -> list[int]:
        with ThreadPoolExecutor(2) as pool:
            batcher = Batcher(fetch, pool, concurrency=1)
            first = asyncio.ensure_future(batcher.get(1))
            await asyncio.sleep(0.05)               # the first call is in flight
            rest = [asyncio.ensure_future(batcher.get(k)) for k in (2, 3, 2, 4)]
            await asyncio.sleep(0.05)
            fetch.release.set()
            answers = [await first] + [await r for r in rest]
            assert (batcher.fetches, batcher.keys) == (2, 4)
            return answers

    assert run(main()) == [10, 20, 30, 20, 40]
    # one call for the first request, one for the four that waited (the repeated key once)
    assert fetch.calls == [[1], [2, 3, 4]]


def test_batches_are_capped_and_calls_overlap_up_to_the_concurrency() -> None:
    fetch = Recorder()

    async def main() -> list[int]:
        with ThreadPoolExecutor(4) as pool:
            batcher = Batcher(fetch, pool, concurrency=2, max_batch=3)
            tasks = [asyncio.ensure_future(batcher.get(k)) for k in range(1, 10)]
            await asyncio.sleep(0.05)
            assert len(fetch.calls) == 2            # two in flight, the rest waits
            fetch.release.set()
            return [await t for t in tasks]

    assert run(main()) == [k * 10 for k in range(1, 10)]
    assert sorted(k for call in fetch.calls for k in call) == list(range(1, 10))
    assert max(len(call) for call in fetch.calls) <= 3


def test_an_error_for_one_key_goes_to_its_callers_only() -> None:
    fetch = Recorder()
    fetch.release.set()

    async def main() -> list[object]:
        with ThreadPoolExecutor(2) as pool:
            batcher = Batcher(fetch, pool, concurrency=1)
            return await asyncio.gather(batcher.get(5), batcher.get(-1), batcher.get(6), return_exceptions=True)

    five, bad, six = run(main())
    assert (five, six) == (50, 60) and isinstance(bad, KeyError)


def test_a_failed_call_fails_its_batch_and_later_calls_still_run() -> None:
    calls: list[list[str]] = []

    def fetch(keys: list[str]) -> list[str]:
        calls.append(keys)
        if "boom" in keys:
            raise RuntimeError("store down")
        return [k.upper() for k in keys]

    async def main() -> tuple[list[object], str]:
        with ThreadPoolExecutor(2) as pool:
            batcher = Batcher(fetch, pool, concurrency=1)
            failed = await asyncio.gather(batcher.get("boom"), return_exceptions=True)
            return failed, await batcher.get("ok")

    failed, ok = run(main())
    assert isinstance(failed[0], RuntimeError) and ok == "OK"


def test_a_caller_that_goes_away_does_not_cancel_another_callers_answer() -> None:
    fetch = Recorder()

    async def main() -> int:
        with ThreadPoolExecutor(2) as pool:
            batcher = Batcher(fetch, pool, concurrency=1)
            blocker = asyncio.ensure_future(batcher.get(1))
            await asyncio.sleep(0.05)
            leaving = asyncio.ensure_future(batcher.get(7))
            staying = asyncio.ensure_future(batcher.get(7))
            await asyncio.sleep(0.01)
            leaving.cancel()
            fetch.release.set()
            await blocker
            return await staying

    assert run(main()) == 70


def test_reads_on_the_embedded_store_answer_as_its_own_calls() -> None:
    from tests.conftest import bundled_batch

    store = MemoryStore()
    store.replace_all(bundled_batch())
    reads = Reads(store)

    async def main() -> None:
        assert await reads.show("facility:mount-weld") == store.show("facility:mount-weld")
        assert await reads.search("lynas", None, 5) == store.search("lynas", limit=5)
        with pytest.raises(NotFoundError):
            await reads.show("firm:nobody")

    run(main())
    reads.close()


def test_the_default_many_reads_answer_as_one_call_each() -> None:
    from tests.conftest import bundled_batch

    store = MemoryStore()
    store.replace_all(bundled_batch())
    ids = ["facility:mount-weld", "firm:nobody", "country:CN", "facility:mount-weld"]
    many = store.show_many(ids, as_of="2025-06-01")
    assert set(many) == {"facility:mount-weld", "country:CN"}
    assert many["country:CN"] == store.show("country:CN", as_of="2025-06-01")
    requests = [("lynas", None, 3), ("weld", "Facility", 20), ("xyzzy", None, 20)]
    assert store.search_many(requests) == [store.search(q, type=t, limit=n) for q, t, n in requests]


def test_a_neo4j_that_went_away_answers_503_to_every_batched_request() -> None:
    """A real driver at a port nothing listens on (the server went away after start-up):
    entity pages and searches each get a problem document saying so."""
    import socket

    import neo4j
    from fastapi.testclient import TestClient

    from api import create_app
    from kg.config import Settings
    from kg.store.neo4j import Neo4jStore

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    uri = f"bolt://127.0.0.1:{port}"
    store = Neo4jStore(neo4j.GraphDatabase.driver(uri, auth=None, connection_acquisition_timeout=5), uri)
    try:
        with TestClient(create_app(Settings(), store=store), raise_server_exceptions=False) as client:
            for path in ("/entities/facility:mount-weld", "/search?q=lynas"):
                answer = client.get(path)
                assert answer.status_code == 503, answer.text
                assert answer.headers["content-type"] == "application/problem+json"
                # the API names the failure, not the server's address (api/errors.py)
                assert answer.json()["detail"] == "lost Neo4j at the database while reading"
    finally:
        store.close()
