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

How a value of each type becomes a literal (its datatype and lexical form) is asked of
its value type (:mod:`kg.valuetypes`); this module turns terms and values into triples.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from rdflib.namespace import (
    DCAT,
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    VOID,
    XSD,
    ClosedNamespace,
)

from kg.errors import SchemaError
from kg.schema import PropertySpec, Schema, load_schema
from kg.valuetypes import (
    DATE_PRECISIONS,
    LITERAL_ENUMS,
    XSD_DATETIME,
    XSD_STRING,
    ValueType,
    date_literals,
    decimal_lexical,
    uri_lexical,
)

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
    "date_literals",
    "uri_lexical",
    "bind_prefixes",
    "DATE_PRECISIONS",
    "LITERAL_ENUMS",
    "STANDARD_PREFIXES",
    "SUBPROPERTY_OF",
]

DEFAULT_BASE_IRI = "https://w3id.org/rekg/"
#: DCAT 3's version property (rdflib's DCAT namespace predates it).
DCAT_VERSION = str(DCAT) + "version"
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
    "void": str(VOID),
    "dcat": str(DCAT),
    "wd": WD,
}

#: Standard properties a rekg property specialises (where the meaning is the same). The
#: ontology states them as ``rdfs:subPropertyOf``; the closed SHACL shapes ignore the
#: superproperties, so data closed under RDFS inference still conforms.
SUBPROPERTY_OF: dict[str, str] = {
    "legalName": str(SDO.legalName),
    "latitude": str(SDO.latitude),
    "longitude": str(SDO.longitude),
    "website": str(SDO.url),
    "url": str(SDO.url),
    "published": str(SDO.datePublished),
    "validFrom": str(SDO.validFrom),
    "validTo": str(SDO.validThrough),
}

_XSD_STRING = XSD_STRING
_DATETIME = XSD_DATETIME


class Lit(NamedTuple):
    """A literal: its lexical form and datatype IRI (None for xsd:string)."""

    lexical: str
    datatype: str | None = None


#: ``_lit((lexical, datatype))`` makes a :class:`Lit` in C, without the Python-level
#: ``__new__`` of a NamedTuple (the export makes one per literal).
_lit: Callable[[tuple[str, str | None]], Lit] = functools.partial(tuple.__new__, Lit)


#: The object of a triple: an IRI (plain ``str``) or a :class:`Lit`.
Obj = str | Lit


def camel(name: str) -> str:
    """snake_case or UPPER_SNAKE to lowerCamelCase.

    >>> camel("atomic_number"), camel("HAS_RESERVES"), camel("qid")
    ('atomicNumber', 'hasReserves', 'qid')
    """
    head, *rest = name.lower().split("_")
    return head + "".join(part.capitalize() for part in rest)


@dataclass(frozen=True)
class PropertyTerm:
    """One property of the ontology as used by one owner (entity type, relation or claim)."""

    local: str  # local name in the ontology namespace, e.g. "atomicNumber"
    iri: str
    spec: PropertySpec
    owner: str  # entity type name, relation name, or "Claim"
    kind: Literal["object", "datatype"]
    datatype: str | None  # xsd IRI; None for object properties
    unit_of: str | None = None  # for "<p>Unit" terms: the quantity property's local name
    #: For a date term: its "<p>Precision" and "<p>Latest" terms (written from the same value).
    companions: tuple[PropertyTerm, ...] = ()
    #: For a companion: the date term's local name and which one it is.
    date_of: str | None = None
    role: Literal["value", "precision", "latest"] = "value"

    @property
    def is_date(self) -> bool:
        return self.spec.value_type.partial_date


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
        self.schemes: dict[str, str] = {
            e: self.vocab_base + e for e in schema.enums if e not in LITERAL_ENUMS
        }
        self.entity_terms, self.relation_terms, self.claim_terms = self._property_terms()
        structural = {"Claim", "subject", "predicate", "object"}
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
            for term in group.values():
                out.append(term)
                out.extend(term.companions)
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
            node = spec.value_type.node(spec)
            if node == "entity":
                return ("object", spec.range)
            if node == "concept":
                return ("object", spec.enum)
            return ("datatype", spec.enum or spec.type)

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
            vtype = spec.value_type
            datatype = vtype.xsd if kind == "datatype" else None
            companions: tuple[PropertyTerm, ...] = ()
            if vtype.partial_date:
                precision = PropertySpec(
                    name=f"{spec.name}_precision", type="enum", enum="date_precision",
                    label=f"{spec.label} precision", values=tuple(DATE_PRECISIONS.values()),
                    description=(f"Precision of '{spec.label}' as the sources give it: year, "
                                 "month or day."),
                )
                latest = PropertySpec(
                    name=f"{spec.name}_latest", type="date", label=f"{spec.label} (latest)",
                    description=(f"The last day '{spec.label}' may mean, at midnight without a "
                                 "time zone: the end of its year or month for a partial date."),
                )
                companions = (
                    PropertyTerm(local + "Precision", self.term_base + local + "Precision",
                                 precision, owner, "datatype", precision.value_type.xsd, date_of=local,
                                 role="precision"),
                    PropertyTerm(local + "Latest", self.term_base + local + "Latest", latest,
                                 owner, "datatype", latest.value_type.xsd, date_of=local,
                                 role="latest"),
                )
            term = PropertyTerm(local, self.term_base + local, spec, owner, kind, datatype,
                                companions=companions)
            target = (entity_terms[owner] if owner in entity_terms
                      else relation_terms[owner] if owner in relation_terms else claim_terms)
            target[spec.name] = term
            if vtype.unit:
                unit_spec = PropertySpec(
                    name=f"{spec.name}_unit", type="enum", enum="unit",
                    label=f"{spec.label} unit", values=schema.enums["unit"],
                    description=f"Unit of {spec.label}, one of the schema's units.",
                )
                target[unit_spec.name] = PropertyTerm(
                    local + "Unit", self.term_base + local + "Unit", unit_spec, owner,
                    "datatype", unit_spec.value_type.xsd, unit_of=local,
                )
        return entity_terms, relation_terms, claim_terms

    @functools.cache  # noqa: B019 - one Vocab per (schema, base), kept for the process
    def emitter(self, term: PropertyTerm) -> Callable[[Any], list[tuple[str, Obj]]]:
        """A function turning one cleaned value of ``term`` into its (predicate, object)
        pairs: one pair, or three for a date (its first day, precision and last day)."""
        if term.is_date:
            iri = term.iri
            precision, latest = (t.iri for t in term.companions)

            def date_pairs(v: str) -> list[tuple[str, Obj]]:
                first, prec, last = date_literals(v)
                return [(iri, _lit((first, _DATETIME))), (precision, _lit((prec, None))),
                        (latest, _lit((last, _DATETIME)))]
            return date_pairs
        conv = self.converter(term)
        iri = term.iri
        return lambda v: [(iri, conv(v))]

    @functools.cache  # noqa: B019 - one Vocab per (schema, base), kept for the process
    def converter(self, term: PropertyTerm) -> Callable[[Any], Obj]:
        """A function turning a cleaned value of ``term`` into one RDF object (for a date,
        its first day; :meth:`emitter` gives all of a value's pairs)."""
        spec = term.spec
        vtype = spec.value_type
        node = vtype.node(spec)
        if node == "entity":
            return self.entity_iri
        if node == "concept":
            base = self.vocab_base + str(spec.enum) + "/"
            return lambda v: base + v
        dtype = None if term.datatype == _XSD_STRING else term.datatype
        if type(vtype).lexical is ValueType.lexical and dtype is None:
            # the common case, without a method call per literal
            return lambda v: _lit((v if type(v) is str else str(v), None))
        lexical = vtype.lexical
        return lambda v: _lit((lexical(v), dtype))

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


def bind_prefixes(graph: Any, vocab: Vocab) -> None:
    """Bind the rekg and standard prefixes on an rdflib graph (for readable Turtle)."""
    graph.bind("rekg", vocab.term_base, override=True, replace=True)
    for prefix in ("rdf", "rdfs", "owl", "xsd", "skos", "prov", "dcterms"):
        graph.bind(prefix, vocab.prefixes[prefix], override=True, replace=True)
    graph.bind("schema", str(SDO), override=True, replace=True)


@functools.cache
def vocab_for(base_iri: str = DEFAULT_BASE_IRI) -> Vocab:
    """The (cached) vocabulary of the loaded schema under ``base_iri``."""
    return Vocab(load_schema(), base_iri)
