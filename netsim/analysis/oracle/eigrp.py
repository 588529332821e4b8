"""The routes EIGRP must converge to, computed without any of the protocol's code.

Why not shortest paths.  EIGRP's composite metric, ``256 * (10**7 // min bandwidth + sum of
delays)`` (default K-values), is not additive: the bandwidth term is a minimum along the path.
So the path of least composite metric between two routers is not what a distance-vector
protocol computes, and neither is it what EIGRP computes: a router only ever chooses among its
neighbours' *own best* routes, extended over the link to them.  A neighbour's second-best route
may give a better metric once combined with a slow link, yet it is never advertised.

The correct model is therefore the fixpoint of EIGRP's own selection rule: for every router
``i`` and destination ``d``, ``X[i] = best over neighbours k of extend(X[k], link i→k)`` with
``X[d]`` the origin, where a route is the vector (minimum bandwidth, total delay), ``best``
orders routes by composite metric, then smaller delay, then larger bandwidth (a total order:
DUAL itself only compares composite metrics, and this model flags the rare places where several
vectors of equal composite metric compete, see :meth:`EigrpModel.ties`).

Why the fixpoint is unique, and why DUAL reaches it.  Every link adds at least one unit of
delay, so extending a route strictly increases its composite metric (the algebra is *strictly
increasing*), and there are finitely many routes (the metric is capped).  For such algebras the
Bellman-Ford iteration has exactly one fixed point and reaches it from any starting state
(Daggitt, Gurney and Griffin, "Asynchronous convergence of policy-rich distributed Bellman-Ford
routing protocols", SIGCOMM 2018).  A quiet EIGRP network is such a fixed point: every passive
router's distance is the least over its neighbours' last reports (DUAL's local computation
requires the feasible successor to offer the least distance, and a diffusing computation ends by
taking the least), and split horizon only hides routes that lead back through the router
itself, which are never the least.  The fixed point is computed here by a Dijkstra-like search
from the destination, which settles routers in increasing route order; strict increase makes the
route each router settles with the best over *all* its neighbours, i.e. the fixed point.

Conventions (the scenario format's link attributes, shared with the protocol by specification,
not by code): ``bandwidth`` in kbit/s, default 1,000,000; ``eigrp_delay`` in µs, default 10 µs
at >= 1 Gbit/s, 100 µs at >= 100 Mbit/s, else 1000 µs; delays count in tens of µs (rounded,
at least one).  A composite metric of 2**32 - 1 or more is unreachable.

This module must not import :mod:`netsim.protocols.eigrp`: it is the independent truth.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # any graph with networkx's API: netsim's own or an nx.Graph
    import networkx as nx

from netsim.analysis.oracle import CorrectnessModel, Expected, NetworkState, register_model
from netsim.analysis.oracle import LinkState as BaseLinkState
from netsim.records import record

INFINITY = 2**32 - 1


@record
class LinkState(BaseLinkState):
    """One link in one network state, with EIGRP's interface metrics: ``bandwidth_*`` (kbit/s) and
    ``delay_*`` (µs) of the ``a`` end and the ``b`` end, each None when as in the initial graph.
    A convenience for tests; the engine's states carry plain link states whose ``attrs`` hold
    the ``set_link`` changes (``bandwidth``, ``eigrp_delay`` per end), read the same way."""

    bandwidth_ab: float | None = None
    bandwidth_ba: float | None = None
    delay_ab: float | None = None
    delay_ba: float | None = None


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


#: A route: (minimum bandwidth in kbit/s or 0 for "no link crossed yet", total delay in tens of µs).
Route = tuple[int, int]
ORIGIN: Route = (0, 0)


def default_delay_us(bandwidth: float) -> float:
    return 10 if bandwidth >= 1_000_000 else 100 if bandwidth >= 100_000 else 1000


def to_tens(delay_us: float) -> int:
    return max(1, round(delay_us / 10))


def metric(route: Route, k: tuple[int, int, int]) -> int:
    """The composite metric of a route (K1, K2, K3; load 1/255)."""
    bw, delay = route
    term = 0 if bw == 0 else 10**7 // bw
    value = 256 * (k[0] * term + (k[1] * term) // 255 + k[2] * delay)
    return min(value, INFINITY)


def order(route: Route, k: tuple[int, int, int]) -> tuple[int, int, int]:
    return (metric(route, k), route[1], -route[0])


def over(route: Route, bandwidth: int, delay: int) -> Route:
    """``route`` once learned over an interface of this bandwidth and delay."""
    bw = bandwidth if route[0] == 0 else min(route[0], bandwidth)
    return (bw, route[1] + delay)


@register_model
class EigrpModel(CorrectnessModel):
    """Correctness model: every up router's correct table in a network state."""

    name: ClassVar[str] = "eigrp"
    describes: ClassVar[str] = "EIGRP's converged routes (the fixed point of its selection rule)"

    def __init__(self, graph: nx.Graph, options: Mapping[str, Any] | None = None) -> None:
        super().__init__(graph, options or {})
        o = dict(options or {})
        self.k = (int(o.get("k1", 1)), int(o.get("k2", 0)), int(o.get("k3", 1)))
        self.variance = float(o.get("variance", 1.0))
        self.routers = sorted(str(n) for n in graph.nodes)
        #: Interface metric (bandwidth kbit/s, delay µs) per link of the initial graph.
        self.base: dict[tuple[str, str], tuple[float, float]] = {}
        for u, v, data in graph.edges(data=True):
            bw = float(data.get("bandwidth", 1_000_000))
            delay = data.get("eigrp_delay")
            self.base[tuple(sorted((str(u), str(v))))] = (bw, float(default_delay_us(bw) if delay is None else delay))

    # -- the network as EIGRP sees it ------------------------------------------------------------
    def interfaces(self, state: NetworkState) -> dict[str, dict[str, tuple[int, int]]]:
        """Per up router: neighbour over an up link -> (bandwidth, delay in tens of µs) of our end."""
        adj: dict[str, dict[str, tuple[int, int]]] = {r: {} for r in self.routers if r not in state.down}
        for (a, b), ls in state.links.items():
            if not ls.up or a in state.down or b in state.down:
                continue
            bw0, d0 = self.base.get((a, b), (1_000_000.0, 10.0))
            bw_a = _or(getattr(ls, "bandwidth_ab", None), _or(ls.attr(a, "bandwidth"), bw0))
            bw_b = _or(getattr(ls, "bandwidth_ba", None), _or(ls.attr(b, "bandwidth"), bw0))
            d_a = _or(getattr(ls, "delay_ab", None), _or(ls.attr(a, "eigrp_delay"), d0))
            d_b = _or(getattr(ls, "delay_ba", None), _or(ls.attr(b, "eigrp_delay"), d0))
            adj[a][b] = (int(bw_a), to_tens(d_a))
            adj[b][a] = (int(bw_b), to_tens(d_b))
        return adj

    def routes_to(self, dest: str, adj: Mapping[str, Mapping[str, tuple[int, int]]]) -> dict[str, Route]:
        """The fixed point for one destination: every router that can reach it, and its route."""
        if dest not in adj:
            return {}
        return self._routes_to(dest, _inbound(adj))

    def _routes_to(self, dest: str, inbound: Mapping[str, list[tuple[str, int, int]]]) -> dict[str, Route]:
        """:meth:`routes_to` over ``inbound`` (:func:`_inbound`).

        Why it is written out: :meth:`tables` runs it for every destination, half a million
        relaxations on a network of hundreds of routers; :func:`over`, :func:`metric` and
        :func:`order` are inlined (a test holds the result to a plain Bellman-Ford)."""
        k1, k2, k3 = self.k
        best: dict[str, Route] = {dest: ORIGIN}
        rank: dict[str, tuple[int, int, int]] = {dest: (0, 0, 0)}
        done: set[str] = set()
        heap = [((0, 0, 0), dest)]
        pop, push = heapq.heappop, heapq.heappush
        while heap:
            _, u = pop(heap)
            if u in done:
                continue
            done.add(u)
            ubw, udelay = best[u]
            for v, bw, delay in inbound[u]:  # v learns u's route over v's own interface to u
                if v in done:
                    continue
                b = bw if ubw == 0 or bw < ubw else ubw
                d = udelay + delay
                term = 10**7 // b if b else 0
                m = 256 * (k1 * term + (k2 * term) // 255 + k3 * d)
                if m >= INFINITY:
                    continue
                key = (m, d, -b)
                old = rank.get(v)
                if old is None or key < old:
                    rank[v] = key
                    best[v] = (b, d)
                    push(heap, (key, v))
        return best

    def tables(self, state: NetworkState) -> dict[str, dict[str, Expected]]:
        """Every up router's correct table (destinations it cannot reach are absent).

        A router's next hops are the neighbours whose route, extended over the link to them,
        has the router's own metric, and with ``variance`` > 1 also the feasible successors
        within it: such an offer within ``variance`` times the metric from a neighbour whose own
        metric is less (FD <= the metric, so RD < it is necessary).  :func:`over` and
        :func:`metric` are inlined, as in :meth:`_routes_to`: this visits every link end for
        every destination (a test holds it to next hops computed with the plain functions)."""
        adj = self.interfaces(state)
        inbound = _inbound(adj)
        outbound = {i: [(n, bw, delay) for n, (bw, delay) in nbrs.items()] for i, nbrs in adj.items()}
        k1, k2, k3 = self.k
        variance = self.variance
        out: dict[str, dict[str, Expected]] = {r: {} for r in adj}
        for dest in adj:
            routes = self._routes_to(dest, inbound)
            own = {i: metric(r, self.k) for i, r in routes.items()}
            get = routes.get
            for i, d in own.items():
                if i == dest:
                    continue
                hops = []
                for n, bw, delay in outbound[i]:
                    rn = get(n)
                    if rn is None:
                        continue
                    rbw = rn[0]
                    b = bw if rbw == 0 or bw < rbw else rbw
                    term = 10**7 // b if b else 0
                    offer = 256 * (k1 * term + (k2 * term) // 255 + k3 * (rn[1] + delay))
                    if offer == d or (variance > 1 and own[n] < d and min(offer, INFINITY) <= variance * d):
                        hops.append(n)
                out[i][dest] = Expected(float(d), frozenset(hops))
        return out

    def ties(self, state: NetworkState) -> set[tuple[str, str]]:
        """(router, destination) pairs where neighbours offer different vectors of the same
        least composite metric.  Which one a router advertises is an implementation choice, so
        downstream routers' metrics are exactly predictable only where there are no ties."""
        adj = self.interfaces(state)
        out = set()
        for dest in adj:
            routes = self.routes_to(dest, adj)
            for i, ri in routes.items():
                if i == dest:
                    continue
                d = metric(ri, self.k)
                offered = {over(routes[n], *adj[i][n]) for n in adj[i] if n in routes}
                if len({r for r in offered if metric(r, self.k) == d}) > 1:
                    out.add((i, dest))
        return out


def _inbound(adj: Mapping[str, Mapping[str, tuple[int, int]]]) -> dict[str, list[tuple[str, int, int]]]:
    """Per router ``u``: every neighbour ``v`` with the bandwidth and delay of ``v``'s interface
    to ``u``, over which ``v`` learns ``u``'s route."""
    inbound: dict[str, list[tuple[str, int, int]]] = {u: [] for u in adj}
    for v, nbrs in adj.items():
        for u, (bw, delay) in nbrs.items():
            inbound[u].append((v, bw, delay))
    return inbound
