"""RFC worked examples and hand-worked timelines, checked exactly."""

from __future__ import annotations

import pytest

from netsim import parse_scenario, simulate

RFC1058 = """
# RFC 1058 §2.2: all costs 1 except C–D (10); the target network hangs off D (here: router net).
topology:
  links: [[A, B], [A, C], [B, C], [B, D], [C, D, 10], [D, net]]
protocols:
  distvector: {update_interval: 30, update_jitter: 0, triggered: false, split_horizon: simple, timer_phase: aligned}
events:
  - {at: 100, link_down: [B, D]}
"""


def net_route(result, router):
    r = result.metrics.final_tables[router]["net"]
    return r.next_hops, r.cost


def test_rfc1058_final_tables_are_the_rfcs():
    res = simulate(parse_scenario(RFC1058), "distvector")
    assert net_route(res, "D") == (("net",), 1)
    assert net_route(res, "C") == (("D",), 11)
    assert net_route(res, "A") == (("C",), 12)
    assert net_route(res, "B") == (("C",), 12)
    assert res.metrics.events[0].correct_time is not None


def test_rfc1058_metric_climbs_step_by_step_before_settling():
    res = simulate(parse_scenario(RFC1058), "distvector")
    climbs = [rc.new.cost for rc in res.trace.route_changes
              if rc.dest == "net" and rc.time > 100 and rc.new is not None and rc.router in "AB"
              and rc.new.next_hops[0] in "ABC"]
    # A and B chase each other's stale routes upward, one exchange at a time.
    finite = [c for c in climbs if c < 12]
    assert finite == sorted(finite) and len(finite) >= 4, climbs
    assert max(c for c in climbs) >= 12


LINE = """
topology:
  links: [[r1, r2], [r2, r3]]
protocols:
  distvector: {update_interval: 5, update_jitter: 0, triggered: false, timeout: 15, garbage: 10, timer_phase: aligned,
               split_horizon: %s}
events:
  - {at: 31, link_down: [r2, r3]}
"""


def r3_metrics(mode):
    res = simulate(parse_scenario(LINE % mode), "distvector")
    return [(round(rc.time, 3), rc.router, rc.new.cost if rc.new else None)
            for rc in res.trace.route_changes if rc.dest == "r3" and rc.time >= 31], res


def test_line_without_split_horizon_counts_to_16_by_hand_worked_timeline():
    """Updates every 5 s at the same instants (no jitter), 1 ms links, failure at 31 s.
    At 35 s r1 still advertises r3 at 2 and r2 advertises 16: they cross, r2 takes 3 via r1 and r1
    drops the route; at 40 s r1 takes r2's 3 (+1)… the pair bounces upwards until 16 at 100 s."""
    changes, res = r3_metrics("none")
    r2 = [m for _, r, m in changes if r == "r2"]
    r1 = [m for _, r, m in changes if r == "r1"]
    assert r2 == [None, 3, None, 5, None, 7, None, 9, None, 11, None, 13, None, 15, None]
    assert r1 == [None, 4, None, 6, None, 8, None, 10, None, 12, None, 14, None]
    assert changes[1] == (35.001, "r2", 3) and changes[-1] == (100.001, "r2", None)
    assert res.metrics.events[0].flaps > 10


@pytest.mark.parametrize("mode", ["simple", "poison"])
def test_line_with_split_horizon_or_poisoned_reverse_stops_at_once(mode):
    changes, res = r3_metrics(mode)
    assert changes == [(31.0, "r2", None), (35.001, "r1", None)]
    assert res.metrics.events[0].correct_time == pytest.approx(4.001)


LS_LINE = """
topology:
  links: [[r1, r2], [r2, r3]]
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4, spf_delay: 0.05, spf_duration: 0.001, fib_delay: 0.001}
events:
  - {at: 60, link_down: [r2, r3]}
"""


def test_linkstate_carrier_loss_timeline_by_hand():
    """At 60 s the carrier drops: r2 re-originates at once (MinLSInterval long past), its SPF runs
    after the 50 ms initial delay and the FIB changes 1 + 1 ms later: 60.052.  r1 receives the LSA
    1 ms after origination, so its FIB changes at 60.053.  r3 loses its side at 60.052 too."""
    res = simulate(parse_scenario(LS_LINE), "linkstate")
    after = [(round(rc.time, 6), rc.router, rc.dest, rc.new) for rc in res.trace.route_changes if rc.time >= 60]
    assert after == [(60.052, "r2", "r3", None), (60.052, "r3", "r1", None), (60.052, "r3", "r2", None),
                     (60.053, "r1", "r3", None)]
    ev = res.metrics.events[0]
    assert ev.convergence_time == pytest.approx(0.053)
    assert ev.correct_time == pytest.approx(0.053)


RING = """
topology:
  links: [[r1, r2], [r2, r3], [r3, r4], [r4, r1]]
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4}
events:
  - {at: 60, link_down: [r2, r3], silent: %s}
"""


def test_linkstate_silent_failure_waits_for_the_dead_interval():
    res = simulate(parse_scenario(RING % "true"), "linkstate")
    ev = res.metrics.events[0]
    # hello 1 s, dead 4 s: the last hello arrived within 1 s before the failure, so 3–4 s of
    # detection, then the 50 ms SPF delay; traffic over r2–r3 is black-holed meanwhile.
    assert 3.0 < ev.convergence_time < 4.1
    assert ev.blackhole_time == pytest.approx(ev.correct_time, abs=0.01)
    carrier = simulate(parse_scenario(RING % "false"), "linkstate").metrics.events[0]
    assert 0.05 < carrier.convergence_time < 0.06
    assert carrier.blackhole_time < 0.06
