"""Warm start (linkstate ``warm_start: true``) must be a faithful checkpoint of a cold start.

Independent expectation: the same scenario run from a cold start, long after it converged.  Every
post-failure figure a user sees (convergence, correctness, changes, flaps, messages, bytes, loops,
black holes, final tables) must be the same; only the start-up differs.
"""

from __future__ import annotations

import pytest

from netsim.output.report import result_dict
from netsim.runner import simulate
from netsim.scenario.loader import parse_scenario

TIMERS = "{hello_interval: 1, dead_interval: 4, spf_delay: 0.05}"

CASES = {
    "grid-link-down": ("{generator: {kind: grid, rows: 4, cols: 4}}",
                       "- {at: 60, link_down: [r6, r7]}\n  - {at: 90, link_up: [r6, r7]}"),
    "ring-silent": ("{generator: {kind: ring, n: 7}}", "- {at: 60, link_down: [r1, r2], silent: true}"),
    "grid-node-crash": ("{generator: {kind: grid, rows: 3, cols: 4}}",
                        "- {at: 60, node_down: r6}\n  - {at: 80, node_up: r6}"),
    "weighted-cost": ("{links: [[a, b, 1], [b, c, 2], [a, c, 4], [c, d, 1], [b, d, 5], [d, e, 1.5], [a, e, 9]]}",
                      "- {at: 60, set_cost: [b, c], cost: 7}\n  - {at: 75, link_down: [c, d]}"),
    "abilene": ("{topohub: topozoo/Abilene}", "- {at: 60, link_down: [Chicago, Indianapolis]}"),
}


def _run(topology: str, events: str, warm: bool, seed: int) -> dict:
    sc = parse_scenario(f"""
topology: {topology}
duration: 150
protocols:
  linkstate: {TIMERS}
events:
  {events}
""")
    res = simulate(sc, "linkstate", seed=seed, options={"warm_start": warm})
    out = result_dict(res)
    out.pop("options")
    return out


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("seed", [0, 7])
def test_warm_start_matches_cold_start_after_the_failure(case: str, seed: int) -> None:
    topology, events = CASES[case]
    cold = _run(topology, events, False, seed)
    warm = _run(topology, events, True, seed)
    assert warm["initial_convergence"] == 0.0           # converged from the first instant
    assert cold["initial_convergence"] > 0.0            # a cold start takes time: the runs differ there
    assert warm["events"] == cold["events"]
    assert warm["final_tables"] == cold["final_tables"]
    assert any(e["route_changes"] for e in cold["events"])  # the failure did move routes


def test_warm_start_sends_no_cold_start_flood() -> None:
    topology, events = CASES["grid-link-down"]
    sc = parse_scenario(f"topology: {topology}\nduration: 50\nprotocols:\n  linkstate: {TIMERS}\n")
    cold = simulate(sc, "linkstate", options={"warm_start": False}).metrics.bytes_total
    warm = simulate(sc, "linkstate", options={"warm_start": True}).metrics.bytes_total
    # Per direction: one hello when the router starts (every interface at once), then one per
    # second at the interface's own random phase for 50 s.
    hellos = 2 * sc.graph.number_of_edges() * (1 + 50)
    assert warm == hellos * (44 + 24)  # only hellos (IP + OSPF headers + body): no flooding, no DBDs
    assert cold > warm
