"""The converged BGP routing of the initial topology, for warm starts (option ``warm_start``).

Why: a cold start of N ASes that each originate a prefix sends every prefix over nearly every
session -- millions of UPDATEs for a thousand ASes -- before the failure a study is about.  The
state it ends in is the stable routing, which the protocol's own rules determine.  This module
computes it once, per prefix, by propagating best routes with exactly the speaker's import
policy, export policy and decision process (:func:`~netsim.protocols.bgp.speaker.import_route`,
:func:`~netsim.protocols.bgp.speaker.exports`, :func:`~netsim.protocols.bgp.decision.best`) until
nothing changes -- no messages, no timers.  Policies without a stable routing (BAD GADGET) never
settle, and are refused.

The result is compact -- each router's next hop and AS-path length per prefix, in two arrays --
and shared by all routers.  A speaker materialises its RIBs for a prefix from it only when
something about that prefix first reaches it (:meth:`WarmSnapshot.routes_at`), so after one
failure the routers and prefixes it never touches cost nothing.  Routers restarting later boot
cold.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from netsim.errors import NetsimError
from netsim.protocols.bgp import decision
from netsim.protocols.bgp.config import NeighborConfig, SpeakerConfig
from netsim.protocols.bgp.policy import SSLD_OFF, SSLD_PATH, SSLD_SOURCE, import_local_pref, may_export
from netsim.protocols.bgp.route import CUSTOMER, OWN, PEER, PROVIDER, UNSPECIFIED, BgpRoute, own_route
from netsim.protocols.bgp.speaker import exports, import_route
from netsim.trace import FibTable

NO_ROUTE, ORIGIN = -1, -2
#: Give up on a prefix after this many best-route changes per router (a policy dispute).
MAX_CHANGES_PER_ROUTER = 50


def _no_igp(_next_hop: str) -> float:
    return 0.0


@dataclass
class WarmSnapshot:
    """Every router's converged BGP routes, computed without messages, as arrays per prefix."""

    routers: list[str]
    index: dict[str, int]
    prefixes: list[str]
    pindex: dict[str, int]
    origin: list[int]
    #: [prefix, router]: index of the router's next hop, NO_ROUTE, or ORIGIN
    hop: np.ndarray
    #: [prefix, router]: AS-path length of the router's best route (0 without one)
    length: np.ndarray
    configs: Mapping[str, SpeakerConfig]
    _cache: dict[tuple[int, int], BgpRoute | None] = field(default_factory=dict, repr=False)

    def route(self, prefix: str, router: str) -> BgpRoute | None:
        """The best route ``router`` holds for ``prefix`` in the stable state (built on demand from
        the next hops, remembered: neighbouring routers ask for the same ones)."""
        return self._route(self.pindex[prefix], self.index[router])

    def _route(self, pi: int, ri: int) -> BgpRoute | None:
        key = (pi, ri)
        if key in self._cache:
            return self._cache[key]
        h = int(self.hop[pi, ri])
        if h == ORIGIN:
            route: BgpRoute | None = own_route()
        elif h == NO_ROUTE:
            route = None
        else:
            upstream = self._route(pi, h)
            assert upstream is not None
            route = self.offer(self.prefixes[pi], self.routers[h], self.routers[ri], upstream)
        self._cache[key] = route
        return route

    def via(self, router: str, neighbor: str) -> list[str]:
        """The prefixes whose stable best route at ``router`` comes from ``neighbor``."""
        col = self.hop[:, self.index[router]]
        return [self.prefixes[i] for i in np.flatnonzero(col == self.index[neighbor]).tolist()]

    def offer(self, prefix: str, sender: str, receiver: str, route: BgpRoute) -> BgpRoute | None:
        """What ``receiver`` stores after ``sender`` exports its best ``route`` (None: nothing)."""
        scfg, rcfg = self.configs[sender], self.configs[receiver]
        out_nb = scfg.neighbors[receiver]
        if not exports(scfg, route, out_nb, prefix):
            return None
        return import_route(rcfg, rcfg.neighbors[sender], prefix, (scfg.asn, *route.as_path), out_nb.local_address,
                            route.origin, out_nb.med, None, _no_igp)[0]

    def table(self, router: str) -> FibTable:
        """The router's FIB in the stable state, as a column table for ``RouterPort.preload``."""
        ri = self.index[router]
        nbrs = sorted(self.configs[router].neighbors)
        lut = np.full(len(self.routers) + 2, -1, dtype=np.int32)  # -1/-2 wrap to the last two: no entry
        for k, nb in enumerate(nbrs):
            lut[self.index[nb]] = k
        hops = self.hop[:, ri]
        choice = lut[hops]
        return FibTable(self.prefixes, self.pindex, self.length[:, ri].astype(np.float64), choice,
                        [(nb,) for nb in nbrs])


def plain(configs: Mapping[str, SpeakerConfig]) -> bool:
    """Whether no router has per-neighbour policy (filters, LOCAL_PREF overrides, MEDs, iBGP): then
    a route's rank is a plain key and :func:`compute` can use its fast path."""
    return all(nb.import_filter is None and nb.export_filter is None and nb.local_pref is None and nb.med is None
               and nb.ebgp for cfg in configs.values() for nb in cfg.neighbors.values())


def compute(configs: Mapping[str, SpeakerConfig], *, fast: bool | None = None) -> WarmSnapshot:
    """The stable routing of every originated prefix (see the module docstring).

    ``fast`` (default: whenever :func:`plain` holds) ranks candidates as tuples instead of building
    route records, and settles the routers that relay no learned route (under Gao–Rexford: those
    without customers, most of the Internet) for all prefixes at once with array operations once
    the relays are settled -- nobody depends on their choice.  It gives the same routing as the
    general path, which the tests check."""
    if fast is None:
        fast = plain(configs)
    routers = sorted(configs)
    index = {r: i for i, r in enumerate(routers)}
    prefixes = [p for r in routers for p in configs[r].originate]
    origin = [index[r] for r in routers for _ in configs[r].originate]
    pindex = {p: i for i, p in enumerate(prefixes)}
    hop = np.full((len(prefixes), len(routers)), NO_ROUTE, dtype=np.int32)
    length = np.zeros((len(prefixes), len(routers)), dtype=np.int16)
    kind = np.zeros((len(prefixes), len(routers)), dtype=np.int8)
    # per router r: (neighbour n, r's configuration of n (export side), n's configuration of r (import side))
    links = {r: [(n, configs[r].neighbors[n], configs[n].neighbors[r]) for n in sorted(configs[r].neighbors)]
             for r in routers}
    limit = MAX_CHANGES_PER_ROUTER * max(1, len(routers))
    # Routers that pass no learned route on to anyone (under Gao–Rexford: those without customers)
    # need their best route, but nobody needs to hear about its changes.
    relays = {r for r in routers if any(may_export(a.relationship, b.relationship, configs[r].options.policy)
                                        for a in configs[r].neighbors.values() for b in configs[r].neighbors.values())}
    if fast:
        table = _fast_links(configs, links, relays)
        solve = lambda c, lk, rl, p, src, lim: _solve_fast(c, table, rl, p, src, lim)  # noqa: E731
    else:
        solve = _solve_general
    for pi, prefix in enumerate(prefixes):
        src = routers[origin[pi]]
        for r, (nxt, hops, k) in solve(configs, links, relays, prefix, src, limit).items():
            ri = index[r]
            kind[pi, ri] = KIND_CODE[k]
            if nxt is None:
                hop[pi, ri] = ORIGIN
            else:
                hop[pi, ri] = index[nxt]
                length[pi, ri] = hops
    if fast:
        _settle_leaves(configs, links, relays, index, np.asarray(origin), hop, length, kind)
    return WarmSnapshot(routers, index, prefixes, pindex, origin, hop, length, configs)


#: Where a route was learned, as the small integers of the ``kind`` array.
KINDS = (OWN, CUSTOMER, PEER, PROVIDER, UNSPECIFIED)
KIND_CODE = {k: i for i, k in enumerate(KINDS)}


def _settle_leaves(configs: Mapping[str, SpeakerConfig], links: Links, relays: set[str], index: Mapping[str, int],
                   origin: np.ndarray, hop: np.ndarray, length: np.ndarray, kind: np.ndarray) -> None:
    """Best routes of the routers that relay nothing, for every prefix at once, from their
    neighbours' settled ones: the same comparison as :func:`decision.rank_key` (LOCAL_PREF, then
    path length, then the neighbour's router ID; origin, eBGP and IGP cost are equal here).  A
    leaf's own AS can be on a neighbour's path only for its own prefix (it passes on nothing
    else), so loop prevention and sender-side loop checks reduce to skipping that prefix."""
    for x, rows in links.items():
        if x in relays:
            continue
        xi = index[x]
        xcfg = configs[x]
        own = origin == xi
        best_lp = np.full(len(origin), np.iinfo(np.int64).min, dtype=np.int64)
        best_len = np.zeros(len(origin), dtype=np.int64)
        best_id = np.zeros(len(origin), dtype=np.int64)
        best_hop = np.full(len(origin), NO_ROUTE, dtype=np.int32)
        best_kind = np.zeros(len(origin), dtype=np.int8)
        for n, in_nb, out_nb in rows:  # in_nb: x's view of n (import); out_nb: n's view of x (export)
            ni = index[n]
            allowed = np.array([may_export(k, out_nb.relationship, configs[n].options.policy) for k in KINDS])
            has = (hop[:, ni] != NO_ROUTE) & allowed[kind[:, ni]] & ~own
            lp = import_local_pref(in_nb.relationship, xcfg.options.policy, xcfg.options.prefs, None)
            plen = length[:, ni].astype(np.int64) + 1
            better = has & ((lp > best_lp) | ((lp == best_lp) & ((plen < best_len) | (
                (plen == best_len) & (in_nb.router_id < best_id)))))
            best_lp[better] = lp
            best_len[better] = plen[better]
            best_id[better] = in_nb.router_id
            best_hop[better] = ni
            best_kind[better] = KIND_CODE[in_nb.relationship]
        rows_x = ~own
        hop[rows_x, xi] = best_hop[rows_x]
        length[rows_x, xi] = np.where(best_hop[rows_x] >= 0, best_len[rows_x], 0)
        kind[rows_x, xi] = best_kind[rows_x]


Links = Mapping[str, list[tuple[str, NeighborConfig, NeighborConfig]]]
#: router -> (next hop, None at the origin; AS-path length; where the route was learned)
Solution = dict[str, tuple[str | None, int, str]]


def _unsettled(prefix: str) -> NetsimError:
    return NetsimError(f"bgp warm_start: routing to {prefix} does not settle (a policy dispute such as BAD GADGET "
                       f"has no stable routing); start cold instead")


def _solve_general(configs: Mapping[str, SpeakerConfig], links: Links, relays: set[str], prefix: str, src: str,
                   limit: int) -> Solution:
    """Propagate best routes from ``src`` with the speaker's own policy functions until stable;
    returns every router's (next hop, AS-path length), next hop None at the origin."""
    best: dict[str, BgpRoute] = {src: own_route()}
    cands: dict[str, dict[str, BgpRoute]] = {}
    queue = deque([src])
    changes = 0
    while queue:
        n = queue.popleft()
        rn = best.get(n)
        ncfg = configs[n]
        for x, out_nb, in_nb in links[n]:
            if x == src:
                continue
            new = None
            if rn is not None and exports(ncfg, rn, out_nb, prefix):
                new = import_route(configs[x], in_nb, prefix, (ncfg.asn, *rn.as_path), out_nb.local_address,
                                   rn.origin, out_nb.med, None, _no_igp)[0]
            cx = cands.get(x)
            if cx is None:
                cx = cands[x] = {}
            if cx.get(n) == new:
                continue
            if new is None:
                del cx[n]
            else:
                cx[n] = new
            b = decision.best_route(list(cx.values()))
            if b != best.get(x):
                if b is None:
                    del best[x]
                else:
                    best[x] = b
                if x in relays:
                    queue.append(x)
                changes += 1
        if changes > limit:
            raise _unsettled(prefix)
    return {r: (route.peer, len(route.as_path), route.learned_from) for r, route in best.items()}


def _solve_fast(configs: Mapping[str, SpeakerConfig], fast: Mapping[str, list[tuple]], relays: set[str],
                prefix: str, src: str, limit: int) -> Solution:
    """:func:`_solve_general` for configurations without per-neighbour policy: a candidate is the
    tuple (:func:`decision.rank_key` of the route it would be, AS path, learned from, neighbour), so
    the best is a ``min`` and no route record is built.  Valid because :func:`plain` rules out
    every step a tuple cannot express (filters, overrides, MEDs, iBGP)."""
    ssld = next(iter(configs.values())).options.ssld if configs else SSLD_OFF
    best: dict[str, tuple] = {src: ((), (), OWN, None)}
    cands: dict[str, dict[str, tuple]] = {}
    queue = deque([src])
    changes = 0
    while queue:
        n = queue.popleft()
        bn = best.get(n)
        if bn is not None:
            _, path_n, kind_n, from_n = bn
            out_path = (configs[n].asn, *path_n)
        for x, x_asn, allowed, lp, learned, pid, paddr in fast[n]:
            if x == src:
                continue
            new = None
            if bn is not None and kind_n in allowed and x_asn not in out_path \
                    and not (ssld == SSLD_SOURCE and x == from_n) and not (ssld == SSLD_PATH and x_asn in path_n):
                new = ((-lp, len(out_path), 0, 0, 0.0, pid, paddr), out_path, learned, n)
            cx = cands.get(x)
            if cx is None:
                cx = cands[x] = {}
            if cx.get(n) == new:
                continue
            if new is None:
                del cx[n]
            else:
                cx[n] = new
            cur = best.get(x)
            # a total order: only a better offer, or a change to the current best's own entry, can move it
            if new is not None and (cur is None or new < cur):
                b = new
            elif cur is not None and cur[3] == n:
                b = min(cx.values()) if cx else None
            else:
                continue
            if b != cur:
                if b is None:
                    del best[x]
                else:
                    best[x] = b
                if x in relays:
                    queue.append(x)
                changes += 1
        if changes > limit:
            raise _unsettled(prefix)
    return {r: (b[3], len(b[1]), b[2]) for r, b in best.items()}


def _fast_links(configs: Mapping[str, SpeakerConfig], links: Links, relays: set[str]) -> dict[str, list[tuple]]:
    """Per sender n, per relaying neighbour x: what the fast path needs to know about the session
    n → x (sessions towards routers that relay nothing are settled later, all prefixes at once)."""
    out: dict[str, list[tuple]] = {}
    for n, rows in links.items():
        policy = configs[n].options.policy
        lst = []
        for x, out_nb, in_nb in rows:
            if x not in relays:
                continue
            xcfg = configs[x]
            allowed = frozenset(k for k in KINDS if may_export(k, out_nb.relationship, policy))
            lp = import_local_pref(in_nb.relationship, xcfg.options.policy, xcfg.options.prefs, None)
            lst.append((x, xcfg.asn, allowed, lp, in_nb.relationship, in_nb.router_id, in_nb.address_int))
        out[n] = lst
    return out
