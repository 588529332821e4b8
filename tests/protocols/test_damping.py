"""Flap control: RFC 2439-style damping arithmetic, hold-down, and their effect on distvector."""

from __future__ import annotations

import math

import pytest

from netsim import load_scenario, parse_scenario, simulate
from netsim.analysis.oracle.shortest_paths import Oracle
from netsim.analysis.replay import World
from netsim.output.report import result_dict
from netsim.protocols.common.damping import DampingParams, Holddown, RouteDamping, decay


@pytest.mark.parametrize("t", [0.0, 1.0, 450.0, 900.0, 2700.0])
def test_penalty_decays_as_p0_times_two_to_minus_t_over_h(t: float) -> None:
    p = DampingParams()
    st = RouteDamping()
    st.flap(100.0, p)
    assert st.penalty_at(100.0 + t, p) == pytest.approx(1000.0 * 2 ** (-t / 900.0))
    assert decay(1000.0, 900.0, 900.0) == pytest.approx(500.0)


def test_third_quick_flap_suppresses_and_reuse_follows_the_half_life() -> None:
    p = DampingParams()
    st = RouteDamping()
    assert not st.flap(0.0, p)          # 1000
    assert not st.flap(1.0, p)          # 1000·2^(-1/900) + 1000 = 1999.2 < 2000
    assert st.flap(2.0, p)              # > 2000: suppressed now
    expected = 2.0 + 900.0 * math.log2(st.penalty / 750.0)
    assert st.reuse_at(p) == pytest.approx(expected)
    assert not st.try_reuse(expected - 1.0, p)
    assert st.try_reuse(expected, p) and not st.suppressed


def test_penalty_ceiling_bounds_suppression_by_max_suppress() -> None:
    p = DampingParams(half_life=60.0, max_suppress=300.0)
    st = RouteDamping()
    for k in range(50):
        st.flap(float(k), p)
    assert st.penalty == pytest.approx(p.ceiling)
    assert st.reuse_at(p) - 49.0 == pytest.approx(300.0)


def test_holddown_ignores_other_neighbours_until_it_expires() -> None:
    h = Holddown()
    h.start("d", "n1", now=10.0, duration=5.0)
    kept, ignored = h.filter([("d", 3), ("e", 2)], "n2", 12.0)
    assert kept == [("e", 2)] and ignored == ["d"]
    assert h.filter([("d", 3)], "n1", 12.0)[0] == [("d", 3)]  # the original source is believed
    assert h.filter([("d", 3)], "n2", 15.0)[0] == [("d", 3)]  # expired


def _correct(res) -> bool:
    w = World.initial(res.scenario.graph, res.trace)
    for tc in res.trace.topology_changes:
        w.apply_topology(tc)
    o = Oracle(w.routers, w.links, w.down)
    return all(o.entry_ok(r, d, res.metrics.final_tables[r].get(d)) for r in w.routers for d in w.routers if r != d)


def test_damping_cuts_churn_on_a_flapping_link_and_reports_suppression() -> None:
    sc = load_scenario("scenarios/flap-damping.yaml")
    plain = simulate(sc, "distvector", options={"damping": False})
    damped = simulate(sc, "distvector")
    e_plain, e_damped = plain.metrics.events[0], damped.metrics.events[0]
    assert e_damped.route_changes < e_plain.route_changes / 2
    assert e_damped.blackhole_time < e_plain.blackhole_time
    out = result_dict(damped)["events"][0]
    assert out["damped_flaps"] >= 10 and out["suppressed_time"] > 0
    assert "suppressed_time" not in result_dict(plain)["events"][0]
    assert any(d.kind == "damping" and "suppressed" in d.text for d in damped.trace.decisions)
    assert _correct(damped)  # reused after the penalty decayed: back to shortest paths


def test_holddown_option_is_applied_and_still_converges() -> None:
    text = """
seed: 2
duration: 200
topology: {generator: {kind: ring, n: 5}}
protocols: {distvector: {update_interval: 5, timeout: 30, garbage: 20, holddown: 20, split_horizon: none}}
events:
  - {at: 60, link_down: [r1, r2]}
"""
    res = simulate(parse_scenario(text), "distvector")
    assert any(d.kind == "holddown" for d in res.trace.decisions)
    assert _correct(res)
