"""The network: routers and links in one SimPy environment, and the scripted events.

The network is the only place that knows the physical truth (which links are up, what they
cost).  It tells a router about a carrier change only when the failure is not silent, and it
delivers messages only over links that stay up while the message is in flight.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from heapq import heappush
from typing import Any

import networkx as nx
import numpy as np
import simpy
from simpy.events import NORMAL

from netsim.engine.link import Link, link_key
from netsim.engine.router import Router
from netsim.protocols.base import Interface, Protocol
from netsim.trace import ScriptedEvent, TopologyChange, Trace


class _Arrival:
    """One message in flight, as a minimal SimPy event.

    ``Environment.step`` only reads ``callbacks`` and ``_ok`` from an event, so this slotted object
    carries the message itself and a shared one-element callback tuple instead of a ``Timeout`` with
    its own list and closure: about half the per-message cost (see benchmarks/bench_engine.py).
    """

    __slots__ = ("callbacks", "net", "link", "epoch", "src", "dst", "msg")
    _ok = True

    def __init__(self, net: Network, link: Link, epoch: int, src: str, dst: str, msg: Any) -> None:
        self.callbacks: Any = _ARRIVE
        self.net = net
        self.link = link
        self.epoch = epoch
        self.src = src
        self.dst = dst
        self.msg = msg


def _arrive(ev: _Arrival) -> None:
    ev.net._deliver(ev.link, ev.epoch, ev.src, ev.dst, ev.msg)


_ARRIVE = (_arrive,)


class Network:
    """Builds routers and links from a graph and runs one protocol on every router."""

    def __init__(self, graph: nx.Graph, protocol_cls: type[Protocol], options: Mapping[str, Any],
                 seed: int = 0, *, narrate: bool = True) -> None:
        self.env = simpy.Environment()
        self.graph = graph
        names = sorted(str(n) for n in graph.nodes)
        self.trace = Trace(routers=tuple(names), narrate=narrate)
        self.protocol_cls = protocol_cls
        self.options = dict(options)
        self.links: dict[tuple[str, str], Link] = {}
        self.adj: dict[str, dict[str, Link]] = {n: {} for n in names}
        for u, v, data in sorted(graph.edges(data=True), key=lambda e: link_key(str(e[0]), str(e[1]))):
            a, b = link_key(str(u), str(v))
            link = Link(a, b, data.get("cost", 1), data.get("delay", 0.001))
            self.links[(a, b)] = link
            self.adj[a][b] = link
            self.adj[b][a] = link
        # One seed sequence; a child per router then per link, in sorted name order (DESIGN §2.3).
        root = np.random.SeedSequence(seed)
        children = root.spawn(len(names) + len(self.links))
        self._router_seeds = dict(zip(names, children[: len(names)], strict=True))
        self.link_rngs = {k: np.random.default_rng(s)
                          for k, s in zip(self.links, children[len(names):], strict=True)}
        self._apply_link_faults(graph)
        #: Called with a router's name after it boots (at start and on restart): BFD sessions.
        self.boot_hooks: list[Callable[[str], None]] = []
        self.config = protocol_cls.configure(graph, self.options) or {}
        self.routers: dict[str, Router] = {n: Router(n, self) for n in names}
        for name, router in self.routers.items():
            router.ifaces = self._physical_ifaces(name)

    def _physical_ifaces(self, name: str) -> dict[str, Interface]:
        """Interfaces as a freshly booted router sees them: the physical truth."""
        return {nb: Interface(nb, link.cost, link.up) for nb, link in sorted(self.adj[name].items())}

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        for name in self.routers:
            self._boot(name)

    def _boot(self, name: str) -> None:
        router = self.routers[name]
        rng = np.random.default_rng(self._router_seeds[name].spawn(1)[0])
        proto = self.protocol_cls(router, self.options, rng, self.config.get(name))
        router.boot(proto)
        for hook in self.boot_hooks:
            hook(name)

    def run(self, until: float) -> None:
        if until > self.env.now:
            self.env.run(until=until)

    def at(self, time: float, fn: Callable[..., None], *args: Any) -> None:
        """Schedule a network-level action (never cancelled, never tied to a router)."""
        self.env.timeout(max(0.0, time - self.env.now)).callbacks.append(lambda _e: fn(*args))

    # -- the wire -----------------------------------------------------------------------------
    def transmit(self, src: str, dst: str, msg: Any, size: int, packets: int) -> None:
        """Log the message and schedule its arrival; the hot path of every run, so it is kept short.

        The arrival is pushed straight onto SimPy's queue as an :class:`_Arrival` (not a full
        ``Timeout``): same time, priority and event-id counter as ``env.timeout`` would use, so the
        order of events -- and therefore the trace -- is exactly the same, at a fraction of the cost.
        """
        env = self.env
        now = env._now
        log = self.trace.messages
        log.times.append(now)
        log.sizes.append(size)
        log.counts.append(packets)
        link = self.adj[src].get(dst)
        if link is None or not link.up:
            return
        if (link.loss_ab or link.loss_ba) and link.drops(src):
            return
        arrival = link.arrival_time(src, now)
        heappush(env._queue, (now + (arrival - now), NORMAL, next(env._eid),
                              _Arrival(self, link, link.epoch, src, dst, msg)))

    def _deliver(self, link: Link, epoch: int, src: str, dst: str, msg: Any) -> None:
        if link.epoch != epoch or not link.up:
            return
        router = self.routers[dst]
        if router.up and router.protocol is not None:
            router.protocol.on_message(src, msg)

    def send_control(self, src: str, dst: str, msg: Any, size: int,
                     handler: Callable[[str, str, Any], None]) -> None:
        """A packet of a router-level helper (BFD) rather than of the routing protocol.

        It is a real packet: counted with the protocol's messages, lost on a down or lossy link,
        delayed like any other; on arrival ``handler(dst, src, msg)`` runs if ``dst`` is up.
        """
        if not self.routers[src].up:
            return
        env = self.env
        self.trace.messages.add(env.now, size, 1)
        link = self.adj[src].get(dst)
        if link is None or not link.up or link.drops(src):
            return
        epoch = link.epoch

        def arrive(_e: Any) -> None:
            if link.epoch == epoch and link.up and self.routers[dst].up:
                handler(dst, src, msg)
        env.timeout(link.arrival_time(src, env.now) - env.now).callbacks.append(arrive)

    def _apply_link_faults(self, graph: nx.Graph) -> None:
        """Per-direction loss and jitter from the graph's edge attributes (set by the scenario)."""
        for (a, b), link in self.links.items():
            data = graph.edges[a, b]
            loss = data.get("loss") or {}
            link.loss_ab = float(loss.get(a, 0.0))
            link.loss_ba = float(loss.get(b, 0.0))
            link.jitter = float(data.get("jitter", 0.0))
            link.rng = self.link_rngs[(a, b)]

    # -- scripted changes (called at their time) ------------------------------------------------
    def set_loss(self, a: str, b: str, loss: Mapping[str, float]) -> None:
        """Change a link's per-direction loss (``loss`` maps sender → probability)."""
        link = self.links[link_key(a, b)]
        link.loss_ab = float(loss.get(link.a, 0.0))
        link.loss_ba = float(loss.get(link.b, 0.0))

    def link_down(self, a: str, b: str, *, silent: bool, carrier_delay: float, event: int) -> None:
        link = self.links[link_key(a, b)]
        if not link.up:
            return
        link.up = False
        link.epoch += 1
        self._record(link.a, link.b, False, link.cost, event)
        if not silent:
            self.at(self.env.now + carrier_delay, self._carrier, link, False)

    def link_up(self, a: str, b: str, *, carrier_delay: float, event: int) -> None:
        link = self.links[link_key(a, b)]
        if link.up:
            return
        link.up = True
        link.last_arrival.clear()
        self._record(link.a, link.b, True, link.cost, event)
        self.at(self.env.now + carrier_delay, self._carrier, link, True)

    def _carrier(self, link: Link, up: bool) -> None:
        if link.up != up:  # changed again before the carrier delay elapsed
            return
        for me, other in ((link.a, link.b), (link.b, link.a)):
            router = self.routers[me]
            if not router.up or router.ifaces[other].up == up:
                continue
            router.set_iface(other, up=up)
            if router.protocol is not None:
                router.protocol.on_link_change(other, up)

    def set_cost(self, a: str, b: str, cost: float, *, event: int) -> None:
        link = self.links[link_key(a, b)]
        link.cost = cost
        self._record(link.a, link.b, link.up, cost, event)
        for me, other in ((link.a, link.b), (link.b, link.a)):
            router = self.routers[me]
            router.set_iface(other, cost=cost)
            if router.up and router.protocol is not None:
                router.protocol.on_cost_change(other, cost)

    def node_down(self, name: str, *, event: int) -> None:
        router = self.routers[name]
        if not router.up:
            return
        router.crash()
        self._record(name, "", False, 0, event)

    def node_up(self, name: str, *, event: int) -> None:
        router = self.routers[name]
        if router.up:
            return
        router.up = True
        router.ifaces = self._physical_ifaces(name)
        self._record(name, "", True, 0, event)
        self._boot(name)

    def _record(self, a: str, b: str, up: bool, cost: float, event: int) -> None:
        self.trace.topology_changes.append(TopologyChange(self.env.now, a, b, up, cost, event))

    def scripted(self, record: ScriptedEvent) -> None:
        self.trace.events.append(record)

    def physical_graph(self) -> nx.Graph:
        """The topology as it is now: up routers and up links (used by observers only)."""
        g = nx.Graph()
        g.add_nodes_from(n for n, r in self.routers.items() if r.up)
        for link in self.links.values():
            if link.up and self.routers[link.a].up and self.routers[link.b].up:
                g.add_edge(link.a, link.b, cost=link.cost)
        return g

    def up_routers(self) -> Iterable[Router]:
        return (r for r in self.routers.values() if r.up)
