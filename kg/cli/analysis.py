"""The analysis commands: ``rekg analyze concentration|spof|chokepoints|scenario``,
``rekg policies`` and ``rekg report``.

Every command asks :mod:`kg.service` (shared with the API), which reads the store through its
public read methods and runs the pure functions of :mod:`kg.analysis`; the command prints a rich
table or ``--json`` in the DESIGN.md shapes (with extra keys).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kg.cli.common import AsOfOpt, JsonOpt, PlotOpt, cli_command, cli_store, console, print_json
from kg.errors import RekgError

__all__ = ["analyze", "policies", "report"]

analyze = typer.Typer(help="Concentration, single points of failure, chokepoints, scenarios.",
                      no_args_is_help=True)


def _date(value: str | None) -> str:
    from kg.service import as_of_date

    return as_of_date(value, "--as-of")


def _element(value: str | None) -> str | None:
    from kg.service import element_symbol

    return element_symbol(value, "--element")


def _records(st: Any) -> tuple[list[Any], list[Any]]:
    return list(st.entities()), list(st.claims())


@analyze.command("concentration")
@cli_command
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
    from kg.analysis.concentration import concentration
    from kg.service import concentration_result

    elem = _element(element)
    day = _date(as_of) if as_of else None
    with cli_store() as store:
        data = concentration_result(store, stage, element=elem, year=year, by=by, basis=basis,
                                    source=source, as_of=day)
        ents, claims = _records(store) if plot else ([], [])
    results = data["editions"]
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
        print_json(data)
        return
    for r in results:
        flags = " ".join(r.get("flags", []))
        table = Table(title=f"{stage} {elem or 'all rare earths'} {r.get('year') or '(year n/s)'} by {by} "
                            f"— HHI {r['hhi']:,.0f} {flags}")
        for col in ("id", "name", "quantity", "share"):
            table.add_column(col, justify="right" if col in ("quantity", "share") else "left")
        for sh in r["shares"]:
            table.add_row(sh["id"], sh["name"],
                          "–" if sh.get("quantity") is None else f"{sh['quantity']:,.0f} {r.get('unit') or ''}",
                          f"{100 * sh['share']:.1f}%")
        console.print(table)
        console.print(f"  basis: {r.get('basis')}; {r.get('element_basis', '')}; "
                      f"coverage {100 * r.get('coverage', 0):.0f}%; sources: {', '.join(r['sources'])}")
    if plot:
        console.print(f"plot written to {plot}")


@analyze.command("spof")
@cli_command
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
    from kg.service import spof_result

    with cli_store() as store:
        data = spof_result(store, consumer, element=element, as_of=as_of, controls=controls,
                           evidence=evidence)
    node, elem, day = data["consumer"], data["element"], data["as_of"]
    if json_out:
        print_json(data)
        return
    for title, pts in (("facility level", data["single_points"]), ("country level", data["country_level"])):
        table = Table(title=f"single points of failure for {node} ({elem or 'all'}, {day}), {title}")
        for col in ("id", "type", "name", "evidence"):
            table.add_column(col)
        for p in pts:
            table.add_row(str(p["id"]), str(p.get("type", "")), str(p.get("name", "")),
                          "\n".join(" → ".join(map(str, path)) for path in p.get("evidence", [])))
        console.print(table if pts else f"{title}: none (no node lies on every supply path)")
    red = data["redundancy"]
    console.print(f"independent country-level routes: {red.get('routes')}; smallest cut: "
                  f"{', '.join(map(str, red.get('cut') or [])) or '–'}")
    crit = data.get("critical", [])
    if crit:
        table = Table(title=f"critical: loss removes ≥ 50 % of {node}'s {elem or 'REO'} "
                            f"({data.get('unit', '')})")
        for col in ("id", "level", "before", "after", "share lost", "sources"):
            table.add_column(col)
        for p in crit:
            table.add_row(p["id"], p["level"], f"{p['before']:,.1f}", f"{p['after']:,.1f}",
                          f"{100 * p['share_lost']:.1f}%", ", ".join(p["sources"][:3]))
        console.print(table)
    else:
        console.print("critical: no facility or country whose loss removes half the supply")


@analyze.command("chokepoints")
@cli_command
def chokepoints_cmd(
    element: Annotated[str | None, typer.Option("--element", help="Element symbol.")] = None,
    top: Annotated[int, typer.Option("--top", min=1)] = 10,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Nodes ranked by supply lost when removed, supply betweenness and stage share."""
    from kg.service import chokepoints_result

    with cli_store() as store:
        data = chokepoints_result(store, element=element, top=top, as_of=as_of)
    elem, day = data["element"], data["as_of"]
    if json_out:
        print_json(data)
        return
    table = Table(title=f"chokepoints ({elem or 'all elements'}, {day})")
    for col in ("id", "country", "score", "measure", "supply lost", "betweenness", "stage share"):
        table.add_column(col)
    for c in data["chokepoints"]:
        lost, btw, share = c.get("supply_lost_share"), c.get("betweenness", 0.0), c.get("stage_share")
        table.add_row(str(c["id"]), str(c.get("country")), f"{c['score']:.3f}", str(c.get("measure", "")),
                      "–" if lost is None else f"{100 * lost:.1f}%", f"{100 * btw:.1f}%",
                      "–" if share is None else f"{100 * share:.1f}%")
    console.print(table)


@analyze.command("scenario")
@cli_command
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
    from kg.service import scenario_result

    with cli_store() as store:
        data = scenario_result(store, restrict=restrict, remove=remove, policies=policies,
                               elements=element, as_of=as_of)
    day = data["as_of"]
    name = data["scenario"].get("name", "scenario")
    if plot:
        from kg.analysis.plots import plot_shortfall

        plot_shortfall(data["impacts"], plot, title=f"Shortfall: {name} ({day})")
    if json_out:
        print_json(data)
        return
    def label(r: dict[str, Any]) -> str:
        what = ",".join(r["elements"]) if r.get("elements") else "all elements"
        where = f" at {','.join(r['layers'])}" if r.get("layers") else ""
        to = f" to {','.join(r['destinations'])}" if r.get("destinations") else ""
        return f"{r['country']}: {what}{where}{to}"

    restrictions = data["scenario"]["restrictions"]
    console.print(f"[bold]{name}[/] as of {day}: "
                  + ("; ".join(label(r) for r in restrictions) or "no restriction"))
    table = Table(title="impact per consumer, tonnes per year (shared pro rata; see unit)")
    for col in ("consumer", "element", "before", "after", "shortfall", "shortfall %", "unit"):
        table.add_column(col, justify="left" if col in ("consumer", "element", "unit") else "right")
    for i in data["impacts"]:
        table.add_row(i["consumer"], i["element"] or "all",
                      *("unbounded" if v is None else f"{v:,.1f}"
                        for v in (i["before"], i["after"], i["shortfall"])),
                      "–" if i["shortfall_share"] is None else f"{100 * i['shortfall_share']:.1f}%",
                      i.get("unit") or "")
    console.print(table)
    for note in data["scenario"].get("notes", []):
        console.print(f"  note: {note}")
    if plot:
        console.print(f"plot written to {plot}")


@cli_command
def policies(
    as_of: AsOfOpt = None,
    element: Annotated[str | None, typer.Option("--element", help="Only policies targeting it.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Policies with their status on a date (planned, announced, in force, suspended, ended)."""
    from kg.service import policies_result

    with cli_store() as store:
        data = policies_result(store, as_of=as_of, element=element)
    day, rows = data["as_of"], data["policies"]
    if json_out:
        print_json(data)
        return
    table = Table(title=f"policies as of {day}")
    for col in ("id", "instrument", "status", "issuer", "dates", "targets"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["id"], r["instrument"] or "", r["status"], ", ".join(r["issuer"]),
                      ", ".join(f"{k} {v}" for k, v in r["dates"].items()),
                      ", ".join(r["targets"][:6]) + (" …" if len(r["targets"]) > 6 else ""))
    console.print(table)


@cli_command
def report(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="report.md or report.html")] = None,
    plots: Annotated[Path | None, typer.Option("--plots", help="Directory for the report's PNG charts.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """The headline report on the graph: concentration, SPOFs, the 2025 controls replayed."""
    from kg.analysis.report import render_html, render_markdown
    from kg.service import report_result

    with cli_store() as store:
        report = report_result(store)
    if plots:
        from kg.analysis.plots import plot_concentration, plot_shortfall

        firsts: dict[str, dict[str, Any]] = {}
        for r in report["concentration"]:
            firsts.setdefault(r["stage"], r)
        plot_concentration(list(firsts.values()), plots / "concentration.png")
        for s in report["scenarios"]:
            plot_shortfall(s["impacts"], plots / f"shortfall-{s['as_of']}.png",
                           title=f"{s['label']} ({s['as_of']})")
    if json_out:
        print_json(report)
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
