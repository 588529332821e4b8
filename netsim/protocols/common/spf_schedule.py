"""When a link-state router runs its SPF: the two schedulers real routers use, driven through the port.

Both collect the reasons (the LSAs or LSPs whose change asked for an SPF) until the SPF runs, own
the one pending SPF timer, and call the protocol's ``run`` callback when it fires.  The protocol
reads :attr:`mode` and :attr:`delay` (what the wait was) for its narration.

* :class:`BackoffSchedule` -- RFC 8405: the pure state machine of
  :mod:`netsim.protocols.common.spf_throttle` with its HOLDDOWN and LEARN timers carried out here.
  OSPF (``linkstate``) uses it; IS-IS can (FRR's ``spf-delay-ietf``).
* :class:`IntervalSchedule` -- FRR isisd's default (``spf-interval``): run at once when the last
  SPF is at least ``interval`` old, otherwise when it is; changes arriving meanwhile join the
  pending run.

Timer creation order is part of a run's determinism (timers due at the same instant fire in the
order they were made), so these classes create exactly the timers the protocols made themselves
before this code was shared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from netsim.protocols.base import RouterPort, Timer
from netsim.protocols.common.spf_throttle import HOLDDOWN_EXPIRED, IGP_EVENT, LEARN_EXPIRED, QUIET, SpfBackoff

#: Why an SPF was asked for: (origin, sequence number, neighbour it came from; None = our own).
Reason = tuple[str, int, "str | None"]


class BackoffSchedule:
    """RFC 8405 SPF back-off carried out with port timers (see the module docstring)."""

    __slots__ = ("port", "backoff", "run", "timer", "reasons", "delay", "mode", "_timers", "_deadline")

    def __init__(self, port: RouterPort, backoff: SpfBackoff, run: Callable[[], None]) -> None:
        self.port = port
        self.backoff = backoff
        self.run = run
        self.timer: Timer | None = None
        self.reasons: list[Any] = []
        #: The wait the pending (or last) SPF was scheduled with, and which RFC 8405 delay it was.
        self.delay = 0.0
        self.mode = "initial"
        self._timers: dict[str, Timer | None] = {"holddown": None, "learn": None}
        self._deadline: dict[str, float | None] = {"holddown": None, "learn": None}

    @property
    def state(self) -> str:
        return self.backoff.state

    def schedule(self, reason: Any) -> None:
        """An IGP event: ``reason`` asks for an SPF."""
        self.reasons.append(reason)
        if self.timer is not None and self.backoff.state != QUIET:
            # Fast path of SPF_FSM for (SHORT_WAIT | LONG_WAIT, IGP_EVENT) with an SPF already
            # scheduled: the table's only effect is to restart HOLDDOWN.  During a flooding storm
            # this runs once per LSA, so it skips building the action list.
            self._deadline["holddown"] = self.port.now + self.backoff.holddown
            return
        self._handle(IGP_EVENT)

    def take_reasons(self) -> tuple[Any, ...]:
        """The distinct reasons collected since the last SPF, in arrival order (and forget them)."""
        reasons = tuple(dict.fromkeys(self.reasons))
        self.reasons = []
        return reasons

    def _handle(self, event: str) -> None:
        for verb, timer, delay in self.backoff.handle(event):
            if verb == "spf":
                if self.timer is None:
                    self.delay = delay
                    self.mode = timer
                    self.timer = self.port.call_later(delay, self._fire)
            elif verb == "start":
                # (Re)starting a timer moves its deadline; one pending wake-up per timer re-arms
                # itself until the deadline, instead of a cancel and a new timer per LSA.
                self._deadline[timer] = self.port.now + delay
                if self._timers.get(timer) is None:
                    self._timers[timer] = self.port.call_later(delay, self._expired, timer)
            else:
                self._deadline[timer] = None

    def _expired(self, timer: str) -> None:
        self._timers[timer] = None
        deadline = self._deadline.get(timer)
        if deadline is None:
            return  # cancelled
        wait = deadline - self.port.now
        if wait > 1e-9:
            self._timers[timer] = self.port.call_later(wait, self._expired, timer)
            return
        self._deadline[timer] = None
        self._handle(HOLDDOWN_EXPIRED if timer == "holddown" else LEARN_EXPIRED)

    def _fire(self) -> None:
        self.timer = None
        self.run()


#: Modes of :class:`IntervalSchedule`: the SPF ran at once, or waited out the minimum interval.
IMMEDIATE, INTERVAL = "immediate", "spf-interval"


class IntervalSchedule:
    """FRR isisd's default SPF scheduling (see the module docstring).

    FRR counts in whole seconds; here time is continuous, so "at least ``interval`` since the
    last run" is exact.  The last run is when the previous SPF started.
    """

    __slots__ = ("port", "interval", "run", "timer", "reasons", "delay", "mode", "last")

    state = "-"

    def __init__(self, port: RouterPort, interval: float, run: Callable[[], None]) -> None:
        self.port = port
        self.interval = interval
        self.run = run
        self.timer: Timer | None = None
        self.reasons: list[Any] = []
        self.delay = 0.0
        self.mode = IMMEDIATE
        self.last = -1e18

    def schedule(self, reason: Any) -> None:
        self.reasons.append(reason)
        if self.timer is not None:
            return
        wait = self.last + self.interval - self.port.now
        if wait > 1e-12:
            self.delay, self.mode = wait, INTERVAL
        else:
            self.delay, self.mode = 0.0, IMMEDIATE
        self.timer = self.port.call_later(self.delay, self._fire)

    def take_reasons(self) -> tuple[Any, ...]:
        reasons = tuple(dict.fromkeys(self.reasons))
        self.reasons = []
        return reasons

    def _fire(self) -> None:
        self.timer = None
        self.last = self.port.now
        self.run()
