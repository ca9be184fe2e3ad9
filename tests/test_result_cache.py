"""kg.store.base.ResultCache with real threads: one computation per key and revision."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from kg.store.base import ResultCache


def _slow(counter: list[int], gate: threading.Event, value: dict[str, list[int]]):
    def compute() -> dict[str, list[int]]:
        counter.append(1)
        assert gate.wait(10)
        return value
    return compute


def test_concurrent_callers_share_one_computation() -> None:
    cache, calls, gate = ResultCache(), [], threading.Event()
    compute = _slow(calls, gate, {"ids": [1, 2]})
    with ThreadPoolExecutor(16) as pool:
        futures = [pool.submit(cache.get_or_compute, "spof", 7, compute) for _ in range(16)]
        while not calls:  # the first caller is computing; the others arrive meanwhile
            threading.Event().wait(0.01)
        threading.Event().wait(0.2)
        gate.set()
        results = [f.result(10) for f in futures]
    assert len(calls) == 1
    assert all(r == {"ids": [1, 2]} for r in results)
    results[0]["ids"].append(3)  # each caller has its own copy
    assert results[1] == {"ids": [1, 2]}
    assert cache.get_or_compute("spof", 7, lambda: pytest.fail("cached")) == {"ids": [1, 2]}


def test_other_keys_and_revisions_do_not_wait() -> None:
    cache, calls, gate = ResultCache(), [], threading.Event()
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(cache.get_or_compute, "a", 1, _slow(calls, gate, {"a": [1]}))
        while not calls:
            threading.Event().wait(0.01)
        assert cache.get_or_compute("b", 1, lambda: {"b": [2]}) == {"b": [2]}  # not behind "a"
        gate.set()
        assert slow.result(10) == {"a": [1]}


def test_a_failed_computation_lets_each_waiter_compute_for_itself() -> None:
    cache, gate, started = ResultCache(), threading.Event(), threading.Event()
    attempts: list[str] = []

    def failing() -> dict[str, int]:
        attempts.append("leader")
        started.set()
        assert gate.wait(10)
        raise RuntimeError("database went away")

    def working() -> dict[str, int]:
        attempts.append("waiter")
        return {"n": 1}

    with ThreadPoolExecutor(2) as pool:
        leader = pool.submit(cache.get_or_compute, "k", 1, failing)
        assert started.wait(10)
        waiter = pool.submit(cache.get_or_compute, "k", 1, working)
        threading.Event().wait(0.2)
        assert attempts == ["leader"]  # the waiter is waiting, not computing
        gate.set()
        with pytest.raises(RuntimeError, match="went away"):
            leader.result(10)
        assert waiter.result(10) == {"n": 1}
    assert attempts == ["leader", "waiter"]


def test_no_revision_means_no_cache() -> None:
    cache, calls = ResultCache(), []
    for _ in range(2):
        cache.get_or_compute("k", None, lambda: calls.append(1) or {})
    assert len(calls) == 2
