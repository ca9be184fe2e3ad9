"""The schema: entity and relation types read once from ``ontology/schema.yaml``.

Everything that knows about types (models, cleaning, OWL, SHACL, Neo4j
constraints) asks this module instead of declaring its own list.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from kg.config import ONTOLOGY_DIR
from kg.errors import SchemaError
from kg.valuetypes import VALUE_TYPES, ValueType

__all__ = [
    "SCHEMA_PATH",
    "PropertySpec",
    "EntityType",
    "RelationType",
    "Schema",
    "load_schema",
]

SCHEMA_PATH = ONTOLOGY_DIR / "schema.yaml"


@dataclass(frozen=True)
class PropertySpec:
    """One property: its value type and how it is shown."""

    name: str
    type: str
    label: str
    description: str = ""
    required: bool = False
    list: bool = False
    enum: str | None = None
    values: tuple[str, ...] = ()
    range: tuple[str, ...] = ()
    #: inclusive bounds of a numeric property (``min``/``max`` in schema.yaml), None = unbounded
    min: float | None = None
    max: float | None = None
    #: for a ``ref``: the id prefixes of the types in ``range`` (every type's if no range)
    prefixes: tuple[str, ...] = ()

    @property
    def value_type(self) -> ValueType:
        """The :class:`~kg.valuetypes.ValueType` object of ``type`` (clean, RDF, SHACL …)."""
        return VALUE_TYPES[self.type]


@dataclass(frozen=True)
class EntityType:
    name: str
    prefix: str
    label: str
    description: str
    properties: dict[str, PropertySpec]
    align: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelationType:
    name: str
    label: str
    domain: tuple[str, ...]
    range: tuple[str, ...]
    properties: dict[str, PropertySpec]
    description: str = ""

    @property
    def camel(self) -> str:
        """The camelCase name used for the OWL property (``HAS_RESERVES`` → ``hasReserves``)."""
        head, *rest = self.name.lower().split("_")
        return head + "".join(part.capitalize() for part in rest)


@dataclass(frozen=True)
class Schema:
    version: str
    enums: dict[str, tuple[str, ...]]
    entities: dict[str, EntityType]
    relations: dict[str, RelationType]
    claim_properties: dict[str, PropertySpec]
    by_prefix: dict[str, EntityType] = field(default_factory=dict)

    def entity(self, name: str) -> EntityType:
        try:
            return self.entities[name]
        except KeyError:
            raise SchemaError(
                f"unknown entity type {name!r}; expected one of {', '.join(self.entities)}"
            ) from None

    def relation(self, name: str) -> RelationType:
        try:
            return self.relations[name]
        except KeyError:
            raise SchemaError(
                f"unknown relation type {name!r}; expected one of {', '.join(self.relations)}"
            ) from None

    def type_of_id(self, entity_id: str) -> EntityType:
        """The entity type named by an id's prefix (``firm:lynas`` → Firm)."""
        prefix, sep, slug = entity_id.partition(":")
        if not sep or not slug or prefix not in self.by_prefix:
            raise SchemaError(
                f"id {entity_id!r} does not start with a known type prefix; expected "
                f"'<prefix>:<slug>' with prefix one of {', '.join(self.by_prefix)}"
            )
        return self.by_prefix[prefix]


def _prop(name: str, raw: dict[str, Any], enums: dict[str, tuple[str, ...]], where: str) -> PropertySpec:
    ptype = raw.get("type")
    if ptype not in VALUE_TYPES:
        raise SchemaError(f"{where}.{name}: unknown value type {ptype!r}; expected one of "
                          f"{', '.join(VALUE_TYPES)}")
    enum = raw.get("enum")
    if ptype == "enum" and enum not in enums:
        raise SchemaError(f"{where}.{name}: enum {enum!r} is not declared under 'enums'")
    rng = raw.get("range", ())
    return PropertySpec(
        name=name,
        type=ptype,
        label=raw.get("label", name.replace("_", " ")),
        description=raw.get("description", ""),
        required=bool(raw.get("required", False)),
        list=bool(raw.get("list", False)),
        enum=enum,
        values=enums.get(enum, ()) if enum else (),
        range=tuple([rng] if isinstance(rng, str) else rng),
        min=_bound(raw.get("min"), f"{where}.{name}.min"),
        max=_bound(raw.get("max"), f"{where}.{name}.max"),
    )


def _bound(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemaError(f"{where}: expected a number, got {value!r}")
    return value


def _parse(raw: dict[str, Any]) -> Schema:
    enums = {name: tuple(str(v) for v in spec["values"]) for name, spec in raw["enums"].items()}
    # quantities name their unit from this enum.
    if "unit" not in enums:
        raise SchemaError("schema must declare an enum 'unit' for quantities")
    claim_props = {
        n: _prop(n, p, enums, "claim_properties") for n, p in raw["claim_properties"].items()
    }
    entities: dict[str, EntityType] = {}
    for name, spec in raw["entities"].items():
        props = {n: _prop(n, p, enums, name) for n, p in (spec.get("properties") or {}).items()}
        entities[name] = EntityType(
            name=name,
            prefix=spec["prefix"],
            label=spec.get("label", name),
            description=spec.get("description", ""),
            properties=props,
            align=tuple(spec.get("align") or ()),
        )
    relations: dict[str, RelationType] = {}
    for name, spec in raw["relations"].items():
        props = {n: _prop(n, p, enums, name) for n, p in (spec.get("properties") or {}).items()}
        clash = set(props) & set(claim_props)
        if clash:
            raise SchemaError(f"{name}: properties {sorted(clash)} clash with claim properties")
        rel = RelationType(
            name=name,
            label=spec.get("label", name.lower()),
            domain=tuple(spec["domain"]),
            range=tuple(spec["range"]),
            properties=props,
            description=spec.get("description", ""),
        )
        for t in rel.domain + rel.range:
            if t not in entities:
                raise SchemaError(f"{name}: domain/range names unknown entity type {t!r}")
        relations[name] = rel
    by_prefix = {e.prefix: e for e in entities.values()}
    # references know their types' id prefixes, so cleaning a value needs no schema lookup
    for where, props in ([("claim_properties", claim_props)]
                         + [(n, e.properties) for n, e in entities.items()]
                         + [(n, r.properties) for n, r in relations.items()]):
        for pname, spec in props.items():
            unknown = [t for t in spec.range if t not in entities]
            if unknown:
                raise SchemaError(f"{where}.{pname}: range names unknown entity type {unknown[0]!r}")
            prefixes = tuple(entities[t].prefix for t in spec.range) if spec.range else tuple(by_prefix)
            props[pname] = replace(spec, prefixes=prefixes)
    return Schema(
        version=str(raw.get("version", "0")),
        enums=enums,
        entities=entities,
        relations=relations,
        claim_properties=claim_props,
        by_prefix=by_prefix,
    )


@functools.cache
def load_schema(path: Path = SCHEMA_PATH) -> Schema:
    """Read and check the schema declaration (cached: the file is read once per process)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SchemaError(f"cannot read schema {path}: {exc.strerror}") from exc
    return _parse(raw)
