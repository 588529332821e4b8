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
import gc
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import networkx as nx
import numpy as np

from netsim.analysis.oracle.shortest_paths import EPS, Distances, Oracle
from netsim.analysis.replay import World, steps
from netsim.trace import Route, Trace

T = TypeVar("T", bound=Hashable)


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
    #: Router -> its FIB at the end (a read-only mapping; the initial table itself if never changed).
    final_tables: dict[str, Mapping[str, Route]]


#: A router with more changed entries than this at one instant is re-judged as a whole row.
ROW_BATCH = 64


class _Judge:
    """Which (router, dest) entries are incorrect, and which destinations' forwarding graphs loop
    or dead-end, kept current as the trace is replayed.

    Why arrays: a 3,800-router network has 14.5 M entries, and a topology change can change the
    verdict on any of them.  Each router's FIB is mirrored as a row of costs and a row of indices
    into that router's distinct next-hop tuples, so re-judging a router is a handful of numpy
    operations over the distance matrix (:class:`~netsim.analysis.oracle.shortest_paths.Distances`, itself updated only
    from the sources a change can affect), with exactly the arithmetic of ``Oracle.entry_ok``.
    """

    def __init__(self, world: World, initial: Mapping[str, Mapping[str, Route]]) -> None:
        self.world = world
        n = len(world.routers)
        self.index = {r: i for i, r in enumerate(world.routers)}
        self.names = world.routers
        self.cost = np.full((n, n), np.nan)
        self.choice = np.full((n, n), -1, dtype=np.int32)
        #: Per router: its distinct next-hop tuples as router indices (-1: not a router), and ids.
        self.hopsets: list[list[tuple[int, ...]]] = [[] for _ in range(n)]
        self.hopset_id: list[dict[tuple[str, ...], int]] = [{} for _ in range(n)]
        self.bad = np.zeros((n, n), dtype=bool)
        self.nbad = 0
        self.down = np.zeros(n, dtype=bool)
        self.loops: set[str] = set()
        self.holes: set[str] = set()
        self.track_forwarding = False
        self.neighbours: list[np.ndarray] = self._static_neighbours()
        positions: dict[int, tuple[object, np.ndarray | None]] = {}  # per shared destination list
        for r in world.routers:
            table = initial.get(r)
            if table is not None:
                self._load(self.index[r], table, positions)
        hint = np.where(self.choice >= 0, self.cost, np.inf) if initial else None
        if hint is not None:
            np.fill_diagonal(hint, 0.0)
        self.dist = Distances(world.routers, world.links, world.down, hint=hint)
        del hint
        self.downhill = self._downhill()
        self._check_rows(range(n))

    # -- mirroring FIBs ---------------------------------------------------------------------------
    def _static_neighbours(self) -> list[np.ndarray]:
        """Every router's neighbours over any link, up or down (a change near a router can only
        change the verdict on its entries through these)."""
        nbrs: list[set[int]] = [set() for _ in self.names]
        for a, b in self.world.links:
            ia, ib = self.index[a], self.index[b]
            nbrs[ia].add(ib)
            nbrs[ib].add(ia)
        return [np.fromiter(sorted(s), dtype=np.intp, count=len(s)) for s in nbrs]

    def _hop_id(self, i: int, hops: tuple[str, ...]) -> int:
        ids = self.hopset_id[i]
        h = ids.get(hops)
        if h is None:
            h = ids[hops] = len(self.hopsets[i])
            self.hopsets[i].append(tuple(self.index.get(x, -1) for x in hops))
        return h

    def _load(self, i: int, table: Mapping[str, Route], positions: dict[int, tuple[object, np.ndarray | None]]
              ) -> None:
        """Mirror router ``i``'s initial FIB; a column table (``FibTable``) without a Python loop
        (``positions`` caches where each shared destination list's names sit in the matrices)."""
        dests, choice = getattr(table, "dests", None), getattr(table, "choice", None)
        pos = None
        if dests is not None and choice is not None:
            hit = positions.get(id(dests))
            if hit is None or hit[0] is not dests:
                known = all(d in self.index for d in dests)
                hit = positions[id(dests)] = (dests, np.fromiter((self.index[d] for d in dests), dtype=np.intp,
                                                                 count=len(dests)) if known else None)
            pos = hit[1]
        if pos is not None:
            local = np.array([self._hop_id(i, hops) for hops in table.choices] + [-1], dtype=np.int32)
            self.choice[i, pos] = local[choice]  # choice -1 picks the trailing -1
            self.cost[i, pos] = np.where(choice >= 0, table.costs, np.nan)
            return
        for d, route in table.items():
            self._mirror(i, self.index[d], route)

    def _mirror(self, i: int, j: int, route: Route | None) -> None:
        if route is None:
            self.cost[i, j] = np.nan
            self.choice[i, j] = -1
        else:
            self.cost[i, j] = route.cost
            self.choice[i, j] = self._hop_id(i, route.next_hops)

    def _downhill(self) -> bool:
        """Whether every link costs more than the ECMP tolerance of any path cost, so that next
        hops the oracle accepts always lead strictly closer to the destination (then a loop must
        pass through an incorrect entry).  Any simple path costs at most the sum of all links."""
        costs = list(self.dist.usable.values())
        return not costs or min(costs) > EPS * max(1.0, float(sum(costs)))

    # -- judging ------------------------------------------------------------------------------------
    def _row_bad(self, i: int) -> np.ndarray:
        """Router ``i``'s incorrect entries: ``Oracle.entry_ok`` for a whole row at once."""
        n = len(self.names)
        if self.down[i]:
            return np.zeros(n, dtype=bool)
        dist = self.dist.dist
        best = dist[i]
        tol = EPS * np.maximum(1.0, best)
        adj = self.dist.adj[i]
        hopsets = self.hopsets[i]
        ok = np.zeros((len(hopsets) + 1, n), dtype=bool)  # the last row serves "no entry" (-1)
        tight: dict[int, np.ndarray] = {}
        with np.errstate(invalid="ignore"):
            for h, hops in enumerate(hopsets):
                if not hops or any(m not in adj for m in hops):
                    continue
                acc = ok[h]
                acc[:] = True
                for m in hops:
                    t = tight.get(m)
                    if t is None:
                        t = tight[m] = np.abs(adj[m] + dist[m] - best) <= tol
                    acc &= t
            ch = self.choice[i]
            has = ch >= 0
            good = has & (np.abs(self.cost[i] - best) <= tol) & ok[ch, np.arange(n)]
        reach = np.isfinite(best) & ~self.down
        bad = np.where(reach, ~good, has)
        bad[i] = False
        return bad

    def _entry_bad(self, i: int, j: int) -> bool:
        """One entry: the scalar twin of :meth:`_row_bad` (same arithmetic as ``Oracle.entry_ok``)."""
        if self.down[i] or i == j:
            return False
        dist = self.dist.dist
        best = dist[i, j]
        h = int(self.choice[i, j])
        if self.down[j] or not np.isfinite(best):
            return h >= 0
        if h < 0:
            return True
        hops = self.hopsets[i][h]
        tol = EPS * max(1.0, best)
        if not hops or abs(self.cost[i, j] - best) > tol:
            return True
        adj = self.dist.adj[i]
        for m in hops:
            c = adj.get(m)
            if c is None or abs(c + dist[m, j] - best) > tol:
                return True
        return False

    def _check_rows(self, rows: Iterable[int]) -> None:
        for i in rows:
            new = self._row_bad(i)
            self.nbad += int(np.count_nonzero(new)) - int(np.count_nonzero(self.bad[i]))
            self.bad[i] = new

    def _check_pairs(self, pairs: Iterable[tuple[int, int]]) -> None:
        for i, j in pairs:
            new = self._entry_bad(i, j)
            if new != self.bad[i, j]:
                self.bad[i, j] = new
                self.nbad += 1 if new else -1

    # -- replay steps -----------------------------------------------------------------------------
    def routes_changed(self, pairs: set[tuple[str, str]]) -> None:
        """Entries changed (already applied to the world) with no topology change at this instant."""
        ij = self._sync(pairs)
        per_row = Counter(i for i, _ in ij)
        busy = {i for i, k in per_row.items() if k > ROW_BATCH}  # e.g. FIBs logged entry by entry at t=0
        self._check_rows(sorted(busy))
        self._check_pairs(p for p in ij if p[0] not in busy)
        if self.track_forwarding:
            for j in sorted({j for _, j in ij}):
                self._forwarding(j)

    def topology_changed(self, pairs: set[tuple[str, str]]) -> None:
        """The world's topology changed (and maybe some entries, already applied): re-judge every
        router whose entries the change can affect, then every destination's forwarding."""
        w = self.world
        was_down = self.down.copy()
        self.down[:] = False
        for r in w.down:
            self.down[self.index[r]] = True
        rows: set[int] = set()
        for i in np.flatnonzero(was_down != self.down).tolist():
            if self.down[i]:  # a crash empties the FIB
                self.cost[i] = np.nan
                self.choice[i] = -1
            rows.add(i)
            rows.update(self.neighbours[i].tolist())
        ij = self._sync(pairs)
        old_usable = self.dist.usable
        changed = self.dist.update(w.links, w.down)
        for ia, ib in old_usable.keys() ^ self.dist.usable.keys():
            rows.update((ia, ib))
        for key, c in self.dist.usable.items():
            if key in old_usable and old_usable[key] != c:
                rows.update(key)
        rows.update(changed.tolist())
        for i in changed.tolist():
            rows.update(self.neighbours[i].tolist())
        self.downhill = self._downhill()
        self._check_rows(sorted(rows))
        self._check_pairs(p for p in ij if p[0] not in rows)
        if self.track_forwarding:
            self.forwarding_all()

    def _sync(self, pairs: set[tuple[str, str]]) -> list[tuple[int, int]]:
        out = []
        fibs = self.world.fibs
        for r, d in pairs:
            i, j = self.index[r], self.index[d]
            self._mirror(i, j, None if r in self.world.down else fibs[r].get(d))
            out.append((i, j))
        return out

    # -- forwarding (loops and black holes) --------------------------------------------------------
    def forwarding_all(self) -> None:
        """Every destination's forwarding faults; only destinations with an incorrect entry can
        have any (see :meth:`_roots_idx`), which one vectorised pass finds."""
        self.loops, self.holes = set(), set()
        cols = np.flatnonzero(self.bad.any(axis=0)) if self.downhill else range(len(self.names))
        for j in cols:
            self._forwarding(int(j))

    def _roots_idx(self, j: int) -> list[int]:
        """Sources whose walks towards ``j`` can reveal every loop and dead end.

        A walk visits only routers that can reach the destination; at such a router a correct
        entry has next hops, over up links, each strictly closer to the destination (when
        ``downhill``).  So a dead end is at an incorrect entry, a cycle contains one, and walking
        from the reachable routers with incorrect entries finds exactly what walking from every
        router finds.  Without ``downhill``, every reachable router is a root.
        """
        reach = np.isfinite(self.dist.dist[:, j]) & ~self.down
        reach[j] = False
        if self.down[j]:
            return []
        sel = reach & self.bad[:, j] if self.downhill else reach
        return np.flatnonzero(sel).tolist()

    def _forwarding(self, j: int) -> None:
        dest = self.names[j]
        loop, hole = self._walk(j, self._roots_idx(j))
        (self.loops.add if loop else self.loops.discard)(dest)
        (self.holes.add if hole else self.holes.discard)(dest)

    def _walk(self, j: int, sources: Iterable[int]) -> tuple[bool, bool]:
        """:func:`_walk` over the mirrored FIBs (router indices), so a walk through a router whose
        FIB never changed does not copy that FIB out of its initial table."""
        col, hopsets, adj = self.choice[:, j].tolist(), self.hopsets, self.dist.adj

        def hops(i: int) -> list[int]:
            h = col[i]
            return list(hopsets[i][h]) if h >= 0 else []

        return walk_faults(j, sources, hops, lambda a, b: b in adj[a])


def _walk(world: World, dest: str, sources: Iterable[str]) -> tuple[bool, bool]:
    """(some walk towards ``dest`` loops, some walk dead-ends), walking from ``sources``."""
    return walk_faults(dest, sources, lambda r: _hops(world, r, dest), world.link_up)


def walk_faults(dest: T, sources: Iterable[T], hops: Callable[[T], list[T]],
                link_ok: Callable[[T, T], bool]) -> tuple[bool, bool]:
    """Depth-first walks along the FIBs towards ``dest`` from every source (all ECMP branches):
    (some walk revisits a router = a loop, some walk dead-ends = a black hole).

    ``hops(r)`` lists ``r``'s next hops (empty: no entry); ``link_ok(a, b)`` says whether a packet
    can cross from ``a`` to ``b`` (the link is up and both ends are alive).
    """
    state: dict[T, int] = {dest: 2}  # 1 = on the current walk, 2 = finished
    loop = hole = False
    for src in sources:
        if src in state:
            continue
        state[src] = 1
        stack = [(src, hops(src))]
        if not stack[-1][1]:
            hole = True
        while stack:
            node, todo = stack[-1]
            if not todo:
                state[node] = 2
                stack.pop()
                continue
            nxt = todo.pop()
            if not link_ok(node, nxt):
                hole = True
                continue
            s = state.get(nxt, 0)
            if s == 1:
                loop = True
            elif s == 0:
                state[nxt] = 1
                todo_next = hops(nxt)
                if not todo_next:
                    hole = True
                stack.append((nxt, todo_next))
        if loop and hole:
            break
    return loop, hole


def forwarding_faults(world: World, oracle: Oracle, dest: str) -> tuple[bool, bool]:
    """(some walk towards ``dest`` loops, some walk dead-ends) over all sources that can reach it."""
    if dest in world.down:
        return False, False
    return _walk(world, dest, (src for src in world.routers
                               if src != dest and src not in world.down and oracle.reachable(src, dest)))


def _hops(world: World, router: str, dest: str) -> list[str]:
    entry = world.fibs[router].get(dest)
    return list(entry.next_hops) if entry is not None else []


def _final_table(world: World, router: str, initial: Mapping[str, Mapping[str, Route]], grown: set[str],
                 seen: dict[int, bool]) -> Mapping[str, Route]:
    """A router's FIB at the end, in destination order.

    A FIB copied from a column table in destination order, and since then only changed or
    emptied entry by entry (never given a new destination: ``grown``), is still in order, so it
    is not re-sorted; one never touched at all is the (read-only) table itself.
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


def analyze(trace: Trace, graph: nx.Graph) -> RunMetrics:
    """Compute every figure of DESIGN §4.3 from ``trace`` (and the initial ``graph``).

    The cyclic garbage collector is paused meanwhile: the analysis makes no reference cycles,
    and after a large simulation each of its periodic full passes would walk millions of live
    simulation objects for nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _analyze(trace, graph)
    finally:
        if enabled:
            gc.enable()


def _analyze(trace: Trace, graph: nx.Graph) -> RunMetrics:
    tables0 = trace.initial_fibs or {}
    world = World.initial(graph, trace, lazy=True)
    judge = _Judge(world, tables0)

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
                judge.forwarding_all()
        if t == t_step:
            assert pending is not None
            for tc in pending.topology:
                world.apply_topology(tc)
            changed: set[tuple[str, str]] = set()
            for rc in pending.routes:
                world.apply_route(rc)
                changed.add((rc.router, rc.dest))
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
    seen: dict[int, bool] = {}
    final = {r: _final_table(world, r, tables0, grown, seen) for r in trace.routers}
    return RunMetrics(initial_convergence=initial, events=tuple(out), messages_total=int(msg_c[-1]),
                      bytes_total=int(msg_b[-1]), end_time=end, final_tables=final)
