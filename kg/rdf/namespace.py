"""The rekg RDF vocabulary: IRI scheme, term names and how schema values become RDF terms.

Everything here is derived from ``ontology/schema.yaml`` and a base IRI
(``Settings.base_iri``, default ``https://w3id.org/rekg/``). The IRI scheme:

==========================  ====================================================
``<base>ontology#Firm``     OWL classes and properties (prefix ``rekg:``)
``<base>ontology``          the owl:Ontology itself
``<base>id/firm/lynas``     the entity ``firm:lynas`` (prefix ``firm:``, one per type)
``<base>id/claim/<hash>``   the qualified claim node of claim ``claim:<hash>``
``<base>vocab/stage``       a SKOS concept scheme made from an enum of the schema
``<base>vocab/stage/mining`` one of its concepts (prefix ``stage:``)
``<base>shapes#Firm``       SHACL shapes (prefix ``rekgsh:``)
==========================  ====================================================

The term namespace is closed (rdflib ``ClosedNamespace``): asking for a term the
schema does not declare raises, the same guard a ``DefinedNamespace`` with
``_fail = True`` gives, while still following a configurable base IRI.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from rdflib.namespace import (
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    XSD,
    ClosedNamespace,
)

from kg.errors import SchemaError
from kg.schema import PropertySpec, Schema, load_schema

__all__ = [
    "DEFAULT_BASE_IRI",
    "WD",
    "Lit",
    "Obj",
    "PropertyTerm",
    "Vocab",
    "vocab_for",
    "camel",
    "decimal_lexical",
    "STANDARD_PREFIXES",
]

DEFAULT_BASE_IRI = "https://w3id.org/rekg/"
WD = "http://www.wikidata.org/entity/"

#: Prefixes of the standard vocabularies rekg uses (from rdflib, never re-declared).
STANDARD_PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "prov": str(PROV),
    "schema": str(SDO),
    "dcterms": str(DCTERMS),
    "sh": str(SH),
    "wd": WD,
}

_XSD_STRING = str(XSD.string)
_XSD_BY_TYPE: dict[str, str] = {
    "string": _XSD_STRING,
    "text": _XSD_STRING,
    "qid": _XSD_STRING,
    "iso2": _XSD_STRING,
    "iso3": _XSD_STRING,
    "element": _XSD_STRING,
    "unit": _XSD_STRING,
    "integer": str(XSD.integer),
    "number": str(XSD.decimal),
    "quantity": str(XSD.decimal),
    "fraction": str(XSD.decimal),
    "boolean": str(XSD.boolean),
    "url": str(XSD.anyURI),
}
#: A partial ISO date's datatype follows its precision (YYYY, YYYY-MM, YYYY-MM-DD).
DATE_TYPES: dict[int, str] = {4: str(XSD.gYear), 7: str(XSD.gYearMonth), 10: str(XSD.date)}

#: Enums that stay literals instead of becoming SKOS concept schemes.
LITERAL_ENUMS = frozenset({"unit"})


class Lit(NamedTuple):
    """A literal: its lexical form and datatype IRI (None for xsd:string)."""

    lexical: str
    datatype: str | None = None


#: The object of a triple: an IRI (plain ``str``) or a :class:`Lit`.
Obj = str | Lit


def camel(name: str) -> str:
    """snake_case or UPPER_SNAKE to lowerCamelCase.

    >>> camel("atomic_number"), camel("HAS_RESERVES"), camel("qid")
    ('atomicNumber', 'hasReserves', 'qid')
    """
    head, *rest = name.lower().split("_")
    return head + "".join(part.capitalize() for part in rest)


def decimal_lexical(value: Any) -> str:
    """xsd:decimal lexical form of a number (no exponent).

    >>> decimal_lexical(270000.0), decimal_lexical(1e-05), decimal_lexical(3)
    ('270000.0', '0.00001', '3')
    """
    text = repr(value) if type(value) is float else str(value)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


@dataclass(frozen=True)
class PropertyTerm:
    """One property of the ontology as used by one owner (entity type, relation or claim)."""

    local: str  # local name in the ontology namespace, e.g. "atomicNumber"
    iri: str
    spec: PropertySpec
    owner: str  # entity type name, relation name, or "Claim"
    kind: Literal["object", "datatype"]
    datatype: str | None  # xsd IRI; None for partial dates and object properties
    unit_of: str | None = None  # for "<p>Unit" terms: the quantity property's local name

    @property
    def is_date(self) -> bool:
        return self.spec.type == "date"


_PN_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")


class Vocab:
    """The vocabulary for one schema and base IRI: namespaces, terms and value conversion.

    Build it with :func:`vocab_for` (cached). ``vocab.ns`` is a closed namespace:
    ``vocab.ns.Firm`` works, ``vocab.ns.Frim`` raises ``AttributeError``.
    """

    def __init__(self, schema: Schema, base_iri: str = DEFAULT_BASE_IRI) -> None:
        if not re.match(r"^https?://[^\s<>\"{}|\\^`]+/$", base_iri):
            raise SchemaError(
                f"base IRI {base_iri!r}: expected an absolute http(s) IRI ending in '/' "
                "(set REKG_BASE_IRI, e.g. https://w3id.org/rekg/)"
            )
        self.schema = schema
        self.base = base_iri
        self.ontology_iri = base_iri + "ontology"
        self.term_base = base_iri + "ontology#"
        self.id_base = base_iri + "id/"
        self.vocab_base = base_iri + "vocab/"
        self.shapes_base = base_iri + "shapes#"

        self.classes: dict[str, str] = {t: self.term_base + t for t in schema.entities}
        self.claim_class = self.term_base + "Claim"
        self.claim_classes: dict[str, str] = {
            r: self.term_base + camel(r)[0].upper() + camel(r)[1:] + "Claim" for r in schema.relations
        }
        self.relation_props: dict[str, str] = {
            r: self.term_base + rel.camel for r, rel in schema.relations.items()
        }
        self.subject = self.term_base + "subject"
        self.predicate = self.term_base + "predicate"
        self.object = self.term_base + "object"
        self.partial_date = self.term_base + "PartialDate"
        self.schemes: dict[str, str] = {
            e: self.vocab_base + e for e in schema.enums if e not in LITERAL_ENUMS
        }
        self.entity_terms, self.relation_terms, self.claim_terms = self._property_terms()
        structural = {"Claim", "subject", "predicate", "object", "PartialDate"}
        locals_: set[str] = set(structural) | set(schema.entities)
        locals_ |= {iri[len(self.term_base):] for iri in self.claim_classes.values()}
        for rel in schema.relations.values():
            if rel.camel in locals_:
                raise SchemaError(f"relation {rel.name}: OWL name {rel.camel!r} is taken")
            locals_.add(rel.camel)
        seen: dict[str, tuple[str, str | None]] = {}
        for term in self.all_terms():
            if term.local in locals_ or seen.get(term.local, (term.kind, term.datatype)) != (
                term.kind, term.datatype
            ):
                raise SchemaError(
                    f"{term.owner}.{term.spec.name}: OWL name {term.local!r} clashes with another "
                    "class, relation or property term; rename the property in ontology/schema.yaml"
                )
            seen[term.local] = (term.kind, term.datatype)
        locals_ |= set(seen)
        self.terms: tuple[str, ...] = tuple(sorted(locals_))
        self.ns = ClosedNamespace(self.term_base, list(self.terms))
        self.prefixes: dict[str, str] = {"rekg": self.term_base, "rekgsh": self.shapes_base}
        for etype in schema.entities.values():
            self.prefixes[etype.prefix] = self.id_base + etype.prefix + "/"
        self.prefixes["claim"] = self.id_base + "claim/"
        for enum in self.schemes:
            if enum in self.prefixes:
                raise SchemaError(f"enum {enum!r} has the same name as an entity prefix")
            self.prefixes[enum] = self.vocab_base + enum + "/"
        self.prefixes.update(STANDARD_PREFIXES)

    # -- IRIs ----------------------------------------------------------------------
    def entity_iri(self, entity_id: str) -> str:
        """``firm:lynas`` → ``<base>id/firm/lynas``; also claim ids ``claim:<hash>``."""
        return self.id_base + entity_id.replace(":", "/", 1)

    def concept_iri(self, enum: str, value: str) -> str:
        return self.vocab_base + enum + "/" + value

    def term(self, local: str) -> str:
        """The IRI of a declared ontology term; unknown names raise :class:`SchemaError`."""
        if local not in self.terms:
            raise SchemaError(f"{local!r} is not a term of the rekg ontology")
        return self.term_base + local

    # -- properties ----------------------------------------------------------------
    def all_terms(self) -> list[PropertyTerm]:
        out: list[PropertyTerm] = []
        for group in (*self.entity_terms.values(), *self.relation_terms.values(), self.claim_terms):
            out.extend(group.values())
        return out

    def _property_terms(
        self,
    ) -> tuple[dict[str, dict[str, PropertyTerm]], dict[str, dict[str, PropertyTerm]],
               dict[str, PropertyTerm]]:
        schema = self.schema
        uses: list[tuple[str, str, PropertySpec]] = []  # (owner, owner camel, spec)
        for etype in schema.entities.values():
            uses += [(etype.name, camel(etype.name), s) for s in etype.properties.values()]
        for rel in schema.relations.values():
            uses += [(rel.name, rel.camel, s) for s in rel.properties.values()]
        uses += [("Claim", "claim", s) for n, s in schema.claim_properties.items() if n != "sources"]

        def signature(spec: PropertySpec) -> tuple[Any, ...]:
            if spec.type == "ref":
                return ("object", spec.range)
            if spec.type == "enum" and spec.enum not in LITERAL_ENUMS:
                return ("object", spec.enum)
            return ("datatype", spec.type if spec.type != "enum" else spec.enum)

        by_name: dict[str, set[tuple[Any, ...]]] = {}
        for _, _, spec in uses:
            by_name.setdefault(spec.name, set()).add(signature(spec))

        entity_terms: dict[str, dict[str, PropertyTerm]] = {t: {} for t in schema.entities}
        relation_terms: dict[str, dict[str, PropertyTerm]] = {r: {} for r in schema.relations}
        claim_terms: dict[str, PropertyTerm] = {}
        for owner, owner_camel, spec in uses:
            shared = len(by_name[spec.name]) == 1
            local = camel(spec.name) if shared else owner_camel + camel(spec.name)[0].upper() + camel(spec.name)[1:]
            kind, *_ = signature(spec)
            datatype = None
            if kind == "datatype" and spec.type != "date":
                datatype = _XSD_BY_TYPE["unit" if spec.type == "enum" else spec.type]
            term = PropertyTerm(local, self.term_base + local, spec, owner, kind, datatype)
            target = (entity_terms[owner] if owner in entity_terms
                      else relation_terms[owner] if owner in relation_terms else claim_terms)
            target[spec.name] = term
            if spec.type == "quantity":
                unit_spec = PropertySpec(
                    name=f"{spec.name}_unit", type="enum", enum="unit",
                    label=f"{spec.label} unit", values=schema.enums["unit"],
                    description=f"Unit of {spec.label}, one of the schema's units.",
                )
                target[unit_spec.name] = PropertyTerm(
                    local + "Unit", self.term_base + local + "Unit", unit_spec, owner,
                    "datatype", _XSD_STRING, unit_of=local,
                )
        return entity_terms, relation_terms, claim_terms

    @functools.cache  # noqa: B019 - one Vocab per (schema, base), kept for the process
    def converter(self, term: PropertyTerm) -> Callable[[Any], Obj]:
        """A function turning a cleaned value of ``term`` into an RDF object."""
        spec = term.spec
        if spec.type == "ref":
            return self.entity_iri
        if spec.type == "enum" and spec.enum not in LITERAL_ENUMS:
            base = self.vocab_base + str(spec.enum) + "/"
            return lambda v: base + v
        if spec.type == "date":
            return lambda v: Lit(v, DATE_TYPES[len(v)])
        dtype = term.datatype
        if spec.type == "boolean":
            return lambda v: Lit("true" if v else "false", dtype)
        if spec.type == "integer":
            return lambda v: Lit(str(int(v)), dtype)
        if dtype == str(XSD.decimal):
            return lambda v: Lit(decimal_lexical(v), dtype)
        if dtype == _XSD_STRING:
            return lambda v: Lit(str(v), None)
        return lambda v: Lit(str(v), dtype)

    # -- Turtle compaction -------------------------------------------------------------
    @functools.cached_property
    def _by_namespace(self) -> dict[str, str]:
        return {ns: p for p, ns in self.prefixes.items()}

    def qname(self, iri: str) -> str | None:
        """``prefix:local`` for an IRI in a known namespace with a Turtle-safe local name."""
        cut = max(iri.rfind("#"), iri.rfind("/")) + 1
        prefix = self._by_namespace.get(iri[:cut])
        local = iri[cut:]
        if prefix is None or (local and not _PN_LOCAL.match(local)):
            return None
        return f"{prefix}:{local}"


@functools.cache
def vocab_for(base_iri: str = DEFAULT_BASE_IRI) -> Vocab:
    """The (cached) vocabulary of the loaded schema under ``base_iri``."""
    return Vocab(load_schema(), base_iri)
