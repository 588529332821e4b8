"""Every metric netsim reports, defined once: name, unit, meaning, how it is computed and summarised.

The results JSON, the text table, a sweep's ``summary.csv``, the CDF plot's choices and the
metric reference (``netsim metrics``, ``docs/metrics.md``) all derive from :data:`EVENT_METRICS`
and :data:`RUN_METRICS`.  Adding a metric is one :class:`Metric` here (plus its test).

An event metric is computed per *window*: from a scripted event to the next event at a later
time (or the end of the run); events at the same instant share one window, because a shared-risk
failure is one disturbance.  Everything is a pure function of the trace (and of the probe
traffic replayed over it).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from typing import Any

from netsim.analysis.labovitz import classify_event, event_class
from netsim.records import record
from netsim.trace import (
    PathChoice,
    RouteChange,
    RouteFlapped,
    RouteReused,
    RouteSuppressed,
    ScriptedEvent,
    Trace,
    UpdatesSent,
)

#: Times in results are rounded to the microsecond, so the same run gives byte-identical JSON.
DIGITS = 6


@record
class RunContext:
    """What a metric may know about the run besides the window: its trace, options, probe traffic,
    and the correctness model the run is judged against (None when it could not be judged)."""

    trace: Trace
    options: Mapping[str, Any]
    protocol: str = ""
    dataplane: Any = None
    model: Any = None
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def path_vector(self) -> bool:
        """Whether the run chose paths (a path-vector protocol recorded path choices)."""
        if "path_vector" not in self._cache:
            self._cache["path_vector"] = any(isinstance(d.note, PathChoice) for d in self.trace.decisions)
        return bool(self._cache["path_vector"])


@record
class Window:
    """One event's window: its changes and messages, and what the replay found in it."""

    event: ScriptedEvent
    start: float
    stop: float
    changes: Sequence[RouteChange]
    messages: int
    bytes: int
    loop_time: float
    blackhole_time: float
    #: When every FIB became correct and stayed so to the window's end (absolute time), or None.
    correct_since: float | None
    run: RunContext
    #: The physical network just before the event and at the window's end (NetworkState).
    state_before: Any = None
    state_after: Any = None


def seconds(x: float | None) -> float | None:
    """A duration for the JSON: rounded to the microsecond; None stays None (never)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(float(x), DIGITS) + 0.0


def human_seconds(x: float | None) -> str:
    """Seconds for humans: ``never`` for None, ms below one second."""
    if x is None:
        return "never"
    if x == 0:
        return "0"
    if x < 1:
        return f"{x * 1000:.1f} ms"
    return f"{x:.2f} s"


@record
class Column:
    """One cell of the text table: a header and how to show the metric's value in it."""

    header: str
    show: Callable[[Any], str] = str


@record
class Metric:
    """One figure netsim reports.

    ``summary`` says how a sweep summarises a run's windows into one number: ``max`` (the worst
    window; a None, i.e. never, wins) or ``sum``; None keeps it out of ``summary.csv``.
    ``contract`` metrics are the results-JSON contract's and come before the extensions.
    ``applies`` limits an extension to the runs that can have it (damping on, probe flows).
    """

    name: str
    unit: str
    meaning: str
    compute: Callable[[Window], Any]
    summary: str | None = "sum"
    columns: tuple[Column, ...] = ()
    to_json: Callable[[Any], Any] = lambda v: v
    applies: Callable[[RunContext], bool] = lambda run: True
    contract: bool = True
    cdf: bool = False
    null: str = ""
    #: A short label for plot axes.
    label: str = ""


# -- computations -----------------------------------------------------------------------------
def _convergence(w: Window) -> float:
    return (w.changes[-1].time - w.start) if w.changes else 0.0


def _correct(w: Window) -> float | None:
    return None if w.correct_since is None else max(0.0, w.correct_since - w.start)


def _flaps(w: Window) -> int:
    per_pair = Counter((rc.router, rc.dest) for rc in w.changes)
    return sum(c - 1 for c in per_pair.values())


def suppression_intervals(trace: Trace) -> list[tuple[str, str, str, float, float]]:
    """(router, dest, via, from, to) for every damping suppression (open ones end at the trace's end)."""
    open_: dict[tuple[str, str, str], float] = {}
    out = []
    for d in trace.decisions:
        note = d.note
        if isinstance(note, RouteSuppressed):
            open_.setdefault((d.router, note.dest, note.via), d.time)
        elif isinstance(note, RouteReused):
            key = (d.router, note.dest, note.via)
            if key in open_:
                out.append((*key, open_.pop(key), d.time))
    out.extend((*key, t, trace.end_time) for key, t in open_.items())
    return sorted(out, key=lambda x: (x[3], x[0], x[1], x[2]))


def _suppressed(w: Window) -> float:
    spans = suppression_intervals(w.run.trace)
    return sum(max(0.0, min(b, w.stop) - max(a, w.start)) for *_, a, b in spans)


def _damped_flaps(w: Window) -> int:
    return sum(1 for d in w.run.trace.decisions
               if isinstance(d.note, RouteFlapped) and w.start <= d.time < w.stop)


def _explored(w: Window) -> int:
    """The most distinct best paths one router selected for one destination in the window."""
    seen: dict[tuple[str, str], set[Any]] = {}
    for d in w.run.trace.decisions:
        note = d.note
        if isinstance(note, PathChoice) and w.start <= d.time < w.stop and note.chosen_path is not None:
            seen.setdefault((d.router, note.chosen_dest), set()).add(note.chosen_path)
    return max((len(s) for s in seen.values()), default=0)


def _best_changes(w: Window) -> int:
    return sum(1 for d in w.run.trace.decisions if isinstance(d.note, PathChoice) and w.start <= d.time < w.stop)


def _announced(w: Window) -> int:
    return sum(d.note.announced_count for d in w.run.trace.decisions
               if isinstance(d.note, UpdatesSent) and w.start <= d.time < w.stop)


def _withdrawn(w: Window) -> int:
    return sum(d.note.withdrawn_count for d in w.run.trace.decisions
               if isinstance(d.note, UpdatesSent) and w.start <= d.time < w.stop)


def _event_class(w: Window) -> str | None:
    model = w.run.model
    if model is None or w.state_before is None or w.state_after is None:
        return None
    return event_class(classify_event(model.tables(w.state_before), model.tables(w.state_after)))


def _path_vector(run: RunContext) -> bool:
    return run.path_vector


def _packets(w: Window) -> Any:
    return w.run.dataplane.at(w.start)


def _damping_on(run: RunContext) -> bool:
    return bool(run.options.get("damping"))


def _flows_on(run: RunContext) -> bool:
    return run.dataplane is not None


def packets_json(c: Any) -> dict[str, Any]:
    """Probe-packet counts in the JSON (stretch rounded to microunits: byte-identical results)."""
    stretch = c.stretch
    return {"sent": c.sent, "delivered": c.delivered, "no_route": c.no_route, "ttl_expired": c.ttl_expired,
            "link_down": c.link_down, "lost": c.lost, "unreachable": c.unreachable,
            "stretch": None if stretch is None else round(stretch, 6)}


_PACKET_COLUMNS = (
    Column("pkts", lambda c: str(c.sent)),
    Column("dropped", lambda c: str(c.no_route + c.link_down)),
    Column("looped", lambda c: str(c.ttl_expired)),
    Column("lost", lambda c: str(c.lost)),
    Column("stretch", lambda c: "-" if c.stretch is None else f"{c.stretch:.3f}"),
)

EVENT_METRICS: tuple[Metric, ...] = (
    Metric("convergence_time", "s", "event → the last FIB change in its window; 0 if none", _convergence,
           summary="max", columns=(Column("converged", human_seconds),), to_json=seconds, cdf=True,
           label="convergence time after the event"),
    Metric("correct_time", "s", "event → every FIB correct and staying so to the window's end", _correct,
           summary="max", columns=(Column("correct", human_seconds),), to_json=seconds, cdf=True,
           null="never correct within the window", label="time until every FIB is correct"),
    Metric("route_changes", "count", "FIB entry changes in the window", lambda w: len(w.changes),
           columns=(Column("changes"),)),
    Metric("flaps", "count", "changes beyond the first per (router, destination) in the window", _flaps,
           columns=(Column("flaps"),)),
    Metric("messages", "packets", "protocol packets put on wires in the window", lambda w: w.messages,
           columns=(Column("msgs"),)),
    Metric("bytes", "bytes", "bytes of those packets, with modelled header sizes", lambda w: w.bytes),
    Metric("loop_time", "s", "time in the window during which following the FIBs from some router to some "
           "reachable destination revisits a router", lambda w: w.loop_time, columns=(Column("loop", human_seconds),),
           to_json=seconds),
    Metric("blackhole_time", "s", "time in the window during which such a walk dead-ends: no entry, a next hop "
           "over a link that is physically down, or a crashed next hop", lambda w: w.blackhole_time,
           columns=(Column("blackhole", human_seconds),), to_json=seconds),
    Metric("packets", "packets", "probe packets sent in the window and their fate (with `flows:`): delivered, "
           "no_route, ttl_expired, link_down, lost, unreachable, and the mean path stretch", _packets,
           summary=None, columns=_PACKET_COLUMNS, to_json=packets_json, applies=_flows_on, contract=False),
    Metric("suppressed_time", "route-s", "route-seconds of route-flap-damping suppression in the window "
           "(two routes suppressed 1 s count 2 s; with damping on)", _suppressed, to_json=seconds,
           applies=_damping_on, contract=False),
    Metric("damped_flaps", "count", "flaps that route-flap damping counted in the window (with damping on)",
           _damped_flaps, applies=_damping_on, contract=False),
    Metric("event_class", "", "Labovitz et al.'s class of the event, from the correct routes before and after it: "
           "Tdown (a destination lost), Tup (one gained), Tlong (some path longer), Tshort (only shorter); "
           "the slowest one the event caused (path-vector runs)", _event_class, summary=None,
           columns=(Column("class", lambda v: v or "-"),), applies=_path_vector, contract=False,
           null="no correct route changed"),
    Metric("paths_explored", "count", "the most distinct best paths one router selected for one destination in "
           "the window: path exploration (path-vector runs)", _explored, summary="max",
           columns=(Column("paths"),), applies=_path_vector, contract=False),
    Metric("best_path_changes", "count", "best-path changes in the window (path-vector runs)", _best_changes,
           applies=_path_vector, contract=False),
    Metric("updates_sent", "count", "destinations announced in updates sent in the window (path-vector runs)",
           _announced, applies=_path_vector, contract=False),
    Metric("withdrawals_sent", "count", "destinations withdrawn in updates sent in the window (path-vector runs)",
           _withdrawn, applies=_path_vector, contract=False),
)


@record
class RunMetric:
    """A figure of the whole run (the JSON's top level)."""

    name: str
    unit: str
    meaning: str
    null: str = ""
    cdf: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


RUN_METRICS: tuple[RunMetric, ...] = (
    RunMetric("initial_convergence", "s", "start → every FIB correct (and staying so until the first event)",
              null="never correct before the first event"),
    RunMetric("messages_total", "packets", "protocol packets over the whole run"),
    RunMetric("bytes_total", "bytes", "their bytes"),
)


def event_metrics_for(run: RunContext) -> tuple[Metric, ...]:
    """The event metrics a run reports, contract ones first."""
    applicable = [m for m in EVENT_METRICS if m.applies(run)]
    return tuple([m for m in applicable if m.contract] + [m for m in applicable if not m.contract])


def by_name(name: str) -> Metric:
    for m in EVENT_METRICS:
        if m.name == name:
            return m
    raise KeyError(name)


def cdf_metrics() -> tuple[str, ...]:
    return tuple(m.name for m in EVENT_METRICS if m.cdf)


def markdown_table() -> str:
    """The metric reference as a Markdown table (``netsim metrics --markdown``, docs/metrics.md)."""
    rows = ["| metric | per | unit | meaning | in a sweep's summary |", "| --- | --- | --- | --- | --- |"]
    for r in RUN_METRICS:
        meaning = r.meaning + (f"; `null`: {r.null}" if r.null else "")
        rows.append(f"| `{r.name}` | run | {r.unit} | {meaning} | as is |")
    for m in EVENT_METRICS:
        meaning = m.meaning + (f"; `null`: {m.null}" if m.null else "")
        summary = {"max": "worst window (null wins)", "sum": "sum over windows", None: "not summarised"}[m.summary]
        rows.append(f"| `{m.name}` | event | {m.unit} | {meaning} | {summary} |")
    return "\n".join(rows) + "\n"
