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
from operator import itemgetter
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


#: The element types of a list of strings, the common array (others take :func:`_cell`).
_STR_ONLY = {str}
#: The column type of a value of each exact type the fast paths handle (what
#: :func:`_column_type` gives them; a list here is a list of strings).
_COLUMN_OF: dict[type, str] = {str: "string", int: "int", float: "double", bool: "boolean",
                               dt.date: "date", list: "string[]"}
_QUOTE = '"'
#: Rows a group keeps in memory before they are appended to its file.
_FLUSH_ROWS = 20_000


def _typed_cells(props: dict[str, Any], skip: str | None, where: str
                 ) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """The signature (``(key, column type)`` of every present property but ``skip``, sorted by
    key) and the cells' texts in that order: the same as ``(k, _column_type([v]))`` and
    ``_cell(v, where, k)``, computed once per value with checks by exact type (a value of any
    other type goes through those two functions, which define the format)."""
    signature: list[tuple[str, str]] = []
    cells: list[str] = []
    column, cell = signature.append, cells.append
    for k in sorted(props):
        v = props[k]
        if v is None or k == skip:
            continue
        t = type(v)
        if t is str:
            column((k, "string"))
            cell(v)
        elif t is list:
            if not v:
                column((k, "int[]"))  # no element: kinds ⊆ {int}, as _column_type has it
                cell("")
            elif set(map(type, v)) == _STR_ONLY:
                text = ARRAY_DELIMITER.join(v)
                if text.count(ARRAY_DELIMITER) != len(v) - 1:
                    raise DataError(where, f"property {k} contains the import's array delimiter (U+001F)")
                column((k, "string[]"))
                cell(text)
            else:
                column((k, _column_type([v])))
                cell(_cell(v, where, k))
        elif t is int or t is float:
            column((k, _COLUMN_OF[t]))
            cell(str(v))
        elif t is bool:
            column((k, "boolean"))
            cell("true" if v else "false")
        elif t is dt.date:
            column((k, "date"))
            cell(v.isoformat())
        else:
            column((k, _column_type([v])))
            cell(_cell(v, where, k))
    return tuple(signature), cells


_FAST_TYPES = {*_COLUMN_OF, type(None)}


class _Shapes:
    """:func:`_typed_cells` with its decisions taken once per *shape* — the property keys in
    the dict's order and the exact types of their values — instead of once per value: which
    keys are present and in which sorted order, the signature, and which values need turning
    into text (numbers, booleans, dates, lists). A list must hold strings only (at least one)
    for the shape's signature to hold; any other row takes :func:`_typed_cells`."""

    def __init__(self, skip: str | None) -> None:
        self.skip = skip
        self.plans: dict[tuple[tuple[str, ...], tuple[type, ...]], Any] = {}

    def _plan(self, keys: tuple[str, ...], types: tuple[type, ...]) -> Any:
        if not set(types) <= _FAST_TYPES:
            return None
        kept = sorted((k, i) for i, (k, t) in enumerate(zip(keys, types, strict=True))
                      if t is not type(None) and k != self.skip)
        signature = tuple((k, _COLUMN_OF[types[i]]) for k, i in kept)
        order = [i for _, i in kept]
        if len(order) == 1:
            only = order[0]
            pick: Any = lambda values: (values[only],)  # noqa: E731
        else:
            pick = itemgetter(*order) if order else (lambda values: ())
        of = [[i for i in order if types[i] is t] for t in (int, float, bool, dt.date, list)]
        numbers = of[0] + of[1]
        return signature, pick, numbers, of[2], of[3], of[4], [keys[i] for i in of[4]]

    def cells(self, props: dict[str, Any], where: str) -> tuple[tuple[tuple[str, str], ...], list[str]]:
        values = list(props.values())
        shape = (tuple(props), tuple(map(type, values)))
        plan = self.plans.get(shape, False)
        if plan is False:
            plan = self.plans[shape] = self._plan(*shape)
        if plan is None:
            return _typed_cells(props, self.skip, where)
        signature, pick, numbers, bools, dates, lists, list_keys = plan
        for i, k in zip(lists, list_keys, strict=True):
            v = values[i]
            if not v or set(map(type, v)) != _STR_ONLY:
                return _typed_cells(props, self.skip, where)
            text = ARRAY_DELIMITER.join(v)
            if text.count(ARRAY_DELIMITER) != len(v) - 1:
                raise DataError(where, f"property {k} contains the import's array delimiter (U+001F)")
            values[i] = text
        for i in numbers:
            values[i] = str(values[i])
        for i in bools:
            values[i] = "true" if values[i] else "false"
        for i in dates:
            values[i] = values[i].isoformat()
        return signature, list(pick(values))


class _Groups:
    """Rows of one file kind (nodes or relationships) grouped by (label or type, signature),
    streamed to a temporary file per group in :data:`_FLUSH_ROWS`-row chunks; :meth:`finish`
    renames the files to ``<prefix>-<label>-<n>.csv`` with ``n`` the signature's rank within
    its label, and :meth:`discard` removes them (a failed export leaves no file behind)."""

    def __init__(self, directory: Path, prefix: str, head: list[str]) -> None:
        self.directory, self.prefix, self.head = directory, prefix, head
        self.rows: dict[tuple[str, tuple[tuple[str, str], ...]], list[str]] = {}
        self.paths: dict[tuple[str, tuple[tuple[str, str], ...]], Path] = {}
        self.written: list[Path] = []

    def add(self, label: str, first: list[str], typed: tuple[tuple[tuple[str, str], ...], list[str]]) -> None:
        signature, cells = typed
        key = (label, signature)
        cells = first + cells
        line = _QUOTE + '","'.join(cells if _QUOTE not in "".join(cells)
                                   else [c.replace(_QUOTE, '""') for c in cells]) + '"\n'
        rows = self.rows.get(key)
        if rows is None:
            rows = self.rows[key] = []
        rows.append(line)
        if len(rows) >= _FLUSH_ROWS:
            self._flush(key)

    def _flush(self, key: tuple[str, tuple[tuple[str, str], ...]]) -> None:
        path = self.paths.get(key)
        if path is None:
            path = self.paths[key] = self.directory / f".{self.prefix}-part-{len(self.paths)}.csv"
            self.written.append(path)
            header = self.head + [f"{k}:{t}" for k, t in key[1]]
            with path.open("w", encoding="utf-8", newline="") as fh:
                fh.write(",".join(header) + "\n")
        with path.open("a", encoding="utf-8", newline="") as fh:
            fh.writelines(self.rows[key])
        self.rows[key] = []

    def finish(self) -> dict[str, list[Path]]:
        for key in self.rows:
            self._flush(key)
        out: dict[str, list[Path]] = {}
        by_label: dict[str, list[tuple[tuple[str, str], ...]]] = defaultdict(list)
        for label, signature in self.paths:
            by_label[label].append(signature)
        for label in sorted(by_label):
            for n, signature in enumerate(sorted(by_label[label])):
                final = self.directory / f"{self.prefix}-{label}-{n}.csv"
                self.paths[(label, signature)].replace(final)
                self.written.append(final)
                out.setdefault(label, []).append(final)
        return out

    def discard(self) -> None:
        for path in self.written:
            path.unlink(missing_ok=True)


def write_import_csv(batch: Batch, directory: Path) -> ImportFiles:
    """Write ``batch`` (already checked) under ``directory`` for ``neo4j-admin database import full``.

    Rows are grouped by the exact types of their values (one file per label or type and per
    group), so an int stays an int and a float a float, as over Bolt; most labels need one file.
    An entity or claim listed twice (the same id) is written once, where it first appears, with
    its last content. Each record's properties are computed and written as one line as it
    comes (files are streamed, not held); a value the format refuses raises :class:`DataError`
    and removes the files written so far."""
    directory.mkdir(parents=True, exist_ok=True)
    files = ImportFiles()
    entities: dict[tuple[str, str], Any] = {}
    for entity in batch.entities:
        entities[(entity.type, entity.id)] = entity
    node_cells, rel_cells = _Shapes("id").cells, _Shapes(None).cells
    nodes = _Groups(directory, "nodes", ["id:ID", ":LABEL"])
    rels = _Groups(directory, "relationships", [":START_ID", ":END_ID", ":TYPE"])
    try:
        for (label, entity_id), entity in entities.items():
            props = node_props(entity)
            props["_gen"] = _GEN
            nodes.add(label, [entity_id, label], node_cells(props, entity_id))
        files.node_count = len(entities)
        del entities
        files.nodes = nodes.finish()
        claims: dict[tuple[str, str], Any] = {}
        for claim in batch.claims:
            claims[(claim.predicate, claim.id)] = claim
        sources = source_labels(batch.entities)
        for (rel_type, claim_id), claim in claims.items():
            label_of(claim.subject), label_of(claim.object)  # both ends name schema types
            props = rel_props(claim, sources)
            props["_gen"] = _GEN
            rels.add(rel_type, [claim.subject, claim.object, rel_type], rel_cells(props, claim_id))
        files.relationship_count = len(claims)
        files.relationships = rels.finish()
    except BaseException:
        nodes.discard()
        rels.discard()
        raise
    return files
