"""Neighbour discovery and the adjacency state machine (RFC 7868 §5.3).

Hellos go out every ``hello_interval`` and carry the sender's hold time and K-values; a neighbour
from which nothing (hello or any other packet) arrives for its advertised hold time is declared
down (a silent failure is noticed this way; a carrier loss at once).  Routers whose K-values
differ never become neighbours: they would compute incomparable metrics.

Bringing an adjacency up: the first hello from an unknown router makes it *pending* and we send
it an empty UPDATE with the INIT flag, reliably.  The adjacency is up once we have received the
neighbour's INIT update and it has acknowledged ours; each side then sends its whole topology
table (the initial exchange).  An INIT update from a neighbour that is already up means it
restarted: its routes are dropped and the exchange starts over.

:data:`NEIGHBOR_FSM` is the state machine as a table.  ``PENDING`` is split in three so the
table shows which half of the INIT exchange is done.
"""

from __future__ import annotations

from dataclasses import dataclass

DOWN = "down"
PENDING = "pending"            # hello seen, INIT sent; nothing back yet
PENDING_GOT_INIT = "pending-init-received"   # their INIT received, ours not acknowledged yet
PENDING_ACKED = "pending-init-acked"         # ours acknowledged, theirs not received yet
UP = "up"

HELLO = "hello"
INIT_RECEIVED = "init-received"
INIT_ACKED = "init-acked"
HOLD_EXPIRED = "hold-expired"
CARRIER_DOWN = "carrier-down"
RETRY_LIMIT = "retry-limit"
STUCK_IN_ACTIVE = "stuck-in-active"

SEND_INIT = "send-init"
ADJACENCY_UP = "adjacency-up"
RESTART = "drop-and-send-init"
DROP = "drop"

_LOSS_EVENTS = (HOLD_EXPIRED, CARRIER_DOWN, RETRY_LIMIT, STUCK_IN_ACTIVE)
_ALIVE = (PENDING, PENDING_GOT_INIT, PENDING_ACKED, UP)

#: (state, event) -> (next state, action).  Missing pairs change nothing (e.g. a hello from an
#: adjacency that is up only restarts its hold timer).
NEIGHBOR_FSM: dict[tuple[str, str], tuple[str, str | None]] = {
    (DOWN, HELLO): (PENDING, SEND_INIT),
    (DOWN, INIT_RECEIVED): (PENDING_GOT_INIT, SEND_INIT),   # its INIT overtook its hello
    (PENDING, INIT_RECEIVED): (PENDING_GOT_INIT, None),
    (PENDING, INIT_ACKED): (PENDING_ACKED, None),
    (PENDING_GOT_INIT, INIT_ACKED): (UP, ADJACENCY_UP),
    (PENDING_ACKED, INIT_RECEIVED): (UP, ADJACENCY_UP),
    (PENDING_GOT_INIT, INIT_RECEIVED): (PENDING_GOT_INIT, RESTART),  # restarted again mid-exchange
    (UP, INIT_RECEIVED): (PENDING_GOT_INIT, RESTART),               # the neighbour restarted
    **{(s, e): (DOWN, DROP) for s in _ALIVE for e in _LOSS_EVENTS},
}

#: Why an adjacency went down, for narration.
WHY = {
    HOLD_EXPIRED: "hold time expired",
    CARRIER_DOWN: "carrier lost",
    RETRY_LIMIT: "retry limit exceeded (unacknowledged packet)",
    STUCK_IN_ACTIVE: "stuck in active",
    INIT_RECEIVED: "neighbour restarted (INIT update)",
}


def transition(state: str, event: str) -> tuple[str, str | None]:
    """The next state and the action for ``event`` in ``state``."""
    return NEIGHBOR_FSM.get((state, event), (state, None))


@dataclass(slots=True)
class Neighbor:
    """Per-neighbour state: adjacency state and when we last heard from it."""

    name: str
    state: str = DOWN
    last_heard: float = -1.0
    hold_time: float = 15.0

    @property
    def up(self) -> bool:
        return self.state == UP
