"""Rendering the report: Markdown and HTML from :func:`kg.analysis.report.build_report`'s dict.

The number formats, which SPOF rows carry information (:func:`informative`), the source
ids a report cites (:func:`cited_sources`), its charts (:func:`report_figures`) and the two
renderers; HTML goes through markdown-it-py with the charts embedded as PNG data.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from typing import Any

__all__ = ["render_markdown", "render_html", "informative", "cited_sources", "report_figures"]


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None) -> str:
    if x is None:
        return "–"
    if math.isinf(x):
        return "unbounded"
    if 0 < abs(x) < 10:
        return f"{x:,.1f}"
    return f"{x:,.0f}"


def informative(row: dict[str, Any]) -> bool:
    """A SPOF row worth a line of its own: a facility or country on every path, or at most
    two independent country-level routes."""
    return bool(row["facility_level"] or row["country_level"]) or row["country_routes"] <= 2



def _crit_text(points: list[dict[str, Any]], limit: int = 4) -> str:
    if not points:
        return "none"
    return "; ".join(f"{p['id']} −{_pct(p['share_lost'])} [{', '.join(p['sources'][:3])}]"
                     for p in points[:limit])


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

    >>> from kg.analysis.report import build_report
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
              "(source ids, listed with title, publisher, date and URL in the bibliography at the end) and the date it holds on. Quantities are "
              "tonnes of each element per year, oxide basis (t Dy2O3-equivalent, …).", ""]
    lines += ["## Headline: supply per consumer, in element tonnes", "",
              "*demand* = the area's yearly use of the element (magnet tonnes × the element's "
              "content, or an element figure; see *What is modelled*), *before* = what reaches "
              "its magnet users with no restriction (at most the demand), *after* = with the "
              "export controls in force on the date applied as a full stop, *kept* = after / "
              "before, *of world* = before / the world's mine output of the element. Consumers "
              "with a demand share the supply pro rata (their sum never exceeds what the mines "
              "deliver).", "",
              "| as of | consumer | element | demand | before | after | kept | of world | world mine output | unit |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    unknown = sorted({h["element"] for h in report["headline"] if h.get("demand") is None})
    for h in report["headline"]:
        le = "≤ " if h.get("demand") is None else ""
        lines.append(f"| {h['as_of']} | {h['consumer_name']} | {h['element']} | "
                     f"{_num(h.get('demand')) if le == '' else 'not known'} | {le}{_num(h['before'])} | "
                     f"{le}{_num(h['after'])} | {_pct(h['kept'])} | {le}{_pct(h.get('world_share'))} | "
                     f"{_num(h['world'])} | {h['unit']} |")
    if unknown:
        lines += ["", f"≤: no demand figure for {', '.join(unknown)} (no source gives the area's "
                  "use of it, nor its content in the magnets the areas use): what the network "
                  "could carry to the area, an upper bound, not a use."]
    lines += ["", "## Findings", ""] + [f"- {f}" for f in report["findings"]] + [""]
    if images:
        lines += ["## Charts", ""]
        for title, src, alt in images:
            lines += [f"![{_md_text(alt)}]({src} \"{_md_text(title)}\")", "", f"*{title}*", ""]
    seed = report.get("seed") or {}
    if seed.get("elements"):
        lines += [f"## Where is the US still exposed after the November 2025 suspension? "
                  f"(as of {seed['as_of']})", ""]
        rs = seed["restrictions"]
        lines.append("Controls still in force: " + ("; ".join(
            f"{r['policy']} ({r['country']}: {', '.join(r['elements'] or ['all'])}"
            f"{' at ' + ', '.join(r['layers']) if r['layers'] else ''})" for r in rs)
            or "none") + ".")
        if seed["notes"]:
            lines.append("Suspended or not applied: " + "; ".join(seed["notes"]) + ".")
        lines += ["", "| element | before | after | shortfall | rests on (baseline: loss ≥ 50 %) | "
                  "rests on under the controls | on every path under the controls | routes |",
                  "|---|---|---|---|---|---|---|---|"]
        for e in seed["elements"]:
            spofs = ", ".join(p["id"] for p in e["single_points_under_controls"]) or "none"
            lines.append(f"| {e['element']} | {_num(e['before'])} | {_num(e['after'])} | "
                         f"{_num(e['shortfall'])} ({_pct(e['shortfall_share'])}) | "
                         f"{_crit_text(e['rests_on_baseline'])} | "
                         f"{_crit_text(e['rests_on_under_controls'])} | {spofs} | "
                         f"{e['routes_under_controls']} |")
        lines += ["", f"Units: {', '.join(sorted({e['unit'] for e in seed['elements']}))} per year.",
                  ""]
    lines += ["## Concentration per element (element-resolved network)", "",
              "| stage | element | year | top | HHI | flags | total | unit | basis | world reference figures | sources |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in report["element_concentration"]:
        tops = "; ".join(f"{t['name']} {_pct(t['share'])}" for t in r["top"]) or "–"
        refs = "; ".join(f"{_num(f['value'])} {f['unit']} ({f['year']}, {', '.join(f['sources'])})"
                         for f in r["references"]) or "–"
        lines.append(f"| {r['stage']} | {r['element']} | {r['year'] or 'n/s'} | {tops} | "
                     f"{r['hhi']:,.0f} | {', '.join(r['flags']) or '–'} | {_num(r['total'])} | "
                     f"{r['unit']} | {r['basis']} | {refs} | {', '.join(r['sources'][:6])} |")
    lines += ["", "## Concentration by stage, total rare earths (as the sources give it)", "",
              "One row per source edition (sources on different bases are never mixed), newest "
              "edition first for a year. HHI on the 0–10 000 scale; flags at HHI ≥ 2 500 and top "
              "share ≥ 50 %. The denominator is the source's world total when it gives one.", "",
              "| stage | element | year | top suppliers | HHI | flags | coverage | total | basis | sources |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in report["concentration"]:
        tops = "; ".join(f"{t['name']} {_pct(t['share'])}" for t in r["top"])
        total = f"{_num(r['total'])} {r['unit'] or ''}".strip() if r["total"] else "–"
        lines.append(f"| {r['stage']} | {r['element']} | {r['year'] or 'n/s'} | {tops} | "
                     f"{r['hhi']:,.0f} | {', '.join(r['flags']) or '–'} | {_pct(r['coverage'])} | "
                     f"{total} | {r['element_basis']}; {r['basis']} | {', '.join(r['sources'])} |")
    lines += ["", "## Single points of failure and critical points for magnet users", "",
              "*On every path*: dominators from a virtual super-source, at facility level and with "
              "facilities collapsed into countries. *Critical*: facilities and countries whose "
              "loss removes at least half of the consumer's supply (max-flow before/after), with "
              "the share lost. *Routes*: node-disjoint country-level routes. Only rows that carry "
              "information are listed (something on every path, or at most two routes).", "",
              "| as of | element | view | consumer | on every path (facility) | on every path (country) | critical (≥ 50 % lost) | routes | cut |",
              "|---|---|---|---|---|---|---|---|---|"]
    rest = 0
    for r in report["spof"]:
        if not informative(r):
            rest += 1
            continue
        fac = ", ".join(p["id"] for p in r["facility_level"]) or "none"
        cty = ", ".join(p["id"] for p in r["country_level"]) or "none"
        lines.append(f"| {r['as_of']} | {r['element']} | {r['view']} | {r['consumer_name']} | "
                     f"{fac} | {cty} | {_crit_text(r['critical'], 3)} | {r['country_routes']} | "
                     f"{', '.join(r['country_cut'])} |")
    if rest:
        lines += ["", f"{rest} other (date, element, view, consumer) rows: no facility or country "
                  "on every path and at least three independent country-level routes."]
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
        lines += ["", "| consumer | element | demand | before | after | shortfall | shortfall % | alone before | alone after | unit |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        bounds = False
        for i in s["impacts"]:
            le = "" if i.get("rationed", True) else "≤ "
            bounds = bounds or bool(le)
            lines.append(f"| {consumer_names.get(i['consumer'], i['consumer'])} | {i['element'] or 'all'} | "
                         f"{_num(i.get('demand')) if i.get('demand') is not None else 'not known'} | "
                         f"{le}{_num(i['alone_before']) if le else _num(i['before'])} | "
                         f"{le}{_num(i['alone_after']) if le else _num(i['after'])} | {_num(i['shortfall'])} | "
                         f"{_pct(i['shortfall_share'])} | "
                         f"{_num(i['alone_before'])} | {_num(i['alone_after'])} | {i['unit']} |")
        if bounds:
            lines += ["", "≤: no demand figure for this consumer (a firm known by a contract "
                      "without a volume): what the network could carry to it alone, an upper "
                      "bound, not shared with the others."]
        sup = "; ".join(f"{e}: world mine output {_num(v['world_mine_output'])}, reaching the "
                        f"consumers {_num(v['to_consumers_before'])} → {_num(v['to_consumers_after'])}"
                        for e, v in s["supply"].items())
        lines += ["", f"Supply: {sup}. Sources of the networks: " + ", ".join(s["sources"]), ""]
    if report["chokepoints"]:
        c0 = report["chokepoints"][0]
        lines += [f"## Chokepoints for {c0['element']} (as of {c0['as_of']}, {c0['unit']})", "",
                  "| node | country | score | measure | supply lost | betweenness | stage share | sources |",
                  "|---|---|---|---|---|---|---|---|"]
        for c in report["chokepoints"]:
            lines.append(f"| {c['name']} | {c['country']} | {c['score']:.3f} | {c['measure']} | "
                         f"{_pct(c['supply_lost_share'])} | {_pct(c['betweenness'])} | "
                         f"{_pct(c['stage_share'])} | {', '.join(c['sources'][:4])} |")
        lines.append("")
    lines += ["## What is modelled and what is missing", ""]
    if m:
        lines += [f"Networks as of {m['as_of']}: data year {m['year']}; mine-production edition "
                  f"{', '.join(m['edition']) or 'none'}; nodes/links per element "
                  + ", ".join(f"{e} {m['nodes'][e]}/{m['edges'][e]}" for e in m["nodes"]) + ".", ""]
        lines += [f"- {a}" for a in m["assumptions"]]
        lines += ["- Export controls are applied as a full stop (no licences granted): an upper "
                  "bound on the shortfall. Every rule: kg/analysis/network.py and the modules "
                  "it names (composition, capability, sourcing, flow).", ""]
        if m["missing"]:
            lines += ["Missing or assumed data:", ""] + [f"- {x}" for x in m["missing"]] + [""]
        lines += ["Sources used by the networks: " + ", ".join(m["sources"]), ""]
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

    >>> from kg.analysis.report import build_report
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

