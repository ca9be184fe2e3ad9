"""Supply data: the records the element networks are built from, read once for a date.

:func:`prepare` reads the claims that hold on a date and the facilities in service into a
:class:`SupplyData` (mine production of the data year and edition, deposit mixes, element
shares, who operates and where, trade links, offtakes, consumer areas).
:mod:`kg.analysis.network` builds each element's network from it.
"""


from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.analysis.composition import (
    ElementShare,
    Mix,
    element_shares,
    mixes,
)
from kg.analysis.concentration import material_elements
from kg.analysis.figures import Figure, figure_of, newest_first, tonnes
from kg.analysis.sourcing import Offtake, TradeLink, area_members, offtakes, trade_links
from kg.errors import RekgError
from kg.model import Claim, Entity
from kg.types import date_bounds

__all__ = [
    "LAYERS", "OPTIONAL_LAYERS", "STAGE_LAYER", "FORM_LAYER", "DEFAULT_CONSUMERS",
    "consumer_id", "facility_in_service", "layer_index", "SupplyData", "prepare",
]

LAYERS: tuple[str, ...] = ("mining", "separation", "metal", "magnet")
OPTIONAL_LAYERS = ("metal",)
STAGE_LAYER: dict[str, str] = {
    "mining": "mining", "concentration": "mining", "separation": "separation",
    "recycling": "separation", "metal": "metal", "alloy": "metal", "magnet": "magnet",
}
FORM_LAYER = {"ore": "mining", "concentrate": "mining", "intermediate": "mining",
              "oxide": "separation", "compound": "separation", "metal": "metal",
              "alloy": "metal", "magnet": "magnet"}
DEFAULT_CONSUMERS: tuple[str, ...] = ("country:US", "region:eu", "country:JP")


def consumer_id(area: str) -> str:
    """Node id of the magnet users of a country or region.

    >>> consumer_id("country:US")
    'country:US@magnet-users'
    """
    return f"{area}@magnet-users"


def facility_in_service(entity: Entity, as_of: str | None, include_planned: bool = False) -> bool:
    """Whether a facility counts as supplying on ``as_of`` (rule 2).

    >>> from kg.model import make_entity
    >>> f = make_entity(id="facility:x", name="X", sources=["source:s"],
    ...                 properties={"stages": ["magnet"], "status": "operating",
    ...                             "status_date": "2025-09"})
    >>> facility_in_service(f, "2025-04-04"), facility_in_service(f, "2025-10-09")
    (False, True)
    """
    status = entity.properties.get("status")
    since = entity.properties.get("status_date")
    started = since is None or as_of is None or date_bounds(since)[0] <= date_bounds(as_of)[0]
    if status == "operating":
        return started
    if status in ("closed", "suspended"):
        return not started
    return include_planned


def layer_index(layer: str) -> int:
    """Position of a layer in :data:`LAYERS` (mining first)."""
    return LAYERS.index(layer)


@dataclass
class SupplyData:
    """Everything the element networks need, read once from the records for one date."""

    as_of: str | None
    year: int | None
    entities: dict[str, Entity]
    claims: list[Claim]
    by_pred: dict[str, list[Claim]]
    contains: dict[str, frozenset[str]]
    shares: dict[str, dict[str, ElementShare]]
    mixes: dict[str, Mix]
    located: dict[str, str]
    operated_by: dict[str, list[str]]  # facility → firms
    runs: dict[str, list[str]]  # firm → facilities
    hq: dict[str, str]
    fac_layers: dict[str, list[str]]
    world_mine: Figure | None
    country_mine: dict[str, Figure]
    trade: list[TradeLink]
    offtakes: list[Offtake]
    members: dict[str, frozenset[str]]
    consumers: list[str]
    assumptions: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def layer_of_material(self, material: str | None) -> str | None:
        ent = self.entities.get(material or "")
        if ent is None:
            return None
        return STAGE_LAYER.get(str(ent.properties.get("stage") or "")) or \
            FORM_LAYER.get(str(ent.properties.get("form") or ""))

    def area_of(self, country: str | None) -> str | None:
        """The consumer area a country belongs to (itself, or a region it is a member of)."""
        if country is None:
            return None
        for area in self.consumers:
            if country == area or country in self.members.get(area, ()):
                return area
        return None


def prepare(
    entities: Iterable[Entity], claims: Iterable[Claim], as_of: str | None = None,
    year: int | None = None, edition: str | None = None,
    consumers: Iterable[str] | None = None, include_planned: bool = False,
) -> SupplyData:
    """Read the records for ``as_of`` (claims that hold on it, facilities in service).

    ``year`` is the data year of mine production (default: the newest year with a world
    figure on or before ``as_of``'s year); ``edition`` a source id to take it from
    (default: the newest published source with a world total for that year).
    """
    ents = {e.id: e for e in entities}
    held = [c for c in claims if c.stands(as_of)]
    by_pred: dict[str, list[Claim]] = defaultdict(list)
    for c in held:
        by_pred[c.predicate].append(c)
    assumptions: list[str] = []
    missing: list[str] = []

    as_of_year = date_bounds(as_of)[0].year if as_of else None
    world_claims = [c for c in by_pred["PRODUCES"] if c.subject == "region:world"
                    and c.properties.get("stage") == "mining" and c.object == "material:reo"
                    and tonnes(c) is not None and c.properties.get("basis", "production") == "production"]
    years = sorted({c.properties["year"] for c in world_claims if c.properties.get("year")
                    and (as_of_year is None or c.properties["year"] <= as_of_year)})
    ref_year = year if year is not None else (years[-1] if years else as_of_year)
    figs = [f for c in world_claims if c.properties.get("year") == ref_year
            for f in [figure_of(c, ents, f"world mine production {ref_year}")] if f]
    if edition is not None:
        figs = [f for f in figs if edition in f.sources]
        if not figs:
            raise RekgError(f"edition: no world mine production for {ref_year} from {edition}; "
                            "pick a source id that gives one (see `rekg analyze concentration "
                            "--stage mining --json`)")
    ordered = newest_first(figs)
    world = ordered[0] if ordered else None
    country_mine: dict[str, Figure] = {}
    if world is not None:
        older = "; older editions: " + ", ".join(
            f"{', '.join(a.sources)} {a.value:,.0f} t REO" for a in world.alternatives) \
            if world.alternatives else ""
        assumptions.append(f"Mine production: {', '.join(world.sources)} (newest edition), data "
                           f"year {ref_year}, world {world.value:,.0f} t REO{older}.")
        for c in by_pred["PRODUCES"]:
            if (c.subject.startswith("country:") and c.properties.get("stage") == "mining"
                    and c.object == "material:reo" and c.properties.get("year") == ref_year
                    and tuple(c.sources) == world.sources and tonnes(c) is not None
                    and c.properties.get("basis", "production") == "production"):
                f = figure_of(c, ents, f"{c.subject} mine production {ref_year}")
                if f:
                    country_mine[c.subject] = f
    else:
        missing.append("No world mine production figure: countries' unattributed mine output "
                       "is not modelled.")

    located: dict[str, str] = {}
    for c in sorted(by_pred["LOCATED_IN"], key=lambda c: c.curated_first):
        located.setdefault(c.subject, c.object)
    operated_by: dict[str, list[str]] = defaultdict(list)
    runs: dict[str, list[str]] = defaultdict(list)
    for c in by_pred["OPERATES"]:
        operated_by[c.object].append(c.subject)
        runs[c.subject].append(c.object)
    hq: dict[str, str] = {}
    for c in sorted(by_pred["HEADQUARTERED_IN"], key=lambda c: c.curated_first):
        hq.setdefault(c.subject, c.object)
    fac_layers = {}
    for fid, e in sorted(ents.items()):
        if e.type != "Facility" or not facility_in_service(e, as_of, include_planned):
            continue
        layers = sorted({STAGE_LAYER[s] for s in e.properties.get("stages", []) if s in STAGE_LAYER},
                        key=layer_index)
        if layers:
            fac_layers[fid] = layers
    trade, trade_notes = trade_links(by_pred["EXPORTS_TO"])
    assumptions += trade_notes
    wanted = list(consumers if consumers is not None else DEFAULT_CONSUMERS)
    return SupplyData(
        as_of=as_of, year=ref_year, entities=ents, claims=held, by_pred=by_pred,
        contains=material_elements(by_pred["CONTAINS"]), shares=element_shares(by_pred["CONTAINS"]),
        mixes=mixes(by_pred["PRODUCES"]), located=located, operated_by=dict(operated_by),
        runs=dict(runs), hq=hq, fac_layers=fac_layers, world_mine=world,
        country_mine=country_mine, trade=trade, offtakes=offtakes(by_pred["SUPPLIES"]),
        members=area_members(ents.values()), consumers=wanted, assumptions=assumptions,
        missing=missing,
    )


