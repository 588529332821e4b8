"""BFD: the RFC 5880 session table, jittered transmission, and detection inside the simulation."""

from __future__ import annotations

import pytest

from netsim import parse_scenario, simulate
from netsim.engine.bfd import (
    BFD_FSM,
    DOWN,
    INIT,
    RX_DOWN,
    RX_INIT,
    RX_UP,
    TIMEOUT,
    UP,
    BfdPacket,
    BfdSession,
    transition,
)
from netsim.scenario.faults import BfdSpec


def test_three_way_handshake_and_failure_follow_rfc5880_table() -> None:
    # RFC 5880 §6.8.6: Down --Down--> Init --Init/Up--> Up; Down --Init--> Up; Up --Down/timeout--> Down.
    assert transition(DOWN, RX_DOWN) == INIT
    assert transition(DOWN, RX_INIT) == UP
    assert transition(DOWN, RX_UP) == DOWN  # an Up from a peer we never saw is ignored
    assert transition(INIT, RX_UP) == UP and transition(INIT, RX_INIT) == UP
    assert transition(UP, RX_DOWN) == DOWN and transition(UP, TIMEOUT) == DOWN
    assert transition(UP, RX_UP) == UP and transition(INIT, RX_DOWN) == INIT
    assert set(BFD_FSM.values()) <= {DOWN, INIT, UP}


def test_transmit_interval_is_jittered_to_75_to_100_percent() -> None:
    s = BfdSession(BfdSpec(interval=0.05, multiplier=3))
    s.state = UP
    for u in (0.0, 0.3, 0.999999):
        assert 0.75 * 0.05 - 1e-12 <= s.tx_interval(u) <= 0.05
    s.state = DOWN  # not Up: no faster than the slow interval (1 s)
    assert 0.75 <= s.tx_interval(0.5) <= 1.0


def test_detection_timer_is_multiplier_times_the_peer_interval() -> None:
    s = BfdSession(BfdSpec(interval=0.05, multiplier=3))
    s.receive(BfdPacket(DOWN, 1.0), 0.0)
    s.receive(BfdPacket(UP, 0.05), 0.1)
    assert s.state == UP
    assert s.check(0.1 + 0.149) is None
    assert s.check(0.1 + 0.15) == (UP, DOWN)


RING = """
seed: 7
duration: 60
bfd: {interval: 0.05, multiplier: 3}
topology: {generator: {kind: ring, n: 4}}
protocols: {linkstate: {hello_interval: 10, dead_interval: 40}}
events:
  - {at: 30, link_down: [r1, r2], silent: true}
"""


def _bfd_down_times(res, after: float) -> dict[str, float]:
    out = {}
    for d in res.trace.decisions:
        if d.kind == "bfd" and d.time >= after and "Up → Down" in d.text:
            out.setdefault(d.router, d.time)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_silent_failure_is_detected_within_the_bfd_detection_time(seed: int) -> None:
    res = simulate(parse_scenario(RING), "linkstate", seed=seed)
    downs = _bfd_down_times(res, 30.0)
    assert set(downs) == {"r1", "r2"}
    interval, mult = 0.05, 3
    for t in downs.values():
        # The last packet before the failure left at most one (jittered, <= interval) transmit
        # interval earlier, so detection takes between (M-1)·I and M·I (+ the 1 ms link delay).
        assert (mult - 1) * interval <= t - 30.0 <= mult * interval + 0.001 + 1e-9
    # The routing protocol reacts as to carrier loss: correct long before the 40 s dead interval.
    ev = res.metrics.events[0]
    assert ev.correct_time is not None and ev.correct_time < 0.5


def test_bfd_packets_are_real_messages() -> None:
    with_bfd = simulate(parse_scenario(RING), "linkstate")
    without = simulate(parse_scenario(RING.replace("bfd: {interval: 0.05, multiplier: 3}\n", "")), "linkstate")
    # 4 links × 2 ends × ~23 packets/s × 60 s: tens of thousands more packets on the wire.
    assert with_bfd.metrics.messages_total - without.metrics.messages_total > 4 * 2 * 20 * 50
    late = without.metrics.events[0].correct_time  # only the 40 s dead interval notices
    assert late is None or late > 25


def test_bfd_detects_a_crashed_neighbour_and_comes_back_up() -> None:
    text = RING.replace("  - {at: 30, link_down: [r1, r2], silent: true}",
                        "  - {at: 30, node_down: r2}\n  - {at: 40, node_up: r2}")
    res = simulate(parse_scenario(text), "linkstate")
    downs = _bfd_down_times(res, 30.0)
    assert {"r1", "r3"} <= set(downs) and all(t - 30 <= 0.151 for t in downs.values())
    ups = [d for d in res.trace.decisions if d.kind == "bfd" and d.time > 40 and d.router == "r1"
           and d.text.endswith("received Up from r2") or (d.kind == "bfd" and d.time > 40 and "→ Up" in d.text
                                                         and d.router == "r1")]
    assert ups, "r1's session to the restarted r2 comes back Up"
    assert res.metrics.events[1].correct_time is not None


def test_per_link_bfd_overrides_and_false_disables() -> None:
    text = """
topology:
  links:
    - {a: r1, b: r2, bfd: {interval: 0.1, multiplier: 5}}
    - {a: r2, b: r3, bfd: false}
    - [r3, r1]
bfd: true
protocols: [linkstate]
"""
    from netsim.scenario.faults import bfd_for_links

    sc = parse_scenario(text)
    specs = bfd_for_links(sc.graph, sc.bfd)
    assert specs[("r1", "r2")] == BfdSpec(0.1, 5)
    assert ("r2", "r3") not in specs
    assert specs[("r1", "r3")] == BfdSpec()
