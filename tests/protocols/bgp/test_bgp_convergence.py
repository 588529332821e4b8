"""The classic BGP convergence results, reproduced.

* Labovitz et al. (SIGCOMM 2000): in a full mesh of n ASes, withdrawing a prefix (Tdown) explores
  ever longer paths, one MRAI round each, and takes at least (n−3)·MRAI; announcing it (Tup)
  takes about one message delay per hop.
* Griffin, Shepherd & Wilfong: BAD GADGET has no stable routing; BGP oscillates for ever.
* RFC 2439 damping: a flapping prefix gets suppressed where the flaps add up, and reused when
  the penalty, decaying with its half-life, falls below the reuse threshold.
"""

from __future__ import annotations

import math

import networkx as nx
import pytest

from netsim.analysis.explain import narrate
from netsim.analysis.metric_defs import suppression_intervals
from netsim.analysis.replay import world_at
from netsim.runner import simulate
from netsim.scenario import Scenario
from netsim.scenario.events import make_event
from netsim.studies.bgp import bad_gadget_scenario, clique_scenario, flap_scenario

MRAI = 30.0


def tdown_tup(n: int, **options) -> tuple[float, float]:
    run = simulate(clique_scenario(n), "bgp", options={"policy": "none", **options}, narrate=False)
    down, up = run.metrics.events
    return down.convergence_time, up.convergence_time


@pytest.mark.parametrize("n", [4, 6, 8])
def test_clique_tdown_needs_n_minus_3_mrai_rounds(n: int) -> None:
    tdown, tup = tdown_tup(n, mrai_jitter=False)
    assert tdown >= (n - 3) * MRAI - 1e-6
    assert tup < MRAI


def test_clique_tdown_grows_with_n_while_tup_stays_within_one_mrai() -> None:
    times = [tdown_tup(n) for n in (4, 7, 10)]
    downs = [d for d, _ in times]
    assert downs == sorted(downs) and downs[-1] > 3 * MRAI
    assert all(up < MRAI for _, up in times)


def test_clique_tdown_is_fast_without_mrai_but_costs_more_messages() -> None:
    slow = simulate(clique_scenario(6), "bgp", options={"policy": "none"}, narrate=False).metrics.events[0]
    fast = simulate(clique_scenario(6), "bgp", options={"policy": "none", "mrai": 0}, narrate=False).metrics.events[0]
    assert fast.convergence_time < 5.0 < slow.convergence_time
    assert fast.messages > slow.messages


def test_narration_says_what_was_withdrawn_and_which_rule_chose_the_next_best() -> None:
    """r4 reaches r1 via r2 [2 1] (preferred to r3's [3 1] by router ID) and r6 [6 7 1].  When
    r1–r2 fails, r2 has nothing left and withdraws; r4 falls back to the shorter of the others."""
    g = nx.Graph()
    for u, v in (("r1", "r2"), ("r2", "r4"), ("r1", "r3"), ("r3", "r4"), ("r4", "r6"), ("r6", "r7"), ("r7", "r1")):
        g.add_edge(u, v, cost=1, delay=0.001)
    for n in g:
        g.nodes[n]["asn"] = int(n[1:])
    sc = Scenario(name="fallback", graph=g, protocols={},
                  events=(make_event("link_down", 300.0, index=0, target=("r1", "r2")),), duration=600.0)
    run = simulate(sc, "bgp")
    lines = [(ln.text, ln.cause) for ln in narrate(run.trace, "bgp") if ln.router == "r4" and ln.time >= 300]
    assert ("best path to r1 is [3 1] via AS3",
            "AS path [2 1] withdrawn by AS2; next best [3 1] via AS3 (shortest AS path)") in lines
    assert ("UPDATE from r2 (AS2) withdraws r1", "") in lines
    kinds = {d.kind for d in run.trace.decisions}
    assert {"bgp-session", "bgp-update", "bgp-send", "bgp-best", "bgp-reject"} <= kinds


def test_bad_gadget_never_converges_and_the_run_still_ends() -> None:
    sc = bad_gadget_scenario(duration=1800.0)
    run = simulate(sc, "bgp", narrate=False)
    times = [rc.time for rc in run.trace.route_changes]
    assert run.trace.end_time == 1800.0
    assert times[-1] > 1800.0 - 2 * MRAI                       # still changing at the end
    assert max(b - a for a, b in zip(times, times[1:], strict=False)) < 2 * MRAI  # never quiet for long
    assert run.metrics.initial_convergence is None              # never settled


def test_bad_gadget_without_duration_stops_at_the_settle_limit() -> None:
    sc = bad_gadget_scenario()
    run = simulate(sc.__class__(**{**sc.__dict__, "duration": None}), "bgp", narrate=False)
    assert 3000.0 < run.trace.end_time <= 3600.0 + 1.0


def test_damping_suppresses_the_flapping_prefix_and_reuses_it_on_time() -> None:
    sc = flap_scenario()
    run = simulate(sc, "bgp", options={"damping": True})
    intervals = suppression_intervals(run.trace)
    assert [(r, d, via) for r, d, via, *_ in intervals] == [("c", "s", "t2")]
    _, _, _, start, end = intervals[0]
    # independent truth: replay the penalties of the recorded flaps (RFC 2439 exponential decay)
    flaps = [(d.time, 500.0 if "attribute change" in d.text else 1000.0) for d in run.trace.decisions
             if d.kind == "damping" and d.router == "c" and d.text.startswith("flap:")]
    last = flaps[-1][0]
    penalty = sum(inc * 2 ** (-(last - t) / 900.0) for t, inc in flaps)
    assert end == pytest.approx(last + 900.0 * math.log2(penalty / 750.0), abs=1e-6)
    assert sc.events[0].time < start < sc.events[0].end_time
    # suppressed: c has no route to s although s is reachable again; reused: it has one
    assert "s" not in world_at(sc.graph, run.trace, end - 1.0).fibs["c"]
    assert "s" in world_at(sc.graph, run.trace, end + 1.0).fibs["c"]
    plain = simulate(sc, "bgp")
    assert "s" in world_at(sc.graph, plain.trace, end - 1.0).fibs["c"]


def test_the_older_suppress_threshold_also_damps_the_next_as() -> None:
    run = simulate(flap_scenario(), "bgp", options={"damping": True, "damping_suppress": 2000.0})
    damped = {(r, via) for r, _, via, *_ in suppression_intervals(run.trace)}
    assert {("t1", "p"), ("t2", "p"), ("c", "t2")} <= damped


def test_path_exploration_read_from_the_narration_matches_the_speakers_counters() -> None:
    """Two independent countings of the same exploration: the speakers' live counters, and the
    best-path changes parsed back from the trace."""
    from netsim.protocols.bgp.exploration import path_exploration

    sc = clique_scenario(6)
    nets: list = []
    simulate(sc, "bgp", options={"policy": "none"}, until=1000.0, narrate=False,  # before the Tup
             on_network=nets.append)
    net = nets[0]
    parsed = path_exploration(net.trace.decisions)
    for name, router in net.routers.items():
        if name == "r1":
            continue
        live = router.protocol.speaker.stats["r1"]
        assert list(parsed[(name, "r1")].paths) == live.paths
    after = path_exploration(net.trace.decisions, start=300.0)
    assert max(e.distinct for (r, p), e in after.items() if p == "r1") >= 3   # ever longer paths were tried
    assert all(e.paths[-1] is None for (r, p), e in after.items() if p == "r1" and r != "r1")
