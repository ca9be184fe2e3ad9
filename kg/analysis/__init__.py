"""Supply-chain analysis on networkx graphs: concentration, single points of failure,
chokepoints and disruption scenarios on element-resolved supply networks. Pure functions (records or a graph in, results out);
only :mod:`kg.analysis.plots` writes files, and nothing here touches Neo4j or HTTP."""

from kg.analysis.chokepoints import rank_chokepoints
from kg.analysis.concentration import concentration, hhi
from kg.analysis.network import element_network, prepare, supply_networks
from kg.analysis.scenario import policies_as_of, restrictions_from_policies, run_scenario
from kg.analysis.spof import collapse_to_countries, redundancy, single_points_of_failure

__all__ = [
    "collapse_to_countries",
    "concentration",
    "element_network",
    "hhi",
    "policies_as_of",
    "prepare",
    "rank_chokepoints",
    "redundancy",
    "restrictions_from_policies",
    "run_scenario",
    "single_points_of_failure",
    "supply_networks",
]
