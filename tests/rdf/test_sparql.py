"""SPARQL over the export (pyoxigraph), and its result formats."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from kg.errors import RekgError
from kg.rdf.namespace import Vocab
from kg.rdf.sparql import load_oxigraph, query_store, run_query, to_csv, to_json
from kg.store.memory import MemoryStore

PRODUCERS = """
SELECT ?name ?qty ?unit WHERE {
  ?claim a rekg:ProducesClaim ; rekg:subject ?who ; rekg:object material:reo ;
         rekg:quantity ?qty ; rekg:quantityUnit ?unit .
  ?who rdfs:label ?name .
} ORDER BY DESC(?qty)
"""


class TestQueries:
    def test_select_with_predeclared_prefixes(self, rdf_store: MemoryStore, vocab: Vocab) -> None:
        result = query_store(rdf_store, PRODUCERS, vocab)
        assert result.kind == "select" and result.variables == ["name", "qty", "unit"]
        assert [(r[0].value, r[2].value) for r in result.rows] == [
            ("China", "t REO"), ("Australia", "t REO")]

    def test_ask_and_construct(self, rdf_store: MemoryStore, vocab: Vocab) -> None:
        target = load_oxigraph(rdf_store, vocab)
        ask = run_query(target, "ASK { firm:lynas rekg:operates facility:mount-weld }", vocab)
        assert ask.kind == "ask" and ask.boolean is True
        graph = run_query(target, "CONSTRUCT { ?f rekg:operatedBy ?o } WHERE { ?o rekg:operates ?f }",
                          vocab)
        assert graph.kind == "graph" and len(graph.triples) == 2

    def test_all_triples_loaded(self, rdf_store: MemoryStore, vocab: Vocab) -> None:
        from kg.rdf.export import export

        buf = io.StringIO()
        count = export(rdf_store, "nt", buf, vocab)
        assert len(load_oxigraph(rdf_store, vocab)) == count

    def test_syntax_error_is_a_rekg_error(self, rdf_store: MemoryStore, vocab: Vocab) -> None:
        with pytest.raises(RekgError, match="SPARQL query"):
            query_store(rdf_store, "SELECT ?x WHERE { ?x a }", vocab)


class TestFormats:
    def test_json_is_sparql_results_json(self, rdf_store: MemoryStore, vocab: Vocab) -> None:
        data = json.loads(to_json(query_store(rdf_store, PRODUCERS, vocab)))
        assert data["head"]["vars"] == ["name", "qty", "unit"]
        first = data["results"]["bindings"][0]
        assert first["name"] == {"type": "literal", "value": "China"}
        assert first["qty"]["datatype"].endswith("#decimal")

    def test_csv(self, rdf_store: MemoryStore, vocab: Vocab) -> None:
        rows = list(csv.reader(io.StringIO(to_csv(query_store(rdf_store, PRODUCERS, vocab)))))
        assert rows[0] == ["name", "qty", "unit"] and rows[1][0] == "China"

    def test_ask_json(self, rdf_store: MemoryStore, vocab: Vocab) -> None:
        result = query_store(rdf_store, "ASK { ?s rekg:feeds ?o }", vocab)
        assert json.loads(to_json(result)) == {"head": {}, "boolean": True}


DOCS = Path(__file__).resolve().parents[2] / "docs" / "rdf.md"


def _doc_queries() -> list[str]:
    return re.findall(r"```sparql\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)


def _doc_query(start: str) -> str:
    """The docs' query whose text (after SELECT) starts with ``start``."""
    found = [q for q in _doc_queries() if start in q.splitlines()[0]]
    assert len(found) == 1, start
    return found[0]


def test_docs_have_five_example_queries() -> None:
    assert len(_doc_queries()) == 5


# the policy recipe needs policies, which the small fixture graph has none of: it runs on the
# bundled data below
@pytest.mark.parametrize("index", [i for i, q in enumerate(_doc_queries()) if "rekg:Policy" not in q])
def test_doc_query_runs_and_finds_rows(rdf_store: MemoryStore, vocab: Vocab, index: int) -> None:
    result = query_store(rdf_store, _doc_queries()[index], vocab)
    assert result.kind == "select" and result.rows, _doc_queries()[index]


AS_OF = '"2025-04-04T00:00:00"^^xsd:dateTime'


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> MemoryStore:
    from tests.conftest import bundled_batch

    store = MemoryStore(tmp_path_factory.mktemp("bundled") / "graph.json")
    store.write(bundled_batch(articles=True))
    return store


@pytest.mark.parametrize("day", ["2023-12-01", "2025-04-04", "2025-11-10"])
def test_as_of_recipe_gives_the_policies_of_rekg_policies(bundled_store: MemoryStore,
                                                         vocab: Vocab, day: str) -> None:
    """docs/rdf.md's as-of recipe over the export == `rekg policies --as-of DAY --json`."""
    from kg.rdf.sparql import load_oxigraph
    from kg.service import policies_result

    query = _doc_query("?policy ?name ?status")
    assert AS_OF in query
    target = load_oxigraph(bundled_store, vocab)
    result = run_query(target, query.replace(AS_OF, f'"{day}T00:00:00"^^xsd:dateTime'), vocab)
    prefix = vocab.id_base + "policy/"
    got = {(row[0].value.replace(prefix, "policy:"), row[2].value) for row in result.rows}
    expected = {(p["id"], p["status"]) for p in policies_result(bundled_store, as_of=day)["policies"]}
    assert got == expected
    assert len({status for _, status in expected}) >= 2  # the dates tell policies apart
    # partial dates (a year, a month) take part: the old gYear literals were dropped
    partial = [p for p in policies_result(bundled_store, as_of=day)["policies"]
               if any(len(v) < 10 for v in p["dates"].values())]
    assert partial and all((p["id"], p["status"]) in got for p in partial)


def test_claims_as_of_recipe_agrees_with_the_store(bundled_store: MemoryStore, vocab: Vocab) -> None:
    from kg.rdf.sparql import load_oxigraph

    query = _doc_query("?claim ?subject ?predicate ?object")
    target = load_oxigraph(bundled_store, vocab)
    for day in ("2019-06-01", "2025-04-04"):
        result = run_query(target, query.replace(AS_OF, f'"{day}T00:00:00"^^xsd:dateTime'), vocab)
        got = {row[0].value.replace(vocab.id_base + "claim/", "claim:") for row in result.rows}
        assert got == {c.id for c in bundled_store.claims(as_of=day)}
