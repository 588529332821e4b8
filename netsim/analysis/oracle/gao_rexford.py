"""The stable routing BGP must reach under Gao–Rexford policies: an independent correctness model.

Gao & Rexford ("Stable Internet routing without global coordination", IEEE/ACM ToN 9(6), 2001)
proved that when every AS prefers customer routes over peer routes over provider routes, exports
valley-free, and no AS is (transitively) its own provider, BGP has exactly one stable routing and
always converges to it.  That solution can be computed directly, per destination, in three
phases over the *surviving* graph:

1. **customer routes** climb the provider hierarchy from the destination, breadth first: an AS
   gets one if some customer has one (or is the destination);
2. **peer routes**: an AS without a customer route takes one from a peer that has a customer
   route (peers pass on only their own and their customers' routes);
3. **provider routes** descend from every AS that has a route to its customers that have none,
   in order of path length (a Dijkstra over unit lengths).

Within a phase an AS picks the shortest AS path, then the neighbour with the lowest router ID --
the tie-break of the BGP decision process when nothing else differs (same ORIGIN, no MED, all
eBGP).  Router IDs are the loopbacks of :class:`netsim.topology.addressing.Addressing`.  Without
policy (``policy: none``) the stable routing is plain shortest AS paths with the same tie-break.

When ASes have several routers (iBGP over an IGP inside them), this AS-level routing is the
first of two levels; :mod:`.ibgp` adds each router's exit (hot potato) and the IGP routes
inside the AS.

This module reads only the graph and the option values: it shares no code with the protocol,
so that agreeing with it means something.  Per-neighbour LOCAL_PREF overrides and prefix filters
are outside what it models, and are refused.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from typing import Any, ClassVar

from netsim.analysis.oracle import (
    CorrectnessModel,
    Expected,
    ModelUnavailable,
    NetworkState,
    register_model,
)
from netsim.analysis.oracle.ibgp import MultiRouterRouting
from netsim.errors import NetsimError
from netsim.records import record
from netsim.topology.addressing import Addressing
from netsim.topology.graph import Graph

CUSTOMER_ROUTE, PEER_ROUTE, PROVIDER_ROUTE, SHORTEST = "customer", "peer", "provider", "shortest"


@record
class StableRoute:
    """A router's route in the stable solution: the routers it crosses (next hop first,
    destination last) and the kind of neighbour it was learned from."""

    path: tuple[str, ...]
    kind: str

    @property
    def next_hop(self) -> str:
        return self.path[0]


@register_model
class GaoRexfordModel(CorrectnessModel):
    """Correctness model: the unique stable BGP routing for each network state."""

    name: ClassVar[str] = "gao_rexford"
    describes: ClassVar[str] = "the stable routing under the BGP policies (Gao–Rexford)"

    def __init__(self, graph: Graph, options: Mapping[str, Any] | None = None) -> None:
        super().__init__(graph, options or {})
        opts = dict(options or {})
        self.routers = tuple(sorted(str(n) for n in graph.nodes))
        addressing = Addressing.of(self.routers, ((str(u), str(v)) for u, v in graph.edges))
        self.rid = {r: int(addressing.router_id(r)) for r in self.routers}
        #: router -> AS number (the protocol's rule: the ``asn`` attribute, else index + 1)
        self.asn = {r: graph.nodes[r].get("asn", i + 1) if r in graph else i + 1 for i, r in enumerate(self.routers)}
        #: (a, b) -> b's role towards a: "customer", "provider" or "peer" (None without policy)
        self.role: dict[tuple[str, str], str | None] = {}
        tagged = external = 0
        for u, v, d in graph.edges(data=True):
            a, b = str(u), str(v)
            rel = d.get("relationship")
            if self.asn[a] == self.asn[b]:
                if rel is not None:
                    raise NetsimError(f"link {a}–{b}: a link inside AS{self.asn[a]} has no relationship")
                continue  # a link inside an AS: the IGP's
            external += 1
            if rel is None:
                self.role[(a, b)] = self.role[(b, a)] = None
                continue
            tagged += 1
            if rel == "p2p":
                self.role[(a, b)] = self.role[(b, a)] = PEER_ROUTE
            elif rel == "p2c" and str(d.get("provider")) in (a, b):
                prov = str(d["provider"])
                cust = b if prov == a else a
                self.role[(prov, cust)] = CUSTOMER_ROUTE
                self.role[(cust, prov)] = PROVIDER_ROUTE
            else:
                raise NetsimError(f"link {a}–{b}: relationship must be p2p, or p2c with provider naming an end")
        policy = opts.get("policy", "auto")
        if policy == "none" or (policy == "auto" and tagged == 0):
            self.policy = SHORTEST
        elif tagged == external:
            self.policy = "gao_rexford"
        else:
            raise NetsimError(f"gao_rexford model: {external - tagged} link(s) have no relationship")
        if self.policy == "gao_rexford":
            self._check_preferences(opts)
            self._check_acyclic()
        self.origins = frozenset(self._origins(graph))
        #: With ASes of several routers, the two-level model of :mod:`.ibgp`; else None.
        self.multi: MultiRouterRouting | None = None
        if self.multi_as():
            self.multi = MultiRouterRouting(self.routers, self.asn, self.rid, self.role, self.policy, self.origins,
                                            self._as_routes)

    def _check_preferences(self, opts: Mapping[str, Any]) -> None:
        lp = [opts.get(k, d) for k, d in (("lp_customer", 200), ("lp_peer", 100), ("lp_provider", 50))]
        if not lp[0] > lp[1] > lp[2]:
            raise NetsimError("gao_rexford model: needs lp_customer > lp_peer > lp_provider")

    def _check_acyclic(self) -> None:
        """No AS may be its own (transitive) provider; with ASes of several routers, the cycle is
        looked for between ASes and named by AS number."""
        multi = self.multi_as()
        node = (lambda r: f"AS{self.asn[r]}") if multi else (lambda r: r)
        import networkx as nx  # only to name a customer cycle

        dg = nx.DiGraph((node(p), node(c)) for (p, c), role in self.role.items() if role == CUSTOMER_ROUTE)
        try:
            cycle = nx.find_cycle(dg)
        except nx.NetworkXNoCycle:
            return
        raise ModelUnavailable("gao_rexford model: customer–provider cycle "
                          + " → ".join(str(p) for p, _ in cycle) + " (no unique stable routing)")

    def multi_as(self) -> bool:
        """Whether some AS has several routers."""
        return len(set(self.asn.values())) < len(self.routers)

    def _origins(self, graph: Graph) -> list[str]:
        out = []
        for r in self.routers:
            spec = graph.nodes[r].get("bgp") if r in graph else None
            if spec:
                if any(isinstance(v, Mapping) and v for v in (spec.get("neighbors") or {}).values()):
                    raise ModelUnavailable(f"gao_rexford model: router {r} has per-neighbour BGP policy, "
                                      f"which the model does not cover")
                if spec.get("originate", True) is False:
                    continue
            out.append(r)
        return out

    # -- the stable solution -----------------------------------------------------------------------
    def _adjacency(self, state: NetworkState) -> dict[str, list[str]]:
        adj: dict[str, list[str]] = {r: [] for r in self.routers if r not in state.down}
        for (a, b), ls in state.links.items():
            if ls.up and a in adj and b in adj:
                adj[a].append(b)
                adj[b].append(a)
        return adj

    def routes(self, state: NetworkState) -> dict[str, dict[str, StableRoute]]:
        """Every up router's stable route to every destination it can reach."""
        adj = self._adjacency(state)
        out: dict[str, dict[str, StableRoute]] = {r: {} for r in adj}
        for dest in self.routers:
            if dest not in adj or dest not in self.origins:
                continue
            hop, kind = self._shortest(dest, adj) if self.policy == SHORTEST else self._three_phases(dest, adj)
            for r in hop:
                path = [hop[r]]
                while path[-1] != dest:
                    path.append(hop[path[-1]])
                out[r][dest] = StableRoute(tuple(path), kind[r])
        return out

    def tables(self, state: NetworkState) -> dict[str, dict[str, Expected]]:
        """Every up router's correct FIB: cost = AS-path length, the single next hop (with ASes of
        several routers: see :mod:`.ibgp`)."""
        if self.multi is not None:
            return self.multi.tables(state)
        return {r: {d: Expected(float(len(route.path)), frozenset((route.next_hop,))) for d, route in table.items()}
                for r, table in self.routes(state).items()}

    def _as_routes(self, dest: int, adj: Mapping[int, list[int]], role: Mapping[tuple[int, int], str | None]
                   ) -> tuple[dict[int, int], dict[int, str]]:
        """The AS-level stable routing towards AS ``dest``: every AS's AS-path length and route class."""
        rank = {a: a for a in adj}
        if self.policy == SHORTEST:
            dist, _hop, kind = _phases_shortest(dest, adj, rank)
        else:
            dist, _hop, kind = _phases(dest, adj, role, rank)
        return dist, kind

    def _shortest(self, dest: str, adj: dict[str, list[str]]) -> tuple[dict[str, str], dict[str, str]]:
        _dist, hop, kind = _phases_shortest(dest, adj, self.rid)
        return hop, kind

    def _three_phases(self, dest: str, adj: dict[str, list[str]]) -> tuple[dict[str, str], dict[str, str]]:
        _dist, hop, kind = _phases(dest, adj, self.role, self.rid)
        return hop, kind


def _phases_shortest(dest: Any, adj: Mapping[Any, list[Any]], rid: Mapping[Any, int]
                     ) -> tuple[dict[Any, int], dict[Any, Any], dict[Any, str]]:
    """Shortest paths (no policy), breadth first, ties to the lowest ``rid``: (length, next hop, kind)."""
    dist = {dest: 0}
    hop: dict[Any, Any] = {}
    level = [dest]
    while level:
        offers: dict[Any, Any] = {}
        for v in level:
            for x in adj[v]:
                if x not in dist and (x not in offers or rid[v] < rid[offers[x]]):
                    offers[x] = v
        for x, v in offers.items():
            dist[x] = dist[v] + 1
            hop[x] = v
        level = list(offers)
    return dist, hop, dict.fromkeys(hop, SHORTEST)


def _phases(dest: Any, adj: Mapping[Any, list[Any]], role: Mapping[tuple[Any, Any], Any], rid: Mapping[Any, int]
            ) -> tuple[dict[Any, int], dict[Any, Any], dict[Any, str]]:
    """The three phases of the module docstring over ``adj``: (length, next hop, kind) per node."""
    dist = {dest: 0}
    hop: dict[Any, Any] = {}
    kind: dict[Any, str] = {}
    # 1. customer routes, breadth first up the provider hierarchy
    level = [dest]
    while level:
        offers: dict[Any, Any] = {}
        for c in level:
            for p in adj[c]:
                if role[(p, c)] == CUSTOMER_ROUTE and p not in dist \
                        and (p not in offers or rid[c] < rid[offers[p]]):
                    offers[p] = c
        for p, c in offers.items():
            dist[p], hop[p], kind[p] = dist[c] + 1, c, CUSTOMER_ROUTE
        level = list(offers)
    # 2. peer routes, from peers holding a customer route (or being the destination)
    with_customer_route = list(dist)
    peer_offers: dict[Any, tuple[int, int, Any]] = {}
    for y in with_customer_route:
        for x in adj[y]:
            if role[(x, y)] == PEER_ROUTE and x not in dist:
                offer = (dist[y] + 1, rid[y], y)
                if x not in peer_offers or offer < peer_offers[x]:
                    peer_offers[x] = offer
    for x, (length, _, y) in peer_offers.items():
        dist[x], hop[x], kind[x] = length, y, PEER_ROUTE
    # 3. provider routes, down to customers, shortest first
    heap: list[tuple[int, int, Any, Any]] = []
    for v in list(dist):
        for x in adj[v]:
            if role[(x, v)] == PROVIDER_ROUTE and x not in dist:
                heapq.heappush(heap, (dist[v] + 1, rid[v], x, v))
    while heap:
        length, _, x, v = heapq.heappop(heap)
        if x in dist:
            continue
        dist[x], hop[x], kind[x] = length, v, PROVIDER_ROUTE
        for z in adj[x]:
            if role[(z, x)] == PROVIDER_ROUTE and z not in dist:
                heapq.heappush(heap, (length + 1, rid[x], z, x))
    return dist, hop, kind
