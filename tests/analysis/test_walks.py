"""Forwarding walks: the fast forms against the reference.

* :func:`walk_column` and :class:`ReachFacts` (what each router's walk reaches, kept across FIB
  changes) against :func:`walk_faults`, router by router, on random forwarding graphs with
  cycles, ECMP branches, dead ends and links that cannot carry traffic, changed step by step.
* The shortest-path judge against itself with ``reference`` on (roots from whole columns, a walk
  from every root after every change) on random networks and random FIB histories, and
  ``analyze`` likewise on simulated runs: the same verdicts and figures at every instant.
* The model judge (BGP's and EIGRP's) likewise: its remembered walks against a walk from every
  root after every change, with a model and without one, and against walks from every router.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from judge_replay import judged_steps
from netgraphs import draw_network

from netsim.analysis.judge import ModelJudge, ShortestPathJudge, forwarding_faults, walk_faults
from netsim.analysis.metrics import analyze
from netsim.analysis.oracle.shortest_paths import Oracle, ShortestPaths, prefix_origins
from netsim.analysis.replay import World, initial_links
from netsim.analysis.walks import HOLE, LOOP, ReachFacts, walk_column
from netsim.runner import simulate
from netsim.scenario.loader import parse_scenario
from netsim.trace import Narration, Route, RouteChange, TopologyChange, Trace


@st.composite
def _forwarding_histories(draw: Any) -> tuple[int, set[int], list[dict[int, float]], list[list[tuple[int, ...]]],
                                                 list[list[int]]]:
    """A random forwarding graph towards one destination and a history of changes to it.

    Returns (routers, targets, usable links, each router's hop sets, steps); each step lists
    (router, new hop-set id) pairs as a flat list.  Hop sets may name routers without a usable
    link, -1 (not a router), or be empty (no entry); -1 as a hop-set id is no entry either."""
    n = draw(st.integers(2, 9))
    adj: list[dict[int, float]] = [{} for _ in range(n)]
    for a in range(n):
        for b in range(a + 1, n):
            if draw(st.integers(0, 2)):
                adj[a][b] = adj[b][a] = 1.0
    targets = set(draw(st.lists(st.integers(0, n - 1), max_size=2, unique=True)))
    hop = st.integers(-1, n - 1)
    hopsets = [draw(st.lists(st.lists(hop, max_size=3, unique=True).map(tuple), min_size=1, max_size=4))
               for _ in range(n)]
    history = draw(st.lists(st.lists(st.tuples(st.integers(0, n - 1), st.integers(-1, 3)), min_size=1, max_size=3),
                            min_size=1, max_size=8))
    return n, targets, adj, hopsets, [[r for pair in step for r in pair] for step in history]


@given(_forwarding_histories(), st.sets(st.integers(0, 8)))
def test_reach_facts_are_exact_for_every_router_after_every_change(case: Any, roots: set[int]) -> None:
    """After each change, every router's remembered facts equal a fresh walk from it alone, the
    verdict over the roots equals :func:`walk_faults` from them, and :func:`walk_column` from
    all routers equals :func:`walk_faults`."""
    n, targets, adj, hopsets, history = case
    roots = {r for r in roots if r < n and r not in targets}
    choice = np.zeros((n, 1), dtype=np.int32)
    view = memoryview(choice)
    known = ReachFacts(roots)
    for step in [[]] + history:
        changed = []
        for r, h in zip(step[::2], step[1::2], strict=True):
            choice[r, 0] = h if h < len(hopsets[r]) else -1
            changed.append(r)
        if changed and changed[0] not in targets:  # roots come and go with the changes
            roots ^= {changed[0]}
        known.update(changed, roots.__contains__)
        col = choice[:, 0].tolist()

        def hops(i: int, col: list[int] = col) -> list[int]:
            return list(hopsets[i][col[i]]) if col[i] >= 0 else []

        def link_ok(a: int, b: int) -> bool:
            return b in adj[a]

        assert known.verdict(targets, view, 0, hopsets, adj) == walk_faults(targets, sorted(roots), hops, link_ok)
        sources = [r for r in range(n) if r not in targets]
        for r in sources:
            loop, hole = walk_faults(targets, [r], hops, link_ok)
            assert known.bits(r, targets, view, 0, hopsets, adj) == (LOOP if loop else 0) | (HOLE if hole else 0)
        assert walk_column(n, targets, sources, view, 0, hopsets, adj) == walk_faults(targets, sources, hops, link_ok)
        for v, (_bits, succ) in known.facts.items():  # the links followed are known both ways
            assert all(v in known.preds[x] for x in succ)
        with_facts = [known.facts[r][0] for r in roots if r in known.facts]
        assert known.loops == sum(1 for b in with_facts if b & LOOP)
        assert known.holes == sum(1 for b in with_facts if b & HOLE)
        assert known.unknown == {r for r in roots if r not in known.facts}


def test_routers_on_one_cycle_share_what_it_reaches() -> None:
    """a → b → a with b also branching to a dead end: walks from a and from b both loop and both
    dead-end, whichever is walked first (the first walk meets the dead end only after a)."""
    adj = [{1: 1.0}, {0: 1.0, 2: 1.0}, {1: 1.0}]
    hopsets = [[(1,)], [(0, 2)], [()]]
    choice = np.zeros((3, 1), dtype=np.int32)
    for first in (0, 1):
        known = ReachFacts(())
        known.bits(first, {9}, memoryview(choice), 0, hopsets, adj)
        assert {v: bits for v, (bits, _s) in known.facts.items()} == {0: LOOP | HOLE, 1: LOOP | HOLE, 2: HOLE}


@st.composite
def _fib_histories(draw: Any) -> tuple[Any, Trace]:
    """A random network and a trace of random FIB changes and topology changes over it.

    Initial FIBs are the correct ones with some entries disturbed; each instant then either
    changes a few entries (to the correct route, to random next hops among neighbours, other
    routers and non-routers, or to none), or fails, repairs or re-costs a link, or crashes or
    restarts a router."""
    g = draw_network(draw, 7, 2)
    routers = tuple(sorted(g.nodes))
    origins = prefix_origins(g)
    dests = [*routers, *origins]
    links = initial_links(g)
    oracle = Oracle(routers, links, (), origins)
    some_router = st.sampled_from(routers)
    hop = st.one_of(some_router, st.just("elsewhere"))

    def entry(r: str, d: str) -> Route | None:
        kind = draw(st.integers(0, 3))
        want = oracle.expected(r, d)
        if kind == 0 and want is not None:
            return want.as_route()
        if kind == 1:
            return None
        nbrs = sorted(g.neighbors(r))
        pool = st.sampled_from(nbrs) if kind == 2 else hop
        hops = tuple(sorted(draw(st.lists(pool, min_size=1, max_size=2, unique=True))))
        return Route(hops, float(want.cost if want is not None and draw(st.booleans()) else draw(st.integers(1, 9))))

    initial = {r: {d: e.as_route() for d in dests if (e := oracle.expected(r, d)) is not None} for r in routers}
    for _ in range(draw(st.integers(0, 4))):
        r, d = draw(some_router), draw(st.sampled_from(dests))
        if d != r:
            e = entry(r, d)
            initial[r].pop(d, None) if e is None else initial[r].__setitem__(d, e)
    fibs = {r: dict(t) for r, t in initial.items()}
    rcs: list[RouteChange] = []
    tcs: list[TopologyChange] = []
    down: set[str] = set()
    cause = Narration("random")
    for k in range(draw(st.integers(1, 12))):
        t = float(k + 1)
        if draw(st.integers(0, 4)) == 0:
            if draw(st.booleans()):
                a, b = draw(st.sampled_from(sorted(links)))
                st_ = links[(a, b)]
                up, cost = draw(st.booleans()), float(draw(st.integers(1, 5)))
                links[(a, b)] = dataclasses.replace(st_, up=up, cost_ab=cost, cost_ba=cost)
                tcs.append(TopologyChange(t, a, b, up, cost, cost, 0))
            else:
                r = draw(some_router)
                up = r in down
                (down.discard if up else down.add)(r)
                if not up:
                    fibs[r] = {}
                tcs.append(TopologyChange(t, r, "", up, 0.0, 0.0, 0))
        for _ in range(draw(st.integers(0, 4))):
            r, d = draw(some_router), draw(st.sampled_from(dests))
            if d == r or r in down:
                continue
            new = entry(r, d)
            old = fibs[r].get(d)
            if new != old:
                rcs.append(RouteChange(t, r, d, old, new, cause))
                fibs[r].pop(d, None) if new is None else fibs[r].__setitem__(d, new)
    return g, Trace(routers, route_changes=rcs, topology_changes=tcs, end_time=20.0, initial_fibs=initial)


def _assert_walked_from_every_router(g: Any, world: World, judge: Any, time: float) -> None:
    """The judge's loops and black holes are those of walks from every router (not only from the
    wrong entries the judges walk from) towards every destination."""
    oracle = Oracle(world.routers, world.links, world.down, prefix_origins(g))
    faults = {d: forwarding_faults(world, oracle, d) for d in oracle.destinations}
    assert judge.loops == {d for d, (loop, _) in faults.items() if loop}, time
    assert judge.holes == {d for d, (_, hole) in faults.items() if hole}, time


def _verdicts(g: Any, trace: Trace, reference: bool) -> list[tuple[Any, ...]]:
    """The judge's verdicts after every instant of ``trace``, forwarding tracked from the start."""
    world = World.initial(g, trace, lazy=True)
    judge = ShortestPathJudge(world, trace.initial_fibs or {}, g)
    judge.reference = reference
    judge.track_forwarding = True
    judge.forwarding_all()
    out = [(0.0, judge.nbad, sorted(judge.loops), sorted(judge.holes))]
    for step in judged_steps(world, judge, trace):
        got_bad = {(i, j) for i, j in zip(*np.nonzero(judge.bad), strict=True)}
        assert got_bad == {(i, j) for j, i in zip(*np.nonzero(judge.bad_t), strict=True)}
        if not reference:
            _assert_walked_from_every_router(g, world, judge, step.time)
        out.append((step.time, judge.nbad, sorted(judge.loops), sorted(judge.holes)))
    return out


@given(_fib_histories())
def test_judge_walks_equal_the_reference_on_random_fib_histories(case: tuple[Any, Trace]) -> None:
    g, trace = case
    assert _verdicts(g, trace, reference=False) == _verdicts(g, trace, reference=True)


def _model_verdicts(g: Any, trace: Trace, with_model: bool, reference: bool) -> list[tuple[Any, ...]]:
    """The model judge's verdicts after every instant of ``trace`` (shortest paths as the model,
    or no model: every router's walk counts), forwarding tracked from the start."""
    world = World.initial(g, trace, lazy=True)
    model = ShortestPaths(g, {}) if with_model else None
    judge = ModelJudge(world, trace.initial_fibs or {}, model, None if with_model else "no model", g)
    judge.reference = reference
    judge.track_forwarding = True
    judge.forwarding_all()
    out = [(0.0, judge.nbad, sorted(judge.loops), sorted(judge.holes))]
    for step in judged_steps(world, judge, trace):
        if with_model and not reference:
            _assert_walked_from_every_router(g, world, judge, step.time)
        out.append((step.time, judge.nbad, sorted(judge.loops), sorted(judge.holes)))
    return out


@given(_fib_histories(), st.booleans())
def test_model_judge_walks_equal_the_reference_on_random_fib_histories(case: tuple[Any, Trace],
                                                                        with_model: bool) -> None:
    g, trace = case
    assert _model_verdicts(g, trace, with_model, reference=False) == \
        _model_verdicts(g, trace, with_model, reference=True)


LOOPY = """
seed: 3
topology: {generator: {kind: grid, rows: 5, cols: 6}}
protocols:
  %s: {}
prefixes: {r1: [10.1.0.0/24], r17: [10.1.0.0/24]}
events:
  - {at: 40, link_down: [r8, r9]}
  - {at: 60, node_down: r15}
  - {at: 80, link_up: [r8, r9]}
  - {at: 95, node_up: r15}
  - {at: 120, flap: [r20, r21], period: 2, count: 3}
"""


@pytest.mark.parametrize("protocol", ["distvector", "linkstate"])
def test_analyze_equals_the_reference_walks(protocol: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every figure of a run with black holes (and, for distance vector, loops) is the same with
    the reference walks."""
    sc = parse_scenario(LOOPY % protocol)
    opts = {"update_interval": 5, "timeout": 20, "garbage": 10, "split_horizon": "none"} \
        if protocol == "distvector" else None
    res = simulate(sc, protocol, options=opts)
    monkeypatch.setattr(ShortestPathJudge, "reference", True)
    want = analyze(res.trace, sc.graph, options=res.options)
    monkeypatch.setattr(ShortestPathJudge, "reference", False)
    got = analyze(res.trace, sc.graph, options=res.options)
    assert got == want
    assert sum(e.blackhole_time for e in got.events) > 0


@pytest.mark.parametrize("protocol", ["bgp", "eigrp"])
def test_model_judged_runs_equal_the_reference_walks(protocol: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every figure of a BGP and an EIGRP run (judged by their models) with black holes (and, for
    BGP, loops) is the same with the model judge's reference walks."""
    sc = parse_scenario(LOOPY % protocol)
    monkeypatch.setattr(ModelJudge, "reference", True)
    want = simulate(sc, protocol).metrics
    monkeypatch.setattr(ModelJudge, "reference", False)
    got = simulate(sc, protocol).metrics
    assert got == want
    assert sum(e.blackhole_time for e in got.events) > 0
    assert protocol != "bgp" or sum(e.loop_time for e in got.events) > 0
