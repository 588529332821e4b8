"""The EIGRP correctness model: what it claims, why it is not "shortest path", and why its
answer is the only one (checked against a plain Bellman-Ford iteration from arbitrary states)."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from netsim.analysis.oracle import eigrp as oracle_module
from netsim.analysis.oracle.eigrp import EigrpModel, Expected, LinkState, NetworkState
from netsim.runner import simulate
from netsim.scenario import Scenario

FAST_OPTIONS = {"hello_interval": 1.0, "hold_time": 3.0}


def composite(bw: int, delay_tens: int) -> int:
    """The default-K composite metric, written out again here (the test's own arithmetic)."""
    return 256 * ((10**7 // bw if bw else 0) + delay_tens)


def slow_then_long() -> nx.Graph:
    """S–A is a 10 Mbit/s link; from A, D is one 10 Mbit/s hop away (little delay) or two
    Gigabit hops with 25 ms of delay each::

        S --10M,10µs-- A --10M,10µs-- D
                       |              |
                       +--1G,25ms-- X-+--1G,25ms
    """
    g = nx.Graph()
    g.add_edge("S", "A", bandwidth=10_000, eigrp_delay=10, cost=1)
    g.add_edge("A", "D", bandwidth=10_000, eigrp_delay=10, cost=1)
    g.add_edge("A", "X", bandwidth=1_000_000, eigrp_delay=25_000, cost=1)
    g.add_edge("X", "D", bandwidth=1_000_000, eigrp_delay=25_000, cost=1)
    return g


def test_eigrp_does_not_find_the_least_composite_path() -> None:
    """Hand computation, destination D:

    * X: one Gigabit hop, 25 ms: 256 * (10 + 2500) = 642560.
    * A: direct 256 * (1000 + 1) = 256256; via X (1 Gbit/s, 5000 units) 256 * (10 + 5000) =
      1282560: direct wins, A advertises (10 Mbit/s, 1 unit).
    * S: via A: (10 Mbit/s, 2 units) = 256 * 1002 = 256512.

    Here the best path and EIGRP agree.  Now make A–D long (40 ms) so that A prefers X:
    A direct = 256 * (1000 + 4000) = 1280000 < via X 1282560?  No: direct still wins by 2560.
    Make it 45 ms: direct 256 * 5500 = 1408000 > 1282560, so A uses X and advertises
    (1 Gbit/s, 5000 units).  S then gets 256 * (1000 + 5001) = 1536256 through A, although the
    path S–A–D costs only 256 * (1000 + 4501) = 1408256: the bandwidth term of S–A is paid
    anyway, so A–D's smaller delay would be better for S but A never advertises it.
    """
    g = slow_then_long()
    model = EigrpModel(g, {})
    first = model.tables(NetworkState.initial(g))
    assert first["S"]["D"] == Expected(256512.0, frozenset({"A"}))
    assert first["A"]["D"] == Expected(256256.0, frozenset({"D"}))

    g.edges["A", "D"]["eigrp_delay"] = 45_000
    model = EigrpModel(g, {})
    tables = model.tables(NetworkState.initial(g))
    assert tables["X"]["D"].cost == composite(1_000_000, 2500) == 642560
    assert tables["A"]["D"] == Expected(float(composite(1_000_000, 5000)), frozenset({"X"}))
    assert tables["S"]["D"] == Expected(float(composite(10_000, 5001)), frozenset({"A"}))
    best_path = min(composite(min(g.edges[a, b]["bandwidth"] for a, b in itertools.pairwise(p)),
                              sum(g.edges[a, b]["eigrp_delay"] // 10 for a, b in itertools.pairwise(p)))
                    for p in nx.all_simple_paths(g, "S", "D"))
    assert best_path == composite(10_000, 4501) < tables["S"]["D"].cost

    # ... and the protocol agrees with the model, not with the best path.
    res = simulate(Scenario("slow-then-long", g, {}, ()), "eigrp", options=FAST_OPTIONS)
    assert res.metrics.final_tables["S"]["D"].cost == composite(10_000, 5001)
    assert res.metrics.final_tables["A"]["D"].next_hops == ("X",)


def test_states_down_links_routers_and_new_bandwidth() -> None:
    g = slow_then_long()
    model = EigrpModel(g, {})
    base = NetworkState.initial(g)
    links = dict(base.links)
    links[("A", "D")] = LinkState(False)
    t = model.tables(NetworkState(links))
    assert t["A"]["D"].next_hops == frozenset({"X"})
    t = model.tables(NetworkState(base.links, frozenset({"A"})))
    assert "A" not in t and "D" not in t["S"] and "S" not in t["D"]
    links = dict(base.links)
    links[("A", "S")] = LinkState(True, bandwidth_ab=100_000)  # A's end only: S still sees 10 Mbit/s
    t = model.tables(NetworkState(links))
    assert t["S"]["D"].cost == composite(10_000, 2)
    assert t["A"]["S"].cost == composite(100_000, 1)


def test_equal_cost_next_hops_and_variance() -> None:
    g = nx.Graph()
    for a, b in (("S", "A"), ("S", "B"), ("A", "D"), ("B", "D")):
        g.add_edge(a, b)
    g.add_edge("S", "C", eigrp_delay=30)
    g.add_edge("C", "D", eigrp_delay=10)
    assert EigrpModel(g).tables(NetworkState.initial(g))["S"]["D"] == Expected(3072.0, frozenset({"A", "B"}))
    # C: RD 2816 < 3072 and distance 256 * (10 + 4) = 3584 <= 1.2 * 3072: allowed with variance.
    assert EigrpModel(g, {"variance": 1.2}).tables(NetworkState.initial(g))["S"]["D"].next_hops == {"A", "B", "C"}


def test_ties_between_different_vectors_are_flagged() -> None:
    """S reaches D through A (minimum 10 Mbit/s, 2 units of delay: 256 * (1000 + 2)) or
    through B (1 Gbit/s, 992 units: 256 * (10 + 992)): the same metric, different vectors."""
    g = nx.Graph()
    g.add_edge("S", "A", bandwidth=1_000_000, eigrp_delay=10)
    g.add_edge("A", "D", bandwidth=10_000, eigrp_delay=10)
    g.add_edge("S", "B", bandwidth=1_000_000, eigrp_delay=4960)
    g.add_edge("B", "D", bandwidth=1_000_000, eigrp_delay=4960)
    model = EigrpModel(g)
    state = NetworkState.initial(g)
    assert model.tables(state)["S"]["D"] == Expected(256.0 * 1002, frozenset({"A", "B"}))
    assert ("S", "D") in model.ties(state)
    assert ("A", "D") not in model.ties(state)


def test_the_model_does_not_use_the_protocol_code() -> None:
    tree = ast.parse(Path(oracle_module.__file__).read_text(encoding="utf-8"))
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    # only the shared model vocabulary (Expected, NetworkState) and the record decorator (how
    # frozen classes are made, no routing logic) may come from netsim
    allowed = {"netsim.analysis.oracle", "netsim.records"}
    assert not [m for m in imported if m.startswith("netsim") and m not in allowed]


# -- uniqueness --------------------------------------------------------------------------------------------
@st.composite
def networks(draw: st.DrawFn, max_nodes: int = 9) -> nx.Graph:
    n = draw(st.integers(2, max_nodes))
    g = nx.Graph()
    names = [f"r{i}" for i in range(n)]
    g.add_nodes_from(names)
    edges = [(names[i], names[draw(st.integers(0, i - 1))]) for i in range(1, n)]
    edges += [e for e in draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=n))
              if e[0] != e[1]]
    for a, b in edges:
        g.add_edge(a, b, bandwidth=draw(st.sampled_from([1544, 10_000, 100_000, 1_000_000, 10_000_000])),
                   eigrp_delay=10 * draw(st.integers(100, 2000)))
    return g


def bellman_ford(g: nx.Graph, dest: str, start: dict[str, tuple[int, int] | None]) -> dict[str, tuple[int, int]]:
    """Synchronous rounds of "take the best neighbour's route, extended over the link" from an
    arbitrary starting state, until nothing changes (the test's own code, not the model's)."""
    def key(r: tuple[int, int]) -> tuple[int, int, int]:
        return (composite(*r), r[1], -r[0])

    x = dict(start)
    x[dest] = (0, 0)
    for _ in range(100_000):
        nxt: dict[str, tuple[int, int] | None] = {dest: (0, 0)}
        for i in g.nodes:
            if i == dest:
                continue
            offers = []
            for k in g[i]:
                if x.get(k) is not None:
                    bw, d = x[k]
                    link = g.edges[i, k]
                    offers.append((link["bandwidth"] if bw == 0 else min(bw, link["bandwidth"]),
                                   d + link["eigrp_delay"] // 10))
            nxt[i] = min(offers, key=key) if offers else None
        if nxt == x:
            return {i: r for i, r in x.items() if r is not None}
        x = nxt
    raise AssertionError("no fixed point reached")


@given(networks(), st.data())
def test_the_fixed_point_is_unique(g: nx.Graph, data: st.DataObject) -> None:
    """From any starting state (here: random bogus routes everywhere) the iteration of EIGRP's
    selection rule ends in the model's answer: there is no other fixed point to converge to."""
    model = EigrpModel(g)
    adj = model.interfaces(NetworkState.initial(g))
    bogus = st.one_of(st.none(), st.tuples(st.sampled_from([1544, 10_000, 1_000_000]), st.integers(0, 20_000)))
    for dest in sorted(g.nodes):
        start = {n: data.draw(bogus) for n in sorted(g.nodes)}
        assert bellman_ford(g, dest, start) == model.routes_to(dest, adj)


@given(networks(), st.sampled_from([1.0, 1.5, 4.0]), st.data())
def test_tables_take_every_offer_of_the_routers_own_metric(g: nx.Graph, variance: float,
                                                            data: st.DataObject) -> None:
    """``tables`` (its arithmetic written out for speed) against the definition, link by link
    with the model's plain ``over`` and ``metric``: the next hops are the neighbours whose
    route over the link to them has the router's metric, and with a variance the feasible
    successors within it.  Some links are down and one end's bandwidth changed, as in runs."""
    model = EigrpModel(g, {"variance": variance})
    links = dict(NetworkState.initial(g).links)
    for key in sorted(links):
        change = data.draw(st.sampled_from(["up", "down", "slow end"]))
        if change == "down":
            links[key] = LinkState(False)
        elif change == "slow end":
            links[key] = LinkState(True, bandwidth_ab=1544)
    state = NetworkState(links)
    adj = model.interfaces(state)
    tables = model.tables(state)
    k = model.k
    for dest in sorted(adj):
        routes = model.routes_to(dest, adj)
        for i in sorted(adj):
            if i == dest or i not in routes:
                assert dest not in tables[i]
                continue
            d = oracle_module.metric(routes[i], k)
            hops = set()
            for n, (bw, delay) in adj[i].items():
                if n not in routes:
                    continue
                offer = oracle_module.metric(oracle_module.over(routes[n], bw, delay), k)
                if offer == d or (variance > 1 and oracle_module.metric(routes[n], k) < d and offer <= variance * d):
                    hops.add(n)
            assert tables[i][dest] == Expected(float(d), frozenset(hops))
