"""The OWL ontology: generated from the schema, checked in, loads cleanly, states what it should."""

from __future__ import annotations

import json
import logging
import warnings

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rns

from kg.config import Settings
from kg.errors import SchemaError
from kg.rdf.generated import (
    ONTOLOGY_DIR,
    drifted,
    generated_files,
    graphs_equal,
    write_generated,
)
from kg.rdf.namespace import DEFAULT_BASE_IRI, Vocab, vocab_for
from kg.rdf.ontology import LICENSE_IRI, build_ontology
from kg.schema import load_schema


@pytest.fixture(scope="module")
def onto() -> Graph:
    return build_ontology(vocab_for())


class TestCheckedInFiles:
    def test_checked_in_files_match_the_schema(self) -> None:
        stale = drifted(vocab_for())
        assert not stale, f"{stale} drifted from ontology/schema.yaml: run `rekg ontology`"

    def test_checked_in_ontology_is_the_generated_graph(self, onto: Graph) -> None:
        checked_in = Graph().parse(ONTOLOGY_DIR / "rekg.ttl", format="turtle")
        assert graphs_equal(checked_in, onto)

    def test_a_schema_change_is_detected_as_drift(self, tmp_path) -> None:
        vocab = vocab_for()
        write_generated(vocab, tmp_path)
        assert drifted(vocab, tmp_path) == []
        text = (tmp_path / "rekg.ttl").read_text(encoding="utf-8")
        (tmp_path / "rekg.ttl").write_text(text.replace('"atomic number"@en', '"atomic no."@en'),
                                          encoding="utf-8")
        context = json.loads((tmp_path / "context.jsonld").read_text(encoding="utf-8"))
        del context["@context"]["qid"]
        (tmp_path / "context.jsonld").write_text(json.dumps(context), encoding="utf-8")
        assert drifted(vocab, tmp_path) == ["rekg.ttl", "context.jsonld"]

    def test_generation_is_byte_stable(self) -> None:
        vocab = vocab_for()
        assert generated_files(vocab) == generated_files(vocab)

    def test_ontology_loads_in_rdflib_without_warnings(self, caplog: pytest.LogCaptureFixture) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with caplog.at_level(logging.WARNING):
                graph = Graph().parse(ONTOLOGY_DIR / "rekg.ttl", format="turtle")
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(graph) > 500

    def test_context_file_is_the_export_context(self) -> None:
        from kg.rdf.serializers import jsonld_context

        data = json.loads((ONTOLOGY_DIR / "context.jsonld").read_text(encoding="utf-8"))
        assert data == {"@context": jsonld_context(vocab_for())}


class TestOntologyContent:
    def test_header_has_version_and_licence(self, onto: Graph) -> None:
        iri = URIRef(DEFAULT_BASE_IRI + "ontology")
        assert (iri, rns.RDF.type, rns.OWL.Ontology) in onto
        assert onto.value(iri, rns.OWL.versionInfo) == Literal(load_schema().version)
        assert onto.value(iri, rns.DCTERMS.license) == URIRef(LICENSE_IRI)
        assert onto.value(iri, rns.OWL.versionIRI) == URIRef(f"{iri}/{load_schema().version}")

    @pytest.mark.parametrize("name", list(load_schema().entities))
    def test_every_entity_type_is_a_labelled_defined_class(self, onto: Graph, name: str) -> None:
        cls = URIRef(vocab_for().classes[name])
        assert (cls, rns.RDF.type, rns.OWL.Class) in onto
        assert onto.value(cls, rns.RDFS.label) is not None
        assert onto.value(cls, rns.SKOS.definition) is not None

    @pytest.mark.parametrize(("name", "parent"), [
        ("Firm", rns.SDO.Organization), ("Facility", rns.SDO.Place), ("Region", rns.SDO.Place),
        ("Country", rns.SDO.Country), ("Source", rns.PROV.Entity),
    ])
    def test_alignment_with_standard_vocabularies(self, onto: Graph, name: str, parent: URIRef) -> None:
        assert (URIRef(vocab_for().classes[name]), rns.RDFS.subClassOf, parent) in onto

    def test_claims_are_prov_entities(self, onto: Graph) -> None:
        vocab = vocab_for()
        assert (URIRef(vocab.claim_class), rns.RDFS.subClassOf, rns.PROV.Entity) in onto
        for iri in vocab.claim_classes.values():
            assert (URIRef(iri), rns.RDFS.subClassOf, URIRef(vocab.claim_class)) in onto

    def test_every_property_has_domain_range_label_definition(self, onto: Graph) -> None:
        term_base = vocab_for().term_base
        props = {p for p in set(onto.subjects(rns.RDF.type, rns.OWL.ObjectProperty)) | set(
            onto.subjects(rns.RDF.type, rns.OWL.DatatypeProperty)) if str(p).startswith(term_base)}
        assert len(props) > 60
        for prop in props:
            for pred in (rns.RDFS.domain, rns.RDFS.range, rns.RDFS.label, rns.SKOS.definition):
                assert onto.value(prop, pred) is not None, f"{prop} lacks {pred}"
        assert not set(onto.subjects(rns.RDF.type, rns.OWL.ObjectProperty)) & set(
            onto.subjects(rns.RDF.type, rns.OWL.DatatypeProperty))

    def test_relation_domain_and_range_follow_the_schema(self, onto: Graph) -> None:
        vocab = vocab_for()
        operates = URIRef(vocab.relation_props["OPERATES"])
        assert onto.value(operates, rns.RDFS.domain) == URIRef(vocab.classes["Firm"])
        assert onto.value(operates, rns.RDFS.range) == URIRef(vocab.classes["Facility"])
        produces = URIRef(vocab.relation_props["PRODUCES"])
        union = onto.value(onto.value(produces, rns.RDFS.domain), rns.OWL.unionOf)
        members = list(onto.items(union))
        assert members == [URIRef(vocab.classes[t]) for t in ("Country", "Region", "Firm", "Facility")]

    def test_value_types_map_to_xsd(self, onto: Graph) -> None:
        ns = vocab_for().ns
        assert onto.value(ns.atomicNumber, rns.RDFS.range) == rns.XSD.integer
        assert onto.value(ns.share, rns.RDFS.range) == rns.XSD.decimal
        assert onto.value(ns.website, rns.RDFS.range) == rns.XSD.anyURI
        assert onto.value(ns.published, rns.RDFS.range) == rns.XSD.dateTime
        assert onto.value(ns.publishedLatest, rns.RDFS.range) == rns.XSD.dateTime
        assert onto.value(ns.publishedPrecision, rns.RDFS.range) == rns.XSD.string
        assert onto.value(ns.quantityUnit, rns.RDFS.range) == rns.XSD.string
        assert onto.value(ns.stage, rns.RDFS.range) == rns.SKOS.Concept

    def test_enums_are_skos_concept_schemes(self, onto: Graph) -> None:
        vocab = vocab_for()
        for enum in ("stage", "material_form"):
            scheme = URIRef(vocab.schemes[enum])
            assert (scheme, rns.RDF.type, rns.SKOS.ConceptScheme) in onto
            concepts = set(onto.subjects(rns.SKOS.inScheme, scheme))
            assert {str(c) for c in concepts} == {
                vocab.concept_iri(enum, v) for v in load_schema().enums[enum]}
        assert "unit" not in vocab.schemes  # units stay literals


class TestVocab:
    def test_namespace_is_closed(self) -> None:
        vocab = vocab_for()
        assert str(vocab.ns.Firm) == DEFAULT_BASE_IRI + "ontology#Firm"
        with pytest.raises(AttributeError):
            vocab.ns.Frim  # noqa: B018
        with pytest.raises(SchemaError, match="not a term"):
            vocab.term("atomicNumbr")

    def test_base_iri_comes_from_settings(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("REKG_BASE_IRI", "https://example.org/kg/")
        vocab = Vocab(load_schema(), Settings().base_iri)
        assert vocab.entity_iri("firm:lynas") == "https://example.org/kg/id/firm/lynas"
        assert str(vocab.ns.Firm) == "https://example.org/kg/ontology#Firm"

    def test_bad_base_iri_is_refused(self) -> None:
        with pytest.raises(SchemaError, match="base IRI"):
            Vocab(load_schema(), "w3id.org/rekg")

    def test_property_names_shared_unless_their_types_differ(self) -> None:
        vocab = vocab_for()
        assert vocab.entity_terms["Element"]["qid"].local == "qid"
        assert vocab.entity_terms["Firm"]["qid"].local == "qid"
        assert vocab.entity_terms["Firm"]["kind"].local == "firmKind"
        assert vocab.entity_terms["Source"]["kind"].local == "sourceKind"
        assert vocab.relation_terms["SUPPLIES"]["kind"].local == "suppliesKind"
