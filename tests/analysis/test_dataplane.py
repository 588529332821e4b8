"""The data plane: probe packets replayed over the FIB timeline of a trace."""

from __future__ import annotations

import pytest

from netsim import load_scenario, parse_scenario, run_protocols, simulate
from netsim.analysis.dataplane import ecmp_pick, run_flows
from netsim.output.report import dumps

SILENT = """
seed: 3
duration: 90
topology: {generator: {kind: ring, n: 6}}
protocols: {linkstate: {hello_interval: 1, dead_interval: 4}}
flows: {pairs: [[r1, r2], [r2, r1], [r4, r5]], rate: 100}
events:
  - {at: 30, link_down: [r1, r2], silent: true}
  - {at: 60, set_cost: [r4, r5], cost: 1}
"""


def test_silent_failure_loses_packets_for_about_the_detection_time_only() -> None:
    res = simulate(parse_scenario(SILENT), "linkstate")
    ev = res.metrics.events[0]
    assert ev.correct_time is not None and 3.0 <= ev.correct_time <= 4.5  # dead interval 4, hello 1
    c = res.dataplane.at(30.0)
    # Flows r1→r2 and r2→r1 cross the dead link until their router declares the adjacency down
    # (each end on its own dead timer, the later one ends the black hole); r4→r5 never uses it.
    bh = ev.blackhole_time
    assert 100 * bh - 3 <= c.link_down <= 2 * 100 * bh + 3
    assert c.link_down > 100 * 3.0  # at least the 3 s a dead interval of 4 s with 1 s hellos takes
    assert c.no_route == 0 and c.ttl_expired == 0
    assert c.sent == c.delivered + c.dropped
    after = res.dataplane.at(60.0)  # converged: nothing is lost any more
    assert after.sent == 3 * 100 * 30 and after.delivered == after.sent
    # r1→r2 and r2→r1 now go 5 hops round the ring, which *is* the shortest path without the
    # dead link: stretch is measured against the topology at send time, so it is 1.
    assert after.stretch == pytest.approx(1.0)


def test_packet_figures_agree_in_direction_with_fib_metrics() -> None:
    sc = load_scenario("scenarios/detection-carrier-vs-hello-vs-bfd.yaml")
    results = run_protocols(sc)
    for res in results:
        for e in res.metrics.events:
            c = res.dataplane.at(e.time)
            if e.blackhole_time == 0 and e.loop_time == 0:
                assert c.dropped == 0, (res.protocol, e.description)
            if e.blackhole_time > 0.5:  # long enough that 20 packets/s must hit it
                assert c.no_route + c.link_down > 0, (res.protocol, e.description)
    # Across protocols, clearly more black-hole time means more packets dropped (silent failure
    # window).  Close black-hole times need not order the drops: the metric is the longest any
    # destination is black-holed, the drops add up every flow's share.
    window = {r.protocol: (r.metrics.events[2].blackhole_time, r.dataplane.at(200.0).dropped) for r in results}
    for bh_a, drops_a in window.values():
        for bh_b, drops_b in window.values():
            if bh_a > 1.5 * bh_b:
                assert drops_a > drops_b, window


def test_count_to_infinity_loops_expire_packets() -> None:
    # RFC 1058 §2.2: without split horizon, A/B/C/D counting to infinity after B–D fails.
    text = """
seed: 1
duration: 200
topology: {links: [[A, B], [B, C], [A, C], [C, D, 10], [B, D]]}
protocols: {distvector: {update_interval: 30, timeout: 180, split_horizon: none, triggered: false}}
flows: {pairs: [[A, D], [B, D], [C, D]], rate: 100}
events:
  - {at: 60, link_down: [B, D]}
"""
    res = simulate(parse_scenario(text), "distvector")
    ev, c = res.metrics.events[0], res.dataplane.at(60.0)
    assert ev.loop_time > 0
    assert c.ttl_expired > 0


def test_partitioned_destinations_count_as_unreachable_not_dropped() -> None:
    res = simulate(load_scenario("scenarios/partition-ring.yaml"), "linkstate")
    c = res.dataplane.at(60.0)
    assert c.unreachable > 0
    assert c.sent == c.delivered + c.dropped + c.lost + c.unreachable


def test_same_seed_same_packets_and_sampling_is_seeded() -> None:
    sc = load_scenario("scenarios/lossy-ring.yaml")
    a, b = simulate(sc, "linkstate"), simulate(sc, "linkstate")
    assert dumps([a]) == dumps([b])
    assert a.dataplane.total.lost > 0  # probes see the links' loss too
    other = run_flows(a.trace, sc.graph, sc.flows, seed=99)
    assert len(other.pairs) == len(a.dataplane.pairs) == 12
    assert other.pairs != a.dataplane.pairs


def test_ecmp_hash_is_stable_and_spreads_flows() -> None:
    hops = ("b", "c")
    assert ecmp_pick(hops, "a", "z", "r") == ecmp_pick(("c", "b"), "a", "z", "r")
    picks = {ecmp_pick(hops, f"s{i}", "z", "r") for i in range(20)}
    assert picks == {"b", "c"}
