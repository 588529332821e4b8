"""The data plane: probe packets forwarded hop by hop along the FIBs recorded in a trace.

Why a replay rather than packets inside the simulation: probes must not disturb the protocols
(no queueing model, no shared random streams), and every figure must be a pure function of the
trace.  A packet sent at time t from a router is looked up in the FIB that router
had at t, crosses the chosen link in the link's delay, is looked up again in the next router's
FIB *at its arrival time*, and so on, until it is delivered, finds no route (a black hole),
runs out of TTL (a loop), or meets a link that is down, or went down while it was on it, or a
crashed router.  On a lossy link it may also be lost at random.  With ECMP each router picks
the next hop by a deterministic per-flow hash, so one flow keeps one path.

Speed: between two changes relevant to a destination (its FIB entries, the topology, loss,
window boundaries) every packet of a flow meets the same world, so one walk stands for all of
them; only packets still in flight at the next change are walked one by one.
"""

from __future__ import annotations

import bisect
import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from netsim.analysis.oracle import LinkState
from netsim.analysis.oracle.shortest_paths import Oracle, prefix_origins
from netsim.analysis.replay import World, steps
from netsim.records import record
from netsim.scenario.faults import FlowSpec
from netsim.topology.common import DEFAULT_DELAY, link_key
from netsim.topology.graph import Graph
from netsim.trace import Route, Trace

DELIVERED, NO_ROUTE, TTL_EXPIRED, LINK_DOWN, LOST, UNREACHABLE = (
    "delivered", "no_route", "ttl_expired", "link_down", "lost", "unreachable")


@record
class PacketCounts:
    """Probe packets sent in one window and what became of them.

    ``unreachable`` packets were sent while the destination was cut off in the physical
    topology: no protocol could have delivered them, so they are not counted as drops.
    ``stretch`` is the mean, over delivered packets, of path cost / shortest-path cost at send.
    """

    sent: int = 0
    delivered: int = 0
    no_route: int = 0
    ttl_expired: int = 0
    link_down: int = 0
    lost: int = 0
    unreachable: int = 0
    stretch_sum: float = 0.0

    @property
    def dropped(self) -> int:
        """Packets a correct, converged network would have delivered but this one did not."""
        return self.no_route + self.ttl_expired + self.link_down

    @property
    def stretch(self) -> float | None:
        return self.stretch_sum / self.delivered if self.delivered else None

    def plus(self, other: PacketCounts) -> PacketCounts:
        return PacketCounts(*(getattr(self, f) + getattr(other, f) for f in PacketCounts.__slots__))


@record
class DataPlane:
    """Per-window packet counts (window start → counts; 0.0 is the cold start) and flows used."""

    pairs: tuple[tuple[str, str], ...]
    rate: float
    windows: tuple[tuple[float, PacketCounts], ...]

    def at(self, start: float) -> PacketCounts:
        for t, counts in self.windows:
            if t == start:
                return counts
        return PacketCounts()

    @property
    def total(self) -> PacketCounts:
        out = PacketCounts()
        for _, c in self.windows:
            out = out.plus(c)
        return out


class _Timeline:
    """A piecewise-constant value: ``at(t)`` is the last value set at or before ``t``."""

    __slots__ = ("times", "values", "default")

    def __init__(self, default: Any) -> None:
        self.times: list[float] = []
        self.values: list[Any] = []
        self.default = default

    def set(self, t: float, value: Any) -> None:
        if self.times and self.times[-1] == t:
            self.values[-1] = value  # several changes at one instant: the last one holds
        else:
            self.times.append(t)
            self.values.append(value)

    def at(self, t: float) -> Any:
        i = bisect.bisect_right(self.times, t) - 1
        return self.values[i] if i >= 0 else self.default


class _History:
    """Everything the walk needs, as timelines built once from the trace by replaying it through
    :class:`~netsim.analysis.replay.World` (so a crash empties a FIB here exactly as everywhere)."""

    def __init__(self, trace: Trace, graph: Graph,
                 loss: Mapping[tuple[str, str], Sequence[tuple[float, Mapping[str, float]]]]) -> None:
        self.routers = trace.routers
        self.origins = prefix_origins(graph)
        self.delay: dict[tuple[str, str], float] = {}
        for u, v, d in graph.edges(data=True):
            self.delay[link_key(str(u), str(v))] = float(d.get("delay", DEFAULT_DELAY))
        world = World.initial(graph, trace)
        self.link: dict[tuple[str, str], _Timeline] = {k: _Timeline(st) for k, st in world.links.items()}
        self.node: dict[str, _Timeline] = {r: _Timeline(True) for r in trace.routers}
        self.fib: dict[tuple[str, str], _Timeline] = {}
        self.dest_times: dict[str, list[float]] = {}
        self.topo_times: list[float] = []
        self.snapshots: list[tuple[dict[tuple[str, str], LinkState], frozenset[str]]] = \
            [(dict(world.links), frozenset())]
        for r, fib in world.fibs.items():
            for dest, route in fib.items():
                self._set_fib(0.0, r, dest, route)
        for step in steps(trace, initial=False):
            t = step.time
            held = {tc.a: list(world.fibs[tc.a]) for tc in step.topology if not tc.b}
            world.apply(step)
            for tc in step.topology:
                if tc.b:
                    k = link_key(tc.a, tc.b)
                    self.link[k].set(t, world.links[k])
                else:
                    self.node[tc.a].set(t, tc.a not in world.down)
            for r, dests in held.items():  # whatever the replay left of a restarted or crashed FIB
                fib = world.fibs[r]
                for dest in dests:
                    self._set_fib(t, r, dest, fib.get(dest))
            if step.topology:
                self.topo_times.append(t)
                self.snapshots.append((dict(world.links), frozenset(world.down)))
            for rc in step.routes:
                self._set_fib(t, rc.router, rc.dest, rc.new)
        self.loss = {k: _Timeline({}) for k in self.link}
        self.loss_times: list[float] = []
        for k, changes in loss.items():
            for t, m in changes:
                self.loss[k].set(t, dict(m))
                if t > 0:
                    self.loss_times.append(t)
        self.lossy = any(p > 0 for tl in self.loss.values() for m in tl.values for p in m.values())
        self.adj: dict[str, set[str]] = {r: set() for r in trace.routers}
        for a, b in self.link:
            self.adj[a].add(b)
            self.adj[b].add(a)
        self._oracles: dict[int, Oracle] = {}

    def _set_fib(self, t: float, router: str, dest: str, route: Route | None) -> None:
        tl = self.fib.get((router, dest))
        if tl is None:
            tl = self.fib[(router, dest)] = _Timeline(None)
        tl.set(t, route)
        self.dest_times.setdefault(dest, []).append(t)

    def version(self, t: float) -> int:
        return bisect.bisect_right(self.topo_times, t)

    def oracle(self, version: int) -> Oracle:
        o = self._oracles.get(version)
        if o is None:
            links, down = self.snapshots[version]
            o = self._oracles[version] = Oracle(self.routers, links, down, self.origins)
        return o

    def went_down(self, key: tuple[str, str], t0: float, t1: float) -> bool:
        """Was the link down at any change in (t0, t1]?"""
        tl = self.link[key]
        lo, hi = bisect.bisect_right(tl.times, t0), bisect.bisect_right(tl.times, t1)
        return any(not tl.values[i].up for i in range(lo, hi))

    def targets(self, dst: str) -> set[str]:
        """Where a packet for ``dst`` is delivered: the router, or a prefix's originators."""
        if dst in self.node:
            return {dst}
        return {r for r, _m in self.origins.get(dst, ())}


def ecmp_pick(hops: Sequence[str], src: str, dst: str, router: str) -> str:
    """The next hop a router chooses for a flow: a stable hash, per router (avoids polarisation)."""
    if len(hops) == 1:
        return hops[0]
    ordered = sorted(hops)
    return ordered[zlib.crc32(f"{src}>{dst}@{router}".encode()) % len(ordered)]


def walk(h: _History, src: str, dst: str, t0: float, ttl: int) -> tuple[str, float, float, float]:
    """Follow one packet: (outcome, time of its last look-up − t0, survival probability, path cost)."""
    node, t, hops, cost, survive = src, t0, 0, 0.0, 1.0
    targets = h.targets(dst)
    while True:
        if node in targets:
            return DELIVERED, t - t0, survive, cost
        fib = h.fib.get((node, dst))
        route: Route | None = fib.at(t) if fib is not None else None
        if route is None or not route.next_hops:
            return NO_ROUTE, t - t0, survive, cost
        if hops >= ttl:
            return TTL_EXPIRED, t - t0, survive, cost
        nh = ecmp_pick(route.next_hops, src, dst, node)
        if nh not in h.adj[node]:
            return LINK_DOWN, t - t0, survive, cost
        key = link_key(node, nh)
        st = h.link[key].at(t)
        if not st.up:
            return LINK_DOWN, t - t0, survive, cost
        arrive = t + h.delay[key]
        if h.went_down(key, t, arrive) or not h.node[nh].at(arrive):
            return LINK_DOWN, arrive - t0, survive, cost
        if h.lossy:
            survive *= 1.0 - float(h.loss[key].at(t).get(node, 0.0))
        cost += float(st.cost_ab if node == key[0] else st.cost_ba)
        node, t, hops = nh, arrive, hops + 1


def choose_pairs(routers: Sequence[str], spec: FlowSpec, rng: np.random.Generator) -> tuple[tuple[str, str], ...]:
    pairs = list(spec.pairs) if spec.pairs is not None else \
        [(a, b) for a in routers for b in routers if a != b]
    if spec.sample is not None and spec.sample < len(pairs):
        idx = sorted(rng.choice(len(pairs), size=spec.sample, replace=False).tolist())
        pairs = [pairs[i] for i in idx]
    return tuple(pairs)


def flow_rng(seed: int, trace: Trace, graph: Graph) -> np.random.Generator:
    """The data plane's own child of the run's seed sequence (the one after routers and links)."""
    n = len(trace.routers) + graph.number_of_edges()
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(n + 1)[n])


def run_flows(trace: Trace, graph: Graph, spec: FlowSpec, seed: int,
              loss: Mapping[tuple[str, str], Sequence[tuple[float, Mapping[str, float]]]] | None = None
              ) -> DataPlane:
    """Replay probe flows over the FIB timeline of ``trace``; counts per event window."""
    rng = flow_rng(seed, trace, graph)
    h = _History(trace, graph, loss or {})
    pairs = choose_pairs(trace.routers, spec, rng)
    phases = rng.uniform(0.0, 1.0 / spec.rate, size=len(pairs))
    end = trace.end_time
    window_starts = sorted({0.0, *(e.time for e in trace.events if e.time < end)})
    acc = {w: dict.fromkeys(PacketCounts.__slots__, 0) for w in window_starts}
    acc_stretch = dict.fromkeys(window_starts, 0.0)
    global_bounds = sorted({*window_starts, *h.topo_times, *h.loss_times, spec.start, end})
    for (src, dst), phase in zip(pairs, phases, strict=True):
        bounds = sorted({*global_bounds, *h.dest_times.get(dst, ())})
        t0 = spec.start + float(phase)
        for s, e in zip(bounds, bounds[1:], strict=False):
            if e <= spec.start or s >= end:
                continue
            k, k_end = _first_k(s, t0, spec.rate), _first_k(min(e, end), t0, spec.rate)
            if k >= k_end or not h.node[src].at(s):
                continue
            w = window_starts[bisect.bisect_right(window_starts, s) - 1]
            counts = acc[w]
            oracle = h.oracle(h.version(s))
            counts["sent"] += k_end - k
            if not oracle.reachable(src, dst):
                counts["unreachable"] += k_end - k
                continue
            best = oracle.cost(src, dst)
            while k < k_end:
                t = t0 + k / spec.rate
                outcome, span, survive, cost = walk(h, src, dst, t, spec.ttl)
                same = max(k + 1, min(k_end, _first_k(e - span, t0, spec.rate)))
                n = same - k
                lost = int(rng.binomial(n, 1.0 - survive)) if survive < 1.0 else 0
                counts[LOST] += lost
                counts[outcome] += n - lost
                if outcome == DELIVERED and best > 0:
                    acc_stretch[w] += (n - lost) * cost / best
                k = same
    windows = tuple((w, PacketCounts(**{**acc[w], "stretch_sum": acc_stretch[w]})) for w in window_starts)
    return DataPlane(pairs, spec.rate, windows)


def _first_k(x: float, t0: float, rate: float) -> int:
    """Index of the first packet sent at or after ``x`` (packet k leaves at t0 + k / rate)."""
    return max(0, math.ceil((x - t0) * rate))


def summarize(planes: Iterable[DataPlane]) -> PacketCounts:
    out = PacketCounts()
    for p in planes:
        out = out.plus(p.total)
    return out
