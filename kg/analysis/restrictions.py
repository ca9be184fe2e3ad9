"""Restrictions: what a scenario moves — export controls in force on a date, parsed
``COUNTRY:E1,E2`` restrictions, entities taken out — and the policy status rules they rest on.

:mod:`kg.analysis.scenario` replays them on the element networks.

Rules (also printed in the report):

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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.analysis.concentration import material_elements
from kg.analysis.network import STAGE_LAYER
from kg.errors import CleanError, RekgError
from kg.model import Claim, Entity
from kg.types import clean_country, clean_element, date_bounds

__all__ = [
    "Restriction",
    "Scenario",
    "policy_status",
    "policies_as_of",
    "restrictions_from_policies",
    "parse_restriction",
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
    # targets and issuers are listed whatever their dates, if asserted
    claim_list = [c for c in claims if c.asserted]
    by_pred: dict[str, list[Claim]] = defaultdict(list)
    for c in claim_list:
        by_pred[c.predicate].append(c)
    hq: dict[str, str] = {}
    for c in sorted(by_pred["HEADQUARTERED_IN"], key=lambda c: c.curated_first):
        hq.setdefault(c.subject, c.object)
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
        if c.predicate == "TARGETS" and c.stands(as_of):
            target_claims[c.subject].append(c)
    target_roles: dict[str, set[str]] = defaultdict(set)
    for c in claim_list:
        if c.predicate == "AFFECTS" and c.stands(as_of) and c.properties.get("role") == "target":
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


