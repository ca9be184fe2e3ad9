"""The ``rekg`` command line: one package, one error decorator (:func:`~kg.cli.common.cli_command`).

Modules: :mod:`~kg.cli.common` (consoles, errors, the store, JSON), :mod:`~kg.cli.core` (build,
load, stats, search, show, query, serve), :mod:`~kg.cli.articles` (extract),
:mod:`~kg.cli.analysis` (analyze …, policies, report), :mod:`~kg.cli.rdf` (export, validate,
sparql, ontology), :mod:`~kg.cli.neo4j` (neo4j start|stop|status|jars). This module only
assembles them into :data:`app`; none of them imports it, so there is no import cycle.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kg.cli import analysis, articles, core, neo4j, rdf

__all__ = ["app"]

app = typer.Typer(
    name="rekg",
    help="rekg: an open knowledge graph of the rare-earth supply chain, with a source for every claim.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks on errors.")] = False,
) -> None:
    """Options for every command (read by :func:`kg.cli.common.fail` from the root context)."""


for _command in (core.build, core.load, core.stats, core.search, core.show, articles.extract,
                 core.query, core.serve, analysis.policies, analysis.report, rdf.export,
                 rdf.validate, rdf.sparql, rdf.ontology):
    app.command()(_command)
app.add_typer(analysis.analyze, name="analyze")
app.add_typer(neo4j.app, name="neo4j")
