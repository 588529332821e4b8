"""Prefixes and per-direction costs, against hand-worked tables and an independent oracle
(networkx's Dijkstra on a directed graph)."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netgraphs import draw_network

from netsim import parse_scenario, simulate
from netsim.analysis.replay import world_at
from netsim.scenario import Scenario

OPTIONS = {"linkstate": {"hello_interval": 1, "dead_interval": 4},
           "distvector": {"update_interval": 5, "timeout": 15, "garbage": 10}}


def test_an_anycast_prefix_is_reached_through_the_nearest_origin() -> None:
    """Line a–b–c–d, the prefix at a and at d (metric 1 there): b goes to a (cost 1), c to d
    (1 + 1 = 2 beats 2 + 0 = 2? a tie: both), d and a have no entry (local)."""
    sc = parse_scenario("""
topology: {links: [[a, b], [b, c], [c, d]]}
prefixes: {a: [10.9.0.0/16], d: [{prefix: 10.9.0.0/16, metric: 1}]}
protocols: [linkstate]
""")
    res = simulate(sc, "linkstate")
    tables = res.metrics.final_tables
    assert tables["b"]["10.9.0.0/16"].cost == 1 and tables["b"]["10.9.0.0/16"].next_hops == ("a",)
    assert tables["c"]["10.9.0.0/16"].cost == 2 and tables["c"]["10.9.0.0/16"].next_hops == ("b", "d")
    assert "10.9.0.0/16" not in tables["a"] and "10.9.0.0/16" not in tables["d"]
    assert res.metrics.initial_convergence is not None


@pytest.mark.parametrize("protocol", ["linkstate", "distvector", "static"])
def test_asymmetric_costs_route_each_direction_on_its_own(protocol: str) -> None:
    """Triangle; r1→r2 costs 1 but r2→r1 costs 10, r2→r3→r1 costs 2: r1 goes direct, r2 around."""
    sc = parse_scenario(f"""
topology:
  links:
    - {{a: r1, b: r2, cost: {{r1: 1, r2: 10}}}}
    - [r2, r3, 1]
    - [r3, r1, 1]
protocols: {{{protocol}: {OPTIONS.get(protocol, {})}}}
""")
    res = simulate(sc, protocol)
    t = res.metrics.final_tables
    assert (t["r1"]["r2"].next_hops, t["r1"]["r2"].cost) == (("r2",), 1)
    assert (t["r2"]["r1"].next_hops, t["r2"]["r1"].cost) == (("r3",), 2)
    assert res.metrics.initial_convergence is not None


@st.composite
def networks(draw, max_nodes=12):
    g = draw_network(draw, max_nodes, 3)
    return Scenario(name="random", graph=g, protocols={}, events=(), seed=draw(st.integers(0, 999)))


def expected(g: nx.Graph) -> dict[str, dict[str, float]]:
    """Shortest-path costs to routers and prefixes, on a directed copy (independent of netsim)."""
    d = nx.DiGraph()
    for u, v, data in g.edges(data=True):
        per = data.get("costs") or {u: data["cost"], v: data["cost"]}
        d.add_edge(u, v, w=per[u])
        d.add_edge(v, u, w=per[v])
    dist = dict(nx.all_pairs_dijkstra_path_length(d, weight="w"))
    out: dict[str, dict[str, float]] = {}
    for r in g.nodes:
        row = {x: c for x, c in dist[r].items() if x != r}
        own = {p for p, _m in g.nodes[r].get("prefixes", ())}
        for o in g.nodes:
            for p, m in g.nodes[o].get("prefixes", ()):
                if p in own:
                    continue
                c = dist[r][o] + m
                row[p] = min(row.get(p, c), c)
        out[r] = row
    return out


@settings(max_examples=15)
@given(sc=networks(), protocol=st.sampled_from(["linkstate", "distvector"]))
def test_final_costs_equal_directed_shortest_paths_with_prefixes(sc: Scenario, protocol: str) -> None:
    res = simulate(sc, protocol, options=OPTIONS[protocol])
    want = expected(sc.graph)
    world = world_at(sc.graph, res.trace, res.trace.end_time)
    for r in sc.graph.nodes:
        got = {d: route.cost for d, route in world.fibs[r].items()}
        reach = {d: c for d, c in want[r].items() if protocol != "distvector" or c < 16}
        assert got == pytest.approx(reach), r
