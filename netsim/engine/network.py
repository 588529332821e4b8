"""The network: routers and links in one SimPy environment, and the scripted changes.

The network is the only place that knows the physical truth (which links are up, what they
cost).  It tells a router about a carrier change only when the failure is not silent, and it
delivers messages only over links that stay up while the message is in flight.  Everything it
schedules -- arrivals, carrier notifications, scripted changes -- goes through the one
scheduling path of :mod:`netsim.engine.clock`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import networkx as nx
import numpy as np
import simpy

from netsim.engine.clock import Timer
from netsim.engine.link import Link
from netsim.engine.router import Router
from netsim.protocols.base import Interface, Protocol, RouterConfig
from netsim.topology.common import DEFAULT_DELAY, link_costs, link_key
from netsim.trace import ScriptedEvent, TopologyChange, Trace

#: Called for every message put on a wire: (time, src, dst, msg, size, arrival or None).
Tap = Callable[[float, str, str, Any, int, "float | None"], None]


class Network:
    """Builds routers and links from a graph and runs one protocol on every router."""

    def __init__(self, graph: nx.Graph, protocol_cls: type[Protocol], configs: Mapping[str, RouterConfig],
                 seed: int = 0, *, narrate: bool = True) -> None:
        self.env = simpy.Environment()
        names = sorted(str(n) for n in graph.nodes)
        self.trace = Trace(routers=tuple(names), narrate=narrate)
        self.protocol_cls = protocol_cls
        self.configs = dict(configs)
        self.links: dict[tuple[str, str], Link] = {}
        self.adj: dict[str, dict[str, Link]] = {n: {} for n in names}
        for u, v, data in sorted(graph.edges(data=True), key=lambda e: link_key(str(e[0]), str(e[1]))):
            a, b = link_key(str(u), str(v))
            c_ab, c_ba = link_costs(data, a, b)
            link = Link(a, b, c_ab, c_ba, data.get("delay", DEFAULT_DELAY))
            self.links[(a, b)] = link
            self.adj[a][b] = link
            self.adj[b][a] = link
        # One seed sequence; a child per router then per link, in sorted name order.
        root = np.random.SeedSequence(seed)
        children = root.spawn(len(names) + len(self.links))
        self._router_seeds = dict(zip(names, children[: len(names)], strict=True))
        self.link_rngs = {k: np.random.default_rng(s)
                          for k, s in zip(self.links, children[len(names):], strict=True)}
        self._apply_link_faults(graph)
        #: Called with a router's name after it boots (at start and on restart): BFD sessions.
        self.boot_hooks: list[Callable[[str], None]] = []
        #: Observers of every transmitted message (packet capture).
        self.taps: list[Tap] = []
        #: The BFD driver, when the scenario runs BFD (set by ``install_bfd``).
        self.bfd: Any = None
        self.routers: dict[str, Router] = {n: Router(n, i, self) for i, n in enumerate(names)}
        for name, router in self.routers.items():
            router.ifaces = self._physical_ifaces(name)
        self._kind_ids: dict[type, int] = {}

    def _physical_ifaces(self, name: str) -> dict[str, Interface]:
        """Interfaces as a freshly booted router sees them: the physical truth."""
        return {nb: Interface(nb, link.cost_from(name), link.up) for nb, link in sorted(self.adj[name].items())}

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        for name in self.routers:
            self._boot(name)

    def _boot(self, name: str) -> None:
        router = self.routers[name]
        rng = np.random.default_rng(self._router_seeds[name].spawn(1)[0])
        proto = self.protocol_cls(router, self.configs[name], rng)
        router.boot(proto)
        for nb, link in sorted(self.adj[name].items()):
            if link.attrs:  # an operator's reconfiguration outlives a reboot
                changed = link.attrs_of(name)
                if changed:
                    proto.on_link_attrs(nb, changed)
        for hook in self.boot_hooks:
            hook(name)

    def run(self, until: float) -> None:
        if until > self.env.now:
            self.env.run(until=until)

    def at(self, time: float, fn: Callable[..., None], *args: Any) -> Timer:
        """Schedule a network-level action (never tied to a router's life)."""
        return Timer(self.env, max(0.0, time - self.env.now), fn, args)

    # -- the wire -----------------------------------------------------------------------------
    def transmit(self, sender: Router, dst: str, msg: Any, size: int, packets: int) -> None:
        """Log the message and schedule its arrival: the hot path of every run, kept short."""
        env = self.env
        now = env.now
        src = sender.name
        link = self.adj[src].get(dst)
        arrival = math.nan
        if link is not None and link.up and not ((link.loss_ab or link.loss_ba) and link.drops(src)):
            arrival = link.arrival_time(src, now)
            Timer(env, arrival - now, self._deliver, (link, link.epoch, src, dst, msg))
        kind = self._kind_ids.get(type(msg))
        log = self.trace.messages
        if kind is None:
            kind = self._kind_ids[type(msg)] = log.kind_id(getattr(msg, "kind", type(msg).__name__))
        receiver = self.routers.get(dst)
        log.add(now, size, packets, sender.index, receiver.index if receiver is not None else -1, kind, arrival)
        if self.taps:
            for tap in self.taps:
                tap(now, src, dst, msg, size, None if math.isnan(arrival) else arrival)

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
        sender = self.routers[src]
        if not sender.up:
            return
        env = self.env
        now = env.now
        link = self.adj[src].get(dst)
        arrival = math.nan
        if link is not None and link.up and not link.drops(src):
            arrival = link.arrival_time(src, now)
            Timer(env, arrival - now, self._deliver_control, (link, link.epoch, dst, src, msg, handler))
        kind = self._kind_ids.get(type(msg))
        log = self.trace.messages
        if kind is None:
            kind = self._kind_ids[type(msg)] = log.kind_id(getattr(msg, "kind", type(msg).__name__))
        log.add(now, size, 1, sender.index, self.routers[dst].index, kind, arrival)
        if self.taps:
            for tap in self.taps:
                tap(now, src, dst, msg, size, None if math.isnan(arrival) else arrival)

    def _deliver_control(self, link: Link, epoch: int, dst: str, src: str, msg: Any,
                         handler: Callable[[str, str, Any], None]) -> None:
        if link.epoch == epoch and link.up and self.routers[dst].up:
            handler(dst, src, msg)

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
        self._record(link, False, event, silent)
        if not silent:
            self.at(self.env.now + carrier_delay, self._carrier, link, False)

    def link_up(self, a: str, b: str, *, carrier_delay: float, event: int) -> None:
        link = self.links[link_key(a, b)]
        if link.up:
            return
        link.up = True
        link.last_arrival.clear()
        self._record(link, True, event)
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

    def set_cost(self, a: str, b: str, costs: Mapping[str, float], *, event: int) -> None:
        """New costs per sending end (a router missing from ``costs`` keeps its cost)."""
        link = self.links[link_key(a, b)]
        link.cost_ab = costs.get(link.a, link.cost_ab)
        link.cost_ba = costs.get(link.b, link.cost_ba)
        self._record(link, link.up, event)
        for me, other in ((link.a, link.b), (link.b, link.a)):
            if me not in costs:
                continue
            cost = link.cost_from(me)
            router = self.routers[me]
            router.set_iface(other, cost=cost)
            if router.up and router.protocol is not None:
                router.protocol.on_cost_change(other, cost)

    def node_down(self, name: str, *, event: int) -> None:
        router = self.routers[name]
        if not router.up:
            return
        router.crash()
        self.trace.topology_changes.append(TopologyChange(self.env.now, name, "", False, 0, 0, event))

    def node_up(self, name: str, *, event: int) -> None:
        router = self.routers[name]
        if router.up:
            return
        router.ifaces = self._physical_ifaces(name)
        self.trace.topology_changes.append(TopologyChange(self.env.now, name, "", True, 0, 0, event))
        self._boot(name)

    def set_link_attrs(self, a: str, b: str, values: Mapping[str, Mapping[str, float]], *, event: int) -> None:
        """New interface attributes per end (``values``: router -> {key: value}); each end's
        protocol hears of its own, through ``on_link_attrs``."""
        link = self.links[link_key(a, b)]
        for end, attrs in values.items():
            for key, value in attrs.items():
                link.attrs[(end, key)] = value
        self._record(link, link.up, event)
        for me in sorted(values):
            router = self.routers[me]
            if router.up and router.protocol is not None:
                router.protocol.on_link_attrs(link.other(me), link.attrs_of(me))

    def _record(self, link: Link, up: bool, event: int, silent: bool = False) -> None:
        attrs = tuple(sorted((e, k, v) for (e, k), v in link.attrs.items())) if link.attrs else ()
        self.trace.topology_changes.append(TopologyChange(self.env.now, link.a, link.b, up, link.cost_ab,
                                                          link.cost_ba, event, silent, attrs))

    def scripted(self, record: ScriptedEvent) -> None:
        self.trace.events.append(record)
