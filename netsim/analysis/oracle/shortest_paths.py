"""Shortest paths on the physical topology: the truth FIBs are judged against.

For tests and observer metrics only; protocols never import this module (DESIGN §2.4).
Distances come from scipy's compiled Dijkstra, so judging a network of a few hundred routers
after every topology change stays cheap.  :class:`Distances` keeps the all-pairs matrix of a
network of thousands of routers current across a run: after a change it re-runs Dijkstra only
from the sources whose shortest-path DAG the change can touch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra, shortest_path

from netsim.trace import Route

EPS = 1e-9
#: Deliberately much looser than EPS: a source whose distances a change comes even close to
#: touching is recomputed (being conservative costs only time, never correctness).
SLACK = 1e-6
#: Above this fraction of sources to recompute, one all-pairs run is cheaper than the bookkeeping.
FULL_FRACTION = 0.75


class Oracle:
    """All-pairs shortest-path costs for one topology state.

    ``links`` maps (a, b) to (cost, up); ``down`` is the set of crashed routers.  A down router,
    or a link that is down, carries no traffic.
    """

    def __init__(self, routers: Iterable[str], links: Mapping[tuple[str, str], tuple[float, bool]],
                 down: Iterable[str] = ()) -> None:
        self.routers = list(routers)
        self.index = {r: i for i, r in enumerate(self.routers)}
        self.down = set(down)
        n = len(self.routers)
        self.adj: dict[str, dict[str, float]] = {r: {} for r in self.routers}
        rows, cols, vals = [], [], []
        for (a, b), (cost, up) in links.items():
            if not up or a in self.down or b in self.down:
                continue
            self.adj[a][b] = cost
            self.adj[b][a] = cost
            ia, ib = self.index[a], self.index[b]
            rows += [ia, ib]
            cols += [ib, ia]
            vals += [float(cost), float(cost)]
        graph = csr_matrix((vals, (rows, cols)), shape=(n, n))
        self.dist = shortest_path(graph, method="D", directed=True) if n else np.zeros((0, 0))

    def cost(self, src: str, dst: str) -> float:
        return float(self.dist[self.index[src], self.index[dst]])

    def reachable(self, src: str, dst: str) -> bool:
        if src in self.down or dst in self.down:
            return False
        return bool(np.isfinite(self.dist[self.index[src], self.index[dst]]))

    def next_hops(self, src: str, dst: str) -> tuple[str, ...]:
        """Every neighbour that starts a shortest path (ECMP set)."""
        if not self.reachable(src, dst) or src == dst:
            return ()
        d = self.dist[:, self.index[dst]]
        best = d[self.index[src]]
        return tuple(sorted(n for n, c in self.adj[src].items()
                            if abs(c + d[self.index[n]] - best) <= EPS * max(1.0, best)))

    def entry_ok(self, src: str, dst: str, route: Route | None) -> bool:
        """DESIGN §4.3: right cost, next hops a non-empty subset of the shortest-path ones, and
        no entry at all for an unreachable destination."""
        i, j = self.index[src], self.index[dst]
        best = self.dist[i, j]
        if src in self.down or dst in self.down or not np.isfinite(best):
            return route is None
        if route is None or not route.next_hops:
            return False
        if abs(route.cost - best) > EPS * max(1.0, best):
            return False
        col = self.dist[:, j]
        adj = self.adj[src]
        for n in route.next_hops:
            c = adj.get(n)
            if c is None or abs(c + col[self.index[n]] - best) > EPS * max(1.0, best):
                return False
        return True

    def expected_table(self, src: str) -> dict[str, Route]:
        """The correct FIB of ``src`` (all equal-cost next hops)."""
        if src in self.down:
            return {}
        out = {}
        for dst in self.routers:
            if dst != src and self.reachable(src, dst):
                out[dst] = Route(self.next_hops(src, dst), _clean(self.cost(src, dst)))
        return out


def _clean(x: float) -> float:
    return int(x) if float(x).is_integer() else x


class Distances:
    """All-pairs shortest-path costs of a network whose links and nodes change state during a run.

    Why not a fresh :class:`Oracle` per change: on 3,800 routers an all-pairs Dijkstra takes
    seconds, while one link failure changes the distances of only the sources whose shortest-path
    DAG uses that link.  :meth:`update` finds those sources from the old matrix (with a generous
    tolerance, so the set is a superset) and re-runs Dijkstra from them alone.  A source's row is
    computed by the same scipy routine either way, so the matrix is bitwise the one
    ``Oracle(routers, links, down).dist`` would hold.  For observers only, like :class:`Oracle`.
    """

    def __init__(self, routers: Iterable[str], links: Mapping[tuple[str, str], tuple[float, bool]],
                 down: Iterable[str] = (), hint: np.ndarray | None = None) -> None:
        """``hint``, if given, is a matrix claimed to be the answer (e.g. the costs of FIBs a run
        was started with); it is used only when :func:`bellman_certified` proves it exact."""
        self.routers = list(routers)
        self.index = {r: i for i, r in enumerate(self.routers)}
        self.n = len(self.routers)
        self.usable, self.adj = self._edges(links, set(down))
        if hint is not None and bellman_certified(hint, self.adj):
            self.dist = hint
        else:
            self.dist = self._all_pairs()
        #: Full all-pairs runs and single-source runs so far (for benchmarks and tests).
        self.full_runs = 0 if hint is not None and self.dist is hint else 1
        self.source_runs = 0

    def _edges(self, links: Mapping[tuple[str, str], tuple[float, bool]], down: set[str]
               ) -> tuple[dict[tuple[int, int], float], list[dict[int, float]]]:
        """Usable links (up, both ends up) as index pairs in ``links`` order, and adjacency."""
        usable: dict[tuple[int, int], float] = {}
        adj: list[dict[int, float]] = [{} for _ in range(self.n)]
        index = self.index
        for (a, b), (cost, up) in links.items():
            if not up or a in down or b in down:
                continue
            ia, ib = index[a], index[b]
            usable[(ia, ib)] = cost
            adj[ia][ib] = cost
            adj[ib][ia] = cost
        return usable, adj

    def _matrix(self) -> csr_matrix:
        """The directed sparse graph, built exactly as :class:`Oracle` builds it."""
        rows, cols, vals = [], [], []
        for (ia, ib), cost in self.usable.items():
            rows += [ia, ib]
            cols += [ib, ia]
            vals += [float(cost), float(cost)]
        return csr_matrix((vals, (rows, cols)), shape=(self.n, self.n))

    def _all_pairs(self) -> np.ndarray:
        return shortest_path(self._matrix(), method="D", directed=True) if self.n else np.zeros((0, 0))

    def update(self, links: Mapping[tuple[str, str], tuple[float, bool]], down: Iterable[str]) -> np.ndarray:
        """Bring the matrix to the new topology; return the (sorted) rows whose distances changed."""
        usable, adj = self._edges(links, set(down))
        inf = float("inf")
        worse: list[tuple[int, int, float]] = []
        better: list[tuple[int, int, float]] = []
        for key in self.usable.keys() | usable.keys():
            c0, c1 = self.usable.get(key, inf), usable.get(key, inf)
            if c1 > c0:
                worse.append((*key, c0))
            elif c1 < c0:
                better.append((*key, c1))
        self.usable, self.adj = usable, adj
        if not worse and not better:
            return np.zeros(0, dtype=np.intp)
        old = self.dist
        # Sources whose distances may change: an edge that got worse was tight in their DAG, or an
        # edge that got better is (nearly) a shortcut for them.  Both tests read the old matrix:
        # a source that passes neither keeps its old row through the worse edges, and the better
        # edges cannot improve that row (DESIGN: positive costs).
        touched = np.zeros(self.n, dtype=bool)
        with np.errstate(invalid="ignore"):
            for a, b, c in worse + better:
                da, db = old[:, a], old[:, b]
                touched |= (da + c <= db + SLACK * np.maximum(1.0, db)) & np.isfinite(da)
                touched |= (db + c <= da + SLACK * np.maximum(1.0, da)) & np.isfinite(db)
        rows = np.flatnonzero(touched)
        if len(rows) > FULL_FRACTION * self.n:
            self.dist = self._all_pairs()
            self.full_runs += 1
            return np.flatnonzero(np.any(self.dist != old, axis=1))
        if not len(rows):
            return rows
        fresh = dijkstra(self._matrix(), directed=True, indices=rows)
        self.source_runs += len(rows)
        changed = rows[np.any(fresh != old[rows], axis=1)]
        old[rows] = fresh
        return changed

    def reachable(self, i: int, j: int) -> bool:
        return bool(np.isfinite(self.dist[i, j]))


def bellman_certified(cand: np.ndarray, adj: list[dict[int, float]]) -> bool:
    """Whether ``cand`` provably is the all-pairs shortest-path matrix of the graph ``adj``.

    Why: checking a claimed answer costs one pass over the links per source, ~40 times less than
    Dijkstra from every source on a sparse 3,800-router network.  The proof: with positive link
    costs the Bellman equations ``x[s,s] = 0`` and ``x[s,d] = min over neighbours n of
    c(s,n) + x[n,d]`` (s != d) have exactly one solution, the distance matrix (inf where
    unreachable).  The check is exact only in exact arithmetic, so it is attempted only when every
    link cost and every finite candidate value is an integer below 2**52 (sums of such floats are
    exact, and equal to what Dijkstra computes); otherwise the answer is "not certified".
    """
    n = len(adj)
    if cand.shape != (n, n) or cand.dtype != np.float64:
        return False
    costs = [c for nb in adj for c in nb.values()]
    if any(not (float(c).is_integer() and 0 < c < 2**52) for c in costs):
        return False
    if np.any(np.diagonal(cand) != 0):
        return False
    for lo in range(0, n, 256):  # in blocks: no full-size temporaries
        blk = cand[lo:lo + 256]
        exact = (blk == np.floor(blk)) & (blk >= 0) & ((blk < 2**52) | (blk == np.inf))  # NaN fails
        if not exact.all():
            return False
    best = np.empty(n)
    for s, nb in enumerate(adj):
        best.fill(np.inf)
        for m, c in nb.items():
            np.minimum(best, cand[m] + c, out=best)
        best[s] = 0.0
        if not np.array_equal(best, cand[s]):
            return False
    return True
