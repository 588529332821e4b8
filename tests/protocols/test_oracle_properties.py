"""Property tests: random connected graphs, random link failures and repairs.

After every quiet period the dynamic protocols' FIBs must equal shortest paths on the surviving
graph (checked here with networkx, independently of netsim's own oracle), while static routing
keeps exactly its configured routes minus those whose interface its router sees down.
"""

from __future__ import annotations

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from netsim.analysis.replay import world_at
from netsim.runner import simulate
from netsim.scenario import Scenario
from netsim.scenario.events import LinkDown, LinkUp

SPACING = 120.0  # far longer than either protocol needs with the timers below
OPTIONS = {
    "linkstate": {"hello_interval": 1, "dead_interval": 4},
    "distvector": {"update_interval": 5, "timeout": 15, "garbage": 10},
}


@st.composite
def scenarios(draw, max_nodes=30):
    n = draw(st.integers(3, max_nodes))
    g = nx.Graph()
    names = [f"r{i}" for i in range(n)]
    g.add_nodes_from(names)
    for i in range(1, n):
        g.add_edge(names[i], names[draw(st.integers(0, i - 1))], cost=draw(st.integers(1, 5)), delay=0.001)
    for _ in range(draw(st.integers(0, n))):
        a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        if a != b and not g.has_edge(a, b):
            g.add_edge(a, b, cost=draw(st.integers(1, 5)), delay=0.001)
    edges = sorted(tuple(sorted(e)) for e in g.edges)
    down: list[tuple[str, str]] = []
    events = []
    t = 60.0
    for i in range(draw(st.integers(1, 4))):
        up = [e for e in edges if e not in down]
        if down and (not up or draw(st.booleans())):
            link = down.pop(draw(st.integers(0, len(down) - 1)))
            events.append(LinkUp(i, t, 0, (link,)))
        else:
            link = draw(st.sampled_from(up))
            down.append(link)
            events.append(LinkDown(i, t, 0, (link,), silent=draw(st.booleans())))
        t += SPACING
    return Scenario(name="random", graph=g, protocols={}, events=tuple(events), seed=draw(st.integers(0, 2**16)))


def surviving(sc: Scenario, upto: int) -> nx.Graph:
    g = sc.graph.copy()
    for ev in sc.events[: upto + 1]:
        if ev.kind == "link_down":
            g.remove_edge(*ev.target)
        else:
            a, b = ev.target
            g.add_edge(a, b, **sc.graph.edges[a, b])
    return g


def assert_shortest_paths(fibs, g: nx.Graph, label: str, limit: float = float("inf")) -> bool:
    """Check every FIB; ``limit`` is RIP's infinity (paths that long cannot be represented).
    Returns whether every reachable destination was within the limit."""
    within = True
    for src in g.nodes:
        dist = nx.single_source_dijkstra_path_length(g, src, weight="cost")
        within &= all(c < limit for c in dist.values())
        dist = {d: c for d, c in dist.items() if c < limit}
        fib = fibs[src]
        assert set(fib) == set(dist) - {src}, f"{label}: {src} has entries {sorted(fib)}, reachable {sorted(dist)}"
        for dest, route in fib.items():
            assert route.cost == dist[dest], f"{label}: {src}→{dest} cost {route.cost} != {dist[dest]}"
            for hop in route.next_hops:
                assert g.has_edge(src, hop), f"{label}: {src}→{dest} via dead link to {hop}"
                assert g.edges[src, hop]["cost"] + nx.dijkstra_path_length(g, hop, dest, weight="cost") \
                    == dist[dest], f"{label}: {src}→{dest} via {hop} is not a shortest path"
    return within


def check_dynamic(sc: Scenario, protocol: str) -> None:
    res = simulate(sc, protocol, options=OPTIONS[protocol], narrate=False)
    for i, ev in enumerate(sc.events):
        end = sc.events[i + 1].time if i + 1 < len(sc.events) else res.metrics.end_time
        world = world_at(sc.graph, res.trace, end - 1e-6)
        limit = 16 if protocol == "distvector" else float("inf")
        within = assert_shortest_paths(world.fibs, surviving(sc, i), f"{protocol} after event {i} ({ev.describe()})",
                                       limit)
        if within:  # netsim's own judgement agrees with the independent one
            assert res.metrics.events[i].correct_time is not None


@given(scenarios())
def test_linkstate_matches_oracle_after_random_failures(sc):
    check_dynamic(sc, "linkstate")


@given(scenarios())
def test_distvector_matches_oracle_after_random_failures(sc):
    check_dynamic(sc, "distvector")


@given(scenarios(max_nodes=15))
def test_static_keeps_its_stale_routes(sc):
    res = simulate(sc, "static", narrate=False)
    initial = {}
    for src in sc.graph.nodes:
        dist = nx.single_source_dijkstra_path_length(sc.graph, src, weight="cost")
        initial[src] = {d: c for d, c in dist.items() if d != src}
    seen_down: set[tuple[str, str]] = set()
    for ev in sc.events:
        if ev.kind == "link_down" and not ev.silent:
            seen_down.add(ev.target)
        elif ev.kind == "link_up":
            seen_down.discard(ev.target)
    final = res.metrics.final_tables
    for src, fib in final.items():
        for dest, route in fib.items():
            assert route.cost == initial[src][dest]  # never re-learned
            assert all(tuple(sorted((src, h))) not in seen_down for h in route.next_hops)
        for dest in initial[src]:
            if dest not in fib:  # withdrawn only because every next hop's interface is down
                hops = [p[1] for p in nx.all_shortest_paths(sc.graph, src, dest, weight="cost")]
                assert all(tuple(sorted((src, h))) in seen_down for h in hops)
