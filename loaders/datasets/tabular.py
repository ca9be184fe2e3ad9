"""Schema-driven reader for rekg's own CSV and YAML files (see ``data/FORMAT.md``).

- ``sources.yaml``: a list of sources → Source entities.
- entity CSV (header has ``id`` and ``name``): one entity per row; the id's prefix names the type,
  other columns are that type's properties.
- relation CSV (header has ``subject``, ``predicate``, ``object``): one claim per row; columns are
  the relation's properties and the claim's provenance.

Errors name ``FILE:LINE`` and the column: ``data/x.csv:7: column 'year': expected an integer, got 'n/a'``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from kg.errors import CleanError, DataError, RekgError
from kg.model import CLAIM_FIELDS, ENTITY_FIELDS, Batch, make_claim, make_entity
from kg.textcheck import check_text
from kg.yamlio import load_yaml_items

__all__ = ["read_entity_csv", "read_relation_csv", "read_sources_yaml", "read_text", "csv_kind"]

_ENTITY_FIXED = {*ENTITY_FIELDS, "source", "note"}
_CLAIM_FIXED = {"subject", "predicate", "object", "source", *CLAIM_FIELDS}


def read_text(path: Path) -> str:
    """A file's text as UTF-8, with errors that name the file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(str(path), "no such file") from None
    except IsADirectoryError:
        raise DataError(str(path), "is a directory, expected a file") from None
    except OSError as exc:
        raise DataError(str(path), f"cannot read: {exc.strerror}") from None
    if b"\x00" in raw[:8192]:
        raise DataError(str(path), "looks binary (NUL bytes), expected UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"{path}:{line}", f"byte {exc.start}: not valid UTF-8") from None
    return check_text(text, str(path))


def _rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(str(path), "empty file, expected a CSV header row") from None
    except csv.Error as exc:
        raise DataError(f"{path}:1", f"malformed CSV header: {exc}") from None
    header = [h.strip() for h in header]
    if len(set(header)) != len(header):
        dupes = sorted({h for h in header if header.count(h) > 1})
        raise DataError(f"{path}:1", f"column {dupes[0]!r} appears twice in the header")
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for record in reader:
            line = reader.line_num
            if not record or all(not c.strip() for c in record):
                continue
            if record[0].lstrip().startswith("#"):
                continue
            if len(record) != len(header):
                raise DataError(f"{path}:{line}", f"expected {len(header)} fields as in the header, "
                                                  f"got {len(record)}")
            rows.append((line, {h: c.strip() for h, c in zip(header, record, strict=True)}))
    except csv.Error as exc:
        raise DataError(f"{path}:{reader.line_num}", f"malformed CSV: {exc}") from None
    return header, rows


def csv_kind(header: list[str]) -> str:
    """``entities`` or ``relations``, from the header."""
    cols = set(header)
    if {"subject", "predicate", "object"} <= cols:
        return "relations"
    if {"id", "name"} <= cols:
        return "entities"
    raise DataError("", "header has neither 'id,name' (entities) nor 'subject,predicate,object' "
                        f"(relations): {','.join(header)}")


def _located(path: Path, line: int, exc: RekgError) -> DataError:
    if isinstance(exc, CleanError):
        return DataError(f"{path}:{line}", f"column {exc.field!r}: expected {exc.expected}, got {exc.value!r}")
    return DataError(f"{path}:{line}", str(exc))


def read_entity_csv(path: Path, header: list[str] | None = None,
                    rows: list[tuple[int, dict[str, str]]] | None = None) -> Batch:
    if header is None or rows is None:
        header, rows = _rows(path)
    batch = Batch(origin=str(path))
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            props = {k: v for k, v in row.items() if k not in _ENTITY_FIXED and v != ""}
            entity = make_entity(
                id=row["id"], name=row["name"], aliases=row.get("aliases", ""),
                properties=props, sources=row.get("source") or row.get("sources") or "",
            )
        except RekgError as exc:
            raise _located(path, line, exc) from None
        if entity.id in seen:
            raise DataError(f"{path}:{line}", f"duplicate id {entity.id!r} (first defined on line {seen[entity.id]})")
        seen[entity.id] = line
        batch.entities.append(entity)
    return batch


def read_relation_csv(path: Path, header: list[str] | None = None,
                      rows: list[tuple[int, dict[str, str]]] | None = None) -> Batch:
    if header is None or rows is None:
        header, rows = _rows(path)
    batch = Batch(origin=str(path))
    for line, row in rows:
        try:
            props = {k: v for k, v in row.items() if k not in _CLAIM_FIXED and v != ""}
            fields: dict[str, Any] = {k: row[k] for k in _CLAIM_FIXED & row.keys() if row[k] != ""}
            fields["sources"] = fields.pop("source", "") or fields.pop("sources", "")
            claim = make_claim(**fields, properties=props)
        except RekgError as exc:
            raise _located(path, line, exc) from None
        batch.claims.append(claim)
    return batch


def read_csv(path: Path) -> Batch:
    """An entity or relation CSV, told apart by its header."""
    header, rows = _rows(path)
    try:
        kind = csv_kind(header)
    except DataError as exc:
        raise DataError(f"{path}:1", exc.detail) from None
    if kind == "entities":
        return read_entity_csv(path, header, rows)
    return read_relation_csv(path, header, rows)


def read_sources_yaml(path: Path) -> Batch:
    """A YAML list of sources → Source entities."""
    text = read_text(path)
    items, lines = load_yaml_items(text, str(path))
    items = items or []
    if not isinstance(items, list):
        raise DataError(str(path), "expected a YAML list of sources")
    batch = Batch(origin=str(path))
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        where = f"{path}:{lines[index - 1]}: source #{index}"
        if not isinstance(item, dict):
            raise DataError(where, "expected a mapping with id, url, title, published, kind")
        item = dict(item)
        sid = item.pop("id", None)
        name = item.get("title") or ""
        props = item
        try:
            entity = make_entity(id=sid or "", name=name, properties=props)
        except RekgError as exc:
            if isinstance(exc, CleanError):
                raise DataError(f"{where} ({sid})", f"field {exc.field!r}: expected {exc.expected}, "
                                                    f"got {exc.value!r}") from None
            raise DataError(f"{where} ({sid})", str(exc)) from None
        if entity.id in seen:
            raise DataError(where, f"duplicate source id {entity.id!r}")
        seen.add(entity.id)
        batch.entities.append(entity)
    return batch
