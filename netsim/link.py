"""One point-to-point link: cost, one-way delay, physical state, per-direction FIFO delivery.

``up`` is the physical truth (used by the data plane and the oracle).  What each router
*believes* about the carrier lives in the router (see :mod:`netsim.router`): after a silent
failure the link is down but both ends still see it up.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Link:
    a: str
    b: str
    cost: float
    delay: float
    up: bool = True
    #: Incremented whenever the link goes down: a message sent in an earlier epoch is lost.
    epoch: int = 0
    #: Latest scheduled arrival per direction, so delivery stays FIFO whatever the delays.
    last_arrival: dict[str, float] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.a, self.b)

    def other(self, node: str) -> str:
        return self.b if node == self.a else self.a

    def arrival_time(self, sender: str, now: float) -> float:
        """When a message sent now by ``sender`` arrives at the other end (FIFO per direction)."""
        t = now + self.delay
        last = self.last_arrival.get(sender, 0.0)
        if t < last:
            t = last
        self.last_arrival[sender] = t
        return t


def link_key(a: str, b: str) -> tuple[str, str]:
    """Canonical (sorted) key of the undirected link a–b."""
    return (a, b) if a <= b else (b, a)
