"""The graph commands: ``build``, ``load``, ``stats``, ``search``, ``show``, ``query``, ``serve``.

The CLI is the composition root: with the API it is the only caller of the loaders
(:mod:`loaders.pipeline`), imported inside the commands so ``rekg --help`` stays quick.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.cli.common import (
    CsvOpt,
    JsonOpt,
    cli_command,
    cli_store,
    console,
    err,
    print_json,
    print_table,
)
from kg.config import Settings
from kg.errors import RekgError
from kg.store import open_store

__all__ = ["build", "load", "stats", "search", "show", "query", "serve"]


@contextmanager
def _progress(label: str) -> Iterator[Any]:
    """A transient progress line on a terminal; yields the per-file callback of the pipeline."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err,
                  transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task(label, total=None)

        def on_file(path: Path) -> None:
            progress.update(task, description=f"{label} {path.name}", advance=1)

        yield on_file


def _print_skipped(skipped: list[dict[str, str]]) -> None:
    for item in skipped:
        err.print(f"skipped {item['where']}: {item['reason']}", highlight=False)


@cli_command
def build(
    data_dir: Annotated[Path | None, typer.Option(help="Data directory (default: the bundled data/).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Load everything under data/ (datasets, then articles/) into a fresh graph, replacing the current one."""
    import loaders

    settings = Settings()
    root = data_dir or settings.data_dir
    with open_store(settings) as st, _progress("reading") as on_file:
        result = loaders.build(st, root, on_file=on_file)
        result_stats = st.stats()
        kind = st.kind
    _print_skipped(result.skipped)
    if json_out:
        print_json(result_stats.to_json() | {"files": len(result.files), "articles": len(result.articles),
                                             "skipped": result.skipped, "store": kind})
        return
    _stats_table(result_stats, f"rekg build: {len(result.files)} dataset files and "
                               f"{len(result.articles)} article files from {root} → {kind} store")


@cli_command
def load(
    files: Annotated[list[Path], typer.Argument(help="Dataset files (CSV, sources YAML) or articles "
                                                     "(.txt .md .html .xml .rss .atom .jsonl).")],
    replace: Annotated[bool, typer.Option("--replace", help="Let these files redefine entities and "
                                                          "sources the graph holds with other content "
                                                          "(each one is reported).")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Add files to the graph. The dataset files load together in one transaction (all or
    none), then each article; an entity the graph holds with other content is refused
    unless --replace."""
    import loaders

    with cli_store() as st, _progress("reading") as on_file:
        result = loaders.ingest(st, files, replace=replace, on_file=on_file)
        result_stats = st.stats()
    _print_skipped(result.skipped)
    for rid in result.replaced:
        err.print(f"replaced {rid} (it was defined with other content)", highlight=False)
    if json_out:
        print_json({"loaded": [w.to_json() for w in result.written], "skipped": result.skipped,
                    "replaced": result.replaced, "stats": result_stats.to_json()})
        return
    for w in result.written:
        console.print(f"loaded {w.file}: {w.entities} entities, {w.claims} claims")


def _stats_table(result: Any, title: str) -> None:
    table = Table(title=title)
    table.add_column("kind")
    table.add_column("type")
    table.add_column("count", justify="right")
    for name, count in sorted(result.entities.items()):
        table.add_row("entity", name, str(count))
    for name, count in sorted(result.relations.items()):
        table.add_row("relation", name, str(count))
    console.print(table)
    console.print(f"claims: {result.claims}, with a source: {result.claims_with_source}")


@cli_command
def stats(
    json_out: JsonOpt = False,
    stale: Annotated[int | None, typer.Option(
        "--stale", min=0, metavar="DAYS",
        help="List facility, firm and policy rows due for a re-check: never checked, checked over DAYS days "
             "ago, or whose newest evidence (status date, source publication dates) is over DAYS days old.")] = None,
    today: Annotated[str | None, typer.Option(
        "--today", metavar="YYYY-MM-DD", help="Judge freshness as of this date (default: the current date).")] = None,
    coverage: Annotated[bool, typer.Option(
        "--coverage", help="How many facility, firm, material and policy rows carry a Wikidata id, coordinates "
                           "(facilities) and sources from two or more publishers.")] = False,
) -> None:
    """Counts of entities by type, relations by predicate, and claims with sources; with --stale, a freshness
    report; with --coverage, the enrichment coverage."""
    if coverage:
        _coverage_report(json_out)
        return
    if stale is not None:
        _stale_report(stale, today, json_out)
        return
    with cli_store() as st:
        result = st.stats()
        kind = st.kind
    if json_out:
        print_json(result.to_json())
    else:
        _stats_table(result, f"rekg graph ({kind} store)")


def _stale_report(days: int, today: str | None, json_out: bool) -> None:
    import datetime as dt

    from kg.errors import CleanError
    from kg.freshness import freshness_report

    day = None
    if today is not None:
        try:
            day = dt.date.fromisoformat(today)
        except ValueError:
            raise CleanError("--today", today, "a date YYYY-MM-DD") from None
    with cli_store() as st:
        report = freshness_report(st, days, day)
    if json_out:
        print_json(report)
        return
    table = Table(title=f"rows due for a re-check: stale for {days} days as of {report['today']}")
    for column in ("id", "type", "checked", "newest evidence", "age (days)", "why"):
        table.add_column(column, justify="right" if column == "age (days)" else "left",
                         no_wrap=column != "why")
    for row in report["stale_rows"]:
        age = row["evidence_age_days"]
        table.add_row(row["id"], row["type"], row["checked"] or "-", row["evidence"] or "-",
                      "-" if age is None else str(age), "; ".join(row["reasons"]))
    console.print(table)
    counts = ", ".join(f"{t}: {report['stale'][t]} of {report['rows'][t]}" for t in report["rows"])
    console.print(f"stale {counts}; never checked: {report['never_checked']}")


def _coverage_report(json_out: bool) -> None:
    from kg.freshness import coverage_report

    with cli_store() as st:
        report = coverage_report(st)
    if json_out:
        print_json(report)
        return
    print_table("coverage: Wikidata ids, coordinates, sources from two or more publishers",
                ("type", "rows", "qid", "coordinates", "second source"),
                [(t, c["rows"], c["qid"], c.get("coordinates", "-"), c["second_source"]) for t, c in report.items()],
                right=("rows", "qid", "coordinates", "second source"))


@cli_command
def search(
    query: Annotated[str, typer.Argument(help="A name, alias, symbol or code.")],
    type: Annotated[str | None, typer.Option("--type", "-t", help="Only this entity type.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    json_out: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """Find entities by name or alias (case- and accent-insensitive)."""
    if type is not None:
        from kg.schema import load_schema

        type = load_schema().entity(type.capitalize() if type.islower() else type).name
    with cli_store() as st:
        hits = st.search(query, type=type, limit=limit)
    if json_out:
        print_json({"results": [h.to_json() for h in hits]})
        return
    print_table(f"search {query!r}", ("name", "id", "type", "score"),
                [(hit.name, hit.id, hit.type, hit.score if csv_out else f"{hit.score:.2f}") for hit in hits],
                csv_out=csv_out, right=("score",))


@cli_command
def show(
    entity: Annotated[str, typer.Argument(help="An id (firm:lynas) or an unambiguous name.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only relations that hold on this date.")] = None,
    json_out: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """An entity, its properties and its relations with their sources (--csv: the relations)."""
    from kg.types import clean_date

    if as_of:
        as_of = clean_date(as_of, "--as-of")
    with cli_store() as st:
        data = st.show(st.resolve(entity), as_of=as_of)
    if json_out:
        print_json(data)
        return
    def props(rel: dict[str, Any]) -> str:
        return ", ".join(f"{k}={v}" for k, v in rel["properties"].items() if k not in {"quote", "note"})

    if csv_out:
        print_table("", ("predicate", "direction", "other", "other_id", "properties", "sources"),
                    [(r["predicate"], r["direction"], r["other"]["name"], r["other"]["id"], props(r),
                      " ".join(r["sources"])) for r in data["relations"]], csv_out=True)
        return
    console.print(f"[bold]{data['name']}[/]  {data['id']}  ({data['type']})")
    if data["aliases"]:
        console.print("aliases: " + "; ".join(data["aliases"]))
    for key, value in data["properties"].items():
        console.print(f"  {key}: {value}")
    console.print("sources: " + ", ".join(data["sources"]))
    print_table("relations", ("predicate", "dir", "other", "properties", "sources"),
                [(r["predicate"], r["direction"], f"{r['other']['name']} ({r['other']['id']})", props(r),
                  ", ".join(r["sources"])) for r in data["relations"]])


def _parse_param(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise typer.BadParameter(f"expected KEY=VALUE, got {text!r}", param_hint="--param")
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    return key.strip(), value


@cli_command
def query(
    statement: Annotated[str, typer.Argument(help="A read-only Cypher query.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="KEY=VALUE (VALUE parsed as JSON if it can be).")] = None,
    limit: Annotated[int, typer.Option(help="Row cap.", min=1)] = 1000,
    json_out: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """Run Cypher against the Neo4j store (read transaction) and print the rows."""
    params = dict(_parse_param(p) for p in (param or []))
    settings = Settings()
    if not settings.neo4j_uri:
        raise RekgError("`rekg query` runs Cypher on Neo4j: set REKG_NEO4J_URI (e.g. after "
                        "`rekg neo4j start`) and `rekg build` into it")
    from kg.store.neo4j import Neo4jStore

    neo = Neo4jStore.from_settings(settings)
    with neo:
        columns, rows, truncated = neo.query(statement, params, row_cap=limit)
    if json_out:
        print_json({"columns": columns, "rows": rows, "truncated": truncated})
        return
    print_table(f"{len(rows)} rows" + (" (truncated)" if truncated else ""), columns,
                [[json.dumps(row[c], ensure_ascii=False, default=str) if not isinstance(row[c], str) else row[c]
                  for c in columns] for row in rows], csv_out=csv_out)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) on the configured store."""
    import uvicorn

    err.print(f"rekg API on http://{host}:{port} (docs: http://{host}:{port}/docs)")
    uvicorn.run("api.app:serve_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning")
