"""RDF export: plain triples plus claim nodes, sorted deterministic N-Triples, round trips,
the dataset description, no repeated statements."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rns

from kg.errors import RekgError
from kg.model import Batch
from kg.rdf.export import (
    export,
    export_to_path,
    write_ntriples,
)
from kg.rdf.namespace import Vocab
from kg.rdf.shapes import build_shapes
from kg.rdf.sorting import write_sorted
from kg.rdf.triples import DATA_LICENSE, dataset_iri
from kg.rdf.validate import validate_graph, validate_store
from kg.store.memory import MemoryStore

OX_FORMATS = {"nt": ox.RdfFormat.N_TRIPLES, "ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}
RDFLIB_FORMATS = {"nt": "nt", "ttl": "turtle", "jsonld": "json-ld"}


CREATED = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _export(store: MemoryStore, fmt: str, vocab: Vocab, **kw: int) -> str:
    buf = io.BytesIO()
    export(store, fmt, buf, vocab, created=CREATED, **kw)
    return buf.getvalue().decode("utf-8")


def _ox_triples(text: str, fmt: str) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(text.encode("utf-8"), format=OX_FORMATS[fmt])}


@pytest.fixture
def nt(rdf_store: MemoryStore, vocab: Vocab) -> str:
    return _export(rdf_store, "nt", vocab)


@pytest.fixture
def graph(nt: str) -> Graph:
    return Graph().parse(data=nt, format="nt")


class TestNTriples:
    def test_sorted_unique_and_newline_terminated(self, nt: str) -> None:
        lines = nt.splitlines(keepends=True)
        assert lines == sorted(set(lines))
        assert all(line.endswith(" .\n") for line in lines)

    def test_byte_identical_across_exports_and_chunk_sizes(self, rdf_store: MemoryStore,
                                                            vocab: Vocab, nt: str) -> None:
        assert _export(rdf_store, "nt", vocab) == nt
        for chunk in (1, 7, 50):  # external merge sort over many spilled chunks
            assert _export(rdf_store, "nt", vocab, chunk_lines=chunk) == nt

    def test_same_graph_loaded_in_another_order_gives_the_same_bytes(
        self, fixture_batch: Batch, vocab: Vocab, nt: str, rdf_store: MemoryStore, tmp_path: Path
    ) -> None:
        reordered = MemoryStore(tmp_path / "other.json")
        claims = list(rdf_store.claims())
        reordered.write(Batch(entities=list(reversed(list(rdf_store.entities()))),
                              claims=list(reversed(claims))))
        assert _export(reordered, "nt", vocab) == nt

    def test_merge_in_rounds_when_there_are_many_chunks(
        self, rdf_store: MemoryStore, vocab: Vocab, nt: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import kg.rdf.sorting as sorting_module

        monkeypatch.setattr(sorting_module, "MAX_FANIN", 2)
        assert _export(rdf_store, "nt", vocab, chunk_lines=3) == nt

    def test_duplicate_lines_are_written_once(self, vocab: Vocab) -> None:
        records = [("<a> ", ["<b> <c> .\n", "<b> <d> .\n"]), ("<a> ", ["<b> <c> .\n"])] * 5
        for chunk in (1, 2, 100):
            out = io.BytesIO()
            assert write_sorted(iter(records), out, chunk_lines=chunk) == 2
            assert out.getvalue() == b"<a> <b> <c> .\n<a> <b> <d> .\n"

    def test_lines_are_the_descriptions_and_the_dataset_description(
        self, rdf_store: MemoryStore, vocab: Vocab, nt: str
    ) -> None:
        from kg.rdf.serializers import nt_records
        from kg.rdf.triples import describe

        lines = {head + rest for head, rests in nt_records(
            describe(rdf_store.entities(), rdf_store.claims(), vocab)) for rest in rests}
        dataset = f"<{dataset_iri(vocab)}"
        assert lines == {line for line in nt.splitlines(keepends=True)
                         if not line.startswith(dataset)}

    def test_second_parser_sees_the_same_triples(self, nt: str, graph: Graph) -> None:
        ox_triples = _ox_triples(nt, "nt")
        assert len(ox_triples) == len(nt.splitlines()) == len(graph)

    def test_count_returned_is_lines_written(self, rdf_store: MemoryStore, vocab: Vocab) -> None:
        buf = io.StringIO()
        count = write_ntriples(rdf_store.entities(), rdf_store.claims(), buf, vocab)
        assert count == len(buf.getvalue().splitlines())

    def test_creation_time_from_source_date_epoch(self, rdf_store: MemoryStore, vocab: Vocab,
                                                 nt: str, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(CREATED.timestamp())))
        buf = io.BytesIO()
        export(rdf_store, "nt", buf, vocab)
        assert buf.getvalue().decode("utf-8") == nt
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
        with pytest.raises(RekgError, match="SOURCE_DATE_EPOCH"):
            export(rdf_store, "nt", io.BytesIO(), vocab)

    def test_bad_chunk_size_is_refused(self, vocab: Vocab) -> None:
        with pytest.raises(RekgError, match="chunk_lines"):
            write_ntriples(iter(()), iter(()), io.StringIO(), vocab, chunk_lines=0)


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # rdflib's parser
class TestOtherFormats:
    def test_parses_to_the_same_triples_in_both_parsers(
        self, rdf_store: MemoryStore, vocab: Vocab, nt: str, graph: Graph, fmt: str
    ) -> None:
        text = _export(rdf_store, fmt, vocab)
        assert _ox_triples(text, fmt) == _ox_triples(nt, "nt")
        other = Graph().parse(data=text, format=RDFLIB_FORMATS[fmt])
        assert set(other) == set(graph)

    def test_no_statement_is_written_twice(self, rdf_store: MemoryStore, vocab: Vocab,
                                           nt: str, fmt: str) -> None:
        """Each triple once in the file: a plain triple stated by two claims too."""
        text = _export(rdf_store, fmt, vocab)
        written = [q.triple for q in ox.parse(text.encode("utf-8"), format=OX_FORMATS[fmt])]
        assert len(written) == len(set(written)) == len(nt.splitlines())


class TestContent:
    def test_entities_are_typed_labelled_aligned_and_sourced(self, graph: Graph, vocab: Vocab) -> None:
        lynas = URIRef(vocab.entity_iri("firm:lynas"))
        assert (lynas, rns.RDF.type, vocab.ns.Firm) in graph
        assert (lynas, rns.RDF.type, rns.SDO.Organization) in graph
        assert (lynas, rns.RDFS.label, Literal("Lynas")) in graph
        assert (lynas, rns.SKOS.altLabel, Literal("Lynas Corp")) in graph
        assert (lynas, rns.PROV.wasDerivedFrom, URIRef(vocab.entity_iri("source:test-lynas"))) in graph
        assert (lynas, vocab.ns.firmKind, URIRef(vocab.concept_iri("firm_kind", "miner"))) in graph

    def test_wikidata_links_and_iso_codes(self, graph: Graph, vocab: Vocab) -> None:
        nd = URIRef(vocab.entity_iri("element:Nd"))
        wd = URIRef("http://www.wikidata.org/entity/Q1388")
        assert (nd, rns.SKOS.exactMatch, wd) in graph and (nd, rns.SDO.sameAs, wd) in graph
        assert not list(graph.triples((None, rns.OWL.sameAs, None)))  # identity is not claimed
        assert (nd, vocab.ns.atomicNumber, Literal(60)) in graph
        cn = URIRef(vocab.entity_iri("country:CN"))
        assert (cn, vocab.ns.iso2, Literal("CN")) in graph
        assert (cn, vocab.ns.iso3, Literal("CHN")) in graph

    def test_each_claim_is_a_plain_triple_and_a_qualified_node(
        self, graph: Graph, vocab: Vocab, rdf_store: MemoryStore
    ) -> None:
        claims = list(rdf_store.claims())
        assert len(set(graph.subjects(rns.RDF.type, URIRef(vocab.claim_class)))) == len(claims)
        for claim in claims:
            node = URIRef(vocab.entity_iri(claim.id))
            s, o = URIRef(vocab.entity_iri(claim.subject)), URIRef(vocab.entity_iri(claim.object))
            pred = URIRef(vocab.relation_props[claim.predicate])
            assert (s, pred, o) in graph
            assert (node, rns.RDF.type, URIRef(vocab.claim_classes[claim.predicate])) in graph
            assert graph.value(node, vocab.ns.subject) == s
            assert graph.value(node, vocab.ns.predicate) == pred
            assert graph.value(node, vocab.ns.object) == o
            assert {str(x) for x in graph.objects(node, rns.PROV.wasDerivedFrom)} == {
                vocab.entity_iri(src) for src in claim.sources}
            assert float(graph.value(node, vocab.ns.confidence).toPython()) == claim.confidence

    def test_quantities_units_and_partial_dates(self, graph: Graph, vocab: Vocab,
                                                rdf_store: MemoryStore) -> None:
        cn = next(c for c in rdf_store.claims(subject="country:CN"))
        node = URIRef(vocab.entity_iri(cn.id))
        assert graph.value(node, vocab.ns.quantity) == Literal("270000.0", datatype=rns.XSD.decimal)
        assert graph.value(node, vocab.ns.quantityUnit) == Literal("t REO")
        assert graph.value(node, vocab.ns.stage) == URIRef(vocab.concept_iri("stage", "mining"))
        owns = next(iter(rdf_store.claims(predicate="OWNS")))
        node = URIRef(vocab.entity_iri(owns.id))
        ns, when = vocab.ns, rns.XSD.dateTime
        assert graph.value(node, ns.validFrom) == Literal("2011-05-01T00:00:00", datatype=when)
        assert graph.value(node, ns.validFromPrecision) == Literal("month")
        assert graph.value(node, ns.validFromLatest) == Literal("2011-05-31T00:00:00", datatype=when)
        assert graph.value(node, ns.validTo) == Literal("2030-06-30T00:00:00", datatype=when)
        assert graph.value(node, ns.validToPrecision) == Literal("day")
        assert graph.value(node, ns.spanStart) == Literal(3)
        mw = URIRef(vocab.entity_iri("facility:mount-weld"))
        assert graph.value(mw, ns.statusDate) == Literal("2011-01-01T00:00:00", datatype=when)
        assert graph.value(mw, ns.statusDatePrecision) == Literal("year")
        assert graph.value(mw, ns.statusDateLatest) == Literal("2011-12-31T00:00:00", datatype=when)

    def test_no_datatype_outside_the_owl2_map(self, graph: Graph) -> None:
        """xsd:date, gYear and gYearMonth are not in the OWL 2 datatype map: none is used."""
        used = {o.datatype for o in graph.objects() if isinstance(o, Literal) and o.datatype}
        assert used <= {rns.XSD.string, rns.XSD.integer, rns.XSD.decimal, rns.XSD.boolean,
                        rns.XSD.anyURI, rns.XSD.dateTime}, used

    def test_dataset_description(self, graph: Graph, vocab: Vocab, rdf_store: MemoryStore,
                                 nt: str) -> None:
        ds = URIRef(dataset_iri(vocab))
        assert (ds, rns.RDF.type, rns.VOID.Dataset) in graph
        assert (ds, rns.RDF.type, rns.DCAT.Dataset) in graph
        assert graph.value(ds, rns.DCTERMS.license) == URIRef(DATA_LICENSE)
        assert graph.value(ds, rns.DCTERMS.title)
        assert graph.value(ds, rns.DCTERMS.created) == Literal("2026-01-02T03:04:05Z",
                                                                datatype=rns.XSD.dateTime)
        assert graph.value(ds, URIRef("http://www.w3.org/ns/dcat#version"))
        assert graph.value(ds, rns.VOID.triples).toPython() == len(nt.splitlines()) == len(graph)
        assert graph.value(ds, rns.VOID.entities).toPython() == len(list(rdf_store.entities()))
        part = graph.value(ds, rns.VOID.classPartition)
        assert graph.value(part, rns.VOID["class"]) == URIRef(vocab.claim_class)
        assert graph.value(part, rns.VOID.entities).toPython() == len(list(rdf_store.claims()))
        sources = {str(s) for s in graph.objects(ds, rns.PROV.wasDerivedFrom)}
        assert sources == {vocab.entity_iri(e.id) for e in rdf_store.entities(type="Source")}

    def test_literals_with_quotes_newlines_and_backslashes_survive(
        self, graph: Graph, vocab: Vocab, rdf_store: MemoryStore
    ) -> None:
        owns = next(iter(rdf_store.claims(predicate="OWNS")))
        node = URIRef(vocab.entity_iri(owns.id))
        assert str(graph.value(node, vocab.ns.note)) == owns.note

    def test_export_conforms_to_the_shapes(self, rdf_store: MemoryStore, vocab: Vocab) -> None:
        report = validate_store(rdf_store, vocab)
        assert report.conforms, [r.to_json() for r in report.results]
        assert report.triples > 100

    def test_a_broken_export_is_reported_with_messages(self, graph: Graph, vocab: Vocab) -> None:
        lynas = URIRef(vocab.entity_iri("firm:lynas"))
        graph.remove((lynas, rns.PROV.wasDerivedFrom, None))
        graph.add((lynas, vocab.ns.website, Literal("lynas.com", datatype=rns.XSD.anyURI)))
        report = validate_graph(graph, build_shapes(vocab), vocab)
        assert not report.conforms
        assert {(r.focus, r.path) for r in report.results} == {
            ("firm:lynas", "prov:wasDerivedFrom"), ("firm:lynas", "rekg:website")}
        data = report.to_json()
        assert data["violations"] == 2 and all(r["message"] for r in data["results"])


class TestWritingFiles:
    def test_export_to_path_writes_whole_file(self, rdf_store: MemoryStore, vocab: Vocab,
                                              nt: str, tmp_path: Path) -> None:
        path = tmp_path / "out" / "graph.nt"
        count = export_to_path(rdf_store, "nt", path, vocab, created=CREATED)
        assert path.read_text(encoding="utf-8") == nt and count == len(nt.splitlines())
        assert [p.name for p in path.parent.iterdir()] == ["graph.nt"]

    @pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
    def test_export_file_honours_the_umask(self, rdf_store: MemoryStore, vocab: Vocab,
                                            tmp_path: Path, mask: int) -> None:
        old = os.umask(mask)
        try:
            path = tmp_path / f"graph-{mask:o}.ttl"
            export_to_path(rdf_store, "ttl", path, vocab)
        finally:
            os.umask(old)
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask

    def test_merged_export_to_a_file_matches(self, rdf_store: MemoryStore, vocab: Vocab,
                                             nt: str, tmp_path: Path) -> None:
        path = tmp_path / "merged.nt"  # small chunks: merged through the file's byte buffer
        export_to_path(rdf_store, "nt", path, vocab, chunk_lines=7, created=CREATED)
        assert path.read_bytes() == nt.encode("utf-8")

    def test_failed_export_leaves_no_file(self, rdf_store: MemoryStore, vocab: Vocab,
                                          tmp_path: Path) -> None:
        path = tmp_path / "graph.xml"
        with pytest.raises(RekgError, match="--format"):
            export_to_path(rdf_store, "xml", path, vocab)
        # only the store's own files (snapshot, its lock and backup) are there
        assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("graph.json")] == []

    def test_export_failing_midway_leaves_no_file(self, rdf_store: MemoryStore, vocab: Vocab,
                                                   tmp_path: Path) -> None:
        class Broken:
            def entities(self):  # noqa: ANN202
                yield from rdf_store.entities()
                raise RekgError("store went away")

            def claims(self):  # noqa: ANN202
                return rdf_store.claims()

        for fmt in ("nt", "ttl", "jsonld"):
            with pytest.raises(RekgError, match="went away"):
                export_to_path(Broken(), fmt, tmp_path / "out" / f"graph.{fmt}", vocab)
        assert list((tmp_path / "out").iterdir()) == []

    def test_jsonld_uses_the_context_terms(self, rdf_store: MemoryStore, vocab: Vocab) -> None:
        data = json.loads(_export(rdf_store, "jsonld", vocab))
        node = next(n for n in data["@graph"] if n["@id"] == "rekgid:element/Nd")
        assert node["@type"] == "Element"
        assert node["atomicNumber"] == "60" and node["exactMatch"] == "wd:Q1388"
        assert node["wasDerivedFrom"] == "rekgid:source/test-usgs"


class TestWriteSorted:
    @settings(max_examples=150, deadline=None)
    @given(
        records=st.lists(st.tuples(
            st.text(alphabet="ab\u00e9\u4e2d:/", max_size=4),
            st.lists(st.text(alphabet="ab\u00e9\u4e2d<> .\"", max_size=6), max_size=6)),
            max_size=12),
        chunk=st.integers(min_value=1, max_value=20),
        fanin=st.integers(min_value=2, max_value=4),
    )
    def test_equals_sorted_set_of_lines(self, records: list[tuple[str, list[str]]], chunk: int,
                                        fanin: int) -> None:
        import kg.rdf.sorting as export_module

        recs = [(f"<{head}> ", [f"{rest} .\n" for rest in rests]) for head, rests in records]
        expected = sorted({head + rest for head, rests in recs for rest in rests})
        original = export_module.MAX_FANIN
        export_module.MAX_FANIN = fanin
        try:
            out = io.BytesIO()
            assert write_sorted(iter(recs), out, chunk_lines=chunk) == len(expected)
        finally:
            export_module.MAX_FANIN = original
        assert out.getvalue().decode("utf-8") == "".join(expected)
