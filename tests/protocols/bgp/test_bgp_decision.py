"""The decision process: each RFC 4271 §9.1.2.2 step decides when the earlier ones tie."""

from __future__ import annotations

from dataclasses import replace

from netsim.protocols.bgp import decision
from netsim.protocols.bgp.messages import EGP, IGP, INCOMPLETE
from netsim.protocols.bgp.route import PEER, BgpRoute


def route(peer: str, path: tuple[int, ...], *, lp: int = 100, rid: int = 1, **kw) -> BgpRoute:
    return BgpRoute(path, lp, peer, path[0], rid, rid, PEER, **kw)


def test_no_candidates_and_a_single_candidate() -> None:
    assert decision.best([]) == (None, "")
    r = route("a", (1,))
    assert decision.best([r]) == (r, decision.ONLY_ROUTE)


def test_local_preference_beats_a_shorter_path() -> None:
    short, preferred = route("a", (1,), rid=1), route("b", (2, 3, 1), lp=200, rid=2)
    assert decision.best([short, preferred]) == (preferred, decision.LOCAL_PREF)


def test_shortest_as_path() -> None:
    long, short = route("a", (1, 2, 3), rid=1), route("b", (4, 3), rid=2)
    assert decision.best([long, short]) == (short, decision.AS_PATH)


def test_lowest_origin() -> None:
    inc, egp, igp = (route(p, (i, 9), rid=i, origin=o) for p, i, o in
                     (("a", 1, INCOMPLETE), ("b", 2, EGP), ("c", 3, IGP)))
    assert decision.best([inc, egp, igp]) == (igp, decision.ORIGIN)


def test_med_is_compared_only_between_routes_from_the_same_neighbour_as() -> None:
    """RFC 4271 §9.1.2.2 c: x (AS1, MED 10) loses to y (AS1, MED 5); z (AS2, MED 50) is not
    compared with either, survives the MED step, and wins on router ID."""
    x = BgpRoute((1, 9), 100, "x", 1, 30, 30, PEER, med=10)
    y = BgpRoute((1, 9), 100, "y", 1, 20, 20, PEER, med=5)
    z = BgpRoute((2, 9), 100, "z", 2, 10, 10, PEER, med=50)
    assert decision.prefer_low_med([x, y, z]) == [y, z]
    assert decision.best([x, y, z]) == (z, decision.ROUTER_ID)
    # without z, MED decides between the two routes from AS1
    assert decision.best([x, y]) == (y, decision.MED)


def test_missing_med_counts_as_zero() -> None:
    a = BgpRoute((1, 9), 100, "a", 1, 9, 9, PEER, med=3)
    b = BgpRoute((1, 9), 100, "b", 1, 8, 8, PEER)
    assert decision.best([a, b]) == (b, decision.MED)


def test_ebgp_over_ibgp_then_igp_cost_then_router_id_then_address() -> None:
    e = route("a", (1, 9), rid=5)
    i = replace(route("b", (1, 9), rid=1), ebgp=False)
    assert decision.best([e, i]) == (e, decision.EBGP)
    near, far = replace(route("a", (1, 9), rid=5), igp_cost=1.0), replace(route("b", (2, 9), rid=1), igp_cost=2.0)
    assert decision.best([near, far]) == (near, decision.IGP_COST)
    low, high = route("a", (1, 9), rid=1), route("b", (2, 9), rid=2)
    assert decision.best([high, low]) == (low, decision.ROUTER_ID)
    one = BgpRoute((1, 9), 100, "a", 1, 7, 11, PEER)
    two = BgpRoute((1, 9), 100, "b", 1, 7, 10, PEER)
    assert decision.best([one, two]) == (two, decision.PEER_ADDRESS)


def test_the_outcome_does_not_depend_on_candidate_order() -> None:
    cands = [route(p, path, rid=rid) for p, path, rid in (("a", (1, 2), 3), ("b", (3, 2), 1), ("c", (4,), 2))]
    results = {decision.best(order)[0] for order in (cands, cands[::-1], cands[1:] + cands[:1])}
    assert results == {cands[2]}
