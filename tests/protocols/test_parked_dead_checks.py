"""Parked dead checks (``LinkState.parked_dead_checks``): while a Full neighbour's hellos are a
periodic stream, its RouterDeadInterval check rests on the stream instead of re-arming a timer
every few seconds, and is replayed when the stream breaks (:mod:`netsim.engine.periodic`).

The reference is the real chain of checks, one event each (the switch off): every run below must
give the same results JSON and the same trace (every message row in order, every FIB change,
decision and topology change), on scenarios built to end a parked chain in every way: silent
failures detected by the dead interval (two of them within one hello interval), carrier losses,
flaps, crashes and restarts, cost and loss changes, a tap attached mid-run, links repaired at one
instant (both ends, and a shared risk group, then tick in step), a hello interval the neighbour's
dead interval barely covers, links without delay, and a dead interval of exactly four hellos
(its checks then fall on a hello's float time).  One more test wakes every parked chain at
chosen instants and compares its state float for float with the real chain's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from call_counts import count_calls

from netsim.api import Scenario, parse_scenario, simulate
from netsim.engine.network import Network
from netsim.output import report
from netsim.protocols.linkstate.protocol import LinkState
from netsim.runner import build_network
from netsim.trace import Trace

#: Dead interval four hellos, random phases: silent failures (two within one hello interval,
#: one at a fractional time), their repairs (silent: the ends' hello timers keep their phases), a
#: crash and a restart, a cost change and a loss change on streaming links, a silent flap, a carrier
#: loss and its repair.
GRID = """
name: parked-grid
duration: 150
topology: {generator: {kind: grid, rows: 3, cols: 4}}
protocols: {linkstate: {hello_interval: 1, dead_interval: 4, min_ls_interval: 1}}
events:
  - {at: 20.3718, link_down: [r1, r2], silent: true}
  - {at: 20.9, link_down: [r6, r7], silent: true}
  - {at: 35, link_up: [r1, r2]}
  - {at: 38.25, set_cost: [r2, r3], cost: 5}
  - {at: 45.5, node_down: r10}
  - {at: 61, node_up: r10}
  - {at: 70.123, set_loss: [r5, r9], loss: [0.4, 0]}
  - {at: 80, set_loss: [r5, r9], loss: 0}
  - {at: 85, link_up: [r6, r7]}
  - {at: 90.77, flap: [r3, r4], period: 7, count: 2, down_time: 5, silent: true}
  - {at: 110, link_down: [r7, r8]}
  - {at: 118.5, link_up: [r7, r8]}
  - {at: 130.0001, link_down: [r6, r7], silent: true}
"""

#: Hellos every half second and a dead interval of 2 s (again four hellos), one slower interface
#: (hello 2, dead 8), links without delay, a router whose interface hellos every 2 s towards a
#: neighbour that declares it dead after 2.02 s (a stream too slow to park on: those checks stay
#: events), crashes of two neighbours within one hello interval.
RING = """
name: parked-ring
duration: 60
carrier_delay: 0.01
topology:
  links:
    - {a: r1, b: r2, delay: 0}
    - {a: r2, b: r3, delay: 0}
    - [r3, r4]
    - [r4, r5]
    - {a: r5, b: r6, delay: 0.0125}
    - [r6, r1]
    - [r2, r5, 2]
routers:
  r3: {interfaces: {r4: {linkstate: {hello_interval: 2, dead_interval: 8}}}}
  r4: {interfaces: {r3: {linkstate: {hello_interval: 2, dead_interval: 8}}}}
  r6: {interfaces: {r1: {linkstate: {hello_interval: 2.0, dead_interval: 8}}}}
  r1: {interfaces: {r6: {linkstate: {dead_interval: 2.02}}}}
protocols: {linkstate: {hello_interval: 0.5, dead_interval: 2, min_ls_interval: 0.5}}
events:
  - {at: 12.4321, link_down: [r1, r2], silent: true}
  - {at: 20.17, node_down: r4}
  - {at: 20.4, node_down: r5}
  - {at: 31, node_up: r4}
  - {at: 33.3, node_up: r5}
  - {at: 44.44, set_cost: [r3, r4], cost: 3}
"""

#: Links repaired at one instant tick in step: the repaired link's two ends, and the two links of a
#: shared risk group.  Their later silent failures are detected by several routers at the very same
#: float time, in an order only the real chain knows (so those chains must not be parked): after the
#: quick repair of r2-r3 the dead timers set before the failure still run, and with seed 0 r2's
#: chain comes first, the reverse of the order in which the silent failure would wake them.
IN_STEP = """
name: parked-in-step
duration: 120
topology:
  links: [[r1, r2], [r2, r3], [r3, r4], [r4, r5], [r5, r6], [r6, r1], [r1, r4, 3]]
protocols: {linkstate: {hello_interval: 1, dead_interval: 4, min_ls_interval: 1}}
events:
  - {at: 10, link_down: [r2, r3]}
  - {at: 10.25, link_up: [r2, r3]}
  - {at: 40.5, link_down: [r2, r3], silent: true}
  - {at: 50, srlg: [[r1, r6], [r4, r5]]}
  - {at: 60, link_up: [[r1, r6], [r4, r5]]}
  - {at: 90.25, srlg: [[r1, r6], [r4, r5]], silent: true}
"""

SCENARIOS = {"grid": GRID, "ring": RING, "in-step": IN_STEP}


def _trace_rows(trace: Trace) -> tuple[Any, ...]:
    """Every message row (columns as bytes: order and exact floats count), FIB change, decision and
    topology change."""
    m = trace.messages
    cols = tuple(bytes(c) for c in (m.times, m.sizes, m.counts, m.src, m.dst, m.kinds, m.arrivals))
    return (cols, tuple(m.kind_names), tuple(trace.route_changes), tuple(trace.decisions),
            tuple(trace.topology_changes))


def _run(sc: Scenario, seed: int, warm: bool, parked: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Any]:
    monkeypatch.setattr(LinkState, "parked_dead_checks", parked)
    result = simulate(sc, "linkstate", seed=seed, options={"warm_start": warm}, check_work=False)
    return report.dumps([result]), _trace_rows(result.trace)


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_parked_checks_give_the_real_chains_results(name: str, seed: int, warm: bool,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    sc = parse_scenario(SCENARIOS[name])
    parked = _run(sc, seed, warm, True, monkeypatch)
    real = _run(sc, seed, warm, False, monkeypatch)
    assert parked[0] == real[0]
    assert parked[1] == real[1]


def _dead_checks(net: Network) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Per (router, neighbour): the dead-check chain's state and the float time its pending check
    fires at (None: no check pending), and what the router was credited with from the stream."""
    due = {id(event): t for t, _prio, _eid, event in net.env._queue}  # noqa: SLF001 -- the heap is the truth
    out = {}
    for name, router in net.routers.items():
        proto = router.protocol
        if not router.up or proto is None:
            continue
        for nb_name, nb in proto.nbrs.items():
            timer = nb.dead_timer
            pending = None if timer is None or timer.cancelled else due[id(timer)]
            out[(name, nb_name)] = (nb.state, nb.dead_armed, nb.last_hello, pending, router.heard.get(nb_name))
    return out


def _wake_all(net: Network) -> int:
    """Wake every parked chain as a break would, leaving the streams be: how many were parked."""
    woken = 0
    for stream in net.streams.values():
        if stream.watch is not None:
            wake, stream.watch = stream.watch, None
            wake()
            woken += 1
    return woken


QUIET_RING = """
topology: {generator: {kind: ring, n: 8}}
protocols: {linkstate: {hello_interval: 1, dead_interval: 4}}
"""


@pytest.mark.parametrize("seed", range(3))
def test_a_woken_chain_is_the_real_chain_float_for_float(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """At random instants, and at instants when a parked check is due (its step has not run yet:
    the clock stops before the events of its end time), waking every parked chain leaves exactly
    the state the real chain has then: when its timer was set, the last hello, the time its check
    fires, and what the stream credited."""
    sc = parse_scenario(QUIET_RING)
    nets = {}
    for parked in (True, False):
        monkeypatch.setattr(LinkState, "parked_dead_checks", parked)
        net = build_network(sc, "linkstate", seed=seed)
        net.start()
        nets[parked] = net
    rng = np.random.default_rng(seed)
    compared = due_now = 0
    at = 6.0
    for k in range(12):
        if k % 2:  # exactly when a parked chain's next step is due
            for net in nets.values():
                net.run(at + 4.5, flush=False)  # every chain woken at `at` has checked and parked again
            at = min(nb.dead_due for r in nets[True].routers.values() for nb in r.protocol.nbrs.values()
                     if nb.dead_due is not None and nb.dead_due > at + 4.5)
            due_now += 1
        else:
            at += 4.0 + float(rng.uniform(0.0, 4.0))
        for net in nets.values():
            net.run(at, flush=False)
        assert _wake_all(nets[False]) == 0
        woken = _wake_all(nets[True])
        assert woken >= 14  # nearly all of the ring's 16 chains were parked
        assert _dead_checks(nets[True]) == _dead_checks(nets[False])
        compared += woken
    assert compared > 170 and due_now == 6
    for net in nets.values():
        net.run(120.0)
    assert _trace_rows(nets[True].trace) == _trace_rows(nets[False].trace)


def _taps_mid_run(parked: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[list[tuple[Any, ...]], Any]:
    monkeypatch.setattr(LinkState, "parked_dead_checks", parked)
    net = build_network(parse_scenario(QUIET_RING), "linkstate", seed=4)
    net.start()
    net.run(23.0)
    parked_now = sum(1 for s in net.streams.values() if s.watch is not None)
    assert (parked_now >= 12) == parked
    seen: list[tuple[Any, ...]] = []
    net.taps.append(lambda t, src, dst, msg, size, arrival: seen.append((t, src, dst, msg, size, arrival)))
    assert not net.streams
    net.run(27.31)
    net.link_down("r2", "r3", silent=True, carrier_delay=0.0, event=0)  # by hand: no script here
    net.run(40.0)
    return seen, _trace_rows(net.trace)


def test_a_tap_attached_mid_run_wakes_the_parked_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    parked = _taps_mid_run(True, monkeypatch)
    real = _taps_mid_run(False, monkeypatch)
    assert len(parked[0]) > 100
    assert parked == real


def test_a_repaired_link_is_not_parked_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a repair both ends' hello timers restart at one instant: their streams have no phase of
    their own, and the chains they feed stay events; the other chains park."""
    sc = parse_scenario(QUIET_RING)
    net = build_network(sc, "linkstate", seed=1)
    net.start()
    net.run(10.0)
    net.link_down("r2", "r3", silent=False, carrier_delay=0.0, event=0)
    net.run(11.0)
    net.link_up("r2", "r3", carrier_delay=0.0, event=1)
    net.run(40.0)
    repaired = {("r2", "r3"), ("r3", "r2")}
    assert set(net.streams) == {(a, b) for a in net.routers for b in net.routers[a].ifaces}
    for (src, dst), stream in net.streams.items():
        assert stream.own_phase == ((src, dst) not in repaired)
        assert (stream.watch is not None) == stream.own_phase
        assert (net.routers[dst].protocol.nbrs[src].dead_due is not None) == stream.own_phase


QUIET_GRID = """
topology: {generator: {kind: grid, rows: 3, cols: 4}}
duration: 120
protocols: {linkstate: {hello_interval: 1, dead_interval: 4, warm_start: true}}
"""


def _counts(parked: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, int]:
    """(SimPy events scheduled, dead checks run, adjacencies) in a quiet warm-started run."""
    from netsim.engine import clock

    monkeypatch.setattr(LinkState, "parked_dead_checks", parked)
    counts = {"events": 0, "checks": 0}
    count_calls(monkeypatch, counts, clock.Timer, "__init__", "events")
    count_calls(monkeypatch, counts, LinkState, "_check_dead", "checks")
    sc = parse_scenario(QUIET_GRID)
    simulate(sc, "linkstate", check_work=False)
    return counts["events"], counts["checks"], 2 * sc.graph.number_of_edges()


def test_parked_checks_make_no_events(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a quiet network each adjacency's dead check runs once (the warm start's first check, which
    finds the stream and parks); every real check arms the next one, a parked chain arms none: the
    run saves exactly one event per real check."""
    events, checks, adjacencies = _counts(True, monkeypatch)
    real_events, real_checks, _ = _counts(False, monkeypatch)
    assert checks == adjacencies
    assert real_checks > 30 * adjacencies  # one every ~3 s for 120 s
    assert real_events - events == real_checks
    assert events < 0.1 * real_events

