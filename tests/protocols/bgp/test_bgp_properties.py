"""Property test: on random valley-free AS hierarchies, BGP settles on the Gao–Rexford routing.

After every quiet period -- cold start (announcements), an origin crashing (Tdown) or coming back
(Tup), links failing silently or with carrier loss and being repaired -- every router's FIB must
equal the unique stable routing the independent model computes for that network state.
"""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from netsim.analysis.oracle.compare import mismatches
from netsim.analysis.oracle.gao_rexford import GaoRexfordModel
from netsim.runner import simulate
from netsim.scenario import Scenario
from netsim.scenario.events import make_event
from netsim.studies.bgp import state_at
from netsim.topology.as_graph import add_p2c, add_p2p
from netsim.topology.common import link_key

SPACING = 200.0  # silent failure: hold 30 s, then a few MRAI rounds of 5 s; restarts: idle hold + handshake
FIRST = 150.0
OPTIONS = {"keepalive": 10, "hold": 30, "connect_retry": 20, "mrai": 5}


@st.composite
def hierarchies(draw: st.DrawFn, max_n: int = 25) -> nx.Graph:
    """ASes ``as1``..``asN``; each AS after the first buys transit from one or two earlier ones (so
    customer–provider links cannot loop) and a few random pairs peer."""
    n = draw(st.integers(3, max_n))
    names = [f"as{i}" for i in range(1, n + 1)]
    g = nx.Graph()
    for i, name in enumerate(names):
        g.add_node(name, asn=64500 + i)
    for i in range(1, n):
        k = draw(st.integers(1, min(2, i)))
        for p in draw(st.lists(st.integers(0, i - 1), min_size=k, max_size=k, unique=True)):
            add_p2c(g, names[p], names[i], delay=0.01)
    for _ in range(draw(st.integers(0, n // 2))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if a != b and not g.has_edge(names[a], names[b]):
            add_p2p(g, names[a], names[b], delay=0.01)
    return g


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    g = draw(hierarchies())
    edges = sorted(link_key(u, v) for u, v in g.edges)
    nodes = sorted(g.nodes)
    down_links: list[tuple[str, str]] = []
    down_nodes: list[str] = []
    events = []
    t = FIRST
    for i in range(draw(st.integers(1, 4))):
        choice = draw(st.sampled_from(("link", "link", "node")))
        if choice == "node" and down_nodes:
            node = down_nodes.pop()
            events.append(make_event("node_up", t, index=i, target=(node,)))
        elif choice == "node":
            node = draw(st.sampled_from(nodes))
            down_nodes.append(node)
            events.append(make_event("node_down", t, index=i, target=(node,)))
        elif down_links and draw(st.booleans()):
            link = down_links.pop(draw(st.integers(0, len(down_links) - 1)))
            events.append(make_event("link_up", t, index=i, target=link))
        else:
            link = draw(st.sampled_from([e for e in edges if e not in down_links]))
            down_links.append(link)
            events.append(make_event("link_down", t, index=i, target=link, silent=draw(st.booleans())))
        t += SPACING
    return Scenario(name="random-as", graph=g, protocols={}, events=tuple(events),
                    seed=draw(st.integers(0, 2**16)), duration=t)


@settings(max_examples=20)
@given(scenarios())
def test_bgp_settles_on_the_gao_rexford_routing(sc: Scenario) -> None:
    run = simulate(sc, "bgp", options=OPTIONS, narrate=False)
    model = GaoRexfordModel(sc.graph, run.options)
    checkpoints = [ev.time - 1e-6 for ev in sc.events] + [run.trace.end_time]
    for i, t in enumerate(checkpoints):
        state, fibs = state_at(sc.graph, run.trace, t)
        wrong = mismatches(fibs, model.tables(state))
        after = "cold start" if i == 0 else sc.events[i - 1].describe()
        assert not wrong, f"t={t:.1f} after {after}: {len(wrong)} wrong entries, e.g. {wrong[:3]}"


@st.composite
def plain_graphs(draw: st.DrawFn) -> Scenario:
    """Random connected graphs without relationships (policy none: shortest AS paths)."""
    n = draw(st.integers(3, 12))
    names = [f"r{i}" for i in range(n)]
    g = nx.Graph()
    g.add_nodes_from(names)
    for i in range(1, n):
        g.add_edge(names[i], names[draw(st.integers(0, i - 1))], cost=1, delay=0.002)
    for _ in range(draw(st.integers(0, n))):
        a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        if a != b:
            g.add_edge(a, b, cost=1, delay=0.002)
    link = draw(st.sampled_from(sorted(link_key(u, v) for u, v in g.edges)))
    events = (make_event("link_down", FIRST, index=0, target=link),
              make_event("link_up", FIRST + SPACING, index=1, target=link))
    return Scenario(name="random-plain", graph=g, protocols={}, events=events, seed=draw(st.integers(0, 99)),
                    duration=FIRST + 2 * SPACING)


@settings(max_examples=10)
@given(plain_graphs())
def test_bgp_without_policy_settles_on_shortest_as_paths(sc: Scenario) -> None:
    run = simulate(sc, "bgp", options=OPTIONS, narrate=False)
    model = GaoRexfordModel(sc.graph, run.options)
    assert model.policy == "shortest"
    for t in (FIRST - 1e-6, FIRST + SPACING - 1e-6, run.trace.end_time):
        state, fibs = state_at(sc.graph, run.trace, t)
        wrong = mismatches(fibs, model.tables(state))
        assert not wrong, f"t={t:.1f}: {wrong[:3]}"
