"""Analysis requests against a store: the one place the CLI and the HTTP API get results from.

Each function reads the store through its public methods, runs the pure functions of
:mod:`kg.analysis`, and returns the JSON-ready result in the DESIGN.md shape (with extra
keys). Bad arguments raise :class:`~kg.errors.RekgError` subclasses naming the argument.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from kg.errors import CleanError, RekgError
from kg.store.base import Store

__all__ = [
    "EmptyGraphError",
    "require_graph",
    "as_of_date",
    "element_symbol",
    "consumer_area",
    "concentration_result",
    "spof_result",
    "chokepoints_result",
    "scenario_result",
    "policies_result",
    "report_result",
    "paths_result",
]


class EmptyGraphError(RekgError):
    """The store holds no graph: there is nothing to analyse."""

    status_code = 409


def require_graph(store: Store) -> None:
    """Raise :class:`EmptyGraphError` (one line saying what to do) when the store is empty."""
    if next(iter(store.entities()), None) is None:
        where = f"Neo4j at {getattr(store, 'uri', '?')}" if store.kind == "neo4j" else \
            f"the embedded store {getattr(store, 'path', None) or '(REKG_HOME)'}"
        raise EmptyGraphError(f"the graph is empty in {where}: run `rekg build` first")


def _cached(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Memoize a result function in the store's own cache (:attr:`Store.results`), for the
    store's current revision. The embedded store's revision changes on every write; Neo4j's on
    every write through that store object and once a minute (writes by other clients), so a
    Neo4j result is at most a minute stale. A result also expires at midnight: defaults such as
    "as of today" move with the date. An empty store raises :class:`EmptyGraphError` before
    anything is computed."""

    @functools.wraps(fn)
    def wrapper(store: Store, *args: Any, **kwargs: Any) -> dict[str, Any]:
        key = (fn.__name__, repr(args), repr(sorted(kwargs.items())), dt.date.today().isoformat())

        def compute() -> dict[str, Any]:
            require_graph(store)
            return fn(store, *args, **kwargs)

        return store.results.get_or_compute(key, store.revision, compute)

    return wrapper


def as_of_date(value: str | None, field: str = "as_of") -> str:
    """A cleaned ISO date, today when not given."""
    from kg.types import clean_date

    return clean_date(value, field) if value else dt.date.today().isoformat()


def element_symbol(value: str | None, field: str = "element") -> str | None:
    from kg.types import clean_element

    return clean_element(value, field) if value else None


def _records(store: Store) -> tuple[list[Any], list[Any]]:
    return list(store.entities()), list(store.claims())


def consumer_area(store: Store, name: str) -> str:
    """A consumer area id (country or region) or a firm id from a name, code or id."""
    if name.upper() == "EU":
        return "region:eu"
    if ":" not in name and len(name) == 2 and name.isalpha():
        return f"country:{name.upper()}"
    return store.resolve(name)


def _supply(ents: list[Any], claims: list[Any], as_of: str, areas: list[str] | None = None) -> Any:
    """The records read once for an as-of date (:func:`kg.analysis.network.prepare`)."""
    from kg.analysis.network import DEFAULT_CONSUMERS, prepare

    wanted = sorted(set(DEFAULT_CONSUMERS) | set(areas or []))
    return prepare(ents, claims, as_of=as_of, consumers=wanted)


def _network(ents: list[Any], claims: list[Any], as_of: str, element: str | None,
             areas: list[str] | None = None) -> Any:
    """The supply network of one element (None: total REO) as of a date."""
    from kg.analysis.network import element_network

    return element_network(_supply(ents, claims, as_of, areas), element)


@_cached
def concentration_result(
    store: Store, stage: str, *, element: str | None = None, year: int | None = None,
    by: str = "country", basis: str = "production", source: str | None = None,
    as_of: str | None = None,
) -> dict[str, Any]:
    """Shares, HHI and flags for a stage; the first edition on top, all editions under ``editions``."""
    from kg.analysis.concentration import concentration
    from kg.schema import load_schema

    stages = load_schema().enums["stage"]
    if stage not in stages:
        raise CleanError("stage", stage, f"one of {', '.join(stages)}")
    if by not in ("country", "firm"):
        raise CleanError("by", by, "country or firm")
    elem = element_symbol(element)
    day = as_of_date(as_of) if as_of else None
    ents, claims = _records(store)
    results = concentration(ents, claims, stage, element=elem, year=year, by=by, basis=basis, as_of=day)
    if source:
        results = [r for r in results if source in r.sources]
    if elem and stage in ("mining", "separation") and by == "country" and basis == "production" \
            and not source:
        # element tonnes from the element-resolved network come first; the sources' own
        # (total-REO) figures follow as further editions
        from kg.analysis.concentration import network_concentration
        from kg.analysis.figures import world_element_figures
        from kg.analysis.network import element_network, prepare

        d = prepare(ents, claims, as_of=day, year=year)
        refs = world_element_figures(d.claims, d.entities, elem, "mining", d.year)
        net = network_concentration(element_network(d, elem), stage,
                                    refs[0] if refs and stage == "mining" else None)
        if net.shares:
            results = [net, *results]
    if not results:
        raise RekgError(f"no {basis} figures for stage {stage!r}"
                        f"{' and element ' + elem if elem else ''}"
                        f"{' in ' + str(year) if year else ''}; try another year or basis")
    return results[0].to_json() | {"editions": [r.to_json() for r in results]}


@_cached
def spof_result(
    store: Store, consumer: str, *, element: str | None = None, as_of: str | None = None,
    controls: bool = False, evidence: int = 3,
) -> dict[str, Any]:
    """Nodes on every supply path to a consumer, at facility and country level, with redundancy."""
    from kg.analysis.network import consumer_id
    from kg.analysis.scenario import apply_scenario, restrictions_from_policies
    from kg.analysis.spof import (
        carrying,
        collapse_to_countries,
        critical_points,
        redundancy,
        single_points_of_failure,
        supply_articulation_points,
    )

    day = as_of_date(as_of)
    elem = element_symbol(element)
    area = consumer_area(store, consumer)
    ents, claims = _records(store)
    H = _network(ents, claims, day, elem, [area] if not area.startswith("firm:") else None)
    node = area if area.startswith("firm:") else consumer_id(area)
    if node not in H:
        raise RekgError(f"consumer {consumer!r}: no consumer {node} in the {elem or 'total'} supply "
                        f"network on {day} (firms are consumers when an offtake names them)")
    if controls:
        H = apply_scenario(H, restrictions_from_policies(ents, claims, day), elem)
    critical = critical_points(H, node)
    unit = H.graph["unit"]
    H = carrying(H, [node])
    points = single_points_of_failure(H, [node], evidence=evidence)[node]
    C = collapse_to_countries(H)
    cpoints = single_points_of_failure(C, [node], evidence=evidence)[node]
    red = redundancy(C, node)
    srcs = sorted(set(H.graph["sources"]) | {s for p in points for s in p.sources}
                  | {s for p in critical for s in p.sources})
    return {"consumer": node, "element": elem, "as_of": day, "controls": controls, "unit": unit,
            "single_points": [p.to_json() for p in points],
            "country_level": [p.to_json() for p in cpoints],
            "critical": [p.to_json() for p in critical],
            "articulation_points": [str(n) for n in supply_articulation_points(H, node)],
            "redundancy": red.to_json(), "sources": srcs}


@_cached
def chokepoints_result(store: Store, *, element: str | None = None, top: int = 10,
                       as_of: str | None = None) -> dict[str, Any]:
    """Nodes ranked by supply lost when removed, supply betweenness and stage share."""
    from kg.analysis.chokepoints import rank_chokepoints

    day = as_of_date(as_of)
    elem = element_symbol(element)
    G = _network(*_records(store), day, elem)
    ranked = rank_chokepoints(G, top=top)
    return {"element": elem, "as_of": day, "unit": G.graph["unit"],
            "chokepoints": [c.to_json() for c in ranked], "sources": G.graph["sources"]}


@_cached
def scenario_result(
    store: Store, *, restrict: list[str] | None = None, remove: list[str] | None = None,
    policies: bool = False, elements: list[str] | None = None, as_of: str | None = None,
) -> dict[str, Any]:
    """Max-flow per consumer before and after restrictions, removals or the policies in force."""
    from kg.analysis.network import element_network
    from kg.analysis.scenario import (
        Scenario,
        parse_restriction,
        restrictions_from_policies,
        run_scenario,
    )

    day = as_of_date(as_of)
    ents, claims = _records(store)
    removed = [store.resolve(r) for r in (remove or [])]
    sc = Scenario(name="scenario", as_of=day,
                  restrictions=[parse_restriction(r) for r in (restrict or [])], removed=removed)
    if policies or not (restrict or remove):
        from_policies = restrictions_from_policies(ents, claims, day)
        sc.restrictions += from_policies.restrictions
        sc.notes += from_policies.notes
        sc.name = from_policies.name if not (restrict or remove) else "scenario + policies"
    symbols = [element_symbol(e) for e in elements] if elements else sc.elements()
    d = _supply(ents, claims, day)
    result = run_scenario({e: element_network(d, e) for e in symbols}, sc, elements=symbols)
    return result.to_json() | {"as_of": day}


@_cached
def policies_result(store: Store, *, as_of: str | None = None, element: str | None = None) -> dict[str, Any]:
    """Policies with their status on a date (planned, announced, in force, suspended, ended)."""
    from kg.analysis.scenario import policies_as_of

    day = as_of_date(as_of)
    ents, claims = _records(store)
    return {"as_of": day, "policies": policies_as_of(ents, claims, day, element=element_symbol(element))}


@_cached
def report_result(store: Store) -> dict[str, Any]:
    """The headline report's data (concentration, SPOFs, the 2025 controls replayed), with the
    bibliography of every source it cites."""
    from kg.analysis.report import attach_bibliography, build_report

    ents, claims = _records(store)
    return attach_bibliography(build_report(ents, claims), ents)


@_cached
def paths_result(
    store: Store, source: str, target: str, *, max_hops: int = 4, avoid_country: str | None = None,
    limit: int = 10, as_of: str | None = None,
) -> dict[str, Any]:
    """Paths between two entities through claims (either direction; sources and MENTIONS left
    out), avoiding a country and everything located or headquartered in it. Each hop names
    its predicate, direction and the claims' sources."""
    import networkx as nx

    from kg.analysis.paths import entity_paths
    from kg.errors import NotFoundError

    if not 1 <= max_hops <= 8:
        raise CleanError("max_hops", max_hops, "an integer from 1 to 8")
    day = as_of_date(as_of) if as_of else None
    start, end = store.resolve(source), store.resolve(target)
    G = nx.Graph()
    hops: dict[tuple[str, str], list[Any]] = {}
    for claim in store.claims(as_of=day):
        if claim.predicate == "MENTIONS" or not claim.asserted:
            continue
        G.add_edge(claim.subject, claim.object)
        hops.setdefault((claim.subject, claim.object), []).append(claim)
    avoid: set[str] = set()
    if avoid_country:
        country = consumer_area(store, avoid_country)
        if not country.startswith(("country:", "region:")):
            raise CleanError("avoid_country", avoid_country, "a country name, ISO code or id")
        avoid.add(country)
        for claim in store.claims(object=country, as_of=day):
            if claim.predicate in ("LOCATED_IN", "HEADQUARTERED_IN") and claim.asserted:
                avoid.add(claim.subject)
    for node in (start, end):
        if node not in G:
            raise NotFoundError(f"{node} has no relations to walk")
    names = {e.id: e.name for e in store.entities()}
    out = []
    for path in entity_paths(G, start, end, max_hops=max_hops, avoid=avoid, limit=limit):
        steps = []
        ids = [str(n) for n in path]
        for a, b in zip(ids, ids[1:], strict=False):
            forward, backward = hops.get((a, b), []), hops.get((b, a), [])
            claim = (forward or backward)[0]
            steps.append({"from": a, "to": b, "predicate": claim.predicate,
                          "direction": "out" if forward else "in",
                          "sources": sorted({s for c in forward + backward for s in c.sources})})
        out.append({"nodes": [{"id": n, "name": names.get(n, n)} for n in ids], "hops": steps})
    return {"source": start, "target": end, "max_hops": max_hops, "avoid_country": avoid_country,
            "as_of": day, "paths": out}
