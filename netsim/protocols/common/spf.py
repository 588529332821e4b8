"""Shortest-path-first over a link-state database: pure functions, no SimPy.

The LSDB view used here is ``{origin: {neighbour: cost}}``, one entry per router-LSA.  As in
OSPF (RFC 2328 §16.1 step 2b), a link ``u → v`` is used only if ``v``'s LSA also lists ``u``
(the two-way check): a router that crashed keeps its stale LSA in everyone's database, but
its neighbours stop listing it, so it drops out of the tree.

The result carries equal-cost next hops (ECMP): the set of first hops of every shortest path.

:func:`spf_needed` is the cheap half of incremental SPF: most LSA changes a router hears about
(a link failure on the far side of the network, a refresh, a new link that is no shortcut)
cannot change its shortest-path tree, and proving that is much cheaper than a Dijkstra run.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping

from netsim.numeric import EPS, SLACK

SpfResult = dict[str, tuple[float, tuple[str, ...]]]


def spf(lsdb: Mapping[str, Mapping[str, float]], root: str) -> SpfResult:
    """Dijkstra from ``root``: ``{dest: (cost, next_hops)}`` for every reachable dest ≠ root.

    Next hops are sorted neighbour names.  Costs must be positive (zero-cost links would let a
    node be finalised before all its equal-cost predecessors were).  Next-hop sets are shared
    immutable frozensets (a child inherits its parent's set unless a tie merges two), which is
    what keeps this fast on networks of thousands of routers.
    """
    if root not in lsdb:
        return {}
    heappush, heappop = heapq.heappush, heapq.heappop
    get = lsdb.get
    dist: dict[str, float] = {root: 0.0}
    hops: dict[str, frozenset[str]] = {}
    done: set[str] = set()
    heap: list[tuple[float, str]] = [(0.0, root)]
    while heap:
        d_u, u = heappop(heap)
        if u in done:
            continue
        done.add(u)
        links = get(u)
        if not links:
            continue
        hops_u = hops.get(u)
        for v, cost in links.items():
            if v in done:
                continue
            nd = d_u + cost
            old = dist.get(v)
            if old is not None and nd - old > EPS * (old if old > 1.0 else 1.0):
                continue  # neither shorter nor equal: whatever the two-way check says, nothing to do
            back = get(v)
            if back is None or u not in back:  # two-way check
                continue
            if old is None or nd < old - EPS * (old if old > 1.0 else 1.0):
                dist[v] = nd
                hops[v] = frozenset((v,)) if u == root else hops_u  # type: ignore[assignment]
                heappush(heap, (nd, v))
            elif abs(nd - old) <= EPS * (old if old > 1.0 else 1.0):
                first = frozenset((v,)) if u == root else hops_u
                cur = hops[v]
                if not first <= cur:  # type: ignore[operator]
                    hops[v] = cur | first  # type: ignore[operator]
    done.discard(root)
    return {v: (dist[v], tuple(sorted(hops[v]))) for v in sorted(done)}


def _changed_links(lsdb: Mapping[str, Mapping[str, float]], before: Mapping[str, Mapping[str, float] | None]
                   ) -> Iterator[tuple[str, str, float | None, float | None]]:
    """Every directed two-way link ``u → v`` whose cost changed since the last run: (u, v, old
    cost, new cost), None for "not a two-way link" (both LSAs must list each other)."""

    def old_links(x: str) -> Mapping[str, float] | None:
        return before[x] if x in before else lsdb.get(x)

    for x, was in before.items():
        now = lsdb.get(x)
        for y in sorted(set(was or ()) | set(now or ())):
            oy, ny = old_links(y), lsdb.get(y)
            old_two_way = bool(was and oy and y in was and x in oy)
            new_two_way = bool(now and ny and y in now and x in ny)
            old_xy = was[y] if old_two_way else None  # type: ignore[index]
            new_xy = now[y] if new_two_way else None  # type: ignore[index]
            old_yx = oy[x] if old_two_way else None  # type: ignore[index]
            new_yx = ny[x] if new_two_way else None  # type: ignore[index]
            if old_xy != new_xy:
                yield x, y, old_xy, new_xy
            if old_yx != new_yx:
                yield y, x, old_yx, new_yx


def _old_dist(root: str, last: Mapping[str, tuple[float, tuple[str, ...]]], x: str) -> float | None:
    if x == root:
        return 0.0
    r = last.get(x)
    return None if r is None else r[0]


def spf_needed(lsdb: Mapping[str, Mapping[str, float]], before: Mapping[str, Mapping[str, float] | None],
               root: str, last: SpfResult) -> bool:
    """Can the LSA changes since the last run change ``root``'s tree (and so its routes)?

    ``before`` maps every origin whose LSA changed to its links as of the last run (None: it had
    no LSA); ``lsdb`` is the database now; ``last`` the last result.  Each changed two-way link
    ``u → v`` is checked against the old distances: removing or raising a link matters only if it
    was on a shortest path (tight), adding or lowering one only if it now reaches ``v`` at least as
    cheaply as before (or reaches a ``v`` that was unreachable).  Links out of an unreachable
    ``u`` cannot matter on their own -- whatever made ``u`` reachable is itself a relevant change.
    When no change matters, the old result is the exact answer, so a False here is as good as a
    Dijkstra run.
    """
    if root not in lsdb or any(o == root and before[o] is None for o in before):
        return True
    for u, v, co, cn in _changed_links(lsdb, before):
        du = _old_dist(root, last, u)
        if du is None or v == root:
            continue
        dv = _old_dist(root, last, v)
        if dv is None:
            if cn is not None:
                return True
            continue
        tol = SLACK * (dv if dv > 1.0 else 1.0)
        if co is not None and du + co <= dv + tol:
            return True
        if cn is not None and du + cn <= dv + tol:
            return True
    return False


Route = tuple[float, tuple[str, ...]]


class Overlay(Mapping[str, Route]):
    """An SPF result as the previous one plus the entries a repair changed (None: removed).

    Why: after one failure in a network of thousands of routers, a router's repair touches a few
    destinations; copying its thousands of unchanged entries would cost more than the repair.
    Iteration is in sorted destination order, like :func:`spf`'s results.
    """

    __slots__ = ("base", "changes")

    def __init__(self, base: Mapping[str, Route], changes: dict[str, Route | None]) -> None:
        if isinstance(base, Overlay):  # keep chains one level deep
            changes = {**base.changes, **changes}
            base = base.base
        self.base = base
        self.changes = changes

    def __getitem__(self, dest: str) -> Route:
        if dest in self.changes:
            route = self.changes[dest]
            if route is None:
                raise KeyError(dest)
            return route
        return self.base[dest]

    def __iter__(self) -> Iterator[str]:
        keys = set(self.base) | set(self.changes)
        return iter(sorted(k for k in keys if self.changes.get(k, True) is not None))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def spf_repair(lsdb: Mapping[str, Mapping[str, float]], before: Mapping[str, Mapping[str, float] | None],
               root: str, last: Mapping[str, Route]) -> tuple[Mapping[str, Route], set[str]] | None:
    """The new SPF result, and the destinations it may differ in, when every change since
    ``last`` removed links or raised their cost.

    Why this is exact: removing or raising links can only lengthen paths, so a destination none
    of whose shortest paths (old DAG) used a changed link keeps its cost *and* its next hops.
    Only the old-DAG descendants of the changed links are recomputed: a Dijkstra restricted to
    them, seeded from their unaffected neighbours, with the same tie rule as :func:`spf`.
    Returns None (run the full :func:`spf`) when a link was added or lowered, an LSA appeared
    or vanished, or the affected part is large enough that a full run is as cheap.
    """
    if root not in lsdb or not before or any(before[x] is None or lsdb.get(x) is None for x in before):
        return None

    def old_links(x: str) -> Mapping[str, float] | None:
        return before[x] if x in before else lsdb.get(x)

    heads: list[str] = []
    for u, v, co, cn in _changed_links(lsdb, before):
        if co is None or (cn is not None and cn < co):
            return None  # a new or cheaper link: paths may shorten anywhere
        du, dv = _old_dist(root, last, u), _old_dist(root, last, v)
        if du is not None and dv is not None and v != root and abs(du + co - dv) <= EPS * (dv if dv > 1.0 else 1.0):
            heads.append(v)  # the changed link was on a shortest path to v
    # Old-DAG descendants of the heads: every destination whose shortest paths may have used them.
    affected: set[str] = set()
    stack = [h for h in heads if h in last]
    while stack:
        x = stack.pop()
        if x in affected:
            continue
        affected.add(x)
        dx = last[x][0]
        links = old_links(x) or {}
        for z, c in links.items():
            oz = old_links(z)
            if z in affected or z == root or oz is None or x not in oz:
                continue
            rz = last.get(z)
            if rz is not None and abs(dx + c - rz[0]) <= EPS * (rz[0] if rz[0] > 1.0 else 1.0):
                stack.append(z)
    if not affected:
        return last, set()
    if 2 * len(affected) > len(last):
        return None
    return _repair(lsdb, root, last, affected), affected


def _repair(lsdb: Mapping[str, Mapping[str, float]], root: str, last: Mapping[str, Route],
            affected: set[str]) -> Overlay:
    """Dijkstra over ``affected`` only, every other destination being final as in ``last``."""
    get = lsdb.get
    dist: dict[str, float] = {}
    hops: dict[str, frozenset[str]] = {}
    heap: list[tuple[float, str]] = []

    def offer(v: str, nd: float, first: frozenset[str]) -> None:
        old = dist.get(v)
        if old is None or nd < old - EPS * (old if old > 1.0 else 1.0):
            dist[v] = nd
            hops[v] = first
            heapq.heappush(heap, (nd, v))
        elif abs(nd - old) <= EPS * (old if old > 1.0 else 1.0) and not first <= hops[v]:
            hops[v] = hops[v] | first

    for a in sorted(affected):  # seeds: the best way in from the unaffected part
        links_a = get(a)
        if not links_a:
            continue
        for p in links_a:
            if p in affected:
                continue
            lp = get(p)
            if lp is None or a not in lp:
                continue
            if p == root:
                offer(a, lp[a], frozenset((a,)))
            elif p in last:
                dp, hp = last[p]
                offer(a, dp + lp[a], frozenset(hp))
    done: set[str] = set()
    while heap:
        d_u, u = heapq.heappop(heap)
        if u in done or d_u != dist[u]:
            continue
        done.add(u)
        links = get(u)
        if not links:
            continue
        for v, cost in links.items():
            if v in done or v not in affected:
                continue
            back = get(v)
            if back is None or u not in back:
                continue
            offer(v, d_u + cost, hops[u])
    changes: dict[str, Route | None] = {d: None for d in affected}
    for v in done:
        changes[v] = (dist[v], tuple(sorted(hops[v])))
    return Overlay(last, changes)


def prefix_routes(lsdb: Mapping[str, object], routers: Mapping[str, Route], root: str) -> dict[str, Route]:
    """Routes to the stub prefixes the LSAs carry, given the routes to their originators.

    A prefix's cost is its originator's distance plus the prefix metric; when several routers
    originate it (anycast), the nearest win and their next hops are merged (ECMP).  A prefix the
    root originates itself is local: no route.  ``lsdb`` maps origin -> LSA with ``prefixes``.
    """
    best: dict[str, tuple[float, set[str]]] = {}
    mine = {p for p, _m in getattr(lsdb.get(root), "prefixes", ())}
    for origin in sorted(lsdb):
        prefixes = getattr(lsdb[origin], "prefixes", ())
        if not prefixes or origin == root:
            continue
        to_origin = routers.get(origin)
        if to_origin is None:
            continue
        for dest, metric in prefixes:
            if dest in mine:
                continue
            cost = to_origin[0] + metric
            have = best.get(dest)
            if have is None or cost < have[0] - EPS * max(1.0, have[0]):
                best[dest] = (cost, set(to_origin[1]))
            elif abs(cost - have[0]) <= EPS * max(1.0, have[0]):
                have[1].update(to_origin[1])
    return {d: (c, tuple(sorted(h))) for d, (c, h) in sorted(best.items())}
