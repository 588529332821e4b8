"""The model judge keeps its wrong entries by destination, so a walk finds its roots directly.

Scanning every wrong entry to find one destination's was quadratic: after a 500-router BGP cold
start, where most entries are wrong for a while, judging took minutes for a run that simulated
in a second.  The scans are counted, not timed; the walks' results are those of the scan, which
the test redoes by hand."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netsim.analysis.judge import ModelJudge, walk_faults
from netsim.analysis.oracle.shortest_paths import ShortestPaths
from netsim.analysis.replay import World
from netsim.topology.generators import generate
from netsim.trace import Route, Trace


class CountingSet(set):
    """A set that counts how often it is walked through."""

    walks = 0

    def __iter__(self) -> Iterator[Any]:
        CountingSet.walks += 1
        return super().__iter__()


def _judge() -> ModelJudge:
    graph = generate("grid", rows=5, cols=5)
    routers = sorted(graph.nodes)
    # Half the routers hold a route to everything through their first neighbour, the others
    # nothing (black holes); r1 and r2 send to each other (loops).
    fibs: dict[str, dict[str, Route]] = {r: {} for r in routers}
    for i, r in enumerate(routers):
        if i % 2 == 0:
            nb = next(iter(graph[r]))
            fibs[r] = {d: Route((nb,), 1) for d in routers if d != r}
    fibs["r2"] = {d: Route(("r1",), 1) for d in routers if d not in ("r1", "r2")}  # r1 sends to r2: a loop
    world = World.initial(graph, Trace(routers=routers))
    for r in routers:
        world.fibs[r].update(fibs[r])
    judge = ModelJudge(world, fibs, ShortestPaths(graph, {}))
    judge.track_forwarding = True
    return judge


def _by_hand(judge: ModelJudge) -> tuple[set[str], set[str]]:
    """What the walks give when each destination's routers are found by scanning every entry."""
    loops, holes = set(), set()
    world = judge.world
    for dest in sorted({d for _r, d in judge.bad}):
        roots = sorted(r for r, d in judge.bad if d == dest and dest in judge.expected.get(r, {}))

        def hops(r: str, dest: str = dest) -> list[str]:
            entry = world.fibs[r].get(dest)
            return list(entry.next_hops) if entry is not None else []

        loop, hole = walk_faults({dest}, roots, hops, world.link_up)
        (loops.add if loop else loops.discard)(dest)
        (holes.add if hole else holes.discard)(dest)
    return loops, holes


def test_forwarding_walks_find_their_roots_without_scanning_the_wrong_entries() -> None:
    judge = _judge()
    assert len(judge.bad) > 300  # most entries are wrong
    judge.bad = CountingSet(judge.bad)
    CountingSet.walks = 0
    judge.forwarding_all()
    assert CountingSet.walks == 0
    assert (judge.loops, judge.holes) == _by_hand(judge)
    assert judge.loops and judge.holes

    # r1 and r7 learn the right routes to four destinations: r1's loop with r2 ends for them.
    changed = [(r, d) for r in ("r1", "r7") for d in ("r3", "r9", "r20", "r25")]
    for r, d in changed:
        judge.world.fibs[r][d] = judge.expected[r][d].as_route()
    CountingSet.walks = 0  # the reference above scanned them
    judge.routes_changed(changed)
    assert CountingSet.walks == 0
    assert (judge.loops, judge.holes) == _by_hand(judge)
    assert not any(("r1", d) in judge.bad for _r, d in changed)
