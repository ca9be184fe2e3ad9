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

from kg.cli.common import (
    AsOfOpt,
    CsvOpt,
    JsonOpt,
    PlotOpt,
    cli_command,
    cli_store,
    console,
    network_name,
    print_json,
    print_table,
)
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


DATE_KEYS = ("announced", "effective", "suspended", "ended")


def _names(store: Any) -> dict[str, str]:
    """Entity names by id, to print beside or instead of ids."""
    return {e.id: e.name for e in store.entities() if e.type != "Source"}


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
    csv_out: CsvOpt = False,
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
    if csv_out:
        print_table("", ("stage", "element", "year", "by", "name", "id", "quantity", "unit", "share", "hhi",
                         "sources"),
                    [(stage, elem or "", r.get("year"), by, sh["name"], sh["id"], sh.get("quantity"),
                      r.get("unit"), sh["share"], r["hhi"], " ".join(r["sources"]))
                     for r in results for sh in r["shares"]], csv_out=True)
        return
    for r in results:
        flags = " ".join(r.get("flags", []))
        print_table(f"{stage} {elem or 'all rare earths'} {r.get('year') or '(year n/s)'} by {by} "
                    f"— HHI {r['hhi']:,.0f} {flags}", ("name", "id", "quantity", "share"),
                    [(sh["name"], sh["id"],
                      "–" if sh.get("quantity") is None else f"{sh['quantity']:,.0f} {r.get('unit') or ''}",
                      f"{100 * sh['share']:.1f}%") for sh in r["shares"]], right=("quantity", "share"))
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
    csv_out: CsvOpt = False,
) -> None:
    """Nodes on every supply path to a consumer (facility and country level), and redundancy."""
    from kg.service import spof_result

    with cli_store() as store:
        data = spof_result(store, consumer, element=element, as_of=as_of, controls=controls,
                           evidence=evidence)
        names = _names(store) if not json_out else {}
    node, elem, day = data["consumer"], data["element"], data["as_of"]
    if json_out:
        print_json(data)
        return

    def path_text(path: list[str], sep: str) -> str:
        return sep.join(network_name(str(n), names) for n in path)

    levels = (("facility level", data["single_points"]), ("country level", data["country_level"]))
    if csv_out:
        print_table("", ("level", "name", "id", "type", "evidence"),
                    [(level, p.get("name") or network_name(str(p["id"]), names), p["id"], p.get("type"),
                      " | ".join(path_text(path, " > ") for path in p.get("evidence", [])))
                     for level, pts in levels for p in pts], csv_out=True)
        return
    for title, pts in levels:
        if not pts:
            console.print(f"{title}: none (no node lies on every supply path)")
            continue
        print_table(f"single points of failure for {network_name(node, names)} ({elem or 'all'}, {day}), "
                    f"{title}", ("name", "id", "type", "evidence"),
                    [(p.get("name") or network_name(str(p["id"]), names), p["id"], p.get("type", ""),
                      "\n".join(path_text(path, " → ") for path in p.get("evidence", []))) for p in pts])
    red = data["redundancy"]
    console.print(f"independent country-level routes: {red.get('routes')}; smallest cut: "
                  f"{', '.join(map(str, red.get('cut') or [])) or '–'}")
    crit = data.get("critical", [])
    if crit:
        print_table(f"critical: loss removes ≥ 50 % of {network_name(node, names)}'s "
                    f"{elem or 'REO'} ({data.get('unit', '')})",
                    ("name", "id", "level", "before", "after", "share lost", "sources"),
                    [(network_name(str(p["id"]), names), p["id"], p["level"], f"{p['before']:,.1f}",
                      f"{p['after']:,.1f}", f"{100 * p['share_lost']:.1f}%",
                      ", ".join(p["sources"][:3])) for p in crit],
                    right=("before", "after", "share lost"))
    else:
        console.print("critical: no facility or country whose loss removes half the supply")


@analyze.command("chokepoints")
@cli_command
def chokepoints_cmd(
    element: Annotated[str | None, typer.Option("--element", help="Element symbol.")] = None,
    top: Annotated[int, typer.Option("--top", min=1)] = 10,
    as_of: AsOfOpt = None,
    json_out: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """Nodes ranked by supply lost when removed, supply betweenness and stage share."""
    from kg.service import chokepoints_result

    with cli_store() as store:
        data = chokepoints_result(store, element=element, top=top, as_of=as_of)
        names = _names(store) if not json_out else {}
    elem, day = data["element"], data["as_of"]
    if json_out:
        print_json(data)
        return
    def pct(x: float | None) -> str | float | None:
        return x if csv_out else ("–" if x is None else f"{100 * x:.1f}%")

    cols = ("name", "id", "country", "score", "measure", "supply lost", "betweenness", "stage share")
    rows = [(c.get("name") or c["id"], c["id"], names.get(str(c.get("country")), c.get("country")),
             c["score"] if csv_out else f"{c['score']:.3f}", c.get("measure", ""),
             pct(c.get("supply_lost_share")), pct(c.get("betweenness", 0.0)), pct(c.get("stage_share")))
            for c in data["chokepoints"]]
    if not csv_out:  # the name says which node it is; the id stays in --csv and --json
        cols = cols[:1] + cols[2:]
        rows = [r[:1] + r[2:] for r in rows]
    print_table(f"chokepoints ({elem or 'all elements'}, {day})", cols, rows, csv_out=csv_out,
                right=("score", "supply lost", "betweenness", "stage share"))


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
    csv_out: CsvOpt = False,
) -> None:
    """Max-flow per consumer before and after restrictions or losses: the shortfall."""
    from kg.service import scenario_result

    with cli_store() as store:
        data = scenario_result(store, restrict=restrict, remove=remove, policies=policies,
                               elements=element, as_of=as_of)
        names = _names(store) if not json_out else {}
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
    if csv_out:
        print_table("", ("consumer", "consumer_id", "element", "demand", "before", "after", "shortfall",
                         "shortfall_share", "rationed", "unit"),
                    [(network_name(i["consumer"], names), i["consumer"], i["element"] or "all",
                      i.get("demand"), i["before"], i["after"], i["shortfall"], i["shortfall_share"],
                      i.get("rationed", True), i.get("unit") or data.get("unit"))
                     for i in data["impacts"]],
                    csv_out=True)
        return
    console.print(f"[bold]{name}[/] as of {day}: "
                  + ("; ".join(label(r) for r in restrictions) or "no restriction"))
    unit = data.get("unit") or "tonnes per year"
    def amount(v: float | None, bound: bool) -> str:
        return "unbounded" if v is None else ("≤ " if bound else "") + f"{v:,.1f}"

    print_table(f"impact per consumer, tonnes of each element per year (consumers with a demand "
                f"share pro rata; {unit})",
                ("consumer", "element", "demand", "before", "after", "shortfall", "shortfall %", "unit"),
                [(network_name(i["consumer"], names), i["element"] or "all",
                  "not known" if i.get("demand") is None else f"{i['demand']:,.1f}",
                  *((amount(i["before"], False), amount(i["after"], False)) if i.get("rationed", True)
                    else (amount(i["alone_before"], True), amount(i["alone_after"], True))),
                  "–" if i["shortfall"] is None else amount(i["shortfall"], False),
                  "–" if i["shortfall_share"] is None else f"{100 * i['shortfall_share']:.1f}%",
                  i.get("unit") or "")
                 for i in data["impacts"]], right=("demand", "before", "after", "shortfall", "shortfall %"))
    if any(not i.get("rationed", True) for i in data["impacts"]):
        console.print("  ≤: no demand figure for this consumer (a contract without a volume): what "
                      "the network could carry to it alone, an upper bound, not shared.")
    for note in data["scenario"].get("notes", []):
        console.print(f"  note: {note}")
    if plot:
        console.print(f"plot written to {plot}")


@cli_command
def policies(
    as_of: AsOfOpt = None,
    element: Annotated[str | None, typer.Option("--element", help="Only policies targeting it.")] = None,
    json_out: JsonOpt = False,
    csv_out: CsvOpt = False,
) -> None:
    """Policies with their status on a date (planned, announced, in force, suspended, ended)."""
    from kg.service import policies_result

    with cli_store() as store:
        data = policies_result(store, as_of=as_of, element=element)
        names = _names(store) if not json_out else {}
    day, rows = data["as_of"], data["policies"]
    if json_out:
        print_json(data)
        return
    def named(ids: list[str], sep: str) -> str:
        return sep.join(names.get(i, i) for i in ids)

    if csv_out:
        print_table("", ("name", "id", "instrument", "status", "issuer", *DATE_KEYS, "targets"),
                    [(r.get("name") or r["id"], r["id"], r["instrument"], r["status"], named(r["issuer"], "; "),
                      *(r["dates"].get(k) for k in DATE_KEYS), named(r["targets"], "; ")) for r in rows],
                    csv_out=True)
        return
    print_table(f"policies as of {day}", ("name", "id", "instrument", "status", "issuer", "dates", "targets"),
                [(r.get("name") or r["id"], r["id"], r["instrument"] or "", r["status"], named(r["issuer"], ", "),
                  "\n".join(f"{k} {v}" for k, v in r["dates"].items()), named(r["targets"], ", "))
                 for r in rows])


@cli_command
def report(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="report.md or report.html")] = None,
    plots: Annotated[Path | None, typer.Option("--plots", help="Directory for the report's PNG charts.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """The headline report on the graph: concentration, SPOFs, the 2025 controls replayed.
    HTML embeds its charts; Markdown links to the charts written with --plots. Both end with
    the bibliography of every cited source."""
    import os

    from kg.analysis.report import render_html, render_markdown, report_figures
    from kg.service import report_result

    if output is not None and output.suffix.lower() not in (".md", ".html", ".htm"):
        raise RekgError(f"-o {output}: expected a file name ending in .md or .html")
    with cli_store() as store:
        report = report_result(store)
    html = output is not None and output.suffix.lower() in (".html", ".htm")
    figures = report_figures(report) if plots or html else []
    images = []
    if plots:
        plots.mkdir(parents=True, exist_ok=True)
        for f in figures:
            path = plots / f"{f['name']}.png"
            path.write_bytes(f["png"])
            src = os.path.relpath(path, output.parent) if output is not None else str(path)
            images.append((f["title"], src, f["alt"]))
        if not json_out:
            console.print(f"{len(figures)} charts written to {plots}")
    if json_out:
        print_json(report)
    if output is not None:
        text = render_html(report, figures) if html else render_markdown(report, images)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        console.print(f"report written to {output}")
    if not json_out:
        console.print("[bold]rekg headline findings[/]")
        for line in report["findings"]:
            console.print(f"- {line}", highlight=False)
