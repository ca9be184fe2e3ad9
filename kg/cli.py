"""The ``rekg`` command line.

The CLI is the composition root: it is the one place in ``kg`` that imports the
loaders (lazily, inside commands), so ``kg``'s library modules stay free of them.
Errors print one line and exit 2; ``--verbose`` shows the traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.config import Settings
from kg.errors import RekgError
from kg.model import Batch
from kg.store import Store, open_store

app = typer.Typer(
    name="rekg",
    help="rekg: an open knowledge graph of the rare-earth supply chain, with a source for every claim.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)

_state: dict[str, Any] = {"verbose": False}

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks on errors.")] = False,
) -> None:
    _state["verbose"] = verbose


def _fail(exc: BaseException) -> None:
    if _state["verbose"]:
        err.print_exception()
    message = str(exc) or exc.__class__.__name__
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _store() -> Store:
    return open_store(Settings())


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _read_files(paths: list[Path], label: str) -> list[Batch]:
    from loaders.datasets import load_file

    batches: list[Batch] = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True,
                  disable=not err.is_terminal) as progress:
        task = progress.add_task(label, total=len(paths))
        for path in paths:
            progress.update(task, description=f"{label} {path.name}")
            batches.append(load_file(path))
            progress.advance(task)
    return batches


@app.command()
def build(
    data_dir: Annotated[Path | None, typer.Option(help="Data directory (default: the bundled data/).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Load everything under data/ (datasets, then articles/) into a fresh graph, replacing the current one."""
    try:
        from loaders.articles import build_article_batches
        from loaders.articles.to_batch import article_files
        from loaders.datasets import discover

        settings = Settings()
        root = data_dir or settings.data_dir
        files = discover(root)
        merged = Batch(origin=str(root))
        for batch in _read_files(files, "reading"):
            merged.extend(batch)
        articles = article_files(root / "articles")
        skipped: list[dict[str, str]] = []
        for batch in build_article_batches(articles, list(merged.entities), list(merged.claims), skipped=skipped):
            merged.extend(batch)
        with open_store(settings) as store:
            store.replace_all(merged)
            stats = store.stats()
        for item in skipped:
            err.print(f"skipped {item['where']}: {item['reason']}", highlight=False)
        if json_out:
            _print_json(stats.to_json() | {"files": len(files), "articles": len(articles),
                                           "skipped": skipped, "store": store.kind})
            return
        _stats_table(stats, f"rekg build: {len(files)} dataset files and {len(articles)} article files "
                            f"from {root} → {store.kind} store")
    except RekgError as exc:
        _fail(exc)


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help="Dataset files (CSV, sources YAML) or articles "
                                                     "(.txt .md .html .xml .rss .atom .jsonl).")],
    json_out: JsonOpt = False,
) -> None:
    """Add files to the graph. Each file (each article) loads whole or not at all."""
    try:
        from loaders.articles import is_article_file, load_article_file

        datasets = [p for p in files if not is_article_file(p)]
        batches = _read_files(datasets, "reading")
        written = []
        skipped: list[dict[str, str]] = []
        with _store() as store:
            for batch in batches:
                result = store.write(batch)
                written.append({"file": batch.origin, "entities": result.entities, "claims": result.claims})
            for path in (p for p in files if is_article_file(p)):
                for batch in load_article_file(path, store, skipped=skipped):
                    result = store.write(batch)
                    written.append({"file": batch.origin or str(path), "entities": result.entities,
                                    "claims": result.claims})
            stats = store.stats()
        for item in skipped:
            err.print(f"skipped {item['where']}: {item['reason']}", highlight=False)
        if json_out:
            _print_json({"loaded": written, "skipped": skipped, "stats": stats.to_json()})
            return
        for item in written:
            console.print(f"loaded {item['file']}: {item['entities']} entities, {item['claims']} claims")
    except RekgError as exc:
        _fail(exc)


def _stats_table(stats: Any, title: str) -> None:
    table = Table(title=title)
    table.add_column("kind")
    table.add_column("type")
    table.add_column("count", justify="right")
    for name, count in sorted(stats.entities.items()):
        table.add_row("entity", name, str(count))
    for name, count in sorted(stats.relations.items()):
        table.add_row("relation", name, str(count))
    console.print(table)
    console.print(f"claims: {stats.claims}, with a source: {stats.claims_with_source}")


@app.command()
def stats(json_out: JsonOpt = False) -> None:
    """Counts of entities by type, relations by predicate, and claims with sources."""
    try:
        with _store() as store:
            result = store.stats()
            kind = store.kind
        if json_out:
            _print_json(result.to_json())
        else:
            _stats_table(result, f"rekg graph ({kind} store)")
    except RekgError as exc:
        _fail(exc)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="A name, alias, symbol or code.")],
    type: Annotated[str | None, typer.Option("--type", "-t", help="Only this entity type.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    json_out: JsonOpt = False,
) -> None:
    """Find entities by name or alias (case- and accent-insensitive)."""
    try:
        if type is not None:
            from kg.schema import load_schema

            type = load_schema().entity(type.capitalize() if type.islower() else type).name
        with _store() as store:
            hits = store.search(query, type=type, limit=limit)
        if json_out:
            _print_json({"results": [h.to_json() for h in hits]})
            return
        table = Table(title=f"search {query!r}")
        for col in ("id", "type", "name", "score"):
            table.add_column(col)
        for hit in hits:
            table.add_row(hit.id, hit.type, hit.name, f"{hit.score:.2f}")
        console.print(table)
    except RekgError as exc:
        _fail(exc)


@app.command()
def show(
    entity: Annotated[str, typer.Argument(help="An id (firm:lynas) or an unambiguous name.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Only relations that hold on this date.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """An entity, its properties and its relations with their sources."""
    try:
        from kg.types import clean_date

        if as_of:
            as_of = clean_date(as_of, "--as-of")
        with _store() as store:
            data = store.show(store.resolve(entity), as_of=as_of)
        if json_out:
            _print_json(data)
            return
        console.print(f"[bold]{data['name']}[/]  {data['id']}  ({data['type']})")
        if data["aliases"]:
            console.print("aliases: " + "; ".join(data["aliases"]))
        for key, value in data["properties"].items():
            console.print(f"  {key}: {value}")
        console.print("sources: " + ", ".join(data["sources"]))
        table = Table(title="relations")
        for col in ("predicate", "dir", "other", "properties", "sources"):
            table.add_column(col)
        for rel in data["relations"]:
            props = ", ".join(f"{k}={v}" for k, v in rel["properties"].items() if k not in {"quote", "note"})
            table.add_row(rel["predicate"], rel["direction"], f"{rel['other']['name']} ({rel['other']['id']})",
                          props, ", ".join(rel["sources"]))
        console.print(table)
    except RekgError as exc:
        _fail(exc)


def _parse_param(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise typer.BadParameter(f"expected KEY=VALUE, got {text!r}", param_hint="--param")
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    return key.strip(), value


@app.command()
def query(
    statement: Annotated[str, typer.Argument(help="A read-only Cypher query.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="KEY=VALUE (VALUE parsed as JSON if it can be).")] = None,
    limit: Annotated[int, typer.Option(help="Row cap.", min=1)] = 1000,
    json_out: JsonOpt = False,
) -> None:
    """Run Cypher against the Neo4j store (read transaction) and print the rows."""
    try:
        params = dict(_parse_param(p) for p in (param or []))
        settings = Settings()
        if not settings.neo4j_uri:
            raise RekgError("`rekg query` runs Cypher on Neo4j: set REKG_NEO4J_URI (e.g. after "
                            "`rekg neo4j start`) and `rekg build` into it")
        from kg.store.neo4j import Neo4jStore

        with Neo4jStore.from_settings(settings) as store:
            columns, rows, truncated = store.query(statement, params, row_cap=limit)
        if json_out:
            _print_json({"columns": columns, "rows": rows, "truncated": truncated})
            return
        table = Table(title=f"{len(rows)} rows" + (" (truncated)" if truncated else ""))
        for col in columns:
            table.add_column(col)
        for row in rows:
            table.add_row(*[json.dumps(row[c], ensure_ascii=False, default=str)
                            if not isinstance(row[c], str) else row[c] for c in columns])
        console.print(table)
    except RekgError as exc:
        _fail(exc)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) on the configured store."""
    import uvicorn

    err.print(f"rekg API on http://{host}:{port} (docs: http://{host}:{port}/docs)")
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning")


neo4j_app = typer.Typer(help="A local Neo4j Community server for development (jars from Maven Central).",
                        no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")


def _server_home() -> Path:
    return Settings().home / "neo4j"


@neo4j_app.command("start")
def neo4j_start(
    port: Annotated[int | None, typer.Option(help="Bolt port (default: a free one).")] = None,
    no_auth: Annotated[bool, typer.Option("--no-auth", help="Turn authentication off (tests only).")] = False,
) -> None:
    """Start the local server (idempotent) and print its Bolt URI."""
    from kg import neo4j_server

    try:
        info = neo4j_server.start(
            _server_home(), pom_dir=neo4j_server.DEFAULT_POM_DIR, port=port, auth=not no_auth,
            password=Settings().neo4j_password.get_secret_value())
    except neo4j_server.Neo4jServerError as exc:
        _fail(exc)
    err.print(f"Neo4j running (pid {info.pid}); use it with: export REKG_NEO4J_URI={info.uri}")
    console.print(info.uri)


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local server."""
    from kg import neo4j_server

    stopped = neo4j_server.stop(_server_home())
    console.print("stopped" if stopped else "not running")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Whether the local server runs, and where."""
    from kg import neo4j_server

    info = neo4j_server.status(_server_home())
    if info is None:
        console.print("not running")
        raise typer.Exit(1)
    console.print(f"running: {info.uri} (pid {info.pid}, auth {'on' if info.auth else 'off'}, home {info.home})")


def _register_extensions() -> None:
    """Commands that live beside their subsystem (articles, analysis, RDF)."""
    from kg.analysis_cli import register as register_analysis
    from kg.rdf_cli import register as register_rdf
    from loaders.articles_cli import register as register_articles

    register_articles(app)
    register_analysis(app)
    register_rdf(app)


_register_extensions()

if __name__ == "__main__":  # pragma: no cover
    app()
