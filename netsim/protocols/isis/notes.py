"""What an IS-IS router decides, as typed notes (words only when displayed)."""

from __future__ import annotations

from typing import ClassVar

from netsim.numeric import fmt_num, fmt_secs
from netsim.protocols.isis import adjacency as adj
from netsim.records import record
from netsim.trace import Note

_EVENT_WORDS = {
    adj.RX_DOWN: "hello reports Down: the neighbour does not hear us (new or restarted)",
    adj.RX_INIT: "hello reports Initializing: the neighbour hears us",
    adj.RX_UP: "hello reports Up",
    adj.LINK_DOWN: "carrier lost",
}


@record
class AdjacencyChanged(Note):
    """The adjacency with ``neighbor`` moved from ``old`` to ``new`` on three-way ``event``;
    ``silent_for``: seconds without a hello when the holding timer ran out."""

    kind: ClassVar[str] = "adjacency"
    neighbor: str
    old: str
    new: str
    event: str
    silent_for: float = 0.0

    def text(self) -> str:
        return f"adjacency with {self.neighbor} {self.old} → {self.new}"

    def reason(self) -> str:
        if self.event == adj.HOLD_EXPIRED:
            return f"no hello for {fmt_secs(self.silent_for)} s (holding time)"
        return _EVENT_WORDS.get(self.event, self.event)


@record
class Trigger:
    """One reason to generate a new LSP."""

    what: str  # start | refresh | own-newer | adjacency-up | adjacency-down | cost
    neighbor: str = ""
    value: float = 0.0
    cause: AdjacencyChanged | None = None

    def words(self) -> str:
        if self.what == "start":
            return "router started"
        if self.what == "refresh":
            return "LSP refresh interval: periodic refresh"
        if self.what == "own-newer":
            via = f" from {self.neighbor}" if self.neighbor else ""
            return f"own LSP seq {fmt_num(self.value)} from before restart received{via}"
        if self.what == "adjacency-up":
            return f"adjacency with {self.neighbor} Up"
        if self.what == "adjacency-down":
            why = self.cause.reason() if self.cause is not None else ""
            return f"adjacency with {self.neighbor} down ({why})"
        return f"metric of link to {self.neighbor} now {fmt_num(self.value)}"


def _reasons(triggers: tuple[Trigger, ...]) -> str:
    return "; ".join(dict.fromkeys(t.words() for t in triggers))


@record
class LspOriginated(Note):
    """This router issued LSP ``seq`` listing ``links``; ``reissued``: the same content under a
    sequence number past a newer copy of its own seen in the network (ISO 10589 §7.3.16.1)."""

    kind: ClassVar[str] = "lsp"
    seq: int
    links: tuple[tuple[str, float], ...]
    triggers: tuple[Trigger, ...]
    reissued: bool = False

    def text(self) -> str:
        listed = ", ".join(f"{n}({fmt_num(c)})" for n, c in self.links) or "none"
        verb = "reissued" if self.reissued else "generated"
        return f"{verb} LSP seq {self.seq}, IS neighbours {listed}"

    def reason(self) -> str:
        return _reasons(self.triggers)


@record
class GenerationDeferred(Note):
    """The minimum LSP generation interval holds a new LSP back for ``wait`` seconds."""

    kind: ClassVar[str] = "lsp"
    wait: float
    trigger: Trigger

    def text(self) -> str:
        return f"LSP generation deferred {fmt_secs(self.wait)} s (lsp_gen_interval)"

    def reason(self) -> str:
        return self.trigger.words()


@record
class LspPurged(Note):
    """LSP ``origin`` ``seq`` was purged here: its remaining lifetime ran out (``expired``, after
    ``lifetime`` s) or a purge arrived; or a purge's ZeroAgeLifetime ended (``removed``)."""

    kind: ClassVar[str] = "purge"
    origin: str
    seq: int
    lifetime: float = 0.0
    removed: bool = False

    def text(self) -> str:
        if self.removed:
            return f"removed purged LSP {self.origin} seq {self.seq} from the database"
        return f"purged LSP {self.origin} seq {self.seq}"

    def reason(self) -> str:
        if self.removed:
            return "ZeroAgeLifetime over"
        return f"remaining lifetime ran out ({fmt_secs(self.lifetime)} s without a refresh): purge flooded"


@record
class DatabaseSync(Note):
    """A CSNP (``complete``) or PSNP from ``neighbor`` listed ``listed`` LSPs: ``sent`` of ours
    go to it, ``requested`` of its are asked for."""

    kind: ClassVar[str] = "sync"
    neighbor: str
    complete: bool
    listed: int
    sent: int
    requested: int

    def text(self) -> str:
        pdu = "CSNP" if self.complete else "PSNP"
        return f"{pdu} from {self.neighbor}: {self.listed} LSPs listed"

    def reason(self) -> str:
        parts = []
        if self.sent:
            parts.append(f"{self.sent} of ours newer or missing there: sent")
        if self.requested:
            parts.append(f"{self.requested} newer or missing here: requested by PSNP")
        return "; ".join(parts) or "databases agree"


#: Why an SPF was asked for: (origin, seq, neighbour it came from -- None: our own, or purged
#: here --, whether the instance is a purge).
SpfReason = tuple[str, int, "str | None", bool]


@record
class SpfRun(Note):
    """SPF run ``run`` at ``router``, triggered by the LSPs in ``reasons`` (:data:`SpfReason`),
    after ``delay`` s of scheduling ``mode`` (RFC 8405 back-off ``state``, or "-")."""

    kind: ClassVar[str] = "spf"
    router: str
    run: int
    reasons: tuple[SpfReason, ...]
    mode: str
    delay: float
    state: str = "-"

    def text(self) -> str:
        return f"SPF run {self.run}"

    def reason(self) -> str:
        shown = "; ".join(self._lsp(r) for r in self.reasons[:3])
        if len(self.reasons) > 3:
            shown += f"; +{len(self.reasons) - 3} more"
        wait = f"{self.mode} delay {fmt_num(round(self.delay * 1000, 3))} ms"
        if self.state != "-":
            wait += f", state {self.state}"
        return f"{shown}; {wait}"

    def _lsp(self, reason: SpfReason) -> str:
        origin, seq, source, purge = reason
        if purge:
            if source is None:
                return f"LSP {origin} seq {seq} expired here: purged"
            return f"purge of LSP {origin} seq {seq} from {source}"
        if source is None:
            return f"own LSP seq {seq}: links changed"
        return f"LSP {origin} seq {seq} from {source}: links changed"

    def as_cause(self, router: str) -> str:
        return f"SPF run {self.run} at {self.router}"
