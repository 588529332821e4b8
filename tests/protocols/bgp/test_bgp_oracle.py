"""The Gao–Rexford model: a hand-worked example, and agreement with a brute-force fixed point."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bgp_properties import hierarchies

from netsim.analysis.labovitz import TDOWN, TLONG, TSHORT, TUP, classify_event, classify_route, event_class
from netsim.analysis.oracle import Expected, LinkState, NetworkState
from netsim.analysis.oracle.gao_rexford import GaoRexfordModel
from netsim.errors import NetsimError
from netsim.topology.addressing import Addressing
from netsim.topology.as_graph import add_p2c, add_p2p


def example() -> nx.Graph:
    """t1 and t2 are tier-1 peers; t1 sells transit to a and b, t2 to c; a and b to d; c to e;
    b and c peer."""
    g = nx.Graph()
    for i, n in enumerate(("a", "b", "c", "d", "e", "t1", "t2"), start=1):
        g.add_node(n, asn=i)
    add_p2p(g, "t1", "t2")
    for prov, cust in (("t1", "a"), ("t1", "b"), ("t2", "c"), ("a", "d"), ("b", "d"), ("c", "e")):
        add_p2c(g, prov, cust)
    add_p2p(g, "b", "c")
    return g


def exp(cost: int, hop: str) -> Expected:
    return Expected(float(cost), frozenset((hop,)))


def test_hand_worked_routes_to_d_and_e() -> None:
    """To d: a and b have customer routes (1 hop); t1 has two equal customer routes and takes a's
    (lower router ID); c takes its peer b's customer route (2); t2 its peer t1's (3); e learns c's
    peer route from its provider (3).  To e: c (1), t2 (2) by customer routes; b by its peer c (2);
    t1 by its peer t2 (3); a from its provider t1 (4); d prefers provider b's shorter route (3)."""
    g = example()
    tables = GaoRexfordModel(g).tables(NetworkState.initial(g))
    assert {r: tables[r]["d"] for r in tables if r != "d"} == {
        "a": exp(1, "d"), "b": exp(1, "d"), "t1": exp(2, "a"), "c": exp(2, "b"), "t2": exp(3, "t1"),
        "e": exp(3, "c")}
    assert {r: tables[r]["e"] for r in tables if r != "e"} == {
        "c": exp(1, "e"), "t2": exp(2, "c"), "b": exp(2, "c"), "t1": exp(3, "t2"), "a": exp(4, "t1"),
        "d": exp(3, "b")}


def test_valley_free_export_can_leave_routers_without_a_route() -> None:
    """p and q both peer with r but not with each other; x and y are their customers.  r learns y
    from its peer q and, valley-free, passes that peer route to customers only: p never hears of
    y, so neither does x, although the graph is connected."""
    g = nx.Graph()
    for i, n in enumerate(("p", "q", "r", "x", "y"), start=1):
        g.add_node(n, asn=i)
    add_p2c(g, "p", "x")
    add_p2c(g, "q", "y")
    add_p2p(g, "p", "r")
    add_p2p(g, "q", "r")
    tables = GaoRexfordModel(g).tables(NetworkState.initial(g))
    assert tables["r"]["y"] == exp(2, "q")
    assert "y" not in tables["p"] and "y" not in tables["x"] and "x" not in tables["y"]
    assert tables["x"]["r"] == exp(2, "p")   # r's own route goes to its peers


def test_failed_links_and_crashed_routers_are_respected() -> None:
    g = example()
    links = dict(NetworkState.initial(g).links)
    links[("b", "c")] = LinkState(False, 1, 1)
    tables = GaoRexfordModel(g).tables(NetworkState(links, frozenset({"a"})))
    assert "a" not in tables and "a" not in tables["d"]
    assert tables["c"]["d"] == exp(4, "t2")   # up to t2, across to t1, down via b (a is down)


def test_refuses_what_it_does_not_model() -> None:
    g = example()
    g.nodes["a"]["bgp"] = {"neighbors": {"d": {"local_pref": 300}}}
    with pytest.raises(NetsimError, match="per-neighbour BGP policy"):
        GaoRexfordModel(g)
    cyc = example()
    add_p2c(cyc, "d", "t1")
    with pytest.raises(NetsimError, match="customer–provider cycle"):
        GaoRexfordModel(cyc)
    with pytest.raises(NetsimError, match="lp_customer > lp_peer > lp_provider"):
        GaoRexfordModel(example(), {"lp_peer": 10})


# -- agreement with a brute-force fixed point -------------------------------------------------------
RANK = {"customer": 0, "peer": 1, "provider": 2}


def brute_force(g: nx.Graph, up: set[tuple[str, str]], down: set[str]) -> dict[str, dict[str, tuple[str, ...]]]:
    """Gauss–Seidel best response until nothing changes: every AS takes, among what its neighbours
    export to it (valley-free), the most preferred (customer < peer < provider, then shorter, then
    lower router ID) loop-free path.  Gao–Rexford guarantees this reaches the stable routing."""
    addr = Addressing.of_graph(g)
    rid = {r: int(addr.router_id(r)) for r in g}
    role = {}
    for a, b, e in g.edges(data=True):
        if e["relationship"] == "p2p":
            role[(a, b)] = role[(b, a)] = "peer"
        else:
            prov = e["provider"]
            cust = b if prov == a else a
            role[(prov, cust)], role[(cust, prov)] = "customer", "provider"
    alive = [x for x in sorted(g) if x not in down]
    nbrs = {x: [y for y in g[x] if y not in down and tuple(sorted((x, y))) in up] for x in alive}
    out: dict[str, dict[str, tuple[str, ...]]] = {x: {} for x in alive}
    for d in alive:
        route: dict[str, tuple[tuple[str, ...], str] | None] = dict.fromkeys(alive)
        changed = True
        while changed:
            changed = False
            for x in alive:
                if x == d:
                    continue
                best = None
                for y in nbrs[x]:
                    if y == d:
                        path, kind_y = (d,), "own"
                    elif route[y] is None:
                        continue
                    else:
                        rest, kind_y = route[y]  # type: ignore[misc]
                        path = (y, *rest)
                    if x in path or not (kind_y in ("own", "customer") or role[(y, x)] == "customer"):
                        continue
                    key = (RANK[role[(x, y)]], len(path), rid[y])
                    if best is None or key < best[0]:
                        best = (key, path, role[(x, y)])
                new = None if best is None else (best[1], best[2])
                if new != route[x]:
                    route[x] = new
                    changed = True
        for x in alive:
            if x != d and route[x] is not None:
                out[x][d] = route[x][0]  # type: ignore[index]
    return out


@settings(max_examples=30)
@given(hierarchies(max_n=14), st.data())
def test_three_phases_agree_with_brute_force(g: nx.Graph, data: st.DataObject) -> None:
    edges = sorted(tuple(sorted(e)) for e in g.edges)
    up = set(data.draw(st.lists(st.sampled_from(edges), unique=True, min_size=len(edges) // 2)))
    down = set(data.draw(st.lists(st.sampled_from(sorted(g)), max_size=2, unique=True)))
    state = NetworkState({e: LinkState(e in up, 1, 1) for e in edges}, frozenset(down))
    model = GaoRexfordModel(g).routes(state)
    truth = brute_force(g, up, down)
    assert {x: {d: r.path for d, r in t.items()} for x, t in model.items()} == truth


# -- Labovitz classes ------------------------------------------------------------------------------
def test_route_classes() -> None:
    one, two = exp(1, "a"), exp(2, "b")
    assert classify_route(None, one) == TUP and classify_route(one, None) == TDOWN
    assert classify_route(two, one) == TSHORT and classify_route(one, two) == TLONG
    assert classify_route(one, exp(1, "c")) is None and classify_route(None, None) is None


def test_event_classes_from_model_states() -> None:
    g = example()
    model = GaoRexfordModel(g)
    base = NetworkState.initial(g)
    before = model.tables(base)
    crashed = model.tables(NetworkState(base.links, frozenset({"e"})))
    assert classify_event(before, crashed) == {"e": TDOWN}                # e's prefix is withdrawn
    assert event_class(classify_event(crashed, before)) == TUP             # and comes back
    links = dict(base.links)
    links[("b", "c")] = LinkState(False, 1, 1)
    cut = model.tables(NetworkState(links, frozenset()))
    per_dest = classify_event(before, cut)
    assert per_dest["d"] == TLONG and per_dest["e"] == TLONG              # c and b lose their peer route
    assert set(classify_event(cut, before).values()) == {TSHORT}          # repair shortens them again
    assert event_class(per_dest) == TLONG and event_class({}) is None
