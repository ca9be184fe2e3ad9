"""What every ``rekg`` command shares: consoles, the one error decorator, the store, JSON output.

Errors rekg raises on purpose (:class:`kg.errors.RekgError`, which the Neo4j launcher's errors
also are) print one line and exit 2; ``rekg --verbose …`` prints the traceback too. The flag is
read from the root command's parameters, so there is no module-level state.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from kg.config import Settings
from kg.errors import RekgError
from kg.store import Store, open_store

__all__ = ["console", "err", "cli_command", "fail", "cli_store", "print_json", "JsonOpt", "AsOfOpt",
           "PlotOpt"]

console = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
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
    return wrapper  # type: ignore[return-value]


def cli_store() -> Store:
    """The configured store (embedded, or Neo4j when ``REKG_NEO4J_URI`` is set)."""
    return open_store(Settings())


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
