"""Disruption scenarios: export restrictions, lost facilities, firms or countries, and the
policies in force on a date, replayed on the supply network as max-flow before and after.

Modelling rules (also printed in the report):

- **Policy status on a date** comes from the policy's dates alone: *ended* on or after
  ``ended``; *suspended* from ``suspended`` until ``resumed``; *in force* from
  ``effective`` (or ``resumed``); *announced* after ``announced`` but before it takes
  effect or when no effective date is known; *not yet announced* before that. A partial
  date (``2025-04``) counts from its first day.
- **Which policies restrict supply:** instruments ``export-control`` and ``ban`` that are
  in force. The issuing country is the ISSUED_BY country, or the headquarters country of
  an issuing agency. AFFECTS with role ``target`` narrows the destinations; without it
  every destination is restricted.
- **What is restricted:** a TARGETS element restricts every cross-border link out of the
  issuer's nodes in that element's network (oxides, metals, alloys and magnets carrying
  it). A TARGETS material restricts the cross-border links out of the issuer's nodes at
  that material's layer, in the networks of the elements it contains (all elements for a
  rare-earth material without element content such as generic rare-earth metal).
  Targets outside the supply network (technology, equipment, gallium, graphite) are
  listed as not modelled; so are extraterritorial rules on foreign-made goods.
- **A licence requirement is modelled as a full stop** (no licences granted): the worst
  case, an upper bound on the shortfall. Flows inside the issuing country are untouched.
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
  against the others would hand it most of the supply, so it is reported alone, as an
  upper bound (``rationed`` false, ``demand`` None) and left out of the shared total.
  When no consumer has a demand, all are rationed (each one's demand taken as what it
  could draw).
- **Shortfall** per consumer and element = before − after, and as a fraction of before.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.analysis.composition import element_unit
from kg.analysis.concentration import material_elements
from kg.analysis.flow import FlowNetwork
from kg.analysis.network import STAGE_LAYER
from kg.analysis.paths import consumers_of
from kg.errors import CleanError, RekgError
from kg.model import Claim, Entity
from kg.types import clean_country, clean_element, date_bounds

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

_RESTRICTIVE = {"export-control", "ban"}


def _on_or_before(value: str | None, as_of: str) -> bool:
    return bool(value) and date_bounds(value)[0] <= date_bounds(as_of)[0]  # type: ignore[arg-type]


def policy_status(properties: dict[str, Any], as_of: str) -> str:
    """Status of a policy on ``as_of`` from its dates (see the module docstring).

    >>> p = {"announced": "2025-10-09", "effective": "2025-11-08", "suspended": "2025-11-07"}
    >>> [policy_status(p, d) for d in ("2025-10-01", "2025-10-20", "2025-12-01")]
    ['not yet announced', 'announced', 'suspended']
    >>> policy_status({"announced": "2025-04-04", "effective": "2025-04-04"}, "2025-04-04")
    'in force'
    """
    if _on_or_before(properties.get("ended"), as_of):
        return "ended"
    suspended = properties.get("suspended")
    resumed = properties.get("resumed")
    if _on_or_before(suspended, as_of) and not (
        _on_or_before(resumed, as_of) and date_bounds(resumed)[0] >= date_bounds(suspended)[0]  # type: ignore[arg-type]
    ):
        return "suspended"
    if _on_or_before(properties.get("effective"), as_of) or _on_or_before(resumed, as_of):
        return "in force"
    if _on_or_before(properties.get("announced"), as_of):
        return "announced"
    return "not yet announced"


@dataclass(frozen=True)
class Restriction:
    """Exports of some elements (and layers) from ``country`` stop, to some or all destinations."""

    country: str
    elements: frozenset[str] | None = None
    layers: frozenset[str] | None = None
    destinations: frozenset[str] | None = None
    policy: str | None = None
    sources: tuple[str, ...] = ()

    def label(self) -> str:
        what = ",".join(sorted(self.elements)) if self.elements else "all elements"
        where = f" at {','.join(sorted(self.layers))}" if self.layers else ""
        to = f" to {','.join(sorted(self.destinations))}" if self.destinations else ""
        return f"{self.country}: {what}{where}{to}"

    def to_json(self) -> dict[str, Any]:
        return {"country": self.country,
                "elements": sorted(self.elements) if self.elements else None,
                "layers": sorted(self.layers) if self.layers else None,
                "destinations": sorted(self.destinations) if self.destinations else None,
                "policy": self.policy, "sources": list(self.sources)}


@dataclass
class Scenario:
    """What moves: restrictions, and entities (facility, firm, country) taken out."""

    name: str
    as_of: str | None = None
    restrictions: list[Restriction] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def elements(self) -> list[str | None]:
        """Element networks the scenario touches, named elements first; ``None`` stands for
        the all-elements network (restrictions without elements, removed entities)."""
        named: list[str | None] = [*sorted(set().union(*(r.elements or set() for r in self.restrictions)))]
        whole = bool(self.removed) or any(r.elements is None for r in self.restrictions)
        return [*named, None] if whole or not named else named

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "as_of": self.as_of,
                "restrictions": [r.to_json() for r in self.restrictions],
                "removed": self.removed, "notes": self.notes}


def parse_restriction(text: str) -> Restriction:
    """Parse ``CC:E1,E2`` (``CN:Dy,Tb``); ``CC`` alone restricts every element.

    >>> r = parse_restriction("CN:Dy,tb")
    >>> r.country, sorted(r.elements), r.label()
    ('country:CN', ['Dy', 'Tb'], 'country:CN: Dy,Tb')
    """
    code, _, elems = text.partition(":")
    code = code.strip()
    if not code:
        raise RekgError(f"restrict {text!r}: expected COUNTRY:E1,E2 such as 'CN:Dy,Tb'")
    if code.startswith("country:"):
        code = code.split(":", 1)[1]
    try:
        country = f"country:{clean_country(code, 'restrict').iso2}"
    except CleanError:
        raise RekgError(f"restrict {text!r}: {code!r} is not a country; expected COUNTRY:E1,E2 "
                        "such as 'CN:Dy,Tb'") from None
    elements = frozenset(clean_element(e, "restrict") for e in elems.split(",") if e.strip())
    return Restriction(country=country, elements=elements or None)


def _issuer_countries(policy: str, by_pred: dict[str, list[Claim]], hq: dict[str, str]) -> set[str]:
    out = set()
    for c in by_pred["ISSUED_BY"]:
        if c.subject != policy:
            continue
        if c.object.startswith("country:"):
            out.add(c.object)
        elif c.object in hq:
            out.add(hq[c.object])
    return out


def policies_as_of(
    entities: Iterable[Entity], claims: Iterable[Claim], as_of: str, element: str | None = None
) -> list[dict[str, Any]]:
    """Every policy with its status on ``as_of``, issuer and targets (``rekg policies`` shape).

    ``element`` keeps policies that target it (directly or through a material containing it).

    >>> from kg.model import make_entity
    >>> p = make_entity(id="policy:p", name="P", sources=["source:s"],
    ...                 properties={"instrument": "ban", "effective": "2025-01-01"})
    >>> [(r["id"], r["status"]) for r in policies_as_of([p], [], "2025-06-01")]
    [('policy:p', 'in force')]
    """
    ents = {e.id: e for e in entities}
    claim_list = list(claims)  # targets and issuers are listed whatever their dates
    by_pred: dict[str, list[Claim]] = defaultdict(list)
    for c in claim_list:
        by_pred[c.predicate].append(c)
    hq = {c.subject: c.object for c in by_pred["HEADQUARTERED_IN"]}
    contains = material_elements(by_pred["CONTAINS"])
    targets: dict[str, list[str]] = defaultdict(list)
    affects: dict[str, list[str]] = defaultdict(list)
    issuers: dict[str, list[str]] = defaultdict(list)
    for c in by_pred["TARGETS"]:
        targets[c.subject].append(c.object)
    for c in by_pred["AFFECTS"]:
        affects[c.subject].append(c.object)
    for c in by_pred["ISSUED_BY"]:
        issuers[c.subject].append(c.object)
    out = []
    for pid, ent in sorted(ents.items()):
        if ent.type != "Policy":
            continue
        tg = sorted(set(targets[pid]))
        if element is not None:
            hit = any(t == f"element:{element}" or element in contains.get(t, ()) for t in tg)
            if not hit:
                continue
        dates = {k: ent.properties[k] for k in ("announced", "effective", "suspended",
                                                "resumed", "ended") if ent.properties.get(k)}
        out.append({
            "id": pid, "name": ent.name, "instrument": ent.properties.get("instrument"),
            "issuer": sorted(set(issuers[pid])),
            "issuer_countries": sorted(_issuer_countries(pid, by_pred, hq)),
            "status": policy_status(ent.properties, as_of), "dates": dates,
            "targets": tg, "affects": sorted(set(affects[pid])), "sources": list(ent.sources),
        })
    return out


def restrictions_from_policies(
    entities: Iterable[Entity], claims: Iterable[Claim], as_of: str,
    policies: Iterable[str] | None = None,
) -> Scenario:
    """The restrictions of the export controls and bans in force on ``as_of``.

    ``policies`` limits to those ids (still only if in force). The scenario's ``notes``
    say which targets are not modelled and which policies are not in force.

    >>> from kg.model import make_claim, make_entity
    >>> S = ["source:s"]
    >>> p = make_entity(id="policy:p", name="P", sources=S,
    ...                 properties={"instrument": "export-control", "effective": "2025-04-04"})
    >>> cl = [make_claim(subject="policy:p", predicate="ISSUED_BY", object="country:CN", sources=S),
    ...       make_claim(subject="policy:p", predicate="TARGETS", object="element:Dy", sources=S)]
    >>> restrictions_from_policies([p], cl, "2025-05-01").restrictions[0].label()
    'country:CN: Dy'
    """
    ents = {e.id: e for e in entities}
    claim_list = list(claims)
    contains = material_elements([c for c in claim_list if c.predicate == "CONTAINS"])
    rows = policies_as_of(ents.values(), claim_list, as_of)
    wanted = set(policies) if policies is not None else None
    target_claims: dict[str, list[Claim]] = defaultdict(list)
    for c in claim_list:
        if c.predicate == "TARGETS" and c.holds_on(as_of):
            target_claims[c.subject].append(c)
    target_roles: dict[str, set[str]] = defaultdict(set)
    for c in claim_list:
        if c.predicate == "AFFECTS" and c.holds_on(as_of) and c.properties.get("role") == "target":
            target_roles[c.subject].add(c.object)
    scenario = Scenario(name=f"policies in force on {as_of}", as_of=as_of)
    for row in rows:
        pid = row["id"]
        if wanted is not None and pid not in wanted:
            continue
        if row["instrument"] not in _RESTRICTIVE:
            continue
        if row["status"] != "in force":
            if wanted is not None or row["status"] in ("suspended", "announced"):
                scenario.notes.append(f"{pid}: {row['status']} on {as_of}, not applied")
            continue
        if not row["issuer_countries"]:
            scenario.notes.append(f"{pid}: no issuing country (ISSUED_BY), not applied")
            continue
        elements: set[str] = set()
        by_layer: dict[str, set[str] | None] = {}
        srcs = set(row["sources"])
        skipped = []
        for c in target_claims[pid]:
            srcs.update(c.sources)
            if c.object.startswith("element:"):
                elements.add(c.object.split(":", 1)[1])
                continue
            ent = ents.get(c.object)
            layer = STAGE_LAYER.get((ent.properties.get("stage") if ent else None) or "")
            if layer is None:
                skipped.append(c.object)
                continue
            got = contains.get(c.object)
            prior = by_layer.get(layer, set())
            by_layer[layer] = None if (not got or prior is None) else (prior | set(got))
        dests = frozenset(target_roles[pid]) or None
        for country in row["issuer_countries"]:
            if elements:
                scenario.restrictions.append(Restriction(
                    country, frozenset(elements), None, dests, pid, tuple(sorted(srcs))))
            for layer, elems in sorted(by_layer.items()):
                scenario.restrictions.append(Restriction(
                    country, frozenset(elems) if elems else None, frozenset({layer}), dests, pid,
                    tuple(sorted(srcs))))
        if skipped:
            scenario.notes.append(f"{pid}: targets outside the supply network not modelled: "
                                  f"{', '.join(sorted(set(skipped)))}")
        if not elements and not by_layer:
            scenario.notes.append(f"{pid}: in force but no rare-earth target in the network")
    return scenario


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
    before: float
    after: float
    alone_before: float | None = None
    alone_after: float | None = None
    unit: str | None = None
    demand: float | None = None
    rationed: bool = True

    @property
    def shortfall(self) -> float:
        if math.isinf(self.before) and math.isinf(self.after):
            return 0.0
        return self.before - self.after

    @property
    def shortfall_share(self) -> float | None:
        if self.before == 0 or math.isinf(self.before):
            return None
        return self.shortfall / self.before

    def to_json(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return None if math.isinf(x) else round(x, 3)

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
            out.append(Impact(str(t), element, before[t], after[t], alone_b[t], alone_a[t], unit,
                              E.nodes[t].get("capacity"), t in share))
    return ScenarioResult(scenario, out, sources=sorted(srcs), supply=supply)
