"""The append-only record of one simulation run.

Everything a user sees (metrics, tables at a time, the narrated timeline, plots) is a pure
function of a :class:`Trace`.  Records are frozen, slotted dataclasses so they are cheap and
cannot be edited after the fact.  Protocol messages are by far the most numerous happening, so
they are kept as three parallel compact arrays rather than one object each.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Route:
    """One FIB entry: the set of equal-cost next hops and the path cost."""

    next_hops: tuple[str, ...]
    cost: float

    def describe(self) -> str:
        hops = ",".join(self.next_hops) if self.next_hops else "-"
        return f"via {hops} cost {_num(self.cost)}"


@dataclass(frozen=True, slots=True)
class RouteChange:
    """A FIB entry of ``router`` for ``dest`` changed from ``old`` to ``new`` (None = no entry)."""

    time: float
    router: str
    dest: str
    old: Route | None
    new: Route | None
    cause: str


@dataclass(frozen=True, slots=True)
class Decision:
    """A protocol decision worth narrating (adjacency change, SPF run, DV rule applied)."""

    time: float
    router: str
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class ScriptedEvent:
    """A scenario event as it was applied (one per entry of the scenario's ``events``)."""

    index: int
    time: float
    kind: str
    target: tuple[str, ...]
    detail: str


@dataclass(frozen=True, slots=True)
class TopologyChange:
    """The physical topology changed: a link's state or cost, or a node's state.

    ``a``/``b`` name a link (``b`` is empty for a node change).  ``up`` is the new state and
    ``cost`` the link's cost after the change.  ``event`` is the index of the scripted event
    that caused it.
    """

    time: float
    a: str
    b: str
    up: bool
    cost: float
    event: int


@dataclass(slots=True)
class MessageLog:
    """Protocol packets put on a wire: send time, size in bytes, and packet count.

    Parallel ``array`` columns keep a million messages in a few tens of megabytes.
    """

    times: array = field(default_factory=lambda: array("d"))
    sizes: array = field(default_factory=lambda: array("q"))
    counts: array = field(default_factory=lambda: array("q"))

    def add(self, time: float, size: int, count: int = 1) -> None:
        self.times.append(time)
        self.sizes.append(size)
        self.counts.append(count)

    def __len__(self) -> int:
        return len(self.times)

    def total_packets(self) -> int:
        return int(sum(self.counts))


@dataclass(slots=True)
class Trace:
    """Everything that happened in one run, in the order it happened."""

    routers: tuple[str, ...]
    route_changes: list[RouteChange] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    events: list[ScriptedEvent] = field(default_factory=list)
    topology_changes: list[TopologyChange] = field(default_factory=list)
    messages: MessageLog = field(default_factory=MessageLog)
    end_time: float = 0.0
    narrate: bool = True

    def decide(self, time: float, router: str, kind: str, text: str) -> None:
        if self.narrate:
            self.decisions.append(Decision(time, router, kind, text))

    def changes_between(self, start: float, end: float) -> Iterator[RouteChange]:
        """Route changes with ``start <= time < end`` (linear; the list is time-ordered)."""
        for rc in self.route_changes:
            if rc.time >= end:
                break
            if rc.time >= start:
                yield rc


def _num(x: float) -> str:
    """Print a cost as an int when it is integral: ``3`` not ``3.0``."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
