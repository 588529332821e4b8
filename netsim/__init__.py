"""netsim: a discrete-event simulator of routing-protocol convergence.

    >>> from netsim import load_scenario, run_protocols
    >>> results = run_protocols(load_scenario("scenarios/demo.yaml"))
"""

from netsim.api import RunResult, Scenario, load_scenario, parse_scenario, run_protocols, simulate

__all__ = ["RunResult", "Scenario", "load_scenario", "parse_scenario", "run_protocols", "simulate"]
__version__ = "0.1.0"
