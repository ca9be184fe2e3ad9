"""SHACL shapes: every constraint speaks to a person, every shape has a valid and an invalid example."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from kg.rdf.generated import ONTOLOGY_DIR
from kg.rdf.namespace import vocab_for
from kg.rdf.shapes import build_shapes, shape_names
from kg.rdf.validate import validate_graph

EXAMPLES = ONTOLOGY_DIR / "examples"
SHAPES = shape_names(vocab_for())


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


def _family(result_shape: str, shape: str) -> bool:
    return result_shape == f"rekgsh:{shape}" or result_shape.startswith(f"rekgsh:{shape}-")


class TestShapesGraph:
    def test_every_node_shape_is_listed(self, shapes: Graph) -> None:
        base = vocab_for().shapes_base
        found = {str(s)[len(base):] for s in shapes.subjects(RDF.type, SH.NodeShape)}
        assert found == set(SHAPES)

    def test_every_constraint_has_a_message(self, shapes: Graph) -> None:
        for prop in shapes.subjects(RDF.type, SH.PropertyShape):
            assert shapes.value(prop, SH.message), f"{prop} has no sh:message"
        for node in shapes.subjects(SH.closed, None):
            assert shapes.value(node, SH.message), f"{node} has no sh:message"

    def test_every_entity_type_and_relation_has_a_shape(self) -> None:
        vocab = vocab_for()
        names = set(SHAPES)
        assert set(vocab.schema.entities) <= names
        assert {iri[len(vocab.term_base):] for iri in vocab.claim_classes.values()} <= names
        assert "Claim" in names

    def test_checked_in_shapes_are_the_generated_ones(self) -> None:
        from kg.rdf.shapes import shapes_turtle

        text = (ONTOLOGY_DIR / "shapes.ttl").read_text(encoding="utf-8")
        assert text == shapes_turtle(vocab_for()), "shapes.ttl drifted: run `rekg ontology`"

    def test_generated_shapes_parse_back_to_the_same_triple_count(self, shapes: Graph) -> None:
        assert len(shapes) == len(build_shapes(vocab_for()))

    def test_no_example_without_a_shape(self) -> None:
        expected = {f"{s}-{k}.ttl" for s in SHAPES for k in ("valid", "invalid")}
        assert {p.name for p in EXAMPLES.glob("*.ttl")} == expected


@pytest.mark.parametrize("shape", SHAPES)
def test_valid_example_conforms(shape: str, shapes: Graph) -> None:
    path = EXAMPLES / f"{shape}-valid.ttl"
    report = validate_graph(Graph().parse(path, format="turtle"), shapes, vocab_for())
    assert report.conforms, [r.message for r in report.results]


@pytest.mark.parametrize("shape", SHAPES)
def test_invalid_example_is_caught_by_its_shape(shape: str, shapes: Graph) -> None:
    path: Path = EXAMPLES / f"{shape}-invalid.ttl"
    report = validate_graph(Graph().parse(path, format="turtle"), shapes, vocab_for())
    assert not report.conforms
    own = [r for r in report.results if _family(r.shape, shape)]
    assert own, f"{path.name}: no violation from rekgsh:{shape}: {[r.shape for r in report.results]}"
    for result in own:
        assert len(result.message) > 30, result.message
