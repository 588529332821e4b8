"""What a distance-vector router decides, as typed notes (words only when displayed)."""

from __future__ import annotations

from typing import ClassVar

from netsim.numeric import fmt_num
from netsim.records import record
from netsim.trace import Note


@record
class DvUpdate(Note):
    """A received vector changed the route to ``dest`` under RFC 2453 §3.9.2 ``rule``."""

    kind: ClassVar[str] = "dv-update"
    neighbor: str
    dest: str
    advertised: float
    link_cost: float
    rule: str
    triggered: bool

    def text(self) -> str:
        what = "triggered update" if self.triggered else "update"
        return (f"{what} from {self.neighbor}: {self.dest} metric {fmt_num(self.advertised)} "
                f"+ link {fmt_num(self.link_cost)} ({self.rule})")


@record
class DvTimeout(Note):
    """No update refreshed the route to ``dest`` from ``via`` for ``timeout`` seconds."""

    kind: ClassVar[str] = "dv-timeout"
    dest: str
    via: str
    timeout: float

    def text(self) -> str:
        return f"timeout: no update for {self.dest} from {self.via} in {fmt_num(self.timeout)} s"


@record
class DvUnreachable(Note):
    """The route to ``dest`` became unreachable (metric infinity) because of ``cause``."""

    kind: ClassVar[str] = "dv-unreachable"
    dest: str
    cause: Note
    garbage: float

    def text(self) -> str:
        return f"route to {self.dest} unreachable"

    def reason(self) -> str:
        return f"{self.cause.as_cause('')}; garbage collection in {fmt_num(self.garbage)} s"


@record
class DvMetricRises(Note):
    """Same next hop, higher metric: the signature of counting to infinity when it repeats."""

    kind: ClassVar[str] = "dv-count"
    dest: str
    old: float
    new: float
    via: str

    def text(self) -> str:
        return (f"route to {self.dest} metric rises {fmt_num(self.old)} → {fmt_num(self.new)} via {self.via} "
                f"(counting to infinity?)")


@record
class DvGarbage(Note):
    """An unreachable route's garbage-collection timer expired: the entry is deleted."""

    kind: ClassVar[str] = "dv-garbage"
    dest: str
    garbage: float

    def text(self) -> str:
        return f"route to {self.dest} deleted"

    def reason(self) -> str:
        return f"garbage-collection timer ({fmt_num(self.garbage)} s) expired"


@record
class HolddownIgnored(Note):
    """Routes from a neighbour ignored because their destinations are held down."""

    kind: ClassVar[str] = "holddown"
    dests: tuple[str, ...]
    neighbor: str

    def text(self) -> str:
        return f"ignored routes to {', '.join(self.dests)} from {self.neighbor}"

    def reason(self) -> str:
        return "held down"


@record
class HolddownStarted(Note):
    """A route became unreachable: hold-down starts (only its last source is believed)."""

    kind: ClassVar[str] = "holddown"
    dest: str
    duration: float
    source: str

    def text(self) -> str:
        return (f"route to {self.dest} held down for {fmt_num(self.duration)} s "
                f"(only {self.source} is believed meanwhile)")
