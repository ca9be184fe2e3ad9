"""Generate the OWL ontology (``ontology/rekg.ttl``) from the schema.

Classes for every entity type, the claim class and one claim class per relation;
object properties for relations (domain and range from the schema); object and
datatype properties for entity and claim properties; SKOS concept schemes for the
schema's enums; alignment with schema.org, PROV-O, SKOS and Wikidata. The file is
never edited by hand: ``rekg ontology`` writes it and a test fails when it drifts.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, VANN, XSD

from kg.config import ONTOLOGY_DIR
from kg.rdf.namespace import LITERAL_ENUMS, PropertyTerm, Vocab, camel

__all__ = [
    "ONTOLOGY_DIR",
    "LICENSE_IRI",
    "build_ontology",
    "ontology_turtle",
    "graphs_equal",
    "generated_files",
    "write_generated",
    "drifted",
]

LICENSE_IRI = "https://www.apache.org/licenses/LICENSE-2.0"
HEADER = (
    "# Generated from ontology/schema.yaml by `rekg ontology`: do not edit by hand.\n"
    "# A test fails when this file drifts from the schema.\n"
)

# Standard properties a rekg property specialises (where the meaning is the same).
_SUBPROPERTY_OF: dict[str, URIRef] = {
    "legalName": SDO.legalName,
    "latitude": SDO.latitude,
    "longitude": SDO.longitude,
    "website": SDO.url,
    "url": SDO.url,
    "title": DCTERMS.title,
    "published": DCTERMS.issued,
    "validFrom": SDO.validFrom,
    "validTo": SDO.validThrough,
}


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _union(graph: Graph, members: Iterable[URIRef], kind: URIRef = OWL.Class) -> URIRef | BNode:
    items = list(dict.fromkeys(members))
    if len(items) == 1:
        return items[0]
    node = BNode()
    graph.add((node, RDF.type, kind))
    head = BNode()
    Collection(graph, head, items)
    graph.add((node, OWL.unionOf, head))
    return node


def _articled(label: str) -> str:
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


def _either(types: Iterable[str]) -> str:
    """'a Country, Region or Firm'."""
    items = list(types)
    text = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
    return _articled(text)


def bind_prefixes(graph: Graph, vocab: Vocab) -> None:
    graph.bind("rekg", vocab.term_base, override=True, replace=True)
    for prefix in ("rdf", "rdfs", "owl", "xsd", "skos", "prov", "dcterms"):
        graph.bind(prefix, vocab.prefixes[prefix], override=True, replace=True)
    graph.bind("schema", str(SDO), override=True, replace=True)


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
        g.add((cls, RDF.type, OWL.Class))
        g.add((cls, RDFS.label, _en(etype.label)))
        g.add((cls, SKOS.definition, _en(etype.description or f"A {etype.label}.")))
        g.add((cls, RDFS.isDefinedBy, onto))
        for curie in etype.align:
            prefix, _, local = curie.partition(":")
            g.add((cls, RDFS.subClassOf, URIRef(vocab.prefixes[prefix] + local)))
    claim = URIRef(vocab.claim_class)
    g.add((claim, RDF.type, OWL.Class))
    g.add((claim, RDFS.subClassOf, PROV.Entity))
    g.add((claim, RDFS.label, _en("claim")))
    g.add((claim, SKOS.definition, _en(
        "One source's word on one fact: a qualified statement node with rekg:subject, "
        "rekg:predicate and rekg:object, the qualifiers of the relation, prov:wasDerivedFrom "
        "its sources, a confidence and validity dates. The same fact is also stated as a plain "
        "triple subject-predicate-object.")))
    g.add((claim, RDFS.isDefinedBy, onto))
    for rname, rel in schema.relations.items():
        cls = URIRef(vocab.claim_classes[rname])
        g.add((cls, RDF.type, OWL.Class))
        g.add((cls, RDFS.subClassOf, claim))
        g.add((cls, RDFS.label, _en(f"{rel.label} claim")))
        g.add((cls, SKOS.definition, _en(
            f"A claim of the relation '{rel.label}' ({rname}) from {_either(rel.domain)} "
            f"to {_either(rel.range)}, with its qualifiers and sources.")))
        g.add((cls, RDFS.isDefinedBy, onto))

    partial = URIRef(vocab.partial_date)
    g.add((partial, RDF.type, RDFS.Datatype))
    g.add((partial, RDFS.label, _en("partial date")))
    g.add((partial, SKOS.definition, _en(
        "A date of year, month or day precision: xsd:gYear (2025), xsd:gYearMonth (2025-04) "
        "or xsd:date (2025-04-04). A partial bound covers its whole period.")))
    g.add((partial, OWL.equivalentClass,
           _union(g, [XSD.date, XSD.gYearMonth, XSD.gYear], kind=RDFS.Datatype)))
    g.add((partial, RDFS.isDefinedBy, onto))

    # -- relations and the claim node's structure
    for rname, rel in schema.relations.items():
        prop = URIRef(vocab.relation_props[rname])
        g.add((prop, RDF.type, OWL.ObjectProperty))
        g.add((prop, RDFS.label, _en(rel.label)))
        g.add((prop, SKOS.definition, _en(rel.description or (
            f"'{rel.label}': relates {_either(rel.domain)} to {_either(rel.range)}. Each such "
            "triple is backed by one or more "
            f"rekg:{vocab.claim_classes[rname][len(vocab.term_base):]} nodes with its sources."))))
        g.add((prop, RDFS.domain, _union(g, [URIRef(vocab.classes[t]) for t in rel.domain])))
        g.add((prop, RDFS.range, _union(g, [URIRef(vocab.classes[t]) for t in rel.range])))
        g.add((prop, RDFS.isDefinedBy, onto))
    everything = [URIRef(vocab.classes[t]) for t in schema.entities]
    for local, label, definition, rng in (
        ("subject", "subject", "The entity the claim is about (subject of the plain triple).",
         everything),
        ("predicate", "predicate",
         "The relation the claim states: one of the rekg object properties for relations.",
         RDF.Property),
        ("object", "object", "The entity the claim relates its subject to (object of the plain "
         "triple).", everything),
    ):
        prop = URIRef(vocab.term(local))
        g.add((prop, RDF.type, OWL.ObjectProperty))
        g.add((prop, RDF.type, OWL.FunctionalProperty))
        g.add((prop, RDFS.label, _en(label)))
        g.add((prop, SKOS.definition, _en(definition)))
        g.add((prop, RDFS.domain, claim))
        # a union node of its own per property, so Turtle inlines it (stable output)
        g.add((prop, RDFS.range, _union(g, rng) if isinstance(rng, list) else rng))
        g.add((prop, RDFS.isDefinedBy, onto))

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
        if spec.type == "quantity":
            definition += f" Its unit is given by rekg:{local}Unit."
        if spec.type == "enum" and spec.enum in LITERAL_ENUMS:
            definition += " One of: " + ", ".join(spec.values) + "."
        if spec.type in ("iso2", "iso3"):
            definition += f" The ISO 3166-1 {'alpha-2' if spec.type == 'iso2' else 'alpha-3'} code."
        if spec.type == "qid":
            definition += " The same item is linked with owl:sameAs and schema:sameAs to Wikidata."
        if spec.type == "date":
            definition += " A partial ISO date (xsd:gYear, xsd:gYearMonth or xsd:date)."
        g.add((prop, SKOS.definition, _en(definition)))
        g.add((prop, RDFS.domain, _union(g, owners)))
        if spec.type == "ref":
            rng = _union(g, [URIRef(vocab.classes[t]) for t in spec.range])
        elif first.kind == "object":
            rng = SKOS.Concept
            g.add((prop, RDFS.seeAlso, URIRef(vocab.schemes[str(spec.enum)])))
        elif spec.type == "date":
            rng = partial
        else:
            rng = URIRef(str(first.datatype))
        g.add((prop, RDFS.range, rng))
        if local in _SUBPROPERTY_OF:
            g.add((prop, RDFS.subPropertyOf, _SUBPROPERTY_OF[local]))
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
    return g


def ontology_turtle(vocab: Vocab) -> str:
    """``ontology/rekg.ttl`` as text."""
    return HEADER + build_ontology(vocab).serialize(format="turtle")


def graphs_equal(a: Graph, b: Graph) -> bool:
    """Whether two graphs hold the same triples (blank nodes matched up)."""
    return len(a) == len(b) and isomorphic(a, b)


def generated_files(vocab: Vocab) -> dict[str, str]:
    """File name (under ``ontology/``) → text, for every file generated from the schema."""
    import json

    from kg.rdf.export import jsonld_context
    from kg.rdf.shapes import shapes_turtle

    context = {"@context": jsonld_context(vocab)}
    return {
        "rekg.ttl": ontology_turtle(vocab),
        "shapes.ttl": shapes_turtle(vocab),
        "context.jsonld": json.dumps(context, ensure_ascii=False, indent=2) + "\n",
    }


def drifted(vocab: Vocab, directory: Path = ONTOLOGY_DIR) -> list[str]:
    """Names of generated files that are missing or differ from what the schema gives."""
    out = []
    for name, text in generated_files(vocab).items():
        path = directory / name
        if not path.exists():
            out.append(name)
            continue
        # The files are generated, never edited: any difference from the generated text is
        # drift (an rdflib upgrade that reformats them is fixed by regenerating).
        same = path.read_text(encoding="utf-8") == text
        if not same:
            out.append(name)
    return out


def write_generated(vocab: Vocab, directory: Path = ONTOLOGY_DIR) -> list[Path]:
    """Write every generated file into ``directory``; returns their paths."""
    written = []
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in generated_files(vocab).items():
        path = directory / name
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(path)
        written.append(path)
    return written
