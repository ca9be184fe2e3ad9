"""Max-flow with node capacities, checked against hand computation."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from kg.analysis.chokepoints import rank_chokepoints, stage_shares, supply_betweenness, supply_lost
from kg.analysis.paths import max_flow, max_flow_per_consumer, path_evidence


def network():
    # mines A=100, B=60; separators S1=90 (from A, B), S2=50 (from B);
    # magnet maker M=120 (from S1, S2); consumer U from M; consumer V from S2 directly.
    G = nx.DiGraph([("A", "S1"), ("B", "S1"), ("B", "S2"), ("S1", "M"), ("S2", "M"),
                    ("M", "U"), ("S2", "V")])
    nx.set_node_attributes(G, {"A": 100, "B": 60, "S1": 90, "S2": 50, "M": 120}, "capacity")
    nx.set_node_attributes(G, {"A": True, "B": True}, "source")
    for c in ("U", "V"):
        G.nodes[c]["kind"] = "consumer"
    return G


class TestMaxFlow:
    def test_hand_computed(self):
        G = network()
        # U: min(M=120, S1+S2 = 90 + 50 = 140, A+B = 160) = 120
        # V: S2 = 50 but S2 only gets B's 60 → 50
        assert max_flow_per_consumer(G) == {"U": 120.0, "V": 50.0}

    def test_edge_capacity_binds(self):
        G = network()
        G.edges["S2", "M"]["capacity"] = 10
        assert max_flow(G, "U") == 100.0  # S1 90 + 10

    def test_unknown_capacity_is_unbounded(self):
        G = nx.DiGraph([("m", "u")])
        G.nodes["m"]["source"] = True
        assert math.isinf(max_flow(G, "u"))

    def test_missing_target(self):
        with pytest.raises(nx.NodeNotFound, match="target"):
            max_flow(network(), "nope")

    def test_path_evidence(self):
        assert path_evidence(network(), "V", through="S2") == [["B", "S2", "V"]]


class TestChokepoints:
    def test_supply_lost_by_hand(self):
        G = network()
        # with a super-sink behind U and V: total = min(A+B=160, S1 + S2 = 140) = 140
        total, lost = supply_lost(G)
        assert total == 140.0
        assert lost["S2"] == 50.0   # S1 alone: 90
        assert lost["B"] == 50.0    # A alone through S1: 90
        assert lost["M"] == 90.0    # only V via S2 remains: 50

    def test_ranking_explains_itself(self):
        top = rank_chokepoints(network(), top=3)
        assert top[0].id == "M" and top[0].measure in {"supply_lost", "betweenness"}
        assert all(c.measure in {"supply_lost", "betweenness", "stage_share"} for c in top)

    def test_sampled_betweenness_with_all_sources_is_exact(self):
        G = network()
        exact = supply_betweenness(G)
        sampled = supply_betweenness(G, sample=2, seed=1)
        assert sampled == pytest.approx(exact)

    def test_stage_shares(self):
        G = network()
        nx.set_node_attributes(G, {"S1": "sep", "S2": "sep"}, "layer")
        assert stage_shares(G)["S1"] == pytest.approx(90 / 140)
