"""One point-to-point link: a cost per direction, one-way delay, physical state, FIFO delivery.

``up`` is the physical truth (used by the data plane and the oracle).  What each router
*believes* about the carrier lives in the router (see :mod:`netsim.engine.router`): after a
silent failure the link is down but both ends still see it up.

Fault models: ``loss`` drops each message with a per-direction probability and ``jitter`` adds a
uniform extra delay; both draw only from the link's own seeded generator ``rng``, and a link with
neither draws nothing (so adding them elsewhere never changes a fault-free run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netsim.numeric import uniform


@dataclass(slots=True)
class Link:
    """A link of the running network: its two ends, costs, delay, state and what is in flight."""

    a: str
    b: str
    #: Cost of sending from ``a`` to ``b``, and from ``b`` to ``a`` (equal on most links).
    cost_ab: float
    cost_ba: float
    delay: float
    up: bool = True
    #: Incremented whenever the link goes down: a message sent in an earlier epoch is lost.
    epoch: int = 0
    #: Latest scheduled arrival per direction, so delivery stays FIFO whatever the delays.
    last_arrival: dict[str, float] = field(default_factory=dict)
    #: Probability that a message sent by ``a`` (resp. ``b``) is lost on the way.
    loss_ab: float = 0.0
    loss_ba: float = 0.0
    #: Extra one-way delay drawn uniformly from [0, jitter] per message (FIFO still holds).
    jitter: float = 0.0
    #: The link's seeded ``numpy.random.Generator`` (set by the network; only loss/jitter use it).
    rng: Any = None
    #: Interface attributes changed during the run (``set_link``): (router end, key) -> value.
    attrs: dict[tuple[str, str], float] = field(default_factory=dict)

    def attrs_of(self, end: str) -> dict[str, float]:
        """The attributes changed so far at ``end``'s interface."""
        return {k: v for (e, k), v in self.attrs.items() if e == end}

    def other(self, node: str) -> str:
        return self.b if node == self.a else self.a

    def cost_from(self, sender: str) -> float:
        """The cost of this link for traffic that ``sender`` puts on it."""
        return self.cost_ab if sender == self.a else self.cost_ba

    def drops(self, sender: str) -> bool:
        """Draw whether a message sent now by ``sender`` is lost (no draw on a loss-free direction)."""
        p = self.loss_ab if sender == self.a else self.loss_ba
        return p > 0.0 and bool(self.rng.random() < p)

    def arrival_time(self, sender: str, now: float) -> float:
        """When a message sent now by ``sender`` arrives at the other end (FIFO per direction)."""
        t = now + self.delay
        if self.jitter > 0.0:
            t += uniform(self.rng, 0.0, self.jitter)
        last = self.last_arrival.get(sender, 0.0)
        if t < last:
            t = last
        self.last_arrival[sender] = t
        return t
