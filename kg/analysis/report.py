"""The headline report: concentration, single points of failure and the 2025 controls replayed.

:func:`build_report` computes everything from the store's records (pure: records in, a
dict out); :func:`attach_bibliography` adds the title, publisher, date and URL of every
source id the report cites; :func:`render_markdown` and :func:`render_html` turn that dict
into text (HTML through markdown-it-py, with the charts of :func:`report_figures` embedded as
PNG data). Every number carries its source ids and the as-of date it was computed for, and
both formats end with the bibliography that resolves those ids.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Sequence
from typing import Any

from kg.analysis.chokepoints import rank_chokepoints
from kg.analysis.concentration import concentration
from kg.analysis.projection import consumer_id, element_network, project_supply_network
from kg.analysis.scenario import apply_scenario, restrictions_from_policies, run_scenario
from kg.analysis.spof import collapse_to_countries, redundancy, single_points_of_failure
from kg.model import Claim, Entity

__all__ = ["REPORT_DATES", "REPORT_ELEMENTS", "REPORT_AREAS", "build_report", "render_markdown",
           "render_html", "summary_lines", "cited_sources", "attach_bibliography", "report_figures"]

#: April 2025 controls, October 2025 controls, the November 2025 suspension in force.
REPORT_DATES: tuple[tuple[str, str], ...] = (
    ("2025-04-04", "April 2025 controls (MOFCOM Announcement 18)"),
    ("2025-10-09", "October 2025 controls announced (Announcements 55–62)"),
    ("2025-11-10", "after the November 2025 suspension (Announcement 70, Busan/Kuala Lumpur)"),
)
REPORT_ELEMENTS: tuple[str, ...] = ("Nd", "Pr", "Dy", "Tb")
REPORT_AREAS: tuple[str, ...] = ("country:US", "region:eu", "country:JP")
STAGES: tuple[str, ...] = ("mining", "separation", "metal", "magnet")


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None) -> str:
    if x is None:
        return "–"
    if math.isinf(x):
        return "unbounded"
    return f"{x:,.0f}"


def build_report(
    entities: Iterable[Entity],
    claims: Iterable[Claim],
    dates: Sequence[tuple[str, str]] = REPORT_DATES,
    elements: Sequence[str] = REPORT_ELEMENTS,
    areas: Sequence[str] = REPORT_AREAS,
    top: int = 10,
) -> dict[str, Any]:
    """Compute the report's data.

    Examples
    --------
    On an empty graph every section is present and empty:

    >>> r = build_report([], [], dates=[("2025-04-04", "April")], elements=["Dy"])
    >>> sorted(r)
    ['chokepoints', 'concentration', 'dates', 'elements', 'findings', 'model', 'scenarios', 'spof']
    """
    ents = list(entities)
    cl = list(claims)
    names = {e.id: e.name for e in ents}
    conc = []
    for stage in STAGES:
        # element rows only where a source gives element-specific figures; otherwise one
        # total-REO row stands for all the report's elements
        rows = [(None, r) for r in concentration(ents, cl, stage)]
        for element in elements:
            rows += [(element, r) for r in concentration(ents, cl, stage, element=element)
                     if not r.element_basis.startswith("total")]
        for element, r in rows:
            if not r.comparable:
                continue
            conc.append(r.to_json() | {
                "element": element or "all (total REO)",
                "top": [{"id": s.id, "name": s.name, "share": s.share} for s in r.shares[:3]]})
    consumers = [consumer_id(a) for a in areas]
    spof_rows: list[dict[str, Any]] = []
    scen_rows: list[dict[str, Any]] = []
    model: dict[str, Any] = {}
    choke: list[dict[str, Any]] = []
    for as_of, label in dates:
        G = project_supply_network(ents, cl, as_of=as_of, consumers=areas)
        model = {"as_of": as_of, "year": G.graph["year"], "edition": G.graph["edition"],
                 "world_total": G.graph["world_total"], "assumptions": G.graph["assumptions"],
                 "missing": G.graph["missing"], "sources": G.graph["sources"],
                 "mandatory_layers": G.graph["mandatory_layers"],
                 "optional_layers": G.graph["optional_layers"],
                 "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
        sc = restrictions_from_policies(ents, cl, as_of)
        res = run_scenario(G, sc, elements=list(elements), consumers=consumers)
        scen_rows.append({"as_of": as_of, "label": label, "scenario": sc.to_json(),
                          "impacts": [i.to_json() for i in res.impacts],
                          "sources": res.sources})
        for element in elements:
            E = element_network(G, element)
            A = apply_scenario(E, sc, element)
            for view, H in (("baseline", E), ("controls in force", A)):
                points = single_points_of_failure(H, consumers, evidence=1)
                country = collapse_to_countries(H)
                cpoints = single_points_of_failure(country, consumers, evidence=1)
                for c in consumers:
                    red = redundancy(country, c)
                    spof_rows.append({
                        "as_of": as_of, "element": element, "view": view, "consumer": c,
                        "consumer_name": H.nodes[c]["name"] if c in H else c,
                        "facility_level": [p.to_json() for p in points[c]],
                        "country_level": [p.to_json() for p in cpoints[c]],
                        "country_routes": red.routes, "country_cut": red.cut,
                    })
        choke = [c.to_json() | {"as_of": as_of} for c in rank_chokepoints(G, top=top)]
    findings = _findings(scen_rows, spof_rows, conc, names)
    return {"dates": [{"as_of": d, "label": lab} for d, lab in dates],
            "elements": list(elements), "concentration": conc, "spof": spof_rows,
            "scenarios": scen_rows, "chokepoints": choke, "model": model, "findings": findings}


def _findings(scen: list[dict[str, Any]], spof: list[dict[str, Any]], conc: list[dict[str, Any]],
              names: dict[str, str]) -> list[str]:
    out = []
    for stage in STAGES:
        rows = [r for r in conc if r["stage"] == stage and r["shares"]]
        if not rows:
            continue
        r = max(rows, key=lambda r: (r["year"] or 0, r["coverage"]))
        lead = r["shares"][0]
        out.append(f"{stage}: {lead['name']} holds {_pct(lead['share'])} "
                   f"(HHI {r['hhi']:,.0f}, {r['year'] or 'year not stated'}; "
                   f"{', '.join(r['sources'])}).")
    for s in scen:
        worst: dict[str, tuple[float, str]] = {}
        for i in s["impacts"]:
            share = i["shortfall_share"]
            if share is None:
                continue
            key = i["consumer"]
            if share > worst.get(key, (-1.0, ""))[0]:
                worst[key] = (share, i["element"] or "all")
        parts = [f"{names.get(k.split('@')[0], k)} {_pct(v[0])} of {v[1]}"
                 for k, v in worst.items() if v[0] > 0]
        policies = sorted({r["policy"] for r in s["scenario"]["restrictions"] if r["policy"]})
        if parts:
            out.append(f"{s['as_of']} ({s['label']}): with {', '.join(policies)} applied as a "
                       f"full stop, the largest shortfalls are " + "; ".join(parts) + ".")
        else:
            out.append(f"{s['as_of']} ({s['label']}): no rare-earth export restriction in force "
                       "cuts magnet supply in the model.")
    for row in spof:
        if row["view"] == "controls in force" and row["country_level"]:
            pts = ", ".join(p["id"] for p in row["country_level"])
            out.append(f"{row['as_of']}: under the controls in force, every {row['element']} "
                       f"supply route to {row['consumer_name']} runs through {pts}.")
    return out


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The findings, one line each (what ``make run`` prints)."""
    return list(report["findings"])


def cited_sources(report: Any) -> list[str]:
    """Every source id cited anywhere in the report (sorted), bibliography excluded.

    >>> cited_sources({"a": ["source:b", {"x": "source:a"}], "n": 1, "bibliography": ["source:z"]})
    ['source:a', 'source:b']
    """
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if value.startswith("source:"):
                found.add(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key != "bibliography":
                    walk(item)
        elif isinstance(value, list | tuple | set):
            for item in value:
                walk(item)

    walk(report)
    return sorted(found)


def attach_bibliography(report: dict[str, Any], entities: Iterable[Entity]) -> dict[str, Any]:
    """Add ``report["bibliography"]``: one entry per cited source id with its title,
    publisher, published date and URL (``None`` where the graph lacks the source)."""
    by_id = {e.id: e for e in entities if e.type == "Source"}
    entries = []
    for sid in cited_sources(report):
        ent = by_id.get(sid)
        props = ent.properties if ent else {}
        entries.append({"id": sid, "title": props.get("title") or (ent.name if ent else None),
                        "publisher": props.get("publisher"), "published": props.get("published"),
                        "url": props.get("url")})
    report["bibliography"] = entries
    return report


def _consumer_names(report: dict[str, Any]) -> dict[str, str]:
    return {r["consumer"]: r["consumer_name"] for r in report.get("spof", []) if r.get("consumer_name")}


def report_figures(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's charts as PNG bytes: concentration by stage (first edition per stage)
    and the shortfall at each replayed date. Each is ``{"name", "title", "alt", "png"}``."""
    from kg.analysis.plots import concentration_figure, figure_png, shortfall_figure

    sources = {b["id"]: b for b in report.get("bibliography", [])}
    figures = []
    firsts: dict[str, dict[str, Any]] = {}
    for r in report["concentration"]:
        if not str(r.get("element") or "").startswith("all") and r.get("element"):
            continue
        firsts.setdefault(r["stage"], r)
    if firsts:
        rows = list(firsts.values())
        title = "Concentration by stage (share of output by country, total rare-earth oxide)"
        alt = "; ".join(f"{r['stage']} {r.get('year') or ''}: " + ", ".join(
            f"{t['name']} {_pct(t['share'])}" for t in r["top"]) for r in rows)
        figures.append({"name": "concentration", "title": title, "alt": alt,
                        "png": figure_png(concentration_figure(rows, title, sources))})
    names = _consumer_names(report)
    for s in report["scenarios"]:
        if not s["impacts"]:
            continue
        title = f"Shortfall of magnet supply, {s['label']} ({s['as_of']})"
        note = (f"rekg max-flow model as of {s['as_of']}; export controls in force applied as a full "
                f"stop; network built from {len(s['sources'])} cited sources (see the bibliography).")
        alt = "; ".join(f"{names.get(i['consumer'], i['consumer'])} {i['element'] or 'all'} "
                        f"{_pct(i['shortfall_share'])} short" for i in s["impacts"])
        figures.append({"name": f"shortfall-{s['as_of']}", "title": title, "alt": alt,
                        "png": figure_png(shortfall_figure(s["impacts"], title, names, note))})
    return figures


def _md_text(text: str) -> str:
    """Text safe inside a Markdown table cell or link label."""
    return str(text).replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")


def render_markdown(report: dict[str, Any], images: Sequence[tuple[str, str, str]] = ()) -> str:
    """The report as Markdown, ending with the bibliography; ``images`` are (title, src, alt)
    shown under *Charts* (files beside the report, or data URIs for the HTML).

    >>> text = render_markdown(build_report([], [], dates=[("2025-04-04", "April")],
    ...                                     elements=["Dy"]))
    >>> text.splitlines()[0]
    '# rekg: rare-earth supply, concentration and disruption'
    """
    m = report["model"]
    consumer_names = _consumer_names(report)
    lines = ["# rekg: rare-earth supply, concentration and disruption", ""]
    lines += ["Question: if a country, firm, facility or policy moves, which supply of which "
              "element breaks, for whom, and how badly? Every figure below names its sources "
              "(source ids, listed with title, publisher, date and URL in the bibliography at the "
              "end) and the date it holds on.", ""]
    lines += ["## Headline findings", ""] + [f"- {f}" for f in report["findings"]] + [""]
    if images:
        lines += ["## Charts", ""]
        for title, src, alt in images:
            lines += [f"![{_md_text(alt)}]({src} \"{_md_text(title)}\")", "", f"*{title}*", ""]
    lines += ["## Concentration by stage", "",
              "One row per source edition (sources on different bases are never mixed). HHI on "
              "the 0–10 000 scale; flags at HHI ≥ 2 500 and top share ≥ 50 %. Where no "
              "element-specific figure exists the total-REO figure stands in (column *basis*).",
              "",
              "| stage | element | year | top suppliers | HHI | flags | coverage | total | basis | sources |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in report["concentration"]:
        tops = "; ".join(f"{t['name']} {_pct(t['share'])}" for t in r["top"])
        total = f"{_num(r['total'])} {r['unit'] or ''}".strip() if r["total"] else "–"
        lines.append(f"| {r['stage']} | {r['element']} | {r['year'] or 'n/s'} | {tops} | "
                     f"{r['hhi']:,.0f} | {', '.join(r['flags']) or '–'} | {_pct(r['coverage'])} | "
                     f"{total} | {r['element_basis']}; {r['basis']} | {', '.join(r['sources'])} |")
    lines += ["", "## Single points of failure for magnet users", "",
              "Nodes on every supply path from any mine to the consumer (dominators from a "
              "virtual super-source), at facility level and with facilities collapsed into "
              "countries; *routes* is the number of node-disjoint country-level routes and "
              "*cut* a smallest set of countries whose loss cuts every route. *Controls in "
              "force* = the network after the export controls in force on that date, applied "
              "as a full stop.", "",
              "| as of | element | view | consumer | facility SPOFs | country SPOFs | routes | cut |",
              "|---|---|---|---|---|---|---|---|"]
    for r in report["spof"]:
        fac = ", ".join(p["id"] for p in r["facility_level"]) or "none"
        cty = ", ".join(p["id"] for p in r["country_level"]) or "none"
        lines.append(f"| {r['as_of']} | {r['element']} | {r['view']} | {r['consumer_name']} | "
                     f"{fac} | {cty} | {r['country_routes']} | {', '.join(map(str, r['country_cut']))} |")
    lines += ["", "## The 2025 controls replayed", ""]
    for s in report["scenarios"]:
        lines += [f"### {s['as_of']}: {s['label']}", ""]
        rs = s["scenario"]["restrictions"]
        if rs:
            lines += ["Restrictions applied (policies in force on this date):", ""]
            for r in rs:
                lines.append(f"- {r['policy']}: {r['country']} exports of "
                             f"{', '.join(r['elements']) if r['elements'] else 'all elements'}"
                             f"{' at ' + ', '.join(r['layers']) if r['layers'] else ''} "
                             f"[{', '.join(r['sources'])}]")
        else:
            lines.append("No rare-earth export restriction in force.")
        if s["scenario"]["notes"]:
            lines += ["", "Not applied: " + "; ".join(s["scenario"]["notes"])]
        lines += ["", "| consumer | element | before | after | shortfall | shortfall % |",
                  "|---|---|---|---|---|---|"]
        for i in s["impacts"]:
            lines.append(f"| {consumer_names.get(i['consumer'], i['consumer'])} | {i['element'] or 'all'} | {_num(i['before'])} | "
                         f"{_num(i['after'])} | {_num(i['shortfall'])} | {_pct(i['shortfall_share'])} |")
        lines += ["", "Units: t REO-equivalent per year (max-flow). Sources of the network: "
                  + ", ".join(s["sources"]), ""]
    if report["chokepoints"]:
        lines += [f"## Chokepoints (as of {report['chokepoints'][0]['as_of']})", "",
                  "| node | country | score | measure | supply lost | betweenness | stage share | sources |",
                  "|---|---|---|---|---|---|---|---|"]
        for c in report["chokepoints"]:
            lines.append(f"| {c['name']} | {c['country']} | {c['score']:.3f} | {c['measure']} | "
                         f"{_pct(c['supply_lost_share'])} | {_pct(c['betweenness'])} | "
                         f"{_pct(c['stage_share'])} | {', '.join(c['sources'][:4])} |")
        lines.append("")
    lines += ["## What is modelled and what is missing", ""]
    if m:
        lines += [f"Network as of {m['as_of']}: {m['nodes']} nodes, {m['edges']} links; data year "
                  f"{m['year']}; mine-production edition {', '.join(m['edition']) or 'none'}; "
                  f"mandatory layers {', '.join(m['mandatory_layers'])}; optional layers "
                  f"{', '.join(m['optional_layers']) or 'none'}.", ""]
        lines += [f"- {a}" for a in m["assumptions"]]
        lines += ["- Export controls are applied as a full stop (no licences granted): an upper "
                  "bound on the shortfall. Quantities are total REO; elements select the nodes "
                  "that can supply them (see kg/analysis/projection.py for every rule).", ""]
        if m["missing"]:
            lines += ["Missing or assumed data:", ""] + [f"- {x}" for x in m["missing"]] + [""]
        lines += ["Sources used by the network: " + ", ".join(m["sources"]), ""]
    lines += ["## Bibliography", ""]
    bib = report.get("bibliography")
    if bib is None:
        bib = [{"id": sid, "title": None, "publisher": None, "published": None, "url": None}
               for sid in cited_sources(report)]
    if not bib:
        lines.append("No source is cited.")
    for b in bib:
        parts = [f"*{_md_text(b['title'])}*" if b.get("title") else "title not in the graph"]
        parts += [_md_text(b[k]) for k in ("publisher", "published") if b.get(k)]
        url = f" <{b['url']}>" if b.get("url") else ""
        lines.append(f"- `{b['id']}`: {', '.join(parts)}.{url}")
    lines.append("")
    return "\n".join(lines)


_HTML_STYLE = """
body { font-family: system-ui, "DejaVu Sans", sans-serif; max-width: 82em; margin: 1em auto; padding: 0 1em;
       color: #1a1a1a; line-height: 1.45; }
table { border-collapse: collapse; margin: .6em 0 1.2em; } td, th { border: 1px solid #c9ced4; padding: 2px 6px;
font-size: 90%; vertical-align: top; } th { background: #f3f5f7; }
img { max-width: 100%; height: auto; border: 1px solid #e2e5e9; } a { color: #0b4f9c; }
h2 { border-bottom: 1px solid #c9ced4; padding-bottom: .2em; margin-top: 1.6em; }
"""


def render_html(report: dict[str, Any], figures: Sequence[dict[str, Any]] | None = None) -> str:
    """The report as a standalone HTML page: the Markdown rendered by markdown-it-py (tables
    on, raw HTML off), charts embedded as base64 PNG (``figures`` default
    :func:`report_figures`), ending with the bibliography, whose entries link to their URLs.

    >>> page = render_html(build_report([], [], dates=[("2025-04-04", "A")], elements=[]))
    >>> page[:15], "<h2>Bibliography</h2>" in page
    ('<!doctype html>', True)
    """
    from markdown_it import MarkdownIt

    if figures is None:
        figures = report_figures(report)
    images = [(f["title"], "data:image/png;base64," + base64.b64encode(f["png"]).decode("ascii"), f["alt"])
              for f in figures]
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = md.render(render_markdown(report, images))
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>rekg report</title><style>{_HTML_STYLE}</style></head><body>\n"
            + body + "</body></html>\n")
