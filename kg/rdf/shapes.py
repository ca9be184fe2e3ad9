"""Generate the SHACL shapes (``ontology/shapes.ttl``) from the schema.

One closed node shape per entity type (its properties, its outgoing relations with
their ranges, a label and sources); one shape for every claim node (subject,
predicate, object, sources, confidence, validity dates); one closed shape per
relation's claim class (domain, range and qualifiers); and one shape per quantity
saying it needs its unit. Every constraint carries an ``sh:message`` that says what
was expected and where to fix it.

The closed shapes ignore the standard superproperties rekg's properties specialise
(``schema:url`` for ``rekg:website`` …), so data closed under RDFS inference with the
ontology (what GraphDB or Stardog users run) conforms as well as the plain export.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import PROV, RDF, RDFS, SDO, SH, SKOS, XSD

from kg.rdf.namespace import SUBPROPERTY_OF, PropertyTerm, Vocab, bind_prefixes

__all__ = ["build_shapes", "shapes_turtle", "shape_names"]

HEADER = (
    "# Generated from ontology/schema.yaml by `rekg ontology`: do not edit by hand.\n"
    "# Every shape has a valid and an invalid example under ontology/examples/.\n"
)

_WD_PATTERN = r"^http://www\.wikidata\.org/entity/Q[1-9][0-9]*$"


class _Builder:
    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.g = Graph()
        bind_prefixes(self.g, vocab)
        self.g.bind("sh", str(SH))
        self.g.bind("rekgsh", vocab.shapes_base)
        for enum in vocab.schemes:
            self.g.bind(enum, vocab.prefixes[enum])

    def shape(self, name: str) -> URIRef:
        return URIRef(self.vocab.shapes_base + name)

    def q(self, iri: str) -> str:
        return self.vocab.qname(iri) or f"<{iri}>"

    def list_(self, items: list) -> BNode:
        head = BNode()
        Collection(self.g, head, items)
        return head

    def node_shape(self, name: str, label: str, comment: str) -> URIRef:
        node = self.shape(name)
        self.g.add((node, RDF.type, SH.NodeShape))
        self.g.add((node, RDFS.label, Literal(label, lang="en")))
        self.g.add((node, RDFS.comment, Literal(comment, lang="en")))
        return node

    def closed(self, node: URIRef, ignored: list[URIRef], message: str) -> None:
        # entailed superproperties (RDFS inference) are not "undeclared" properties
        ignored = ignored + [URIRef(p) for p in sorted(set(SUBPROPERTY_OF.values()))]
        self.g.add((node, SH.closed, Literal(True)))
        self.g.add((node, SH.ignoredProperties, self.list_(ignored)))
        self.g.add((node, SH.message, Literal(message, lang="en")))

    def prop(self, node: URIRef, name: str, path: URIRef, label: str, message: str, *,
             min_count: int = 0, max_count: int | None = None) -> URIRef:
        shape = self.shape(name)
        g = self.g
        g.add((node, SH.property, shape))
        g.add((shape, RDF.type, SH.PropertyShape))
        g.add((shape, SH.path, path))
        g.add((shape, SH.name, Literal(label, lang="en")))
        g.add((shape, SH.message, Literal(message, lang="en")))
        if min_count:
            g.add((shape, SH.minCount, Literal(min_count)))
        if max_count is not None:
            g.add((shape, SH.maxCount, Literal(max_count)))
        return shape

    def classes(self, shape: URIRef, types: tuple[str, ...]) -> None:
        g = self.g
        g.add((shape, SH.nodeKind, SH.IRI))
        iris = [URIRef(self.vocab.classes[t]) for t in types]
        if len(iris) == 1:
            g.add((shape, SH["class"], iris[0]))
            return
        members = []
        for iri in iris:
            member = BNode()
            g.add((member, SH["class"], iri))
            members.append(member)
        g.add((shape, SH["or"], self.list_(members)))

    # -- one schema property ------------------------------------------------------------
    def term(self, node: URIRef, shape_name: str, owner_label: str, term: PropertyTerm) -> None:
        spec = term.spec
        count = _count_phrase(spec.required, spec.list)
        what = self.expectation(term)
        column = spec.name
        message = (f"{owner_label}: {spec.label!r} ({self.q(term.iri)}) {count}, {what}. "
                   f"Fix the {column!r} value in the data file or loader that made it "
                   "(ontology/schema.yaml declares it).")
        shape = self.prop(node, f"{shape_name}-{term.local}", URIRef(term.iri), spec.label, message,
                          min_count=1 if spec.required else 0,
                          max_count=None if spec.list else 1)
        g = self.g
        vtype = spec.value_type
        node_kind = vtype.node(spec)
        if node_kind == "entity":
            self.classes(shape, spec.range)
            return
        if node_kind == "concept":
            g.add((shape, SH.nodeKind, SH.IRI))
            concepts = [URIRef(self.vocab.concept_iri(str(spec.enum), v)) for v in spec.values]
            g.add((shape, SH["in"], self.list_(concepts)))
            return
        g.add((shape, SH.datatype, URIRef(str(term.datatype))))
        rules = vtype.shacl(spec)
        if rules.pattern is not None:
            g.add((shape, SH.pattern, Literal(rules.pattern)))
        if rules.min_inclusive is not None:
            g.add((shape, SH.minInclusive, Literal(rules.min_inclusive, datatype=XSD.decimal)))
        if rules.max_inclusive is not None:
            g.add((shape, SH.maxInclusive, Literal(rules.max_inclusive, datatype=XSD.decimal)))
        if rules.min_length is not None:
            g.add((shape, SH.minLength, Literal(rules.min_length)))
        if rules.one_of:
            g.add((shape, SH["in"], self.list_([Literal(v) for v in rules.one_of])))

    def expectation(self, term: PropertyTerm) -> str:
        """What the SHACL message says the value must be (the value type's words)."""
        spec = term.spec
        return spec.value_type.rdf_expected(spec, term.local, bool(term.companions))


def _with_companions(terms: Iterable[PropertyTerm]) -> list[PropertyTerm]:
    """Each term followed by its companions (a date's precision and last day)."""
    return [t for term in terms for t in (term, *term.companions)]


def _count_phrase(required: bool, many: bool) -> str:
    if required:
        return "needs one or more values" if many else "needs exactly one value"
    return "takes any number of values" if many else "takes at most one value"


def _or(types: tuple[str, ...]) -> str:
    text = types[0] if len(types) == 1 else ", ".join(types[:-1]) + " or " + types[-1]
    return ("an " if text[:1] in "AEIOU" else "a ") + text


def _or_q(types: tuple[str, ...]) -> str:
    return " or ".join(f"rekg:{t}" for t in types)


def shape_names(vocab: Vocab) -> list[str]:
    """Local names of every node shape, in the order they are built."""
    names = list(vocab.schema.entities) + ["Claim"]
    names += [iri[len(vocab.term_base):] for iri in vocab.claim_classes.values()]
    names += [_unit_shape_name(t) for t in _quantity_terms(vocab)]
    return names


def _quantity_terms(vocab: Vocab) -> list[PropertyTerm]:
    found: dict[str, PropertyTerm] = {}
    for term in vocab.all_terms():
        if term.spec.value_type.unit:
            found.setdefault(term.local, term)
    return [found[k] for k in sorted(found)]


def _unit_shape_name(term: PropertyTerm) -> str:
    return term.local[0].upper() + term.local[1:] + "HasUnit"


def build_shapes(vocab: Vocab) -> Graph:
    """The SHACL shapes graph of ``vocab``'s schema."""
    b = _Builder(vocab)
    g = b.g
    schema = vocab.schema

    for name, etype in schema.entities.items():
        node = b.node_shape(name, f"{etype.label} shape",
                            f"What every {name} in the rekg export must look like.")
        g.add((node, SH.targetClass, URIRef(vocab.classes[name])))
        b.closed(node, [RDF.type], (
            f"{name}: this property is not declared for {_or((name,))} in the rekg ontology; "
            "remove it from the data or declare it in ontology/schema.yaml "
            "(the result's path names the property)."))
        label = b.prop(node, f"{name}-label", RDFS.label, "name", (
            f"{name}: needs exactly one rdfs:label, its name as a non-empty plain string "
            "(the 'name' column)."), min_count=1, max_count=1)
        g.add((label, SH.datatype, XSD.string))
        g.add((label, SH.minLength, Literal(1)))
        alt = b.prop(node, f"{name}-altLabel", SKOS.altLabel, "aliases", (
            f"{name}: each skos:altLabel is one alias as a plain string (the 'aliases' "
            "column, '|'-separated)."))
        g.add((alt, SH.datatype, XSD.string))
        derived = b.prop(node, f"{name}-wasDerivedFrom", PROV.wasDerivedFrom, "sources", (
            f"{name}: prov:wasDerivedFrom must point at the sources it rests on, each a "
            "rekg:Source in the graph" + ("" if name == "Source" else
                                         "; at least one is needed (the 'source' column)") + "."),
            min_count=0 if name == "Source" else 1)
        b.classes(derived, ("Source",))
        for term in _with_companions(vocab.entity_terms[name].values()):
            b.term(node, name, name, term)
        if "qid" in etype.properties:
            for pred, plabel in ((SKOS.exactMatch, "skos:exactMatch"), (SDO.sameAs, "schema:sameAs")):
                local = "exactMatch" if pred == SKOS.exactMatch else "schemaSameAs"
                same = b.prop(node, f"{name}-{local}", pred, plabel, (
                    f"{name}: {plabel} takes at most one value, the Wikidata entity IRI "
                    "http://www.wikidata.org/entity/Q… of its 'qid'."), max_count=1)
                g.add((same, SH.nodeKind, SH.IRI))
                g.add((same, SH.pattern, Literal(_WD_PATTERN)))
        for rname, rel in schema.relations.items():
            if name not in rel.domain:
                continue
            shape = b.prop(node, f"{name}-{rel.camel}", URIRef(vocab.relation_props[rname]),
                           rel.label, (
                               f"{name}: rekg:{rel.camel} ({rel.label}) must point at "
                               f"{_or(rel.range)} in the graph; {rname} allows no other "
                               "type as its object (ontology/schema.yaml)."))
            b.classes(shape, rel.range)

    claim_cls = URIRef(vocab.claim_class)
    node = b.node_shape("Claim", "claim shape", "What every qualified claim node must carry.")
    g.add((node, SH.targetClass, claim_cls))
    for local in ("subject", "object"):
        shape = b.prop(node, f"Claim-{local}", URIRef(vocab.term(local)), local, (
            f"Claim: needs exactly one rekg:{local}, the IRI of the entity at that end of the "
            "plain triple."), min_count=1, max_count=1)
        g.add((shape, SH.nodeKind, SH.IRI))
    pred = b.prop(node, "Claim-predicate", URIRef(vocab.predicate), "predicate", (
        "Claim: needs exactly one rekg:predicate, one of the relation properties "
        + ", ".join(f"rekg:{r.camel}" for r in schema.relations.values()) + "."),
        min_count=1, max_count=1)
    g.add((pred, SH["in"], b.list_([URIRef(i) for i in vocab.relation_props.values()])))
    derived = b.prop(node, "Claim-wasDerivedFrom", PROV.wasDerivedFrom, "sources", (
        "Claim: needs at least one prov:wasDerivedFrom pointing at a rekg:Source in the graph "
        "(the 'source' column of the relation file)."), min_count=1)
    b.classes(derived, ("Source",))
    for term in _with_companions(vocab.claim_terms.values()):
        b.term(node, "Claim", "Claim", term)
    conf = b.shape(f"Claim-{vocab.claim_terms['confidence'].local}")
    g.remove((conf, SH.minCount, None))
    g.add((conf, SH.minCount, Literal(1)))
    g.set((conf, SH.message, Literal(
        "Claim: 'confidence' (rekg:confidence) needs exactly one value, a number from 0 to 1 "
        "typed xsd:decimal (0.69, not 69). Fix the 'confidence' column (blank means 1.0).",
        lang="en")))

    generic = [RDF.type, URIRef(vocab.subject), URIRef(vocab.object), PROV.wasDerivedFrom]
    generic += [URIRef(t.iri) for t in _with_companions(vocab.claim_terms.values())]
    for rname, rel in schema.relations.items():
        local = vocab.claim_classes[rname][len(vocab.term_base):]
        node = b.node_shape(local, f"{rel.label} claim shape",
                            f"What a {rname} claim node must carry.")
        g.add((node, SH.targetClass, URIRef(vocab.claim_classes[rname])))
        b.closed(node, generic, (
            f"{local}: this property is not a qualifier of {rname}; its qualifiers are "
            + (", ".join(rel.properties) or "(none)")
            + " (ontology/schema.yaml). Remove it or declare it there."))
        pshape = b.prop(node, f"{local}-predicate", URIRef(vocab.predicate), "predicate", (
            f"{local}: rekg:predicate must be rekg:{rel.camel} (the claim class says {rname})."),
            min_count=1, max_count=1)
        g.add((pshape, SH.hasValue, URIRef(vocab.relation_props[rname])))
        for end, types in (("subject", rel.domain), ("object", rel.range)):
            shape = b.prop(node, f"{local}-{end}", URIRef(vocab.term(end)), end, (
                f"{local}: the {end} of {rname} claims must be {_or(types)} in the graph; "
                f"check the {end!r} column and that the entity is loaded."), min_count=1)
            b.classes(shape, types)
        for term in _with_companions(vocab.relation_terms[rname].values()):
            b.term(node, local, f"{local}", term)

    for term in _quantity_terms(vocab):
        name = _unit_shape_name(term)
        node = b.node_shape(name, f"{term.spec.label} has a unit",
                            f"Whatever carries rekg:{term.local} must say its unit.")
        g.add((node, SH.targetSubjectsOf, URIRef(term.iri)))
        units = vocab.schema.enums["unit"]
        shape = b.prop(node, f"{name}-unit", URIRef(term.iri + "Unit"), f"{term.spec.label} unit", (
            f"rekg:{term.local} needs its unit: exactly one rekg:{term.local}Unit, one of "
            + ", ".join(repr(u) for u in units)
            + f" (the '{term.spec.name}_unit' column)."), min_count=1, max_count=1)
        g.add((shape, SH.datatype, XSD.string))
        g.add((shape, SH["in"], b.list_([Literal(u) for u in units])))
    return g


def shapes_turtle(vocab: Vocab) -> str:
    """``ontology/shapes.ttl`` as text."""
    return HEADER + build_shapes(vocab).serialize(format="turtle")
