"""The neighbour state machine (RFC 2328 §10, point-to-point links, no DR election).

One table, :data:`NEIGHBOR_FSM`: ``(state, event) -> (next state, action)``.  A reader sees
every transition on one screen; the protocol looks the table up and carries out the action.
"""

from __future__ import annotations

from collections.abc import Callable

from netsim.protocols.base import Timer
from netsim.protocols.common.flooding import FloodPeer

DOWN, INIT, EXSTART, LOADING, FULL = "Down", "Init", "ExStart", "Loading", "Full"
STATE_RANK = {DOWN: 0, INIT: 1, EXSTART: 2, LOADING: 3, FULL: 4}
HELLO_1WAY = "1-WayReceived"         # a hello that does not list us (new, or restarted, neighbour)
HELLO_2WAY = "2-WayReceived"         # a hello (or DBD) showing the neighbour sees us
EXCHANGE_DONE = "ExchangeDone"       # neighbour's DBD processed, nothing newer to wait for
EXCHANGE_PENDING = "ExchangeDone(pending)"
LOADING_DONE = "LoadingDone"
INACTIVITY = "InactivityTimer"
LINK_DOWN = "LinkDown"

#: Actions the protocol carries out after a transition.
START_EXCHANGE, ADJACENCY_FULL, RESET = "start_exchange", "adjacency_full", "reset"

#: (state, event) -> (next state, action).  Events missing from the table leave the state alone.
NEIGHBOR_FSM: dict[tuple[str, str], tuple[str, str | None]] = {
    (DOWN, HELLO_1WAY): (INIT, None),
    (DOWN, HELLO_2WAY): (EXSTART, START_EXCHANGE),
    (INIT, HELLO_2WAY): (EXSTART, START_EXCHANGE),
    (EXSTART, EXCHANGE_DONE): (FULL, ADJACENCY_FULL),
    (EXSTART, EXCHANGE_PENDING): (LOADING, None),
    (LOADING, LOADING_DONE): (FULL, ADJACENCY_FULL),
    (EXSTART, HELLO_1WAY): (INIT, RESET),
    (LOADING, HELLO_1WAY): (INIT, RESET),
    (FULL, HELLO_1WAY): (INIT, RESET),
    **{(s, INACTIVITY): (DOWN, RESET) for s in (INIT, EXSTART, LOADING, FULL)},
    **{(s, LINK_DOWN): (DOWN, RESET) for s in (INIT, EXSTART, LOADING, FULL)},
}

#: States in which a neighbour takes part in flooding (RFC 2328 §13.3: Exchange or greater).
FLOODING = frozenset((EXSTART, LOADING, FULL))


def transition(state: str, event: str) -> tuple[str, str | None] | None:
    """The table's entry for (state, event), or None when the event changes nothing."""
    return NEIGHBOR_FSM.get((state, event))


class Neighbor(FloodPeer):
    """Per-neighbour protocol state (RFC 2328 §10), with this interface's own timers; the flooding
    state (queues, retransmission list, acknowledgements) comes from :class:`FloodPeer`."""

    __slots__ = ("hello_interval", "dead", "last_hello", "dead_timer", "dead_armed", "dead_due", "wake", "got_dbd",
                 "pending", "dbd_timer")

    def __init__(self, name: str, hello_interval: float, dead: float, rxmt_interval: float, ack_delay: float) -> None:
        self.hello_interval = hello_interval
        self.dead = dead
        self.last_hello = -1.0
        self.dead_timer: Timer | None = None
        #: When the dead timer was set (the port's quiet hellos are ordered against it).
        self.dead_armed = 0.0
        #: When the parked dead timer is due (None: not parked).  Parked, the chain of dead checks
        #: is virtual: ``dead_armed`` and ``last_hello`` are as its latest step left them, and the
        #: port wakes it (``wake``, made once) before the hellos that keep it alive change.
        self.dead_due: float | None = None
        self.wake: Callable[[], None] | None = None
        self.dbd_timer: Timer | None = None
        super().__init__(name, DOWN, rxmt_interval, ack_delay)
        self.clear()

    def clear(self) -> None:
        """Forget the exchange and flooding state (the adjacency went down)."""
        self.got_dbd = False
        self.pending: dict[str, int] = {}
        self.clear_flooding()
        if self.dbd_timer is not None:
            self.dbd_timer.cancel()
        self.dbd_timer = None
