from __future__ import annotations

import pytest

from kg.analysis.projection import element_network, project_supply_network


class TestProjection:
    def test_layers_capacities_and_aggregates(self, world):
        G = project_supply_network(*world, as_of="2025-06-01")
        assert G.graph["year"] == 2024 and G.graph["world_total"] == 300
        assert G.nodes["country:CN@mining"]["capacity"] == 270
        # AU's 30 t goes to Mt Weld (the only AU mine, capacity unknown)
        assert G.nodes["facility:mt-weld@mining"]["capacity"] == 30
        assert G.nodes["country:CN@separation"]["capacity"] == pytest.approx(270)
        # MY share 5 % of 300 = 15, less Lynas 10 → rest of Malaysia 5
        assert G.nodes["country:MY@separation"]["capacity"] == pytest.approx(5)
        assert "facility:planned-sep@separation" not in G

    def test_captive_feeds(self, world):
        G = project_supply_network(*world, as_of="2025-06-01")
        assert list(G.successors("facility:mt-weld@mining")) == ["facility:lynas-my@separation"]
        assert list(G.predecessors("facility:lynas-my@separation")) == ["facility:mt-weld@mining"]

    def test_facility_status_as_of(self, world):
        before = project_supply_network(*world, as_of="2024-12-31")
        after = project_supply_network(*world, as_of="2025-02-01")
        assert "facility:us-magnets@magnet" not in before
        assert "facility:us-magnets@magnet" in after

    def test_element_membership_follows_dates(self, world):
        april = project_supply_network(*world, as_of="2025-04-04")
        june = project_supply_network(*world, as_of="2025-06-01")
        assert "facility:lynas-my@separation" not in element_network(april, "Dy")
        assert "facility:lynas-my@separation" in element_network(june, "Dy")

    def test_consumers_and_contract_consumer(self, world):
        G = project_supply_network(*world, as_of="2025-06-01")
        assert {"country:US@magnet-users", "region:eu@magnet-users", "country:JP@magnet-users",
                "firm:gm"} <= set(G)
        assert list(G.predecessors("firm:gm")) == ["facility:lynas-my@separation"]
        assert G.graph["assumptions"] and "sources" in G.graph

    def test_unknown_edition(self, world):
        from kg.errors import RekgError
        with pytest.raises(RekgError, match="edition"):
            project_supply_network(*world, edition="source:nope")
