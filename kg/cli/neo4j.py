"""``rekg neo4j start|stop|status|jars``: a local Neo4j Community server for development and CI.

The only command line of :mod:`kg.neo4j_server`. ``start`` prints the Bolt URI alone on stdout
(its last line), so scripts can do ``uri=$(rekg neo4j start --home H --no-auth)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr

from kg.cli.common import cli_command, console, err
from kg.config import Settings
from kg.errors import RekgError

__all__ = ["app"]

app = typer.Typer(help="A local Neo4j Community server for development (jars from Maven Central).",
                  no_args_is_help=True)

HomeOpt = Annotated[Path | None, typer.Option(
    "--home", help="Server directory (default: $REKG_HOME/neo4j).")]


def _home(home: Path | None) -> Path:
    return home if home is not None else Settings().home / "neo4j"


def _config(items: list[str] | None) -> dict[str, str] | None:
    extra: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise RekgError(f"--conf: expected KEY=VALUE, got {item!r}")
        extra[key.strip()] = value.strip()
    return extra or None


@app.command("start")
@cli_command
def start(
    home: HomeOpt = None,
    port: Annotated[int | None, typer.Option(help="Bolt port (default: a free one).")] = None,
    no_auth: Annotated[bool, typer.Option("--no-auth", help="Turn authentication off (tests only).")] = False,
    password: Annotated[str | None, typer.Option(
        help="Initial password of user neo4j (default: REKG_NEO4J_PASSWORD).")] = None,
    conf: Annotated[list[str] | None, typer.Option(
        "--conf", help="Extra neo4j.conf setting KEY=VALUE (repeatable).")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for Bolt to answer.")] = 180.0,
    no_browser: Annotated[bool, typer.Option(
        "--no-browser", help="Do not serve Neo4j Browser (HTTP connector off).")] = False,
) -> None:
    """Start the local server (idempotent) and print its Bolt URI; Neo4j Browser is served on
    127.0.0.1 (a free port) unless --no-browser."""
    from kg import neo4j_server

    info = neo4j_server.start(
        _home(home), port=port, auth=not no_auth, timeout=timeout, config=_config(conf),
        password=None if no_auth else (password or Settings().neo4j_password.get_secret_value()),
        browser=not no_browser)
    err.print(f"Neo4j running (pid {info.pid}, auth {'on' if info.auth else 'off'}, home "
              f"{info.home}); use it with: export REKG_NEO4J_URI={info.uri}", highlight=False)
    _print_browser(info)
    console.print(info.uri, highlight=False)


def _print_browser(info: object) -> None:
    url = getattr(info, "browser_url", None)
    if not url:
        return
    login = ("log in as neo4j with the password in REKG_NEO4J_PASSWORD" if getattr(info, "auth", True)
             else "no login: auth is off")
    err.print(f"Neo4j Browser: {url} ({login}; the cookbook: docs/cypher.md, the Cypher page of "
              "`rekg serve`, or in Browser `:guide http://localhost:8000/web/neo4j-guide.html` "
              "while `rekg serve` runs)", highlight=False, soft_wrap=True)


@app.command("stop")
@cli_command
def stop(
    home: HomeOpt = None,
    timeout: Annotated[float, typer.Option(help="Seconds before SIGKILL.")] = 60.0,
) -> None:
    """Stop the local server."""
    from kg import neo4j_server

    stopped = neo4j_server.stop(_home(home), timeout=timeout)
    console.print("stopped" if stopped else "not running")


@app.command("status")
@cli_command
def status(home: HomeOpt = None) -> None:
    """Print the Bolt URI if the server runs (exit 0); exit 3 if it does not."""
    from kg import neo4j_server

    info = neo4j_server.status(_home(home))
    if info is None:
        err.print(f"not running ({_home(home)})", highlight=False)
        raise typer.Exit(3)
    err.print(f"running: pid {info.pid}, auth {'on' if info.auth else 'off'}, home {info.home}",
              highlight=False)
    _print_browser(info)
    console.print(info.uri, highlight=False)


@app.command("shell")
@cli_command
def shell(
    file: Annotated[Path | None, typer.Option("-f", "--file", help="Run the Cypher statements in FILE, then exit.")] = None,
    home: HomeOpt = None,
    args: Annotated[list[str] | None, typer.Argument(help="More cypher-shell options, after --.")] = None,
) -> None:
    """cypher-shell (from Maven Central) against REKG_NEO4J_URI, or the local server of
    `rekg neo4j start`; credentials from REKG_NEO4J_USER / REKG_NEO4J_PASSWORD."""
    from kg import neo4j_server
    from kg.neo4j_server.shell import run_shell

    settings = Settings()
    uri = settings.neo4j_uri
    if not uri:
        info = neo4j_server.status(_home(home))
        if info is None:
            raise RekgError("no Neo4j to open a shell on: set REKG_NEO4J_URI, or start the local "
                            "server with `rekg neo4j start`")
        uri = info.uri
    proc = run_shell(uri, settings.neo4j_user, settings.neo4j_password.get_secret_value(), file,
                     args or [])
    if proc.returncode:
        raise typer.Exit(proc.returncode)


@app.command("jars")
@cli_command
def jars() -> None:
    """Fetch the server jars from Maven Central (once) and print their directory."""
    from kg import neo4j_server

    lib = neo4j_server.default_lib_dir(neo4j_server.neo4j_version())
    console.print(str(neo4j_server.ensure_jars(neo4j_server.DEFAULT_POM_DIR, lib)), highlight=False)


@app.command("import")
@cli_command
def import_(
    home: HomeOpt = None,
    data_dir: Annotated[Path | None, typer.Option(help="Data directory (default: the bundled data/).")] = None,
    no_auth: Annotated[bool, typer.Option("--no-auth", help="Restart the server with authentication off "
                                                              "(when it was not running).")] = False,
    keep_csv: Annotated[bool, typer.Option("--keep-csv", help="Keep the CSV files under HOME/import/rekg.")] = False,
) -> None:
    """Build the graph from data/ with Neo4j's offline bulk importer (neo4j-admin database import full).

    Writes the graph as the importer's CSV files, stops the local server, imports them
    (replacing its database), starts the server again and creates rekg's constraints and
    indexes. For graphs too large for `rekg build` over Bolt; the result reads the same.
    """
    import shutil

    import loaders
    from kg import neo4j_server
    from kg.store.base import check_batch
    from kg.store.neo4j import Neo4jStore
    from kg.store.neo4j_csv import write_import_csv

    settings = Settings()
    where = _home(home)
    batch = loaders.read_data(data_dir or settings.data_dir).batch
    check_batch(batch, set())
    directory = where / "import" / "rekg"
    shutil.rmtree(directory, ignore_errors=True)
    files = write_import_csv(batch, directory)
    err.print(f"wrote {files.node_count} nodes and {files.relationship_count} relationships as CSV "
              f"under {directory}", highlight=False)
    running = neo4j_server.status(where)
    if running is not None:
        neo4j_server.stop(where)
    auth = running.auth if running is not None else not no_auth
    password = settings.neo4j_password.get_secret_value() if auth else None
    try:
        _, seconds = neo4j_server.import_full(where, [p for ps in files.nodes.values() for p in ps],
                                              [p for ps in files.relationships.values() for p in ps])
    finally:
        info = neo4j_server.start(where, port=running.port if running is not None else None, auth=auth,
                                  password=password)
        if not keep_csv:
            shutil.rmtree(directory, ignore_errors=True)
    err.print(f"imported in {seconds:.1f} s; creating constraints and indexes", highlight=False)
    store = Neo4jStore.from_settings(Settings(neo4j_uri=info.uri, neo4j_user=settings.neo4j_user,
                                              neo4j_password=SecretStr(password or "unused-auth-off"),
                                              neo4j_database="neo4j"))
    try:
        store.ensure_schema()
        stats = store.stats()
    finally:
        store.close()
    err.print(f"Neo4j at {info.uri}: {stats.claims} claims, "
              f"{sum(stats.entities.values())} entities", highlight=False)
    console.print(info.uri, highlight=False)
