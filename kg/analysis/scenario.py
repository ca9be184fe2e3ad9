"""Disruption scenarios: export restrictions, lost facilities, firms or countries, and the
policies in force on a date, replayed on the supply network as max-flow before and after.

Modelling rules (also printed in the report); what is restricted, and when a policy is in
force, is :mod:`kg.analysis.restrictions`:

- **Quantities** are tonnes of the element per year (the element network's ``unit``,
  oxide basis), computed by a compiled max-flow (:mod:`kg.analysis.flow`).
- **Consumers share the supply.** Each consumer's max-flow taken alone is what it could
  draw if it had priority, never more than its demand (the consumer node's capacity,
  :mod:`kg.analysis.demand`). Where the consumers together could draw more than the
  network delivers to all of them at once (one max-flow to a super-sink behind every
  *rationed* consumer that sells to no other consumer), each gets the same fraction of
  what it could draw alone (pro-rata rationing). So the sum over the rationed consumers
  never exceeds the supply that reaches them; each consumer's ``alone`` figures are kept
  beside.
- **Which consumers are rationed.** Those with a demand. A consumer without one (a firm
  known only by a contract without a volume) could draw the whole network; rationing it
  against the others would hand it most of the supply, so it gets no share: its
  ``before``/``after`` are None and its ``alone`` figures are upper bounds (``rationed``
  false, ``demand`` None); it is left out of the shared total.
  When no consumer has a demand, all are rationed (each one's demand taken as what it
  could draw).
- **Shortfall** per consumer and element = before − after, and as a fraction of before.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.analysis.composition import element_unit
from kg.analysis.flow import FlowNetwork
from kg.analysis.paths import consumers_of
from kg.analysis.restrictions import (
    Restriction,
    Scenario,
    parse_restriction,
    policies_as_of,
    policy_status,
    restrictions_from_policies,
)
from kg.errors import RekgError

__all__ = [
    "Restriction",
    "Scenario",
    "Impact",
    "ScenarioResult",
    "policy_status",
    "policies_as_of",
    "restrictions_from_policies",
    "parse_restriction",
    "apply_scenario",
    "run_scenario",
]


def _removed_nodes(G: nx.DiGraph, ids: Iterable[str]) -> set[Hashable]:
    ids = set(ids)
    out = set()
    for n, d in G.nodes(data=True):
        if d.get("kind") == "consumer":
            continue
        if n in ids or d.get("entity") in ids or d.get("country") in ids \
                or ids & set(d.get("operators") or ()):
            out.add(n)
    return out


def restricted(G: nx.DiGraph, scenario: Scenario, element: str | None
               ) -> tuple[set[Hashable], list[tuple[Hashable, Hashable]]]:
    """The nodes the scenario removes and the links it cuts in the ``element`` network.

    >>> G = nx.DiGraph([("cn", "us"), ("au", "us")])
    >>> nx.set_node_attributes(G, {"cn": "country:CN", "au": "country:AU", "us": "country:US"},
    ...                        "country")
    >>> restricted(G, Scenario("t", restrictions=[parse_restriction("CN:Dy")]), "Dy")
    (set(), [('cn', 'us')])
    """
    nodes = _removed_nodes(G, scenario.removed)
    drop = []
    for r in scenario.restrictions:
        if r.elements is not None and (element is None or element not in r.elements):
            continue
        for u, v in G.edges():
            du = G.nodes[u]
            if du.get("country") != r.country:
                continue
            if r.layers is not None and du.get("layer") not in r.layers:
                continue
            area = _area_of(G, v)
            if r.country in area:
                continue
            if r.destinations is not None and not (area & r.destinations):
                continue
            drop.append((u, v))
    return nodes, drop


def _area_of(G: nx.DiGraph, node: Hashable) -> set[str]:
    d = G.nodes[node]
    if d.get("kind") == "consumer":
        return set(d.get("members") or ()) | {d.get("country") or d.get("entity") or ""}
    if d.get("kind") == "virtual":
        # a trade hub: the destination is what it feeds
        out: set[str] = set()
        for w in G.successors(node):
            out |= _area_of(G, w)
        return out
    return {d.get("country") or ""}


def apply_scenario(G: nx.DiGraph, scenario: Scenario, element: str | None) -> nx.DiGraph:
    """A copy of ``G`` (the ``element`` network) with the scenario's links and nodes removed.

    >>> G = nx.DiGraph([("cn", "us"), ("au", "us")])
    >>> nx.set_node_attributes(G, {"cn": "country:CN", "au": "country:AU", "us": "country:US"},
    ...                        "country")
    >>> H = apply_scenario(G, Scenario("t", restrictions=[parse_restriction("CN:Dy")]), "Dy")
    >>> sorted(H.edges())
    [('au', 'us')]
    """
    nodes, drop = restricted(G, scenario, element)
    H = G.copy()
    H.remove_edges_from(drop)
    H.remove_nodes_from(nodes)
    return H


@dataclass(frozen=True)
class Impact:
    """One consumer's supply of one element before and after a scenario (tonnes/yr, after
    pro-rata sharing when ``rationed``), with what it could draw alone and its demand."""

    consumer: str
    element: str | None
    before: float | None
    after: float | None
    alone_before: float | None = None
    alone_after: float | None = None
    unit: str | None = None
    demand: float | None = None
    rationed: bool = True

    @property
    def shortfall(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        if math.isinf(self.before) and math.isinf(self.after):
            return 0.0
        return self.before - self.after

    @property
    def shortfall_share(self) -> float | None:
        short = self.shortfall
        if short is None or not self.before or math.isinf(self.before):
            return None
        return short / self.before

    def to_json(self) -> dict[str, Any]:
        def num(x: float | None) -> float | None:
            return None if x is None or math.isinf(x) else round(x, 3)

        return {"consumer": self.consumer, "element": self.element, "unit": self.unit,
                "before": num(self.before), "after": num(self.after),
                "shortfall": num(self.shortfall),
                "shortfall_share": None if self.shortfall_share is None
                else round(self.shortfall_share, 4),
                "alone_before": None if self.alone_before is None else num(self.alone_before),
                "alone_after": None if self.alone_after is None else num(self.alone_after),
                "demand": None if self.demand is None else round(self.demand, 3),
                "rationed": self.rationed}


@dataclass
class ScenarioResult:
    scenario: Scenario
    impacts: list[Impact]
    unit: str = "t of each element per year (see each impact's unit)"
    sources: list[str] = field(default_factory=list)
    supply: dict[str, dict[str, float | None]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"scenario": self.scenario.to_json(), "unit": self.unit,
                "impacts": [i.to_json() for i in self.impacts], "supply": self.supply,
                "sources": self.sources}


def rationed(G: nx.DiGraph, targets: Iterable[Hashable]) -> set[Hashable]:
    """The targets that share the supply pro rata: those with a demand (a node capacity),
    or all of them when none has one (see the module docstring).

    >>> G = nx.DiGraph([("m", "a"), ("m", "b")]); G.nodes["a"]["capacity"] = 1.0
    >>> sorted(rationed(G, ["a", "b"])), sorted(rationed(G, ["b"]))
    (['a'], ['b'])
    """
    targets = list(targets)
    known = {t for t in targets if G.nodes[t].get("capacity") is not None}
    return known or set(targets)


def _sinks(G: nx.DiGraph, targets: list[Hashable]) -> list[Hashable]:
    """Rationed consumers that pass nothing on to another consumer (a firm inside an area
    is not a sink: what it gets reaches the area's users)."""
    share = rationed(G, targets)
    return [t for t in targets if t in share and not any(
        G.nodes[w].get("kind") == "consumer" for w in G.successors(t))]


def _share_out(alone: dict[Hashable, float], total: float) -> tuple[dict[Hashable, float], float]:
    """Pro-rata: every consumer gets the same fraction of what it could draw alone."""
    finite = [v for v in alone.values() if not math.isinf(v)]
    demand = sum(finite)
    if math.isinf(total) or demand <= total or demand == 0:
        k = 1.0
    else:
        k = total / demand
    return {t: (v * k if not math.isinf(v) else total) for t, v in alone.items()}, k


def shared_flows(
    G: nx.DiGraph, targets: list[Hashable], removed: Iterable[Hashable] = (),
    removed_edges: Iterable[tuple[Hashable, Hashable]] = (), F: FlowNetwork | None = None,
    known_zero: Mapping[Hashable, float] | None = None,
) -> tuple[dict[Hashable, float], dict[Hashable, float], float]:
    """(shared, alone, total): each consumer's max-flow alone, the max-flow to all of them
    together (super-sink behind the consumers that pass nothing on), and the pro-rata
    shares of that total (see the module docstring).

    Two exact short cuts spare max-flows: a consumer whose demand the joint flow already
    meets could draw no more alone; ``known_zero`` (the ``alone`` of the same network
    with fewer removals) names consumers that got nothing, and get nothing now.

    >>> G = nx.DiGraph([("m", "a"), ("m", "b")]); G.nodes["m"].update(capacity=2, source=True)
    >>> shared, alone, total = shared_flows(G, ["a", "b"])
    >>> shared, alone, total
    ({'a': 1.0, 'b': 1.0}, {'a': 2.0, 'b': 2.0}, 2.0)
    """
    removed, removed_edges = set(removed), list(removed_edges)
    if F is None:  # one index copy serves before and after: pass it in for both
        F = FlowNetwork(G, sink_from=_sinks(G, targets))
    caps = F.capacities(removed, removed_edges)
    total, served = F.sink_flows(caps)
    alone = {}
    for t in targets:
        if t in removed or (known_zero is not None and known_zero.get(t) == 0.0):
            alone[t] = 0.0  # removals only lower a flow: nothing before, nothing after
            continue
        demand = F.node_capacity(t, caps)
        if demand is not None and served.get(t, 0.0) >= demand:
            alone[t] = demand  # fully served with everyone drawing: no more alone
            continue
        alone[t] = F.max_flow(t, caps=caps)
    share = rationed(G, targets)
    shared, _ = _share_out({t: v for t, v in alone.items() if t in share}, total)
    shared |= {t: v for t, v in alone.items() if t not in share}
    return shared, alone, total


def run_scenario(
    G: nx.DiGraph | Mapping[str | None, nx.DiGraph], scenario: Scenario,
    elements: Iterable[str | None] | None = None,
    consumers: Iterable[Hashable] | None = None,
) -> ScenarioResult:
    """Max-flow per consumer and element, before and after the scenario, shared pro rata.

    Parameters
    ----------
    G : networkx.DiGraph or mapping element → networkx.DiGraph
        The element networks (:func:`kg.analysis.network.supply_networks`); a single graph
        stands for every element.
    scenario : Scenario
    elements : iterable, optional
        Elements to report; default those the scenario restricts (or total REO, ``None``,
        when it restricts everything).
    consumers : iterable, optional
        Default every consumer node.

    Examples
    --------
    China supplies 8, Australia 2; restricting China's Dy leaves 2 of 10 for the user:

    >>> G = nx.DiGraph([("cn", "user"), ("au", "user")])
    >>> nx.set_node_attributes(G, {"cn": 8, "au": 2}, "capacity")
    >>> nx.set_node_attributes(G, {"cn": "country:CN", "au": "country:AU",
    ...                            "user": "country:US"}, "country")
    >>> nx.set_node_attributes(G, {"cn": True, "au": True}, "source")
    >>> G.nodes["user"]["kind"] = "consumer"
    >>> r = run_scenario(G, Scenario("x", restrictions=[parse_restriction("CN:Dy")]))
    >>> [(i.before, i.after, i.shortfall) for i in r.impacts]
    [(10.0, 2.0, 8.0)]
    """
    if elements is None:
        elements = scenario.elements()
    elements = list(elements)
    nets = {e: G for e in elements} if isinstance(G, nx.DiGraph) else dict(G)
    out: list[Impact] = []
    supply: dict[str, dict[str, float | None]] = {}
    srcs: set[str] = {s for r in scenario.restrictions for s in r.sources}
    for element in elements:
        E = nets.get(element)
        if E is None:
            raise RekgError(f"element {element!r}: no supply network built for it")
        srcs |= set(E.graph.get("sources", ()))
        targets = [c for c in (consumers_of(E) if consumers is None else consumers) if c in E]
        if not targets:
            continue
        F = FlowNetwork(E, sink_from=_sinks(E, targets))
        before, alone_b, total_b = shared_flows(E, targets, F=F)
        nodes, drop = restricted(E, scenario, element)
        after, alone_a, total_a = shared_flows(E, targets, nodes, drop, F=F, known_zero=alone_b)
        unit = E.graph.get("unit") or element_unit(element)
        key = element or "all"
        world = E.graph.get("world_total")
        supply[key] = {"world_mine_output": None if world is None else round(world, 3),
                       "to_consumers_before": None if math.isinf(total_b) else round(total_b, 3),
                       "to_consumers_after": None if math.isinf(total_a) else round(total_a, 3)}
        share = rationed(E, targets)
        for t in targets:
            # a consumer without a demand gets no share of its own: only its upper bounds
            got = (before[t], after[t]) if t in share else (None, None)
            out.append(Impact(str(t), element, *got, alone_b[t], alone_a[t], unit,
                              E.nodes[t].get("capacity"), t in share))
    return ScenarioResult(scenario, out, sources=sorted(srcs), supply=supply)

