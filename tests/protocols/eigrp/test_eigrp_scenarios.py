"""The two comparison scenarios do what their headers say, with numbers worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsim.api import RunResult, load_scenario, run_protocols

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"


def switch_times(res: RunResult, router: str, dest: str, start: float) -> list[tuple[float, str]]:
    """``router``'s route changes towards ``dest`` in the second after ``start``."""
    return [(round(rc.time - start, 6), rc.new.describe() if rc.new else "-")
            for rc in res.trace.route_changes
            if rc.router == router and rc.dest == dest and start <= rc.time < start + 1]


def test_the_loader_puts_eigrp_keys_on_the_links() -> None:
    sc = load_scenario(SCENARIOS / "eigrp-feasible-successor.yaml")
    assert sc.graph.edges["branch", "wan2"]["bandwidth"] == 100_000
    assert sc.graph.edges["wan1", "core1"]["bandwidth"] == 10_000_000
    assert "eigrp_delay" not in sc.graph.edges["branch", "wan1"]
    assert [e.kind for e in sc.events] == ["link_down", "link_up"]


def test_feasible_successor_switches_without_waiting() -> None:
    """branch -> dc: successor wan1 (256 * (10 + 3) = 3328), feasible successor wan2 (RD
    256 * (1 + 2) = 768 < 3328).  wan1 loses its only route at t=60 and queries branch over the
    2 ms link; branch switches to wan2 as the query arrives (256 * (100 + 12) = 28672).  Link
    state must flood and wait out its 50 ms SPF delay."""
    sc = load_scenario(SCENARIOS / "eigrp-feasible-successor.yaml")
    res = {r.protocol: r for r in run_protocols(sc, ["linkstate", "eigrp"])}
    assert switch_times(res["eigrp"], "branch", "dc", 60.0)[0] == (0.002, "via wan2 cost 28672")
    ospf_switch = switch_times(res["linkstate"], "branch", "dc", 60.0)[0][0]
    assert ospf_switch >= 0.05
    said = [d.text for d in res["eigrp"].trace.decisions if d.router == "branch" and 60 <= d.time < 61]
    assert any(t.startswith("dc: lost successor wan1; wan2 is feasible (RD 768 < FD 3328): switched locally")
               for t in said)
    assert all(ev.loop_time == 0.0 for ev in res["eigrp"].metrics.events)


def test_diffusing_computation_round_trip_on_the_ring() -> None:
    """r0 -> r1 dies with the link.  r7, r6 route to r1 through r0 and have nothing else (their
    other neighbour routes through them): the query goes r0 -> r7 -> r6 -> r5, 1 ms per hop.
    r5 is halfway round: equal-cost successors r4 and r6, so r4 remains and r5 answers at once
    (3 ms); r6 goes passive at 4 ms, r7 at 5 ms, r0 at 6 ms via r7, seven hops:
    256 * (10 + 7) = 4352.  Until then r0, r7 and r6 had no route: 6 ms of black hole."""
    sc = load_scenario(SCENARIOS / "eigrp-diffusing-computation.yaml")
    res = run_protocols(sc, ["eigrp"])[0]
    assert switch_times(res, "r0", "r1", 60.0) == [(0.0, "-"), (0.006, "via r7 cost 4352")]
    assert switch_times(res, "r6", "r1", 60.0) == [(0.002, "-"), (0.004, "via r5 cost 3840")]
    r5 = [d.text for d in res.trace.decisions if d.router == "r5" and d.text.startswith("r1:") and d.time >= 60]
    assert r5 and "lost successor r6; r4 is feasible" in r5[0]
    ev = res.metrics.events[0]
    assert ev.loop_time == 0.0 and ev.convergence_time == pytest.approx(0.006)
