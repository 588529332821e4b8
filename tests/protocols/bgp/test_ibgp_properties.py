"""Property test: with ASes of several routers (iBGP full mesh over link-state), BGP settles on the
two-level routing of the independent model -- Gao–Rexford between ASes, hot potato inside.

Random small hierarchies: each AS has one to four routers joined by links of random IGP costs
(a path, sometimes closed into a ring, sometimes with a chord); each business relationship is
one or two links between random routers of the two ASes.  Random events: links between ASes
failing (silently or with carrier loss) and coming back, links inside an AS failing (never one
whose loss would split the AS, which the model does not cover), a router crashing (one at a
time, never one whose loss would split its AS) and restarting with empty state, and IGP costs
inside an AS changing -- the event that moves hot-potato exits without any BGP news.  After every
quiet period, every FIB entry must equal the model's.  One run in four has no relationships
(no policy: shortest AS paths, then hot potato).
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
from netsim.topology.common import link_key

SPACING = 200.0  # a silent failure inside an AS: hold 30 s, IGP dead interval 40 s, ConnectRetry 20 s, MRAI
FIRST = 200.0
OPTIONS = {"keepalive": 10, "hold": 30, "connect_retry": 20, "mrai": 5, "mrai_ibgp": 1}


@st.composite
def multi_router_hierarchies(draw: st.DrawFn, max_as: int = 5) -> nx.Graph:
    n = draw(st.integers(3, max_as))
    g = nx.Graph()
    members: dict[int, list[str]] = {}
    for a in range(1, n + 1):
        k = draw(st.sampled_from((1, 1, 2, 3, 4)))
        names = [f"as{a}"] if k == 1 else [f"as{a}{chr(ord('a') + j)}" for j in range(k)]
        members[a] = names
        for name in names:
            g.add_node(name, asn=64500 + a)
        for j in range(1, k):
            g.add_edge(names[j - 1], names[j], cost=draw(st.integers(1, 5)), delay=0.002)
        if k >= 3 and draw(st.booleans()):
            g.add_edge(names[0], names[-1], cost=draw(st.integers(1, 5)), delay=0.002)
        if k == 4 and draw(st.booleans()) and not g.has_edge(names[0], names[2]):
            g.add_edge(names[0], names[2], cost=draw(st.integers(1, 5)), delay=0.002)

    def connect(a: int, b: int, **attrs: object) -> None:
        for _ in range(draw(st.integers(1, 2))):
            u, v = draw(st.sampled_from(members[a])), draw(st.sampled_from(members[b]))
            if not g.has_edge(u, v):
                g.add_edge(u, v, cost=1, delay=0.01, **attrs)

    for a in range(2, n + 1):
        for p in draw(st.lists(st.integers(1, a - 1), min_size=1, max_size=min(2, a - 1), unique=True)):
            connect(p, a, relationship="p2c", provider=None)
    for _ in range(draw(st.integers(0, n // 2))):
        a, b = draw(st.integers(1, n)), draw(st.integers(1, n))
        if a != b and not any(g.nodes[u]["asn"] != g.nodes[v]["asn"] and {g.nodes[u]["asn"], g.nodes[v]["asn"]}
                              == {64500 + a, 64500 + b} for u, v in g.edges):
            connect(a, b, relationship="p2p")
    for u, v, d in g.edges(data=True):  # name each p2c link's provider end: the AS with the lower number
        if d.get("relationship") == "p2c":
            d["provider"] = u if g.nodes[u]["asn"] < g.nodes[v]["asn"] else v
    return g


def _inside(g: nx.Graph, u: str, v: str) -> bool:
    return bool(g.nodes[u]["asn"] == g.nodes[v]["asn"])


def _splits(g: nx.Graph, down: list[tuple[str, str]], crashed: list[str], *, link: tuple[str, str] | None = None,
            router: str | None = None) -> bool:
    """Whether losing ``link`` or ``router`` too would split its AS (the up routers of it)."""
    lost = set(crashed) | ({router} if router is not None else set())
    asn = g.nodes[link[0] if link is not None else router]["asn"]
    routers = [r for r in g if g.nodes[r]["asn"] == asn and r not in lost]
    inside = nx.Graph((u, v) for u, v in g.edges if _inside(g, u, v) and g.nodes[u]["asn"] == asn
                      and u not in lost and v not in lost and link_key(u, v) not in down and link_key(u, v) != link)
    inside.add_nodes_from(routers)
    return len(routers) > 1 and not nx.is_connected(inside)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    g = draw(multi_router_hierarchies())
    if draw(st.sampled_from((False, False, False, True))):  # now and then no policy: shortest AS paths
        for _u, _v, d in g.edges(data=True):
            d.pop("relationship", None)
            d.pop("provider", None)
    edges = sorted(link_key(u, v) for u, v in g.edges)
    down: list[tuple[str, str]] = []
    crashed: list[str] = []
    events = []
    t = FIRST
    for i in range(draw(st.integers(1, 3))):
        choice = draw(st.sampled_from(("external", "internal", "cost", "repair", "crash")))
        internal = [e for e in edges if _inside(g, *e) and e not in down]
        # Never a split AS, neither now nor once the crashed router is back (one crash at a time).
        may_fail = [e for e in internal if not _splits(g, down, crashed, link=e) and not _splits(g, down, [], link=e)]
        may_crash = [] if crashed else [r for r in sorted(g) if not _splits(g, down, [], router=r)]
        external = [e for e in edges if not _inside(g, *e) and e not in down]
        if choice == "repair" and crashed:
            events.append(make_event("node_up", t, index=i, target=crashed.pop(draw(st.integers(0, len(crashed) - 1)))))
        elif choice == "repair" and down:
            link = down.pop(draw(st.integers(0, len(down) - 1)))
            events.append(make_event("link_up", t, index=i, target=link))
        elif choice == "crash" and may_crash:
            router = draw(st.sampled_from(may_crash))
            crashed.append(router)
            events.append(make_event("node_down", t, index=i, target=router))
        elif choice == "cost" and internal:
            link = draw(st.sampled_from(internal))
            events.append(make_event("set_cost", t, index=i, target=link, cost=draw(st.integers(1, 9))))
        elif choice == "internal" and may_fail:
            link = draw(st.sampled_from(may_fail))
            down.append(link)
            events.append(make_event("link_down", t, index=i, target=link, silent=draw(st.booleans())))
        elif external:
            link = draw(st.sampled_from(external))
            down.append(link)
            events.append(make_event("link_down", t, index=i, target=link, silent=draw(st.booleans())))
        else:  # every link between ASes is down already: bring one back
            link = down.pop(draw(st.integers(0, len(down) - 1)))
            events.append(make_event("link_up", t, index=i, target=link))
        t += SPACING
    return Scenario(name="random-ibgp", graph=g, protocols={}, events=tuple(events),
                    seed=draw(st.integers(0, 2**16)), duration=t)


@settings(max_examples=15, deadline=None)
@given(scenarios())
def test_ibgp_settles_on_the_two_level_routing(sc: Scenario) -> None:
    run = simulate(sc, "bgp", options=OPTIONS, narrate=False)
    assert run.metrics.unjudged is None, run.metrics.unjudged
    model = GaoRexfordModel(sc.graph, run.options)
    assert model.multi is not None or all(len({r for r in sc.graph if sc.graph.nodes[r]["asn"] == a}) == 1
                                          for a in {sc.graph.nodes[r]["asn"] for r in sc.graph})
    checkpoints = [ev.time - 1e-6 for ev in sc.events] + [run.trace.end_time]
    for i, t in enumerate(checkpoints):
        state, fibs = state_at(sc.graph, run.trace, t)
        wrong = mismatches(fibs, model.tables(state))
        after = "cold start" if i == 0 else sc.events[i - 1].describe()
        assert not wrong, f"t={t:.1f} after {after}: {len(wrong)} wrong entries, e.g. {wrong[:4]}"
