"""Every Cypher statement rekg runs against Neo4j, as query builders.

Generations: every entity node and claim relationship carries ``_gen``, the generation of the
graph it belongs to; the one node ``(:RekgMeta {id: 'rekg'})`` holds ``current``, the
generation readers see (0 when there is no such node yet). Every read starts with
:data:`CURRENT` and keeps to that generation, so ``rekg build`` can write a whole new
generation beside the current one in many small transactions, switch ``current`` in one
short transaction, and delete the old generation in batches afterwards: readers see the old
graph, then the new one, never half of either. Ids are unique per generation:
``(id, _gen)`` constraints per label and relationship type.

Values always travel as parameters. Labels and relationship types are spliced into
query text only after :func:`_label` / :func:`_rel_type` check them against the
schema, so nothing a user types can become Cypher.
"""

from __future__ import annotations

from kg.errors import SchemaError
from kg.schema import load_schema

__all__ = [
    "FULLTEXT_INDEX",
    "CURRENT",
    "begin_build",
    "ensure_meta",
    "switch_generation",
    "lock_generation",
    "delete_other_generations",
    "legacy_constraints",
    "migrate_legacy",
    "create_nodes",
    "create_relationships",
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
    "search_candidates",
    "search_candidates_many",
    "show_many",
    "lookup_candidates",
    "relations_of",
    "delete_all",
    "delete_all_batched",
    "count_summary",
]

#: The full-text index over ``_search`` (:func:`kg.search.search_text` of each entity),
#: whitespace analyzer: one token per word of the normalized names.
FULLTEXT_INDEX = "rekg_search"
#: Its predecessor (standard analyzer over name keys), dropped by :func:`constraints`.
OLD_FULLTEXT_INDEXES = ("rekg_names",)


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


META_LABEL = "RekgMeta"
#: The prefix of every read: binds ``g`` to the current generation.
CURRENT = f"OPTIONAL MATCH (meta:{META_LABEL} {{id: 'rekg'}}) WITH coalesce(meta.current, 0) AS g "
_META = f"MERGE (m:{META_LABEL} {{id: 'rekg'}}) ON CREATE SET m.current = 0, m.writes = 0 "


def constraints() -> list[str]:
    """Uniqueness of ``(id, _gen)`` per label and per relationship type, of the meta node, and
    the full-text name index. All ``IF NOT EXISTS``: running them again is harmless."""
    schema = load_schema()
    out = [f"CREATE CONSTRAINT rekg_meta_id IF NOT EXISTS FOR (m:{META_LABEL}) REQUIRE m.id IS UNIQUE"]
    out += [
        f"CREATE CONSTRAINT rekg_{name.lower()}_id IF NOT EXISTS "
        f"FOR (n:{_label(name)}) REQUIRE (n.id, n._gen) IS UNIQUE"
        for name in schema.entities
    ]
    out += [
        f"CREATE CONSTRAINT rekg_rel_{name.lower()}_id IF NOT EXISTS "
        f"FOR ()-[r:{_rel_type(name)}]-() REQUIRE (r.id, r._gen) IS UNIQUE"
        for name in schema.relations
    ]
    labels = "|".join(_label(n) for n in schema.entities)
    out += [f"DROP INDEX {old} IF EXISTS" for old in OLD_FULLTEXT_INDEXES]
    out.append(f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{labels}) ON EACH [n._search] "
               "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace', `fulltext.eventually_consistent`: false}}")
    return out


def legacy_constraints() -> str:
    """The names of rekg's constraints from before generations (on ``id`` alone)."""
    return ("SHOW CONSTRAINTS YIELD name, properties WHERE name STARTS WITH 'rekg_' AND name <> 'rekg_meta_id' "
            "AND properties = ['id'] RETURN name")


def migrate_legacy() -> list[str]:
    """A graph written before generations becomes generation 0 (batched auto-commit statements)."""
    return [
        f"MATCH (n) WHERE n._gen IS NULL AND NOT n:{META_LABEL} CALL (n) {{ SET n._gen = 0 }} "
        "IN TRANSACTIONS OF 10000 ROWS",
        "MATCH ()-[r]->() WHERE r._gen IS NULL CALL (r) { SET r._gen = 0 } IN TRANSACTIONS OF 10000 ROWS",
    ]


def lock_generation() -> str:
    """In a write transaction: lock the meta node (a build's switch waits for this write, and
    this write for the switch) and return the current generation ``g``."""
    return _META + "SET m.writes = m.writes + 1 RETURN m.current AS g"


def ensure_meta() -> str:
    """The meta node, if missing (generation 0: a new or imported graph)."""
    return _META + "RETURN m.current AS g"


def begin_build() -> str:
    """Mark a build as under way (``$token``); returns the current generation ``g``."""
    return _META + "SET m.building = $token RETURN m.current AS g"


def switch_generation() -> str:
    """Make generation ``$g`` current, if the build ``$token`` still owns the meta node."""
    return (f"MATCH (m:{META_LABEL} {{id: 'rekg'}}) WHERE m.building = $token "
            "SET m.current = $g, m.building = null, m.writes = m.writes + 1 RETURN m.current AS g")


def delete_other_generations() -> list[str]:
    """Everything but generation ``$g`` (and the meta node), relationships first, in batched
    auto-commit transactions: an old generation after a switch, or a failed build's leftovers."""
    return [
        "MATCH ()-[r]->() WHERE r._gen IS NULL OR r._gen <> $g CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
        f"MATCH (n) WHERE NOT n:{META_LABEL} AND (n._gen IS NULL OR n._gen <> $g) "
        "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
    ]


def merge_nodes(label: str) -> str:
    """Upsert nodes of one label in generation ``$g``: ``$rows`` = ``[{id, props}]``;
    properties are replaced whole."""
    return (
        f"UNWIND $rows AS row MERGE (n:{_label(label)} {{id: row.id, _gen: $g}}) "
        "SET n = row.props, n._gen = $g"
    )


def create_nodes(label: str) -> str:
    """New nodes of one label in generation ``$g`` (a build: the generation starts empty)."""
    return f"UNWIND $rows AS row CREATE (n:{_label(label)}) SET n = row.props, n._gen = $g"


def merge_relationships(subject_label: str, rel_type: str, object_label: str) -> str:
    """Upsert claims of one shape in generation ``$g``: ``$rows`` = ``[{id, s, o, props}]``.

    Both ends are matched on their constrained ``(id, _gen)``; the relationship is merged on its
    own constrained ``(id, _gen)`` (the claim id), so a retried transaction writes nothing twice.
    """
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{_label(subject_label)} {{id: row.s, _gen: $g}}) "
        f"MATCH (b:{_label(object_label)} {{id: row.o, _gen: $g}}) "
        f"MERGE (a)-[r:{_rel_type(rel_type)} {{id: row.id, _gen: $g}}]->(b) "
        "SET r = row.props, r._gen = $g"
    )


def create_relationships(subject_label: str, rel_type: str, object_label: str) -> str:
    """New claims of one shape in generation ``$g`` (a build)."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{_label(subject_label)} {{id: row.s, _gen: $g}}) "
        f"MATCH (b:{_label(object_label)} {{id: row.o, _gen: $g}}) "
        f"CREATE (a)-[r:{_rel_type(rel_type)}]->(b) SET r = row.props, r._gen = $g"
    )


def existing_ids(label: str) -> str:
    """Which of ``$ids`` exist among current nodes of ``label``."""
    return f"{CURRENT}MATCH (n:{_label(label)}) WHERE n.id IN $ids AND n._gen = g RETURN n.id AS id"


def nodes_by_id(label: str) -> str:
    """Nodes of ``label`` whose id is in ``$ids``, with their properties."""
    return f"{CURRENT}MATCH (n:{_label(label)}) WHERE n.id IN $ids AND n._gen = g RETURN properties(n) AS props"


def ids_by_lower(label: str) -> str:
    """Ids of ``label`` nodes that equal one of ``$ids`` (lower case) but for case."""
    return f"{CURRENT}MATCH (n:{_label(label)}) WHERE n._gen = g AND toLower(n.id) IN $ids RETURN n.id AS id"


def claims_citing_only() -> str:
    """Claims whose only source is ``$sid`` (what a reposted article replaces)."""
    return f"{CURRENT}MATCH ()-[r]->() WHERE r._gen = g AND r.sources = [$sid] RETURN r.id AS id"


def retract_source_claims() -> str:
    """Delete the claims whose only source is ``row.sid`` (rows as in the write plan)."""
    return "UNWIND $rows AS row MATCH ()-[r]->() WHERE r._gen = $g AND r.sources = [row.sid] DELETE r"


def get_node(label: str) -> str:
    return f"{CURRENT}MATCH (n:{_label(label)} {{id: $id, _gen: g}}) RETURN properties(n) AS props"


def nodes_of_label(label: str) -> str:
    return f"{CURRENT}MATCH (n:{_label(label)}) WHERE n._gen = g RETURN properties(n) AS props ORDER BY n.id"


def claims_query(subject_label: str | None, predicate: str | None, object_label: str | None) -> str:
    """Current claims, optionally anchored at a subject id (``$s``) and/or an object id (``$o``)."""
    a = f"(a:{_label(subject_label)} {{id: $s, _gen: g}})" if subject_label else "(a)"
    b = f"(b:{_label(object_label)} {{id: $o, _gen: g}})" if object_label else "(b)"
    r = f"[r:{_rel_type(predicate)}]" if predicate else "[r]"
    return (
        f"{CURRENT}MATCH {a}-{r}->{b} WHERE r._gen = g "
        "RETURN a.id AS s, type(r) AS p, b.id AS o, properties(r) AS props ORDER BY r.id"
    )


def relations_of(label: str, predicate: str | None, *, full: bool = True) -> str:
    """One row for the current entity ``$id`` (none if it does not exist): its properties, then
    its claims out and in as lists of ``[type, properties, other]``, where ``other`` is the other
    end's properties (``full``) or just ``[id, name]``. One round trip for ``GET /entities/{id}``.
    (Relationships join nodes of one generation, so the claims are current too.)"""
    return f"{CURRENT}MATCH (a:{_label(label)} {{id: $id, _gen: g}}) {_with_claims(predicate, full)}"


def _with_claims(predicate: str | None, full: bool) -> str:
    """``RETURN`` node ``a``'s properties and its claims out and in (see :func:`relations_of`)."""
    r = f"[r:{_rel_type(predicate)}]" if predicate else "[r]"
    other = "properties(b)" if full else "[b.id, b.name]"
    return (
        "RETURN properties(a) AS props, "
        f"COLLECT {{ MATCH (a)-{r}->(b) RETURN [type(r), properties(r), {other}] }} AS outs, "
        f"COLLECT {{ MATCH (a)<-{r}-(b) RETURN [type(r), properties(r), {other}] }} AS ins"
    )


def show_many() -> str:
    """Several current entities with their claims, in one round trip: ``$ids`` maps an entity
    label to the ids wanted with it (labels not wanted may be left out). One row per id found,
    shaped as :func:`relations_of` with ``full=False``. The text is the same whatever labels
    a call asks for, so the server plans it once; each label's ids use its ``(id, _gen)``
    index."""
    union = " UNION ALL ".join(
        f"UNWIND coalesce($ids.{label}, []) AS id MATCH (a:{label} {{id: id, _gen: g}}) RETURN a"
        for label in sorted(load_schema().entities))
    return f"{CURRENT}CALL (g) {{ {union} }} {_with_claims(None, full=False)}"


def search_candidates() -> str:
    """Full-text candidates for a search: ``$q`` from :func:`kg.search.lucene_contains_query`,
    at most ``$limit``; returns what :func:`kg.search.score_keys` needs (precomputed keys) as
    one row holding a list (half the driver's work of one record per candidate)."""
    return (
        f"{CURRENT}CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $q, {{limit: $limit}}) YIELD node "
        "WITH node WHERE node._gen = g "
        "RETURN collect([node.id, node.name, node._sname, node._sothers]) AS candidates"
    )


def search_candidates_many() -> str:
    """:func:`search_candidates` for several queries ``$qs`` in one round trip: one row per
    query, ``[i, candidates]`` with ``i`` its index in ``$qs``."""
    return (
        f"{CURRENT}UNWIND range(0, size($qs) - 1) AS i CALL (i, g) {{ "
        f"CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $qs[i], {{limit: $limit}}) YIELD node "
        "WITH node WHERE node._gen = g "
        "RETURN collect([node.id, node.name, node._sname, node._sothers]) AS candidates } "
        "RETURN i, candidates"
    )


def lookup_candidates() -> str:
    """Current ids answering to the normalized name ``$key`` (in their ``_keys``); ``$q`` is the
    phrase query for it (:func:`kg.search.lucene_phrase`)."""
    return (
        f"{CURRENT}CALL db.index.fulltext.queryNodes('{FULLTEXT_INDEX}', $q, {{limit: $limit}}) YIELD node "
        "WITH node WHERE node._gen = g AND $key IN node._keys RETURN collect(node.id) AS ids"
    )


def delete_all() -> str:
    """Everything, in the caller's transaction."""
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
        f"{CURRENT}MATCH (n) WHERE n._gen = g UNWIND labels(n) AS label RETURN label, count(*) AS n",
        f"{CURRENT}MATCH ()-[r]->() WHERE r._gen = g RETURN type(r) AS type, count(*) AS n, "
        "sum(CASE WHEN size(coalesce(r.sources, [])) > 0 THEN 1 ELSE 0 END) AS cited",
    ]
