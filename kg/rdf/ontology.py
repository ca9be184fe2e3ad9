"""Generate the OWL 2 DL ontology (``ontology/rekg.ttl``) from the schema.

Classes for every entity type, the claim class and one claim class per relation, each
group pairwise disjoint; object properties for relations (domain and range from the
schema); object and datatype properties for entity and claim properties, with datatypes
of the OWL 2 datatype map only (dates are ``xsd:dateTime``); SKOS concept schemes for
the schema's enums; alignment with schema.org, PROV-O, SKOS and Wikidata, with every
borrowed term declared so the whole is OWL 2 DL (HermiT checks it in the tests). The
file is never edited by hand: ``rekg ontology`` writes it (:mod:`kg.rdf.generated`)
and a test fails when it drifts.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, VANN, VOID, XSD
from rdflib.term import Node

from kg.rdf.namespace import (
    DCAT_VERSION,
    SUBPROPERTY_OF,
    PropertyTerm,
    Vocab,
    bind_prefixes,
    camel,
)

__all__ = [
    "LICENSE_IRI",
    "build_ontology",
    "ontology_turtle",
]

LICENSE_IRI = "https://www.apache.org/licenses/LICENSE-2.0"
HEADER = (
    "# Generated from ontology/schema.yaml by `rekg ontology`: do not edit by hand.\n"
    "# A test fails when this file drifts from the schema.\n"
)

def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _union(graph: Graph, members: Iterable[URIRef], kind: URIRef = OWL.Class) -> URIRef | BNode:
    items: list[URIRef] = list(dict.fromkeys(members))
    if len(items) == 1:
        return items[0]
    node = BNode()
    graph.add((node, RDF.type, kind))
    head = BNode()
    Collection(graph, head, list[Node](items))
    graph.add((node, OWL.unionOf, head))
    return node


def _declare(g: Graph, node: URIRef, kind: URIRef, label: str, definition: str,
             onto: URIRef) -> None:
    """A class or property of the ontology: its OWL kind, label, definition and home."""
    g.add((node, RDF.type, kind))
    g.add((node, RDFS.label, _en(label)))
    g.add((node, SKOS.definition, _en(definition)))
    g.add((node, RDFS.isDefinedBy, onto))


def _articled(label: str) -> str:
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


def _either(types: Iterable[str]) -> str:
    """'a Country, Region or Firm'."""
    items = list(types)
    text = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
    return _articled(text)


def build_ontology(vocab: Vocab) -> Graph:
    """The OWL ontology of ``vocab``'s schema, as an rdflib graph."""
    schema = vocab.schema
    g = Graph()
    bind_prefixes(g, vocab)
    g.bind("vann", str(VANN))
    for enum in vocab.schemes:
        g.bind(enum, vocab.prefixes[enum])

    onto = URIRef(vocab.ontology_iri)
    g.add((onto, RDF.type, OWL.Ontology))
    g.add((onto, RDFS.label, _en("rekg ontology")))
    g.add((onto, DCTERMS.title, _en("rekg: rare-earth supply chain knowledge graph ontology")))
    g.add((onto, DCTERMS.description, _en(
        "Classes and properties of rekg's knowledge graph of the rare-earth supply chain: "
        "elements, materials, countries, regions, firms, facilities, policies and sources, "
        "and claims that carry their sources, confidence and validity dates. Generated from "
        "ontology/schema.yaml.")))
    g.add((onto, OWL.versionInfo, Literal(schema.version)))
    g.add((onto, OWL.versionIRI, URIRef(f"{vocab.ontology_iri}/{schema.version}")))
    g.add((onto, DCTERMS.license, URIRef(LICENSE_IRI)))
    g.add((onto, VANN.preferredNamespacePrefix, Literal("rekg")))
    g.add((onto, VANN.preferredNamespaceUri, Literal(vocab.term_base, datatype=XSD.anyURI)))

    # -- classes
    for name, etype in schema.entities.items():
        cls = URIRef(vocab.classes[name])
        _declare(g, cls, OWL.Class, etype.label, etype.description or f"A {etype.label}.", onto)
        for curie in etype.align:
            prefix, _, local = curie.partition(":")
            g.add((cls, RDFS.subClassOf, URIRef(vocab.prefixes[prefix] + local)))
    claim = URIRef(vocab.claim_class)
    _declare(g, claim, OWL.Class, "claim", (
        "One source's word on one fact: a qualified statement node with rekg:subject, "
        "rekg:predicate and rekg:object, the qualifiers of the relation, prov:wasDerivedFrom "
        "its sources, a confidence and validity dates. The same fact is also stated as a plain "
        "triple subject-predicate-object."), onto)
    g.add((claim, RDFS.subClassOf, PROV.Entity))
    for rname, rel in schema.relations.items():
        cls = URIRef(vocab.claim_classes[rname])
        _declare(g, cls, OWL.Class, f"{rel.label} claim", (
            f"A claim of the relation '{rel.label}' ({rname}) from {_either(rel.domain)} "
            f"to {_either(rel.range)}, with its qualifiers and sources."), onto)
        g.add((cls, RDFS.subClassOf, claim))

    # Disjointness: an entity is of one type and a claim is no entity (pairwise
    # owl:disjointWith), and every claim states exactly one relation (owl:disjointUnionOf).
    # Named nodes only, so the Turtle is stable. HermiT checks them against the bundled data.
    disjoint = [URIRef(vocab.classes[t]) for t in schema.entities] + [claim]
    for i, a in enumerate(disjoint):
        for b in disjoint[i + 1:]:
            g.add((a, OWL.disjointWith, b))
    if schema.relations:
        head = BNode()
        Collection(g, head, [URIRef(vocab.claim_classes[r]) for r in schema.relations])
        g.add((claim, OWL.disjointUnionOf, head))

    # -- relations and the claim node's structure
    for rname, rel in schema.relations.items():
        prop = URIRef(vocab.relation_props[rname])
        _declare(g, prop, OWL.ObjectProperty, rel.label, rel.description or (
            f"'{rel.label}': relates {_either(rel.domain)} to {_either(rel.range)}. Each such "
            "triple is backed by one or more "
            f"rekg:{vocab.claim_classes[rname][len(vocab.term_base):]} nodes with its sources."),
            onto)
        g.add((prop, RDFS.domain, _union(g, [URIRef(vocab.classes[t]) for t in rel.domain])))
        g.add((prop, RDFS.range, _union(g, [URIRef(vocab.classes[t]) for t in rel.range])))
    everything = [URIRef(vocab.classes[t]) for t in schema.entities]
    for local, label, definition, ends in (
        ("subject", "subject", "The entity the claim is about (subject of the plain triple).",
         everything),
        ("predicate", "predicate",
         "The relation the claim states: one of the rekg object properties for relations "
         "(the property's IRI, used as an individual).",
         OWL.Thing),
        ("object", "object", "The entity the claim relates its subject to (object of the plain "
         "triple).", everything),
    ):
        prop = URIRef(vocab.term(local))
        _declare(g, prop, OWL.ObjectProperty, label, definition, onto)
        g.add((prop, RDF.type, OWL.FunctionalProperty))
        g.add((prop, RDFS.domain, claim))
        # a union node of its own per property, so Turtle inlines it (stable output)
        g.add((prop, RDFS.range, _union(g, ends) if isinstance(ends, list) else ends))

    # -- properties of entities, relations and claims (one OWL property per local name)
    grouped: dict[str, list[PropertyTerm]] = {}
    for term in vocab.all_terms():
        grouped.setdefault(term.local, []).append(term)
    for local, terms in sorted(grouped.items()):
        prop = URIRef(vocab.term(local))
        first = terms[0]
        spec = first.spec
        owners = []
        for t in terms:
            if t.owner in schema.entities:
                owners.append(URIRef(vocab.classes[t.owner]))
            elif t.owner in schema.relations:
                owners.append(URIRef(vocab.claim_classes[t.owner]))
            else:
                owners.append(claim)
        g.add((prop, RDF.type, OWL.ObjectProperty if first.kind == "object" else OWL.DatatypeProperty))
        if first.kind == "datatype" and not any(t.spec.list for t in terms):
            g.add((prop, RDF.type, OWL.FunctionalProperty))
        g.add((prop, RDFS.label, _en(spec.label)))
        definition = next((t.spec.description for t in terms if t.spec.description), "")
        if not definition:
            owner_labels = list(dict.fromkeys(
                schema.entities[t.owner].label if t.owner in schema.entities
                else f"{schema.relations[t.owner].label} claim" if t.owner in schema.relations
                else "claim" for t in terms))
            definition = f"The '{spec.label}' of {_either(owner_labels)}."
        definition += spec.value_type.owl_note(spec, local, first.role == "value")
        g.add((prop, SKOS.definition, _en(definition)))
        g.add((prop, RDFS.domain, _union(g, owners)))
        rng: Node
        node_kind = spec.value_type.node(spec)
        if node_kind == "entity":
            rng = _union(g, [URIRef(vocab.classes[t]) for t in spec.range])
        elif node_kind == "concept":
            rng = SKOS.Concept
            g.add((prop, RDFS.seeAlso, URIRef(vocab.schemes[str(spec.enum)])))
        else:
            rng = URIRef(str(first.datatype))
        g.add((prop, RDFS.range, rng))
        if local in SUBPROPERTY_OF:
            g.add((prop, RDFS.subPropertyOf, URIRef(SUBPROPERTY_OF[local])))
        g.add((prop, RDFS.isDefinedBy, onto))

    # -- SKOS concept schemes for the enums
    for enum, scheme_iri in vocab.schemes.items():
        scheme = URIRef(scheme_iri)
        label = enum.replace("_", " ")
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, SKOS.prefLabel, _en(label)))
        g.add((scheme, SKOS.definition, _en(
            f"The values of the schema's {enum!r} enum ({camel(enum)}).")))
        g.add((scheme, RDFS.isDefinedBy, onto))
        for value in schema.enums[enum]:
            concept = URIRef(vocab.concept_iri(enum, value))
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, SKOS.prefLabel, _en(value.replace("-", " "))))
            g.add((concept, SKOS.notation, Literal(value)))
            g.add((concept, SKOS.inScheme, scheme))
            g.add((concept, SKOS.topConceptOf, scheme))
            g.add((scheme, SKOS.hasTopConcept, concept))
    _declare_borrowed(g, vocab)
    return g


#: Terms of other vocabularies rekg's ontology and data use, and their OWL kind. OWL 2 DL
#: needs every entity declared; these declarations say only what rekg uses them as.
_BORROWED: dict[URIRef, URIRef] = {
    **{p: OWL.AnnotationProperty for p in (
        SKOS.definition, SKOS.prefLabel, SKOS.altLabel, SKOS.notation, DCTERMS.title,
        DCTERMS.description, DCTERMS.license, DCTERMS.created, DCTERMS.conformsTo,
        URIRef(DCAT_VERSION), VOID.vocabulary, VOID.uriSpace, VANN.preferredNamespacePrefix,
        VANN.preferredNamespaceUri)},
    **{p: OWL.ObjectProperty for p in (
        PROV.wasDerivedFrom, SKOS.exactMatch, SDO.sameAs, SKOS.inScheme, SKOS.topConceptOf,
        SKOS.hasTopConcept, VOID.classPartition, VOID["class"])},
    **{p: OWL.DatatypeProperty for p in (VOID.triples, VOID.entities)},
    **{c: OWL.Class for c in (
        SKOS.Concept, SKOS.ConceptScheme, PROV.Entity, VOID.Dataset, DCAT.Dataset)},
}


def _declare_borrowed(g: Graph, vocab: Vocab) -> None:
    for term, kind in _BORROWED.items():
        g.add((term, RDF.type, kind))
    for etype in vocab.schema.entities.values():
        for curie in etype.align:
            prefix, _, local = curie.partition(":")
            g.add((URIRef(vocab.prefixes[prefix] + local), RDF.type, OWL.Class))
    kinds = {t.local: t.kind for t in vocab.all_terms()}
    for local, parent in SUBPROPERTY_OF.items():
        if local in kinds:
            kind = OWL.ObjectProperty if kinds[local] == "object" else OWL.DatatypeProperty
            g.add((URIRef(parent), RDF.type, kind))


def ontology_turtle(vocab: Vocab) -> str:
    """``ontology/rekg.ttl`` as text."""
    return HEADER + build_ontology(vocab).serialize(format="turtle")
