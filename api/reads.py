"""The API's entity and search reads, gathered across concurrent requests.

Requests for entity pages and searches that arrive while earlier ones are being answered wait
for the next store call and share it: one :meth:`~kg.store.base.Store.show_many` or
:meth:`~kg.store.base.Store.search_many` for all of them, in a worker thread. On Neo4j that is
one round trip instead of one per request (the Python driver spends more CPU on a query than
the rest of a request does, bench/README.md, issue 18); on the embedded store it is one hop to
a worker thread and back instead of one per request (a hop costs more than an embedded lookup).
There is no timer: a call starts as soon as fewer than ``concurrency`` calls are in flight, so
a lone request is sent at once and waits for nothing; batches only form when requests queue
anyway. Every answer comes from a store call that started after its request arrived (nothing
is cached), and identical requests waiting for the same call share its answer.
"""

from __future__ import annotations

import asyncio
import copy
import functools
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from kg.errors import NotFoundError
from kg.store.base import SearchHit, Store

__all__ = ["Batcher", "Reads"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Batcher(Generic[K, V]):
    """Gathers concurrent ``get(key)`` calls into calls of ``fetch(keys)``, run in ``executor``.

    ``fetch`` returns one value per key, in order; a value that is an exception is raised to
    that key's callers only, an exception ``fetch`` raises goes to every caller of the batch.
    At most ``concurrency`` fetches run at once, each of at most ``max_batch`` distinct keys.
    Must be used from one event loop.
    """

    def __init__(self, fetch: Callable[[list[K]], Sequence[V | BaseException]], executor: ThreadPoolExecutor,
                 *, concurrency: int, max_batch: int = 100) -> None:
        if concurrency < 1 or max_batch < 1:
            raise ValueError("concurrency and max_batch must be at least 1")
        self._fetch = fetch
        self._executor = executor
        self._concurrency = concurrency
        self._max_batch = max_batch
        self._waiting: dict[K, asyncio.Future[V]] = {}
        self._in_flight = 0
        #: fetches started and the distinct keys they asked for, since start (their ratio is
        #: the mean batch size)
        self.fetches = 0
        self.keys = 0

    async def get(self, key: K) -> V:
        future = self._waiting.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            future.add_done_callback(_retrieve)
            self._waiting[key] = future
        self._start()
        # shield: a caller that goes away (client disconnect) must not cancel the answer
        # another caller of the same key is waiting for
        return await asyncio.shield(future)

    def _start(self) -> None:
        while self._waiting and self._in_flight < self._concurrency:
            keys = list(self._waiting)[:self._max_batch]
            futures = [self._waiting.pop(key) for key in keys]
            self._in_flight += 1
            self.fetches += 1
            self.keys += len(keys)
            call = asyncio.get_running_loop().run_in_executor(self._executor, self._fetch, keys)
            call.add_done_callback(functools.partial(self._finish, futures=futures))

    def _finish(self, done: asyncio.Future[Sequence[V | BaseException]], futures: list[asyncio.Future[V]]) -> None:
        self._in_flight -= 1
        try:
            if done.cancelled():  # the executor was shut down (the app is stopping)
                for future in futures:
                    future.cancel()
                return
            error = done.exception()
            # each caller raises its own copy: one exception object raised in many tasks
            # would collect all their tracebacks
            values: Sequence[V | BaseException] = (
                done.result() if error is None else [copy.copy(error) for _ in futures])
            for future, value in zip(futures, values, strict=True):
                if future.done():
                    continue
                if isinstance(value, BaseException):
                    future.set_exception(value)
                else:
                    future.set_result(value)
        except BaseException as exc:  # noqa: BLE001 - every waiter must hear of it
            for future in futures:
                if not future.done():
                    future.set_exception(exc)
        finally:
            self._start()


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Mark the outcome seen: when every caller of a key went away, its error is no news."""
    if not future.cancelled():
        future.exception()


def _not_found(entity_id: str) -> NotFoundError:
    return NotFoundError(f"no entity with id {entity_id!r}; try `rekg search`")


class Reads:
    """``show`` and ``search`` for the API, each through a :class:`Batcher`. ``concurrency``:
    store calls of each kind in flight at once (``REKG_READ_CONCURRENCY``)."""

    def __init__(self, store: Store, concurrency: int = 1, max_batch: int = 100) -> None:
        self.store = store
        self._executor = ThreadPoolExecutor(max_workers=2 * concurrency, thread_name_prefix="rekg-reads")
        self._shows: Batcher[tuple[str, str | None], dict[str, Any]] = Batcher(
            self._show_batch, self._executor, concurrency=concurrency, max_batch=max_batch)
        self._searches: Batcher[tuple[str, str | None, int], list[SearchHit]] = Batcher(
            self._search_batch, self._executor, concurrency=concurrency, max_batch=max_batch)

    def _show_batch(self, keys: list[tuple[str, str | None]]) -> list[dict[str, Any] | BaseException]:
        by_date: dict[str | None, list[str]] = {}
        for entity_id, as_of in keys:
            by_date.setdefault(as_of, []).append(entity_id)
        found = {as_of: self.store.show_many(ids, as_of=as_of) for as_of, ids in by_date.items()}
        return [found[as_of].get(entity_id) or _not_found(entity_id) for entity_id, as_of in keys]

    def _search_batch(self, keys: list[tuple[str, str | None, int]]) -> list[list[SearchHit]]:
        return self.store.search_many(keys)

    async def show(self, entity_id: str, as_of: str | None = None) -> dict[str, Any]:
        """:meth:`Store.show`; raises :class:`NotFoundError` for an id the graph does not hold."""
        return await self._shows.get((entity_id, as_of))

    async def search(self, query: str, type: str | None = None, limit: int = 20) -> list[SearchHit]:
        """:meth:`Store.search`."""
        return await self._searches.get((query, type, limit))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
