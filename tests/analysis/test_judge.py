"""The observer at scale: incremental distances, the array judge, and warm-start FIB snapshots.

Each fast path is checked against the slow, obviously-right one it replaces: a fresh all-pairs
Dijkstra (``Oracle``) after every topology change, ``Oracle.entry_ok`` on every entry and a walk
from every source after every replayed instant, and a trace that logs every warm-start entry as
a route change at t=0.
"""

from __future__ import annotations

import dataclasses
import random

import networkx as nx
import numpy as np
import pytest
from judge_replay import judged_steps

from netsim.analysis import judge as judge_module
from netsim.analysis.judge import ShortestPathJudge, forwarding_faults
from netsim.analysis.metrics import analyze
from netsim.analysis.oracle import LinkState
from netsim.analysis.oracle import shortest_paths as sp_module
from netsim.analysis.oracle.shortest_paths import Distances, Oracle, bellman_certified, prefix_origins
from netsim.analysis.replay import World, steps, world_at
from netsim.engine.network import Network
from netsim.protocols import PROTOCOLS
from netsim.protocols.linkstate.protocol import Lsa
from netsim.protocols.linkstate.warm import warm_state
from netsim.runner import simulate
from netsim.scenario.loader import parse_scenario
from netsim.trace import FibTable, Route, RouteChange, Trace


def _random_graph(rng: random.Random, n: int, extra: int, costs: list[float]) -> nx.Graph:
    g = nx.random_labeled_tree(n, seed=rng.randrange(1 << 30)) if hasattr(nx, "random_labeled_tree") \
        else nx.random_tree(n, seed=rng.randrange(1 << 30))
    g = nx.relabel_nodes(g, {i: f"n{i:02d}" for i in g.nodes})
    names = sorted(g.nodes)
    while g.number_of_edges() < n - 1 + extra:
        a, b = rng.sample(names, 2)
        g.add_edge(a, b)
    for u, v in g.edges:
        g.edges[u, v]["cost"] = rng.choice(costs)
    return g


@pytest.mark.parametrize("integral", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_incremental_distances_equal_a_fresh_oracle_bit_for_bit(seed: int, integral: bool) -> None:
    """Random link/node/cost changes (float costs with near-ties, or integer costs, whose rows are
    partly derived from their neighbours'): after each one, the updated matrix is exactly the one
    a fresh all-pairs run gives."""
    rng = random.Random(seed)
    g = _random_graph(rng, 40, 25, [1, 2, 3, 5] if integral else [1, 2, 3, 0.1, 0.2, 0.3, 0.7])
    routers = tuple(sorted(g.nodes))
    links = {tuple(sorted((u, v))): LinkState(True, d["cost"], d["cost"]) for u, v, d in g.edges(data=True)}
    down: set[str] = set()
    dist = Distances(routers, links, down)
    keys = sorted(links)
    for _ in range(40):
        roll = rng.random()
        if roll < 0.5:
            k = rng.choice(keys)
            links[k] = LinkState(not links[k].up, links[k].cost_ab, links[k].cost_ba)
        elif roll < 0.8:
            k = rng.choice(keys)  # one direction or both: costs may become asymmetric
            c = rng.choice([1, 2, 4, 5] if integral else [1, 2, 0.3, 0.6, 5])
            links[k] = LinkState(links[k].up, c, c if rng.random() < 0.5 else links[k].cost_ba)
        else:
            r = rng.choice(routers)
            (down.discard if r in down else down.add)(r)
        before = dist.dist.copy()
        changed = dist.update(links, down)
        want = Oracle(routers, links, down).dist
        assert dist.dist.tobytes() == want.tobytes()
        assert set(changed.tolist()) == set(np.flatnonzero(np.any(before != want, axis=1)).tolist())


@pytest.mark.parametrize("block", [1, 3, 256])
def test_rows_that_changed_are_found_a_block_at_a_time(block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison in blocks of rows (memory) finds exactly the rows a whole comparison finds."""
    monkeypatch.setattr(sp_module, "_COMPARE_ROWS", block)
    rng = np.random.default_rng(block)
    old = rng.integers(0, 4, size=(11, 7)).astype(float)
    old[2, 3] = np.inf
    new = old.copy()
    new[[1, 5, 10], [0, 6, 2]] += 1.0
    new[7, 3] = np.inf
    assert np.array_equal(sp_module._rows_differ(new, old), np.any(new != old, axis=1))  # noqa: SLF001
    rows = np.array([10, 2, 5, 7])
    assert np.array_equal(sp_module._rows_differ(new[rows], old, rows),  # noqa: SLF001
                          np.any(new[rows] != old[rows], axis=1))


def test_a_peripheral_failure_recomputes_few_sources() -> None:
    """The point of the incremental update: the far side of a triangle hanging off a 20x20 grid
    is on no other router's shortest paths, so its failure redoes two Dijkstra runs, not 402."""
    g = nx.grid_2d_graph(20, 20)
    g = nx.relabel_nodes(g, {n: f"r{n[0]:02d}{n[1]:02d}" for n in g.nodes})
    g.add_edges_from([("r0000", "p1"), ("p1", "p2"), ("p2", "r0000")])
    routers = tuple(sorted(g.nodes))
    links = {tuple(sorted((u, v))): LinkState(True, 1, 1) for u, v in g.edges}
    dist = Distances(routers, links)
    links[("p1", "p2")] = LinkState(False, 1, 1)
    changed = dist.update(links, set())
    assert [routers[i] for i in changed] == ["p1", "p2"]
    assert np.array_equal(dist.dist, Oracle(routers, links).dist)
    assert 0 < dist.source_runs < len(routers) // 4 and dist.full_runs == 1


def test_bellman_certificate_accepts_only_the_true_distances() -> None:
    rng = random.Random(7)
    g = _random_graph(rng, 30, 15, [1, 2, 3, 5])
    routers = tuple(sorted(g.nodes))
    links = {tuple(sorted((u, v))): LinkState(True, d["cost"], d["cost"]) for u, v, d in g.edges(data=True)}
    truth = Oracle(routers, links).dist
    adj = Distances(routers, links).adj
    assert bellman_certified(truth.copy(), adj)
    for delta in (1.0, -1.0):
        wrong = truth.copy()
        wrong[3, 17] += delta
        assert not bellman_certified(wrong, adj)
        fixed = Distances(routers, links, hint=wrong)  # a wrong hint is ignored, not trusted
        assert np.array_equal(fixed.dist, truth) and fixed.full_runs == 1
    good = Distances(routers, links, hint=truth.copy())
    assert np.array_equal(good.dist, truth) and good.full_runs == 0
    # Non-integer costs: sums are inexact, so no certificate is attempted.
    links_f = {k: LinkState(s.up, s.cost_ab + 0.5, s.cost_ba + 0.5) for k, s in links.items()}
    assert not bellman_certified(Oracle(routers, links_f).dist, Distances(routers, links_f).adj)


GRID_EVENTS = """
  - {at: 40, link_down: [r1, r2]}
  - {at: 55, set_cost: [r10, r11], cost: 5}
  - {at: 70, node_down: r20}
  - {at: 95, link_up: [r1, r2]}
  - {at: 110, node_up: r20}
  - {at: 130, flap: [r30, r31], period: 2, count: 3}
  - {at: 150, link_down: [r38, r39], silent: true}
"""


#: Prefixes (one anycast, one crashed with its origin, one with a metric) and per-direction costs.
PREFIXES_AND_ASYMMETRY = """
prefixes: {r1: [10.1.0.0/24], r22: [10.1.0.0/24, 10.9.0.0/16], r20: [{prefix: 10.7.0.0/24, metric: 3}]}
routers: {r10: {interfaces: {r11: {cost: 4}}}, r5: {interfaces: {r6: {cost: 2}}}}
"""


@pytest.mark.parametrize("extra", ["", PREFIXES_AND_ASYMMETRY], ids=["plain", "prefixes-asymmetric"])
@pytest.mark.parametrize("row_batch", [64, 0])
@pytest.mark.parametrize("protocol", ["distvector", "linkstate", "static"])
def test_judge_agrees_with_oracle_and_full_walks_after_every_instant(protocol: str, row_batch: int, extra: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Replay a run with loops, black holes, crashes and cost changes; after every instant the
    array judge's verdicts equal ``Oracle.entry_ok`` on every entry and a forwarding walk from every
    source towards every destination (entries re-judged one by one, and as whole rows), also with
    originated prefixes and links that cost more one way than the other."""
    monkeypatch.setattr(judge_module, "ROW_BATCH", row_batch)
    sc = parse_scenario(f"""
seed: 2
topology: {{generator: {{kind: grid, rows: 6, cols: 7}}}}
protocols:
  {protocol}: {{}}
{extra}
events:{GRID_EVENTS}""")
    res = simulate(sc, protocol, options={"update_interval": 5, "timeout": 20, "garbage": 10}
                   if protocol == "distvector" else None)
    trace = res.trace
    world = World.initial(sc.graph, trace, lazy=True)
    judge = ShortestPathJudge(world, {}, sc.graph)
    judge.track_forwarding = True
    judge.forwarding_all()
    faults_seen = 0
    for step in judged_steps(world, judge, trace):
        oracle = Oracle(world.routers, world.links, world.down, prefix_origins(sc.graph))
        dests = oracle.destinations
        want_bad = {(r, d) for r in world.routers if r not in world.down for d in dests
                    if d != r and not oracle.entry_ok(r, d, world.fibs[r].get(d))}
        got_bad = {(world.routers[i], judge.dests[j]) for i, j in zip(*np.nonzero(judge.bad), strict=True)}
        assert got_bad == want_bad and judge.nbad == len(want_bad), step.time
        faults = {d: forwarding_faults(world, oracle, d) for d in dests}
        assert judge.loops == {d for d, (loop, _) in faults.items() if loop}, step.time
        assert judge.holes == {d for d, (_, hole) in faults.items() if hole}, step.time
        faults_seen += len(judge.loops) + len(judge.holes)
    assert faults_seen > 0  # the replay did exercise the loop/black-hole tracking


def _warm_run() -> tuple[object, Trace]:
    sc = parse_scenario(f"""
seed: 4
topology: {{generator: {{kind: grid, rows: 6, cols: 7}}}}
duration: 200
protocols:
  linkstate: {{hello_interval: 1, dead_interval: 4, warm_start: true}}
events:{GRID_EVENTS}""")
    return sc, simulate(sc, "linkstate").trace


def _both_forms(sc: object, trace: Trace) -> tuple[Trace, Trace]:
    """The same warm run twice: its FIBs at t=0 as ``initial_fibs`` tables, and logged as route
    changes at t=0 (whichever way the protocol loaded them, the other form is derived)."""
    state = warm_state(sc.graph, Lsa)
    tables = {r: state.table(r) for r in trace.routers}
    if trace.initial_fibs:  # loaded with RouterPort.preload
        assert all(trace.initial_fibs[r] == tables[r] for r in trace.routers)
        boot = [RouteChange(0.0, r, d, None, route, f"warm start at {r}")
                for r in trace.routers for d, route in trace.initial_fibs[r].items()]
        return trace, dataclasses.replace(trace, route_changes=boot + trace.route_changes, initial_fibs=None)
    boot = [rc for rc in trace.route_changes if rc.time == 0 and rc.cause.startswith("warm start")]
    assert len(boot) == sum(len(state.routes(r)) for r in trace.routers) > 0
    logged: dict[str, dict[str, Route]] = {r: {} for r in trace.routers}
    for rc in boot:
        logged[rc.router][rc.dest] = rc.new
    assert all(tables[r] == logged[r] for r in trace.routers)  # the table holds what install logged
    rest = [rc for rc in trace.route_changes if not (rc.time == 0 and rc.cause.startswith("warm start"))]
    return dataclasses.replace(trace, route_changes=rest, initial_fibs=tables), trace


def test_warm_snapshot_replays_and_scores_exactly_like_logged_routes() -> None:
    sc, trace = _warm_run()
    snap, logged = _both_forms(sc, trace)
    # Every figure agrees; only the counts of FIB records differ (the logged form has one per entry at t=0).
    counts = {"route_changes_total": 0, "last_route_change": None, "initial_changes": 0}
    assert dataclasses.replace(analyze(snap, sc.graph), **counts) == dataclasses.replace(analyze(logged, sc.graph),
                                                                                         **counts)
    for t in (0.0, 40.0, 40.05, 70.3, 131.0, 199.0):
        assert world_at(sc.graph, snap, t).fibs == world_at(sc.graph, logged, t).fibs, t
    # Consumers that start from empty FIBs get the tables as route changes at t=0.
    first = next(steps(snap))
    assert first.time == 0.0 and len(first.routes) == sum(len(t) for t in snap.initial_fibs.values())


def test_fib_table_is_a_read_only_mapping_with_shared_routes() -> None:
    names = ("a", "b", "c", "d")
    index = {n: i for i, n in enumerate(names)}
    t = FibTable(names, index, np.array([np.nan, 1.0, 2.0, 2.0]), np.array([-1, 0, 1, 1]), [("b",), ("b", "c")])
    assert dict(t) == {"b": Route(("b",), 1.0), "c": Route(("b", "c"), 2.0), "d": Route(("b", "c"), 2.0)}
    assert len(t) == 3 and "a" not in t and t["c"] is t["d"]
    with pytest.raises(ValueError):
        t.costs[1] = 5.0


def test_router_preload_records_the_table_once_and_only_at_t0() -> None:
    g = nx.path_graph(["x", "y", "z"])
    nx.set_edge_attributes(g, 1, "cost")
    cls = PROTOCOLS["static"]
    net = Network(g, cls, cls.defaults(), 0)
    router = net.routers["x"]
    table = {"y": Route(("y",), 1), "z": Route(("y",), 2)}
    router.preload(table)
    assert dict(router.fib()) == table and net.trace.initial_fibs == {"x": table}
    assert not net.trace.route_changes
    with pytest.raises(RuntimeError):
        router.preload(table)


def test_the_world_backbones_distances_after_a_failure_are_bitwise_scipys(monkeypatch) -> None:
    """On the network chains are contracted for (3,815 routers, most with two links), the judge's
    matrix at the start and its rows recomputed after the failure of the world scenario (the
    unchanged rows handed over as known) are scipy's Dijkstra on the usable links, bit for bit."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    from netsim import paths
    from netsim.analysis.replay import initial_links

    g = parse_scenario("topology: {topohub: backbone/world}\nduration: 1\nprotocols:\n  linkstate: {}\n").graph
    routers = tuple(sorted(str(r) for r in g.nodes))
    links = initial_links(g)
    n = len(routers)

    def scipy_matrix() -> np.ndarray:
        usable = dist.usable
        rows, cols = [a for a, _b in usable], [b for _a, b in usable]
        return dijkstra(csr_matrix((list(usable.values()), (rows, cols)), shape=(n, n)), directed=True)

    calls: list[tuple[int, bool]] = []
    real = paths.chain_distances
    monkeypatch.setattr(paths, "chain_distances",
                        lambda chains, src, known=None, out=None: calls.append((len(src), known is not None))
                        or real(chains, src, known, out))
    dist = Distances(routers, links)
    assert dist.dist.tobytes() == scipy_matrix().tobytes()
    before = dist.dist.copy()
    links[("1878", "1880")] = dataclasses.replace(links[("1878", "1880")], up=False)
    changed = dist.update(links, set())
    want = scipy_matrix()
    assert dist.dist.tobytes() == want.tobytes()
    assert np.array_equal(changed, np.flatnonzero(np.any(before != want, axis=1)))
    assert calls[0] == (n, False) and calls[1][1] and 0 < calls[1][0] < n  # chains both times
