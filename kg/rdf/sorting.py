"""Sorting N-Triples in bounded memory: an external merge sort of lines, without repeats.

Lines come as *records*: one subject's ``"<subject> "`` head and the rests of its lines
(``"<predicate> object .\\n"``); a line is ``head + rest``. Records of about
``chunk_lines`` lines are held at once; a full buffer is sorted, de-duplicated and
spilled to a temporary file, and the files are merged block by block into the output.
The order is by code point (the order of ``LC_ALL=C sort -u``), so the same lines always
give the same bytes. Nothing here knows RDF beyond the shape of a line.
"""

from __future__ import annotations

import tempfile
from bisect import bisect_right
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from itertools import groupby, islice
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO

from kg.errors import RekgError

__all__ = ["MAX_FANIN", "Record", "merge_files", "write_sorted"]

#: One subject's N-Triples: its ``"<subject> "`` head and the lines' rests.
Record = tuple[str, list[str]]

#: Files merged at once; more chunks than this are merged in rounds.
MAX_FANIN = 256


_WRITE_BLOCK = 4_096  # lines joined per write call: far fewer trips through the text layer


def _write_lines(out: BinaryIO, lines: list[str]) -> None:
    for i in range(0, len(lines), _WRITE_BLOCK):
        out.write("".join(lines[i:i + _WRITE_BLOCK]).encode("utf-8"))


def _sorted_blocks(records: list[Record]) -> list[str]:
    """The records' lines, sorted and without duplicates, as one string per subject.

    Lines sort as (head, rest): no head is a prefix of another (IRIs hold no ``>`` or
    space), so ordering the records by head and each subject's rests orders the lines.
    Sorting records instead of lines sorts ten times fewer items, and each subject's
    lines are built by one ``head.join`` in C instead of a concatenation per line.
    """
    records.sort(key=itemgetter(0))
    blocks: list[str] = []
    append = blocks.append
    head = ""
    rests: list[str] = []
    for next_head, more in records:
        if next_head == head:
            rests = rests + more
            continue
        if rests:
            append(head + head.join(sorted(set(rests))))
        head, rests = next_head, more
    if rests:
        append(head + head.join(sorted(set(rests))))
    return blocks


def merge_files(paths: list[Path], sink: Callable[[bytes], object], budget: int) -> int:
    """Merge sorted, duplicate-free files into ``sink`` without duplicates; returns lines.

    A block merge rather than a line-by-line ``heapq.merge``: each file contributes a
    block of lines; every line up to the smallest block end is known to be final, so
    those lines are cut from the blocks (``bisect``), concatenated and sorted (timsort
    merges the sorted runs in C) and handed on. It works on UTF-8 bytes, whose order is
    the code point order, so nothing is decoded. About ``budget`` lines are held at once.
    """
    block = max(1, budget // max(1, len(paths)))
    written = 0
    with ExitStack() as stack:
        readers = [stack.enter_context(p.open("rb", buffering=1 << 20)) for p in paths]
        pending: list[list[bytes]] = [[] for _ in readers]
        active = list(range(len(readers)))
        while active:
            for i in active:
                if not pending[i]:
                    pending[i] = list(islice(readers[i], block))
            active = [i for i in active if pending[i]]
            if not active:
                break
            # Lines after a block's end sort after it, so nothing still unread can come
            # before ``bound``: what is cut here is final, and later rounds come after it.
            bound = min(pending[i][-1] for i in active)
            taken: list[bytes] = []
            for i in active:
                cut = bisect_right(pending[i], bound)
                taken += pending[i][:cut]
                del pending[i][:cut]
            taken.sort()
            lines = list(map(itemgetter(0), groupby(taken)))
            for j in range(0, len(lines), _WRITE_BLOCK):
                sink(b"".join(lines[j:j + _WRITE_BLOCK]))
            written += len(lines)
    return written


def write_sorted(records: Iterable[Record], out: BinaryIO, chunk_lines: int = 250_000,
                 tmp_dir: Path | None = None) -> int:
    """Write the lines of N-Triples ``records`` sorted by code point, without duplicates.

    An external merge sort: records of about ``chunk_lines`` lines are held at once; a
    full buffer is sorted and spilled to a temporary file, and the files are merged
    (:func:`merge_files`, in rounds of :data:`MAX_FANIN` files) into ``out`` (UTF-8).
    Returns the number of lines written.
    """
    if chunk_lines < 1:
        raise RekgError(f"chunk_lines: expected a positive number of lines, got {chunk_lines}")
    with tempfile.TemporaryDirectory(prefix="rekg-nt-", dir=tmp_dir) as tmp:
        chunks: list[Path] = []
        buffer: list[Record] = []
        held = 0
        serial = 0

        def new_path() -> Path:
            nonlocal serial
            serial += 1
            return Path(tmp) / f"chunk-{serial:06d}.nt"

        def spill(blocks: list[str]) -> Path:
            path = new_path()
            with path.open("wb") as fh:
                for i in range(0, len(blocks), _WRITE_BLOCK):
                    fh.write("".join(blocks[i:i + _WRITE_BLOCK]).encode("utf-8"))
            return path

        for record in records:
            buffer.append(record)
            held += len(record[1])
            if held >= chunk_lines:
                chunks.append(spill(_sorted_blocks(buffer)))
                buffer, held = [], 0
        if not chunks:
            blocks = _sorted_blocks(buffer)
            _write_lines(out, blocks)
            return sum(block.count("\n") for block in blocks)
        if buffer:
            chunks.append(spill(_sorted_blocks(buffer)))
            buffer = []
        while len(chunks) > MAX_FANIN:
            rounds = []
            for i in range(0, len(chunks), MAX_FANIN):
                group = chunks[i:i + MAX_FANIN]
                path = new_path()
                with path.open("wb") as fh:
                    merge_files(group, fh.write, chunk_lines)
                for done in group:
                    done.unlink()
                rounds.append(path)
            chunks = rounds
        return merge_files(chunks, out.write, chunk_lines)

