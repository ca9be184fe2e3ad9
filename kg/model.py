"""Typed records that loaders yield and stores keep: :class:`Entity` and :class:`Claim`.

Both are cleaned against the schema when built, so a record that exists is valid:
its id has a known prefix, every property is declared and typed, every relation
respects its domain and range, and every claim names its sources.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kg.errors import CleanError
from kg.ids import claim_id
from kg.schema import PropertySpec, load_schema
from kg.types import clean_date, clean_id, clean_unit, date_bounds
from kg.valuetypes import clean_value

__all__ = ["Entity", "Claim", "Batch", "ENTITY_FIELDS", "CLAIM_FIELDS", "clean_properties",
           "clean_ref", "holds_on", "make_entity", "make_claim"]

#: The fields every entity has besides its type's properties (the Neo4j codec, the CSV reader
#: and the RDF export read this list rather than writing their own).
ENTITY_FIELDS: tuple[str, ...] = ("id", "name", "aliases", "sources")
#: The provenance fields every claim carries, in the schema's order (its ``claim_properties``).
CLAIM_FIELDS: tuple[str, ...] = tuple(load_schema().claim_properties)


def clean_ref(raw: object, field: str, allowed: tuple[str, ...] = ()) -> str:
    """An entity id ``prefix:slug`` whose prefix names a type in ``allowed`` (any if empty)."""
    return clean_id(raw, field, _prefixes(allowed))


def _clean_sources(raw: Any) -> list[str]:
    """Source ids (a list or ``|``-separated text), cleaned, deduplicated and sorted."""
    items = raw.split("|") if isinstance(raw, str) else (raw or [])
    return sorted({clean_ref(s, "source", ("Source",)) for s in items if str(s).strip()})


@functools.cache
def _prefixes(allowed: tuple[str, ...]) -> tuple[str, ...]:
    schema = load_schema()
    return tuple(schema.entity(n).prefix for n in allowed or schema.entities)


def clean_properties(
    specs: dict[str, PropertySpec], raw: dict[str, Any], owner: str
) -> dict[str, Any]:
    """Clean a property dict by its specs; unknown names and missing required ones raise.

    A quantity property ``p`` takes its unit from ``p_unit``, which is required with it.
    """
    out: dict[str, Any] = {}
    units = {k for k in raw if k.endswith("_unit") and specs.get(k[:-5], None) is not None
             and specs[k[:-5]].value_type.unit}
    for key, value in raw.items():
        if value is None or value == "" or value == []:
            continue
        if key in units:
            continue
        spec = specs.get(key)
        if spec is None:
            raise CleanError(key, value, f"a property of {owner}: one of {', '.join(specs) or '(none)'}")
        out[key] = clean_value(spec, value, key)
        if spec.value_type.unit:
            unit = raw.get(f"{key}_unit")
            if unit in (None, ""):
                raise CleanError(f"{key}_unit", unit, f"a unit for {key!r} (e.g. 't REO', 't/yr')")
            out[f"{key}_unit"] = clean_unit(unit, f"{key}_unit", load_schema().enums["unit"])
    for key in units:
        base = key[:-5]
        if key in raw and raw[key] not in (None, "") and base not in out:
            raise CleanError(base, None, f"a value for {base!r} since {key!r} is given")
    missing = [n for n, s in specs.items() if s.required and n not in out]
    if missing:
        raise CleanError(missing[0], None, f"a value: {missing[0]!r} is required for {owner}")
    return out


def holds_on(valid_from: str | None, valid_to: str | None, as_of: str | None) -> bool:
    """Whether a validity interval of partial ISO dates covers the date ``as_of``.

    A partial bound covers its whole period: valid_to '2025' holds through 2025-12-31.

    >>> holds_on("2025-04-04", None, "2025-05-01"), holds_on("2025", "2025", "2026-01-01")
    (True, False)
    """
    if as_of is None:
        return True
    day = date_bounds(as_of)[0]
    if valid_from and date_bounds(valid_from)[0] > day:
        return False
    if valid_to and date_bounds(valid_to)[1] < day:
        return False
    return True


class Entity(BaseModel):
    """A node: element, material, country, region, firm, facility, policy or source."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    properties: dict[str, Any] = Field(default_factory=dict)
    sources: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        schema = load_schema()
        entity_id = clean_ref(data.get("id", ""), "id")
        etype = schema.type_of_id(entity_id)
        if data.get("type") not in (None, etype.name):
            raise CleanError("type", data["type"], f"{etype.name!r} (the type named by id {entity_id!r})")
        name = " ".join(str(data.get("name") or "").split())
        if not name:
            raise CleanError("name", data.get("name"), f"a name for {entity_id}")
        aliases = data.get("aliases") or []
        if isinstance(aliases, str):
            aliases = aliases.split("|")
        aliases = [a for a in dict.fromkeys(" ".join(str(a).split()) for a in aliases) if a and a != name]
        sources = _clean_sources(data.get("sources"))
        if etype.name != "Source" and not sources:
            raise CleanError("source", None, f"at least one source id for {entity_id}")
        props = clean_properties(etype.properties, dict(data.get("properties") or {}), etype.name)
        slug = entity_id.split(":", 1)[1]
        for key in ("iso2", "symbol"):  # ids built on codes must agree with them
            if key in props and props[key] != slug:
                raise CleanError("id", entity_id, f"'{etype.prefix}:{props[key]}' (the id carries the {key})")
        return {
            "id": entity_id, "type": etype.name, "name": name, "aliases": aliases,
            "properties": props, "sources": sources,
        }


#: Confidence below which a claim an extractor read from text is not asserted by that text
#: (conditional or unbinding wording): it is stored for a reader and left out of analyses.
ASSERTED = 0.5


class Claim(BaseModel):
    """A relation between two entities with its provenance: one source's word on one fact."""

    model_config = ConfigDict(frozen=True)

    id: str
    subject: str
    predicate: str
    object: str
    properties: dict[str, Any] = Field(default_factory=dict)
    sources: list[str]
    confidence: float = 1.0
    valid_from: str | None = None
    valid_to: str | None = None
    note: str | None = None
    quote: str | None = None
    span_start: int | None = None
    span_end: int | None = None
    extractor: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        schema = load_schema()
        rel = schema.relation(str(data.get("predicate", "")).strip().upper())
        subject = clean_ref(data.get("subject", ""), "subject", rel.domain)
        obj = clean_ref(data.get("object", ""), "object", rel.range)
        props = clean_properties(rel.properties, dict(data.get("properties") or {}), rel.name)
        cp = schema.claim_properties
        sources = _clean_sources(data.get("sources"))
        if not sources:
            raise CleanError("source", None, f"at least one source id for {subject} {rel.name} {obj}")
        out: dict[str, Any] = {
            "subject": subject, "predicate": rel.name, "object": obj,
            "properties": props, "sources": sources,
        }
        conf = data.get("confidence")
        out["confidence"] = 1.0 if conf in (None, "") else clean_value(cp["confidence"], conf, "confidence")
        for key in ("valid_from", "valid_to"):
            if data.get(key) not in (None, ""):
                out[key] = clean_date(data[key], key)
        if out.get("valid_from") and out.get("valid_to"):
            if date_bounds(out["valid_to"])[1] < date_bounds(out["valid_from"])[0]:
                raise CleanError("valid_to", out["valid_to"], f"a date on or after valid_from {out['valid_from']}")
        for key in ("note", "quote", "extractor", "span_start", "span_end"):
            if data.get(key) not in (None, ""):
                out[key] = clean_value(cp[key], data[key], key)
        key_props = dict(props)
        for key in ("valid_from", "valid_to"):
            if key in out:
                key_props[key] = out[key]
        if "span_start" in out:
            key_props["span_start"] = out["span_start"]
        out["id"] = claim_id(subject, rel.name, obj, key_props, sources)
        if data.get("id") not in (None, "", out["id"]):
            raise CleanError("id", data["id"], f"the claim's natural-key hash {out['id']}")
        return out

    def holds_on(self, as_of: str | None) -> bool:
        """Whether the claim's validity covers ``as_of`` (None = always)."""
        return holds_on(self.valid_from, self.valid_to, as_of)

    @property
    def asserted(self) -> bool:
        """False for a claim a program read from text and marked as not asserted (an
        ``extractor`` and a confidence below :data:`ASSERTED`: "would", "could", a memorandum of
        understanding). A curated claim is asserted whatever its confidence: there the
        confidence weighs an estimate, it does not withdraw the statement."""
        return self.extractor is None or self.confidence >= ASSERTED

    def stands(self, as_of: str | None) -> bool:
        """Whether an analysis may rely on the claim on ``as_of``: asserted, and valid then.
        Claims that are not asserted stay in the store (with their quote) for a reader."""
        return self.asserted and self.holds_on(as_of)

    @property
    def curated_first(self) -> tuple[bool, float, str]:
        """Sort key where one value is kept of several (a facility's country, a firm's seat):
        curated claims before claims read from articles, then the more confident."""
        return (self.extractor is not None, -self.confidence, self.id)

    def provenance(self) -> dict[str, Any]:
        """The provenance fields that are set (one ``getattr`` per field: the Neo4j writers call
        this for every claim)."""
        out = {}
        for k in CLAIM_FIELDS:
            v = getattr(self, k)
            if v is not None and v != []:
                out[k] = v
        return out


class Batch(BaseModel):
    """What one unit of loading writes: all of it or none of it."""

    entities: list[Entity] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    origin: str = ""
    #: An article batch restates its own Source: the claims that cite only this source are
    #: replaced by the batch's (a reposted article keeps none of its earlier text's claims),
    #: and the Source entity itself may change (only if it is an article, never curated).
    supersedes: str | None = None

    def extend(self, other: Batch) -> None:
        self.entities.extend(other.entities)
        self.claims.extend(other.claims)


def _unwrap(exc: ValidationError) -> Exception:
    """The CleanError a validator raised, instead of pydantic's wrapper around it."""
    for err in exc.errors():
        inner = (err.get("ctx") or {}).get("error")
        if isinstance(inner, CleanError):
            return inner
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first.get("loc", ())) or "record"
    return CleanError(loc, first.get("input"), first.get("msg", "a valid value"))


def make_entity(**raw: Any) -> Entity:
    """Build an :class:`Entity` from raw values, raising :class:`CleanError` on bad input."""
    try:
        return Entity.model_validate(raw)
    except ValidationError as exc:
        raise _unwrap(exc) from None


def make_claim(**raw: Any) -> Claim:
    """Build a :class:`Claim` from raw values, raising :class:`CleanError` on bad input."""
    try:
        return Claim.model_validate(raw)
    except ValidationError as exc:
        raise _unwrap(exc) from None
