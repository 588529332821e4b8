"""SPF against networkx's shortest paths, the two-way check, and ECMP."""

from __future__ import annotations

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from netsim.protocols.common.spf import spf


def lsdb_of(g: nx.Graph) -> dict[str, dict[str, float]]:
    return {u: {v: d["cost"] for v, d in g[u].items()} for u in g}


def test_ecmp_square_keeps_both_first_hops():
    g = nx.Graph()
    g.add_edge("a", "b", cost=1)
    g.add_edge("a", "c", cost=1)
    g.add_edge("b", "d", cost=1)
    g.add_edge("c", "d", cost=1)
    assert spf(lsdb_of(g), "a")["d"] == (2.0, ("b", "c"))


def test_two_way_check_drops_a_link_only_one_side_lists():
    lsdb = {"a": {"b": 1, "c": 5}, "b": {"a": 1, "c": 1}, "c": {"a": 5}}  # c no longer lists b
    res = spf(lsdb, "a")
    assert res["c"] == (5.0, ("c",))


def test_router_without_lsa_is_unreachable():
    assert spf({"a": {"b": 1}}, "a") == {}


@st.composite
def connected_graphs(draw):
    n = draw(st.integers(2, 14))
    g = nx.Graph()
    g.add_nodes_from(f"n{i}" for i in range(n))
    for i in range(1, n):  # a random spanning tree keeps it connected
        j = draw(st.integers(0, i - 1))
        g.add_edge(f"n{i}", f"n{j}", cost=draw(st.integers(1, 4)))
    for _ in range(draw(st.integers(0, n))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if a != b:
            g.add_edge(f"n{a}", f"n{b}", cost=draw(st.integers(1, 4)))
    return g


@given(connected_graphs())
def test_spf_matches_networkx_costs_and_every_first_hop(g):
    lsdb = lsdb_of(g)
    for root in sorted(g.nodes)[:3]:
        res = spf(lsdb, root)
        dist = nx.single_source_dijkstra_path_length(g, root, weight="cost")
        assert set(res) == set(dist) - {root}
        for dest, (cost, hops) in res.items():
            assert cost == dist[dest]
            expected = sorted({p[1] for p in nx.all_shortest_paths(g, root, dest, weight="cost")})
            assert list(hops) == expected
