"""A graph as the CSV files ``neo4j-admin database import full`` reads, in the Neo4j store's layout.

One nodes file per label and one relationships file per relationship type, each with its
header on the first line. Nodes and relationships carry exactly the properties
:class:`~kg.store.neo4j.Neo4jStore` writes (including rekg's own ``_keys``, ``_sname``,
``_sothers``, ``_search``, the ``<name>_date`` companions of complete dates and the claims'
``source_urls``), in generation 0, so a graph imported offline reads the same as one
written over Bolt. Ids are globally unique (``type:slug``), so one id space serves all labels.

Column types come from the values: ``int``, ``double``, ``boolean``, ``date`` (the
companions: ISO ``YYYY-MM-DD`` cells the importer stores as Neo4j ``date`` values), ``string``
and their arrays (``string[]`` …); rows whose values differ in type go to different files.
Arrays are split on :data:`ARRAY_DELIMITER` (a control character no name or text contains);
values that contain it are refused, naming the entity or claim.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import DataError
from kg.model import Batch
from kg.store.neo4j_codec import label_of, node_props, rel_props, source_labels

__all__ = ["ARRAY_DELIMITER", "ImportFiles", "write_import_csv"]

#: The array delimiter passed to the importer (``--array-delimiter``): ASCII unit separator.
ARRAY_DELIMITER = "\x1f"
_GEN = 0


@dataclass
class ImportFiles:
    """The files written, as the importer's ``--nodes`` / ``--relationships`` arguments take them."""

    nodes: dict[str, list[Path]] = field(default_factory=dict)          # label → files
    relationships: dict[str, list[Path]] = field(default_factory=dict)  # type → files
    node_count: int = 0
    relationship_count: int = 0


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "double"
    if isinstance(value, dt.date):
        return "date"
    return "string"


def _column_type(values: Iterable[Any]) -> str:
    kinds: set[str] = set()
    array = False
    for value in values:
        if isinstance(value, list | tuple):
            array = True
            kinds.update(_kind(v) for v in value)
        else:
            kinds.add(_kind(value))
    if kinds <= {"int"}:
        base = "int"
    elif kinds <= {"int", "double"}:
        base = "double"
    elif kinds == {"boolean"}:
        base = "boolean"
    elif kinds == {"date"}:
        base = "date"
    else:
        base = "string"
    return base + ("[]" if array else "")


def _cell(value: Any, where: str, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        parts = [_cell(v, where, name) for v in value]
        if any(ARRAY_DELIMITER in p for p in parts):
            raise DataError(where, f"property {name} contains the import's array delimiter (U+001F)")
        return ARRAY_DELIMITER.join(parts)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _write(path: Path, header: list[str], keys: list[str], rows: list[tuple[str, dict[str, Any]]],
           fixed: list[list[str]]) -> None:
    """Every present value quoted (so an empty string or an empty list stays one); an absent
    value is an empty unquoted field, which the importer leaves unset."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")
        for (where, props), first in zip(rows, fixed, strict=True):
            cells = [_quoted(c) for c in first]
            for k in keys:
                value = props.get(k)
                cells.append("" if value is None else _quoted(_cell(value, where, k)))
            fh.write(",".join(cells) + "\n")


def _signature(props: dict[str, Any], skip: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, _column_type([v])) for k, v in props.items() if v is not None and k not in skip))


def write_import_csv(batch: Batch, directory: Path) -> ImportFiles:
    """Write ``batch`` (already checked) under ``directory`` for ``neo4j-admin database import full``.

    Rows are grouped by the exact types of their values (one file per label or type and per
    group), so an int stays an int and a float a float, as over Bolt; most labels need one file."""
    directory.mkdir(parents=True, exist_ok=True)
    files = ImportFiles()
    nodes: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for entity in batch.entities:
        props = node_props(entity)
        props["_gen"] = _GEN
        nodes[entity.type][entity.id] = props
    for label, by_id in sorted(nodes.items()):
        groups: dict[tuple[tuple[str, str], ...], list[str]] = defaultdict(list)
        for entity_id, props in by_id.items():
            groups[_signature(props, ("id",))].append(entity_id)
        for n, (signature, ids) in enumerate(sorted(groups.items())):
            keys = [k for k, _ in signature]
            header = ["id:ID", ":LABEL"] + [f"{k}:{t}" for k, t in signature]
            path = directory / f"nodes-{label}-{n}.csv"
            _write(path, header, keys, [(i, by_id[i]) for i in ids], [[i, label] for i in ids])
            files.nodes.setdefault(label, [])
            files.nodes[label].append(path)
        files.node_count += len(by_id)
    rels: dict[str, dict[str, tuple[str, str, dict[str, Any]]]] = defaultdict(dict)
    sources = source_labels(batch.entities)
    for claim in batch.claims:
        label_of(claim.subject), label_of(claim.object)  # both ends name schema types
        props = rel_props(claim, sources)
        props["_gen"] = _GEN
        rels[claim.predicate][claim.id] = (claim.subject, claim.object, props)
    for rel_type, by_claim in sorted(rels.items()):
        rgroups: dict[tuple[tuple[str, str], ...], list[str]] = defaultdict(list)
        for claim_id, (_, _, props) in by_claim.items():
            rgroups[_signature(props, ())].append(claim_id)
        for n, (signature, ids) in enumerate(sorted(rgroups.items())):
            keys = [k for k, _ in signature]
            header = [":START_ID", ":END_ID", ":TYPE"] + [f"{k}:{t}" for k, t in signature]
            path = directory / f"relationships-{rel_type}-{n}.csv"
            _write(path, header, keys, [(i, by_claim[i][2]) for i in ids],
                   [[by_claim[i][0], by_claim[i][1], rel_type] for i in ids])
            files.relationships.setdefault(rel_type, [])
            files.relationships[rel_type].append(path)
        files.relationship_count += len(by_claim)
    return files
