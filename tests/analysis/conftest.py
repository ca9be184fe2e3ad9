"""A small hand-made world: entities and claims built in code (no files, no network).

Element content (oxide basis unless said): China mines 270 t REO, 80 % bastnäsite mix
(Dy 0.1 %) and 20 % ionic clay (Dy 5 %), so 2.916 t Dy2O3; Mt Weld (Australia) 30 t REO at
Dy 0.3 % = 0.09 t, captive to Lynas Malaysia, which separates Dy only from 2025-05; a US
mine of 20 t REO (Dy 0.1 %) feeds a US light-only separator. China separates everything
(country-level Dy, Tb and NdPr oxide products) with 90 % of world separation and 90 % of
magnets. Import sources: US magnets 70 % from China, US separated oxides 13 % from
Malaysia; EU magnets 98 % from China; none for Japan, whose users are fed only through
Sojitz's offtake from Lynas. GM buys NdPr oxide from Lynas.
"""

from __future__ import annotations

import pytest

from kg.model import make_claim, make_entity

S = ["source:usgs"]
S2 = ["source:iea"]


def country(code, name):
    return make_entity(id=f"country:{code}", name=name, properties={"iso2": code}, sources=S)


def facility(fid, stages, status="operating", status_date=None):
    props = {"stages": stages, "status": status}
    if status_date:
        props["status_date"] = status_date
    return make_entity(id=f"facility:{fid}", name=fid, properties=props, sources=S)


def material(mid, form, stage=None):
    props = {"form": form} | ({"stage": stage} if stage else {})
    return make_entity(id=f"material:{mid}", name=mid, properties=props, sources=S)


def claim(subject, predicate, obj, sources=S, **props):
    extra = {k: props.pop(k) for k in ("valid_from", "valid_to") if k in props}
    return make_claim(subject=subject, predicate=predicate, object=obj, properties=props,
                      sources=sources, **extra)


def produces(who, material, stage, q=None, unit="t REO", year=2024, sources=S, **kw):
    props = {"stage": stage, "basis": kw.pop("basis", "production"), "year": year, **kw}
    if q is not None:
        props |= {"quantity": q, "quantity_unit": unit}
    return claim(who, "PRODUCES", f"material:{material}", sources=sources, **props)


def contains(mat, element, share=None, basis="reo-oxide", lo=None, hi=None):
    props = {} if share is None else {"share": share, "basis": basis}
    if lo is not None:
        props |= {"share_min": lo, "share_max": hi}
    return claim(f"material:{mat}", "CONTAINS", f"element:{element}", **props)


def imports(origin, importer, mat, share, period="2020-2023", year=2023):
    return claim(origin, "EXPORTS_TO", importer, material=f"material:{mat}", import_share=share,
                 period=period, year=year)


@pytest.fixture
def world():
    ents = [
        make_entity(id="source:usgs", name="USGS", sources=[],
                    properties={"url": "https://usgs.gov", "title": "USGS", "published": "2025-01-31",
                                "kind": "primary"}),
        make_entity(id="source:iea", name="IEA", sources=[],
                    properties={"url": "https://iea.org", "title": "IEA", "published": "2024",
                                "kind": "secondary"}),
        country("CN", "China"), country("US", "United States"), country("AU", "Australia"),
        country("MY", "Malaysia"), country("JP", "Japan"), country("DE", "Germany"),
        make_entity(id="region:world", name="World", properties={"aggregate": True}, sources=S),
        make_entity(id="region:eu", name="European Union", properties={"members": ["country:DE"]},
                    sources=S),
        material("reo", "other"),
        material("bast-mix", "ore", "mining"), material("clay-mix", "ore", "mining"),
        material("weld-mix", "ore", "mining"),
        material("separated-reo", "oxide", "separation"),
        material("ndpr-oxide", "oxide", "separation"), material("dy-oxide", "oxide", "separation"),
        material("tb-oxide", "oxide", "separation"),
        material("ndfeb-magnet", "magnet", "magnet"),
        *[make_entity(id=f"element:{sym}", name=name, sources=S,
                      properties={"symbol": sym, "atomic_number": z})
          for sym, name, z in (("La", "Lanthanum", 57), ("Ce", "Cerium", 58),
                               ("Pr", "Praseodymium", 59), ("Nd", "Neodymium", 60),
                               ("Tb", "Terbium", 65), ("Dy", "Dysprosium", 66))],
        make_entity(id="firm:lynas", name="Lynas", sources=S),
        make_entity(id="firm:gm", name="GM", sources=S),
        make_entity(id="firm:sojitz", name="Sojitz", sources=S),
        make_entity(id="firm:mofcom", name="MOFCOM", sources=S),
        facility("mt-weld", ["mining", "concentration"]),
        facility("lynas-my", ["separation"]),
        facility("us-mine", ["mining"]),
        facility("us-sep", ["separation"]),
        facility("us-magnets", ["magnet"], status_date="2025-01"),
        facility("planned-sep", ["separation"], status="planned"),
        make_entity(id="policy:cn-2025-18", name="April controls", sources=S,
                    properties={"instrument": "export-control", "announced": "2025-04-04",
                                "effective": "2025-04-04"}),
        make_entity(id="policy:cn-2025-57", name="October controls", sources=S,
                    properties={"instrument": "export-control", "announced": "2025-10-09",
                                "effective": "2025-11-08", "suspended": "2025-11-07"}),
    ]
    claims = [
        contains("bast-mix", "Nd", 0.17), contains("bast-mix", "Dy", 0.001, lo=0.0005, hi=0.002),
        contains("clay-mix", "Nd", 0.25), contains("clay-mix", "Dy", 0.05, lo=0.03, hi=0.07),
        contains("weld-mix", "Nd", 0.19), contains("weld-mix", "Dy", 0.003),
        contains("ndpr-oxide", "Nd", 0.75), contains("ndpr-oxide", "Pr", 0.25),
        contains("dy-oxide", "Dy"), contains("tb-oxide", "Tb"),
        contains("separated-reo", "La"), contains("separated-reo", "Ce"),
        contains("separated-reo", "Nd"), contains("separated-reo", "Dy"),
        contains("ndfeb-magnet", "Nd", 0.29, "metal-mass"),
        contains("ndfeb-magnet", "Dy", 0.02, "metal-mass"),
        produces("country:CN", "reo", "mining", 270),
        produces("country:AU", "reo", "mining", 30),
        produces("country:US", "reo", "mining", 20),
        produces("region:world", "reo", "mining", 320),
        produces("country:CN", "bast-mix", "mining", output_share=0.8),
        produces("country:CN", "clay-mix", "mining", output_share=0.2),
        produces("facility:mt-weld", "weld-mix", "mining", output_share=1.0),
        produces("facility:us-mine", "bast-mix", "mining", output_share=1.0),
        produces("country:CN", "separated-reo", "separation", share=0.9, sources=S2, year=2023),
        produces("country:CN", "dy-oxide", "separation", sources=S2, year=2023),
        produces("country:CN", "ndpr-oxide", "separation", sources=S2, year=2023),
        produces("country:MY", "separated-reo", "separation", share=0.05, sources=S2, year=2023),
        produces("country:CN", "ndfeb-magnet", "magnet", share=0.9, sources=S2, year=2023),
        produces("facility:lynas-my", "ndpr-oxide", "separation", 10, unit="t/yr", basis="capacity"),
        produces("facility:lynas-my", "dy-oxide", "separation", valid_from="2025-05"),
        produces("facility:us-sep", "ndpr-oxide", "separation"),
        produces("facility:us-magnets", "ndfeb-magnet", "magnet", 5, unit="t/yr", basis="capacity"),
        claim("facility:mt-weld", "LOCATED_IN", "country:AU"),
        claim("facility:lynas-my", "LOCATED_IN", "country:MY"),
        claim("facility:us-mine", "LOCATED_IN", "country:US"),
        claim("facility:us-sep", "LOCATED_IN", "country:US"),
        claim("facility:us-magnets", "LOCATED_IN", "country:US"),
        claim("firm:lynas", "OPERATES", "facility:mt-weld"),
        claim("firm:lynas", "OPERATES", "facility:lynas-my"),
        claim("facility:mt-weld", "FEEDS", "facility:lynas-my", material="material:separated-reo"),
        claim("facility:us-mine", "FEEDS", "facility:us-sep", material="material:bast-mix"),
        claim("firm:lynas", "SUPPLIES", "firm:gm", material="material:ndpr-oxide"),
        claim("firm:lynas", "SUPPLIES", "firm:sojitz", material="material:dy-oxide"),
        claim("firm:gm", "HEADQUARTERED_IN", "country:US"),
        claim("firm:sojitz", "HEADQUARTERED_IN", "country:JP"),
        imports("country:CN", "country:US", "ndfeb-magnet", 0.7),
        imports("country:MY", "country:US", "separated-reo", 0.13),
        imports("country:CN", "region:eu", "ndfeb-magnet", 0.98),
        claim("firm:mofcom", "HEADQUARTERED_IN", "country:CN"),
        claim("policy:cn-2025-18", "ISSUED_BY", "firm:mofcom"),
        claim("policy:cn-2025-18", "TARGETS", "element:Dy"),
        claim("policy:cn-2025-57", "ISSUED_BY", "country:CN"),
        claim("policy:cn-2025-57", "TARGETS", "element:Nd"),
    ]
    return ents, claims
