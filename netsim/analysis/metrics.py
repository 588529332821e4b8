"""Convergence, correctness, flaps, messages, loops and black holes: pure functions of a trace.

The replay (:mod:`netsim.analysis.replay`) walks the trace instant by instant; a judge
(:mod:`netsim.analysis.judge`) keeps track of which FIB entries are wrong against the protocol's
correctness model and which destinations' forwarding loops or dead-ends; this module turns that
into per-window facts (:class:`~netsim.analysis.metric_defs.Window`) and evaluates every metric
definition of :mod:`netsim.analysis.metric_defs` on them.

* An event's **window** runs from its time to the next event at a later time (or the end);
  events at the same instant share one window (a shared-risk failure is one disturbance).
* A FIB is **correct** when the correctness model accepts every entry (for shortest paths: every
  reachable destination has the shortest-path cost and a non-empty subset of the shortest-path
  next hops) and no destination the model leaves out has one.  Down routers have no FIB.
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from netsim.analysis.judge import ModelJudge, ShortestPathJudge
from netsim.analysis.metric_defs import RunContext, Window, event_metrics_for
from netsim.analysis.oracle import CorrectnessModel, ModelUnavailable
from netsim.analysis.oracle.shortest_paths import ShortestPaths
from netsim.analysis.replay import World, steps
from netsim.records import record
from netsim.topology.graph import Graph
from netsim.trace import Route, Trace


@record
class EventMetrics:
    """One event's window and every metric that applies to the run, by name (also as attributes)."""

    index: int
    time: float
    kind: str
    target: tuple[str, ...]
    description: str
    window_end: float
    values: Mapping[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


@record
class RunMetrics:
    """Every figure of one run: per event, over the whole run, and the final tables."""

    initial_convergence: float | None
    events: tuple[EventMetrics, ...]
    messages_total: int
    bytes_total: int
    end_time: float
    #: Router -> its FIB at the end (a read-only mapping; the initial table itself if never changed).
    final_tables: dict[str, Mapping[str, Route]]
    #: Why correctness could not be judged (the scenario is outside the correctness model), or None.
    unjudged: str | None = None
    #: FIB changes over the whole run, and the time of the last one (None: none).
    route_changes_total: int = 0
    last_route_change: float | None = None
    #: FIB changes and protocol packets before the first event (the cold start's window).
    initial_changes: int = 0
    initial_messages: int = 0


def analyze(trace: Trace, graph: Graph, *, model: CorrectnessModel | None = None,
            options: Mapping[str, Any] | None = None, protocol: str = "", dataplane: Any = None,
            unjudged: str | None = None) -> RunMetrics:
    """Compute every figure of the results from ``trace`` (and the initial ``graph``).

    ``model`` judges correctness (default: shortest paths; with ``unjudged``, the reason the
    scenario is outside every model, nothing is judged correct); ``options``, ``protocol`` and
    ``dataplane`` let extension metrics decide whether they apply (damping on, probe flows).

    The cyclic garbage collector is paused meanwhile: the analysis makes no reference cycles,
    and after a large simulation each of its periodic full passes would walk millions of live
    simulation objects for nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        run = RunContext(trace, options or {}, protocol, dataplane, model if unjudged is None else None)
        if unjudged is not None:
            return _analyze(trace, graph, None, run, unjudged)
        return _analyze(trace, graph, model or ShortestPaths(graph, run.options), run)
    finally:
        if enabled:
            gc.enable()


def _analyze(trace: Trace, graph: Graph, model: CorrectnessModel | None, run: RunContext,
             unjudged: str | None = None) -> RunMetrics:
    tables0 = trace.initial_fibs or {}
    world = World.initial(graph, trace, lazy=True)
    judge: ShortestPathJudge | ModelJudge
    if model is None:
        judge = ModelJudge(world, tables0, None, unjudged, graph)
    elif isinstance(model, ShortestPaths):
        judge = ShortestPathJudge(world, tables0, graph, model.ceiling)
    else:
        try:
            judge = ModelJudge(world, tables0, model)
        except ModelUnavailable as exc:
            unjudged = str(exc)
            judge = ModelJudge(world, tables0, None, unjudged, graph)

    # Windows: events grouped by time.
    ev_times = sorted({e.time for e in trace.events})
    end = trace.end_time
    bounds = ev_times + [end]
    windows = {t: [0.0, 0.0, None, 0.0] for t in ev_times}  # loop, hole, good-at-end flag, last change
    good_since: float | None = None if judge.nbad else 0.0
    initial: float | None = None
    current: float | None = None  # start of the current window
    prev = 0.0
    b = 0
    step_iter = steps(trace, initial=False)
    grown: set[str] = set()  # routers whose FIB gained a destination during the replay
    pending = next(step_iter, None)
    states: dict[float, Any] = {}  # the network at each window bound, before that instant's changes

    def close_window(at: float) -> None:
        nonlocal initial
        if current is None:
            initial = good_since
        else:
            windows[current][2] = good_since if good_since is not None else None

    def accumulate(t: float) -> None:
        if current is not None and t > prev:
            if judge.loops:
                windows[current][0] += t - prev
            if judge.holes:
                windows[current][1] += t - prev

    while True:
        t_step = pending.time if pending is not None else float("inf")
        t_bound = bounds[b] if b < len(bounds) else float("inf")
        t = min(t_step, t_bound)
        if t == float("inf") or t > end:
            break
        accumulate(t)
        prev = t
        if t == t_bound:
            states[t] = world.state()
            close_window(t)
            b += 1
            current = t if t < end or t in windows else None
            if current is not None and current not in windows:
                current = None
            if current is not None and not judge.track_forwarding:
                judge.track_forwarding = True
                judge.forwarding_all()
        if t == t_step:
            assert pending is not None
            for tc in pending.topology:
                world.apply_topology(tc)
            # In trace order, not hash order: the judge then reads each router's FIB in turn
            # (a cold start's 160 k entries at one instant are read several times faster).
            changed: dict[tuple[str, str], None] = {}
            for rc in pending.routes:
                world.apply_route(rc)
                changed[(rc.router, rc.dest)] = None
                if rc.old is None:
                    grown.add(rc.router)
            if pending.topology:
                judge.topology_changed(changed)
            elif changed:
                judge.routes_changed(changed)
            if judge.nbad:
                good_since = None
            elif good_since is None:
                good_since = t
            pending = next(step_iter, None)
    accumulate(end)
    states.setdefault(end, world.state())
    if current is not None:
        close_window(end)
    elif not ev_times:
        initial = good_since

    # Per-window facts, then every applicable metric definition.
    rc_times = [rc.time for rc in trace.route_changes]
    msgs = trace.messages
    msg_t = np.frombuffer(msgs.times, dtype=np.float64) if len(msgs) else np.zeros(0)
    msg_c = np.concatenate([[0], np.cumsum(np.frombuffer(msgs.counts, dtype=np.int64))]) \
        if len(msgs) else np.zeros(1, dtype=np.int64)
    msg_b = np.concatenate([[0], np.cumsum(np.frombuffer(msgs.sizes, dtype=np.int64))]) \
        if len(msgs) else np.zeros(1, dtype=np.int64)
    metrics = event_metrics_for(run)
    out = []
    for ev in trace.events:
        start = ev.time
        stop = next((t for t in ev_times if t > start), end)
        lo, hi = bisect.bisect_left(rc_times, start), bisect.bisect_left(rc_times, stop)
        m_lo, m_hi = np.searchsorted(msg_t, start, "left"), np.searchsorted(msg_t, stop, "left")
        loop_t, hole_t, good, _ = windows[start]
        window = Window(ev, start, stop, trace.route_changes[lo:hi], int(msg_c[m_hi] - msg_c[m_lo]),
                        int(msg_b[m_hi] - msg_b[m_lo]), loop_t, hole_t, good, run, states.get(start),
                        states.get(stop))
        out.append(EventMetrics(ev.index, start, ev.kind, ev.target, ev.detail, stop,
                                {m.name: m.compute(window) for m in metrics}))
    seen: dict[int, bool] = {}
    final = {r: _final_table(world, r, tables0, grown, seen) for r in trace.routers}
    first = ev_times[0] if ev_times else end
    n_initial = bisect.bisect_left(rc_times, first) if ev_times else len(rc_times)
    m_initial = int(msg_c[np.searchsorted(msg_t, first, "left")]) if ev_times else int(msg_c[-1])
    return RunMetrics(initial_convergence=initial, events=tuple(out), messages_total=int(msg_c[-1]),
                      bytes_total=int(msg_b[-1]), end_time=end, final_tables=final, unjudged=unjudged,
                      route_changes_total=len(rc_times), last_route_change=rc_times[-1] if rc_times else None,
                      initial_changes=n_initial, initial_messages=m_initial)


def _final_table(world: World, router: str, initial: Mapping[str, Mapping[str, Route]], grown: set[str],
                 seen: dict[int, bool]) -> Mapping[str, Route]:
    """A router's FIB at the end, in destination order.

    A FIB replayed over a column table in destination order, and since then only changed or
    emptied entry by entry (never given a new destination: ``grown``), is still in order, so it
    is not re-sorted (nor copied: it is the table and its changes, a ``ChangedFib``); one never
    touched at all is the (read-only) table itself.
    """
    if router in world.down:
        return {}
    fibs = world.fibs
    dests = getattr(initial.get(router), "dests", None)
    in_order = dests is not None and router not in grown and _is_sorted(dests, seen)
    if in_order and router not in fibs:
        return initial[router]
    fib = fibs[router]
    return fib if in_order else dict(sorted(fib.items()))


def _is_sorted(names: Sequence[str], seen: dict[int, bool]) -> bool:
    """Whether ``names`` is in sorted order, remembered in ``seen`` per (shared, live) list object."""
    hit = seen.get(id(names))
    if hit is None:
        hit = seen[id(names)] = all(a <= b for a, b in zip(names, names[1:], strict=False))
    return hit
