"""Shortest-path distances between routers, summed exactly as Dijkstra sums them.

Why a module of our own: SciPy's Dijkstra is the right tool for thousands of routers, but
importing ``scipy.sparse.csgraph`` costs a third of a second -- a third of a whole RIP run on a
small network from the command line.  On small networks the same distances come from a
vectorised Bellman-Ford over numpy arrays, with no SciPy import at all.

The two agree bit for bit, not just approximately: both compute, for every pair, the minimum over
paths of the path's cost added up edge by edge from the source (``((c1 + c2) + c3) + ...``).
Dijkstra finds that minimum because rounded addition of a non-negative cost is monotone, and
Bellman-Ford's relaxations reach the same fixed point.  ``tests/test_paths.py`` checks it on random
networks with fractional costs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

#: Bellman-Ford needs at most one round per hop, so (sources x edges x nodes) bounds its work; a
#: network above this many additions goes to SciPy's Dijkstra, so the vectorised path never costs
#: more than a few tens of milliseconds (it serves networks up to about a hundred routers).
VECTOR_BUDGET = 20_000_000


def distances(n: int, rows: Sequence[int], cols: Sequence[int], costs: Sequence[float],
              sources: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
    """Distances from each source (default: every node, in order) to every node of the directed
    graph with edges ``rows[k] -> cols[k]`` of cost ``costs[k]`` (>= 0, one edge per pair);
    ``inf`` where unreachable.  Shape ``(len(sources), n)``."""
    src = np.arange(n, dtype=np.intp) if sources is None else np.asarray(sources, dtype=np.intp)
    if n == 0 or len(src) == 0:
        return np.zeros((len(src), n))
    u = np.asarray(rows, dtype=np.intp)
    v = np.asarray(cols, dtype=np.intp)
    w = np.asarray(costs, dtype=float)
    if len(src) * max(len(u), 1) * n > VECTOR_BUDGET:
        return _dijkstra(n, u, v, w, src)
    return _bellman_ford(n, u, v, w, src)


def _bellman_ford(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, src: np.ndarray) -> np.ndarray:
    """Relaxation rounds until nothing improves (at most one round per hop of a shortest path)."""
    dist = np.full((len(src), n), np.inf)
    dist[np.arange(len(src)), src] = 0.0
    if not len(u):
        return dist
    order = np.argsort(v, kind="stable")
    u, v, w = u[order], v[order], w[order]
    starts = np.flatnonzero(np.r_[True, v[1:] != v[:-1]])
    heads = v[starts]
    while True:
        best = np.minimum.reduceat(dist[:, u] + w, starts, axis=1)
        current = dist[:, heads]
        better = best < current
        if not better.any():
            return dist
        dist[:, heads] = np.where(better, best, current)


def _dijkstra(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, src: np.ndarray) -> np.ndarray:
    from scipy.sparse import csr_matrix  # large networks only: the import alone is ~0.3 s
    from scipy.sparse.csgraph import dijkstra

    return dijkstra(csr_matrix((w, (u, v)), shape=(n, n)), directed=True, indices=src)


def exact_sums(costs: np.ndarray, bound: float = 2.0 ** 53) -> bool:
    """Whether every link cost is a positive integer and their sum is below ``bound``.

    Then every path cost (a simple path uses a link at most once) is an integer below ``bound``,
    which float additions and minima reach exactly in any order: a row of the distance matrix may
    be derived from other rows (:func:`derive_rows`) rather than summed from its source, bit for bit.
    """
    costs = np.asarray(costs, dtype=np.float64)
    return bool(len(costs) and np.all(costs >= 1.0) and np.all(costs == np.floor(costs))
                and float(costs.sum()) < bound)


def independent_set(n: int, candidates: Iterable[int], neighbours: Callable[[int], Sequence[int]]) -> np.ndarray:
    """A mask of candidates no two of which are neighbours (in either direction), none isolated or
    its own neighbour: the rows :func:`derive_rows` can fill from rows computed otherwise.

    Greedy, the fewest links first (a derived row costs a vector operation per link, a computed
    one a Dijkstra): on a backbone where most routers have two links it takes over 40 % of them.
    """
    cands = list(candidates)
    nbrs = [neighbours(v) for v in cands]
    chosen = np.zeros(n, dtype=bool)
    blocked = np.zeros(n, dtype=bool)
    for k in sorted(range(len(cands)), key=lambda k: len(nbrs[k])):
        v, near = cands[k], nbrs[k]
        if blocked[v] or not len(near) or v in near or chosen[near].any():
            continue
        chosen[v] = True
        blocked[near] = True
    return chosen


def derive_rows(rows: Iterable[int], links: Callable[[int], Iterable[tuple[int, float]]],
                row_of: Callable[[int], np.ndarray], target: Callable[[int], np.ndarray]) -> None:
    """Fill the row ``target(v)`` of each of ``rows`` by the Bellman equation: ``d(v, x)`` is the
    least of ``c + d(w, x)`` over the links ``v -> w`` of cost ``c`` (``x != v``), ``d(v, v) = 0``.

    ``row_of(w)`` gives a neighbour's (final) row.  Exact only under :func:`exact_sums`."""
    for v in rows:
        out = target(v)
        first = True
        for w, c in links(v):
            if first:
                np.add(row_of(w), c, out=out)
                first = False
            else:
                np.minimum(out, row_of(w) + c, out=out)
        out[v] = 0.0
