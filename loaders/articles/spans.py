"""A sorted index of character spans, so "what overlaps [a, b)?" costs a bisection, not a scan.

Mentions are short (a name is rarely longer than :data:`MAX_SPAN` characters), so every span
overlapping ``[a, b)`` starts in ``[a - MAX_SPAN, b)``.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["MAX_SPAN", "SpanIndex"]

#: Longest span the index answers exactly for; longer spans are still found when they start
#: inside the query window.
MAX_SPAN = 400
_FIRST = operator.itemgetter(0)  # sort by start only (equal starts keep their order)


class SpanIndex:
    """Items with ``.start`` and ``.end`` (or (start, end, item) triples), queried by overlap."""

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self._items: list[tuple[int, int, Any]] = sorted([(it.start, it.end, it) for it in items],
                                                          key=_FIRST)
        self._starts: list[int] = [t[0] for t in self._items]
        #: the longest span held (queries look back this far, at most MAX_SPAN: an item that
        #: starts further back cannot reach the query, so the answer is the same, only cheaper)
        self._reach = max((e - s for s, e, _ in self._items), default=0)

    @classmethod
    def from_spans(cls, triples: Iterable[tuple[int, int, Any]]) -> SpanIndex:
        """An index of ``(start, end, item)`` triples, built with one sort (the same order as
        adding them one by one: equal starts keep their order)."""
        index = cls()
        index._items = sorted(triples, key=_FIRST)
        index._starts = [t[0] for t in index._items]
        index._reach = max((e - s for s, e, _ in index._items), default=0)
        return index

    def add(self, item: Any, start: int | None = None, end: int | None = None) -> None:
        a = item.start if start is None else start
        b = item.end if end is None else end
        k = bisect.bisect_right(self._starts, a)
        self._starts.insert(k, a)
        self._items.insert(k, (a, b, item))
        if b - a > self._reach:
            self._reach = b - a

    def overlapping(self, a: int, b: int) -> list[Any]:
        lo = bisect.bisect_left(self._starts, a - min(MAX_SPAN, self._reach))
        hi = bisect.bisect_left(self._starts, b)
        return [it for s, e, it in self._items[lo:hi] if s < b and a < e]

    def within(self, a: int, b: int) -> list[Any]:
        """Items lying wholly inside ``[a, b)``."""
        lo = bisect.bisect_left(self._starts, a)
        hi = bisect.bisect_left(self._starts, b)
        return [it for s, e, it in self._items[lo:hi] if e <= b]

    def any_overlap(self, a: int, b: int, pred: Callable[[Any], bool] | None = None) -> bool:
        return any(pred is None or pred(it) for it in self.overlapping(a, b))
