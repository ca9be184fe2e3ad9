"""Entity resolution: names and aliases to ids, case- and accent-insensitively.

An ambiguous name is an error that lists the candidates; nothing is guessed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kg.errors import AmbiguousNameError, UnknownNameError
from kg.model import Entity
from kg.search import name_strings
from kg.types import normalize_name

__all__ = ["name_keys", "NameIndex"]


def name_keys(entity: Entity, search: tuple[str, tuple[str, ...]] | None = None) -> set[str]:
    """Every normalized name an entity answers to: name, aliases, id slug, codes.

    Sources answer only to their id: a title such as "MP Materials" names an article, not
    the firm, and must not make the firm's name ambiguous (search still finds titles).

    ``search``: the entity's :func:`kg.search.search_keys`, if the caller has them — the same
    strings normalized in the same order, so they are not normalized again (the Neo4j
    writers compute both for every node).
    """
    if entity.type == "Source":
        return {normalize_name(entity.id), normalize_name(entity.id.split(":", 1)[1])}
    strings = name_strings(entity)
    if search is None:
        return {normalize_name(text) for text in strings if text}
    name, others = search
    return {key for text, key in zip(strings, (name, *others), strict=True) if text}


class NameIndex:
    """Normalized name → ids, kept in step with a store's entities."""

    def __init__(self, entities: Iterable[Entity] = ()) -> None:
        self._ids: dict[str, set[str]] = defaultdict(set)
        self._types: dict[str, str] = {}
        self._keys: dict[str, set[str]] = {}
        for entity in entities:
            self.add(entity)

    def add(self, entity: Entity) -> None:
        self.remove(entity.id)
        keys = name_keys(entity)
        self._keys[entity.id] = keys
        self._types[entity.id] = entity.type
        for key in keys:
            self._ids[key].add(entity.id)

    def remove(self, entity_id: str) -> None:
        for key in self._keys.pop(entity_id, ()):
            self._ids[key].discard(entity_id)
            if not self._ids[key]:
                del self._ids[key]
        self._types.pop(entity_id, None)

    def lookup(self, name: str, type: str | None = None) -> list[str]:
        """All ids whose name or alias equals ``name`` (normalized), optionally of one type."""
        ids = self._ids.get(normalize_name(name), set())
        return sorted(i for i in ids if type is None or self._types[i] == type)

    def resolve(self, name: str, type: str | None = None) -> str:
        """The one id that ``name`` names; raises when there is none or more than one."""
        found = self.lookup(name, type)
        if not found:
            kind = f" {type}" if type else ""
            raise UnknownNameError(f"no{kind} entity is named {name!r}; try `rekg search {name!r}`")
        if len(found) > 1:
            raise AmbiguousNameError(name, found)
        return found[0]
