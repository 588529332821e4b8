"""What a BGP speaker narrates: one frozen record per decision, with what happened and why.

Every note has a ``kind`` (the narration category ``netsim explain`` shows), ``text()`` (what
happened, never containing ": ", which separates it from the reason in today's narration) and
``reason()`` (why).  The protocol hands notes to the router through one adapter
method, so the engine can store the records themselves rather than their text.

Damping notes reuse the sentences of :mod:`netsim.protocols.common.damping` so that the damping
metrics (suppressed time, flap counts) read BGP runs exactly as they read RIP runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from netsim.records import record
from netsim.trace import Note, PathChoice, RouteFlapped, RouteReused, RouteSuppressed, UpdatesSent


def path_text(path: Sequence[int] | None) -> str:
    """``[3 2 1]``; the empty path of a locally originated route is ``[]``."""
    return "none" if path is None else "[" + " ".join(str(a) for a in path) + "]"


def peer_text(peer: str, asn: int) -> str:
    return f"{peer} (AS{asn})"


@record
class SessionChange(Note):
    """The session with ``peer`` changed state."""

    kind: ClassVar[str] = "bgp-session"
    peer: str
    peer_asn: int
    old: str
    new: str
    event: str
    detail: str = ""

    def text(self) -> str:
        return f"session with {peer_text(self.peer, self.peer_asn)} {self.old} → {self.new}"

    def reason(self) -> str:
        return f"{self.event}; {self.detail}" if self.detail else self.event


@record
class UpdateReceived(Note):
    """An UPDATE from ``peer`` announced ``path`` for ``prefix``, or withdrew it (``path`` None)."""

    kind: ClassVar[str] = "bgp-update"
    peer: str
    peer_asn: int
    prefix: str
    path: tuple[int, ...] | None

    def text(self) -> str:
        if self.path is None:
            return f"UPDATE from {peer_text(self.peer, self.peer_asn)} withdraws {self.prefix}"
        return f"UPDATE from {peer_text(self.peer, self.peer_asn)} announces {self.prefix} via {path_text(self.path)}"


@record
class RouteRejected(Note):
    """A route from ``peer`` is not usable: its AS path loops through us, or a filter denies it."""

    kind: ClassVar[str] = "bgp-reject"
    peer: str
    peer_asn: int
    prefix: str
    path: tuple[int, ...]
    why: str

    def text(self) -> str:
        return f"route {path_text(self.path)} to {self.prefix} from {peer_text(self.peer, self.peer_asn)} ignored"

    def reason(self) -> str:
        return self.why


@record
class BestPathChange(PathChoice):
    """The decision process chose a new best route for ``prefix`` (or found none).

    ``trigger`` says what changed (e.g. ``AS path [3 2 1] withdrawn by AS3``); ``rule`` is the
    decision step that singled out the winner (``shortest AS path`` ...) and ``detail`` its
    figures when it compared IGP costs (``2 < 5``).  ``internal``: the winner was learned over
    iBGP, and ``peer`` is the router of our AS it leaves by.
    """

    kind: ClassVar[str] = "bgp-best"
    prefix: str
    old_path: tuple[int, ...] | None
    new_path: tuple[int, ...] | None
    peer: str | None
    peer_asn: int
    rule: str
    trigger: str
    internal: bool = False
    detail: str = ""

    @property
    def chosen_dest(self) -> str:
        return self.prefix

    @property
    def chosen_path(self) -> tuple[int, ...] | None:
        return self.new_path

    def _via(self) -> str:
        via = f"{path_text(self.new_path)} via AS{self.peer_asn}"
        return f"{via}, exit via {self.peer}" if self.internal else via

    def _rule(self) -> str:
        return f"{self.rule} {self.detail}" if self.detail else self.rule

    def text(self) -> str:
        if self.new_path is None:
            return f"no path to {self.prefix} (was {path_text(self.old_path)})"
        if self.peer is None:
            return f"originating {self.prefix}"
        return f"best path to {self.prefix} is {self._via()}"

    def reason(self) -> str:
        if self.peer is None and self.new_path is not None:
            return self.trigger
        if self.new_path is None:
            return f"{self.trigger}; no other route"
        if self.old_path is None:
            return f"{self.trigger}; {self._via()} ({self._rule()})"
        return f"{self.trigger}; next best {self._via()} ({self._rule()})"


@record
class NextHopChange(Note):
    """The IGP route to a BGP next hop changed (next-hop tracking): the routes resolved through it
    follow (recursive resolution), and the decision process runs again where its cost matters."""

    kind: ClassVar[str] = "bgp-nexthop"
    next_hop: str
    via: tuple[str, ...] | None
    cost: float | None

    def text(self) -> str:
        if self.via is None:
            return f"next hop {self.next_hop} unreachable in the IGP"
        return f"next hop {self.next_hop} now via {', '.join(self.via)} (IGP cost {self.cost:g})"

    def reason(self) -> str:
        return "the IGP route to it changed"


@record
class UpdateSent(UpdatesSent):
    """We sent ``peer`` an UPDATE announcing ``announced`` with ``path`` and/or withdrawing some."""

    kind: ClassVar[str] = "bgp-send"
    peer: str
    peer_asn: int
    announced: tuple[str, ...]
    path: tuple[int, ...] | None
    withdrawn: tuple[str, ...]
    why: str

    @property
    def announced_count(self) -> int:
        return len(self.announced)

    @property
    def withdrawn_count(self) -> int:
        return len(self.withdrawn)

    def text(self) -> str:
        parts = []
        if self.announced:
            parts.append(f"announcing {', '.join(self.announced)} via {path_text(self.path)}")
        if self.withdrawn:
            parts.append(f"withdrawing {', '.join(self.withdrawn)}")
        return f"UPDATE to {peer_text(self.peer, self.peer_asn)} {' and '.join(parts)}"

    def reason(self) -> str:
        return self.why


@record
class MraiDeferred(Note):
    """An advertisement of ``prefix`` to ``peer`` waits for the MRAI timer."""

    kind: ClassVar[str] = "bgp-mrai"
    peer: str
    peer_asn: int
    prefix: str
    until: float
    per_prefix: bool

    def text(self) -> str:
        return f"advertisement of {self.prefix} to {peer_text(self.peer, self.peer_asn)} deferred to t={self.until:.3f}"

    def reason(self) -> str:
        scope = f"for {self.prefix}" if self.per_prefix else "for this peer"
        return f"MinRouteAdvertisementInterval timer running {scope}"


@record
class DampingFlap(RouteFlapped):
    """A flap of the route to ``dest`` learned from ``via`` raised its penalty."""

    why: str = ""

    def reason(self) -> str:
        return self.why


@record
class DampingSuppress(RouteSuppressed):
    """BGP damping suppressed a route: its penalty crossed the suppress threshold."""

    threshold: float = 0.0

    def reason(self) -> str:
        return f"penalty above the suppress threshold {self.threshold:.0f}"


@record
class DampingReuse(RouteReused):
    """BGP damping made a route usable again: its penalty decayed below the reuse threshold."""

    threshold: float = 0.0

    def reason(self) -> str:
        return f"penalty decayed below the reuse threshold {self.threshold:.0f}"
