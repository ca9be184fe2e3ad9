"""Tools rekg did not write accept the ontology and the export of the bundled data:
HermiT (OWL 2 DL consistency, no unsatisfiable class), an OWL 2 RL closure (owlrl) with
no member of owl:Nothing, and pySHACL with and without RDFS inference."""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rns

from kg.model import Batch
from kg.rdf.export import write_ntriples
from kg.rdf.generated import ONTOLOGY_DIR
from kg.rdf.namespace import WD, vocab_for
from kg.rdf.reasoning import HermitReport, hermit_check, owlrl_closure
from kg.rdf.validate import validate_graph
from kg.store.memory import MemoryStore
from tests.conftest import bundled_batch


def _export(batch: Batch, tmp_path: Path) -> Graph:
    store = MemoryStore(tmp_path / "graph.json")
    store.write(batch)
    buf = io.BytesIO()
    write_ntriples(store.entities(), store.claims(), buf, vocab_for(),
                   created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    return Graph().parse(data=buf.getvalue().decode("utf-8"), format="nt")


def _about_wikidata(closure: Graph) -> set[tuple]:
    """Statements about Wikidata IRIs beyond what OWL RL says of every resource (that it is
    an owl:Thing and owl:sameAs itself)."""
    trivial = {rns.OWL.Thing}
    return {(s, p, o) for s, p, o in closure if str(s).startswith(WD)
            and not (p == rns.OWL.sameAs and o == s)
            and not (p == rns.RDF.type and o in trivial)}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "rekg.ttl", format="turtle")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """The export of the bundled data (datasets and articles, as `rekg build` loads them)."""
    return _export(bundled_batch(articles=True), tmp_path_factory.mktemp("bundled"))


@pytest.fixture(scope="module")
def reasoned(ontology: Graph, bundled: Graph) -> tuple[HermitReport, Graph, object]:
    """HermiT (a Java process) and the owlrl closure (Python) run side by side."""
    found: dict[str, object] = {}

    def run_hermit() -> None:
        try:
            found["hermit"] = hermit_check(ontology, bundled)
        except Exception as exc:  # noqa: BLE001 - re-raised in the test thread below
            found["error"] = exc

    thread = threading.Thread(target=run_hermit)
    thread.start()
    closure, report = owlrl_closure(ontology, bundled)
    thread.join()
    if "error" in found:
        raise found["error"]  # type: ignore[misc]
    return found["hermit"], closure, report  # type: ignore[return-value]


@pytest.mark.slow
class TestBundledData:
    def test_hermit_finds_ontology_and_data_consistent(self, reasoned) -> None:  # noqa: ANN001
        hermit, _, _ = reasoned
        assert hermit.consistent, hermit.message
        assert hermit.unsatisfiable == []

    def test_owl_rl_closure_has_no_nothing_and_no_inconsistency(self, reasoned,  # noqa: ANN001
                                                                bundled: Graph) -> None:
        _, closure, report = reasoned
        assert report.nothing == [] and report.errors == []
        assert report.triples_after > report.triples_before  # it did infer something
        # Wikidata items are linked, not identified: nothing is copied onto them.
        assert _about_wikidata(closure) == set()

    @pytest.mark.parametrize("inference", ["none", "rdfs"])
    def test_shapes_hold_with_and_without_rdfs_inference(
        self, bundled: Graph, ontology: Graph, inference: str
    ) -> None:
        shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
        report = validate_graph(bundled, shapes, vocab_for(), inference=inference,  # type: ignore[arg-type]
                                ontology=ontology)
        assert report.conforms, [r.to_json() for r in report.results[:5]]


class TestTheChecksCanFail:
    """Small graphs on which each tool must object, so a pass above means something."""

    def test_hermit_finds_an_entity_of_two_disjoint_types_inconsistent(
        self, ontology: Graph, fixture_batch: Batch, tmp_path: Path
    ) -> None:
        data = _export(fixture_batch, tmp_path)
        vocab = vocab_for()
        data.add((URIRef(vocab.entity_iri("firm:lynas")), rns.RDF.type, URIRef(vocab.classes["Facility"])))
        report = hermit_check(ontology, data)
        assert not report.consistent

    def test_hermit_refuses_datatypes_outside_the_owl2_map(
        self, ontology: Graph, fixture_batch: Batch, tmp_path: Path
    ) -> None:
        data = _export(fixture_batch, tmp_path)
        vocab = vocab_for()
        data.add((URIRef(vocab.entity_iri("firm:lynas")), URIRef(vocab.term("note")),
                  Literal("2025", datatype=rns.XSD.gYear)))
        with pytest.raises(Exception, match="datatype"):
            hermit_check(ontology, data)

    def test_owl_rl_puts_a_two_typed_entity_in_nothing_or_reports_it(
        self, ontology: Graph, fixture_batch: Batch, tmp_path: Path
    ) -> None:
        data = _export(fixture_batch, tmp_path)
        vocab = vocab_for()
        lynas = URIRef(vocab.entity_iri("firm:lynas"))
        data.add((lynas, rns.RDF.type, URIRef(vocab.classes["Facility"])))
        _, report = owlrl_closure(ontology, data)
        assert report.errors or report.nothing

    def test_owl_sameas_would_have_copied_statements_onto_wikidata(
        self, ontology: Graph, fixture_batch: Batch, tmp_path: Path
    ) -> None:
        """Why the export uses skos:exactMatch: the old owl:sameAs link makes OWL RL
        restate rekg's statements about the entity on the Wikidata IRI."""
        data = _export(fixture_batch, tmp_path)
        nd = URIRef(vocab_for().entity_iri("element:Nd"))
        data.add((nd, rns.OWL.sameAs, URIRef(WD + "Q1388")))
        closure, _ = owlrl_closure(ontology, data)
        copied = _about_wikidata(closure)
        assert len(copied) > 5 and all(s == URIRef(WD + "Q1388") for s, _, _ in copied)


def test_owl_rl_infers_nothing_about_wikidata_on_the_fixture_graph(
    ontology: Graph, fixture_batch: Batch, tmp_path: Path
) -> None:
    """The same check as on the bundled data, on the small graph (fast, every run)."""
    data = _export(fixture_batch, tmp_path)
    assert any(str(o).startswith(WD) for o in data.objects())
    closure, report = owlrl_closure(ontology, data)
    assert report.nothing == [] and report.errors == []
    assert _about_wikidata(closure) == set()
