"""Export the graph as RDF: N-Triples (sorted), Turtle and JSON-LD, each with a dataset
description.

The export reads only through the :class:`~kg.store.base.Store` interface, so it works
for every store. One pipeline for every format:

1. records become descriptions (:mod:`kg.rdf.triples`, the only record→triples code) and
   N-Triples lines (:mod:`kg.rdf.serializers`);
2. the lines are sorted and de-duplicated in bounded memory (:mod:`kg.rdf.sorting`) into
   a temporary file, counting the distinct triples;
3. the VoID + DCAT description of the dataset (counts, sources, licence, version,
   creation time) is merged in, in order;
4. N-Triples are that stream; Turtle and JSON-LD are written from it. So no format
   repeats a statement, and all hold the same triples.

The N-Triples are sorted by code point (``LC_ALL=C sort -u``): the same graph with the
same creation time (``created``, or ``SOURCE_DATE_EPOCH``) gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import os
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO, Literal, TextIO

from kg.errors import RekgError
from kg.model import Claim, Entity
from kg.rdf.namespace import Vocab
from kg.rdf.serializers import nt_records, read_sorted, write_jsonld, write_turtle
from kg.rdf.sorting import merge_files, write_sorted
from kg.rdf.triples import GraphCounts, describe, describe_dataset

__all__ = [
    "Format",
    "FORMATS",
    "creation_time",
    "export",
    "export_to_path",
    "rekg_version",
    "write_ntriples",
]

Format = Literal["nt", "ttl", "jsonld"]
FORMATS: tuple[str, ...] = ("nt", "ttl", "jsonld")


def rekg_version() -> str:
    """The installed rekg version (the ``dcat:version`` of an export)."""
    try:
        return metadata.version("rekg")
    except metadata.PackageNotFoundError:
        return "unknown"


def creation_time(created: dt.datetime | None = None) -> dt.datetime:
    """``created``, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else now (UTC)."""
    if created is not None:
        return created if created.tzinfo else created.replace(tzinfo=dt.UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except ValueError:
            raise RekgError(f"SOURCE_DATE_EPOCH: expected whole seconds since 1970, got {epoch!r}") from None
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _sorted_export(entities: Iterable[Entity], claims: Iterable[Claim], vocab: Vocab, tmp: Path,
                   chunk_lines: int, created: dt.datetime | None) -> tuple[Path, Path, int]:
    """Sorted data lines and sorted description lines in two files under ``tmp``; returns
    both paths and the number of triples they hold together."""
    counts = GraphCounts()
    data = tmp / "data.nt"
    # The export allocates millions of short-lived containers and makes no reference
    # cycles; the cyclic collector would rescan every live object (a whole in-memory
    # store) again and again for nothing, so it is paused while the lines are sorted.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with data.open("wb") as fh:
            written = write_sorted(nt_records(describe(entities, claims, vocab, counts)), fh,
                                   chunk_lines, tmp)
    finally:
        if enabled:
            gc.enable()
    description = describe_dataset(vocab, counts, written, creation_time(created), rekg_version())
    head = tmp / "description.nt"
    with head.open("wb") as fh:
        own = write_sorted(nt_records(description), fh, chunk_lines, tmp)
    return data, head, written + own


def write_ntriples(entities: Iterable[Entity], claims: Iterable[Claim], out: BinaryIO | TextIO,
                   vocab: Vocab, chunk_lines: int = 250_000, tmp_dir: Path | None = None,
                   created: dt.datetime | None = None) -> int:
    """Write sorted, duplicate-free N-Triples with the dataset description; returns the
    number of triples written. Memory stays bounded by ``chunk_lines`` lines."""
    if chunk_lines < 1:
        raise RekgError(f"chunk_lines: expected a positive number of lines, got {chunk_lines}")
    with tempfile.TemporaryDirectory(prefix="rekg-export-", dir=tmp_dir) as name:
        data, head, _ = _sorted_export(entities, claims, vocab, Path(name), chunk_lines, created)
        return merge_files([data, head], _byte_sink(out), chunk_lines)


def _byte_sink(out: BinaryIO | TextIO) -> Any:
    """Where bytes go: a binary stream, the binary buffer under a UTF-8 text file, else
    decoded into a text stream."""
    if not isinstance(out, io.TextIOBase):
        return out.write
    buffer = getattr(out, "buffer", None)
    encoding = str(getattr(out, "encoding", "")).lower().replace("-", "").replace("_", "")
    if buffer is not None and encoding == "utf8":
        out.flush()
        return buffer.write
    return lambda data: out.write(data.decode("utf-8"))


def export(store: Any, fmt: str, out: BinaryIO | TextIO, vocab: Vocab, chunk_lines: int = 250_000,
           created: dt.datetime | None = None) -> int:
    """Write the store's graph to ``out`` in ``fmt`` (nt, ttl or jsonld); returns the number
    of distinct triples (the dataset description's included)."""
    if fmt not in FORMATS:
        raise RekgError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "nt":
        return write_ntriples(store.entities(), store.claims(), out, vocab,
                              chunk_lines=chunk_lines, created=created)
    if chunk_lines < 1:
        raise RekgError(f"chunk_lines: expected a positive number of lines, got {chunk_lines}")
    with tempfile.TemporaryDirectory(prefix="rekg-export-") as name:
        tmp = Path(name)
        data, head, count = _sorted_export(store.entities(), store.claims(), vocab, tmp,
                                           chunk_lines, created)
        merged = tmp / "graph.nt"
        with merged.open("wb") as fh:
            merge_files([data, head], fh.write, chunk_lines)
        sink = _byte_sink(out)
        if fmt == "ttl":
            turtle = tmp / "graph.ttl"
            with turtle.open("wb") as fh:
                write_turtle(merged, fh, vocab)
            with turtle.open("rb") as fh:
                while block := fh.read(1 << 20):
                    sink(block)
        else:
            text = _Utf8Writer(sink)
            write_jsonld(read_sorted(merged), text, vocab)  # type: ignore[arg-type]
            text.flush()
    return count


class _Utf8Writer:
    """A minimal text stream over a byte sink (buffers about 1 MiB)."""

    def __init__(self, sink: Any) -> None:
        self.sink = sink
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> int:
        self.parts.append(text)
        self.size += len(text)
        if self.size > 1 << 20:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self.parts:
            self.sink("".join(self.parts).encode("utf-8"))
            self.parts, self.size = [], 0


def _umask() -> int:
    """The process umask, read without changing it where Linux allows (``os.umask`` sets it
    process-wide, a race with other threads creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def export_to_path(store: Any, fmt: str, path: Path, vocab: Vocab, chunk_lines: int = 250_000,
                   created: dt.datetime | None = None) -> int:
    """Export to a file atomically: a temporary file beside it, renamed when complete. The
    file gets the mode a newly created file gets (0666 less the umask), not the 0600 of a
    temporary file."""
    path = Path(path)
    if fmt not in FORMATS:
        raise RekgError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            count = export(store, fmt, fh, vocab, chunk_lines=chunk_lines, created=created)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count

