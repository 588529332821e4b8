"""What a link-state router decides, as typed notes (words only when displayed)."""

from __future__ import annotations

from typing import ClassVar

from netsim.numeric import fmt_num, fmt_secs
from netsim.protocols.linkstate import neighbor as nsm
from netsim.records import record
from netsim.trace import Note

#: Why an adjacency changed state, by the neighbour-FSM event that moved it.
_EVENT_WORDS = {
    nsm.HELLO_2WAY: "hello lists us",
    nsm.HELLO_1WAY: "hello does not list us",
    nsm.LINK_DOWN: "carrier lost",
    nsm.LOADING_DONE: "all announced LSAs received",
}


@record
class AdjacencyChanged(Note):
    """The adjacency with ``neighbor`` moved from ``old`` to ``new`` on neighbour-FSM ``event``.

    ``silent_for``: seconds without a hello (InactivityTimer); ``to_load``: LSAs still to load
    after the database exchange; ``via_dbd``: two-way was learned from a database description.
    """

    kind: ClassVar[str] = "adjacency"
    neighbor: str
    old: str
    new: str
    event: str
    silent_for: float = 0.0
    to_load: int = 0
    via_dbd: bool = False

    def text(self) -> str:
        return f"adjacency with {self.neighbor} {self.old} → {self.new}"

    def reason(self) -> str:
        if self.event == nsm.INACTIVITY:
            return f"no hello for {fmt_secs(self.silent_for)} s (dead interval)"
        if self.event in (nsm.EXCHANGE_DONE, nsm.EXCHANGE_PENDING):
            return (f"database exchanged, {self.to_load} LSAs to load" if self.to_load
                    else "database exchanged, nothing to load")
        if self.via_dbd:
            return "database description received"
        return _EVENT_WORDS.get(self.event, self.event)


@record
class Trigger:
    """One reason to originate a new router-LSA."""

    what: str  # start | refresh | own-newer | adjacency-full | adjacency-down | cost
    neighbor: str = ""
    value: float = 0.0
    cause: AdjacencyChanged | None = None

    def words(self) -> str:
        if self.what == "start":
            return "router started"
        if self.what == "refresh":
            return "LSRefreshTime: periodic refresh"
        if self.what == "own-newer":
            return f"own LSA seq {fmt_num(self.value)} from before restart received"
        if self.what == "adjacency-full":
            return f"adjacency with {self.neighbor} Full"
        if self.what == "adjacency-down":
            why = self.cause.reason() if self.cause is not None else ""
            return f"adjacency with {self.neighbor} down ({why})"
        return f"cost of link to {self.neighbor} now {fmt_num(self.value)}"


def _reasons(triggers: tuple[Trigger, ...]) -> str:
    return "; ".join(dict.fromkeys(t.words() for t in triggers))


@record
class LsaOriginated(Note):
    """The router originated a new LSA: its links now, and what triggered it."""

    kind: ClassVar[str] = "lsa"
    seq: int
    links: tuple[tuple[str, float], ...]
    triggers: tuple[Trigger, ...]

    def text(self) -> str:
        listed = ", ".join(f"{n}({fmt_num(c)})" for n, c in self.links) or "none"
        return f"originated router-LSA seq {self.seq}, links {listed}"

    def reason(self) -> str:
        return _reasons(self.triggers)


@record
class OriginationDeferred(Note):
    """MinLSInterval holds back a new router-LSA for ``wait`` seconds."""

    kind: ClassVar[str] = "lsa"
    wait: float
    trigger: Trigger

    def text(self) -> str:
        return f"router-LSA origination deferred {fmt_secs(self.wait)} s (MinLSInterval)"

    def reason(self) -> str:
        return self.trigger.words()


@record
class LsaDropped(Note):
    """A newer instance of ``origin``'s LSA from ``neighbor`` arrived ``since`` seconds after the
    last one was installed, under MinLSArrival (RFC 2328 §13 step 5a): it is discarded without an
    acknowledgement, so the neighbour sends it again after its RxmtInterval (``rxmt``).

    Said out loud because it is the hidden half of many "why did that take 5 s more?" puzzles:
    a router that has just loaded its database (a restart, a repaired link) drops the flood that
    follows, and the routes it would have changed wait for the retransmission."""

    kind: ClassVar[str] = "lsa"
    origin: str
    seq: int
    neighbor: str
    since: float
    min_arrival: float
    rxmt: float

    def text(self) -> str:
        return f"LSA {self.origin} seq {self.seq} from {self.neighbor} dropped"

    def reason(self) -> str:
        ago = f"{fmt_num(round(self.since * 1000, 1))} ms" if self.since < 1 else f"{fmt_secs(self.since)} s"
        return (f"MinLSArrival ({fmt_secs(self.min_arrival)} s): the previous instance was installed {ago} "
                f"ago; {self.neighbor} retransmits it after RxmtInterval ({fmt_secs(self.rxmt)} s)")


@record
class LsaRetransmitted(Note):
    """LSAs sent again to ``neighbor`` because it did not acknowledge them within RxmtInterval."""

    kind: ClassVar[str] = "lsa"
    neighbor: str
    lsas: tuple[tuple[str, int], ...]
    rxmt: float

    def text(self) -> str:
        shown = ", ".join(f"{o} seq {q}" for o, q in self.lsas[:3])
        more = f" +{len(self.lsas) - 3} more" if len(self.lsas) > 3 else ""
        return f"retransmitted to {self.neighbor}: LSA {shown}{more}"

    def reason(self) -> str:
        return f"not acknowledged within RxmtInterval ({fmt_secs(self.rxmt)} s)"


@record
class WarmStart(Note):
    """The router started from a converged database and routing table (no flooding)."""

    kind: ClassVar[str] = "lsa"
    lsas: int
    routes: int

    def text(self) -> str:
        return "warm start"

    def reason(self) -> str:
        return f"{self.lsas} LSAs, {self.routes} routes"


@record
class SpfRun(Note):
    """SPF run ``run`` at ``router``, triggered by the LSAs in ``reasons`` ((origin, seq, source),
    source None = our own), after ``delay`` s of the RFC 8405 ``mode`` delay in back-off ``state``."""

    kind: ClassVar[str] = "spf"
    router: str
    run: int
    reasons: tuple[tuple[str, int, str | None], ...]
    mode: str
    delay: float
    state: str
    learn: float = 0.0
    holddown: float = 0.0

    def text(self) -> str:
        return f"SPF run {self.run}"

    def reason(self) -> str:
        shown = "; ".join(_lsa_reason(r) for r in self.reasons[:3])
        if len(self.reasons) > 3:
            shown += f"; +{len(self.reasons) - 3} more"
        out = f"{shown}; {self.mode} delay {fmt_num(round(self.delay * 1000, 3))} ms, state {self.state}"
        if self.mode == "short":
            # A fast initial delay can make a change slower: the first SPF ran on part of it.
            out += (" (this change arrived after the back-off's first SPF had run on part of it; "
                    "later SPFs are spaced by the short delay)")
        elif self.mode == "long" and self.holddown:
            # The long delay surprises: say which RFC 8405 timers put the router there.
            out += (f" (more than TIME_TO_LEARN {fmt_secs(self.learn)} s after the first change; short delays "
                    f"return after HOLDDOWN {fmt_secs(self.holddown)} s without one)")
        return out

    def as_cause(self, router: str) -> str:
        return f"SPF run {self.run} at {self.router}"


def _lsa_reason(reason: tuple[str, int, str | None]) -> str:
    origin, seq, source = reason
    if source is None:
        return f"own LSA seq {seq}: links changed"
    return f"LSA {origin} seq {seq} from {source}: links changed"
