"""The store interface both stores implement, and the checks they share.

A store is the only thing that writes the graph. Writes come as a :class:`Batch`
that is checked whole before anything is written (references resolve, sources
exist, no id is defined twice with different content) and then written in one
transaction: a batch lands whole or not at all. Writing the same batch twice
changes nothing, because entity and claim ids are deterministic.
"""

from __future__ import annotations

import copy
import threading
from abc import ABC, abstractmethod
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from kg.errors import DataError, NotFoundError
from kg.model import Batch, Claim, Entity
from kg.search import TYPE_WEIGHT, score_keys, score_name, search_keys

__all__ = ["Store", "Relation", "SearchHit", "Stats", "WriteResult", "TYPE_WEIGHT", "check_batch",
           "check_redefinitions", "show_json", "score_name",
           "score_keys", "search_keys"]  # the search names are re-exported from kg.search

Direction = Literal["out", "in"]


@dataclass(frozen=True)
class Relation:
    """A claim seen from one of its ends."""

    claim: Claim
    direction: Direction
    other: Entity

    def to_json(self) -> dict[str, Any]:
        props = dict(self.claim.properties)
        props.update({k: v for k, v in self.claim.provenance().items() if k != "sources"})
        return {
            "id": self.claim.id,
            "predicate": self.claim.predicate,
            "direction": self.direction,
            "other": {"id": self.other.id, "type": self.other.type, "name": self.other.name},
            "properties": props,
            "sources": list(self.claim.sources),
        }


@dataclass(frozen=True)
class SearchHit:
    id: str
    type: str
    name: str
    score: float

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "name": self.name, "score": round(self.score, 3)}


@dataclass
class Stats:
    entities: dict[str, int] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    claims: int = 0
    claims_with_source: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "entities": dict(sorted(self.entities.items())),
            "relations": dict(sorted(self.relations.items())),
            "claims": self.claims,
            "claims_with_source": self.claims_with_source,
        }


@dataclass(frozen=True)
class WriteResult:
    entities: int
    claims: int
    #: ids of entities that were in the graph with other content and were overwritten (``replace``)
    replaced: tuple[str, ...] = ()
    #: claims removed because the batch supersedes their source (a reposted article)
    retracted: int = 0


def show_json(entity: Entity, relations: Iterable[Relation]) -> dict[str, Any]:
    """An entity with its relations in the JSON shape of ``rekg show --json`` (``Store.show``)."""
    return {
        "id": entity.id,
        "type": entity.type,
        "name": entity.name,
        "aliases": list(entity.aliases),
        "properties": dict(entity.properties),
        "sources": list(entity.sources),
        "relations": [r.to_json() for r in relations],
    }


def check_batch(batch: Batch, exists: set[str], known: dict[str, Entity] | None = None) -> None:
    """Check a batch before writing: duplicates, dangling references, unknown sources.

    ``exists`` holds the ids among the batch's references that the store already has.
    Raises :class:`DataError` naming the batch origin and the first problem found.
    """
    where = batch.origin or "batch"
    seen: dict[str, Entity] = {}
    for entity in batch.entities:
        prior = seen.get(entity.id)
        if prior is not None and prior != entity:
            raise DataError(where, f"entity {entity.id} is defined twice with different content")
        seen[entity.id] = entity
    available = set(seen) | exists
    for entity in batch.entities:
        missing = [s for s in entity.sources if s not in available]
        if missing:
            raise DataError(where, f"entity {entity.id} cites unknown source {missing[0]}; "
                                   "add it to a sources.yaml")
        for name, ref in _property_refs(entity.type, entity.properties, entity=True):
            if ref not in available:
                raise DataError(where, f"entity {entity.id}: {name} {ref} is neither in this "
                                       "file nor in the graph")
    for claim in batch.claims:
        for end in (claim.subject, claim.object):
            if end not in available:
                raise DataError(where, f"claim {claim.subject} {claim.predicate} {claim.object} "
                                       f"refers to {end}, which is neither in this file nor in the graph")
        missing = [s for s in claim.sources if s not in available]
        if missing:
            raise DataError(where, f"claim {claim.subject} {claim.predicate} {claim.object} cites "
                                   f"unknown source {missing[0]}; add it to a sources.yaml")
        for name, ref in _property_refs(claim.predicate, claim.properties, entity=False):
            if ref not in available:
                raise DataError(where, f"claim {claim.subject} {claim.predicate} {claim.object}: "
                                       f"{name} {ref} is neither in this file nor in the graph")


def _property_refs(type_name: str, properties: dict[str, Any],
                   entity: bool) -> Iterator[tuple[str, str]]:
    """(property, id) for every reference-typed property the schema declares for an entity
    type or a relation type (``Region.members``, ``SUPPLIES.material``, …)."""
    from kg.schema import load_schema

    schema = load_schema()
    specs = (schema.entity(type_name) if entity else schema.relation(type_name)).properties
    for name, spec in specs.items():
        if spec.value_type.node(spec) != "entity" or properties.get(name) in (None, ""):
            continue
        value = properties[name]
        for ref in (value if isinstance(value, list | tuple) else [value]):
            yield name, str(ref)


def _differences(old: Entity, new: Entity) -> str:
    parts = []
    if old.name != new.name:
        parts.append(f"name {old.name!r} → {new.name!r}")
    if old.aliases != new.aliases:
        parts.append("aliases")
    for key in sorted(set(old.properties) | set(new.properties)):
        if old.properties.get(key) != new.properties.get(key):
            parts.append(f"{key} {old.properties.get(key)!r} → {new.properties.get(key)!r}")
    if old.sources != new.sources:
        parts.append("sources")
    return ", ".join(parts[:3]) + (" …" if len(parts) > 3 else "")


def check_redefinitions(batch: Batch, stored: dict[str, Entity], folded: dict[str, str],
                        replace: bool = False) -> tuple[str, ...]:
    """Protect what the graph holds: curated facts are not overwritten by accident.

    ``stored`` holds the entities of the graph with the batch's entity ids; ``folded`` maps the
    lower-cased ids of the batch to the graph's ids that equal them but for case. Refused
    (:class:`DataError`): two ids that differ only by case (in the batch or against the graph),
    and an entity the graph holds with other content, unless ``replace`` (then its id is
    returned, so the caller can report it) or the batch ``supersedes`` it (an article's own
    Source, never a curated one).
    """
    where = batch.origin or "batch"
    seen: dict[str, str] = {}
    for entity in batch.entities:
        key = entity.id.lower()
        if seen.setdefault(key, entity.id) != entity.id:
            raise DataError(where, f"ids {seen[key]} and {entity.id} differ only by case; "
                                   "ids are case-sensitive, use one spelling")
        other = folded.get(key)
        if other is not None and other != entity.id:
            raise DataError(where, f"id {entity.id} differs only by case from {other}, which the "
                                   f"graph holds; use {other}")
    replaced: list[str] = []
    for entity in dict((e.id, e) for e in batch.entities).values():
        prior = stored.get(entity.id)
        if prior is None or prior == entity:
            continue
        if batch.supersedes == entity.id:
            if prior.properties.get("kind") != "article":
                raise DataError(where, f"{entity.id} names a curated source; an article never replaces it")
            continue
        if not replace:
            raise DataError(where, f"{entity.id} is already in the graph with other content "
                                   f"({_differences(prior, entity)}); another file defines it — "
                                   "pass --replace to overwrite it")
        replaced.append(entity.id)
    return tuple(sorted(replaced))


def referenced_ids(batch: Batch) -> set[str]:
    """Every id a batch points at (ends of claims, sources, reference-typed properties)."""
    refs: set[str] = set()
    for entity in batch.entities:
        refs.update(entity.sources)
        refs.update(ref for _, ref in _property_refs(entity.type, entity.properties, entity=True))
    for claim in batch.claims:
        refs.update((claim.subject, claim.object, *claim.sources))
        refs.update(ref for _, ref in _property_refs(claim.predicate, claim.properties,
                                                     entity=False))
    return refs


class ResultCache:
    """Results computed from one store's graph, valid for one revision of it (a thread-safe LRU).

    Each store owns its cache (:attr:`Store.results`), so two stores never share results, and
    a change of :attr:`Store.revision` empties it. Callers get deep copies: mutating a result
    cannot change what the next caller sees.

    One computation per key and revision at a time: callers asking for a result that another
    thread is computing wait for it instead of computing it again. Without that, every
    concurrent request recomputed an expensive analysis whenever the revision moved (Neo4j's
    once a minute): 64 concurrent SPOF requests on a loaded API became 64 whole-graph reads at
    once, stalling the server for seconds (bench/README.md, issue 18, round 4). If the
    computation fails, each waiting caller computes for itself (and gets its own error).
    """

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._revision: int | None = None
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple[int, Hashable], threading.Event] = {}

    def get_or_compute(self, key: Hashable, revision: int | None, compute: Callable[[], Any]) -> Any:
        """The cached result for ``key`` at ``revision``, else ``compute()`` (stored when
        ``revision`` is not None: a store that cannot tell its revision is never cached)."""
        if revision is None:
            return compute()
        with self._lock:
            if revision != self._revision:
                self._items.clear()
                self._revision = revision
            elif key in self._items:
                self._items.move_to_end(key)
                return copy.deepcopy(self._items[key])
            done = self._computing.get((revision, key))
            leader = done is None
            if done is None:
                done = self._computing[(revision, key)] = threading.Event()
        if not leader:
            done.wait()
            with self._lock:
                if revision == self._revision and key in self._items:
                    return copy.deepcopy(self._items[key])
            return compute()  # the computation failed, or the revision moved on meanwhile
        try:
            result = compute()
            with self._lock:
                if revision == self._revision:
                    self._items[key] = copy.deepcopy(result)
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
            return result
        finally:
            with self._lock:
                del self._computing[(revision, key)]
            done.set()


class Store(ABC):
    """What every store does. Implementations: :mod:`kg.store.memory`, :mod:`kg.store.neo4j`."""

    #: "memory" or "neo4j"
    kind: str

    # -- writing ---------------------------------------------------------------
    @abstractmethod
    def write(self, batch: Batch, *, replace: bool = False) -> WriteResult:
        """Check then write a batch in one transaction (upsert: idempotent).

        An entity the graph holds with other content is refused unless ``replace`` (see
        :func:`check_redefinitions`); a batch that ``supersedes`` a source first drops the
        claims citing only that source, in the same transaction."""

    @abstractmethod
    def replace_all(self, batch: Batch) -> WriteResult:
        """Replace the whole graph by ``batch`` (``rekg build``); the old graph stays if it fails."""

    # -- reading ---------------------------------------------------------------
    @abstractmethod
    def get(self, entity_id: str) -> Entity | None: ...

    @abstractmethod
    def existing(self, ids: Iterable[str]) -> set[str]:
        """The subset of ``ids`` that the store holds."""

    @abstractmethod
    def entities(self, type: str | None = None) -> Iterator[Entity]:
        """All entities, optionally of one type, in id order."""

    @abstractmethod
    def claims(
        self,
        subject: str | None = None,
        predicate: str | None = None,
        object: str | None = None,
        as_of: str | None = None,
    ) -> Iterator[Claim]:
        """Claims matching the filters, in id order; ``as_of`` keeps those that hold on that date."""

    @abstractmethod
    def lookup(self, name: str, type: str | None = None) -> list[str]:
        """Ids whose name, alias or code equals ``name`` (case- and accent-insensitive)."""

    @abstractmethod
    def search(self, query: str, type: str | None = None, limit: int = 20) -> list[SearchHit]:
        """Entities ranked by how well ``query`` matches their names and aliases."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (connections, files)."""

    @property
    def revision(self) -> int | None:
        """A number that changes whenever this store's graph changes, or None when the store
        cannot tell (another process may write to it): results computed from the graph may be
        cached under it (see :attr:`results`)."""
        return None

    @property
    def results(self) -> ResultCache:
        """This store's cache of analysis results (:mod:`kg.service`), valid per revision."""
        cache = self.__dict__.get("_results")
        if cache is None:
            cache = self.__dict__.setdefault("_results", ResultCache())
        return cache

    # -- shared behaviour --------------------------------------------------------
    def require(self, entity_id: str) -> Entity:
        entity = self.get(entity_id)
        if entity is None:
            raise NotFoundError(f"no entity with id {entity_id!r}; try `rekg search`")
        return entity

    def resolve(self, name: str, type: str | None = None) -> str:
        """The one id ``name`` names (an id is accepted as is)."""
        from kg.errors import AmbiguousNameError, UnknownNameError

        if ":" in name and self.get(name) is not None:
            return name
        found = self.lookup(name, type)
        if not found:
            raise UnknownNameError(f"no {type or 'entity'} is named {name!r}; try `rekg search {name!r}`")
        if len(found) > 1:
            raise AmbiguousNameError(name, found)
        return found[0]

    def relations(
        self,
        entity_id: str,
        predicate: str | None = None,
        direction: Direction | None = None,
        as_of: str | None = None,
    ) -> list[Relation]:
        """Claims touching ``entity_id``, seen from it."""
        self.require(entity_id)
        out: list[Relation] = []
        wanted = predicate.upper() if predicate else None
        cache: dict[str, Entity] = {}

        def other(eid: str) -> Entity:
            if eid not in cache:
                cache[eid] = self.require(eid)
            return cache[eid]

        if direction in (None, "out"):
            for claim in self.claims(subject=entity_id, predicate=wanted, as_of=as_of):
                out.append(Relation(claim, "out", other(claim.object)))
        if direction in (None, "in"):
            for claim in self.claims(object=entity_id, predicate=wanted, as_of=as_of):
                out.append(Relation(claim, "in", other(claim.subject)))
        return out

    def stats(self) -> Stats:
        entities = Counter(e.type for e in self.entities())
        relations: Counter[str] = Counter()
        with_source = total = 0
        for claim in self.claims():
            total += 1
            relations[claim.predicate] += 1
            with_source += bool(claim.sources)
        return Stats(dict(entities), dict(relations), total, with_source)

    def show(self, entity_id: str, as_of: str | None = None) -> dict[str, Any]:
        """An entity with its relations, in the JSON shape of ``rekg show --json``."""
        entity = self.require(entity_id)
        return show_json(entity, self.relations(entity_id, as_of=as_of))

    def show_many(self, ids: Sequence[str], as_of: str | None = None) -> dict[str, dict[str, Any]]:
        """:meth:`show` of several ids at once (the API's concurrent requests, :mod:`api.reads`):
        each id the store holds → its JSON; ids it does not hold are left out. Stores with round
        trips answer in one (Neo4j)."""
        found: dict[str, dict[str, Any]] = {}
        for entity_id in dict.fromkeys(ids):
            try:
                found[entity_id] = self.show(entity_id, as_of=as_of)
            except NotFoundError:
                continue
        return found

    def search_many(self, requests: Sequence[tuple[str, str | None, int]]) -> list[list[SearchHit]]:
        """:meth:`search` for several ``(query, type, limit)`` at once, answers in order; the
        same hits as one call each. Stores with round trips answer in one (Neo4j)."""
        return [self.search(query, type=type, limit=limit) for query, type, limit in requests]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
