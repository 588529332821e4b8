"""What EIGRP decided and why, as typed records, so ``netsim explain`` reads like a lesson.

Each note is a frozen record with a ``kind``, the facts, ``text()`` (what happened) and
``reason()`` (why); the records go into the trace, and a FIB change names the note behind it.
"""

from __future__ import annotations

from typing import ClassVar

from netsim.records import record
from netsim.trace import Note


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "nobody"


@record
class NeighborPending(Note):
    """A hello from a router we have no adjacency with: the INIT exchange starts."""

    kind: ClassVar[str] = "eigrp-adjacency"
    neighbor: str

    def text(self) -> str:
        return f"hello from {self.neighbor}: new neighbour, sending INIT update"

    def reason(self) -> str:
        return "an adjacency is up only once both INIT updates are acknowledged"


@record
class NeighborUp(Note):
    """An EIGRP adjacency came up: the neighbour's routes are now heard."""

    kind: ClassVar[str] = "eigrp-adjacency"
    neighbor: str
    routes: int

    def text(self) -> str:
        return f"adjacency with {self.neighbor} up"

    def reason(self) -> str:
        return f"INIT updates exchanged and acknowledged; sending our topology table ({self.routes} routes)"


@record
class NeighborDown(Note):
    """An EIGRP adjacency went down, and why (hold timer, interface, retransmissions)."""

    kind: ClassVar[str] = "eigrp-adjacency"
    neighbor: str
    why: str

    def text(self) -> str:
        return f"adjacency with {self.neighbor} down"

    def reason(self) -> str:
        return f"{self.why}; every route it reported is gone"


@record
class KValueMismatch(Note):
    """A hello was ignored: the neighbour's K values differ from ours."""

    kind: ClassVar[str] = "eigrp-adjacency"
    neighbor: str
    theirs: tuple[int, int, int]
    ours: tuple[int, int, int]

    def text(self) -> str:
        return f"hello from {self.neighbor} ignored"

    def reason(self) -> str:
        return f"K-values differ (theirs {self.theirs}, ours {self.ours}): no adjacency"


@record
class RouteChosen(Note):
    """A passive (local) computation picked successors: the route is new, better, or worse
    through a neighbour that still satisfies the feasibility condition."""

    kind: ClassVar[str] = "eigrp-local"
    dest: str
    successors: tuple[str, ...]
    distance: int
    rd: int
    fd: int
    before: tuple[str, ...]

    def text(self) -> str:
        if self.before and set(self.before) - set(self.successors):
            lost = _names(tuple(sorted(set(self.before) - set(self.successors))))
            return (f"{self.dest}: lost successor {lost}; {_names(self.successors)} is feasible "
                    f"(RD {self.rd} < FD {self.fd}): switched locally")
        return f"{self.dest} via {_names(self.successors)}, distance {self.distance}"

    def reason(self) -> str:
        if self.before and set(self.before) - set(self.successors):
            return "a feasible successor cannot lead back through us, so no query is needed"
        return (f"local computation: the least distance, through a neighbour that satisfies the "
                f"feasibility condition (RD {self.rd} < FD {self.fd})")


@record
class WentActive(Note):
    """DUAL went active for a destination: no feasible successor, queries sent."""

    kind: ClassVar[str] = "eigrp-active"
    dest: str
    queried: tuple[str, ...]
    best: str | None
    best_rd: int | None
    fd: int
    origin: str | None

    def text(self) -> str:
        return f"{self.dest}: no feasible successor: active, querying {_names(self.queried)}"

    def reason(self) -> str:
        who = f"query from successor {self.origin}" if self.origin else "local event"
        if self.best is None:
            return f"{who}: no neighbour reports a route (query origin flag {3 if self.origin else 1})"
        return (f"{who}: the best neighbour {self.best} fails the feasibility condition "
                f"(RD {self.best_rd} >= FD {self.fd}); its path might lead back through us")


@record
class ReplyReceived(Note):
    """A reply to an active destination's query arrived; some may still be outstanding."""

    kind: ClassVar[str] = "eigrp-reply"
    dest: str
    neighbor: str
    rd: int
    outstanding: tuple[str, ...]

    def text(self) -> str:
        shown = "unreachable" if self.rd >= 0xFFFFFFFF else f"distance {self.rd}"
        return f"{self.dest}: reply from {self.neighbor} ({shown})"

    def reason(self) -> str:
        return f"still waiting for {_names(self.outstanding)}"


@record
class WentPassive(Note):
    """The last reply arrived: DUAL chose successors and the destination is passive again."""

    kind: ClassVar[str] = "eigrp-passive"
    dest: str
    successors: tuple[str, ...]
    distance: int
    fd: int
    last: str | None
    fd_reset: bool

    def text(self) -> str:
        frm = f"last reply from {self.last}: " if self.last else "no neighbour left to ask: "
        if not self.successors:
            return f"{self.dest}: {frm}passive, unreachable"
        return f"{self.dest}: {frm}passive via {_names(self.successors)}, distance {self.distance}"

    def reason(self) -> str:
        if self.fd_reset:
            return f"every neighbour answered: FD reset to the new least distance {self.fd}"
        return f"every neighbour answered and the feasibility condition holds with FD {self.fd}"


@record
class ActiveAgain(Note):
    """The last reply arrived but no neighbour is feasible yet: querying again."""

    kind: ClassVar[str] = "eigrp-active"
    dest: str
    fd: int
    queried: tuple[str, ...]

    def text(self) -> str:
        return f"{self.dest}: last reply, but still no feasible successor: querying {_names(self.queried)} again"

    def reason(self) -> str:
        return f"the successor's distance rose during the computation; FC fails with FD {self.fd}"


@record
class DistanceRoseWhileActive(Note):
    """The successor's distance rose while the destination was active (DUAL's flag)."""

    kind: ClassVar[str] = "eigrp-active"
    dest: str
    successor: str
    distance: int
    flag: int

    def text(self) -> str:
        shown = "unreachable" if self.distance >= 0xFFFFFFFF else str(self.distance)
        return f"{self.dest}: successor {self.successor} now {shown} while active"

    def reason(self) -> str:
        return f"query origin flag {self.flag}: the last reply will re-check FC with the current FD"


@record
class QueryWhileActive(Note):
    """A query from the successor arrived while the destination was already active."""

    kind: ClassVar[str] = "eigrp-active"
    dest: str
    neighbor: str

    def text(self) -> str:
        return f"{self.dest}: query from successor {self.neighbor} while active"

    def reason(self) -> str:
        return "its reply waits until our own computation ends (query origin flag 2)"


@record
class ActiveForwarding(Note):
    """While active the successor is frozen; only its distance (the FIB cost) moves."""

    kind: ClassVar[str] = "eigrp-active"
    dest: str
    successors: tuple[str, ...]
    distance: int

    def text(self) -> str:
        if not self.successors:
            return f"{self.dest}: active, no successor left"
        return f"{self.dest}: active, still forwarding via {_names(self.successors)} at distance {self.distance}"

    def reason(self) -> str:
        return "the successor stays frozen until every reply is in"


@record
class StuckInActive(Note):
    """Stuck in active: a neighbour did not reply in time and its adjacency is reset."""

    kind: ClassVar[str] = "eigrp-sia"
    dest: str
    neighbor: str
    active_time: float

    def text(self) -> str:
        return f"SIA: no reply from {self.neighbor} for {self.dest} in {self.active_time:g} s"

    def reason(self) -> str:
        return f"active timer expired: resetting the adjacency with {self.neighbor} (counts as an unreachable reply)"


@record
class InterfaceChanged(Note):
    """An interface's EIGRP metric inputs (bandwidth, delay) or state changed."""

    kind: ClassVar[str] = "interface"
    neighbor: str
    what: str

    def text(self) -> str:
        return f"interface to {self.neighbor}: {self.what}"

    def reason(self) -> str:
        return "every route learned over it is re-evaluated"


@record
class CostIgnored(Note):
    """An interface cost changed: EIGRP ignores it (its metric is bandwidth and delay)."""

    kind: ClassVar[str] = "interface"
    neighbor: str
    cost: float

    def text(self) -> str:
        return f"cost of interface to {self.neighbor} now {self.cost:g}: ignored"

    def reason(self) -> str:
        return "EIGRP's metric is bandwidth and delay, not netsim's cost"


Note = (NeighborPending | NeighborUp | NeighborDown | KValueMismatch | RouteChosen | WentActive | ReplyReceived
        | WentPassive | ActiveAgain | DistanceRoseWhileActive | QueryWhileActive | ActiveForwarding | StuckInActive
        | InterfaceChanged | CostIgnored)
