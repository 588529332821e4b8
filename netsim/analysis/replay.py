"""Replaying a trace: the topology and every FIB as they were at any instant.

Metrics, ``netsim table --at``, the data plane, the plots and the browser replay all walk the
trace through this one module, so they cannot disagree about what the network looked like (a
crash empties the router's FIB here, and only here).  A replay starts from the FIBs the run was
started with (``Trace.initial_fibs``, a warm start's checkpoint; empty otherwise).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field

from netsim.analysis.oracle import LinkState, NetworkState
from netsim.fibs import ChangedFib
from netsim.records import record
from netsim.topology.common import link_costs, link_key
from netsim.topology.graph import Graph
from netsim.trace import InitialFib, Route, RouteChange, TopologyChange, Trace

#: Cause of the route changes :func:`steps` makes up for the initial FIBs.
INITIAL_CAUSE = InitialFib()


def initial_links(graph: Graph) -> dict[tuple[str, str], LinkState]:
    """Every link of ``graph`` up, at its configured costs, keyed by sorted (a, b)."""
    out = {}
    for u, v, d in graph.edges(data=True):
        a, b = link_key(str(u), str(v))
        c_ab, c_ba = link_costs(d, a, b)
        out[(a, b)] = LinkState(True, c_ab, c_ba)
    return out


@dataclass
class World:
    """Topology and FIBs at one instant, built from the initial graph and trace records."""

    routers: tuple[str, ...]
    links: dict[tuple[str, str], LinkState]
    down: set[str] = field(default_factory=set)
    fibs: dict[str, MutableMapping[str, Route]] = field(default_factory=dict)

    @classmethod
    def initial(cls, graph: Graph, trace: Trace, *, lazy: bool = False) -> World:
        """The world at t=0 before any record: every link up, the initial FIBs loaded.

        ``lazy``: never copy a router's initial FIB: when it is first looked up, ``fibs`` gets a
        :class:`ChangedFib` over it, which keeps only the changes (``fibs`` then holds only the
        routers touched so far; a caller iterating ``fibs`` must not ask for this).  Why: the
        metrics judge initial FIBs as arrays and read few entries as Routes, and copying 14.5 M
        entries of a warm-started 3,800-router network, or even the FIBs of the thousand routers
        one failure changes, costs seconds and hundreds of megabytes.
        """
        links = initial_links(graph)
        tables = trace.initial_fibs or {}
        if lazy:
            return cls(trace.routers, links, set(), _InitialFibs(trace.routers, tables))
        return cls(trace.routers, links, set(), {r: _copy(tables.get(r)) for r in trace.routers})

    def apply_topology(self, tc: TopologyChange) -> None:
        if tc.b:
            self.links[link_key(tc.a, tc.b)] = LinkState(tc.up, tc.cost_ab, tc.cost_ba, tc.attrs)
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

    def apply(self, step: Step) -> None:
        for tc in step.topology:
            self.apply_topology(tc)
        for rc in step.routes:
            self.apply_route(rc)

    def state(self) -> NetworkState:
        """The physical network now, for a correctness model."""
        return NetworkState(dict(self.links), frozenset(self.down))

    def link_up(self, a: str, b: str) -> bool:
        st = self.links.get(link_key(a, b))
        return st is not None and st.up and a not in self.down and b not in self.down


def _copy(table: Mapping[str, Route] | None) -> dict[str, Route]:
    if table is None:
        return {}
    to_dict = getattr(table, "to_dict", None)
    return to_dict() if to_dict is not None else dict(table)


class _InitialFibs(dict[str, MutableMapping[str, Route]]):
    """``World.fibs`` that puts a :class:`ChangedFib` over a router's initial FIB on first lookup
    (see ``World.initial``)."""

    def __init__(self, routers: tuple[str, ...], tables: Mapping[str, Mapping[str, Route]]) -> None:
        super().__init__()
        self._routers = set(routers)
        self._tables = tables

    def __missing__(self, router: str) -> MutableMapping[str, Route]:
        if router not in self._routers:
            raise KeyError(router)
        table = self._tables.get(router)
        fib = self[router] = ChangedFib(table) if table else {}
        return fib


@record
class Step:
    """Everything that happened at one instant, in trace order."""

    time: float
    topology: tuple[TopologyChange, ...]
    routes: tuple[RouteChange, ...]


def steps(trace: Trace, *, initial: bool = True) -> Iterator[Step]:
    """Group topology and route changes by time (topology first at equal times: the carrier or
    crash is what causes a route change at the same instant).

    ``initial``: the initial FIBs (``Trace.initial_fibs``) come first, as route changes at t=0 with
    cause ``INITIAL_CAUSE``, so a consumer that starts from empty FIBs sees them.  Consumers that
    start from :meth:`World.initial` (which already holds them) pass ``initial=False``.
    """
    tcs, rcs = trace.topology_changes, trace.route_changes
    first: tuple[RouteChange, ...] = ()
    if initial and trace.initial_fibs:
        first = tuple(RouteChange(0.0, r, d, None, route, INITIAL_CAUSE)
                      for r, table in trace.initial_fibs.items() for d, route in table.items())
        if not (tcs and tcs[0].time == 0.0) and not (rcs and rcs[0].time == 0.0):
            yield Step(0.0, (), first)
            first = ()
    i = j = 0
    while i < len(tcs) or j < len(rcs):
        t = min(tcs[i].time if i < len(tcs) else float("inf"), rcs[j].time if j < len(rcs) else float("inf"))
        ti = i
        while i < len(tcs) and tcs[i].time == t:
            i += 1
        tj = j
        while j < len(rcs) and rcs[j].time == t:
            j += 1
        yield Step(t, tuple(tcs[ti:i]), first + tuple(rcs[tj:j]))
        first = ()


def world_at(graph: Graph, trace: Trace, time: float) -> World:
    """The world after every change at or before ``time``."""
    world = World.initial(graph, trace)
    for step in steps(trace, initial=False):
        if step.time > time:
            break
        world.apply(step)
    return world
