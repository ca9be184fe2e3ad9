from __future__ import annotations

import pytest

from kg.analysis.concentration import concentration, hhi
from kg.errors import RekgError


class TestHHI:
    @pytest.mark.parametrize("shares,expected", [([1.0], 10000.0), ([0.5, 0.5], 5000.0),
                                                 ([0.25] * 4, 2500.0), ([], 0.0)])
    def test_values(self, shares, expected):
        assert hhi(shares) == pytest.approx(expected)


class TestConcentration:
    def test_quantities_against_world_total(self, world):
        ents, claims = world
        (r,) = concentration(ents, claims, "mining")
        assert r.total == 320 and r.unit == "t REO" and r.sources == ["source:usgs"]
        shares = {s.id: s.share for s in r.shares}
        assert shares == {"country:CN": pytest.approx(270 / 320), "country:AU": pytest.approx(30 / 320),
                          "country:US": pytest.approx(20 / 320)}
        assert r.hhi == pytest.approx((27000 / 320) ** 2 + (3000 / 320) ** 2 + (2000 / 320) ** 2)
        assert r.flags == ["HHI ≥ 2500", "top share ≥ 50%"]

    def test_share_only_source_reports_coverage(self, world):
        ents, claims = world
        (r,) = concentration(ents, claims, "separation")
        assert r.total is None and r.coverage == pytest.approx(0.95)
        assert r.hhi == pytest.approx(90**2 + 5**2)
        assert r.sources == ["source:iea"]

    def test_element_falls_back_to_total(self, world):
        ents, claims = world
        (r,) = concentration(ents, claims, "mining", element="Dy")
        assert r.element_basis.startswith("total rare earths")

    def test_by_firm_uses_operators(self, world):
        ents, claims = world
        results = concentration(ents, claims, "separation", by="firm", basis="capacity")
        assert results[0].shares[0].id == "firm:lynas"

    def test_bad_by(self, world):
        with pytest.raises(RekgError, match="by"):
            concentration(*world, "mining", by="planet")
