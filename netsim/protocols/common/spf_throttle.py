"""SPF back-off as in RFC 8405 ("SPF Back-Off Delay Algorithm for Link-State IGPs").

A pure state machine: :meth:`SpfBackoff.handle` takes an event and returns the timer actions
the caller must carry out; the caller owns the clock.  States and transitions are one table, so
the whole algorithm fits on one screen and a test can walk it.

    QUIET      --IGP event-->        SHORT_WAIT  start HOLDDOWN and LEARN timers; SPF in INITIAL delay
    SHORT_WAIT --IGP event-->        SHORT_WAIT  restart HOLDDOWN; SPF in SHORT delay if none pending
    SHORT_WAIT --LEARN expired-->    LONG_WAIT
    LONG_WAIT  --IGP event-->        LONG_WAIT   restart HOLDDOWN; SPF in LONG delay if none pending
    *_WAIT     --HOLDDOWN expired--> QUIET

A flapping link keeps restarting HOLDDOWN, so after TIME_TO_LEARN the router computes at most
one SPF per LONG delay: this is what damps the churn.
"""

from __future__ import annotations

from dataclasses import dataclass

QUIET, SHORT_WAIT, LONG_WAIT = "QUIET", "SHORT_WAIT", "LONG_WAIT"
IGP_EVENT, LEARN_EXPIRED, HOLDDOWN_EXPIRED = "IGP_EVENT", "LEARN_TIMER_EXPIRED", "HOLDDOWN_TIMER_EXPIRED"

#: Actions: ("start", timer, delay_name) restarts a timer; ("spf", delay_name) starts the SPF
#: timer only if it is not already running; ("cancel", timer).
SPF_FSM: dict[tuple[str, str], tuple[str, tuple[tuple[str, ...], ...]]] = {
    (QUIET, IGP_EVENT): (SHORT_WAIT, (("start", "holddown", "holddown"), ("start", "learn", "learn"),
                                      ("spf", "initial"))),
    (SHORT_WAIT, IGP_EVENT): (SHORT_WAIT, (("start", "holddown", "holddown"), ("spf", "short"))),
    (LONG_WAIT, IGP_EVENT): (LONG_WAIT, (("start", "holddown", "holddown"), ("spf", "long"))),
    (SHORT_WAIT, LEARN_EXPIRED): (LONG_WAIT, ()),
    (SHORT_WAIT, HOLDDOWN_EXPIRED): (QUIET, (("cancel", "learn"),)),
    (LONG_WAIT, HOLDDOWN_EXPIRED): (QUIET, ()),
}


@dataclass(slots=True)
class SpfBackoff:
    """RFC 8405 state with its five parameters (seconds)."""

    initial: float
    short: float
    long: float
    learn: float
    holddown: float
    state: str = QUIET

    def handle(self, event: str) -> list[tuple[str, str, float]]:
        """Apply ``event``; return actions as (verb, timer, delay) — verb is start, spf or cancel.

        Events the table does not list (e.g. a stale LEARN expiry in LONG_WAIT) change nothing.
        """
        entry = SPF_FSM.get((self.state, event))
        if entry is None:
            return []
        self.state, actions = entry
        out: list[tuple[str, str, float]] = []
        for act in actions:
            if act[0] == "start":
                out.append(("start", act[1], getattr(self, act[2])))
            elif act[0] == "spf":
                out.append(("spf", act[1], getattr(self, act[1])))
            else:
                out.append(("cancel", act[1], 0.0))
        return out
