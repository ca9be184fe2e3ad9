"""How rekg's records are written to and read from Neo4j: node and relationship properties,
the rows of the ``UNWIND $rows`` write queries (by label and shape, in chunks), and values of
analysts' query results as JSON. Pure functions, no driver session (used by
:mod:`kg.store.neo4j`, the CSV export of :mod:`kg.store.neo4j_csv` and bench/).

Written for the analysts who read the graph in Neo4j Browser or cypher-shell, besides what
rekg reads back (the read path ignores both, so a record reads as the embedded store's):

- **date companions**: every property the schema types ``date`` is an ISO string of year,
  month or day precision (``2025``, ``2025-04``, ``2025-04-04``), kept as written so string
  comparisons stay valid; where it is a complete day, ``<name>_date`` holds the same day as a
  Neo4j ``date`` (absent for a partial date), for ``duration.between`` and date arithmetic.
  On entities for the type's date properties (``effective_date`` …), on claims for
  ``valid_from`` / ``valid_to`` and the relation's own date properties;
- **source_urls** on every claim: aligned with ``sources``, each Source's URL (its title
  where it has none), taken from the Source records at write time
  (:func:`source_labels`), so a claim's provenance reads in one hop.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from kg import search as _search
from kg.errors import SchemaError
from kg.model import CLAIM_FIELDS, ENTITY_FIELDS, Claim, Entity
from kg.resolve import name_keys
from kg.schema import PropertySpec, load_schema

__all__ = ["ROWS_PER_QUERY", "DATE_SUFFIX", "SOURCE_URLS", "label_of", "node_props", "entity_from",
           "rel_props", "claim_from", "node_chunks", "rel_chunks", "node_rows", "rel_rows",
           "source_labels", "day", "plain"]

_RESERVED = set(ENTITY_FIELDS)  # and every property starting with "_" (rekg's own)
_PROVENANCE = set(CLAIM_FIELDS)
#: Rows per write query (and per transaction of a chunked load).
ROWS_PER_QUERY = 5000
#: A date property ``p`` complete to the day has the companion ``p + DATE_SUFFIX`` (a Neo4j ``date``).
DATE_SUFFIX = "_date"
#: The claim property holding each cited Source's URL (or title), aligned with ``sources``.
SOURCE_URLS = "source_urls"


def label_of(entity_id: str) -> str:
    return load_schema().type_of_id(entity_id).name


def day(value: Any) -> dt.date | None:
    """The ``date`` of an ISO date string complete to the day (``YYYY-MM-DD``), else None.

    >>> day("2025-04-04"), day("2025-04"), day("2025")
    (datetime.date(2025, 4, 4), None, None)
    """
    if isinstance(value, str) and len(value) == 10:
        return dt.date.fromisoformat(value)
    return None


def _date_names(specs: Mapping[str, PropertySpec], owner: str, taken: Iterable[str]) -> tuple[str, ...]:
    """The date properties among ``specs``; a companion name that is already a property of
    ``owner`` (or in ``taken``) is a schema error, not a silent overwrite."""
    names = tuple(n for n, s in specs.items() if s.type == "date" and not s.list)
    clash = sorted({n + DATE_SUFFIX for n in names} & (set(specs) | set(taken)))
    if clash:
        raise SchemaError(f"{owner} declares {clash[0]!r}, the name of a date property's Neo4j date "
                          f"companion; rename it in ontology/schema.yaml")
    return names


@functools.cache
def _entity_dates(label: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """An entity type's date properties, and every property its nodes carry that the read
    path leaves out (rekg's fields, read apart, and the date companions)."""
    names = _date_names(load_schema().entity(label).properties, label, ENTITY_FIELDS)
    return names, frozenset(_RESERVED | {n + DATE_SUFFIX for n in names})


@functools.cache
def _claim_dates(predicate: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """A relation type's date properties (provenance first), and the properties its
    relationships carry that are not the claim's own (provenance, id, companions, source_urls)."""
    schema = load_schema()
    specs = dict(schema.claim_properties) | dict(schema.relation(predicate).properties)
    if SOURCE_URLS in specs:
        raise SchemaError(f"{predicate} declares {SOURCE_URLS!r}, the name of the Neo4j store's "
                          "provenance list; rename it in ontology/schema.yaml")
    names = _date_names(specs, predicate, ("id", SOURCE_URLS))
    return names, frozenset(_PROVENANCE | {"id", SOURCE_URLS} | {n + DATE_SUFFIX for n in names})


def _add_companions(props: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        value = day(props.get(name))
        if value is not None:
            props[name + DATE_SUFFIX] = value


def source_labels(entities: Iterable[Entity]) -> dict[str, str]:
    """Source id → what ``source_urls`` shows for it: its URL, else its title, else its name."""
    return {e.id: str(e.properties.get("url") or e.properties.get("title") or e.name)
            for e in entities if e.type == "Source"}


def node_props(entity: Entity) -> dict[str, Any]:
    props: dict[str, Any] = dict(entity.properties)
    _add_companions(props, _entity_dates(entity.type)[0])
    sname, sothers = _search.search_keys(entity)
    keys = sorted(name_keys(entity, (sname, sothers)))
    props.update(id=entity.id, name=entity.name, aliases=list(entity.aliases),
                 sources=list(entity.sources), _keys=keys, _sname=sname, _sothers=list(sothers),
                 _search=_search.search_text(sname, sothers))
    return props


def entity_from(props: dict[str, Any]) -> Entity:
    """An entity read back. rekg validated it on the way in, so it is not cleaned again
    (that would dominate read latency); the schema still names its type."""
    # sorted: the server returns properties in its property-key-token order, which differs
    # between databases holding the same graph (a build over Bolt, an offline import)
    label = label_of(props["id"])
    hidden = _entity_dates(label)[1]
    own = {k: props[k] for k in sorted(props) if k not in hidden and not k.startswith("_")}
    return Entity.model_construct(id=props["id"], type=label, name=props["name"],
                                  aliases=list(props.get("aliases") or []),
                                  sources=list(props.get("sources") or []), properties=own)


def rel_props(claim: Claim, sources: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A claim's relationship properties. With ``sources`` (:func:`source_labels` of the
    Source records), also ``source_urls``: a Source missing from it shows its id."""
    props = dict(claim.properties)
    props.update(claim.provenance())
    props["confidence"] = claim.confidence
    props["sources"] = list(claim.sources)
    props["id"] = claim.id
    _add_companions(props, _claim_dates(claim.predicate)[0])
    if sources is not None:
        props[SOURCE_URLS] = [sources.get(sid, sid) for sid in claim.sources]
    return props


def claim_from(s: str, p: str, o: str, props: dict[str, Any]) -> Claim:
    """A claim read back, as written (see :func:`entity_from`)."""
    fields: dict[str, Any] = {k: None for k in _PROVENANCE} | {"confidence": 1.0}
    fields.update({k: props[k] for k in _PROVENANCE if props.get(k) is not None})
    fields["sources"] = list(fields["sources"] or [])
    hidden = _claim_dates(p)[1]
    own = {k: props[k] for k in sorted(props) if k not in hidden and not k.startswith("_")}
    return Claim.model_construct(id=props["id"], subject=s, predicate=p, object=o, properties=own, **fields)


def node_chunks(entities: Iterable[Entity]) -> list[tuple[str, list[Entity]]]:
    """Entities (once per id) by label, in chunks of :data:`ROWS_PER_QUERY`."""
    by_label: dict[str, dict[str, Entity]] = defaultdict(dict)
    for entity in entities:
        by_label[entity.type][entity.id] = entity
    return [(label, rows[i:i + ROWS_PER_QUERY])
            for label, group in sorted(by_label.items()) for rows in [list(group.values())]
            for i in range(0, len(rows), ROWS_PER_QUERY)]


def rel_chunks(claims: Iterable[Claim]) -> list[tuple[tuple[str, str, str], list[Claim]]]:
    """Claims (once per id) by shape (subject label, predicate, object label), in chunks."""
    by_shape: dict[tuple[str, str, str], dict[str, Claim]] = defaultdict(dict)
    for claim in claims:
        by_shape[(label_of(claim.subject), claim.predicate, label_of(claim.object))][claim.id] = claim
    return [(shape, rows[i:i + ROWS_PER_QUERY])
            for shape, group in sorted(by_shape.items()) for rows in [list(group.values())]
            for i in range(0, len(rows), ROWS_PER_QUERY)]


def node_rows(entities: list[Entity]) -> list[dict[str, Any]]:
    return [{"id": e.id, "props": node_props(e)} for e in entities]


def rel_rows(claims: list[Claim], sources: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """Rows of a relationship write; ``sources`` as in :func:`rel_props`."""
    return [{"id": c.id, "s": c.subject, "o": c.object, "props": rel_props(c, sources)} for c in claims]


def plain(value: Any) -> Any:
    """Nodes, relationships and paths as JSON-friendly dicts."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {k: v for k, v in dict(value).items() if not k.startswith("_")} | {"_labels": sorted(value.labels)}
    if isinstance(value, Relationship):
        return {k: v for k, v in dict(value).items() if not k.startswith("_")} | {"_type": value.type}
    if isinstance(value, Path):
        return [plain(n) for n in value.nodes]
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
