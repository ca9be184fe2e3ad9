"""Every Cypher statement rekg runs against Neo4j, as query builders.

Values always travel as parameters. Labels and relationship types are spliced into
query text only after :func:`_label` / :func:`_rel_type` check them against the
schema, so nothing a user types can become Cypher.
"""

from __future__ import annotations

from kg.errors import SchemaError
from kg.schema import load_schema

__all__ = [
    "FULLTEXT_INDEX",
    "constraints",
    "merge_nodes",
    "merge_relationships",
    "existing_ids",
    "get_node",
    "nodes_by_id",
    "ids_by_lower",
    "claims_citing_only",
    "retract_source_claims",
    "nodes_of_label",
    "claims_query",
    "names_candidates",
    "relations_of",
    "delete_all",
    "delete_all_batched",
    "count_summary",
]

FULLTEXT_INDEX = "rekg_names"


def _label(name: str) -> str:
    schema = load_schema()
    if name not in schema.entities:
        raise SchemaError(f"{name!r} is not an entity type of the schema")
    return name


def _rel_type(name: str) -> str:
    schema = load_schema()
    if name not in schema.relations:
        raise SchemaError(f"{name!r} is not a relation type of the schema")
    return name


def constraints() -> list[str]:
    """Uniqueness of ``id`` per label and per relationship type, and the full-text name index.

    All ``IF NOT EXISTS``: running them again is harmless.
    """
    schema = load_schema()
    out = [
        f"CREATE CONSTRAINT rekg_{name.lower()}_id IF NOT EXISTS "
        f"FOR (n:{_label(name)}) REQUIRE n.id IS UNIQUE"
        for name in schema.entities
    ]
    out += [
        f"CREATE CONSTRAINT rekg_rel_{name.lower()}_id IF NOT EXISTS "
        f"FOR ()-[r:{_rel_type(name)}]-() REQUIRE r.id IS UNIQUE"
        for name in schema.relations
    ]
    labels = "|".join(_label(n) for n in schema.entities)
    out.append(f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{labels}) ON EACH [n._search]")
    return out


def merge_nodes(label: str) -> str:
    """Upsert nodes of one label: ``$rows`` = ``[{id, props}]``; properties are replaced whole."""
    return (
        f"UNWIND $rows AS row MERGE (n:{_label(label)} {{id: row.id}}) "
        "SET n = row.props"
    )


def merge_relationships(subject_label: str, rel_type: str, object_label: str) -> str:
    """Upsert claims of one shape: ``$rows`` = ``[{id, s, o, props}]``.

    Both ends are matched on their constrained ``id``; the relationship is merged on its
    own constrained ``id`` (the claim id), so a retried transaction writes nothing twice.
    """
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{_label(subject_label)} {{id: row.s}}) "
        f"MATCH (b:{_label(object_label)} {{id: row.o}}) "
        f"MERGE (a)-[r:{_rel_type(rel_type)} {{id: row.id}}]->(b) "
        "SET r = row.props"
    )


def existing_ids(label: str) -> str:
    """Which of ``$ids`` exist among nodes of ``label``."""
    return f"MATCH (n:{_label(label)}) WHERE n.id IN $ids RETURN n.id AS id"


def nodes_by_id(label: str) -> str:
    """Nodes of ``label`` whose id is in ``$ids``, with their properties."""
    return f"MATCH (n:{_label(label)}) WHERE n.id IN $ids RETURN properties(n) AS props"


def ids_by_lower(label: str) -> str:
    """Ids of ``label`` nodes that equal one of ``$ids`` (lower case) but for case."""
    return f"MATCH (n:{_label(label)}) WHERE toLower(n.id) IN $ids RETURN n.id AS id"


def claims_citing_only() -> str:
    """Claims whose only source is ``$sid`` (what a reposted article replaces)."""
    return "MATCH ()-[r]->() WHERE r.sources = [$sid] RETURN r.id AS id"


def retract_source_claims() -> str:
    """Delete the claims whose only source is ``row.sid`` (rows as in the write plan)."""
    return "UNWIND $rows AS row MATCH ()-[r]->() WHERE r.sources = [row.sid] DELETE r"


def get_node(label: str) -> str:
    return f"MATCH (n:{_label(label)} {{id: $id}}) RETURN properties(n) AS props"


def nodes_of_label(label: str) -> str:
    return f"MATCH (n:{_label(label)}) RETURN properties(n) AS props ORDER BY n.id"


def claims_query(subject_label: str | None, predicate: str | None, object_label: str | None) -> str:
    """Claims, optionally anchored at a subject id (``$s``) and/or an object id (``$o``)."""
    a = f"(a:{_label(subject_label)} {{id: $s}})" if subject_label else "(a)"
    b = f"(b:{_label(object_label)} {{id: $o}})" if object_label else "(b)"
    r = f"[r:{_rel_type(predicate)}]" if predicate else "[r]"
    return (
        f"MATCH {a}-{r}->{b} "
        "RETURN a.id AS s, type(r) AS p, b.id AS o, properties(r) AS props ORDER BY r.id"
    )


def relations_of(label: str, predicate: str | None) -> str:
    """An entity's claims in both directions with the other end's properties (``$id``)."""
    r = f"[r:{_rel_type(predicate)}]" if predicate else "[r]"
    head = f"MATCH (a:{_label(label)} {{id: $id}})"
    return (
        f"{head}-{r}->(b) RETURN 'out' AS dir, type(r) AS p, properties(r) AS props, properties(b) AS other "
        f"UNION ALL {head}<-{r}-(b) RETURN 'in' AS dir, type(r) AS p, properties(r) AS props, "
        "properties(b) AS other"
    )


def names_candidates() -> str:
    """Full-text candidates for a name query (``$q`` is a Lucene query built by the store)."""
    return (
        f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $q, {{limit: $limit}}) "
        "YIELD node RETURN properties(node) AS props, labels(node) AS labels"
    )


def delete_all() -> str:
    """Everything, in the caller's transaction (atomic ``replace_all`` of graphs that fit in one)."""
    return "MATCH (n) DETACH DELETE n"


def delete_all_batched() -> list[str]:
    """Everything, relationships first, then nodes, in batches of 10,000: each statement runs
    in an implicit (auto-commit) transaction, so graphs of any size — and nodes of any
    degree — are cleared within the server's transaction memory."""
    return [
        "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
        "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS",
    ]


def count_summary() -> list[str]:
    return [
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n",
        "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n, "
        "sum(CASE WHEN size(coalesce(r.sources, [])) > 0 THEN 1 ELSE 0 END) AS cited",
    ]
