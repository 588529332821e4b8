"""Periodic timers at a seeded random phase: real routers boot at different times.

Why: a router's hellos (or updates) tick at a phase set by when it booted or when the interface
came up, so relative to a failure that phase is random.  With every router booting at t=0 and
ticking in step, a simulated silent failure is always detected after exactly ``dead - hello``
(plus a few milliseconds) -- on FRRouting it spreads over ``(dead - hello, dead]`` and its median
sits near the middle.

``timer_phase`` chooses, per protocol:

* ``random`` (the default): each interface's periodic timer starts at a phase drawn uniformly
  over one interval from the router's own generator (same seed, same draws).  When an interface
  comes up its timer restarts at that instant, as FRR does (measured: after a repair both ends'
  hellos tick at the repair time plus whole intervals); a restarted router draws new phases.
* ``aligned``: every router starts its timers together at t=0 (within 10 ms) -- the hand-worked
  timelines of the tutorial and of the worked-example tests.

:class:`InterfaceTicker` is pure bookkeeping over the router's port (``call_later``) and
generator; the protocol decides what a tick sends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from netsim.numeric import uniform
from netsim.protocols.base import Option, Timer

RANDOM, ALIGNED = "random", "aligned"
#: The option every protocol with periodic timers offers (shown by ``netsim protocols``).
TIMER_PHASE_OPTION = Option(RANDOM, "random: each periodic timer (hellos, updates) starts at a seeded random phase, "
                                    "as on routers that booted at different times; aligned: all start at t=0 "
                                    "(hand-worked timelines)", choices=(RANDOM, ALIGNED))


def random_phase(rng: Any, interval: float) -> float:
    """A delay uniform over one interval (never 0, so a tick never precedes the boot itself)."""
    return max(uniform(rng, 0.0, interval), 1e-6)


#: ``repeat(iface, interval, resume)``: send this tick's message and hand its repetitions to the
#: port (True), or do nothing (False: the tick runs as usual).  ``resume(iface, delay)`` gives the
#: interface its timer back.
Repeat = Callable[[str, float, Callable[[str, float], None]], bool]


class InterfaceTicker:
    """One periodic timer per interface: ``fire(iface)`` every ``interval(iface)`` seconds.

    :meth:`start` arms every interface at a random phase (in sorted order, so the draws are
    reproducible); :meth:`restart` re-arms one interface a full interval from now (the caller has
    just said hello on it).

    With ``repeat``, a tick may instead hand the interface's repetitions to the port (a periodic
    stream, :class:`netsim.protocols.base.QuietPort`): the interface then has no timer until the
    port calls :meth:`resume`.  The port breaks the stream before any change of the interface
    reaches the protocol, so :meth:`restart` always finds the timer back.

    :meth:`own_phase` tells whether an interface still ticks at the phase drawn for it: after a
    restart it ticks in step with whatever restarted at the same instant (the other end of the
    link, the other links of a repaired group), and the port must not assume its ticks unique.
    """

    def __init__(self, port: Any, rng: Any, fire: Callable[[str], None], interval: Callable[[str], float],
                 repeat: Repeat | None = None) -> None:
        self.port = port
        self.rng = rng
        self.fire = fire
        self.interval = interval
        self.repeat = repeat
        self._timers: dict[str, Timer] = {}
        #: Interfaces whose timer was restarted (re-aligned on the instant it came up).
        self._restarted: set[str] = set()

    def start(self, ifaces: Iterable[str]) -> None:
        for name in sorted(ifaces):
            self._arm(name, random_phase(self.rng, self.interval(name)))

    def restart(self, iface: str) -> None:
        self._restarted.add(iface)
        self._arm(iface, self.interval(iface))

    def own_phase(self, iface: str) -> bool:
        """True while ``iface`` ticks at its seeded random phase (never restarted)."""
        return iface not in self._restarted

    def _arm(self, iface: str, delay: float) -> None:
        old = self._timers.get(iface)
        if old is not None:
            old.cancel()
        self._timers[iface] = self.port.call_later(delay, self._tick, iface)

    def resume(self, iface: str, delay: float) -> None:
        """The port stopped repeating for ``iface``: tick again ``delay`` from now."""
        self._arm(iface, delay)

    def _tick(self, iface: str) -> None:
        interval = self.interval(iface)
        if self.repeat is not None and self.repeat(iface, interval, self.resume):
            del self._timers[iface]
            return
        self._timers[iface] = self.port.call_later(interval, self._tick, iface)
        self.fire(iface)
