"""Point-to-point adjacencies with the three-way handshake (RFC 5303), as one table.

:data:`THREE_WAY` is ``(state, event) -> (next state, action)``.  The events are the three-way
state a received hello reports, the holding timer running out, and carrier loss; RFC 5303 §3.1
gives the first three columns:

=============  ==============  ==============  ==============
own state      hello: Down     hello: Init     hello: Up
=============  ==============  ==============  ==============
Down           Initializing    Up              Down
Initializing   Initializing    Up              Up
Up             Initializing    Up              Up
=============  ==============  ==============  ==============

"Up, hello: Down" is a neighbour that restarted: the adjacency leaves Up at once, without
waiting for the holding time.  "Down, hello: Up" is a neighbour that still believes in an
adjacency this router has forgotten: it stays Down, and its own hello (reporting Down) makes the
neighbour start over.
"""

from __future__ import annotations

from netsim.protocols.base import Timer
from netsim.protocols.common.flooding import FloodPeer

DOWN, INITIALIZING, UP = "Down", "Initializing", "Up"
RX_DOWN, RX_INIT, RX_UP = "hello:Down", "hello:Initializing", "hello:Up"
HOLD_EXPIRED = "HoldingTimerExpired"
LINK_DOWN = "LinkDown"

#: The event a hello reporting three-way state ``state`` is.
RECEIVED = {DOWN: RX_DOWN, INITIALIZING: RX_INIT, UP: RX_UP}

#: Actions: the adjacency came up (send a CSNP, regenerate our LSP) or went down from Up
#: (forget its flooding state, regenerate our LSP).
ADJ_UP, ADJ_DOWN = "adjacency_up", "adjacency_down"

THREE_WAY: dict[tuple[str, str], tuple[str, str | None]] = {
    (DOWN, RX_DOWN): (INITIALIZING, None),
    (DOWN, RX_INIT): (UP, ADJ_UP),
    (DOWN, RX_UP): (DOWN, None),
    (INITIALIZING, RX_DOWN): (INITIALIZING, None),
    (INITIALIZING, RX_INIT): (UP, ADJ_UP),
    (INITIALIZING, RX_UP): (UP, ADJ_UP),
    (UP, RX_DOWN): (INITIALIZING, ADJ_DOWN),
    (UP, RX_INIT): (UP, None),
    (UP, RX_UP): (UP, None),
    (INITIALIZING, HOLD_EXPIRED): (DOWN, None),
    (UP, HOLD_EXPIRED): (DOWN, ADJ_DOWN),
    (INITIALIZING, LINK_DOWN): (DOWN, None),
    (UP, LINK_DOWN): (DOWN, ADJ_DOWN),
}

#: Adjacency states in which LSPs are flooded (ISO 10589: SRM flags are set only on Up adjacencies).
FLOODING = frozenset((UP,))


def transition(state: str, event: str) -> tuple[str, str | None] | None:
    """The table's entry for (state, event), or None when the event changes nothing."""
    return THREE_WAY.get((state, event))


class Adjacency(FloodPeer):
    """One circuit's adjacency: three-way state, holding timer, this interface's timers, and the
    flooding state of :class:`FloodPeer` (SRM flags as the retransmission list, SSN flags as the
    pending PSNP entries)."""

    __slots__ = ("hello_interval", "multiplier", "csnp_interval", "hold", "last_heard", "hold_timer", "heard",
                 "hello_pending", "csnp_timer")

    def __init__(self, name: str, hello_interval: float, multiplier: int, csnp_interval: float,
                 rxmt_interval: float, psnp_interval: float) -> None:
        self.hello_interval = hello_interval
        self.multiplier = multiplier
        self.csnp_interval = csnp_interval
        #: The holding time the neighbour's last hello asked for, and when it arrived.
        self.hold = 0.0
        self.last_heard = -1e18
        self.hold_timer: Timer | None = None
        #: The system heard on this circuit (reported in our hellos' three-way TLV).
        self.heard: str | None = None
        self.hello_pending = False
        self.csnp_timer: Timer | None = None
        super().__init__(name, DOWN, rxmt_interval, psnp_interval)

    @property
    def my_hold(self) -> float:
        """The holding time our hellos ask the neighbour to apply."""
        return self.hello_interval * self.multiplier

    def reset(self) -> None:
        """The adjacency went down: forget the neighbour and everything queued for it."""
        self.heard = None
        self.clear_flooding()
        if self.csnp_timer is not None:
            self.csnp_timer.cancel()
        self.csnp_timer = None
