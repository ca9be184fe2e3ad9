"""Capacities: how many tonnes of an element each node of an element network can pass a year.

Rules 3–5 of :mod:`kg.analysis.network`: a mine's REO figure × the element's share in its
deposit mix; a country's mine production less its named mines; a plant's element-specific
figure, else its REO figure × the element's share in its feed; a country's stage figure
less its named plants. Each function adds nodes or capacities to the network being built
and appends what it assumed (``assumptions``) and did not find (``missing``).
"""


from __future__ import annotations

from collections import defaultdict

import networkx as nx

from kg.analysis.capability import Capability, product_capability, union
from kg.analysis.composition import (
    mix_share,
    oxide_factor,
)
from kg.analysis.figures import Figure, figure_of, published_of, tonnes
from kg.analysis.supply_data import STAGE_LAYER, SupplyData
from kg.model import Claim

__all__ = ["content", "facility_claims", "pick", "mine_share", "add_node", "facility_nodes",
           "mining_residuals", "country_layer", "dedupe"]

# -- quantities ---------------------------------------------------------------------------------

def content(d: SupplyData, material: str | None, element: str | None) -> tuple[float, tuple[str, ...]] | None:
    """Tonnes of the element (oxide basis) per tonne of a material, or None when unknown.

    Total network (``element`` None): oxides and REO count 1:1, other materials unknown.
    """
    ent = d.entities.get(material or "")
    form = str(ent.properties.get("form")) if ent else ""
    if element is None:
        return (1.0, ()) if form in ("oxide", "compound") or material == "material:reo" else None
    rec = d.shares.get(material or "", {}).get(element)
    if rec is not None:
        return rec.oxide_share()[0], rec.sources
    elems = d.contains.get(material or "")
    if elems == frozenset({element}):
        return (oxide_factor(element) if form in ("metal", "alloy") else 1.0), ()
    return None


def facility_claims(d: SupplyData, fid: str, layer: str) -> list[Claim]:
    out = []
    for c in d.by_pred["PRODUCES"]:
        if c.subject != fid:
            continue
        stage = c.properties.get("stage")
        lay = STAGE_LAYER.get(str(stage)) if stage else d.layer_of_material(c.object)
        if lay == layer:
            out.append(c)
    return out


def pick(d: SupplyData, claims: list[Claim], how: str, unit_filter=None) -> Figure | None:
    """Production figure of the data year, else the newest capacity, else the newest
    production, all with year ≤ the data year (or no year)."""
    ok = [c for c in claims if tonnes(c) is not None and (unit_filter is None or unit_filter(c))
          and (d.year is None or c.properties.get("year") is None or c.properties["year"] <= d.year)]
    if not ok:
        return None

    def rank(c: Claim) -> tuple:
        basis = c.properties.get("basis", "production")
        this_year = basis == "production" and c.properties.get("year") == d.year
        return (this_year, basis == "capacity", c.properties.get("year") or 0,
                published_of(c, d.entities), c.id)

    best = max(ok, key=rank)
    return figure_of(best, d.entities, how)


def mine_share(d: SupplyData, subject: str, country: str | None, element: str | None):
    """(share, low, high, sources, note) of the element in a mine's (or country's) output."""
    if element is None:
        return 1.0, 1.0, 1.0, (), ""
    for who, note in ((subject, ""), (country, f"{country}'s deposit mix")):
        if who and who in d.mixes:
            got = mix_share(d.mixes[who], d.shares, element)
            if got is not None:
                return (*got, note)
    return None



def add_node(G: nx.DiGraph, node: str, **attrs) -> None:
    G.add_node(node, **attrs)



def facility_nodes(d: SupplyData, G: nx.DiGraph, element: str | None, unit: str,
                   assumptions: list[str], missing: list[str], used: set[str]) -> dict[str, Capability]:
    """One node per facility and layer with its capability and capacity (rules 1–5), joined
    in layer order; returns each node's :class:`~kg.analysis.capability.Capability`."""
    tag = element or "REO"
    caps: dict[str, Capability] = {}
    for fid, layers in d.fac_layers.items():
        ent = d.entities[fid]
        country = d.located.get(fid)
        stages = ent.properties.get("stages", [])
        for lay in layers:
            node = f"{fid}@{lay}"
            here = facility_claims(d, fid, lay)
            cap_fig: Figure | None = None
            low = high = None
            if lay == "mining":
                cap = Capability(frozenset(), rule="mine")
                reo = pick(d, here, f"{ent.name} REO output",
                            unit_filter=lambda c: "REO" in str(c.properties.get("quantity_unit")))
                share = mine_share(d, fid, country, element)
                if share is not None:
                    cap = Capability(frozenset({element}) if element else frozenset(), (), share[3],
                                     "deposit mix" + (f" ({share[4]})" if share[4] else ""))
                    if share[4] and element:
                        assumptions.append(f"{fid}: no deposit mix of its own; {share[4]} used.")
                if reo is not None and share is not None:
                    cap_fig = reo.scaled(share[0], unit, f"× {tag} share {share[0]:.4f}", share[3])
                    low, high = reo.value * share[1], reo.value * share[2]
                elif reo is not None:
                    missing.append(f"{node}: {reo.value:,.0f} t REO without a deposit mix: no "
                                   f"{tag} counted")
                    cap_fig = reo.scaled(0.0, unit, "× unknown share (0 counted)")
                is_source = True
            else:
                specific = lay in ("separation",)
                cap = product_capability(here, d.contains, d.as_of, specific_only=specific,
                                         what=f"{lay} plant",
                                         published={c.id: published_of(c, d.entities)
                                                    for c in here if c.extractor})
                if element is None:
                    cap = Capability(frozenset(), (), cap.sources, "total network: passes REO")
                cap_fig = plant_capacity(d, fid, lay, here, element, unit)
                is_source = lay == layers[0] and "recycling" in stages
                if element is not None and not cap.known:
                    missing.append(f"{node}: {cap.rule}")
            caps[node] = cap
            passes = element is None or cap.passes(element) or lay == "mining"
            if not passes:
                continue
            add_node(G, node, kind="facility", entity=fid, layer=lay, country=country,
                 name=f"{ent.name} ({lay})", capacity=cap_fig.value if cap_fig else None,
                 capacity_basis=cap_fig.how if cap_fig else None,
                 capacity_low=low, capacity_high=high,
                 elements=cap.elements, capability=cap.rule, source=is_source,
                 operators=sorted(d.operated_by.get(fid, [])),
                 sources=tuple(sorted(set(ent.sources) | (set(cap_fig.sources) if cap_fig else set())
                                      | set(cap.sources))))
            if cap_fig:
                used.update(cap_fig.sources)
        chain = [f"{fid}@{lay}" for lay in layers if f"{fid}@{lay}" in G]
        for a, b in zip(chain, chain[1:], strict=False):
            G.add_edge(a, b, basis="within facility", sources=tuple(ent.sources), cross_border=False)

    return caps


def mining_residuals(d: SupplyData, G: nx.DiGraph, element: str | None, unit: str,
                     assumptions: list[str], missing: list[str], used: set[str]) -> float:
    """Each country's mine production less its named mines (rule 3) as an aggregate node;
    mines without a figure count 0 t. Returns the world mine output of the element."""
    tag = element or "REO"
    world_e = 0.0
    for country, fig in sorted(d.country_mine.items()):
        named = [n for n, a in G.nodes(data=True) if a.get("country") == country
                 and a.get("layer") == "mining" and a["kind"] == "facility"]
        # named mines' REO (before the element share) is what the country figure includes
        known_reo = 0.0
        unknown = []
        for n in named:
            reo = pick(d, facility_claims(d, G.nodes[n]["entity"], "mining"), "",
                        unit_filter=lambda c: "REO" in str(c.properties.get("quantity_unit")))
            if reo is None:
                unknown.append(n)
            else:
                known_reo += reo.value
        if known_reo > fig.value > 0:
            # named mines' own figures (capacities, older or wider estimates) exceed the
            # country's mine production: the country figure binds, the named mines share it
            k = fig.value / known_reo
            for n in named:
                if n not in unknown:
                    a = G.nodes[n]
                    for key in ("capacity", "capacity_low", "capacity_high"):
                        if a.get(key) is not None:
                            a[key] *= k
                    a["capacity_basis"] = (f"{a.get('capacity_basis')}, scaled by {k:.3f} so the "
                                           f"named mines do not exceed {fig.how}")
            assumptions.append(f"{country}: named mines' figures ({known_reo:,.0f} t REO) exceed "
                               f"{fig.how} ({fig.value:,.0f} t REO); scaled down to it.")
            known_reo = fig.value
        rest = max(0.0, fig.value - known_reo)
        share = mine_share(d, country, None, element)
        if share is None:
            if rest > 0 and not unknown:
                missing.append(f"{country}: {rest:,.0f} t REO of mine output ({fig.how}) without a "
                               f"deposit mix: no {tag} counted")
            share_v = (0.0, 0.0, 0.0, (), "")
        else:
            share_v = share
            if d.mixes.get(country) and d.mixes[country].coverage < 0.999 and element:
                assumptions.append(
                    f"{country}: deposit mix covers {d.mixes[country].coverage:.0%} of its mine "
                    f"output; the rest carries no {tag} (a lower bound).")
        used.update(fig.sources)
        if unknown:
            for n in unknown:
                part = rest / len(unknown)
                own = mine_share(d, G.nodes[n]["entity"], country, element)
                if own is None:
                    missing.append(f"{n}: {part:,.0f} t REO without a deposit mix: no {tag} counted")
                    own = (0.0, 0.0, 0.0, (), "")
                G.nodes[n].update(capacity=part * own[0], capacity_low=part * own[1],
                                  capacity_high=part * own[2],
                                  capacity_basis=f"equal part of {fig.how} less named mines "
                                                 f"({part:,.0f} t REO) × {tag} share {own[0]:.4f}",
                                  sources=tuple(sorted(set(G.nodes[n]["sources"]) | set(fig.sources)
                                                       | set(own[3]))))
        elif rest > 0:
            ent = d.entities.get(country)
            name = ent.name if ent else country
            add_node(G, f"{country}@mining", kind="aggregate", entity=country, layer="mining",
                 country=country, name=f"{'rest of ' if named else ''}{name} (mining)",
                 capacity=rest * share_v[0], capacity_low=rest * share_v[1],
                 capacity_high=rest * share_v[2],
                 capacity_basis=f"{fig.how}{' less named mines' if named else ''} "
                                f"({rest:,.0f} t REO) × {tag} share {share_v[0]:.4f}",
                 elements=frozenset({element}) if element else frozenset(),
                 capability="deposit mix", source=True, operators=[],
                 sources=tuple(sorted(set(fig.sources) | set(share_v[3]))))
    for n, a in G.nodes(data=True):
        if a.get("source") and a.get("capacity") is None:
            # a mine or recycler without a figure has no evidence of output: 0 t in flows
            a["capacity"] = 0.0
            a["capacity_basis"] = "no figure: 0 t in flows"
            missing.append(f"{n}: supply source ({a.get('layer')}) without a production or "
                           "capacity figure (0 t)")
        if a.get("layer") == "mining" and a.get("source"):
            world_e += a["capacity"]
    G.graph["world_mine_output"] = world_e
    return world_e


def dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def plant_capacity(d: SupplyData, fid: str, lay: str, here: list[Claim], element: str | None,
                    unit: str) -> Figure | None:
    """A plant's capacity in the element (rule 4/5), or None when not binding."""
    tag = element or "REO"
    best: Figure | None = None
    for c in here:
        got = content(d, c.object, element)
        if got is None:
            continue
        fig = pick(d, [c], f"{fid} {c.object.split(':', 1)[1]}")
        if fig is None:
            continue
        scaled = fig.scaled(got[0], unit, f"× {tag} content {got[0]:.4f}", got[1])
        if best is None or (fig.year or 0, fig.value) > (best.year or 0, best.value):
            best = scaled
    if best is not None or element is None or lay != "separation":
        return best
    # REO capacity × the element's share in the plant's feed (a FEEDS mine's mix)
    feeders = [c.subject for c in d.by_pred["FEEDS"] if c.object == fid]
    reo = pick(d, [c for c in here if d.entities.get(c.object) is not None
                    and d.entities[c.object].properties.get("form") in ("oxide", "compound")
                    and len(d.contains.get(c.object, ())) != 1
                    and not (0 < len(d.contains.get(c.object, ())) <= 2)],
                f"{fid} separated REO")
    for m in feeders:
        share = mine_share(d, m, d.located.get(m), element)
        if reo is not None and share is not None:
            return reo.scaled(share[0], unit, f"× {tag} share {share[0]:.4f} in the feed from {m}",
                              share[3])
    return None


def country_layer(d: SupplyData, G: nx.DiGraph, lay: str, element: str | None, unit: str,
                   world_e: float, assumptions: list[str], missing: list[str], used: set[str],
                   caps: dict[str, Capability]) -> None:
    """Aggregate nodes for a country's unattributed output at a stage (rule 4/5)."""
    tag = element or "REO"
    best: dict[str, tuple[tuple[int, int], Figure]] = {}
    stage_caps: dict[str, list[Capability]] = defaultdict(list)
    for c in d.by_pred["PRODUCES"]:
        if not c.subject.startswith("country:") or c.properties.get("output_share") is not None:
            continue
        stage = c.properties.get("stage") or (d.entities[c.object].properties.get("stage")
                                              if c.object in d.entities else None)
        if STAGE_LAYER.get(str(stage)) != lay:
            continue
        if c.properties.get("basis", "production") not in ("production", "capacity", "estimate"):
            continue
        cy = c.properties.get("year")
        if cy is not None and d.year is not None and cy > d.year:
            continue
        elems: frozenset[str] | None
        if c.object.startswith("element:"):
            elems = frozenset({c.object.split(":", 1)[1]})
            stage_caps[c.subject].append(Capability(elems, (), tuple(c.sources),
                                                    "country-level element output"))
            if element is not None and c.object != f"element:{element}":
                continue
        else:
            elems = d.contains.get(c.object)
        if not c.object.startswith("element:") and (lay == "magnet" or (elems and len(elems) <= 2)):
            stage_caps[c.subject].append(product_capability([c], d.contains, d.as_of,
                                                            specific_only=lay != "magnet"))
        fig: Figure | None = None
        rank = (0, 0)
        q = tonnes(c)
        got = (1.0, ()) if element and c.object == f"element:{element}" else \
            content(d, c.object, element)
        if q is not None and got is not None:
            base = figure_of(c, d.entities, f"{c.subject} {lay} output {cy or ''} "
                                            f"({c.properties.get('basis', 'production')})")
            if base is not None:
                fig = base.scaled(got[0], unit, f"× {tag} content {got[0]:.4f}", got[1])
                # an element's own figure beats a product's; a figure beats a share
                rank = (3 if c.object.startswith("element:") else 2, cy or 0)
        elif c.properties.get("share") is not None and world_e > 0:
            share = float(c.properties["share"])
            fig = Figure(share * world_e, unit, "share × world", cy, tuple(c.sources),
                         f"{c.subject} {lay} share {share:.0%} ({cy or 'year not stated'}) × "
                         f"world mine output of {tag} {world_e:,.0f}", (c.id,),
                         published_of(c, d.entities))
            rank = (1, cy or 0)
        if fig is None:
            continue
        prior = best.get(c.subject)
        if prior is None or rank > prior[0]:
            best[c.subject] = (rank, fig)
    for country, (_, fig) in sorted(best.items()):
        named = [n for n, a in G.nodes(data=True) if a.get("country") == country
                 and a.get("layer") == lay and a["kind"] == "facility"]
        own = [caps[n] for n in caps if n.endswith(f"@{lay}")
               and d.located.get(n.rsplit("@", 1)[0]) == country]
        cap = union(own + stage_caps.get(country, []),
                    f"what {country}'s named {lay} plants and country-level {lay} products pass")
        if element is None:
            cap = Capability(frozenset(), (), cap.sources, "total network: passes REO")
        elif not cap.passes(element):
            missing.append(f"{country}@{lay}: no source says {country} separates {element}; its "
                           f"{lay} output carries none" if lay == "separation" else
                           f"{country}@{lay}: no {element}-bearing product stated")
            continue
        known = sum(G.nodes[n]["capacity"] or 0.0 for n in named)
        rest = max(0.0, fig.value - known)
        used.update(fig.sources)
        unknown = [n for n in named if G.nodes[n]["capacity"] is None]
        if unknown:
            for n in unknown:
                G.nodes[n]["capacity"] = rest / len(unknown)
                G.nodes[n]["capacity_basis"] = f"equal part of {fig.how}, less named plants"
            continue
        if rest <= 0:
            continue
        ent = d.entities.get(country)
        name = ent.name if ent else country
        if fig.basis == "share × world":
            assumptions.append(f"{country} {lay}: {fig.how} (its share of total rare earths "
                               f"stands for its share of {tag}; no {tag}-specific figure).")
        add_node(G, f"{country}@{lay}", kind="aggregate", entity=country, layer=lay, country=country,
             name=f"{'rest of ' if named else ''}{name} ({lay})", capacity=rest,
             capacity_basis=fig.how + (" less named plants" if named else ""),
             capacity_low=None, capacity_high=None, elements=cap.elements, capability=cap.rule,
             source=False, operators=[], sources=tuple(sorted(set(fig.sources) | set(cap.sources))))


