"""Periodic streams (:mod:`netsim.engine.periodic`): the arithmetic must land on the very floats the
clock would have produced one event at a time, and the network must keep the trace as the plain
path leaves it.

The reference here is SimPy itself: a timer re-armed every interval and a delivery scheduled
``arrival - now`` after each send, run event by event.
"""

from __future__ import annotations

import math
from array import array
from typing import Any

import numpy as np
import pytest
import simpy

from netsim.engine.link import Link
from netsim.engine.periodic import PeriodicStream, exact_delay
from netsim.protocols.linkstate.protocol import LinkState
from netsim.runner import build_network
from netsim.scenario import parse_scenario
from netsim.trace import MessageLog

#: (first send, interval, link delay): phases and delays as random timers and real links give them.
CASES = [(0.7231, 1.0, 0.001), (0.0123, 10.0, 0.0047), (3.3, 0.1, 0.0), (1e-6, 2.5, 0.0125), (97.31, 1.0, 0.001)]


def _simpy_ticks(first: float, interval: float, delay: float, until: float) -> tuple[list[float], list[float]]:
    """Send times of a timer armed at 0 for ``first`` then re-armed every ``interval``, and the
    times at which the deliveries scheduled at each send fire, event by event."""
    env = simpy.Environment()
    sends: list[float] = []
    deliveries: list[float] = []

    def deliver(_ev: Any) -> None:
        deliveries.append(env.now)

    def tick(_ev: Any) -> None:
        now = env.now
        sends.append(now)
        env.timeout(interval).callbacks.append(tick)
        arrival = now + delay
        env.timeout(arrival - now).callbacks.append(deliver)

    env.timeout(first).callbacks.append(tick)
    env.run(until=until)
    return sends, deliveries


def _stream(first: float, interval: float, delay: float) -> PeriodicStream:
    link = Link("a", "b", 1.0, 1.0, delay)
    return PeriodicStream(link, None, None, "hello", 68, 1, 0, interval, first, lambda iface, d: None)


@pytest.mark.parametrize(("first", "interval", "delay"), CASES)
def test_send_times_and_arrivals_are_the_clocks_own_floats(first: float, interval: float, delay: float) -> None:
    until = first + 200 * interval
    sends, deliveries = _simpy_ticks(first, interval, delay, until + 2 * interval)
    stream = _stream(first, interval, delay)
    times, arrivals = [], []
    for cut in np.linspace(first, until, 7)[1:]:  # logged in several flushes, as chunked runs do
        t, a = stream.sends_before(float(cut))
        times += t
        arrivals += a
    assert times == [s for s in sends if s < until]
    assert arrivals == [s + delay for s in times]
    assert [stream.delivery(s) for s in times] == deliveries[:len(times)]
    assert stream.last_arrival == arrivals[-1]


def test_repeated_addition_is_not_multiplication() -> None:
    """Why the stream adds: after a few hundred intervals ``s0 + k * interval`` is off by ulps."""
    stream = _stream(0.1, 0.1, 0.001)
    times, _ = stream.sends_before(100.0)
    assert any(t != 0.1 + k * 0.1 for k, t in enumerate(times))


@pytest.mark.parametrize("seed", range(5))
def test_exact_delay_lands_on_the_time(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(2000):
        now = float(rng.uniform(0, 2)) * 10.0 ** float(rng.integers(-6, 4))
        at = now + float(rng.uniform(0, 20))
        d = exact_delay(now, at)
        assert d >= 0 and now + d == at
    assert exact_delay(5.0, 5.0) == 0.0
    assert exact_delay(5.0, 4.0) == 0.0


def test_hear_credits_deliveries_before_now_and_orders_a_tie_by_when_the_timer_was_set() -> None:
    stream = _stream(1.0, 1.0, 0.5)  # deliveries at 1.5, 2.5, 3.5 ...
    assert stream.hear(1.5, armed=0.9) is None  # sent at 1.0, after the timer was set: runs after it
    assert stream.hear(1.5, armed=1.2) == 1.5  # sent before the timer was set: ran before it
    assert stream.hear(1.6, armed=0.0) is None  # nothing new since
    assert stream.hear(3.5, armed=-math.inf) == 2.5
    assert stream.hear(10.0, armed=-math.inf) == 9.5
    assert stream.next_heard == 10.0


def test_in_flight_are_the_logged_sends_not_yet_heard() -> None:
    stream = _stream(1.0, 1.0, 0.5)
    stream.sends_before(5.2)  # sends 1 .. 5
    assert stream.hear(5.2, -math.inf) == 4.5
    assert stream.in_flight() == [5.0]


def test_sort_from_orders_the_tail_and_puts_late_rows_first_at_a_tie() -> None:
    log = MessageLog()
    for t, k in ((0.5, 0), (1.0, 1), (3.0, 2), (2.0, 3), (1.5, 4), (3.0, 5)):
        log.add(t, 10 + k, 1, k, k, 0, t + 0.001)
    log.sort_from(1, ahead=[(5, 6)])
    assert list(log.times) == [0.5, 1.0, 1.5, 2.0, 3.0, 3.0]
    assert list(log.src) == [0, 1, 4, 3, 5, 2]
    assert list(log.sizes) == [10, 11, 14, 13, 15, 12]
    assert isinstance(log.arrivals, array) and list(log.arrivals) == [t + 0.001 for t in log.times]
    log.add(4.0, 1, 1, 9, 9, 0, 4.0)  # the columns stay appendable
    assert len(log) == 7


QUIET_RING = """
topology: {generator: {kind: ring, n: 5}}
protocols: {linkstate: {hello_interval: 1, dead_interval: 4, warm_start: true}}
"""


def _taps_mid_run(quiet: bool, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    monkeypatch.setattr(LinkState, "quiet_hellos", quiet)
    net = build_network(parse_scenario(QUIET_RING), "linkstate")
    net.start()
    net.run(20.0)
    if quiet:
        assert net.streams  # the quiet ring streams its hellos by now
    seen: list[tuple[Any, ...]] = []
    net.taps.append(lambda t, src, dst, msg, size, arrival: seen.append((t, src, dst, msg, size, arrival)))
    assert not net.streams  # a tap must see every message as it is sent
    net.run(30.0)
    assert not net.streams
    return seen


def test_attaching_a_tap_breaks_the_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _taps_mid_run(True, monkeypatch)
    assert len(fast) > 80 and fast == _taps_mid_run(False, monkeypatch)
