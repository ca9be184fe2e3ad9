"""A small hand-made world: entities and claims built in code (no files, no network)."""

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


def claim(subject, predicate, obj, sources=S, **props):
    extra = {k: props.pop(k) for k in ("valid_from", "valid_to") if k in props}
    return make_claim(subject=subject, predicate=predicate, object=obj, properties=props,
                      sources=sources, **extra)


def produces(who, material, stage, q=None, unit="t REO", year=2024, sources=S, **kw):
    props = {"stage": stage, "basis": kw.pop("basis", "production"), "year": year, **kw}
    if q is not None:
        props |= {"quantity": q, "quantity_unit": unit}
    return claim(who, "PRODUCES", f"material:{material}", sources=sources, **props)


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
        country("MY", "Malaysia"), country("JP", "Japan"),
        make_entity(id="region:world", name="World", properties={"aggregate": True}, sources=S),
        make_entity(id="material:reo", name="REO", properties={"form": "other"}, sources=S),
        make_entity(id="material:separated-reo", name="Separated", sources=S,
                    properties={"form": "oxide", "stage": "separation"}),
        make_entity(id="material:ndpr-oxide", name="NdPr oxide", sources=S,
                    properties={"form": "oxide", "stage": "separation"}),
        make_entity(id="material:dy-oxide", name="Dy oxide", sources=S,
                    properties={"form": "oxide", "stage": "separation"}),
        make_entity(id="material:ndfeb-magnet", name="NdFeB", sources=S,
                    properties={"form": "magnet", "stage": "magnet"}),
        make_entity(id="element:Dy", name="Dysprosium", properties={"symbol": "Dy", "atomic_number": 66},
                    sources=S),
        make_entity(id="element:Nd", name="Neodymium", properties={"symbol": "Nd", "atomic_number": 60},
                    sources=S),
        make_entity(id="firm:lynas", name="Lynas", sources=S),
        make_entity(id="firm:gm", name="GM", sources=S),
        make_entity(id="firm:mofcom", name="MOFCOM", sources=S),
        facility("mt-weld", ["mining", "concentration"]),
        facility("lynas-my", ["separation"]),
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
        claim("material:ndpr-oxide", "CONTAINS", "element:Nd"),
        claim("material:dy-oxide", "CONTAINS", "element:Dy"),
        claim("material:ndfeb-magnet", "CONTAINS", "element:Nd"),
        claim("material:ndfeb-magnet", "CONTAINS", "element:Dy"),
        produces("country:CN", "reo", "mining", 270),
        produces("country:AU", "reo", "mining", 30),
        produces("country:US", "reo", "mining", 0),
        produces("region:world", "reo", "mining", 300),
        produces("country:CN", "separated-reo", "separation", share=0.9, sources=S2, year=2023),
        produces("country:MY", "separated-reo", "separation", share=0.05, sources=S2, year=2023),
        produces("country:CN", "ndfeb-magnet", "magnet", share=0.9, sources=S2, year=2023),
        produces("facility:lynas-my", "ndpr-oxide", "separation", 10, unit="t/yr", basis="capacity"),
        produces("facility:lynas-my", "dy-oxide", "separation", valid_from="2025-05"),
        produces("facility:us-magnets", "ndfeb-magnet", "magnet", 5, unit="t/yr", basis="capacity"),
        claim("facility:mt-weld", "LOCATED_IN", "country:AU"),
        claim("facility:lynas-my", "LOCATED_IN", "country:MY"),
        claim("facility:us-magnets", "LOCATED_IN", "country:US"),
        claim("firm:lynas", "OPERATES", "facility:mt-weld"),
        claim("firm:lynas", "OPERATES", "facility:lynas-my"),
        claim("facility:mt-weld", "FEEDS", "facility:lynas-my", material="material:separated-reo"),
        claim("firm:lynas", "SUPPLIES", "firm:gm", material="material:ndpr-oxide"),
        claim("firm:mofcom", "HEADQUARTERED_IN", "country:CN"),
        claim("policy:cn-2025-18", "ISSUED_BY", "firm:mofcom"),
        claim("policy:cn-2025-18", "TARGETS", "element:Dy"),
        claim("policy:cn-2025-57", "ISSUED_BY", "country:CN"),
        claim("policy:cn-2025-57", "TARGETS", "element:Nd"),
    ]
    return ents, claims
