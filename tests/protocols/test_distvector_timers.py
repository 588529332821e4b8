"""RIP's update timing, driven timer by timer without SimPy: the rules FRRouting's ripd follows and
the FRR lab measured (docs/validate.md), and the seeded phase of the periodic update.

Router ``me`` has neighbours ``n1`` and ``n2`` (cost 1); updates every 30 s without jitter unless
a test says otherwise; the triggered-update damping is fixed at 2 s so the timeline is exact.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from fakeport import make

from netsim.protocols.base import Interface
from netsim.protocols.distvector.packets import RipRequest, RipResponse
from netsim.protocols.distvector.protocol import DistanceVector

FIXED = {"update_interval": 30.0, "update_jitter": 0.0, "triggered_min": 2.0, "triggered_max": 2.0,
         "timer_phase": "aligned"}


def _router(**options):
    dv, port = make(DistanceVector, "me", {"n1": 1, "n2": 1}, {**FIXED, **options})
    dv.start()
    port.take_sent()
    return dv, port


def _hear(dv, port, at: float, iface: str, entries) -> None:
    port.advance(at)
    dv.on_message(iface, RipResponse(tuple(entries), True))


def _triggered(port) -> list[tuple[float, str, tuple[str, ...]]]:
    """(time, interface, destinations) of every triggered update sent since the last look."""
    return [(t, i, tuple(d for d, _m in m.entries)) for t, i, m in port.take_sent(RipResponse) if m.triggered]


def test_a_regular_update_cancels_the_pending_triggered_update_damping() -> None:
    """x changes at 29 (triggered at once, damping until 31); the regular update at 30 stops the
    damping, so y's change at 30.5 goes out at once instead of at 31."""
    dv, port = _router()
    _hear(dv, port, 29.0, "n1", [("x", 1)])
    assert [(t, i) for t, i, _d in _triggered(port)] == [(29.0, "n2")]  # split horizon: not back to n1
    port.advance(30.0)
    assert [m.triggered for _t, _i, m in port.take_sent(RipResponse)] == [False, False]  # the regular update
    _hear(dv, port, 30.5, "n1", [("y", 1)])
    assert {t for t, _i, _d in _triggered(port)} == {30.5}
    assert dv._trig_timer is not None  # damping armed again after that triggered update


def test_change_flags_are_cleared_only_by_a_triggered_update() -> None:
    """x at 28 is triggered at once; y at 29 waits for the damping (until 30); the regular update at
    30 announces everything and cancels the wait; z at 31 triggers an update that still carries y."""
    dv, port = _router()
    _hear(dv, port, 28.0, "n1", [("x", 1)])
    assert {d for _t, _i, d in _triggered(port)} == {("x",)}
    _hear(dv, port, 29.0, "n1", [("y", 1)])
    assert _triggered(port) == []
    port.advance(30.0)
    port.take_sent()
    _hear(dv, port, 31.0, "n1", [("z", 1)])
    sent = _triggered(port)
    assert {t for t, _i, _d in sent} == {31.0}
    assert [(i, set(d)) for _t, i, d in sent] == [("n2", {"y", "z"})]


def test_an_interface_that_comes_up_asks_after_the_wake_up_delay() -> None:
    dv, port = _router(wakeup_delay=1.0)
    port.ifaces["n2"] = Interface("n2", 1, False)
    dv.on_link_change("n2", False)
    port.take_sent()
    port.advance(10.0)
    port.ifaces["n2"] = Interface("n2", 1, True)
    dv.on_link_change("n2", True)
    port.advance(10.9)
    assert port.take_sent() == []
    port.advance(11.0)
    assert [(t, i, type(m)) for t, i, m in port.take_sent()] == [(11.0, "n2", RipRequest), (11.0, "n2", RipResponse)]


def test_a_wake_up_is_for_the_interface_instance_that_scheduled_it() -> None:
    """Up at 10, down at 10.5, up again at 10.8: one request, at 11.8."""
    dv, port = _router(wakeup_delay=1.0)
    for t, up in ((10.0, True), (10.5, False), (10.8, True)):
        port.advance(t)
        port.ifaces["n2"] = replace(port.ifaces["n2"], up=up)
        dv.on_link_change("n2", up)
    port.take_sent()
    port.advance(12.0)
    assert [(t, type(m)) for t, _i, m in port.take_sent(RipRequest)] == [(11.8, RipRequest)]


def test_without_a_wake_up_delay_the_request_goes_at_once() -> None:
    dv, port = _router(wakeup_delay=0.0)
    dv.on_link_change("n1", True)
    assert [type(m) for _t, _i, m in port.take_sent()] == [RipRequest, RipResponse]


@pytest.mark.parametrize("seed", range(5))
def test_the_first_regular_update_is_at_a_seeded_random_phase(seed: int) -> None:
    def first_update(phase: str, s: int) -> float:
        dv, port = make(DistanceVector, "me", {"n1": 1}, {"update_interval": 30.0, "timer_phase": phase}, seed=s)
        dv.start()
        port.take_sent()
        port.advance(60.0)
        return next(t for t, _i, m in port.sent if isinstance(m, RipResponse))

    random = first_update("random", seed)
    assert 0 < random < 30 and random == first_update("random", seed)
    assert 25 <= first_update("aligned", seed) <= 35  # update_interval ± the jitter
