"""What every ``rekg`` command shares: consoles, the one error decorator, the store, JSON output.

Errors rekg raises on purpose (:class:`kg.errors.RekgError`, which the Neo4j launcher's errors
also are) print one line and exit 2; ``rekg --verbose …`` prints the traceback too. The flag is
read from the root command's parameters, so there is no module-level state.
"""

from __future__ import annotations

import csv
import functools
import inspect
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from kg.config import Settings
from kg.errors import RekgError
from kg.store import Store, open_store

__all__ = ["console", "err", "cli_command", "fail", "cli_store", "print_json", "print_table",
           "network_name", "JsonOpt", "CsvOpt", "AsOfOpt", "PlotOpt"]

console = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print the table as CSV (a header row, then one row per line).")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Date (YYYY[-MM[-DD]]) for facility status, claims and policies; default today.")]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Also draw a chart to FILE.png or FILE.svg.")]

P = ParamSpec("P")
R = TypeVar("R")
_CTX = "_rekg_ctx"


def fail(exc: BaseException, verbose: bool = False) -> None:
    """Print ``error: <message>`` (and the traceback when ``verbose``) and exit 2."""
    if verbose:
        err.print_exception()
    message = str(exc) or exc.__class__.__name__
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def cli_command(fn: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command so a :class:`RekgError` becomes one line on stderr and exit status 2.

    The wrapper asks typer for the command's context (an extra keyword-only parameter typed
    :class:`typer.Context`, hidden from the command's own signature) to read the root's
    ``--verbose``.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx: typer.Context = kwargs.pop(_CTX)
        try:
            return fn(*args, **kwargs)
        except RekgError as exc:
            fail(exc, verbose=bool(ctx.find_root().params.get("verbose")))
            raise  # unreachable: fail() exits

    sig = inspect.signature(fn, eval_str=True)
    ctx_param = inspect.Parameter(_CTX, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)
    wrapper.__signature__ = sig.replace(  # type: ignore[attr-defined]
        parameters=[*sig.parameters.values(), ctx_param])
    return wrapper


def cli_store() -> Store:
    """The configured store (embedded, or Neo4j when ``REKG_NEO4J_URI`` is set)."""
    return open_store(Settings())


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], csv_out: bool = False,
                right: Iterable[str] = ()) -> None:
    """A result table: CSV on stdout with ``csv_out``; else a rich table whose cells wrap (long
    ids fold onto the next line, never cut to "…"), at any width, piped or not."""
    if csv_out:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
        return
    from rich.table import Table

    justify = set(right)
    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col, overflow="fold", justify="right" if col in justify else "left")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    console.print(table)


def network_name(node: str, names: dict[str, str]) -> str:
    """A supply-network node (``facility:mount-weld@mining``, ``country:US@magnet-users``) by
    name: "Mt Weld … (mining)", "United States magnet users"."""
    entity, _, role = str(node).partition("@")
    base = names.get(entity, entity)
    if not role:
        return base
    return f"{base} {role.replace('-', ' ')}" if role == "magnet-users" else f"{base} ({role})"
