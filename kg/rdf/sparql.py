"""SPARQL over the RDF export, with pyoxigraph.

The store is exported as N-Triples into an in-memory Oxigraph store, and the query
runs there with the rekg prefixes predeclared (``rekg:``, ``firm:``, ``prov:`` …).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from kg.errors import RekgError
from kg.rdf.export import write_ntriples
from kg.rdf.namespace import Vocab
from kg.store.base import Store

__all__ = ["QueryResult", "load_oxigraph", "run_query", "query_store", "to_json", "to_csv"]


@dataclass
class QueryResult:
    """What a query gave: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    kind: Literal["select", "ask", "graph"]
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # pyoxigraph terms or None
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)


def load_oxigraph(store: Store, vocab: Vocab) -> ox.Store:
    """An in-memory Oxigraph store holding the export of ``store``."""
    target = ox.Store()
    with tempfile.TemporaryDirectory(prefix="rekg-sparql-") as tmp:
        path = Path(tmp) / "export.nt"
        with path.open("wb") as fh:
            write_ntriples(store.entities(), store.claims(), fh, vocab)
        target.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return target


def run_query(target: ox.Store, query: str, vocab: Vocab) -> QueryResult:
    """Run ``query`` with the rekg prefixes predeclared."""
    try:
        result = target.query(query, prefixes=dict(vocab.prefixes))
    except SyntaxError as exc:
        raise RekgError(f"SPARQL query: {exc}") from None
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = [[solution[v] for v in variables] for solution in result]
        return QueryResult("select", variables=variables, rows=rows)
    return QueryResult("graph", triples=list(result))


def query_store(store: Store, query: str, vocab: Vocab) -> QueryResult:
    """Export ``store`` and run ``query`` over the export."""
    return run_query(load_oxigraph(store, vocab), query, vocab)


def _json_term(term: Any) -> dict[str, str] | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON (graph results: a list of N-Triples lines)."""
    if result.kind == "ask":
        data: dict[str, Any] = {"head": {}, "boolean": result.boolean}
    elif result.kind == "select":
        bindings = []
        for row in result.rows:
            bindings.append({v: _json_term(t) for v, t in zip(result.variables, row, strict=True)
                             if t is not None})
        data = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    else:
        data = {"triples": [str(t) + " ." for t in result.triples]}
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV (plain values; ASK gives one 'boolean' column)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    elif result.kind == "select":
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow(["" if t is None else t.value for t in row])
    else:
        writer.writerow(["subject", "predicate", "object"])
        for t in result.triples:
            writer.writerow([getattr(term, "value", str(term))
                             for term in (t.subject, t.predicate, t.object)])
    return buf.getvalue()
