"""Value types are objects in one registry: a new one flows to cleaning, RDF, OWL and SHACL.

The test registers a throw-away value type (an sRGB colour stored as ``xsd:hexBinary``),
declares a property of that type in a copy of the real schema, and follows one value from
raw text to a cleaned record, to RDF literals, to the ontology's range and to a SHACL
shape that a conforming and a non-conforming graph are checked against with pySHACL.
No other module is edited for it: that is the point of the registry.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SH, SKOS, XSD

from kg.errors import CleanError, SchemaError
from kg.model import Entity, clean_properties
from kg.rdf.namespace import Lit, Vocab
from kg.rdf.ontology import build_ontology
from kg.rdf.shapes import build_shapes
from kg.rdf.triples import describe_entity
from kg.rdf.validate import validate_graph
from kg.schema import SCHEMA_PATH, Schema, _parse
from kg.valuetypes import VALUE_TYPES, Shacl, Spec, ValueType, clean_value, registered

BASE = "https://example.org/rekg/"
HEX = str(XSD.hexBinary)


class Colour(ValueType):
    """'#ff8800', 'FF8800' → 'FF8800': three bytes, six hex digits."""

    name = "colour"
    expected = "an sRGB colour as six hex digits such as #FF8800"
    xsd = HEX
    rdf_text = "an sRGB colour as six hex digits typed xsd:hexBinary (FF8800)"

    def clean(self, spec: Spec, raw: Any, field: str) -> Any:
        text = str(raw).strip().removeprefix("#").upper()
        if len(text) != 6 or any(c not in "0123456789ABCDEF" for c in text):
            raise CleanError(field, raw, self.expected)
        return text

    rules = Shacl(pattern="^[0-9A-Fa-f]{6}$")  # rdflib may lower-case hexBinary
    note = " An sRGB colour."


def _raw_schema() -> dict[str, Any]:
    raw = copy.deepcopy(yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8")))
    raw["entities"]["Firm"]["properties"]["brand_colour"] = {
        "type": "colour", "label": "brand colour", "description": "The firm's logo colour."}
    return raw


@pytest.fixture()
def schema() -> Iterator[Schema]:
    with registered(Colour()):
        yield _parse(_raw_schema())
    assert "colour" not in VALUE_TYPES


def test_unregistered_type_is_refused() -> None:
    with pytest.raises(SchemaError, match="unknown value type 'colour'; expected one of string"):
        _parse(_raw_schema())


def test_a_name_registers_once() -> None:
    with registered(Colour()), pytest.raises(ValueError, match="already registered"):
        with registered(Colour()):
            pass


def test_cleaning(schema: Schema) -> None:
    spec = schema.entity("Firm").properties["brand_colour"]
    assert spec.value_type is VALUE_TYPES["colour"]
    assert clean_value(spec, " #ff8800 ") == "FF8800"
    assert clean_properties(schema.entity("Firm").properties,
                            {"brand_colour": "#00aa11"}, "Firm") == {"brand_colour": "00AA11"}
    with pytest.raises(CleanError, match="brand_colour.*six hex digits such as #FF8800"):
        clean_value(spec, "orange")


def test_rdf_literal_ontology_and_shape(schema: Schema) -> None:
    vocab = Vocab(schema, BASE)
    term = vocab.entity_terms["Firm"]["brand_colour"]
    assert (term.local, term.kind, term.datatype) == ("brandColour", "datatype", HEX)
    assert vocab.converter(term)("FF8800") == Lit("FF8800", HEX)

    onto = build_ontology(vocab)
    prop = URIRef(term.iri)
    assert onto.value(prop, RDFS.range) == XSD.hexBinary
    assert str(onto.value(prop, SKOS.definition)) == "The firm's logo colour. An sRGB colour."

    shapes = build_shapes(vocab)
    shape = URIRef(vocab.shapes_base + "Firm-brandColour")
    assert shapes.value(shape, SH.datatype) == XSD.hexBinary
    assert shapes.value(shape, SH.pattern) == Literal("^[0-9A-Fa-f]{6}$")
    assert Colour.rdf_text in str(shapes.value(shape, SH.message))


def test_shacl_checks_the_new_type(schema: Schema) -> None:
    vocab = Vocab(schema, BASE)
    shapes = build_shapes(vocab)
    source = Entity.model_construct(
        id="source:s", type="Source", name="A source", aliases=[], sources=[],
        properties={"url": "https://example.org/s", "title": "A source", "published": "2025",
                    "kind": "dataset"})
    firm = Entity.model_construct(  # built without the process-wide schema, which lacks colour
        id="firm:f", type="Firm", name="A firm", aliases=[], sources=["source:s"],
        properties={"brand_colour": "FF8800"})

    def graph(*entities: Entity) -> Graph:
        g = Graph()
        for entity in entities:
            subject, pairs = describe_entity(entity, vocab)
            for pred, obj in pairs:
                o = Literal(obj.lexical, datatype=obj.datatype) if isinstance(obj, Lit) else URIRef(obj)
                g.add((URIRef(subject), URIRef(pred), o))
        return g

    good = validate_graph(graph(source, firm), shapes, vocab)
    assert good.conforms, [r.message for r in good.results]
    # two bytes: a valid xsd:hexBinary, but not a colour
    bad_firm = firm.model_copy(update={"properties": {"brand_colour": "FF88"}})
    bad = validate_graph(graph(source, bad_firm), shapes, vocab)
    assert not bad.conforms
    assert {r.path for r in bad.results} == {"rekg:brandColour"}
