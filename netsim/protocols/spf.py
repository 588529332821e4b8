"""Shortest-path-first over a link-state database: pure functions, no SimPy.

The LSDB view used here is ``{origin: {neighbour: cost}}``, one entry per router-LSA.  As in
OSPF (RFC 2328 §16.1 step 2b), a link ``u → v`` is used only if ``v``'s LSA also lists ``u``
(the two-way check): a router that crashed keeps its stale LSA in everyone's database, but
its neighbours stop listing it, so it drops out of the tree.

The result carries equal-cost next hops (ECMP): the set of first hops of every shortest path.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping

SpfResult = dict[str, tuple[float, tuple[str, ...]]]

#: Relative tolerance when comparing float path costs for equality (ECMP ties).
EPS = 1e-9


def spf(lsdb: Mapping[str, Mapping[str, float]], root: str) -> SpfResult:
    """Dijkstra from ``root``: ``{dest: (cost, next_hops)}`` for every reachable dest ≠ root.

    Next hops are sorted neighbour names.  Costs must be positive (zero-cost links would let a
    node be finalised before all its equal-cost predecessors were).
    """
    if root not in lsdb:
        return {}
    dist: dict[str, float] = {root: 0.0}
    hops: dict[str, set[str]] = {}
    done: set[str] = set()
    heap: list[tuple[float, str]] = [(0.0, root)]
    while heap:
        d_u, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        links = lsdb.get(u)
        if not links:
            continue
        hops_u = hops.get(u)
        for v, cost in links.items():
            if v in done:
                continue
            back = lsdb.get(v)
            if back is None or u not in back:  # two-way check
                continue
            nd = d_u + cost
            first = {v} if u == root else hops_u
            old = dist.get(v)
            if old is None or nd < old - EPS * max(1.0, old):
                dist[v] = nd
                hops[v] = set(first)  # type: ignore[arg-type]
                heapq.heappush(heap, (nd, v))
            elif abs(nd - old) <= EPS * max(1.0, old):
                hops[v].update(first)  # type: ignore[arg-type]
    return {v: (dist[v], tuple(sorted(hops[v]))) for v in sorted(done) if v != root}


def diff_routes(old: Mapping[str, tuple[float, tuple[str, ...]]],
                new: Mapping[str, tuple[float, tuple[str, ...]]]) -> tuple[list[str], list[str]]:
    """Destinations whose route changed or appeared, and destinations that disappeared."""
    changed = [d for d, r in new.items() if old.get(d) != r]
    gone = [d for d in old if d not in new]
    return changed, gone
