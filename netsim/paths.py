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

With positive integer costs (:func:`exact_sums`: the usual case, hop counts and OSPF costs) every
order of addition gives the same sums, so all pairs of a few hundred routers come from
Floyd-Warshall instead: one vectorised pass per router over an n x n matrix.  On a 10 x 10 grid
that is 1 ms where Bellman-Ford, a round per hop of the 18-hop diameter, took 10 ms, and a
command-line RIP run computes the matrix three times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

#: Bellman-Ford needs at most one round per hop, so (sources x edges x nodes) bounds its work; a
#: network above this many additions goes to SciPy's Dijkstra, so the vectorised path never costs
#: more than a few tens of milliseconds (it serves networks up to about a hundred routers).
VECTOR_BUDGET = 20_000_000
#: Chains are contracted (:class:`Chains`) for at least one source in this many routers, or in
#: the second many when other rows are known: below that, finding them (10-20 ms on 3,815
#: routers) costs more than it saves (measured on the 3,815-router backbone with random sources).
CHAIN_SHARE, CHAIN_SHARE_KNOWN = 16, 64
#: Floyd-Warshall's n**3 additions are contiguous vector work (about 1 ns each here); a
#: Bellman-Ford round costs about 15 ns per (source, edge) and a run takes a round per hop.  Under
#: Bellman-Ford's budget, Floyd-Warshall is chosen when n**3 is at most ``FLOYD_PER_EDGE`` times
#: (sources x edges): all pairs of a 10 x 10 grid, not one source.  Above it, Floyd-Warshall
#: rather than importing SciPy (0.3 s) when n**3 is at most ``FLOYD_BUDGET`` (n <= 464) and no
#: rows are known: 60 ms for the 404 routers of AS3356, where the import and Dijkstra took 290 ms.
FLOYD_PER_EDGE = 64
FLOYD_BUDGET = 100_000_000


def distances(n: int, rows: Sequence[int], cols: Sequence[int], costs: Sequence[float],
              sources: Sequence[int] | np.ndarray | None = None,
              known: Callable[[int], np.ndarray | None] | None = None) -> np.ndarray:
    """Distances from each source (default: every node, in order) to every node of the directed
    graph with edges ``rows[k] -> cols[k]`` of cost ``costs[k]`` (>= 0, one edge per pair);
    ``inf`` where unreachable.  Shape ``(len(sources), n)``.

    ``known(v)``, if given, returns node v's row when it is known to be current (else None): with
    integer costs, rows of other sources may be derived from it (see :func:`chain_distances`)."""
    src = np.arange(n, dtype=np.intp) if sources is None else np.asarray(sources, dtype=np.intp)
    if n == 0 or len(src) == 0:
        return np.zeros((len(src), n))
    u = np.asarray(rows, dtype=np.intp)
    v = np.asarray(cols, dtype=np.intp)
    w = np.asarray(costs, dtype=float)
    small = len(src) * max(len(u), 1) * n <= VECTOR_BUDGET
    if n ** 3 <= FLOYD_BUDGET and (n ** 3 <= FLOYD_PER_EDGE * len(src) * len(u) if small else known is None) \
            and exact_sums(w):
        return _floyd_warshall(n, u, v, w)[src]
    if not small:
        return _dijkstra(n, u, v, w, src, known)
    return _bellman_ford(n, u, v, w, src)


def _floyd_warshall(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """All pairs, a vectorised pass per intermediate router; exact only under :func:`exact_sums`
    (then every sum is an integer, whatever the order of addition: see the module docstring)."""
    dist = np.full((n, n), np.inf)
    np.minimum.at(dist, (u, v), w)  # a repeated pair is parallel links: the cheapest counts
    np.fill_diagonal(dist, 0.0)
    for k in range(n):
        np.minimum(dist, dist[:, k, None] + dist[None, k, :], out=dist)
    return dist


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


def _dijkstra(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray, src: np.ndarray,
              known: Callable[[int], np.ndarray | None] | None = None) -> np.ndarray:
    """SciPy's Dijkstra; with positive integer costs the same rows for less, through
    :func:`chain_distances` (chains contracted when there are enough sources to pay for it)."""
    from scipy.sparse import csr_matrix  # large networks only: the import alone is ~0.3 s
    from scipy.sparse.csgraph import dijkstra

    matrix = csr_matrix((w, (u, v)), shape=(n, n))
    contract = len(src) * (CHAIN_SHARE if known is None else CHAIN_SHARE_KNOWN) >= n
    if (contract or known is not None) and exact_sums(w):
        chains = Chains(n, matrix.indptr, matrix.indices, matrix.data, contract=contract)
        return chain_distances(chains, src, known)
    return dijkstra(matrix, directed=True, indices=src)


def exact_sums(costs: np.ndarray, bound: float = 2.0 ** 53) -> bool:
    """Whether every link cost is a positive integer and their sum is below ``bound``.

    Then every path cost (a simple path uses a link at most once) is an integer below ``bound``,
    which float additions and minima reach exactly in any order: a row of the distance matrix may
    be derived from other rows (:func:`chain_distances`) rather than summed from its source, bit for
    bit.  (A sum on the way may exceed the bound, but rounding is monotone: it is then larger than a
    path cost, which it exceeded already, and never the minimum.)
    """
    costs = np.asarray(costs, dtype=np.float64)
    return bool(len(costs) and np.all(costs >= 1.0) and np.all(costs == np.floor(costs))
                and float(costs.sum()) < bound)


def independent_set(n: int, candidates: Iterable[int], neighbours: Callable[[int], Sequence[int]]) -> np.ndarray:
    """A mask of candidates no two of which are neighbours (in either direction), none isolated or
    its own neighbour: the rows the Bellman equation can fill from rows computed otherwise
    (:func:`chain_distances`).

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


class Chains:
    """A graph with its chains of degree-2 routers contracted: the junctions, one weighted edge per
    direction between the two junctions a chain joins, and where each chain router sits.

    Why: on a backbone most routers have two links.  Every path from a router inside a chain
    a - v1 - ... - vk - b to a router outside it leaves through a or b, so its distances are
    ``min(c(v -> a) + d(a, x), c(v -> b) + d(b, x))`` (and inside the chain also the direct
    distance), and likewise into it: Dijkstra needs to run only between junctions, on a graph of
    the junctions.  Exact, bit for bit, only under :func:`exact_sums` (every sum an integer a
    float holds exactly, reached in any order); :func:`chain_distances` is used only then.

    A chain router is one whose links go both ways to the same one or two other routers (a
    dangling chain ends in a router of one link, with no b).  A component with no junction (a
    ring, a path) gets one: an end of the path, a router of the ring.  A chain may
    come back to its own junction (a == b) and several chains or a link may join the same two
    junctions: the contracted graph keeps the cheapest per direction, and none from a junction
    to itself (never on a shortest path with positive costs).
    """

    def __init__(self, n: int, indptr: np.ndarray, indices: np.ndarray, costs: np.ndarray,
                 contract: bool = True) -> None:
        """The directed graph of ``n`` nodes in CSR form (``indices[indptr[u]:indptr[u + 1]]`` the
        heads of ``u``'s links, ``costs`` theirs).  ``contract=False``: no chains, every router a
        junction (the graph as it is, for :func:`chain_distances`' other savings)."""
        self.n = n
        indptr = np.asarray(indptr, dtype=np.intp)
        indices = np.asarray(indices, dtype=np.intp)
        costs = np.asarray(costs, dtype=np.float64)
        if contract:
            nb, out_c, in_c, inner = _chain_routers(n, indptr, indices, costs)
            nb_l, out_l, in_l = nb.tolist(), out_c.tolist(), in_c.tolist()
        else:
            inner, nb_l, out_l, in_l = np.zeros(n, dtype=bool), [], [], []
        is_inner = inner.tolist()
        seen = [False] * n
        #: Per chain: end a, its routers from a's side, end b (-1: dangling).
        chains: list[tuple[int, list[int], int]] = []

        def walk(a: int, v: int) -> None:
            routers, prev = [], a
            while True:
                routers.append(v)
                seen[v] = True
                n0, n1 = nb_l[v]
                nxt = n1 if n0 == prev else n0
                if nxt < 0 or not is_inner[nxt]:
                    chains.append((a, routers, nxt))
                    return
                prev, v = v, nxt

        for v in np.flatnonzero(inner).tolist():  # chain routers next to a junction, in order
            if not seen[v]:
                for w in nb_l[v]:
                    if w >= 0 and not is_inner[w]:
                        walk(w, v)
                        break
        for v in np.flatnonzero(inner).tolist():  # what is left: components without a junction
            if seen[v]:
                continue
            end, prev, cur = v, -1, v
            while True:  # towards a router of one link, or round the ring back to v
                n0, n1 = nb_l[cur]
                if n1 < 0:
                    end = cur
                    break
                prev, cur = cur, (n1 if n0 == prev else n0)
                if cur == v:
                    break
            is_inner[end] = False
            walk(end, nb_l[end][0])

        inner = np.asarray(is_inner, dtype=bool)
        #: Junctions (ascending) and each router's position among them (-1: in a chain).
        self.kept = np.flatnonzero(~inner)
        self.pos = np.full(n, -1, dtype=np.intp)
        self.pos[self.kept] = np.arange(len(self.kept))
        routers: list[int] = []
        first = [0]
        ends_a: list[int] = []
        ends_b: list[int] = []
        to_a: list[float] = []
        from_a: list[float] = []
        to_b: list[float] = []
        from_b: list[float] = []
        e_u: list[int] = []
        e_v: list[int] = []
        e_c: list[float] = []

        def cost(v: int, w: int, table: list[list[float]]) -> float:
            """v's link to (``out_l``) or from (``in_l``) its neighbour w."""
            return table[v][0] if nb_l[v][0] == w else table[v][1]

        inf = float("inf")
        for a, chain, b in chains:
            k = len(chain)
            fa, ta = [cost(chain[0], a, in_l)], [cost(chain[0], a, out_l)]
            for i in range(1, k):
                fa.append(fa[-1] + cost(chain[i - 1], chain[i], out_l))
                ta.append(cost(chain[i], chain[i - 1], out_l) + ta[-1])
            if b < 0:
                tb, fb = [inf] * k, [inf] * k
            else:
                tb, fb = [cost(chain[-1], b, out_l)], [cost(chain[-1], b, in_l)]
                for i in range(k - 2, -1, -1):
                    tb.append(cost(chain[i], chain[i + 1], out_l) + tb[-1])
                    fb.append(fb[-1] + cost(chain[i + 1], chain[i], out_l))
                tb.reverse()
                fb.reverse()
                if b != a:
                    e_u += [a, b]
                    e_v += [b, a]
                    e_c += [fa[-1] + tb[-1], fb[0] + ta[0]]
            routers += chain
            first.append(len(routers))
            ends_a += [a] * k
            ends_b += [a if b < 0 else b] * k
            to_a += ta
            from_a += fa
            to_b += tb
            from_b += fb
        #: Chain routers, chain after chain, each from its end a's side; ``first`` the chains' starts.
        self.inner = np.asarray(routers, dtype=np.intp)
        self.first = np.asarray(first, dtype=np.intp)
        #: Per chain router (in ``inner`` order): its ends (b = a when dangling, with infinite
        #: costs), and the costs along the chain to and from each end.
        self.a = np.asarray(ends_a, dtype=np.intp)
        self.b = np.asarray(ends_b, dtype=np.intp)
        self.to_a = np.asarray(to_a, dtype=np.float64)
        self.from_a = np.asarray(from_a, dtype=np.float64)
        self.to_b = np.asarray(to_b, dtype=np.float64)
        self.from_b = np.asarray(from_b, dtype=np.float64)
        #: Where each router sits in ``inner`` (-1: a junction).
        self.at = np.full(n, -1, dtype=np.intp)
        self.at[self.inner] = np.arange(len(self.inner))
        tails = np.repeat(np.arange(n, dtype=np.intp), np.diff(indptr))
        direct = ~inner[tails] & ~inner[indices] & (tails != indices)  # links between junctions
        u = np.concatenate([self.pos[tails[direct]], self.pos[np.asarray(e_u, dtype=np.intp)]])
        v = np.concatenate([self.pos[indices[direct]], self.pos[np.asarray(e_v, dtype=np.intp)]])
        c = np.concatenate([costs[direct], np.asarray(e_c, dtype=np.float64)])
        order = np.lexsort((v, u))
        u, v, c = u[order], v[order], c[order]
        starts = np.flatnonzero(np.r_[True, (u[1:] != u[:-1]) | (v[1:] != v[:-1])]) if len(u) else np.zeros(0, np.intp)
        #: The contracted graph over junction positions, (tails, heads, costs) sorted: the cheapest
        #: link or chain per ordered pair.
        self.graph = (u[starts], v[starts], np.minimum.reduceat(c, starts) if len(c) else c)

    @property
    def matrix(self) -> Any:
        """The contracted graph as a scipy CSR matrix (junction positions)."""
        from scipy.sparse import csr_matrix  # large networks only: the import alone is ~0.3 s

        u, v, c = self.graph
        m = len(self.kept)
        return csr_matrix((c, (u, v)), shape=(m, m))

    def expand(self, d: np.ndarray, into: np.ndarray) -> np.ndarray:
        """Whole rows (in ``into``, returned) from rows over the junctions (``d[:, pos]``): a chain
        router's column is the cheaper way in, through a or through b (its only ways in)."""
        into[:, self.kept] = d
        if len(self.inner):
            through_a = d[:, self.pos[self.a]]
            through_a += self.from_a
            through_b = d[:, self.pos[self.b]]
            through_b += self.from_b
            into[:, self.inner] = np.minimum(through_a, through_b, out=through_a)
        return into

    def chain_rows(self, sources: np.ndarray, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
        """The distance rows of chain routers ``sources`` (in ``rows_a``, returned), from the rows
        of their ends a and b (``rows_a``, ``rows_b``: final, overwritten): the cheaper way out,
        through a or through b, then inside the chain the direct way where it is cheaper still."""
        at = self.at[sources]
        rows_a += self.to_a[at, None]
        rows_b += self.to_b[at, None]
        out = np.minimum(rows_a, rows_b, out=rows_a)
        chain = np.searchsorted(self.first, at, side="right") - 1
        lo, size = self.first[chain], np.diff(self.first)[chain]
        row = np.repeat(np.arange(len(at)), size)
        j = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size - lo, size)  # lo .. lo + size - 1
        i = at[row]
        fa, ta = self.from_a, self.to_a
        direct = np.where(j > i, fa[j] - fa[i], ta[i] - ta[j])  # exact: integer differences (0 to itself)
        cols = self.inner[j]
        out[row, cols] = np.minimum(out[row, cols], direct)
        return out


def _chain_routers(n: int, indptr: np.ndarray, indices: np.ndarray, costs: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Which routers can be inside a chain: one or two links out, to distinct other routers, and
    links in from exactly those.  Per router (rows of -1 / inf otherwise): the neighbours in
    ascending order, the costs to them and from them, and the mask."""
    out_deg = np.diff(indptr)
    in_deg = np.bincount(indices, minlength=n)
    tails = np.repeat(np.arange(n, dtype=np.intp), out_deg)
    by_head = np.argsort(indices, kind="stable")
    in_ptr = np.r_[0, np.cumsum(in_deg)]
    nb = np.full((n, 2), -1, dtype=np.intp)
    out_c = np.full((n, 2), np.inf)
    in_c = np.full((n, 2), np.inf)
    inner = np.zeros(n, dtype=bool)
    for k in (1, 2):
        v = np.flatnonzero((out_deg == k) & (in_deg == k))
        if not len(v):
            continue
        at = indptr[v][:, None] + np.arange(k)
        o, oc = indices[at], costs[at]
        at_in = by_head[in_ptr[v][:, None] + np.arange(k)]
        i, ic = tails[at_in], costs[at_in]
        if k == 2:  # both pairs in ascending order of neighbour
            for x, xc in ((o, oc), (i, ic)):
                swap = x[:, 0] > x[:, 1]
                x[swap] = x[swap][:, ::-1]
                xc[swap] = xc[swap][:, ::-1]
        ok = np.all((o == i) & (o != v[:, None]), axis=1)
        if k == 2:
            ok &= o[:, 0] != o[:, 1]
        v, o, oc, ic = v[ok], o[ok], oc[ok], ic[ok]
        inner[v] = True
        nb[v, :k] = o
        out_c[v, :k] = oc
        in_c[v, :k] = ic
    return nb, out_c, in_c, inner


#: Sources per Dijkstra call, and rows per vector operation: the vector operations over whole rows
#: are several times faster on blocks that stay in a core's cache (32 rows of the 3,815-router
#: world are 1 MB: 40-55 ms for its 2,294 chain rows, against 50-250 ms in blocks of 128).
CHUNK, ROWS = 128, 32


def chain_distances(chains: Chains, sources: np.ndarray | Sequence[int],
                    known: Callable[[int], np.ndarray | None] | None = None, out: np.ndarray | None = None
                    ) -> np.ndarray:
    """Distances from each of ``sources`` to every router (rows in ``sources`` order), bitwise what
    Dijkstra on the whole graph gives when :func:`exact_sums` holds (see :class:`Chains`).

    Dijkstra runs on the contracted graph only, and not from every junction among ``sources``: an
    independent set of them (:func:`independent_set`, on the contracted graph) takes the Bellman
    equation over their contracted links instead -- ``d(v, x) = min(c + d(w, x))`` over the links
    ``v -> w``, ``x != v`` -- exact for the same reason; and the chain routers' rows follow from
    their ends' rows (:meth:`Chains.chain_rows`).  ``known(v)``, if given, returns router v's row
    when it is known to be current (else None): such a row is read, not computed again (the end
    of a chain, the neighbour of a derived junction).  ``out``: where to write the rows.
    """
    from scipy.sparse.csgraph import dijkstra  # only large networks come here

    n = chains.n
    src = np.asarray(sources, dtype=np.intp)
    if out is None:
        out = np.empty((len(src), n), dtype=np.float64)
    if not len(src):
        return out
    where = np.full(n, -1, dtype=np.intp)
    where[src] = np.arange(len(src))
    #: Rows of routers outside ``sources``: known ones, and those computed for the chains' ends.
    extra: dict[int, np.ndarray] = {}

    def have(v: int) -> bool:
        if where[v] >= 0 or v in extra:
            return True
        row = known(v) if known is not None else None
        if row is not None:
            extra[v] = row
        return row is not None

    block = np.empty((2, ROWS, n), dtype=np.float64)  # reused: no page faults per step

    def rows_of(idx: np.ndarray, k: int = 0) -> np.ndarray:
        """The rows of routers ``idx`` (final by then, at most ROWS), copied into ``block[k]``."""
        rows = block[k, :len(idx)]
        if not extra:
            return np.take(out, where[idx], axis=0, out=rows)
        for r, v in enumerate(idx.tolist()):
            rows[r] = out[where[v]] if where[v] >= 0 else extra[v]
        return rows

    def junction_rows(part: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Dijkstra on the contracted graph from junctions ``part``: (routers, whole rows) by blocks."""
        d = dijkstra(matrix, directed=True, indices=pos[part])
        for j in range(0, len(part), ROWS):
            yield part[j:j + ROWS], chains.expand(d[j:j + ROWS], block[0, :len(part[j:j + ROWS])])

    matrix = chains.matrix
    ptr, nbr, cost = matrix.indptr, matrix.indices, matrix.data
    kept, pos = chains.kept, chains.pos

    def links(v: int) -> np.ndarray:
        return kept[nbr[ptr[pos[v]]:ptr[pos[v] + 1]]]

    junctions = src[pos[src] >= 0]
    # A junction's row may be derived when each contracted neighbour's row is known or computed.
    ready = [v for v in junctions.tolist() if all(have(w) for w in links(v).tolist())]
    derived = independent_set(n, ready, links)
    computed = junctions[~derived[junctions]]
    for k in range(0, len(computed), CHUNK):
        for part, rows in junction_rows(computed[k:k + CHUNK]):
            out[where[part]] = rows
    rest = np.flatnonzero(derived)
    for k in range(0, len(rest), ROWS):
        part = rest[k:k + ROWS]
        first, degree = ptr[pos[part]], np.diff(ptr)[pos[part]]
        d = rows_of(kept[nbr[first]])[:, kept]
        d += cost[first, None]
        for j in range(1, int(degree.max())):  # the j-th link of those that have one
            more = np.flatnonzero(degree > j)
            link = first[more] + j
            via = rows_of(kept[nbr[link]])[:, kept]
            via += cost[link, None]
            d[more] = np.minimum(d[more], via)
        d[np.arange(len(part)), pos[part]] = 0.0
        out[where[part]] = chains.expand(d, block[0, :len(part)])
    inner = np.flatnonzero(pos[src] < 0)
    if not len(inner):
        return out
    inner = inner[np.argsort(chains.at[src[inner]], kind="stable")]  # chain by chain
    at = chains.at[src[inner]]
    todo = np.asarray([e for e in np.unique(np.r_[chains.a[at], chains.b[at]]).tolist() if not have(e)],
                      dtype=np.intp)
    for k in range(0, len(todo), CHUNK):
        for part, rows in junction_rows(todo[k:k + CHUNK]):
            extra.update(zip(part.tolist(), rows.copy(), strict=True))
    for k in range(0, len(inner), ROWS):
        part = src[inner[k:k + ROWS]]
        here = chains.at[part]
        out[inner[k:k + ROWS]] = chains.chain_rows(part, rows_of(chains.a[here], 0), rows_of(chains.b[here], 1))
    return out
