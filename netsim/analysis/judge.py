"""Which FIB entries are wrong, and which destinations' forwarding loops or dead-ends, kept
current while a trace is replayed.

Two judges share one interface (``routes_changed``, ``topology_changed``, ``forwarding_all``,
``nbad``, ``loops``, ``holes``):

* :class:`ShortestPathJudge`, for the IGPs, is vectorised for scale: a 3,800-router network has
  14.5 M entries, and a topology change can change the verdict on any of them.  Each router's FIB
  is mirrored as a row of costs and a row of indices into that router's distinct next-hop
  tuples, so re-judging a router is a handful of numpy operations over the distance matrix
  (:class:`~netsim.analysis.oracle.shortest_paths.Distances`, itself updated only from the
  sources a change can affect), with exactly the arithmetic of ``Oracle.entry_ok``.
* :class:`ModelJudge` asks any :class:`~netsim.analysis.oracle.CorrectnessModel` for the correct
  tables after each topology change and compares entry by entry, with the FIBs read by name:
  for the protocols whose truth is not a shortest path (BGP, EIGRP).

Loops and black holes are found by walking the FIBs towards each destination
(:func:`walk_faults`), and only from routers holding a wrong entry for it: when every correct
entry leads strictly closer to the destination, a cycle must contain a wrong entry and a dead end
is one.  For shortest paths that holds when every link costs more than the cost tolerance
(checked: ``downhill``); a model's correct forwarding is loop-free by construction.  Between
topology changes both judges remember what each router's walk reached
(:mod:`netsim.analysis.walks`) and, after a FIB change, walk again only from the routers whose
walks passed through a changed entry: a failure on a large network corrects a destination's
wrong entries one router at a time, and each correction moves few walks.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

from netsim.analysis.oracle import CorrectnessModel, Tables
from netsim.analysis.oracle.shortest_paths import Distances, below_ceiling, prefix_distances, prefix_origins
from netsim.analysis.replay import World
from netsim.analysis.walks import ReachFacts, hop_id, walk_column
from netsim.numeric import EPS
from netsim.trace import Route

T = TypeVar("T", bound=Hashable)

#: A router with more changed entries than this at one instant is re-judged as a whole row.
ROW_BATCH = 64
#: Up to this many changed entries are mirrored element by element, more with index arrays (whose
#: set-up costs about as much as 30 element writes).
SCALAR_WRITES = 32


def walk_faults(targets: set[T] | frozenset[T], sources: Iterable[T], hops: Callable[[T], list[T]],
                link_ok: Callable[[T, T], bool]) -> tuple[bool, bool]:
    """Depth-first walks along the FIBs towards a destination from every source (all ECMP
    branches): (some walk revisits a router = a loop, some walk dead-ends = a black hole).

    ``targets`` are where a walk ends well (the destination router, or every router that
    originates the destination prefix); ``hops(r)`` lists ``r``'s next hops (empty: no entry);
    ``link_ok(a, b)`` says whether a packet can cross from ``a`` to ``b``.
    """
    state: dict[T, int] = dict.fromkeys(targets, 2)  # 1 = on the current walk, 2 = finished
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


class ShortestPathJudge:
    """The vectorised judge for shortest-path correctness (see the module docstring)."""

    #: Walk forwarding the original way (roots from whole columns, :func:`walk_faults` with a call
    #: per hop): the reference the tests hold :func:`walk_column` and the transposed verdicts to.
    reference: bool = False

    def __init__(self, world: World, initial: Mapping[str, Mapping[str, Route]], graph: object,
                 ceiling: float = np.inf) -> None:
        """``ceiling``: the path cost from which a destination is unreachable (RIP's infinity)."""
        self.world = world
        self.ceiling = ceiling
        n = len(world.routers)
        self.n = n
        self.index = {r: i for i, r in enumerate(world.routers)}
        self.names = world.routers
        self.origins = prefix_origins(graph)
        #: Destinations: the routers, then the prefixes routers originate.
        self.dests: tuple[str, ...] = tuple(world.routers) + tuple(self.origins)
        self.dindex = {d: j for j, d in enumerate(self.dests)}
        m = len(self.dests)
        self.cost = np.full((n, m), np.nan)
        self.choice = np.full((n, m), -1, dtype=np.int32)
        #: ``choice`` as a memoryview: ``view[i, j]`` is a plain int, read hop by hop in walks.
        self._choice_view = memoryview(self.choice)
        #: ``cost`` as a memoryview, for the same reason (read once per changed entry).
        self._cost_view = memoryview(self.cost)
        #: Per router: its distinct next-hop tuples as router indices (-1: not a router), and ids.
        self.hopsets: list[list[tuple[int, ...]]] = [[] for _ in range(n)]
        self.hopset_id: list[dict[tuple[str, ...], int]] = [{} for _ in range(n)]
        self.bad = np.zeros((n, m), dtype=bool)
        #: ``bad`` transposed (destination-major), kept in step: a walk's roots are one
        #: destination's wrong entries, a strided column of ``bad`` but a contiguous row here.
        self.bad_t = np.zeros((m, n), dtype=bool)
        self._bad_view, self._bad_t_view = memoryview(self.bad), memoryview(self.bad_t)
        self.nbad = 0
        self.down = np.zeros(n, dtype=bool)
        self._down_view = memoryview(self.down)
        self.loops: set[str] = set()
        self.holes: set[str] = set()
        self.track_forwarding = False
        #: Per destination column: what each router's walk reached, until the topology changes.
        self.reach_facts: dict[int, ReachFacts] = {}
        self.neighbours: list[np.ndarray] = self._static_neighbours()
        positions: dict[int, tuple[object, np.ndarray | slice | None]] = {}  # per shared destination list
        for r in world.routers:
            table = initial.get(r)
            if table is not None:
                self._load(self.index[r], table, positions)
        hint = np.where(self.choice[:, :n] >= 0, self.cost[:, :n], np.inf) if initial else None
        if hint is not None:
            np.fill_diagonal(hint, 0.0)
        self.dist = Distances(world.routers, world.links, world.down, hint=hint)
        del hint
        self._refresh_dest_dist()
        self.downhill = self._downhill()
        self._judge_all()

    # -- distances to every destination -----------------------------------------------------------
    def _refresh_dest_dist(self) -> None:
        """Router columns are the distance matrix itself; prefix columns follow from it; costs
        from the ceiling on are unreachable."""
        if self.origins:
            pd, local = prefix_distances(self.dist.dist, self.index, self.origins, self.world.down)
            self.dest_dist = np.ascontiguousarray(below_ceiling(np.hstack([self.dist.dist, pd]), self.ceiling))
            self.local = np.ascontiguousarray(np.hstack([np.zeros((self.n, self.n), dtype=bool), local]))
        else:
            self.dest_dist = np.ascontiguousarray(below_ceiling(self.dist.dist, self.ceiling))
            self.local = None
        #: Element views for :meth:`_entry_bad` (a memoryview reads one element as a Python
        #: number for less than ``ndarray.item``).
        self._dist_view = memoryview(self.dest_dist)
        self._local_view = None if self.local is None else memoryview(self.local)

    def _targets(self, j: int) -> set[int]:
        """Where a walk towards destination column ``j`` ends well."""
        if j < self.n:
            return {j}
        return {self.index[r] for r, _m in self.origins[self.dests[j]] if r not in self.world.down}

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
        return hop_id(self.hopset_id[i], self.hopsets[i], self.index, hops)

    def _load(self, i: int, table: Mapping[str, Route], positions: dict[int, tuple[object, np.ndarray | slice | None]]
              ) -> None:
        """Mirror router ``i``'s initial FIB; a column table (``FibTable``) without a Python loop
        (``positions`` caches where each shared destination list's names sit in the matrices)."""
        dests, choice = getattr(table, "dests", None), getattr(table, "choice", None)
        pos = None
        if dests is not None and choice is not None:
            hit = positions.get(id(dests))
            if hit is None or hit[0] is not dests:
                hit = positions[id(dests)] = (dests, self._positions(dests))
            pos = hit[1]
        if pos is not None:
            local = np.array([self._hop_id(i, hops) for hops in table.choices] + [-1], dtype=np.int32)
            self.choice[i, pos] = local[choice]  # choice -1 picks the trailing -1
            self.cost[i, pos] = np.where(choice >= 0, table.costs, np.nan)
            return
        for d, route in table.items():
            self._mirror(i, self.dindex[d], route)

    def _positions(self, dests: Sequence[str]) -> np.ndarray | slice | None:
        """Where the names ``dests`` sit among the matrices' columns (None: not all do); a slice
        when they are the columns themselves, in order (a row is then written, not scattered)."""
        if not all(d in self.dindex for d in dests):
            return None
        pos = np.fromiter((self.dindex[d] for d in dests), dtype=np.intp, count=len(dests))
        return slice(None) if len(pos) == len(self.dests) and np.array_equal(pos, np.arange(len(pos))) else pos

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
        extra = [m for orig in self.origins.values() for _r, m in orig]
        return not costs or min(costs) > EPS * max(1.0, float(sum(costs)) + float(sum(extra)))

    # -- judging ------------------------------------------------------------------------------------
    def _row_bad(self, i: int) -> np.ndarray:
        """Router ``i``'s incorrect entries: ``Oracle.entry_ok`` for a whole row at once."""
        m = len(self.dests)
        if self.down[i]:
            return np.zeros(m, dtype=bool)
        dist = self.dest_dist
        best = dist[i]
        tol = EPS * np.maximum(1.0, best)
        adj = self.dist.adj[i]
        hopsets = self.hopsets[i]
        ok = np.zeros((len(hopsets) + 1, m), dtype=bool)  # the last row serves "no entry" (-1)
        tight: dict[int, np.ndarray] = {}
        with np.errstate(invalid="ignore"):
            for h, hops in enumerate(hopsets):
                if not hops or any(x not in adj for x in hops):
                    continue
                acc = ok[h]
                acc[:] = True
                for x in hops:
                    t = tight.get(x)
                    if t is None:
                        t = tight[x] = np.abs(adj[x] + dist[x] - best) <= tol
                    acc &= t
            ch = self.choice[i]
            has = ch >= 0
            good = has & (np.abs(self.cost[i] - best) <= tol) & ok[ch, np.arange(m)]
        reach = np.isfinite(best)
        reach[: self.n] &= ~self.down
        if self.local is not None:
            reach &= ~self.local[i]
        bad = np.where(reach, ~good, has)
        bad[i] = False
        return bad

    def _entry_bad(self, i: int, j: int) -> bool:
        """One entry: the scalar twin of :meth:`_row_bad` (same arithmetic as ``Oracle.entry_ok``),
        reading array elements as Python numbers (through memoryviews): it runs once per changed
        entry."""
        down = self._down_view
        if i == j or down[i]:
            return False
        dist = self._dist_view
        best = dist[i, j]
        h = self._choice_view[i, j]
        local = self._local_view is not None and self._local_view[i, j]
        if (j < self.n and down[j]) or local or not math.isfinite(best):
            return h >= 0
        if h < 0:
            return True
        hops = self.hopsets[i][h]
        tol = EPS * (best if best > 1.0 else 1.0)
        if not hops or abs(self._cost_view[i, j] - best) > tol:
            return True
        adj = self.dist.adj[i]
        for x in hops:
            c = adj.get(x)
            if c is None or abs(c + dist[x, j] - best) > tol:
                return True
        return False

    def _judge_all(self) -> None:
        """Every row, then ``bad_t`` in one transpose (not element by element)."""
        for i in range(self.n):
            self.bad[i] = self._row_bad(i)
        self.nbad = int(np.count_nonzero(self.bad))
        self.bad_t = np.ascontiguousarray(self.bad.T)
        self._bad_t_view = memoryview(self.bad_t)

    def _check_rows(self, rows: Iterable[int]) -> None:
        for i in rows:
            new = self._row_bad(i)
            flipped = np.flatnonzero(new != self.bad[i])
            if len(flipped):
                self.nbad += int(np.count_nonzero(new[flipped])) * 2 - len(flipped)
                self.bad[i] = new
                self.bad_t[flipped, i] = new[flipped]

    def _check_pairs(self, pairs: Iterable[tuple[int, int]]) -> None:
        bad, bad_t, entry_bad = self._bad_view, self._bad_t_view, self._entry_bad
        for i, j in pairs:
            new = entry_bad(i, j)
            if new != bad[i, j]:
                bad[i, j] = bad_t[j, i] = new
                self.nbad += 1 if new else -1

    # -- replay steps -----------------------------------------------------------------------------
    def routes_changed(self, pairs: Collection[tuple[str, str]]) -> None:
        """Entries changed (already applied to the world) with no topology change at this instant."""
        ij = self._sync(pairs)
        if len(ij) <= ROW_BATCH:  # no row can be busy: most instants change a few entries
            self._check_pairs(ij)
        else:
            per_row = Counter(i for i, _ in ij)
            busy = {i for i, k in per_row.items() if k > ROW_BATCH}  # e.g. FIBs logged entry by entry at t=0
            self._check_rows(sorted(busy))
            self._check_pairs(p for p in ij if p[0] not in busy)
        if self.track_forwarding:
            per_dest: dict[int, list[int]] = {}
            for i, j in ij:
                per_dest.setdefault(j, []).append(i)
            for j in sorted(per_dest):
                self._forwarding(j, per_dest[j])

    def topology_changed(self, pairs: Collection[tuple[str, str]]) -> None:
        """The world's topology changed (and maybe some entries, already applied): re-judge every
        router whose entries the change can affect, then every destination's forwarding."""
        w = self.world
        self.reach_facts = {}  # links and walk ends may have changed: nothing remembered holds
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
        if self.origins and (len(changed) or was_down.any() or self.down.any()):
            rows.update(range(self.n))  # prefix distances may move for anyone
        self._refresh_dest_dist()
        self.downhill = self._downhill()
        self._check_rows(sorted(rows))
        self._check_pairs(p for p in ij if p[0] not in rows)
        if self.track_forwarding:
            self.forwarding_all()

    def _sync(self, pairs: Collection[tuple[str, str]]) -> list[tuple[int, int]]:
        """Mirror the changed entries; their (router, destination) indices.

        The arrays are written once for all pairs: a cold start installs every FIB at one
        instant (160 k entries on a 400-router network), so the loop does only lookups."""
        out: list[tuple[int, int]] = []
        costs: list[float] = []
        hop_ids: list[int] = []
        fibs, down, index, dindex, ids_of = self.world.fibs, self.world.down, self.index, self.dindex, self.hopset_id
        nan = float("nan")
        for r, d in pairs:
            i, j = index[r], dindex[d]
            out.append((i, j))
            route = None if r in down else fibs[r].get(d)
            if route is None:
                costs.append(nan)
                hop_ids.append(-1)
            else:
                costs.append(route.cost)
                h = ids_of[i].get(route.next_hops)
                hop_ids.append(self._hop_id(i, route.next_hops) if h is None else h)
        if len(out) > SCALAR_WRITES:
            rows, cols = np.array(out, dtype=np.intp).T
            self.cost[rows, cols] = costs
            self.choice[rows, cols] = hop_ids
        else:  # a few entries: element writes cost less than building index arrays
            cost, choice = self._cost_view, self._choice_view
            for (i, j), c, h in zip(out, costs, hop_ids, strict=True):
                cost[i, j] = c
                choice[i, j] = h
        return out

    # -- forwarding (loops and black holes) --------------------------------------------------------
    def forwarding_all(self) -> None:
        """Every destination's forwarding faults; only destinations with an incorrect entry can
        have any (see :meth:`_roots_idx`), which one vectorised pass finds."""
        self.loops, self.holes = set(), set()
        self.reach_facts = {}
        cols = np.flatnonzero(self.bad_t.any(axis=1)) if self.downhill else range(len(self.dests))
        for j in cols:
            self._forwarding(int(j))

    def _roots_idx(self, j: int) -> list[int]:
        """Sources whose walks towards ``j`` can reveal every loop and dead end (module docstring);
        without ``downhill``, every router that can reach the destination.

        With ``downhill`` only the routers holding a wrong entry for ``j`` are looked at (a row of
        ``bad_t``), not the whole column of every matrix."""
        if self.downhill and not self.reference:
            if j < self.n and self.down[j]:
                return []
            cand = np.flatnonzero(self.bad_t[j])  # never j itself: a router's own column is never wrong
            keep = np.isfinite(self.dest_dist[cand, j]) & ~self.down[cand]
            if j >= self.n and self.local is not None:
                keep &= ~self.local[cand, j]
            return cand[keep].tolist()
        reach = np.isfinite(self.dest_dist[:, j]) & ~self.down
        if j < self.n:
            if self.down[j]:
                return []
            reach[j] = False
        elif self.local is not None:
            reach &= ~self.local[:, j]
        sel = reach & self.bad[:, j] if self.downhill else reach
        return np.flatnonzero(sel).tolist()

    def _forwarding(self, j: int, changed: list[int] | None = None) -> None:
        """Re-judge destination ``j``'s forwarding: afresh, or (``changed``: the routers whose
        entries for it just changed, topology unchanged) walking again only where it can differ."""
        dest = self.dests[j]
        if self.reference:
            loop, hole = self._walk_reference(j)
        elif changed is None:
            loop, hole = walk_column(self.n, self._targets(j), self._roots_idx(j), self._choice_view, j,
                                     self.hopsets, self.dist.adj)
        else:
            loop, hole = self._walk_known(j, changed)
        (self.loops.add if loop else self.loops.discard)(dest)
        (self.holes.add if hole else self.holes.discard)(dest)

    def _walk_known(self, j: int, changed: list[int]) -> tuple[bool, bool]:
        """The verdict of the walks from the roots, reusing what earlier walks towards ``j`` found
        where no changed entry lies on the way (:class:`~netsim.analysis.walks.ReachFacts`).

        Without a topology change, an entry's verdict, and so whether its router is a root,
        changes only where the entry does: the roots are updated at the changed routers alone."""
        known = self.reach_facts.get(j)
        if known is None:
            roots = self._roots_idx(j)
            if not roots:
                return False, False
            known = self.reach_facts[j] = ReachFacts(roots)
        else:
            known.update(changed, lambda i: self._is_root(i, j))
            if not known.roots:
                del self.reach_facts[j]  # nothing to walk: no memory kept for it
                return False, False
        return known.verdict(self._targets(j), self._choice_view, j, self.hopsets, self.dist.adj)

    def _is_root(self, i: int, j: int) -> bool:
        """Whether router ``i`` is one of :meth:`_roots_idx` for ``j``."""
        if (j < self.n and (self.down[j] or i == j)) or self.down[i] or not np.isfinite(self.dest_dist[i, j]):
            return False
        if j >= self.n and self.local is not None and self.local[i, j]:
            return False
        return bool(self.bad_t[j, i]) if self.downhill else True

    def _walk_reference(self, j: int) -> tuple[bool, bool]:
        """The original walk: the whole column as a list, a call per hop and per link."""
        col, hopsets, adj = self.choice[:, j].tolist(), self.hopsets, self.dist.adj

        def hops(i: int) -> list[int]:
            h = col[i]
            return list(hopsets[i][h]) if h >= 0 else []

        return walk_faults(self._targets(j), self._roots_idx(j), hops, lambda a, b: b in adj[a])


class FibChoices:
    """The replayed FIBs as the walks of :mod:`netsim.analysis.walks` read them:
    ``self[router index, destination name]`` is the index of the router's next hops in
    ``hopsets[router index]`` (-1: no entry, or the router is down), next hops given as router
    indices (-1: not a router).  Distinct next-hop tuples are numbered as they are first met."""

    __slots__ = ("world", "names", "index", "hopsets", "_ids")

    def __init__(self, world: World) -> None:
        self.world = world
        self.names: tuple[str, ...] = tuple(world.routers)
        self.index = {r: i for i, r in enumerate(self.names)}
        self.hopsets: list[list[tuple[int, ...]]] = [[] for _ in self.names]
        self._ids: list[dict[tuple[str, ...], int]] = [{} for _ in self.names]

    def __getitem__(self, key: tuple[int, str]) -> int:
        i, dest = key
        name = self.names[i]
        world = self.world
        if name in world.down:
            return -1
        route = world.fibs[name].get(dest)
        if route is None:
            return -1
        return hop_id(self._ids[i], self.hopsets[i], self.index, route.next_hops)

    def usable(self) -> list[set[int]]:
        """Per router index, the neighbours a packet can cross to now (link up, both ends up)."""
        world, index = self.world, self.index
        adj: list[set[int]] = [set() for _ in self.names]
        for a, b in world.links:
            if world.link_up(a, b):
                adj[index[a]].add(index[b])
                adj[index[b]].add(index[a])
        return adj


class ModelJudge:
    """Entry-by-entry judging against any correctness model (see the module docstring)."""

    #: Walk forwarding the original way (every root afresh after every change, by name, with
    #: :func:`walk_faults`): the reference the tests hold the remembered walks to.
    reference: bool = False

    def __init__(self, world: World, initial: Mapping[str, Mapping[str, Route]],
                 model: CorrectnessModel | None, unjudged: str | None = None, graph: object = None) -> None:
        """``model`` None (with the reason in ``unjudged``): nothing can be judged correct, and
        forwarding is walked from every router towards every destination."""
        self.world = world
        self.model = model
        self.unjudged = unjudged
        self.expected: Tables = {}
        self.bad: set[tuple[str, str]] = set()
        #: The same wrong entries by destination (destination -> routers), kept with ``bad``:
        #: a destination's walks start from its wrong routers, and finding them by scanning
        #: ``bad`` at every change made judging quadratic -- minutes after a 500-router BGP
        #: cold start, where most entries are wrong for a while, for one second of simulation.
        self._wrong: dict[str, set[str]] = {}
        self.loops: set[str] = set()
        self.holes: set[str] = set()
        self.track_forwarding = False
        self._routers = set(world.routers)
        self.origins = prefix_origins(model.graph if model is not None else graph)
        #: The FIBs by router index, the usable links and, per destination, where its walks end
        #: and what each walked router's walk reached (:class:`ReachFacts`), until the topology
        #: changes: a BGP transient changes ~100 k entries, and re-walking every wrong router of a
        #: destination after each one cost 54 s of analysis for 9 s of simulation (500 routers).
        self._choices = FibChoices(world)
        self._adj: list[set[int]] = []
        self._targets: dict[str, set[int]] = {}
        self._facts: dict[str, ReachFacts] = {}
        self._reexpect()

    @property
    def nbad(self) -> int:
        return len(self.bad) if self.model is not None else 1

    def _reexpect(self) -> None:
        self.bad = set()
        self._wrong = {}
        self._adj = self._choices.usable()
        self._targets = {}
        self._facts = {}
        if self.model is None:
            self.expected = {}
            return
        self.expected = self.model.tables(self.world.state())
        for r in self.world.routers:
            if r in self.world.down:
                continue
            want, have = self.expected.get(r, {}), self.world.fibs[r]
            for d in set(want) | set(have):
                if not self._ok(r, d):
                    self._mark_wrong(r, d)

    def _ok(self, router: str, dest: str) -> bool:
        if router in self.world.down:
            return True
        want = self.expected.get(router, {}).get(dest)
        have = self.world.fibs[router].get(dest)
        return have is None if want is None else want.accepts(have)

    def _mark_wrong(self, router: str, dest: str) -> None:
        self.bad.add((router, dest))
        wrong = self._wrong.get(dest)
        if wrong is None:
            wrong = self._wrong[dest] = set()
        wrong.add(router)

    def _mark_right(self, router: str, dest: str) -> None:
        self.bad.discard((router, dest))
        wrong = self._wrong.get(dest)
        if wrong is not None:
            wrong.discard(router)
            if not wrong:
                del self._wrong[dest]

    def routes_changed(self, pairs: Collection[tuple[str, str]]) -> None:
        if self.model is not None:
            for r, d in pairs:
                (self._mark_right if self._ok(r, d) else self._mark_wrong)(r, d)
        if self.track_forwarding:
            per_dest: dict[str, list[str]] = {}
            for r, d in pairs:
                per_dest.setdefault(d, []).append(r)
            for d in sorted(per_dest):
                self._forwarding(d, per_dest[d])

    def topology_changed(self, pairs: Collection[tuple[str, str]]) -> None:
        self._reexpect()
        if self.track_forwarding:
            self.forwarding_all()

    def forwarding_all(self) -> None:
        self.loops, self.holes = set(), set()
        self._facts = {}
        dests = sorted(self._wrong) if self.model is not None else sorted({*self.world.routers, *self.origins})
        for d in dests:
            self._forwarding(d)

    def _walk_ends(self, dest: str) -> set[int]:
        """Where a walk towards ``dest`` ends well: the destination router, or the routers up
        that originate the destination prefix."""
        ends = self._targets.get(dest)
        if ends is None:
            world, index = self.world, self._choices.index
            names = [dest] if dest in self._routers else [r for r, _m in self.origins.get(dest, ())
                                                          if r not in world.down]
            ends = self._targets[dest] = {index[r] for r in names}
        return ends

    def _is_root(self, router: str, dest: str, ends: set[int]) -> bool:
        """Whether a walk towards ``dest`` starts at ``router``: a wrong entry for it (any entry,
        without a model) at a router that is up and is not where the walks end."""
        if router in self.world.down or self._choices.index[router] in ends:
            return False
        if self.model is None:
            return dest in self.world.fibs[router]
        return router in self._wrong.get(dest, ()) and dest in self.expected.get(router, {})

    def _roots(self, dest: str, ends: set[int]) -> list[str]:
        """Every router a walk towards ``dest`` starts from (:meth:`_is_root`)."""
        candidates = self.world.routers if self.model is None else self._wrong.get(dest, ())
        return [r for r in candidates if self._is_root(r, dest, ends)]

    def _forwarding(self, dest: str, changed: Iterable[str] | None = None) -> None:
        """Re-judge ``dest``'s forwarding: afresh, or (``changed``: the routers whose entries for
        it just changed, topology unchanged) walking again only where a walk can have moved."""
        ends = self._walk_ends(dest)
        loop, hole = self._walk_reference(dest, ends) if self.reference else self._walk_known(dest, ends, changed)
        (self.loops.add if loop else self.loops.discard)(dest)
        (self.holes.add if hole else self.holes.discard)(dest)

    def _walk_known(self, dest: str, ends: set[int], changed: Iterable[str] | None) -> tuple[bool, bool]:
        """The verdict of the walks from the roots, reusing what earlier walks towards ``dest``
        found where no changed entry lies on the way (as the shortest-path judge's
        :meth:`~ShortestPathJudge._walk_known`)."""
        index, names = self._choices.index, self._choices.names
        known = self._facts.get(dest) if changed is not None else None
        if known is None:
            roots = [index[r] for r in self._roots(dest, ends)]
            known = ReachFacts(roots) if roots else None
        else:
            known.update([index[r] for r in changed], lambda i: self._is_root(names[i], dest, ends))
            if not known.roots:
                known = None
        if known is None:
            self._facts.pop(dest, None)  # nothing to walk: no memory kept for it
            return False, False
        self._facts[dest] = known
        return known.verdict(ends, self._choices, dest, self._choices.hopsets, self._adj)

    def _walk_reference(self, dest: str, ends: set[int]) -> tuple[bool, bool]:
        """The original walk: every root's, by router name, a call per hop and per link."""
        world, names = self.world, self._choices.names
        roots = sorted(self._roots(dest, ends))
        fibs = world.fibs

        def hops(r: str) -> list[str]:
            if r in world.down:
                return []
            entry = fibs[r].get(dest)
            return list(entry.next_hops) if entry is not None else []

        return walk_faults({names[i] for i in ends}, roots, hops, world.link_up)


def forwarding_faults(world: World, oracle: Any, dest: str) -> tuple[bool, bool]:
    """The exhaustive reference for one destination: walks from *every* router that can reach it
    (slow; the judges walk from wrong entries only, and the tests hold them to this)."""
    if dest in world.down:
        return False, False
    origins = getattr(oracle, "origins", {})
    targets = {dest} if dest in oracle.index else {r for r, _m in origins.get(dest, ()) if r not in world.down}
    sources = [r for r in world.routers if r not in world.down and r not in targets and oracle.reachable(r, dest)]
    fibs = world.fibs

    def hops(r: str) -> list[str]:
        entry = fibs[r].get(dest)
        return list(entry.next_hops) if entry is not None else []

    return walk_faults(targets, sources, hops, world.link_up)
