"""The headline report: concentration, single points of failure and the 2025 controls replayed.

:func:`build_report` computes everything from the store's records (pure: records in, a
dict out); :func:`attach_bibliography` adds the title, publisher, date and URL of every
source id the report cites; :func:`render_markdown` and :func:`render_html`
(:mod:`kg.analysis.render`, re-exported here) turn that dict into text (HTML through
markdown-it-py, with the charts of :func:`report_figures` embedded as PNG data). Every number carries its source ids and the as-of date it was computed for, and
both formats end with the bibliography that resolves those ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kg.analysis.chokepoints import rank_chokepoints
from kg.analysis.concentration import concentration, network_concentration
from kg.analysis.figures import world_element_figures
from kg.analysis.network import consumer_id, element_network, prepare
from kg.analysis.render import (
    _num,
    _pct,
    cited_sources,
    informative,
    render_html,
    render_markdown,
    report_figures,
)
from kg.analysis.scenario import apply_scenario, restrictions_from_policies, run_scenario
from kg.analysis.spof import (
    carrying,
    collapse_to_countries,
    critical_points,
    redundancy,
    single_points_of_failure,
)
from kg.model import Claim, Entity

__all__ = ["REPORT_DATES", "REPORT_ELEMENTS", "REPORT_AREAS", "build_report", "render_markdown",
           "render_html", "summary_lines", "informative", "cited_sources", "attach_bibliography",
           "report_figures"]

#: April 2025 controls, October 2025 controls, the November 2025 suspension in force.
REPORT_DATES: tuple[tuple[str, str], ...] = (
    ("2025-04-04", "April 2025 controls (MOFCOM Announcement 18)"),
    ("2025-10-09", "October 2025 controls announced (Announcements 55–62)"),
    ("2025-11-10", "after the November 2025 suspension (Announcement 70, Busan/Kuala Lumpur)"),
)
REPORT_ELEMENTS: tuple[str, ...] = ("Nd", "Pr", "Dy", "Tb")
REPORT_AREAS: tuple[str, ...] = ("country:US", "region:eu", "country:JP")
STAGES: tuple[str, ...] = ("mining", "separation", "metal", "magnet")
#: the seed article's question: where is the US still exposed after the suspension?
SEED_AREA = "country:US"


def build_report(
    entities: Iterable[Entity],
    claims: Iterable[Claim],
    dates: Sequence[tuple[str, str]] = REPORT_DATES,
    elements: Sequence[str] = REPORT_ELEMENTS,
    areas: Sequence[str] = REPORT_AREAS,
    top: int = 10,
) -> dict[str, Any]:
    """Compute the report's data (element-resolved networks, one per date and element).

    Examples
    --------
    On an empty graph every section is present and empty:

    >>> r = build_report([], [], dates=[("2025-04-04", "April")], elements=["Dy"])
    >>> sorted(r)
    ['chokepoints', 'concentration', 'dates', 'element_concentration', 'elements', 'findings', 'headline', 'model', 'scenarios', 'seed', 'spof']
    """
    ents = list(entities)
    cl = list(claims)
    names = {e.id: e.name for e in ents}
    ent_map = {e.id: e for e in ents}
    conc = []
    for stage in STAGES:
        for r in concentration(ents, cl, stage):
            if r.comparable:
                conc.append(r.to_json() | {
                    "element": "all (total REO)",
                    "top": [{"id": s.id, "name": s.name, "share": s.share} for s in r.shares[:3]]})
    consumers = [consumer_id(a) for a in areas]
    spof_rows: list[dict[str, Any]] = []
    scen_rows: list[dict[str, Any]] = []
    element_conc: list[dict[str, Any]] = []
    model: dict[str, Any] = {}
    choke: list[dict[str, Any]] = []
    for as_of, label in dates:
        d = prepare(ents, cl, as_of=as_of, consumers=areas)
        nets = {e: element_network(d, e) for e in elements}
        assumptions: list[str] = []
        missing: list[str] = []
        srcs: set[str] = set()
        for G in nets.values():
            assumptions += [a for a in G.graph["assumptions"] if a not in assumptions]
            missing += [m for m in G.graph["missing"] if m not in missing]
            srcs |= set(G.graph["sources"])
        model = {"as_of": as_of, "year": d.year,
                 "edition": list(d.world_mine.sources) if d.world_mine else [],
                 "world_total": d.world_mine.value if d.world_mine else None,
                 "assumptions": assumptions, "missing": missing, "sources": sorted(srcs),
                 "units": {e: G.graph["unit"] for e, G in nets.items()},
                 "nodes": {e: G.number_of_nodes() for e, G in nets.items()},
                 "edges": {e: G.number_of_edges() for e, G in nets.items()}}
        sc = restrictions_from_policies(ents, cl, as_of)
        res = run_scenario(nets, sc, elements=list(elements), consumers=consumers)
        scen_rows.append({"as_of": as_of, "label": label, "scenario": sc.to_json(),
                          "impacts": [i.to_json() for i in res.impacts], "supply": res.supply,
                          "sources": res.sources})
        for element in elements:
            E = nets[element]
            A = apply_scenario(E, sc, element)
            for view, H in (("baseline", E), ("controls in force", A)):
                present = [c for c in consumers if c in H]
                H = carrying(H, present)
                points = single_points_of_failure(H, present, evidence=2)
                country = collapse_to_countries(H)
                cpoints = single_points_of_failure(country, present, evidence=2)
                for c in present:
                    red = redundancy(country, c)
                    crit = critical_points(H, c)
                    spof_rows.append({
                        "as_of": as_of, "element": element, "view": view, "consumer": c,
                        "consumer_name": H.nodes[c]["name"],
                        "facility_level": [p.to_json() for p in points[c]],
                        "country_level": [p.to_json() for p in cpoints[c]],
                        "critical": [p.to_json() for p in crit],
                        "country_routes": red.routes, "country_cut": [str(x) for x in red.cut],
                    })
        if as_of == dates[-1][0]:
            for element in elements:
                G = nets[element]
                refs = world_element_figures(cl, ent_map, element, "mining", d.year)
                for layer in ("mining", "separation"):
                    r = network_concentration(G, layer, refs[0] if refs and layer == "mining"
                                              else None)
                    element_conc.append(r.to_json() | {
                        "as_of": as_of, "references": [f.to_json() for f in refs]
                        if layer == "mining" else [],
                        "top": [{"id": s.id, "name": names.get(s.id, s.id), "share": s.share,
                                 "quantity": s.quantity} for s in r.shares[:3]]})
            focus = "Dy" if "Dy" in nets else (elements[0] if elements else None)
            if focus is not None:
                choke = [c.to_json() | {"as_of": as_of, "element": focus,
                                        "unit": nets[focus].graph["unit"]}
                         for c in rank_chokepoints(nets[focus], top=top)]
    headline = _headline(scen_rows, names)
    seed = _seed(scen_rows, spof_rows, names, consumer_id(SEED_AREA))
    findings = _findings(scen_rows, spof_rows, element_conc, names)
    return {"dates": [{"as_of": d, "label": lab} for d, lab in dates],
            "elements": list(elements), "concentration": conc,
            "element_concentration": element_conc, "headline": headline, "spof": spof_rows,
            "scenarios": scen_rows, "chokepoints": choke, "model": model, "seed": seed,
            "findings": findings}


def _headline(scen: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """Per date, consumer and element: before / after in element tonnes and the share kept."""
    rows = []
    for s in scen:
        for i in s["impacts"]:
            if "@" not in i["consumer"]:
                continue
            if i["before"] is None:
                continue
            kept = None if not i["before"] else (i["after"] or 0.0) / i["before"]
            rows.append({"as_of": s["as_of"], "consumer": i["consumer"],
                         "consumer_name": names.get(i["consumer"].split("@")[0], i["consumer"]),
                         "element": i["element"], "unit": i["unit"], "before": i["before"],
                         "after": i["after"], "shortfall": i["shortfall"], "kept": kept,
                         "demand": i.get("demand"),
                         "world": (s["supply"].get(i["element"] or "all") or {}).get(
                             "world_mine_output")})
    for r in rows:
        r["world_share"] = (r["before"] / r["world"]) if r["world"] and r["before"] is not None \
            else None
    return rows


def _seed(scen: list[dict[str, Any]], spof: list[dict[str, Any]], names: dict[str, str],
          consumer: str) -> dict[str, Any]:
    """The seed article's question on the last date: the consumer's shortfall per element,
    and the facilities and countries it rests on (critical points, SPOFs), with sources."""
    if not scen:
        return {}
    last = scen[-1]
    out: dict[str, Any] = {"as_of": last["as_of"], "label": last["label"], "consumer": consumer,
                           "elements": []}
    for i in last["impacts"]:
        if i["consumer"] != consumer:
            continue
        rows = [r for r in spof if r["as_of"] == last["as_of"] and r["consumer"] == consumer
                and r["element"] == i["element"]]
        ctrl = next((r for r in rows if r["view"] == "controls in force"), None)
        base = next((r for r in rows if r["view"] == "baseline"), None)
        out["elements"].append({
            "element": i["element"], "unit": i["unit"], "before": i["before"],
            "after": i["after"], "shortfall": i["shortfall"],
            "shortfall_share": i["shortfall_share"],
            "rests_on_baseline": (base or {}).get("critical", []),
            "rests_on_under_controls": (ctrl or {}).get("critical", []),
            "single_points_under_controls": ((ctrl or {}).get("country_level", [])
                                             + (ctrl or {}).get("facility_level", [])),
            "routes_under_controls": (ctrl or {}).get("country_routes"),
        })
    out["restrictions"] = last["scenario"]["restrictions"]
    out["notes"] = last["scenario"]["notes"]
    return out


def _findings(scen: list[dict[str, Any]], spof: list[dict[str, Any]],
              conc: list[dict[str, Any]], names: dict[str, str]) -> list[str]:
    out = []
    for r in conc:
        if not r["shares"]:
            continue
        lead = r["shares"][0]
        out.append(f"{r['element']} {r['stage']}: {names.get(lead['id'], lead['id'])} "
                   f"{_pct(lead['share'])} of {_num(r['total'])} {r['unit']} "
                   f"(HHI {r['hhi']:,.0f}; {r['basis'].split(';')[0]}).")
    for s in scen:
        parts = []
        for i in s["impacts"]:
            if "@" not in i["consumer"] or not i["before"]:
                continue
            demand = f" of {_num(i['demand'])} used" if i.get("demand") is not None else ""
            parts.append(f"{names.get(i['consumer'].split('@')[0], i['consumer'])} "
                         f"{i['element']} {_num(i['before'])}{demand} → {_num(i['after'])} t")
        policies = sorted({r["policy"] for r in s["scenario"]["restrictions"] if r["policy"]})
        what = f"with {', '.join(f'{names.get(p, p)} ({p})' for p in policies)} applied as a full stop" \
            if policies else \
            "no rare-earth export restriction in force"
        if parts:
            out.append(f"{s['as_of']} ({s['label']}), {what}: " + "; ".join(parts)
                       + " (oxide-equivalent t/yr, shared pro rata).")
    for row in spof:
        if row["view"] == "controls in force" and row["country_level"]:
            pts = ", ".join(names.get(p["id"], p.get("name") or p["id"]) for p in row["country_level"])
            out.append(f"{row['as_of']}: under the controls in force, every {row['element']} "
                       f"supply route to {row['consumer_name']} runs through {pts}.")
    return out


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The findings, one line each (what ``make run`` prints)."""
    return list(report["findings"])


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


