"""The RDF commands: ``rekg export``, ``validate``, ``sparql``, ``ontology``.

The RDF libraries (rdflib,
pyshacl, pyoxigraph) are imported inside the commands so ``rekg --help`` stays quick.
"""

from __future__ import annotations

import io
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.common import cli_command, cli_store, console, err, print_json
from kg.errors import RekgError

if TYPE_CHECKING:
    from kg.rdf.namespace import Vocab

__all__ = ["export", "validate", "sparql", "ontology", "ExportFormat", "ResultFormat"]


class ExportFormat(StrEnum):
    ttl = "ttl"
    nt = "nt"
    jsonld = "jsonld"


class ResultFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _vocab(base_iri: str | None = None) -> Vocab:
    from kg.config import Settings
    from kg.rdf.namespace import Vocab
    from kg.schema import load_schema

    return Vocab(load_schema(), base_iri or Settings().base_iri)


def _stdout() -> io.TextIOWrapper:
    return io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)


@cli_command
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="ttl (Turtle), nt (N-Triples, sorted) or jsonld.")] = ExportFormat.ttl,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout). Written whole or not at all.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="With -o: print a JSON summary.")] = False,
) -> None:
    """Export the graph as RDF: entities, plain triples and qualified claim nodes."""
    from kg.rdf.export import export as write_export
    from kg.rdf.export import export_to_path

    vocab = _vocab()
    with cli_store() as store:
        if output is None:
            out = _stdout()
            try:
                write_export(store, format.value, out, vocab)
            finally:
                out.flush()
                out.detach()
            return
        count = export_to_path(store, format.value, output, vocab)
    if json_out:
        print_json({"format": format.value, "path": str(output), "triples": count})
    else:
        err.print(f"wrote {count} triples ({format.value}) to {output}", highlight=False)


@cli_command
def validate(
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Export the graph and validate it against the SHACL shapes (exit 1 if it does not conform)."""
    from rich.table import Table

    from kg.rdf.validate import validate_store

    vocab = _vocab()
    with cli_store() as store:
        report = validate_store(store, vocab)
    if json_out:
        print_json(report.to_json())
    elif report.conforms:
        console.print(f"conforms: {report.triples} triples, no violations of ontology/shapes.ttl")
    else:
        table = Table(title=f"SHACL report: {len(report.results)} violations in {report.triples} triples")
        for col in ("focus", "path", "value", "message"):
            table.add_column(col, overflow="fold")
        for r in report.results:
            table.add_row(r.focus, r.path or "", r.value or "", r.message)
        console.print(table)
    if not report.conforms:
        raise typer.Exit(1)


@cli_command
def sparql(
    query: Annotated[str, typer.Argument(help="A SPARQL query, or a file holding one. rekg prefixes (rekg:, firm:, prov: …) are predeclared.")],
    format: Annotated[ResultFormat, typer.Option("--format", "-f", help="table, json (SPARQL results JSON) or csv.")] = ResultFormat.table,
) -> None:
    """Run a SPARQL query over the RDF export (pyoxigraph, in memory)."""
    from rich.table import Table

    from kg.rdf.sparql import query_store, to_csv, to_json

    path = Path(query)
    if len(query) < 4096 and "\n" not in query and path.is_file():
        try:
            query = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RekgError(f"{path}: cannot read the query ({exc})") from exc
    vocab = _vocab()
    with cli_store() as store:
        result = query_store(store, query, vocab)
    if format is ResultFormat.json:
        sys.stdout.write(to_json(result) + "\n")
        return
    if format is ResultFormat.csv:
        sys.stdout.write(to_csv(result))
        return
    if result.kind == "ask":
        console.print("true" if result.boolean else "false")
        return
    if result.kind == "graph":
        for triple in result.triples:
            sys.stdout.write(f"{triple} .\n")
        return
    table = Table(title=f"{len(result.rows)} results")
    for var in result.variables:
        table.add_column(var, overflow="fold")
    for row in result.rows:
        table.add_row(*[_show(term, vocab) for term in row])
    console.print(table)


def _show(term: object, vocab: Vocab) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return vocab.qname(term.value) or term.value
    return str(getattr(term, "value", term))


@cli_command
def ontology(
    check: Annotated[bool, typer.Option("--check", help="Only check the files match the schema (exit 1 if not).")] = False,
    directory: Annotated[Path | None, typer.Option("--dir", help="Where the files live (default: the repository's ontology/).")] = None,
    base_iri: Annotated[str | None, typer.Option("--base-iri", help="Base IRI (default: REKG_BASE_IRI or https://w3id.org/rekg/).")] = None,
) -> None:
    """Regenerate ontology/rekg.ttl, shapes.ttl and context.jsonld from ontology/schema.yaml."""
    from kg.rdf.generated import ONTOLOGY_DIR, drifted, write_generated

    vocab = _vocab(base_iri)
    target = directory or ONTOLOGY_DIR
    if check:
        stale = drifted(vocab, target)
        if stale:
            err.print(f"out of date with ontology/schema.yaml: {', '.join(stale)}; "
                      "run `rekg ontology` to regenerate", highlight=False)
            raise typer.Exit(1)
        console.print(f"up to date: rekg.ttl, shapes.ttl, context.jsonld in {target}")
        return
    for path in write_generated(vocab, target):
        console.print(f"wrote {path}", highlight=False)
