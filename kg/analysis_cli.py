"""CLI for the analysis: ``rekg analyze concentration|spof|chokepoints|scenario``,
``rekg policies`` and ``rekg report``. Wired into the main app by :func:`register`.

Every command reads the store through its public read methods, runs the pure functions
of :mod:`kg.analysis`, and prints a rich table or ``--json`` in the DESIGN.md shapes
(with extra keys). Errors print one line and exit 2, as in :mod:`kg.cli`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kg.errors import RekgError

__all__ = ["register"]

console = Console()

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AsOfOpt = Annotated[str | None, typer.Option(
    "--as-of", help="Date (YYYY[-MM[-DD]]) for facility status, claims and policies; default today.")]
PlotOpt = Annotated[Path | None, typer.Option("--plot", help="Also draw a chart to FILE.png or FILE.svg.")]


def _date(value: str | None) -> str:
    from kg.types import clean_date

    return clean_date(value, "--as-of") if value else dt.date.today().isoformat()


def _element(value: str | None) -> str | None:
    from kg.types import clean_element

    return clean_element(value, "--element") if value else None


def _records(store: Any) -> tuple[list[Any], list[Any]]:
    return list(store.entities()), list(store.claims())


def _area(store: Any, name: str) -> str:
    """A consumer area id (country or region) or a firm id from a name, code or id."""
    if name.upper() == "EU":
        return "region:eu"
    if ":" not in name and len(name) == 2 and name.isalpha():
        return f"country:{name.upper()}"
    return store.resolve(name)


def _network(store: Any, as_of: str, areas: list[str] | None = None,
             include_planned: bool = False) -> Any:
    from kg.analysis.projection import DEFAULT_CONSUMERS, project_supply_network

    ents, claims = _records(store)
    wanted = sorted(set(DEFAULT_CONSUMERS) | set(areas or []))
    return project_supply_network(ents, claims, as_of=as_of, consumers=wanted,
                                  include_planned=include_planned)


def register(app: typer.Typer) -> None:
    """Add ``analyze`` (sub-commands), ``policies`` and ``report`` to the ``rekg`` app."""
    analyze = typer.Typer(help="Concentration, single points of failure, chokepoints, scenarios.",
                          no_args_is_help=True)
    app.add_typer(analyze, name="analyze")

    @analyze.command("concentration")
    def concentration_cmd(
        stage: Annotated[str, typer.Option("--stage", help="mining, separation, metal, magnet …")],
        element: Annotated[str | None, typer.Option("--element", help="Element symbol, e.g. Dy.")] = None,
        year: Annotated[int | None, typer.Option("--year", help="Data year; default each source's latest.")] = None,
        by: Annotated[str, typer.Option("--by", help="country or firm")] = "country",
        basis: Annotated[str, typer.Option("--basis", help="production or capacity")] = "production",
        source: Annotated[str | None, typer.Option("--source", help="Only this source edition (source id).")] = None,
        as_of: AsOfOpt = None,
        plot: PlotOpt = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Shares by country or firm for a stage, with HHI and flags; one result per source."""
        from kg.cli import _fail, _print_json, _store

        try:
            from kg.analysis.concentration import concentration
            from kg.schema import load_schema

            if stage not in load_schema().enums["stage"]:
                raise RekgError(f"--stage: expected one of {', '.join(load_schema().enums['stage'])}, "
                                f"got {stage!r}")
            elem = _element(element)
            with _store() as store:
                ents, claims = _records(store)
            day = _date(as_of) if as_of else None
            results = concentration(ents, claims, stage, element=elem, year=year, by=by,
                                    basis=basis, as_of=day)
            if source:
                results = [r for r in results if source in r.sources]
            if not results:
                raise RekgError(f"no {basis} figures for stage {stage!r}"
                                f"{' and element ' + elem if elem else ''}"
                                f"{' in ' + str(year) if year else ''}; try another --year or --basis")
            main = results[0].to_json()
            data = main | {"editions": [r.to_json() for r in results]}
            if plot:
                from kg.analysis.plots import plot_concentration

                stages = []
                for st in ("mining", "separation", "metal", "magnet"):
                    got = [r for r in concentration(ents, claims, st, element=elem, by=by,
                                                    basis=basis, as_of=day) if r.comparable]
                    if got:
                        stages.append(got[0].to_json())
                plot_concentration(stages, plot, title=f"Concentration by stage ({elem or 'all REE'}, by {by})")
            if json_out:
                _print_json(data)
                return
            for r in results:
                table = Table(title=f"{stage} {elem or 'all rare earths'} {r.year or '(year n/s)'} by {by} "
                                    f"— HHI {r.hhi:,.0f} {' '.join(r.flags)}")
                for col in ("id", "name", "quantity", "share"):
                    table.add_column(col, justify="right" if col in ("quantity", "share") else "left")
                for s in r.shares:
                    table.add_row(s.id, s.name, "–" if s.quantity is None else f"{s.quantity:,.0f} {r.unit or ''}",
                                  f"{100 * s.share:.1f}%")
                console.print(table)
                console.print(f"  basis: {r.basis}; {r.element_basis}; coverage {100 * r.coverage:.0f}%; "
                              f"sources: {', '.join(r.sources)}")
            if plot:
                console.print(f"plot written to {plot}")
        except RekgError as exc:
            _fail(exc)

    @analyze.command("spof")
    def spof_cmd(
        consumer: Annotated[str, typer.Option("--consumer", help="US, EU, JP, country:US, region:eu or firm:gm.")],
        element: Annotated[str | None, typer.Option("--element", help="Element symbol.")] = None,
        as_of: AsOfOpt = None,
        controls: Annotated[bool, typer.Option("--controls/--no-controls",
                                               help="Apply the export controls in force on the date.")] = False,
        evidence: Annotated[int, typer.Option("--evidence", min=0, help="Paths to show per point.")] = 3,
        json_out: JsonOpt = False,
    ) -> None:
        """Nodes on every supply path to a consumer (facility and country level), and redundancy."""
        from kg.cli import _fail, _print_json, _store

        try:
            from kg.analysis.projection import consumer_id, element_network
            from kg.analysis.scenario import apply_scenario, restrictions_from_policies
            from kg.analysis.spof import collapse_to_countries, redundancy, single_points_of_failure

            day = _date(as_of)
            elem = _element(element)
            with _store() as store:
                area = _area(store, consumer)
                G = _network(store, day, [area] if not area.startswith("firm:") else None)
                ents, claims = _records(store)
            node = area if area.startswith("firm:") else consumer_id(area)
            if node not in G:
                raise RekgError(f"--consumer {consumer!r}: no consumer {node} in the supply network on "
                                f"{day} (firms are consumers when an offtake names them)")
            H = element_network(G, elem)
            if controls:
                H = apply_scenario(H, restrictions_from_policies(ents, claims, day), elem)
            points = single_points_of_failure(H, [node], evidence=evidence)[node]
            C = collapse_to_countries(H)
            cpoints = single_points_of_failure(C, [node], evidence=evidence)[node]
            red = redundancy(C, node)
            srcs = sorted(set(G.graph["sources"]) | {s for p in points for s in p.sources})
            data = {"consumer": node, "element": elem, "as_of": day, "controls": controls,
                    "single_points": [p.to_json() for p in points],
                    "country_level": [p.to_json() for p in cpoints],
                    "redundancy": red.to_json(), "sources": srcs}
            if json_out:
                _print_json(data)
                return
            for title, pts in (("facility level", points), ("country level", cpoints)):
                table = Table(title=f"single points of failure for {node} ({elem or 'all'}, {day}), {title}")
                for col in ("id", "type", "name", "evidence"):
                    table.add_column(col)
                for p in pts:
                    table.add_row(str(p.id), p.kind, p.name,
                                  "\n".join(" → ".join(map(str, path)) for path in p.evidence))
                console.print(table if pts else f"{title}: none (no node lies on every supply path)")
            console.print(f"independent country-level routes: {red.routes}; smallest cut: "
                          f"{', '.join(map(str, red.cut)) or '–'}")
        except RekgError as exc:
            _fail(exc)

    @analyze.command("chokepoints")
    def chokepoints_cmd(
        element: Annotated[str | None, typer.Option("--element", help="Element symbol.")] = None,
        top: Annotated[int, typer.Option("--top", min=1)] = 10,
        as_of: AsOfOpt = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Nodes ranked by supply lost when removed, supply betweenness and stage share."""
        from kg.cli import _fail, _print_json, _store

        try:
            from kg.analysis.chokepoints import rank_chokepoints
            from kg.analysis.projection import element_network

            day = _date(as_of)
            elem = _element(element)
            with _store() as store:
                G = _network(store, day)
            ranked = rank_chokepoints(element_network(G, elem), top=top)
            data = {"element": elem, "as_of": day, "chokepoints": [c.to_json() for c in ranked],
                    "sources": G.graph["sources"]}
            if json_out:
                _print_json(data)
                return
            table = Table(title=f"chokepoints ({elem or 'all elements'}, {day})")
            for col in ("id", "country", "score", "measure", "supply lost", "betweenness", "stage share"):
                table.add_column(col)
            for c in ranked:
                table.add_row(str(c.id), str(c.country), f"{c.score:.3f}", c.measure,
                              "–" if c.supply_lost_share is None else f"{100 * c.supply_lost_share:.1f}%",
                              f"{100 * c.betweenness:.1f}%",
                              "–" if c.stage_share is None else f"{100 * c.stage_share:.1f}%")
            console.print(table)
        except RekgError as exc:
            _fail(exc)

    @analyze.command("scenario")
    def scenario_cmd(
        restrict: Annotated[list[str] | None, typer.Option(
            "--restrict", help="COUNTRY:E1,E2 — stop that country's exports of those elements.")] = None,
        remove: Annotated[list[str] | None, typer.Option(
            "--remove", help="Take out a facility, firm or country id.")] = None,
        policies: Annotated[bool, typer.Option(
            "--policies", help="Apply the export controls in force on --as-of (default when nothing else is given).")] = False,
        element: Annotated[list[str] | None, typer.Option("--element", help="Elements to report.")] = None,
        as_of: AsOfOpt = None,
        plot: PlotOpt = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Max-flow per consumer before and after restrictions or losses: the shortfall."""
        from kg.cli import _fail, _print_json, _store

        try:
            from kg.analysis.scenario import (
                Scenario,
                parse_restriction,
                restrictions_from_policies,
                run_scenario,
            )

            day = _date(as_of)
            with _store() as store:
                G = _network(store, day)
                ents, claims = _records(store)
                removed = [store.resolve(r) for r in (remove or [])]
            sc = Scenario(name="scenario", as_of=day,
                          restrictions=[parse_restriction(r) for r in (restrict or [])],
                          removed=removed)
            if policies or not (restrict or remove):
                from_policies = restrictions_from_policies(ents, claims, day)
                sc.restrictions += from_policies.restrictions
                sc.notes += from_policies.notes
                sc.name = from_policies.name if not (restrict or remove) else "scenario + policies"
            elements = [_element(e) for e in element] if element else None
            result = run_scenario(G, sc, elements=elements)
            data = result.to_json() | {"as_of": day}
            if plot:
                from kg.analysis.plots import plot_shortfall

                plot_shortfall(data["impacts"], plot, title=f"Shortfall: {sc.name} ({day})")
            if json_out:
                _print_json(data)
                return
            console.print(f"[bold]{sc.name}[/] as of {day}: "
                          + "; ".join(r.label() for r in sc.restrictions) or "no restriction")
            table = Table(title=f"impact per consumer ({result.unit})")
            for col in ("consumer", "element", "before", "after", "shortfall", "shortfall %"):
                table.add_column(col, justify="left" if col in ("consumer", "element") else "right")
            for i in data["impacts"]:
                table.add_row(i["consumer"], i["element"] or "all",
                              *("unbounded" if v is None else f"{v:,.0f}"
                                for v in (i["before"], i["after"], i["shortfall"])),
                              "–" if i["shortfall_share"] is None else f"{100 * i['shortfall_share']:.1f}%")
            console.print(table)
            for note in sc.notes:
                console.print(f"  note: {note}")
            if plot:
                console.print(f"plot written to {plot}")
        except RekgError as exc:
            _fail(exc)

    @app.command("policies")
    def policies_cmd(
        as_of: AsOfOpt = None,
        element: Annotated[str | None, typer.Option("--element", help="Only policies targeting it.")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Policies with their status on a date (planned, announced, in force, suspended, ended)."""
        from kg.cli import _fail, _print_json, _store

        try:
            from kg.analysis.scenario import policies_as_of

            day = _date(as_of)
            with _store() as store:
                ents, claims = _records(store)
            rows = policies_as_of(ents, claims, day, element=_element(element))
            if json_out:
                _print_json({"as_of": day, "policies": rows})
                return
            table = Table(title=f"policies as of {day}")
            for col in ("id", "instrument", "status", "issuer", "dates", "targets"):
                table.add_column(col)
            for r in rows:
                table.add_row(r["id"], r["instrument"] or "", r["status"], ", ".join(r["issuer"]),
                              ", ".join(f"{k} {v}" for k, v in r["dates"].items()),
                              ", ".join(r["targets"][:6]) + (" …" if len(r["targets"]) > 6 else ""))
            console.print(table)
        except RekgError as exc:
            _fail(exc)

    @app.command("report")
    def report_cmd(
        output: Annotated[Path | None, typer.Option("-o", "--output", help="report.md or report.html")] = None,
        plots: Annotated[Path | None, typer.Option("--plots", help="Directory for the report's PNG charts.")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """The headline report on the graph: concentration, SPOFs, the 2025 controls replayed."""
        from kg.cli import _fail, _print_json, _store

        try:
            from kg.analysis.report import build_report, render_html, render_markdown

            with _store() as store:
                ents, claims = _records(store)
            report = build_report(ents, claims)
            if plots:
                from kg.analysis.plots import plot_concentration, plot_shortfall

                firsts = {}
                for r in report["concentration"]:
                    firsts.setdefault(r["stage"], r)
                plot_concentration(list(firsts.values()), plots / "concentration.png")
                for s in report["scenarios"]:
                    plot_shortfall(s["impacts"], plots / f"shortfall-{s['as_of']}.png",
                                   title=f"{s['label']} ({s['as_of']})")
            if json_out:
                _print_json(report)
            if output is not None:
                if output.suffix.lower() not in (".md", ".html", ".htm"):
                    raise RekgError(f"-o {output}: expected a file name ending in .md or .html")
                text = render_html(report) if output.suffix.lower() in (".html", ".htm") \
                    else render_markdown(report)
                output.parent.mkdir(parents=True, exist_ok=True)
                output.write_text(text, encoding="utf-8")
                console.print(f"report written to {output}")
            if not json_out:
                console.print("[bold]rekg headline findings[/]")
                for line in report["findings"]:
                    console.print(f"- {line}", highlight=False)
        except RekgError as exc:
            _fail(exc)
