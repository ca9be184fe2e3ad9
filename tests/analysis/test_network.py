"""The element-resolved network on the hand-made world (tests/analysis/conftest.py)."""

from __future__ import annotations

import networkx as nx
import pytest

from kg.analysis.capability import product_capability
from kg.analysis.composition import element_shares, oxide_factor
from kg.analysis.flow import FlowNetwork
from kg.analysis.network import element_network, prepare, world_mine_output
from kg.analysis.paths import max_flow_per_consumer as nx_max_flow_per_consumer
from kg.analysis.scenario import restrictions_from_policies, run_scenario
from kg.analysis.spof import (
    carrying,
    collapse_to_countries,
    critical_points,
    single_points_of_failure,
)
from kg.errors import RekgError

US, EU, JP = "country:US@magnet-users", "region:eu@magnet-users", "country:JP@magnet-users"


def net(world, element, as_of="2025-04-04"):
    return element_network(prepare(*world, as_of=as_of), element)


class TestElementShares:
    def test_mine_output_is_reo_times_share(self, world):
        G = net(world, "Dy")
        # China 270 t REO: 80 % bastnäsite mix at Dy 0.1 %, 20 % clay at 5 %
        assert G.nodes["country:CN@mining"]["capacity"] == pytest.approx(270 * (0.8 * 0.001 + 0.2 * 0.05))
        # Mt Weld takes Australia's 30 t (its only mine) at its own mix, Dy 0.3 %
        assert G.nodes["facility:mt-weld@mining"]["capacity"] == pytest.approx(30 * 0.003)
        assert G.graph["unit"] == "t Dy2O3-equivalent (oxide basis)"

    def test_world_output_and_spread(self, world):
        out = world_mine_output(prepare(*world, as_of="2025-04-04"), "Dy")
        assert out["value"] == pytest.approx(2.916 + 0.09 + 0.02)
        assert out["low"] == pytest.approx(270 * (0.8 * 0.0005 + 0.2 * 0.03) + 0.09 + 20 * 0.0005)
        assert out["low"] < out["value"] < out["high"]

    def test_magnet_content_is_metal_mass_times_oxide_factor(self, world):
        G = net(world, "Dy", as_of="2025-06-01")
        # 5 t/yr of magnets at 2 % Dy metal = 0.1 t Dy = 0.1148 t Dy2O3
        assert G.nodes["facility:us-magnets@magnet"]["capacity"] == pytest.approx(5 * 0.02 * oxide_factor("Dy"))

    def test_range_only_counts_the_low_end(self):
        from kg.model import make_claim
        c = make_claim(subject="material:x", predicate="CONTAINS", object="element:Dy",
                       properties={"share_min": 0.0, "share_max": 0.018, "basis": "reo-oxide"},
                       sources=["source:s"])
        rec = element_shares([c])["material:x"]["Dy"]
        assert (rec.share, rec.low, rec.high) == (0.0, 0.0, 0.018)


class TestCapability:
    def test_light_only_separator_does_not_pass_dy(self, world):
        dy, nd = net(world, "Dy"), net(world, "Nd")
        assert "facility:us-sep@separation" not in dy
        assert "facility:us-sep@separation" in nd
        # the US mine's Dy has nowhere to go: it reaches no consumer
        assert "facility:us-mine@mining" not in carrying(dy, [US])

    def test_circuit_counts_from_its_start_date(self, world):
        assert "facility:lynas-my@separation" not in net(world, "Dy", "2025-04-04")
        assert "facility:lynas-my@separation" in net(world, "Dy", "2025-06-01")

    def test_unknown_capability_is_not_any_element(self):
        cap = product_capability([], {}, "2025-01-01")
        assert not cap.passes("Dy") and "passes no element" in cap.rule

    def test_country_aggregate_passes_its_stated_products(self, world):
        G = net(world, "Dy")
        assert "country:CN@separation" in G          # China's Dy oxide output is stated
        assert "country:MY@separation" not in G      # Malaysia's (before Lynas' Dy) is not
        assert any("country:MY@separation" in m for m in G.graph["missing"])


class TestSourcing:
    def test_consumer_specific_links(self, world):
        G = net(world, "Dy", "2025-06-01")
        assert set(G.predecessors(US)) >= {"country:CN@magnet", "facility:lynas-my@separation"}
        assert set(G.predecessors(EU)) == {"country:CN@magnet"}
        assert set(G.predecessors(JP)) == {"firm:sojitz"}
        assert G.edges["country:CN@magnet", US]["weight"] == 0.7
        assert G.edges["country:CN@magnet", EU]["weight"] == 0.98

    def test_no_link_without_a_source(self, world):
        G = net(world, "Dy", "2025-06-01")
        assert not G.has_edge("country:CN@magnet", JP)
        assert any("country:JP's import sources" in a for a in G.graph["assumptions"])

    def test_offtake_carries_only_the_material_elements(self, world):
        # Lynas sells NdPr oxide to GM: in the Dy network GM gets nothing from it
        assert "firm:gm" not in net(world, "Dy", "2025-06-01")
        assert list(net(world, "Nd", "2025-06-01").predecessors("firm:gm")) == [
            "facility:lynas-my@separation"]

    def test_unknown_edition(self, world):
        with pytest.raises(RekgError, match="edition"):
            prepare(*world, edition="source:nope")


class TestScenarioInElementTonnes:
    def test_april_controls_dy(self, world):
        nets = {e: net(world, e) for e in ("Dy", "Nd")}
        sc = restrictions_from_policies(*world, "2025-04-04")
        res = run_scenario(nets, sc, elements=["Dy", "Nd"], consumers=[US, EU, JP])
        by = {(i.consumer, i.element): i for i in res.impacts}
        # the two that China feeds share its 2.7234 t of magnet-stage Dy pro rata
        assert by[(US, "Dy")].before + by[(EU, "Dy")].before == pytest.approx(0.9 * 3.026, rel=1e-3)
        assert by[(US, "Dy")].after == by[(EU, "Dy")].after == 0.0
        assert by[(US, "Nd")].shortfall == 0.0
        world_dy = nets["Dy"].graph["world_total"]
        assert sum(i.before for i in res.impacts if i.element == "Dy") <= world_dy + 1e-9

    def test_us_eu_jp_differ_where_sourcing_differs(self, world):
        nets = {"Dy": net(world, "Dy", "2025-06-01")}
        sc = restrictions_from_policies(*world, "2025-06-01")
        res = run_scenario(nets, sc, elements=["Dy"], consumers=[US, EU, JP])
        after = {i.consumer: i.after for i in res.impacts}
        assert after[EU] == 0.0                   # EU: China only
        assert after[US] > 0 and after[JP] > 0    # US via Malaysia, Japan via Sojitz
        assert after[US] + after[JP] == pytest.approx(0.09)  # all of Mt Weld's Dy, shared


class TestSinglePoints:
    def test_us_dy_rests_on_china_before_lynas_dy(self, world):
        G = carrying(net(world, "Dy", "2025-04-04"), [US])
        spofs = single_points_of_failure(collapse_to_countries(G), [US])[US]
        assert [p.id for p in spofs] == ["country:CN"]
        crit = critical_points(G, US)
        assert crit[0].id == "country:CN" and crit[0].share_lost == pytest.approx(1.0)

    def test_redundancy_after_lynas_dy_hides_the_dominator_not_the_critical_point(self, world):
        G = carrying(net(world, "Dy", "2025-06-01"), [US])
        assert single_points_of_failure(collapse_to_countries(G), [US])[US] == []
        crit = {p.id: p.share_lost for p in critical_points(G, US)}
        assert crit["country:CN"] > 0.9

    def test_japan_dy_rests_on_lynas(self, world):
        G = carrying(net(world, "Dy", "2025-06-01"), [JP])
        ids = [p.id for p in single_points_of_failure(G, [JP])[JP]]
        assert "facility:lynas-my@separation" in ids and "facility:mt-weld@mining" in ids


class TestCompiledFlow:
    def test_agrees_with_networkx(self, world):
        for element in ("Dy", "Nd"):
            G = net(world, element, "2025-06-01")
            targets = [n for n, d in G.nodes(data=True) if d.get("kind") == "consumer"]
            ours = FlowNetwork(G).max_flow_many(targets)
            ref = nx_max_flow_per_consumer(G, targets)
            assert ours == pytest.approx(ref, abs=1e-3)

    def test_unbounded_and_parallel(self):
        G = nx.DiGraph([("m", "u")])
        G.nodes["m"]["source"] = True
        assert FlowNetwork(G).max_flow("u") == float("inf")


class TestDemand:
    """Consumers bounded by their demand; share-only import links sized by it (the hand-made
    world plus: US magnet use 50 t, EU 100 t (Dy 2 % of the magnet's mass), Japan 0.5 t Dy2O3)."""

    @pytest.fixture
    def demand_world(self, world):
        from tests.analysis.conftest import claim

        ents, claims = world
        return ents, [*claims,
                      claim("country:US", "CONSUMES", "material:ndfeb-magnet", quantity=50,
                            quantity_unit="t", year=2024),
                      claim("region:eu", "CONSUMES", "material:ndfeb-magnet", quantity=100,
                            quantity_unit="t", year=2024),
                      claim("region:eu", "CONSUMES", "material:ndfeb-magnet", quantity=80,
                            quantity_unit="t", year=2022),
                      claim("country:JP", "CONSUMES", "element:Dy", quantity=0.5,
                            quantity_unit="t REO", year=2024),
                      claim("country:JP", "CONSUMES", "element:Dy", quantity=9,
                            quantity_unit="t REO", year=2030, basis="forecast")]

    def test_consumer_capacity_is_its_demand_in_element_tonnes(self, demand_world):
        G = net(demand_world, "Dy")
        per_t = 0.02 * oxide_factor("Dy")
        assert G.nodes[US]["capacity"] == pytest.approx(50 * per_t)
        assert G.nodes[EU]["capacity"] == pytest.approx(100 * per_t)   # newest year wins
        assert G.nodes[JP]["capacity"] == pytest.approx(0.5)           # element figure, no forecast
        assert "demand of Dy" in " ".join(G.graph["assumptions"])

    def test_share_links_are_sized_by_the_importer_demand(self, demand_world):
        G = net(demand_world, "Dy")
        assert G.edges["country:CN@magnet", US]["capacity"] == pytest.approx(0.7 * 50 * 0.02 * oxide_factor("Dy"))
        assert G.edges["country:CN@magnet", EU]["capacity"] == pytest.approx(0.98 * 100 * 0.02 * oxide_factor("Dy"))

    def test_areas_differ_where_demand_and_sourcing_differ(self, demand_world):
        nets = {"Dy": net(demand_world, "Dy", "2025-06-01")}
        res = run_scenario(nets, restrictions_from_policies(*demand_world, "2025-06-01"),
                           elements=["Dy"], consumers=[US, EU, JP])
        by = {i.consumer: i for i in res.impacts}
        assert len({round(by[c].before, 6) for c in (US, EU, JP)}) == 3
        for c in (US, EU, JP):
            assert by[c].alone_before <= nets["Dy"].nodes[c]["capacity"] + 1e-9
        # after the controls: the US keeps Malaysia's 13 % share and Japan Sojitz's offtake
        # (together all of Mt Weld's 0.09 t of Dy), the EU (China only) nothing
        assert by[EU].after == 0.0 and by[US].after > 0 and by[JP].after > 0
        assert by[US].after + by[JP].after == pytest.approx(0.09)
        assert sum(i.before for i in res.impacts) <= nets["Dy"].graph["world_total"]

    def test_no_demand_no_bound_and_said(self, world):
        G = net(world, "Dy")
        assert G.nodes[US]["capacity"] is None
        assert any("No source gives country:US's use of Dy" in a for a in G.graph["assumptions"])
