"""The element-resolved supply network: who supplies whom, in tonnes of one element.

The modules behind it: :mod:`~kg.analysis.supply_data` (:func:`prepare`, the records for a
date), :mod:`~kg.analysis.capacities` (rules 3–5: nodes and their tonnes),
:mod:`~kg.analysis.links` (rules 6–7: who supplies whom, consumers and their demand,
:mod:`~kg.analysis.demand`); this module assembles them.

:func:`prepare` reads the store's records once for a date (:class:`SupplyData`);
:func:`element_network` assembles the flow network of one element from it, every
quantity in tonnes of that element (oxide basis: ``t Dy2O3-equivalent``; metal and magnet
content are converted with the element's oxide factor). :func:`supply_networks` does both
for several elements. Every modelling choice is appended to ``G.graph["assumptions"]``
and printed by the report; data the model needed and did not find goes to
``G.graph["missing"]``.

Rules (each module named holds the details):

1. **Layers** ``mining → separation → (metal) → magnet → consumers``. A facility with
   several stages is one node per layer (``facility:mountain-pass@mining``) joined in
   layer order. The metal layer is optional (material may skip it).
2. **Nodes as of the date**: operating facilities from their status date, closed or
   suspended ones before it; planned and construction projects only with
   ``include_planned``.
3. **Mine output of the element** (:mod:`~kg.analysis.composition`): a mine's REO tonnage
   (its production figure for the data year, else its newest capacity) × the element's
   share in its deposit mix (its own, else its country's, printed). A country's mine
   production (USGS edition, newest published by default) less its named mines' figures
   is its unattributed output (``country:XX@mining``) with the country's mix; where a
   country's mix is unknown its tonnes carry no element (listed as missing).
4. **Separation** passes only the elements a plant can separate, from the date it could
   (:mod:`~kg.analysis.capability`); its capacity in the element is an element-specific
   output or capacity figure, else its REO figure × the element's share in its feed, else
   not binding. A country's separation output: an element-specific figure, else its
   stage share × world mine output of the element (same share for every element,
   printed), less its named plants.
5. **Magnets**: a plant's magnet tonnes × the element's mass fraction in the magnet ×
   the oxide factor; a country's magnet share × world mine output of the element (an
   upper bound: not all of an element goes into magnets).
6. **Links** (:mod:`~kg.analysis.sourcing`): within a facility; FEEDS (captive chains);
   offtakes (SUPPLIES); domestic (a country's plants sell to its own next-stage plants);
   cross-border only where a source gives an import share or a trade flow. No other
   cross-border link exists: a country whose buyers no source names supplies no one
   abroad (printed per country).
7. **Consumers**: the magnet users of each area (``country:US@magnet-users``; a region's
   members count as domestic), fed by the area's magnet plants and by the area's sourced
   imports; firms that buy under a contract and run no plant are consumers of their own
   (``firm:gm``) and, headquartered in an area, part of its users. A consumer's capacity
   is its demand of the element where a source gives one (:mod:`~kg.analysis.demand`);
   an import share without the importer's total is sized by that demand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import networkx as nx

from kg.analysis.capacities import country_layer, dedupe, facility_nodes, mining_residuals
from kg.analysis.composition import element_unit
from kg.analysis.links import link
from kg.analysis.supply_data import (
    DEFAULT_CONSUMERS,
    LAYERS,
    OPTIONAL_LAYERS,
    STAGE_LAYER,
    SupplyData,
    consumer_id,
    facility_in_service,
    prepare,
)
from kg.model import Claim, Entity

__all__ = [
    "LAYERS",
    "STAGE_LAYER",
    "DEFAULT_CONSUMERS",
    "consumer_id",
    "facility_in_service",
    "SupplyData",
    "prepare",
    "element_network",
    "supply_networks",
    "world_mine_output",
]


def element_network(d: SupplyData, element: str | None) -> nx.DiGraph:
    """The supply network of ``element`` (``None``: total REO) as of ``d.as_of``.

    Node attributes are those of :mod:`kg.analysis.paths` plus ``layer``, ``entity``,
    ``capacity_basis`` (how the capacity was found), ``capacity_low``/``capacity_high``
    (mines: the spread of the element share), ``elements`` (what the node passes on) and
    ``capability`` (the rule). Edge attributes: ``basis`` (within facility, feeds,
    supplies, domestic, import share, trade flow), ``capacity``, ``weight`` (an import
    share), ``sources``, ``cross_border``.
    """
    G = nx.DiGraph()
    unit = element_unit(element)
    assumptions = list(d.assumptions)
    missing = list(d.missing)
    used: set[str] = set(d.world_mine.sources) if d.world_mine else set()

    caps = facility_nodes(d, G, element, unit, assumptions, missing, used)
    world_e = mining_residuals(d, G, element, unit, assumptions, missing, used)
    # -- country figures at separation and magnet ---------------------------------------------------
    for lay in ("separation", "magnet"):
        country_layer(d, G, lay, element, unit, world_e, assumptions, missing, used, caps)

    # -- links ------------------------------------------------------------------------------------
    link(d, G, element, assumptions, used)
    G.graph.update(element=element, unit=unit, as_of=d.as_of, year=d.year,
                   edition=list(d.world_mine.sources) if d.world_mine else [],
                   world_total=world_e, assumptions=dedupe(assumptions),
                   missing=dedupe(missing), sources=sorted(used),
                   mandatory_layers=[la for la in LAYERS if la not in OPTIONAL_LAYERS],
                   optional_layers=list(OPTIONAL_LAYERS))
    return G



def supply_networks(
    entities: Iterable[Entity], claims: Iterable[Claim], elements: Sequence[str | None],
    as_of: str | None = None, **kw,
) -> dict[str | None, nx.DiGraph]:
    """:func:`element_network` for each element, from one :func:`prepare`."""
    d = prepare(entities, claims, as_of=as_of, **kw)
    return {e: element_network(d, e) for e in elements}


def world_mine_output(d: SupplyData, element: str) -> dict[str, float]:
    """World mine output of an element derived from the graph: the sum over the mining layer
    (value, low, high in the element's oxide tonnes) and the REO it covers.

    ``coverage`` is the share of the world REO total whose element content is known.
    """
    G = element_network(d, element)
    rows = [a for _, a in G.nodes(data=True) if a.get("layer") == "mining" and a.get("source")]
    value = sum(a["capacity"] or 0.0 for a in rows)
    low = sum(a.get("capacity_low") if a.get("capacity_low") is not None else (a["capacity"] or 0.0)
              for a in rows)
    high = sum(a.get("capacity_high") if a.get("capacity_high") is not None else (a["capacity"] or 0.0)
               for a in rows)
    return {"value": value, "low": low, "high": high}

