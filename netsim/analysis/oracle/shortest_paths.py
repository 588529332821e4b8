"""Shortest paths on the physical topology: the truth IGP FIBs are judged against.

For tests and observer metrics only; protocols never import this module.  Costs are directed
(a link may cost more one way than the other), so every matrix here is indexed [from, to].
Destinations are the routers (each router's loopback, named after it) and the prefixes routers
originate (graph node attribute ``prefixes`` = ((prefix, metric), ...)): a prefix is reached
through its nearest originators, at their distance plus the prefix metric, and a router that
originates a prefix itself has no FIB entry for it (the route is local).

Distances come from scipy's compiled Dijkstra, so judging a network of a few hundred routers
after every topology change stays cheap.  :class:`Distances` keeps the all-pairs matrix of a
network of thousands of routers current across a run: after a change it re-runs Dijkstra only
from the sources whose shortest-path DAG the change can touch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from netsim.analysis.oracle import CorrectnessModel, Expected, LinkState, NetworkState, Tables, register_model
from netsim.numeric import EPS, SLACK
from netsim.paths import distances
from netsim.trace import Route

Origins = Mapping[str, tuple[tuple[str, float], ...]]

#: Above this fraction of sources to recompute, one all-pairs run is cheaper than the bookkeeping.
FULL_FRACTION = 0.75


def prefix_origins(graph: Any) -> dict[str, tuple[tuple[str, float], ...]]:
    """Prefix -> its originators ((router, metric), ...), from the graph's node attributes."""
    out: dict[str, list[tuple[str, float]]] = {}
    for n, data in graph.nodes(data=True):
        for dest, metric in data.get("prefixes", ()):
            out.setdefault(dest, []).append((str(n), float(metric)))
    return {d: tuple(sorted(v)) for d, v in sorted(out.items())}


def edge_distances(n: int, usable: Mapping[tuple[int, int], float], sources: Any = None,
                   known: Callable[[int], np.ndarray | None] | None = None) -> np.ndarray:
    """Distances over the usable directed edges (index pairs -> cost), from ``sources`` (default
    all); ``known(v)``: v's current row if known (see :func:`netsim.paths.distances`)."""
    rows = [a for a, _b in usable]
    cols = [b for _a, b in usable]
    vals = [float(c) for c in usable.values()]
    return distances(n, rows, cols, vals, sources, known)


def usable_edges(index: Mapping[str, int], links: Mapping[tuple[str, str], LinkState], down: set[str] | frozenset[str]
                 ) -> dict[tuple[int, int], float]:
    """Directed edges that can carry traffic (link up, both ends up), in ``links`` order."""
    usable: dict[tuple[int, int], float] = {}
    for (a, b), st in links.items():
        if not st.up or a in down or b in down:
            continue
        ia, ib = index[a], index[b]
        usable[(ia, ib)] = st.cost_ab
        usable[(ib, ia)] = st.cost_ba
    return usable


def prefix_distances(dist: np.ndarray, index: Mapping[str, int], origins: Origins,
                     down: set[str] | frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """Distances from every router to every prefix (columns in ``origins`` order), and the mask
    of (router, prefix) pairs where the router originates the prefix itself (local: no entry)."""
    n = dist.shape[0]
    out = np.full((n, len(origins)), np.inf)
    local = np.zeros((n, len(origins)), dtype=bool)
    for k, (_dest, orig) in enumerate(origins.items()):
        for router, metric in orig:
            if router in down:
                continue
            i = index[router]
            np.minimum(out[:, k], dist[:, i] + metric, out=out[:, k])
            local[i, k] = True
    return out, local


def below_ceiling(dist: np.ndarray, ceiling: float) -> np.ndarray:
    """``dist`` with every cost at or above ``ceiling`` made infinite (unreachable); ``dist``
    itself when nothing reaches it (no copy: an all-pairs matrix can be large)."""
    if not np.isfinite(ceiling):
        return dist
    with np.errstate(invalid="ignore"):
        beyond = dist >= ceiling
    return np.where(beyond, np.inf, dist) if beyond.any() else dist


class Oracle:
    """All-pairs shortest-path costs for one topology state (directed costs, prefixes)."""

    def __init__(self, routers: Iterable[str], links: Mapping[tuple[str, str], LinkState],
                 down: Iterable[str] = (), origins: Origins | None = None, ceiling: float = np.inf) -> None:
        """``ceiling``: the cost from which a destination counts as unreachable (RIP's infinity)."""
        self.routers = list(routers)
        self.index = {r: i for i, r in enumerate(self.routers)}
        self.down = set(down)
        self.origins = dict(origins or {})
        n = len(self.routers)
        usable = usable_edges(self.index, links, self.down)
        self.adj: dict[str, dict[str, float]] = {r: {} for r in self.routers}
        for (ia, ib), c in usable.items():
            self.adj[self.routers[ia]][self.routers[ib]] = c
        self.dist = edge_distances(n, usable)
        self.prefix_index = {d: n + k for k, d in enumerate(self.origins)}
        pd, self.local = prefix_distances(self.dist, self.index, self.origins, self.down)
        #: Distances to every destination: routers first, then prefixes (inf from the ceiling on).
        self.dest_dist = below_ceiling(np.hstack([self.dist, pd]) if self.origins else self.dist, ceiling)

    @property
    def destinations(self) -> list[str]:
        return self.routers + list(self.origins)

    def _col(self, dst: str) -> int:
        j = self.index.get(dst)
        return j if j is not None else self.prefix_index[dst]

    def _is_local(self, src: str, dst: str) -> bool:
        if src == dst:
            return True
        k = self.prefix_index.get(dst)
        return k is not None and bool(self.local[self.index[src], k - len(self.routers)])

    def cost(self, src: str, dst: str) -> float:
        return float(self.dest_dist[self.index[src], self._col(dst)])

    def reachable(self, src: str, dst: str) -> bool:
        if src in self.down or dst in self.down:
            return False
        return bool(np.isfinite(self.dest_dist[self.index[src], self._col(dst)]))

    def next_hops(self, src: str, dst: str) -> tuple[str, ...]:
        """Every neighbour that starts a shortest path (ECMP set)."""
        if not self.reachable(src, dst) or self._is_local(src, dst):
            return ()
        d = self.dest_dist[:, self._col(dst)]
        best = d[self.index[src]]
        return tuple(sorted(n for n, c in self.adj[src].items()
                            if abs(c + d[self.index[n]] - best) <= EPS * max(1.0, best)))

    def expected(self, src: str, dst: str) -> Expected | None:
        """The correct entry of ``src`` for ``dst``, or None when it must have none."""
        if src in self.down or self._is_local(src, dst) or not self.reachable(src, dst):
            return None
        return Expected(self.cost(src, dst), frozenset(self.next_hops(src, dst)))

    def entry_ok(self, src: str, dst: str, route: Route | None) -> bool:
        """Right cost, next hops a non-empty subset of the shortest-path ones, and no entry at
        all for an unreachable (or local) destination."""
        want = self.expected(src, dst)
        return route is None if want is None else want.accepts(route)

    def expected_table(self, src: str) -> dict[str, Route]:
        """The correct FIB of ``src`` (all equal-cost next hops)."""
        out = {}
        for dst in self.destinations:
            want = self.expected(src, dst)
            if want is not None:
                out[dst] = want.as_route()
        return out


@register_model
class ShortestPaths(CorrectnessModel):
    """Shortest paths on the link costs (with ECMP): the IGPs' correct tables."""

    name = "shortest_paths"
    describes = "shortest paths"
    #: The path cost from which a destination is unreachable (none for a plain IGP).
    ceiling: float = np.inf

    def __init__(self, graph: Any, options: Mapping[str, Any]) -> None:
        super().__init__(graph, options)
        self.routers = sorted(str(n) for n in graph.nodes)
        self.origins = prefix_origins(graph)

    def oracle(self, state: NetworkState) -> Oracle:
        return Oracle(self.routers, state.links, state.down, self.origins, self.ceiling)

    def tables(self, state: NetworkState) -> Tables:
        o = self.oracle(state)
        out: Tables = {}
        for r in self.routers:
            if r in state.down:
                continue
            out[r] = {d: e for d in o.destinations if (e := o.expected(r, d)) is not None}
        return out


@register_model
class ShortestPathsBelowInfinity(ShortestPaths):
    """Shortest paths, except that a destination whose shortest path costs the protocol's
    ``infinity`` option or more is unreachable: it must have no entry.

    Why: a distance-vector metric saturates at infinity (RIP's 16, RFC 2453 §3.5), so on a
    network whose path costs reach it -- costs in km, a link of cost 20 -- RIP never carries a
    route to the far destinations.  Judged against plain shortest paths it would never be
    correct; judged against this, it is correct once it has every route it can carry.  Below
    infinity the two models are the same: every prefix of a shortest path is cheaper still, so
    Bellman-Ford finds it exactly.
    """

    name = "shortest_paths_below_infinity"

    def __init__(self, graph: Any, options: Mapping[str, Any]) -> None:
        super().__init__(graph, options)
        self.ceiling = float(options.get("infinity", np.inf))
        self.describes = f"shortest paths costing less than infinity ({self.ceiling:g})"  # type: ignore[misc]


class Distances:
    """All-pairs shortest-path costs of a network whose links and nodes change state during a run.

    Why not a fresh :class:`Oracle` per change: on 3,800 routers an all-pairs Dijkstra takes
    seconds, while one link failure changes the distances of only the sources whose shortest-path
    DAG uses that link.  :meth:`update` finds those sources from the old matrix (with a generous
    tolerance, so the set is a superset) and re-runs Dijkstra from them alone.  A source's row is
    computed by the same routine either way (:func:`netsim.paths.distances`, bitwise scipy's
    Dijkstra), so the matrix is bitwise the one ``Oracle(routers, links, down).dist`` would hold.
    For observers only, like :class:`Oracle`.
    """

    def __init__(self, routers: Iterable[str], links: Mapping[tuple[str, str], LinkState],
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

    def _edges(self, links: Mapping[tuple[str, str], LinkState], down: set[str]
               ) -> tuple[dict[tuple[int, int], float], list[dict[int, float]]]:
        """Usable directed edges as index pairs, and adjacency (``adj[a][b]``: cost a→b)."""
        usable = usable_edges(self.index, links, down)
        adj: list[dict[int, float]] = [{} for _ in range(self.n)]
        for (ia, ib), c in usable.items():
            adj[ia][ib] = c
        return usable, adj

    def _all_pairs(self) -> np.ndarray:
        return edge_distances(self.n, self.usable)

    def update(self, links: Mapping[tuple[str, str], LinkState], down: Iterable[str]) -> np.ndarray:
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
        # edges cannot improve that row (costs are positive).
        touched = np.zeros(self.n, dtype=bool)
        with np.errstate(invalid="ignore"):
            for a, b, c in worse + better:  # directed edge a→b of cost c (old or new)
                da, db = old[:, a], old[:, b]
                touched |= (da + c <= db + SLACK * np.maximum(1.0, db)) & np.isfinite(da)
        rows = np.flatnonzero(touched)
        if len(rows) > FULL_FRACTION * self.n:
            self.dist = self._all_pairs()
            self.full_runs += 1
            return np.flatnonzero(_rows_differ(self.dist, old))
        if not len(rows):
            return rows
        fresh = self._fresh_rows(rows, old)
        self.source_runs += len(rows)
        changed = rows[_rows_differ(fresh, old, rows)]
        old[rows] = fresh
        return changed

    def _fresh_rows(self, rows: np.ndarray, old: np.ndarray) -> np.ndarray:
        """The new distances from ``rows`` (every other row is unchanged: ``old``).

        With positive integer costs the unchanged rows are handed to :func:`netsim.paths.distances`
        as known: Dijkstra then runs only between junctions (chains of two-link routers
        contracted) and not from all of them -- a router's row follows from its neighbours' new
        rows, computed or unchanged, bit for bit (:func:`netsim.paths.exact_sums`).  Why: one
        failure in a large network can touch a third of the sources."""
        touched = np.zeros(self.n, dtype=bool)
        touched[rows] = True

        def known(v: int) -> np.ndarray | None:
            return None if touched[v] else old[v]

        return edge_distances(self.n, self.usable, rows, known)

    def reachable(self, i: int, j: int) -> bool:
        return bool(np.isfinite(self.dist[i, j]))


def _rows_differ(new: np.ndarray, old: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Which rows of ``new`` differ from the same rows of ``old`` (``old[rows]`` when given).

    Compared a block of rows at a time: at once, the copy of ``old[rows]`` and the comparison
    would be two more matrices of that size at the moment memory peaks (after a failure on a
    10,000-router network, hundreds of MB)."""
    out = np.empty(len(new), dtype=bool)
    for lo in range(0, len(new), _COMPARE_ROWS):
        hi = lo + _COMPARE_ROWS
        theirs = old[lo:hi] if rows is None else old[rows[lo:hi]]
        out[lo:hi] = np.any(new[lo:hi] != theirs, axis=1)
    return out


#: Rows compared at once by :func:`_rows_differ`.
_COMPARE_ROWS = 256


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
