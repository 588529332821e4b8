"""Scenarios: YAML files describing a network, its protocols and a script of events."""

from netsim.scenario import workload
from netsim.scenario.loader import load_scenario, parse_scenario
from netsim.scenario.model import DEFAULT_PROTOCOLS, RouterSpec, Scenario

__all__ = ["DEFAULT_PROTOCOLS", "RouterSpec", "Scenario", "load_scenario", "parse_scenario", "workload"]
