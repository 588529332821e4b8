"""The stable routing of BGP when an AS has several routers: AS-level routing, then hot potato.

Inside an AS of several routers, BGP runs in a full iBGP mesh over an IGP, and every router
picks its exit by the decision process.  Without MED the outcome is determined in two levels,
which this module computes from the graph alone (it shares no code with the protocol):

1. **Between ASes**, the Gao–Rexford stable routing is unique (:mod:`.gao_rexford`): for each
   destination, every AS gets a class of route (customer, peer or provider; or plain shortest
   without policy) and an AS-path length, whatever the tie-breaks.  Every router of the AS ends
   up with a route of that class and length; routes of another class or length lose on LOCAL_PREF
   or AS-path length (a route looping back through the AS is always longer).
2. **Inside an AS**, the candidates are the eBGP routes of that class and length its border
   routers hear: from a neighbouring AS that has a route (or is the destination's) and may
   export it to us (valley-free).  A border router that hears one takes its own (eBGP over
   iBGP), the one from the neighbour with the lowest router ID; it is the only one it tells its
   internal peers about.  Every other router takes, among those border routers, the one at the
   lowest IGP cost (hot potato; the NEXT_HOP's subnet hangs off the border router at metric 0),
   then the lowest router ID.  Its FIB entry is the IGP's shortest-path next hops (all of them:
   ECMP) towards that border router, at cost = the AS-path length.
3. Destinations inside the router's own AS (loopbacks) are reached by IGP shortest paths, at
   the IGP cost: the IGP's administrative distance (110) beats iBGP's (200).

IGP costs are directed (a link's cost as its sending end sees it) over the up links inside the
AS between up routers.  The model cannot say what happens when failures split an AS in parts
(the parts cannot reach each other through other ASes, whose paths would hold their own AS
number): it raises :class:`~netsim.analysis.oracle.ModelUnavailable` for such a state.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping
from typing import Any

from netsim.analysis.oracle import Expected, ModelUnavailable, NetworkState, Tables
from netsim.numeric import EPS

CUSTOMER_ROUTE = "customer"
#: ``as_routes(dest_as, as_adjacency, as_role) -> (AS -> AS-path length, AS -> route class)``.
AsRoutes = Callable[[int, Mapping[int, list[int]], Mapping[tuple[int, int], Any]],
                    tuple[Mapping[int, int], Mapping[int, str]]]


class MultiRouterRouting:
    """The correct FIBs of BGP with ASes of several routers (see the module docstring).

    ``asn``: router -> AS number; ``rid``: router -> BGP identifier; ``role[(a, b)]``: b's role
    towards a on an inter-AS link (None without policy); ``policy`` ``gao_rexford`` or not;
    ``origins``: the routers that originate their loopback in BGP; ``as_routes``: the AS-level
    stable routing of one destination AS.
    """

    def __init__(self, routers: tuple[str, ...], asn: Mapping[str, int], rid: Mapping[str, int],
                 role: Mapping[tuple[str, str], str | None], policy: str, origins: frozenset[str],
                 as_routes: AsRoutes) -> None:
        self.routers = routers
        self.asn = dict(asn)
        self.rid = dict(rid)
        self.policy = policy
        self.origins = origins
        self.as_routes = as_routes
        self.members: dict[int, list[str]] = {}
        for r in routers:
            self.members.setdefault(self.asn[r], []).append(r)
        #: (A, B) -> B's role towards A, the same on every link between them.
        self.as_role: dict[tuple[int, int], str | None] = {}
        for (a, b), rel in sorted(role.items()):
            pair = (self.asn[a], self.asn[b])
            if pair[0] == pair[1]:
                continue
            if pair in self.as_role and self.as_role[pair] != rel:
                raise ModelUnavailable(f"gao_rexford model: the links between AS{pair[0]} and AS{pair[1]} disagree "
                                       f"on their relationship")
            self.as_role[pair] = rel

    # -- one network state ----------------------------------------------------------------------------
    def tables(self, state: NetworkState) -> Tables:
        down = state.down
        up = [r for r in self.routers if r not in down]
        inside: dict[str, dict[str, float]] = {r: {} for r in up}
        borders: dict[int, list[tuple[str, str]]] = {}
        as_adj: dict[int, set[int]] = {self.asn[r]: set() for r in up}
        for (a, b), ls in sorted(state.links.items()):
            if not ls.up or a in down or b in down:
                continue
            if self.asn[a] == self.asn[b]:
                inside[a][b] = ls.cost_ab
                inside[b][a] = ls.cost_ba
            else:
                borders.setdefault(self.asn[a], []).append((a, b))
                borders.setdefault(self.asn[b], []).append((b, a))
                as_adj[self.asn[a]].add(self.asn[b])
                as_adj[self.asn[b]].add(self.asn[a])
        self._check_whole(up, inside)
        dist = {r: _dijkstra(inside, r) for r in up}
        hops = {r: _first_hops(inside, dist, r) for r in up}
        out: dict[str, dict[str, Expected]] = {r: {} for r in up}
        for r in up:
            for x, d in dist[r].items():
                if x != r:
                    out[r][x] = Expected(d, frozenset(hops[r][x]))
        adj = {a: sorted(nbrs) for a, nbrs in as_adj.items()}
        for dest in self.routers:
            if dest in down or dest not in self.origins:
                continue
            home = self.asn[dest]
            length, kind = self.as_routes(home, adj, self.as_role)
            for a in sorted(length):
                if a == home:
                    continue
                self._exits(a, home, length, kind, borders.get(a, []), dist, hops, dest, out, down)
        return out

    def _check_whole(self, up: list[str], inside: Mapping[str, Mapping[str, float]]) -> None:
        """Refuse a state in which failures split an AS: the model does not cover it."""
        alive = set(up)
        for a, routers in sorted(self.members.items()):
            left = [r for r in routers if r in alive]
            if len(left) < 2:
                continue
            seen = {left[0]}
            stack = [left[0]]
            while stack:
                for n in inside[stack.pop()]:
                    if n not in seen:
                        seen.add(n)
                        stack.append(n)
            if len(seen) != len(left):
                apart = sorted(set(left) - seen)
                raise ModelUnavailable(f"gao_rexford model: failures split AS{a} ({', '.join(sorted(seen))} | "
                                       f"{', '.join(apart)}); routing across a split AS is not modelled")

    def _offers(self, a: int, home: int, length: Mapping[int, int], kind: Mapping[int, str],
                borders: list[tuple[str, str]]) -> dict[str, str]:
        """Border router of AS ``a`` -> the external neighbour whose route it takes (of the AS's
        class and length; lowest router ID among several)."""
        chosen: dict[str, str] = {}
        for b, e in borders:
            n = self.asn[e]
            if n != home and n not in length:
                continue
            if length.get(n, 0) + 1 != length[a]:
                continue
            if self.policy == "gao_rexford":
                learned = "own" if n == home else kind[n]
                if learned not in ("own", CUSTOMER_ROUTE) and self.as_role[(n, a)] != CUSTOMER_ROUTE:
                    continue  # valley-free: n passes on peer and provider routes only to its customers
                if self.as_role[(a, n)] != kind[a]:
                    continue  # a route of another class (LOCAL_PREF) than the AS's
            if b not in chosen or self.rid[e] < self.rid[chosen[b]]:
                chosen[b] = e
        return chosen

    def _exits(self, a: int, home: int, length: Mapping[int, int], kind: Mapping[int, str],
               borders: list[tuple[str, str]], dist: Mapping[str, Mapping[str, float]],
               hops: Mapping[str, Mapping[str, list[str]]], dest: str, out: dict[str, dict[str, Expected]],
               down: frozenset[str]) -> None:
        chosen = self._offers(a, home, length, kind, borders)
        cost = float(length[a])
        for r in self.members[a]:
            if r in down:
                continue
            if r in chosen:
                out[r][dest] = Expected(cost, frozenset((chosen[r],)))
                continue
            reachable = [b for b in chosen if b in dist[r]]
            if not reachable:
                continue
            exit_ = min(reachable, key=lambda b: (dist[r][b], self.rid[b]))
            out[r][dest] = Expected(cost, frozenset(hops[r][exit_]))


def _dijkstra(inside: Mapping[str, Mapping[str, float]], root: str) -> dict[str, float]:
    dist = {root: 0.0}
    heap = [(0.0, root)]
    done: set[str] = set()
    while heap:
        d, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        for v, c in inside[u].items():
            nd = d + c
            if v not in dist or nd < dist[v]:
                dist[v] = nd
                heapq.heappush(heap, (nd, v))
    return dist


def _first_hops(inside: Mapping[str, Mapping[str, float]], dist: Mapping[str, Mapping[str, float]],
                root: str) -> dict[str, list[str]]:
    """Every neighbour of ``root`` on some shortest path to each destination (ECMP)."""
    out: dict[str, list[str]] = {}
    for x, d in dist[root].items():
        if x == root:
            continue
        tol = EPS * max(1.0, d)
        out[x] = sorted(n for n, c in inside[root].items() if x in dist[n] and abs(c + dist[n][x] - d) <= tol)
    return out
