"""A router crashes (state lost, neighbours find out by timers) and restarts empty."""

from __future__ import annotations

import pytest

from netsim import parse_scenario, simulate

CRASH = """
topology:
  links: [[r1, r2], [r2, r3], [r3, r4], [r4, r1], [r1, r3, 3]]
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4}
  distvector: {update_interval: 5, timeout: 15, garbage: 10}
events:
  - {at: 60, node_down: r2}
  - {at: 120, node_up: r2}
"""


@pytest.mark.parametrize("protocol", ["linkstate", "distvector"])
def test_crash_and_restart_converge_back_to_shortest_paths(protocol):
    res = simulate(parse_scenario(CRASH), protocol)
    down, up = res.metrics.events
    assert down.correct_time is not None and up.correct_time is not None
    assert res.metrics.final_tables["r1"]["r2"].cost == 1
    assert res.metrics.final_tables["r2"]["r4"].cost == 2


def test_neighbours_detect_a_crash_by_dead_interval_not_at_once():
    res = simulate(parse_scenario(CRASH), "linkstate")
    first = min(rc.time for rc in res.trace.route_changes if 60 <= rc.time < 120)
    assert 63.0 <= first <= 64.2  # dead interval 4 s after the last hello (sent ≤ 1 s before the crash)


def test_restarted_linkstate_router_jumps_past_its_old_sequence_number():
    res = simulate(parse_scenario(CRASH), "linkstate")
    texts = [d.text for d in res.trace.decisions if d.router == "r2" and d.time >= 120 and d.kind == "lsa"]
    assert any("from before restart" in t for t in texts), texts
    seqs = [int(t.split("seq ")[1].split(",")[0]) for t in texts if t.startswith("originated")]
    assert seqs[0] == 1 and max(seqs) > 2  # restarted at 1, then beyond the pre-crash number
