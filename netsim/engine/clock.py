"""The engine's one scheduling path: callbacks at later simulated times, on SimPy's public API.

Every timer a protocol sets, every message arrival and every scripted change is a :class:`Timer`:
a SimPy :class:`~simpy.events.Timeout` that runs one callback when it fires.  One path means one
ordering rule for everything that happens at the same instant -- SimPy's (time, priority, event
id) order -- so a run is reproducible whatever its mix of timers and messages.

A timer belongs optionally to a router *incarnation* (:class:`Life`): when the router crashes,
its incarnation ends and every timer it set becomes a no-op, exactly as a real router's timers
die with it, without walking a list of pending timers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
from simpy.events import Timeout


class Life:
    """One incarnation of a router: ``alive`` until the router crashes."""

    __slots__ = ("alive",)

    def __init__(self) -> None:
        self.alive = True


class Timer(Timeout):
    """``fn(*args)`` after ``delay`` simulated seconds, unless cancelled or its owner died first."""

    #: Class-level defaults, written per instance only when they differ: a timer is made for
    #: every message on the wire, and most are never cancelled nor tied to an incarnation.
    cancelled: bool = False
    life: Life | None = None

    def __init__(self, env: simpy.Environment, delay: float, fn: Callable[..., None], args: tuple[Any, ...],
                 life: Life | None = None) -> None:
        Timeout.__init__(self, env, delay)
        self.fn = fn
        self.args = args
        if life is not None:
            self.life = life
        self.callbacks.append(_fire)
        env.newest_timer = self  # type: ignore[attr-defined]  # see newest_timer()

    def cancel(self) -> None:
        """Make the timer a no-op (it stays in SimPy's queue until its time)."""
        self.cancelled = True


def _fire(timer: Timer) -> None:
    if timer.cancelled:
        return
    life = timer.life
    if life is not None and not life.alive:
        return
    timer.fn(*timer.args)


def newest_timer(env: simpy.Environment) -> Timer | None:
    """The timer scheduled last on ``env`` (None before the first).

    Why: every event of a run is a :class:`Timer` (the one scheduling path), so a timer that is
    still the newest has nothing scheduled after it: another callback at exactly its time would
    run right after it, in the same order as if it were added to it.  The wire uses this to
    carry messages sent at one instant that arrive together (a router's update to each of its
    neighbours) in one event instead of one each.  (SimPy's own stop event for ``run(until=...)``
    is not a timer, but it is urgent: it never falls between two timers of the same time.)
    """
    return getattr(env, "newest_timer", None)


def call_later(env: simpy.Environment, delay: float, fn: Callable[..., None], *args: Any,
               life: Life | None = None) -> Timer:
    """Schedule ``fn(*args)`` in ``delay`` seconds (>= 0) on ``env``."""
    return Timer(env, delay, fn, args, life)
