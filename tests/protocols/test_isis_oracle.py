"""IS-IS against independent truth: random networks, random failures, repairs, crashes and restarts.

Each random network has per-direction costs and originated prefixes (anycast included).  After
every quiet period every IS-IS FIB must hold exactly the shortest paths of the surviving network,
computed here with networkx on a directed graph (independently of netsim's SPF and of its own
oracle), with the first hop of every shortest path as next hops (ECMP); netsim's own judgement
must agree.  Runs use
FRR's default timers, fast timers with the RFC 8405 back-off and narrow metrics, and lifetimes
short enough that a crashed router's LSP is purged inside the run.

IS-IS and OSPF (``linkstate``) given equal timers and the same costs must end every window with
the same tables.
"""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netgraphs import draw_network

from netsim.analysis.replay import world_at
from netsim.runner import simulate
from netsim.scenario import Scenario
from netsim.scenario.events import LinkDown, LinkUp, NodeDown, NodeUp

SPACING = 150.0  # longer than IS-IS needs with its default timers (hold 30 s + generation 30 s + ...)
PROFILES = {
    "frr-defaults": {},
    "fast-rfc8405-narrow": {"hello_interval": 1, "hello_multiplier": 3, "lsp_gen_interval": 1, "csnp_interval": 5,
                            "psnp_interval": 0.5, "lsp_retransmit_interval": 2, "spf_backoff": "rfc8405",
                            "metric_style": "narrow"},
    "short-lifetime": {"hello_interval": 2, "hello_multiplier": 3, "lsp_gen_interval": 5, "max_lsp_lifetime": 40,
                       "lsp_refresh_interval": 25, "zero_age_lifetime": 10, "csnp_interval": 0},
}


@st.composite
def scenarios(draw, max_nodes=14):
    g = draw_network(draw, max_nodes, 2)
    names = sorted(g.nodes, key=lambda r: int(r[1:]))
    edges = sorted(tuple(sorted(e)) for e in g.edges)
    down: list[tuple[str, str]] = []
    crashed: list[str] = []
    events = []
    t = 60.0
    for i in range(draw(st.integers(1, 4))):
        what = draw(st.sampled_from(["link", "link", "node"]))
        if what == "node":
            if crashed:
                events.append(NodeUp(i, t, 0, crashed.pop()))
            else:
                crashed.append(draw(st.sampled_from(names)))
                events.append(NodeDown(i, t, 0, crashed[-1]))
        else:
            up = [e for e in edges if e not in down]
            if down and (not up or draw(st.booleans())):
                events.append(LinkUp(i, t, 0, (down.pop(draw(st.integers(0, len(down) - 1))),)))
            else:
                down.append(draw(st.sampled_from(up)))
                events.append(LinkDown(i, t, 0, (down[-1],), silent=draw(st.booleans())))
        t += SPACING
    return Scenario(name="random", graph=g, protocols={}, events=tuple(events), seed=draw(st.integers(0, 2**16)))


def surviving(sc: Scenario, upto: int) -> tuple[nx.DiGraph, set[str]]:
    """The directed network after events ``0..upto``: link costs per sending end; crashed routers."""
    g = sc.graph.copy()
    crashed: set[str] = set()
    for ev in sc.events[: upto + 1]:
        if ev.kind == "link_down":
            g.remove_edge(*ev.target)
        elif ev.kind == "link_up":
            a, b = ev.target
            g.add_edge(a, b, **sc.graph.edges[a, b])
        elif ev.kind == "node_down":
            crashed.add(ev.target[0])
        else:
            crashed.discard(ev.target[0])
    d = nx.DiGraph()
    d.add_nodes_from(n for n in g.nodes if n not in crashed)
    for u, v, data in g.edges(data=True):
        if u in crashed or v in crashed:
            continue
        per = data.get("costs") or {u: data["cost"], v: data["cost"]}
        d.add_edge(u, v, w=per[u])
        d.add_edge(v, u, w=per[v])
    return d, crashed


def assert_shortest_paths(fibs, sc: Scenario, d: nx.DiGraph, label: str) -> None:
    dist = dict(nx.all_pairs_dijkstra_path_length(d, weight="w"))
    origins = {n: dict(sc.graph.nodes[n].get("prefixes", ())) for n in d.nodes}

    def to(x: str, dest: str) -> float | None:
        """Distance from ``x`` to a router or (through its nearest live originator) a prefix."""
        if dest in d:
            return dist[x].get(dest)
        costs = [dist[x][o] + m[dest] for o, m in origins.items() if dest in m and o in dist[x]]
        return min(costs) if costs else None

    prefixes = {p for m in origins.values() for p in m}
    for src in d.nodes:
        want = {x: c for x in [*d.nodes, *prefixes]
                if x != src and x not in origins[src] and (c := to(src, x)) is not None}
        fib = fibs.get(src, {})
        assert set(fib) == set(want), f"{label}: {src} has {sorted(fib)}, should reach {sorted(want)}"
        for dest, route in fib.items():
            assert route.cost == pytest.approx(want[dest]), f"{label}: {src}→{dest} cost {route.cost} != {want[dest]}"
            # ECMP: exactly the first hops of every shortest path, no fewer.
            first = set()
            for hop in d.successors(src):
                rest = 0.0 if hop == dest else to(hop, dest)
                if rest is not None and d.edges[src, hop]["w"] + rest == pytest.approx(want[dest]):
                    first.add(hop)
            assert set(route.next_hops) == first, f"{label}: {src}→{dest} via {route.next_hops}, should be {first}"


@settings(max_examples=12)
@given(sc=scenarios(), profile=st.sampled_from(sorted(PROFILES)))
def test_isis_matches_shortest_paths_after_random_failures_and_crashes(sc: Scenario, profile: str) -> None:
    res = simulate(sc, "isis", options=PROFILES[profile], narrate=False)
    for i, ev in enumerate(sc.events):
        end = sc.events[i + 1].time if i + 1 < len(sc.events) else res.metrics.end_time
        world = world_at(sc.graph, res.trace, end - 1e-6)
        d, crashed = surviving(sc, i)
        label = f"isis/{profile} after event {i} ({ev.describe()})"
        assert_shortest_paths(world.fibs, sc, d, label)
        assert all(not world.fibs.get(r) for r in crashed), f"{label}: a crashed router has routes"
        assert res.metrics.events[i].correct_time is not None, f"{label}: netsim's judge disagrees"


def test_a_crashed_routers_lsp_is_purged_everywhere_when_its_lifetime_runs_out() -> None:
    from netsim import parse_scenario

    sc = parse_scenario("""
duration: 250
topology: {links: [[r1, r2], [r2, r3], [r3, r4], [r4, r1]]}
protocols:
  isis: {hello_interval: 2, lsp_gen_interval: 5, max_lsp_lifetime: 60, lsp_refresh_interval: 40,
         zero_age_lifetime: 10}
events:
  - {at: 100, node_down: r3}
""")
    res = simulate(sc, "isis")
    purges = [d for d in res.trace.decisions if d.kind == "purge" and "r3" in d.text and "removed" not in d.text]
    removed = [d for d in res.trace.decisions if d.kind == "purge" and "removed" in d.text]
    # r3's last refresh was at most 40 s before the crash; every survivor purges it at the same instant.
    assert sorted(d.router for d in purges) == ["r1", "r2", "r4"]
    assert len({d.time for d in purges}) == 1 and 100 < purges[0].time <= 160
    assert sorted(d.router for d in removed) == ["r1", "r2", "r4"]
    assert all(d.time == pytest.approx(purges[0].time + 10) for d in removed)


EQUAL = {"isis": {"hello_interval": 1, "hello_multiplier": 4, "lsp_gen_interval": 5, "lsp_gen_wait": 0.0001,
                  "spf_backoff": "rfc8405", "lsp_retransmit_interval": 5, "psnp_interval": 1, "lsp_pacing": 0.033},
         "linkstate": {"hello_interval": 1, "dead_interval": 4, "min_ls_interval": 5, "rxmt_interval": 5,
                       "ack_delay": 1, "flood_pacing": 0.033}}


@settings(max_examples=10)
@given(sc=scenarios(max_nodes=12))
def test_isis_and_ospf_with_equal_timers_end_every_window_with_the_same_tables(sc: Scenario) -> None:
    """Same hello and dead/hold times, origination limits, SPF back-off (RFC 8405 with the same
    delays), retransmission and pacing: the two protocols must agree on every route."""
    runs = {p: simulate(sc, p, options=EQUAL[p], narrate=False) for p in EQUAL}
    for i, ev in enumerate(sc.events):
        ends = [sc.events[i + 1].time if i + 1 < len(sc.events) else r.metrics.end_time for r in runs.values()]
        worlds = {p: world_at(sc.graph, r.trace, min(ends) - 1e-6) for p, r in runs.items()}
        isis, ospf = worlds["isis"].fibs, worlds["linkstate"].fibs
        for router in sc.graph.nodes:
            assert dict(isis.get(router, {})) == dict(ospf.get(router, {})), f"after {ev.describe()} at {router}"
