from __future__ import annotations

import pytest

from kg.errors import CleanError
from kg.model import holds_on, make_claim, make_entity


def claim(**kw):
    base = dict(subject="country:CN", predicate="PRODUCES", object="material:reo",
                properties={"quantity": "270000", "quantity_unit": "t REO", "year": "2024"},
                sources=["source:usgs"])
    base.update(kw)
    return make_claim(**base)


class TestIds:
    def test_claim_id_deterministic(self) -> None:
        assert claim().id == claim().id

    def test_disagreeing_sources_are_two_claims(self) -> None:
        other = claim(properties={"quantity": "240000", "quantity_unit": "t REO", "year": "2024"},
                      sources=["source:other"])
        assert other.id != claim().id

    def test_id_independent_of_source_order(self) -> None:
        a = claim(sources=["source:a", "source:b"])
        b = claim(sources=["source:b", "source:a"])
        assert a.id == b.id

    def test_entity_id_must_match_iso_code(self) -> None:
        with pytest.raises(CleanError, match="'country:CN' \\(the id carries the iso2\\)"):
            make_entity(id="country:ZH", name="China", properties={"iso2": "CN"}, sources=["source:x"])


class TestClaim:
    def test_cleans_values(self) -> None:
        c = claim()
        assert c.properties == {"quantity": 270000.0, "quantity_unit": "t REO", "year": 2024}
        assert c.confidence == 1.0

    def test_domain_checked(self) -> None:
        with pytest.raises(CleanError, match="field 'subject': expected an id starting with"):
            claim(subject="material:reo")

    def test_unknown_property(self) -> None:
        with pytest.raises(CleanError, match="field 'colour': expected a property of PRODUCES"):
            claim(properties={"colour": "red"})

    def test_quantity_needs_unit(self) -> None:
        with pytest.raises(CleanError, match="field 'quantity_unit'"):
            claim(properties={"quantity": "5"})

    def test_needs_source(self) -> None:
        with pytest.raises(CleanError, match="at least one source"):
            claim(sources=[])

    def test_validity_order(self) -> None:
        with pytest.raises(CleanError, match="on or after valid_from"):
            claim(valid_from="2025-05", valid_to="2025-04")

    def test_holds_on(self) -> None:
        c = claim(valid_from="2025-04-04", valid_to="2025-11")
        assert not c.holds_on("2025-04-03")
        assert c.holds_on("2025-04-04") and c.holds_on("2025-11-30")
        assert not c.holds_on("2025-12-01")
        assert c.holds_on(None)
        assert holds_on(None, None, "1999")


class TestEntity:
    def test_requires_source(self) -> None:
        with pytest.raises(CleanError, match="at least one source id for firm:x"):
            make_entity(id="firm:x", name="X")

    def test_element_symbol_cleaned(self) -> None:
        e = make_entity(id="element:Nd", name="Neodymium", sources="source:x",
                        properties={"symbol": "neodymium", "atomic_number": "60"})
        assert e.properties["symbol"] == "Nd"
        assert e.properties["atomic_number"] == 60

    def test_aliases_deduplicated(self) -> None:
        e = make_entity(id="firm:lynas", name="Lynas", aliases="Lynas Corp|Lynas Corp| |Lynas",
                        sources="source:x")
        assert e.aliases == ["Lynas Corp"]
