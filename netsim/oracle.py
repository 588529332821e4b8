"""Shortest paths on the physical topology: the truth FIBs are judged against.

For tests and observer metrics only; protocols never import this module (DESIGN §2.4).
Distances come from scipy's compiled Dijkstra, so judging a network of a few hundred routers
after every topology change stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

from netsim.trace import Route

EPS = 1e-9


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
