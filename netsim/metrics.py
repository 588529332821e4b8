"""Convergence, correctness, flaps, messages, loops and black holes: pure functions of a trace.

Definitions (DESIGN §4.3):

* An event's **window** runs from its time to the next event at a later time (or the end);
  events at the same instant share one window (a shared-risk failure is one disturbance).
* **convergence_time**: from the event to the last FIB change in its window (0 if none).
* **correct_time**: from the event until every FIB is correct and stays so to the window's
  end; ``None`` if the window ends incorrect.  A FIB is correct when every reachable
  destination has the shortest-path cost and a non-empty subset of the shortest-path next
  hops, and no unreachable destination has an entry.  Down routers have no FIB.
* **route_changes** / **flaps**: FIB changes in the window, and those beyond the first per
  (router, destination).
* **loop_time** / **blackhole_time**: time in the window during which following the FIBs from
  some router towards some reachable destination can revisit a router, or can dead-end (no
  entry, a next hop over a link that is physically down, or a crashed next hop).
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

import networkx as nx
import numpy as np

from netsim.oracle import Oracle
from netsim.replay import World, steps
from netsim.trace import Route, Trace


@dataclass(frozen=True, slots=True)
class EventMetrics:
    index: int
    time: float
    kind: str
    target: tuple[str, ...]
    description: str
    window_end: float
    convergence_time: float
    correct_time: float | None
    route_changes: int
    flaps: int
    messages: int
    bytes: int
    loop_time: float
    blackhole_time: float


@dataclass(frozen=True, slots=True)
class RunMetrics:
    initial_convergence: float | None
    events: tuple[EventMetrics, ...]
    messages_total: int
    bytes_total: int
    end_time: float
    final_tables: dict[str, dict[str, Route]]


class _Judge:
    """Keeps the set of incorrect (router, dest) entries and the destinations whose forwarding
    graph loops or dead-ends, updated incrementally as changes are replayed."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.oracle: Oracle = world.oracle()
        self.bad: set[tuple[str, str]] = set()
        self.loops: set[str] = set()
        self.holes: set[str] = set()
        self.track_forwarding = False

    def recheck_all(self) -> None:
        self.oracle = self.world.oracle()
        w, o = self.world, self.oracle
        self.bad = {(r, d) for r in w.routers if r not in w.down for d in w.routers
                    if d != r and not o.entry_ok(r, d, w.fibs[r].get(d))}
        if self.track_forwarding:
            self.loops, self.holes = set(), set()
            for d in w.routers:
                self._forwarding(d)

    def recheck(self, pairs: set[tuple[str, str]]) -> None:
        w, o = self.world, self.oracle
        for r, d in pairs:
            if r in w.down or o.entry_ok(r, d, w.fibs[r].get(d)):
                self.bad.discard((r, d))
            else:
                self.bad.add((r, d))
        if self.track_forwarding:
            for d in {d for _, d in pairs}:
                self._forwarding(d)

    def _forwarding(self, dest: str) -> None:
        loop, hole = forwarding_faults(self.world, self.oracle, dest)
        (self.loops.add if loop else self.loops.discard)(dest)
        (self.holes.add if hole else self.holes.discard)(dest)


def forwarding_faults(world: World, oracle: Oracle, dest: str) -> tuple[bool, bool]:
    """(some walk towards ``dest`` loops, some walk dead-ends) over all sources that can reach it."""
    if dest in world.down:
        return False, False
    state: dict[str, int] = {dest: 2}  # 1 = on the current walk, 2 = finished
    loop = hole = False
    for src in world.routers:
        if src in state or src in world.down or not oracle.reachable(src, dest):
            continue
        stack: list[tuple[str, list[str]]] = []
        state[src] = 1
        stack.append((src, _hops(world, src, dest)))
        if not stack[-1][1] and src != dest:
            hole = True
        while stack:
            node, todo = stack[-1]
            if not todo:
                state[node] = 2
                stack.pop()
                continue
            nxt = todo.pop()
            if not world.link_up(node, nxt):
                hole = True
                continue
            s = state.get(nxt, 0)
            if s == 1:
                loop = True
            elif s == 0:
                state[nxt] = 1
                hops = _hops(world, nxt, dest)
                if not hops:
                    hole = True
                stack.append((nxt, hops))
        if loop and hole:
            break
    return loop, hole


def _hops(world: World, router: str, dest: str) -> list[str]:
    entry = world.fibs[router].get(dest)
    return list(entry.next_hops) if entry is not None else []


def analyze(trace: Trace, graph: nx.Graph) -> RunMetrics:
    """Compute every figure of DESIGN §4.3 from ``trace`` (and the initial ``graph``)."""
    world = World.initial(graph, trace)
    judge = _Judge(world)
    judge.recheck_all()

    # Windows: events grouped by time.
    ev_times = sorted({e.time for e in trace.events})
    end = trace.end_time
    bounds = ev_times + [end]
    windows = {t: [0.0, 0.0, None, 0.0] for t in ev_times}  # loop, hole, good-at-end flag, last change
    good_since: float | None = None if judge.bad else 0.0
    initial: float | None = None
    current: float | None = None  # start of the current window
    prev = 0.0
    b = 0
    step_iter = steps(trace)
    pending = next(step_iter, None)

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
            close_window(t)
            b += 1
            current = t if t < end or t in windows else None
            if current is not None and current not in windows:
                current = None
            if current is not None and not judge.track_forwarding:
                judge.track_forwarding = True
                judge.recheck_all()
        if t == t_step:
            assert pending is not None
            for tc in pending.topology:
                world.apply_topology(tc)
            changed: set[tuple[str, str]] = set()
            for rc in pending.routes:
                world.apply_route(rc)
                changed.add((rc.router, rc.dest))
            if pending.topology:
                judge.recheck_all()
            elif changed:
                judge.recheck(changed)
            if judge.bad:
                good_since = None
            elif good_since is None:
                good_since = t
            pending = next(step_iter, None)
    accumulate(end)
    if current is not None:
        close_window(end)
    elif not ev_times:
        initial = good_since

    # Per-window counts.
    rc_times = [rc.time for rc in trace.route_changes]
    msg_t = np.frombuffer(trace.messages.times, dtype=np.float64) if len(trace.messages) else np.zeros(0)
    msg_c = np.concatenate([[0], np.cumsum(np.frombuffer(trace.messages.counts, dtype=np.int64))]) \
        if len(trace.messages) else np.zeros(1, dtype=np.int64)
    msg_b = np.concatenate([[0], np.cumsum(np.frombuffer(trace.messages.sizes, dtype=np.int64))]) \
        if len(trace.messages) else np.zeros(1, dtype=np.int64)
    out = []
    for ev in trace.events:
        start = ev.time
        stop = next((t for t in ev_times if t > start), end)
        lo, hi = bisect.bisect_left(rc_times, start), bisect.bisect_left(rc_times, stop)
        changes = trace.route_changes[lo:hi]
        per_pair = Counter((rc.router, rc.dest) for rc in changes)
        m_lo, m_hi = np.searchsorted(msg_t, start, "left"), np.searchsorted(msg_t, stop, "left")
        loop_t, hole_t, good, _ = windows[start]
        correct = None if good is None else max(0.0, good - start)
        out.append(EventMetrics(
            index=ev.index, time=start, kind=ev.kind, target=ev.target, description=ev.detail,
            window_end=stop,
            convergence_time=(changes[-1].time - start) if changes else 0.0,
            correct_time=correct,
            route_changes=len(changes),
            flaps=sum(c - 1 for c in per_pair.values()),
            messages=int(msg_c[m_hi] - msg_c[m_lo]),
            bytes=int(msg_b[m_hi] - msg_b[m_lo]),
            loop_time=loop_t, blackhole_time=hole_t))
    final = {r: ({} if r in world.down else dict(sorted(world.fibs[r].items()))) for r in trace.routers}
    return RunMetrics(initial_convergence=initial, events=tuple(out), messages_total=int(msg_c[-1]),
                      bytes_total=int(msg_b[-1]), end_time=end, final_tables=final)
