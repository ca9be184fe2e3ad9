"""The web page's routes: each reads the store (or :mod:`kg.service`) and renders a template.

Size (~490 lines): one route per page of the web UI with the few helpers the pages share
(number formats, consumer suggestions, graph JSON); a page is found by its URL in one place.

Errors a person can act on (:class:`~kg.errors.RekgError`) are shown on the page they came
from, with the status the JSON API would give, never as a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from api.deps import SettingsDep, StoreDep
from api.web.supply import supply_graph
from kg import service
from kg.errors import NotFoundError, RekgError
from kg.model import Entity
from kg.schema import load_schema
from kg.store.base import Relation, SearchHit, Store

__all__ = ["router", "templates"]

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

#: The neighbourhood graph shows at most this many neighbours (the table lists them all).
MAX_NEIGHBOURS = 80
ELEMENTS = ("Sc", "Y", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er",
            "Tm", "Yb", "Lu")
CONSUMERS = (("US", "United States"), ("EU", "European Union"), ("JP", "Japan"))


def _num(x: Any, digits: int = 0) -> str:
    if x is None:
        return "–"
    if isinstance(x, float) and math.isinf(x):
        return "unbounded"
    if isinstance(x, int | float):
        return f"{x:,.{digits}f}"
    return str(x)


def _pct(x: Any) -> str:
    return "–" if x is None else f"{100 * float(x):.1f} %"


templates.env.filters["num"] = _num
templates.env.filters["pct"] = _pct


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("error", None)
    return templates.TemplateResponse(request, name, context, status_code=status)


def _error(request: Request, name: str, exc: RekgError, **context: Any) -> HTMLResponse:
    return _render(request, name, status=exc.status_code, **(context | {"error": str(exc)}))


# -- sources and entities -----------------------------------------------------------------

def _sources(store: Store, ids: set[str] | list[str]) -> dict[str, dict[str, Any]]:
    """Source id → {id, title, publisher, published, url} for the ids asked (one read of all
    sources; ids the store lacks are shown as their id)."""
    wanted = set(ids)
    out: dict[str, dict[str, Any]] = {}
    if not wanted:
        return out
    for ent in store.entities("Source"):
        if ent.id in wanted:
            p = ent.properties
            out[ent.id] = {"id": ent.id, "title": p.get("title") or ent.name,
                           "publisher": p.get("publisher"), "published": p.get("published"),
                           "url": p.get("url"), "kind": p.get("kind")}
    for sid in wanted - set(out):
        out[sid] = {"id": sid, "title": sid, "publisher": None, "published": None, "url": None}
    return out


def _property_rows(entity: Entity) -> list[tuple[str, str]]:
    """(label, value) pairs of an entity's properties, quantities with their units."""
    specs = load_schema().entity(entity.type).properties
    props = entity.properties
    rows = []
    for key, value in props.items():
        if key.endswith("_unit") and key[:-5] in props:
            continue
        spec = specs.get(key)
        label = spec.label if spec else key.replace("_", " ")
        if isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        elif isinstance(value, float):
            text = _num(value, 3 if abs(value) < 10 else 0)
        else:
            text = str(value)
        unit = props.get(f"{key}_unit")
        if unit:
            text = f"{text} {unit}"
        rows.append((label, text))
    return rows


def _claim_details(rel: Relation) -> list[tuple[str, str]]:
    """A claim's own properties (not provenance) as (label, value), units beside quantities."""
    specs = load_schema().relation(rel.claim.predicate).properties
    props = rel.claim.properties
    rows = []
    for key, value in props.items():
        if key.endswith("_unit") and key[:-5] in props:
            continue
        spec = specs.get(key)
        label = spec.label if spec else key.replace("_", " ")
        text = _num(value, 3 if isinstance(value, float) and abs(value) < 10 else 0) \
            if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
        if props.get(f"{key}_unit"):
            text = f"{text} {props[f'{key}_unit']}"
        rows.append((label, text))
    return rows


def _relation_groups(store: Store, entity: Entity, as_of: str | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Relations grouped by (predicate, direction), each claim with its sources resolved."""
    rels = store.relations(entity.id, as_of=as_of)
    schema = load_schema()
    sources = _sources(store, {s for r in rels for s in r.claim.sources})
    groups: dict[tuple[str, str], list[Relation]] = defaultdict(list)
    for rel in rels:
        groups[(rel.claim.predicate, rel.direction)].append(rel)
    out = []
    for (pred, direction), members in sorted(groups.items()):
        label = schema.relation(pred).label
        heading = f"{entity.name} {label} …" if direction == "out" else f"… {label} {entity.name}"
        claims = []
        for rel in sorted(members, key=lambda r: (r.other.name.lower(), r.claim.id)):
            c = rel.claim
            claims.append({"id": c.id, "other": rel.other, "details": _claim_details(rel),
                           "confidence": c.confidence, "valid_from": c.valid_from,
                           "valid_to": c.valid_to, "quote": c.quote, "note": c.note,
                           "sources": [sources[s] for s in c.sources]})
        out.append({"predicate": pred, "direction": direction, "label": label, "heading": heading,
                    "anchor": f"{pred.lower()}-{direction}", "claims": claims})
    return out, sources


def _neighbourhood(store: Store, entity: Entity, as_of: str | None = None) -> dict[str, Any]:
    """cytoscape.js elements of an entity and its neighbours (sources left out: they are
    listed with each claim)."""
    nodes = {entity.id: {"data": {"id": entity.id, "label": entity.name, "type": entity.type,
                                  "href": f"/web/entity/{entity.id}"}, "classes": "centre"}}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    schema = load_schema()
    for rel in store.relations(entity.id, as_of=as_of):
        other = rel.other
        if other.type == "Source":
            continue
        if other.id not in nodes:
            if len(nodes) > MAX_NEIGHBOURS:
                continue
            nodes[other.id] = {"data": {"id": other.id, "label": other.name, "type": other.type,
                                        "href": f"/web/entity/{other.id}"}}
        a, b = (entity.id, other.id) if rel.direction == "out" else (other.id, entity.id)
        key = (a, rel.claim.predicate, b)
        if key in edges:
            edges[key]["data"]["claims"] += 1
            continue
        edges[key] = {"data": {"id": f"{a}|{rel.claim.predicate}|{b}", "source": a, "target": b,
                               "label": schema.relation(rel.claim.predicate).label, "claims": 1}}
    return {"nodes": list(nodes.values()), "edges": list(edges.values()),
            "truncated": len(nodes) > MAX_NEIGHBOURS}


def _types() -> list[str]:
    return list(load_schema().entities)


# -- pages ------------------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def home(
    request: Request, store: StoreDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    type: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    ctx: dict[str, Any] = {"q": q or "", "type": type or "", "types": _types(), "results": None}
    if type and type not in ctx["types"]:
        return _render(request, "search.html", status=400,
                       **(ctx | {"error": f"type: expected one of {', '.join(ctx['types'])}, got {type!r}"}))
    try:
        if q and q.strip():
            ctx["results"] = store.search(q.strip(), type=type or None, limit=50)
        elif type:
            ctx["results"] = [SearchHit(e.id, e.type, e.name, 1.0) for e in store.entities(type)][:500]
        else:
            ctx["stats"] = store.stats().to_json()
    except RekgError as exc:
        return _error(request, "search.html", exc, **ctx)
    return _render(request, "search.html", **ctx)


@router.get("/web/entity/{entity_id:path}", response_class=HTMLResponse)
def entity_page(
    request: Request, store: StoreDep, entity_id: str,
    as_of: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    ctx: dict[str, Any] = {"as_of": as_of or "", "types": _types(), "q": "", "type": ""}
    try:
        day = service.as_of_date(as_of) if as_of else None
        entity = store.require(entity_id)
        groups, _ = _relation_groups(store, entity, day)
        own_sources = _sources(store, entity.sources)
        graph = _neighbourhood(store, entity, day)
    except RekgError as exc:
        return _error(request, "entity.html", exc, **(ctx | {"entity": None}))
    return _render(request, "entity.html", entity=entity, properties=_property_rows(entity),
                   groups=groups, own_sources=[own_sources[s] for s in entity.sources],
                   graph_json=json.dumps(graph), graph=graph, **ctx)


@router.get("/web/graph/{entity_id:path}")
def entity_graph(store: StoreDep, entity_id: str,
                 as_of: Annotated[str | None, Query(max_length=10)] = None) -> JSONResponse:
    """The neighbourhood of one entity as cytoscape.js elements (used to expand the graph)."""
    day = service.as_of_date(as_of) if as_of else None
    return JSONResponse(_neighbourhood(store, store.require(entity_id), day))


def _network_name(node: str, names: dict[str, str]) -> tuple[str, str, str]:
    """(entity id, layer, readable name) of a supply-network node id such as
    ``facility:mount-weld@mining`` or ``country:US@magnet-users``."""
    ent, _, layer = node.partition("@")
    base = names.get(ent, ent)
    if layer == "magnet-users":
        return ent, "consumer", f"{base} magnet users"
    if not layer:
        return ent, "consumer" if ent.startswith("firm:") else "", base
    if ent.startswith(("country:", "region:")):
        return ent, layer, f"{base} ({layer}, rest of country)" if ent.startswith("country:") \
            else f"{base} ({layer})"
    return ent, layer, f"{base} ({layer})"


def _names(store: Store) -> dict[str, str]:
    return {e.id: e.name for e in store.entities() if e.type != "Source"}


def _graph_json(graph: dict[str, Any]) -> str:
    """The elements for cytoscape.js (the flow table is rendered in HTML instead)."""
    return json.dumps({k: v for k, v in graph.items() if k != "rows"})


def _consumers(store: Store) -> list[tuple[str, str]]:
    """Suggestions for the consumer field: the default areas, then firms fed by offtakes."""
    buyers = {c.object for c in store.claims(predicate="SUPPLIES") if c.object.startswith("firm:")}
    found = {b: store.get(b) for b in buyers}
    firms = sorted(((b, e.name if e is not None else b) for b, e in found.items()), key=lambda x: x[1].lower())
    return list(CONSUMERS) + firms


def _check_consumer(store: Store, consumer: str) -> str:
    """The consumer's area or firm id; an unknown country code is an error, not an empty result."""
    area = service.consumer_area(store, consumer)
    if store.get(area) is None:
        raise NotFoundError(f"consumer {consumer!r}: {area} is not in the graph; "
                            "try US, EU, JP or a firm id")
    return area


def _form_date(value: str | None) -> str:
    return value or dt.date.today().isoformat()


@router.get("/web/spof", response_class=HTMLResponse)
def spof_page(
    request: Request, store: StoreDep,
    consumer: Annotated[str | None, Query(max_length=100)] = None,
    element: Annotated[str | None, Query(max_length=20)] = None,
    as_of: Annotated[str | None, Query(max_length=10)] = None,
    controls: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    ctx: dict[str, Any] = {"consumer": consumer or "", "element": element or "",
                           "as_of": _form_date(as_of), "controls": controls, "elements": ELEMENTS,
                           "consumers": _consumers(store), "result": None}
    if not consumer:
        return _render(request, "spof.html", **ctx)
    try:
        _check_consumer(store, consumer)
        result = service.spof_result(store, consumer, element=element or None, as_of=ctx["as_of"],
                                     controls=controls, evidence=4)
        names = _names(store)
        graph = supply_graph(store, result["consumer"].split("@")[0], result["element"], result["as_of"],
                             highlight={sp["id"] for sp in result["single_points"]})
        sources = _sources(store, result["sources"])
    except RekgError as exc:
        return _error(request, "spof.html", exc, **ctx)
    consumer_name = _network_name(result["consumer"], names)[2]
    return _render(request, "spof.html", **(ctx | {
        "result": result, "consumer_name": consumer_name, "graph": graph,
        "graph_json": _graph_json(graph), "bib": sorted(sources.values(), key=lambda s: s["id"]),
        "label": lambda node: _network_name(node, names)[2]}))


@router.get("/web/scenario", response_class=HTMLResponse)
def scenario_page(
    request: Request, store: StoreDep,
    restrict: Annotated[str | None, Query(max_length=200)] = None,
    consumer: Annotated[str | None, Query(max_length=100)] = None,
    element: Annotated[str | None, Query(max_length=20)] = None,
    as_of: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    ctx: dict[str, Any] = {"restrict": restrict or "", "consumer": consumer or "",
                           "element": element or "", "as_of": _form_date(as_of),
                           "elements": ELEMENTS, "consumers": _consumers(store), "result": None}
    if restrict is None:
        return _render(request, "scenario.html", **ctx)
    try:
        restrictions = [r.strip() for r in restrict.split(";") if r.strip()]
        elements = [element] if element else None
        result = service.scenario_result(store, restrict=restrictions, elements=elements,
                                         as_of=ctx["as_of"])
        names = _names(store)
        impacts = result["impacts"]
        graph = None
        if consumer:
            area = _check_consumer(store, consumer)
            consumer_node = area if area.startswith("firm:") else f"{area}@magnet-users"
            impacts = [i for i in impacts if i["consumer"] == consumer_node]
            drawn = service.element_symbol(element) if element else \
                next((i["element"] for i in impacts if i.get("element")), None)
            graph = supply_graph(store, area, drawn, result["as_of"], restrictions=restrictions)
        src_ids = {s for r in result["scenario"]["restrictions"] for s in r.get("sources", [])}
        src_ids |= set(result.get("sources", []))
        sources = _sources(store, src_ids)
    except RekgError as exc:
        return _error(request, "scenario.html", exc, **ctx)
    rows = [i | {"consumer_name": _network_name(i["consumer"], names)[2]} for i in impacts]
    for r in result["scenario"]["restrictions"]:
        r["country_name"] = names.get(r["country"], r["country"])
    return _render(request, "scenario.html", **(ctx | {
        "result": result, "impacts": rows, "graph": graph,
        "graph_json": _graph_json(graph) if graph else None,
        "bib": sorted(sources.values(), key=lambda s: s["id"])}))


@router.get("/web/policies", response_class=HTMLResponse)
def policies_page(
    request: Request, store: StoreDep,
    as_of: Annotated[str | None, Query(max_length=10)] = None,
    element: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    ctx: dict[str, Any] = {"as_of": _form_date(as_of), "element": element or "", "elements": ELEMENTS,
                           "policies": []}
    try:
        result = service.policies_result(store, as_of=ctx["as_of"], element=element or None)
    except RekgError as exc:
        return _error(request, "policies.html", exc, **ctx)
    names = {e.id: e.name for e in store.entities() if e.type in ("Element", "Material", "Country",
                                                                  "Region", "Firm")}
    return _render(request, "policies.html", **(ctx | {"policies": _timeline(result["policies"], names,
                                                                             ctx["as_of"])}))


_DATE_KEYS = ("announced", "effective", "suspended", "ended")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _timeline(policies: list[dict[str, Any]], names: dict[str, str], as_of: str) -> dict[str, Any]:
    """Policies sorted by their first date, each with the bar's start and end as percentages of
    the span from the earliest date to the latest (or the as-of date)."""
    def first(p: dict[str, Any]) -> str:
        dates = [str(p.get("dates", {}).get(k)) for k in _DATE_KEYS if p.get("dates", {}).get(k)]
        return min(dates) if dates else "9999"

    def day(text: str) -> dt.date:
        parts = [int(x) for x in str(text).split("-")] + [1, 1]
        return dt.date(parts[0], parts[1], parts[2])

    rows = sorted(policies, key=lambda p: (first(p), p["id"]))
    all_dates = [day(d) for p in rows for k in _DATE_KEYS if (d := p.get("dates", {}).get(k))]
    if not all_dates:
        return {"rows": [], "start": None, "end": None, "ticks": []}
    start = min(all_dates)
    end = max(max(all_dates), day(as_of))
    span = max((end - start).days, 1)

    def pos(d: dt.date) -> float:
        return round(100 * (d - start).days / span, 2)

    out = []
    for p in rows:
        dates = p.get("dates", {})
        begin = dates.get("effective") or dates.get("announced")
        stop = dates.get("ended") or dates.get("suspended")
        bar = None
        if begin:
            left = pos(day(begin))
            right = pos(day(stop)) if stop else pos(end)
            bar = {"left": left, "width": max(right - left, 0.6)}
        marks = [{"kind": k, "date": dates[k], "left": pos(day(dates[k]))} for k in _DATE_KEYS if dates.get(k)]
        out.append(p | {"bar": bar, "marks": marks, "status_class": str(p.get("status", "")).replace(" ", "-"),
                        "target_names": [names.get(t, t) for t in p.get("targets", [])],
                        "issuer_names": [names.get(i, i) for i in _as_list(p.get("issuer"))]})
    ticks = [{"label": str(y), "left": pos(dt.date(y, 1, 1))}
             for y in range(start.year + 1, end.year + 1)]
    return {"rows": out, "start": start.isoformat(), "end": end.isoformat(), "ticks": ticks,
            "as_of_left": pos(day(as_of))}


@router.get("/web/report", response_class=HTMLResponse)
def report_page(request: Request, store: StoreDep) -> HTMLResponse:
    """The headline report, as ``rekg report -o report.html`` writes it (plots embedded)."""
    from kg.analysis.report import render_html

    try:
        report = service.report_result(store)
    except RekgError as exc:
        return _error(request, "error.html", exc)
    return HTMLResponse(render_html(report))


# -- the Cypher cookbook, with links into Neo4j Browser ---------------------------------------

_RECIPE = re.compile(r"^### (\d+)\. (.+?)\n(.*?)(?=^### |^## |\Z)", re.S | re.M)


def cookbook() -> list[dict[str, Any]]:
    """The recipes of docs/cypher.md: number, question, query, parameters, what "Today" says."""
    from kg.config import bundled_dir

    path = bundled_dir("docs") / "cypher.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    out = []
    for number, title, body in _RECIPE.findall(text):
        query = re.search(r"```cypher\n(.*?)```", body, re.S)
        if not query:
            continue
        params = re.search(r"Parameters: `(\{.*?\})`", body)
        today = re.search(r"^Today: (.*?)(?:\n\n|\Z)", body, re.S | re.M)
        out.append({"number": int(number), "title": title.strip(), "query": query.group(1).strip(),
                    "params": params.group(1) if params else None,
                    "today": " ".join(today.group(1).split()) if today else None})
    return out


def browser_url(settings: Any) -> str | None:
    """Neo4j Browser of the server rekg uses: ``REKG_NEO4J_BROWSER_URL``, else the local server
    of `rekg neo4j start` when it runs with its Browser."""
    url = os.environ.get("REKG_NEO4J_BROWSER_URL")
    if url:
        return url
    try:
        from kg.neo4j_server import status

        info = status(settings.home / "neo4j")
    except Exception:  # noqa: BLE001 - no local server is a normal case
        return None
    return getattr(info, "browser_url", None) if info else None


def browser_link(base: str, query: str) -> str:
    """A Neo4j Browser address that opens with ``query`` in its editor (``cmd=edit``)."""
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}cmd=edit&arg={quote(query)}"


@router.get("/web/cypher", response_class=HTMLResponse)
def cypher_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    base = browser_url(settings)
    recipes = cookbook()
    for r in recipes:
        r["browser"] = browser_link(base, r["query"]) if base else None
    from api.web.guide import guide_link, guide_url

    guide = guide_url(request)
    return _render(request, "cypher.html", recipes=recipes, browser=base, active="cypher", guide=guide,
                   browser_guide=guide_link(base, guide) if base else None)
