"""How rekg's records are written to and read from Neo4j: node and relationship properties,
the rows of the ``UNWIND $rows`` write queries (by label and shape, in chunks), and values of
analysts' query results as JSON. Pure functions, no driver session (used by
:mod:`kg.store.neo4j`, the CSV export of :mod:`kg.store.neo4j_csv` and bench/)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kg import search as _search
from kg.model import CLAIM_FIELDS, ENTITY_FIELDS, Claim, Entity
from kg.resolve import name_keys
from kg.schema import load_schema

__all__ = ["ROWS_PER_QUERY", "label_of", "node_props", "entity_from", "rel_props", "claim_from",
           "node_chunks", "rel_chunks", "node_rows", "rel_rows", "plain"]

_RESERVED = set(ENTITY_FIELDS)  # and every property starting with "_" (rekg's own)
_PROVENANCE = set(CLAIM_FIELDS)
#: Rows per write query (and per transaction of a chunked load).
ROWS_PER_QUERY = 5000


def label_of(entity_id: str) -> str:
    return load_schema().type_of_id(entity_id).name


def node_props(entity: Entity) -> dict[str, Any]:
    props: dict[str, Any] = dict(entity.properties)
    keys = sorted(name_keys(entity))
    sname, sothers = _search.search_keys(entity)
    props.update(id=entity.id, name=entity.name, aliases=list(entity.aliases),
                 sources=list(entity.sources), _keys=keys, _sname=sname, _sothers=list(sothers),
                 _search=_search.search_text(sname, sothers))
    return props


def entity_from(props: dict[str, Any]) -> Entity:
    """An entity read back. rekg validated it on the way in, so it is not cleaned again
    (that would dominate read latency); the schema still names its type."""
    # sorted: the server returns properties in its property-key-token order, which differs
    # between databases holding the same graph (a build over Bolt, an offline import)
    own = {k: props[k] for k in sorted(props) if k not in _RESERVED and not k.startswith("_")}
    return Entity.model_construct(id=props["id"], type=label_of(props["id"]), name=props["name"],
                                  aliases=list(props.get("aliases") or []),
                                  sources=list(props.get("sources") or []), properties=own)


def rel_props(claim: Claim) -> dict[str, Any]:
    props = dict(claim.properties)
    props.update({k: v for k, v in claim.provenance().items()})
    props["confidence"] = claim.confidence
    props["sources"] = list(claim.sources)
    props["id"] = claim.id
    return props


def claim_from(s: str, p: str, o: str, props: dict[str, Any]) -> Claim:
    """A claim read back, as written (see :func:`entity_from`)."""
    fields: dict[str, Any] = {k: None for k in _PROVENANCE} | {"confidence": 1.0}
    fields.update({k: props[k] for k in _PROVENANCE if props.get(k) is not None})
    fields["sources"] = list(fields["sources"] or [])
    own = {k: props[k] for k in sorted(props) if k not in _PROVENANCE and k != "id" and not k.startswith("_")}
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


def rel_rows(claims: list[Claim]) -> list[dict[str, Any]]:
    return [{"id": c.id, "s": c.subject, "o": c.object, "props": rel_props(c)} for c in claims]


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
