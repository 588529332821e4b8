"""The narrated timeline behind ``netsim explain``: one line per happening, each with its cause.

A student learns convergence by reading *why* each router did what it did, in order.  The
trace already holds every ingredient: the scripted events, the physical changes they made,
the protocol decisions (adjacency changes, LSAs, SPF runs, distance-vector rules) and every FIB
change with its cause.  This module merges them into one time-ordered list of :class:`Line`
records and adds the one thing no single record says on its own: that a run of consecutive
metric increases via the same next hop is distance-vector *counting to infinity*.

Everything here is a pure function of the trace, so the narration can never
disagree with the metrics or the plots.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from netsim.errors import NetsimError
from netsim.inputs import short
from netsim.names import hint
from netsim.records import record
from netsim.trace import Decision, Route, RouteChange, Trace

#: Sort rank at equal times: the script first, then what it did to the wires, then the
#: protocol's reaction, then the FIB changes that reaction made.
_RANK = {"event": 0, "link": 1, "node": 1}
_DECISION_RANK = 2
_ROUTE_RANK = 3

#: Decision kinds that only repeat what the route-change line already says better.
_REDUNDANT_KINDS = frozenset({"dv-count"})

#: Protocols whose repeated same-hop metric increases are counting to infinity.  Link-state
#: recomputes from a full map, so a rising cost there is a new topology, never a count.
COUNTING_PROTOCOLS = frozenset({"distvector"})


@record
class Line:
    """One narrated happening.  ``kind`` is ``event``, ``link``, ``node``, ``route`` or a
    decision kind (``adjacency``, ``lsa``, ``spf``, ``interface``, ``dv-unreachable`` …)."""

    time: float
    router: str
    kind: str
    text: str
    cause: str
    dest: str = ""
    counting_step: int = 0
    #: Identity of the note behind a decision line (for following cause chains), 0 otherwise.
    ref: int = 0

    def as_dict(self) -> dict[str, object]:
        """The ``--json`` form: the five fields a reader needs, rounded like results JSON."""
        return {"time": round(self.time, 6) + 0.0, "router": self.router, "kind": self.kind,
                "text": self.text, "cause": self.cause}


@record
class Filter:
    """Which lines to keep.  Scripted events are always kept: they are the story's chapters."""

    router: str | None = None
    dest: str | None = None
    start: float | None = None
    end: float | None = None


def validate_filter(flt: Filter, routers: Iterable[str]) -> None:
    """Unknown names are a user error naming the option, not an empty timeline."""
    known = sorted(routers)
    for option, value in (("--router", flt.router), ("--dest", flt.dest)):
        if value is not None and value not in known:
            raise NetsimError(f"{option} {short(value, 60)}: unknown router{hint(short(value, 60), known)}")
    if flt.start is not None and flt.end is not None and flt.end < flt.start:
        raise NetsimError(f"--to {flt.end:g}: earlier than --from {flt.start:g}")


def narrate(trace: Trace, protocol: str = "", flt: Filter | None = None) -> list[Line]:
    """Every event, topology change, decision and route change of ``trace`` in time order.

    Counting-to-infinity steps are numbered over the whole trace before filtering, so
    ``--from`` never renumbers them.
    """
    flt = flt or Filter()
    validate_filter(flt, trace.routers)
    counting = counting_steps(trace.route_changes) if protocol in COUNTING_PROTOCOLS else {}
    keyed: list[tuple[float, int, int, Line]] = []
    for i, ev in enumerate(trace.events):
        keyed.append((ev.time, _RANK["event"], i,
                      Line(ev.time, "", "event", ev.detail, f"scenario events[{ev.index}]")))
    first_change = {ev.index: ev.time for ev in trace.events}
    for i, tc in enumerate(trace.topology_changes):
        if first_change.get(tc.event) == tc.time and not _is_flap(trace, tc.event):
            continue  # the scripted event's own line already says this
        kind = "link" if tc.b else "node"
        what = f"link {tc.a}–{tc.b} {'up' if tc.up else 'down'}" if tc.b else \
            f"router {tc.a} {'restarts' if tc.up else 'crashes'}"
        keyed.append((tc.time, _RANK[kind], i, Line(tc.time, "", kind, what, f"scenario events[{tc.event}]")))
    for i, d in enumerate(trace.decisions):
        if d.kind in _REDUNDANT_KINDS and protocol in COUNTING_PROTOCOLS:
            continue
        keyed.append((d.time, _DECISION_RANK, i, decision_line(d)))
    for i, rc in enumerate(trace.route_changes):
        keyed.append((rc.time, _ROUTE_RANK, i, route_line(rc, counting.get(i, 0))))
    keyed.sort(key=lambda k: (k[0], k[1], k[2]))
    lines = [k[3] for k in keyed]
    feeding = {id(rc.cause) for rc in trace.route_changes if rc.dest == flt.dest} if flt.dest else set()
    return [ln for ln in lines if _keep(ln, flt, feeding)]


def _is_flap(trace: Trace, index: int) -> bool:
    return any(ev.index == index and ev.kind == "flap" for ev in trace.events)


def decision_line(d: Decision) -> Line:
    """A decision: what happened and why, as the note renders them (``--json`` keeps them apart)."""
    return Line(d.time, d.router, d.kind, d.note.text(), d.note.reason(), ref=id(d.note))


def route_line(rc: RouteChange, step: int = 0) -> Line:
    """``route to D: via X cost 1 → via Y cost 5`` with the recorded cause (and the counting step)."""
    text = f"route to {rc.dest}: {_describe(rc.old)} → {_describe(rc.new)}"
    why = rc.cause.as_cause(rc.router)
    cause = why if not step else f"{why}; counting to infinity: step {step}"
    return Line(rc.time, rc.router, "route", text, cause, dest=rc.dest, counting_step=step)


def _describe(route: Route | None) -> str:
    return "no route" if route is None else route.describe()


def counting_steps(changes: Sequence[RouteChange]) -> dict[int, int]:
    """Index into ``changes`` → step number, for runs of at least two consecutive metric
    increases via the same next hop for the same (router, destination).

    A single increase is an ordinary re-route to a longer path; two in a row via the same
    neighbour is the signature of two routers feeding each other stale metrics.
    """
    runs: dict[tuple[str, str], list[int]] = {}
    steps: dict[int, int] = {}
    for i, rc in enumerate(changes):
        key = (rc.router, rc.dest)
        old, new = rc.old, rc.new
        rising = old is not None and new is not None and new.next_hops == old.next_hops and new.cost > old.cost
        if not rising:
            runs.pop(key, None)
            continue
        run = runs.setdefault(key, [])
        run.append(i)
        if len(run) >= 2:
            for k, idx in enumerate(run, start=1):
                steps[idx] = k
    return steps


def _keep(line: Line, flt: Filter, feeding: set[int]) -> bool:
    """``feeding``: the notes that caused the kept destination's route changes, so the SPF runs
    that moved that destination stay in a ``--dest`` view (the chain from failure to route)."""
    if flt.start is not None and line.time < flt.start - 1e-12:
        return False
    if flt.end is not None and line.time > flt.end + 1e-12:
        return False
    if line.kind == "event":
        return True
    if line.kind in ("link", "node"):
        return flt.router is None or _mentions(line.text, flt.router)
    if flt.router is not None and line.router != flt.router:
        return False
    if flt.dest is None:
        return True
    if line.kind == "route":
        return line.dest == flt.dest
    if line.ref and line.ref in feeding:
        return True
    if line.kind == "spf":
        return False
    return _mentions(line.text, flt.dest) or _mentions(line.cause, flt.dest)


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text) is not None


# -- text rendering ----------------------------------------------------------------------------
KIND_COLOURS = {"event": "magenta", "link": "magenta", "node": "magenta", "adjacency": "yellow",
                "interface": "yellow", "lsa": "blue", "spf": "cyan", "dv-unreachable": "red",
                "dv-garbage": "red", "route": "green"}


def render(lines: Sequence[Line], style: bool = True) -> list[str]:
    """Text lines; ``style`` adds click colours (click strips them when stdout is not a terminal)."""
    import click

    width = max((len(ln.router) for ln in lines), default=1)
    out = []
    for ln in lines:
        who = (ln.router or "—").ljust(width)
        if ln.kind == "route":
            body = f"{ln.text}   [{ln.cause}]"
        elif ln.kind == "event":
            body = f"EVENT {ln.text}"
        elif ln.kind in ("link", "node"):
            body = ln.text
        elif ln.kind == "spf" and ln.cause:
            body = f"{ln.text} (reason: {ln.cause})"
        else:
            body = f"{ln.text}: {ln.cause}" if ln.cause else ln.text
        colour = "red" if ln.counting_step else KIND_COLOURS.get(ln.kind)
        if style and colour:
            body = click.style(body, fg=colour, bold=ln.kind == "event" or bool(ln.counting_step))
        out.append(f"{ln.time:10.3f} s  {who}  {body}")
    return out


def summary(lines: Sequence[Line]) -> str:
    """One closing line: how many lines, and how far distance vector counted, if it did."""
    steps = [ln for ln in lines if ln.counting_step]
    text = f"{len(lines)} lines"
    if steps:
        routers = sorted({ln.router for ln in steps})
        peak = max(ln.counting_step for ln in steps)
        text += f"; counting to infinity at {', '.join(routers)} (up to step {peak})"
    return text
