"""Replaying a trace: the topology and every FIB as they were at any instant.

Metrics, ``netsim table --at`` and the plots all walk the trace through this one class, so
they cannot disagree about what the network looked like.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import networkx as nx

from netsim.link import link_key
from netsim.oracle import Oracle
from netsim.trace import Route, RouteChange, TopologyChange, Trace


@dataclass
class World:
    """Topology and FIBs at one instant, built from the initial graph and trace records."""

    routers: tuple[str, ...]
    links: dict[tuple[str, str], tuple[float, bool]]
    down: set[str] = field(default_factory=set)
    fibs: dict[str, dict[str, Route]] = field(default_factory=dict)

    @classmethod
    def initial(cls, graph: nx.Graph, trace: Trace) -> World:
        links = {link_key(str(u), str(v)): (d.get("cost", 1), True) for u, v, d in graph.edges(data=True)}
        return cls(trace.routers, links, set(), {r: {} for r in trace.routers})

    def apply_topology(self, tc: TopologyChange) -> None:
        if tc.b:
            self.links[link_key(tc.a, tc.b)] = (tc.cost, tc.up)
        elif tc.up:
            self.down.discard(tc.a)
        else:
            self.down.add(tc.a)
            self.fibs[tc.a] = {}  # a crashed router loses its FIB

    def apply_route(self, rc: RouteChange) -> None:
        fib = self.fibs[rc.router]
        if rc.new is None:
            fib.pop(rc.dest, None)
        else:
            fib[rc.dest] = rc.new

    def oracle(self) -> Oracle:
        return Oracle(self.routers, self.links, self.down)

    def link_up(self, a: str, b: str) -> bool:
        state = self.links.get(link_key(a, b))
        return state is not None and state[1] and a not in self.down and b not in self.down


@dataclass(frozen=True, slots=True)
class Step:
    """Everything that happened at one instant, in trace order."""

    time: float
    topology: tuple[TopologyChange, ...]
    routes: tuple[RouteChange, ...]


def steps(trace: Trace) -> Iterator[Step]:
    """Group topology and route changes by time (topology first at equal times: the carrier or
    crash is what causes a route change at the same instant)."""
    tcs, rcs = trace.topology_changes, trace.route_changes
    i = j = 0
    while i < len(tcs) or j < len(rcs):
        t = min(tcs[i].time if i < len(tcs) else float("inf"), rcs[j].time if j < len(rcs) else float("inf"))
        ti = i
        while i < len(tcs) and tcs[i].time == t:
            i += 1
        tj = j
        while j < len(rcs) and rcs[j].time == t:
            j += 1
        yield Step(t, tuple(tcs[ti:i]), tuple(rcs[tj:j]))


def world_at(graph: nx.Graph, trace: Trace, time: float) -> World:
    """The world after every change at or before ``time``."""
    world = World.initial(graph, trace)
    for step in steps(trace):
        if step.time > time:
            break
        for tc in step.topology:
            world.apply_topology(tc)
        for rc in step.routes:
            world.apply_route(rc)
    return world
