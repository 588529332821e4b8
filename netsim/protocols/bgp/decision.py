"""The BGP decision process (RFC 4271 §9.1.2.2) as a chain of named, pure narrowing steps.

Each step takes the candidate routes still in the running and keeps the best of them by one
criterion.  :func:`best` runs the steps in order and stops as soon as one route is left,
returning it with the name of the step that decided, so narration can say *why* ("shortest
AS path").  Steps, in order:

1. highest LOCAL_PREF (§9.1.1, the degree of preference);
2. shortest AS_PATH (§9.1.2.2 a);
3. lowest ORIGIN, IGP < EGP < INCOMPLETE (§9.1.2.2 b);
4. lowest MULTI_EXIT_DISC, compared only between routes from the same neighbouring AS; a route
   without MED counts as MED 0 (§9.1.2.2 c) -- this step is not a total order, which is why the
   process is a chain of set filters and not a sort key;
5. eBGP-learned over iBGP-learned (§9.1.2.2 d);
6. lowest IGP cost to the NEXT_HOP (§9.1.2.2 e);
7. lowest BGP identifier of the advertising router (§9.1.2.2 f);
8. lowest peer address (§9.1.2.2 g).

Routes whose AS_PATH contains our own AS never get here (§9.1.2, loop prevention at import).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from netsim.protocols.bgp.route import BgpRoute

Step = Callable[[list[BgpRoute]], list[BgpRoute]]

ONLY_ROUTE = "only route"
LOCAL_PREF = "highest local preference"
AS_PATH = "shortest AS path"
ORIGIN = "lowest origin"
MED = "lowest MED"
EBGP = "eBGP over iBGP"
IGP_COST = "lowest IGP cost to next hop"
ROUTER_ID = "lowest router ID"
PEER_ADDRESS = "lowest peer address"


def _keep_min(cands: list[BgpRoute], key: Callable[[BgpRoute], float]) -> list[BgpRoute]:
    low = min(key(r) for r in cands)
    return [r for r in cands if key(r) == low]


def prefer_local_pref(cands: list[BgpRoute]) -> list[BgpRoute]:
    return _keep_min(cands, lambda r: -r.local_pref)


def prefer_short_as_path(cands: list[BgpRoute]) -> list[BgpRoute]:
    return _keep_min(cands, lambda r: len(r.as_path))


def prefer_low_origin(cands: list[BgpRoute]) -> list[BgpRoute]:
    return _keep_min(cands, lambda r: r.origin)


def prefer_low_med(cands: list[BgpRoute]) -> list[BgpRoute]:
    """Drop every route some other route *from the same neighbouring AS* beats on MED."""
    lowest: dict[int, int] = {}
    for r in cands:
        med = r.med or 0
        if med < lowest.get(r.peer_asn, med + 1):
            lowest[r.peer_asn] = med
    return [r for r in cands if (r.med or 0) == lowest[r.peer_asn]]


def prefer_ebgp(cands: list[BgpRoute]) -> list[BgpRoute]:
    return _keep_min(cands, lambda r: 0 if r.ebgp else 1)


def prefer_low_igp_cost(cands: list[BgpRoute]) -> list[BgpRoute]:
    return _keep_min(cands, lambda r: r.igp_cost)


def prefer_low_router_id(cands: list[BgpRoute]) -> list[BgpRoute]:
    return _keep_min(cands, lambda r: r.peer_id)


def prefer_low_peer_address(cands: list[BgpRoute]) -> list[BgpRoute]:
    return _keep_min(cands, lambda r: r.peer_address)


STEPS: tuple[tuple[str, Step], ...] = (
    (LOCAL_PREF, prefer_local_pref),
    (AS_PATH, prefer_short_as_path),
    (ORIGIN, prefer_low_origin),
    (MED, prefer_low_med),
    (EBGP, prefer_ebgp),
    (IGP_COST, prefer_low_igp_cost),
    (ROUTER_ID, prefer_low_router_id),
    (PEER_ADDRESS, prefer_low_peer_address),
)


def best(candidates: Sequence[BgpRoute]) -> tuple[BgpRoute | None, str]:
    """The best route and the rule that decided (``only route`` when there was no contest)."""
    if not candidates:
        return None, ""
    if len(candidates) == 1:
        return candidates[0], ONLY_ROUTE
    cands = list(candidates)
    for rule, narrow in STEPS:
        cands = narrow(cands)
        if len(cands) == 1:
            return cands[0], rule
    return cands[0], PEER_ADDRESS  # two routes from one peer address cannot coexist


def best_explained(candidates: Sequence[BgpRoute]) -> tuple[BgpRoute | None, str, str]:
    """:func:`best` with the figures behind the deciding step when it compares IGP costs
    (``"2 < 5"``: the winner's cost and the best of the others), else ``""``."""
    route, rule = best(candidates)
    if rule != IGP_COST or route is None:
        return route, rule, ""
    cands = list(candidates)
    for name, narrow in STEPS:
        if name == IGP_COST:
            break
        cands = narrow(cands)
    others = [r.igp_cost for r in cands if r is not route]
    return route, rule, f"{_figure(route.igp_cost)} < {_figure(min(others))}" if others else ""


def _figure(x: float) -> str:
    return f"{x:g}"


def rank_key(r: BgpRoute) -> tuple[float, ...]:
    """The decision process as one sort key -- valid only when no candidate carries a MED, which
    is then the only step that is not a plain comparison (a missing MED counts as 0 for all)."""
    return (-r.local_pref, len(r.as_path), r.origin, 0 if r.ebgp else 1, r.igp_cost, r.peer_id, r.peer_address)


def best_route(candidates: Sequence[BgpRoute]) -> BgpRoute | None:
    """The same winner as :func:`best` without naming the rule: one ``min`` when no candidate has
    a MED (the common case, and the hot path of large runs), the full chain otherwise."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    for r in candidates:
        if r.med is not None:
            return best(candidates)[0]
    return min(candidates, key=rank_key)
