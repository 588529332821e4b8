"""The converged link-state of a topology, for warm starts (``linkstate`` option ``warm_start``).

Why: on a network of thousands of routers a cold start floods every router-LSA over every link
(N x 2E transmissions) before anything interesting happens.  A study of one failure only needs
the converged state it starts from, and that state is fully determined by the topology: one
router-LSA per router listing its links, and at every router the routes an SPF over that LSDB
gives.  This module computes it once for all routers (scipy's compiled Dijkstra for the
distances, then equal-cost next hops exactly as :func:`netsim.protocols.common.spf.spf` defines them).
It is a checkpoint handed to each router at t=0 through ``Protocol.configure``, the same channel
static routes use; from then on every change still travels in messages.  :meth:`WarmState.table`
gives a router's FIB as a column table for ``RouterPort.preload``, which records it once in the
trace's initial FIBs instead of one route change per entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from netsim.errors import NetsimError
from netsim.numeric import EPS
from netsim.paths import Chains, chain_distances, exact_sums
from netsim.topology.common import link_costs
from netsim.trace import FibTable

WARM_SEQ = 2
Routes = dict[str, tuple[float, tuple[str, ...]]]


@dataclass
class WarmState:
    """Shared by every router: the LSDB (shared immutable LSAs) and routes computed on demand.

    ``lsdb``, ``graph`` (each origin's links, as SPF reads them) and ``with_prefixes`` (origins
    whose LSA carries stub prefixes) are read-only: every router's database starts as a view of
    them and keeps only its own changes (:meth:`netsim.protocols.common.lsdb.Lsdb.load`).
    """

    names: list[str]
    index: dict[str, int]
    lsdb: dict[str, Any]
    graph: dict[str, dict[str, float]]
    dist: np.ndarray
    with_prefixes: frozenset[str] = frozenset()
    #: Every path cost is an integer below 1/EPS (see :func:`all_pairs`): two costs are then equal
    #: within EPS exactly when they are equal, and :meth:`_masks` compares them as such.
    exact: bool = False
    #: Masks computed ahead for a block of routers (:meth:`_block_masks`), each taken once.
    _ahead: dict[int, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)
    #: Every router's links in :meth:`_masks` order (origin, neighbour, cost, bit) and where each
    #: origin's start, built on first use.
    _links: tuple[np.ndarray, ...] | None = field(default=None, init=False, repr=False, compare=False)

    def get(self, name: str, default: Any = None) -> Any:
        """``configure`` returns per-router configuration by name: every router shares this state."""
        return self if name in self.index else default

    def _masks(self, me: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """``me``'s distance row, and per destination the bitmask of its equal-cost next hops
        (bit k = k-th neighbour in sorted order), with the sorted neighbour names.

        All neighbours are tested in one array operation: this runs once per router at t=0."""
        i = self.index[me]
        row = self.dist[i]
        nbrs = sorted(self.graph[me].items())
        if not nbrs:
            return row, np.zeros(len(self.names), dtype=np.int64), []
        if self.exact and len(nbrs) <= 62:
            masks = self._ahead.pop(i, None)
            if masks is None:
                self._block_masks(i)
                masks = self._ahead.pop(i)
            return row, masks, [n for n, _c in nbrs]
        costs = np.array([c for _n, c in nbrs], dtype=np.float64)
        via = self.dist[[self.index[n] for n, _c in nbrs]]
        if self.exact:  # the same test: |a - b| is 0 or at least 1, and EPS * max(1, b) < 1
            tight = costs[:, None] + via == row
        else:
            tight = np.abs(costs[:, None] + via - row) <= EPS * np.maximum(1.0, row)
        if len(nbrs) > 62:  # beyond an int64: Python integers
            bits = np.array([1 << k for k in range(len(nbrs))], dtype=object)
            masks = (tight.astype(object) * bits[:, None]).sum(axis=0)
        else:
            masks = tight[0].astype(np.int64)
            for k in range(1, len(nbrs)):
                masks |= tight[k].astype(np.int64) << k
        return row, masks, [n for n, _c in nbrs]

    def _block_masks(self, first: int) -> None:
        """:meth:`_masks` of routers ``first`` .. ``first + _BLOCK - 1`` (those with 1 to 62 links)
        into ``_ahead``, with array operations over all their links at once rather than a few per
        router: the same exact test (``c + d(w, x) == d(me, x)``), the same bits."""
        if self._links is None:
            src, dst, cost, bit = [], [], [], []
            for me in self.names:
                for k, (n, c) in enumerate(sorted(self.graph[me].items())):
                    src.append(self.index[me])
                    dst.append(self.index[n])
                    cost.append(c)
                    bit.append(k)
            start = np.searchsorted(np.asarray(src, dtype=np.intp), np.arange(len(self.names) + 1))
            self._links = (np.asarray(src, dtype=np.intp), np.asarray(dst, dtype=np.intp),
                           np.asarray(cost, dtype=np.float64), np.asarray(bit, dtype=np.int64), start)
        src, dst, cost, bit, start = self._links
        last = min(first + _BLOCK, len(self.names))
        degree = np.diff(start[first:last + 1])
        lo, hi = int(start[first]), int(start[last])
        keep = np.flatnonzero(degree[src[lo:hi] - first] <= 62) + lo
        tight = self.dist[dst[keep]] + cost[keep, None] == self.dist[src[keep]]
        masks = np.zeros((last - first, len(self.names)), dtype=np.int64)
        at, kbit = src[keep] - first, bit[keep]
        for k in range(int(kbit.max()) + 1 if len(kbit) else 0):
            sel = np.flatnonzero(kbit == k)  # one link per router: no router twice
            masks[at[sel]] |= tight[sel].astype(np.int64) << k
        for r in np.flatnonzero((degree >= 1) & (degree <= 62)).tolist():
            self._ahead[first + r] = masks[r]

    def _entries(self, me: str) -> tuple[np.ndarray, np.ndarray, list[tuple[str, ...]]]:
        """Destinations ``me`` has a route to (sorted positions), each one's index into the list of
        distinct next-hop tuples, and that list: the common core of :meth:`routes` and :meth:`table`."""
        i = self.index[me]
        row, masks, nbrs = self._masks(me)
        finite = np.isfinite(row)
        finite[i] = False
        cols = np.flatnonzero(finite)
        uniq, inv = _distinct(masks[cols], len(nbrs))
        choices = [tuple(n for k, n in enumerate(nbrs) if int(m) >> k & 1) for m in uniq.tolist()]
        return cols, inv, choices

    def routes(self, me: str) -> Routes:
        """``me``'s SPF result: ``{dest: (cost, sorted next hops)}`` for every reachable dest.

        Entries with the same (cost, next hops) share one tuple, and the dict is built without a
        Python loop per destination: on a 3,800-router network that is 14.5 M entries in all.
        """
        cols, inv, choices = self._entries(me)
        if not len(cols):
            return {}
        costs = self.dist[self.index[me]][cols]
        pairs, which = np.unique(np.stack([costs, inv.astype(np.float64)]), axis=1, return_inverse=True)
        entries = np.empty(pairs.shape[1], dtype=object)
        entries[:] = [(float(c), choices[int(h)]) for c, h in pairs.T.tolist()]
        names = np.asarray(self.names, dtype=object)
        return dict(zip(names[cols].tolist(), entries[which.reshape(-1)].tolist(), strict=True))

    def table(self, me: str) -> FibTable:
        """``me``'s converged FIB as a column table (the same routes as :meth:`routes`), for
        ``RouterPort.preload``: loaded at t=0 without one trace record per entry."""
        cols, inv, choices = self._entries(me)
        choice = np.full(len(self.names), -1, dtype=np.int32)
        choice[cols] = inv
        # The costs are the distance row itself, not a copy: a table reads a cost only where
        # ``choice`` has a route (the row's 0 to ``me`` and inf to the unreachable are never read).
        return FibTable(self.names, self.index, self.dist[self.index[me]], choice, choices)


def _distinct(masks: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(masks, return_inverse=True)`` (inverse as int32), without the sort when the
    masks are small integers: a table of the 2**bits possible masks says which occur."""
    if bits > 16 or masks.dtype == object:
        uniq, inv = np.unique(masks, return_inverse=True)
        return uniq, inv.astype(np.int32).reshape(-1)
    seen = np.zeros(1 << bits, dtype=bool)
    seen[masks] = True
    uniq = np.flatnonzero(seen).astype(masks.dtype)
    rank = np.cumsum(seen, dtype=np.int32) - 1
    return uniq, rank[masks]


class SpfView(Mapping[str, tuple[float, tuple[str, ...]]]):
    """A warm-started router's last SPF result, read from its FIB table rather than copied:
    a 3,800-router network would otherwise hold 14.5 M more (cost, next hops) entries."""

    __slots__ = ("table",)

    def __init__(self, table: FibTable) -> None:
        self.table = table

    def __getitem__(self, dest: str) -> tuple[float, tuple[str, ...]]:
        route = self.table[dest]
        return (route.cost, route.next_hops)

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)


def warm_state(graph: Any, lsa_cls: Callable[..., Any]) -> WarmState:
    """The converged state of ``graph`` (a networkx graph with ``cost`` on links)."""
    from scipy.sparse import csr_matrix  # only a warm start needs all-pairs distances

    names = sorted(str(n) for n in graph.nodes)
    if any(graph.nodes[n].get("prefixes") for n in graph.nodes):
        raise NetsimError("linkstate.warm_start: not available with originated prefixes yet (use a cold start)")
    index = {n: i for i, n in enumerate(names)}
    links: dict[str, dict[str, float]] = {n: {} for n in names}
    for u, v, data in graph.edges(data=True):
        c_uv, c_vu = link_costs(data, str(u), str(v))
        links[str(u)][str(v)] = c_uv
        links[str(v)][str(u)] = c_vu
    # Sequence number 2: a converged router has originated at least twice (once at boot, listing no
    # neighbour, once its adjacencies were Full), so a router that restarts and originates seq 1
    # meets a newer copy of its own LSA, exactly as after a real cold start.
    lsdb = {n: lsa_cls(n, WARM_SEQ, tuple(sorted(links[n].items())), 0.0) for n in names}
    view = {n: lsdb[n].link_map for n in names}  # what Lsdb.install stores: shared, never changed
    rows, cols, vals = [], [], []
    for u, nb in view.items():
        for v, c in nb.items():
            rows.append(index[u])
            cols.append(index[v])
            vals.append(float(c))
    n = len(names)
    dist = all_pairs(csr_matrix((vals, (rows, cols)), shape=(n, n))) if n else np.zeros((0, 0))
    return WarmState(names, index, lsdb, view, dist, frozenset(n for n, lsa in lsdb.items() if lsa.prefixes),
                     exact_sums(np.asarray(vals, dtype=np.float64), 1.0 / EPS))


#: Routers whose next-hop masks are computed together (a few tens of MB of temporaries).
_BLOCK = 128


def all_pairs(matrix: Any) -> np.ndarray:
    """Shortest-path costs between all routers of a sparse cost matrix (``matrix[u, v]``: u→v).

    Bitwise what ``scipy.sparse.csgraph.dijkstra(matrix, directed=True)`` returns, in less time
    when every cost is a positive integer (the usual hop-count networks): then Dijkstra runs only
    between the routers that are not inside a chain of two-link routers, on the graph with each
    chain contracted to one link, and not even from all of those (:func:`netsim.paths.chain_distances`;
    exact because every sum is an integer a float holds, :func:`netsim.paths.exact_sums`).  A
    3,815-router backbone has 2,294 routers in chains; Dijkstra runs from 931 of the other 1,521.
    """
    from scipy.sparse.csgraph import dijkstra

    n = matrix.shape[0]
    costs = np.asarray(matrix.data, dtype=np.float64)
    if not exact_sums(costs):
        return dijkstra(matrix, directed=True)
    chains = Chains(n, matrix.indptr, matrix.indices, costs)
    return chain_distances(chains, np.arange(n), out=np.empty((n, n), dtype=np.float64))
