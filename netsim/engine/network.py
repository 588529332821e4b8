"""The network: routers and links in one SimPy environment, and the scripted changes.

The network is the only place that knows the physical truth (which links are up, what they
cost).  It tells a router about a carrier change only when the failure is not silent, and it
delivers messages only over links that stay up while the message is in flight.  Everything it
schedules -- arrivals, carrier notifications, scripted changes -- goes through the one
scheduling path of :mod:`netsim.engine.clock`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import simpy

from netsim.engine.clock import Timer
from netsim.engine.collector import collector_paused
from netsim.engine.fanout import Fanout, FanoutMember, Send
from netsim.engine.link import Link
from netsim.engine.periodic import PeriodicStream, Resume, exact_delay
from netsim.engine.router import Router
from netsim.protocols.base import Interface, Protocol, RouterConfig
from netsim.topology.common import DEFAULT_DELAY, link_costs, link_key
from netsim.topology.graph import Graph
from netsim.trace import PendingRows, ScriptedEvent, TopologyChange, Trace

#: Called for every message put on a wire: (time, src, dst, msg, size, arrival or None).
Tap = Callable[[float, str, str, Any, int, "float | None"], None]


class _Taps(list):  # type: ignore[type-arg]
    """The network's taps: attaching one breaks every periodic stream, because a tap must see
    each message when it is sent and a stream's copies are only logged afterwards."""

    def __init__(self, on_attach: Callable[[], None]) -> None:
        super().__init__()
        self._on_attach = on_attach

    def append(self, tap: Tap) -> None:
        self._on_attach()
        super().append(tap)


class LinkRngs(dict[tuple[str, str], np.random.Generator]):
    """Each link's random generator, made when first asked for: the child ``first + i`` of
    ``root`` for the ``i``-th of ``links`` (what ``root.spawn`` would have made it).

    Why lazily: only a lossy or jittery link, or a link running BFD, draws from its generator,
    and making one per link up front took tens of milliseconds on a 2,000-link network."""

    def __init__(self, root: np.random.SeedSequence, first: int, links: Iterable[tuple[str, str]]) -> None:
        super().__init__()
        self._root = root
        self._child = {key: first + i for i, key in enumerate(links)}

    def __missing__(self, key: tuple[str, str]) -> np.random.Generator:
        root = self._root
        seed = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, self._child[key]),
                                      pool_size=root.pool_size)
        rng = self[key] = np.random.default_rng(seed)
        return rng


class Network:
    """Builds routers and links from a graph and runs one protocol on every router."""

    #: Messages sent at one instant that arrive at one time share a delivery event (see
    #: :meth:`transmit`); False gives one event per message, the reference the tests compare with.
    share_deliveries: bool = True

    def __init__(self, graph: Graph, protocol_cls: type[Protocol], configs: Mapping[str, RouterConfig],
                 seed: int = 0, *, narrate: bool = True) -> None:
        self.env = simpy.Environment()
        names = sorted(str(n) for n in graph.nodes)
        self.trace = Trace(routers=tuple(names), narrate=narrate)
        #: Rows of the message log not yet in it (:meth:`settle` moves them there).
        self._rows = PendingRows(self.trace.messages)
        self._log_row = self._rows.add  # the hot path's one call into the trace
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
        self._router_seeds = dict(zip(names, root.spawn(len(names)), strict=True))
        self.link_rngs: Mapping[tuple[str, str], np.random.Generator] = LinkRngs(root, len(names), self.links)
        self._apply_link_faults(graph)
        #: Called with a router's name after it boots (at start and on restart): BFD sessions.
        self.boot_hooks: list[Callable[[str], None]] = []
        #: Observers of every transmitted message (packet capture).
        self.taps: list[Tap] = _Taps(self._break_all)
        #: Periodic streams by (sender, receiver): see :mod:`netsim.engine.periodic`; and the
        #: receivers of quiet ticks (:mod:`netsim.engine.fanout`), which the receivers ask alike.
        self.streams: dict[tuple[str, str], PeriodicStream | FanoutMember] = {}
        #: Quiet ticks by sender (:meth:`quiet_tick`).
        self.fanouts: dict[str, Fanout] = {}
        #: Rows of the message log from here on may be out of time order (a stream's sends are
        #: logged late); :meth:`flush` sorts them.
        self._log_mark = 0
        #: Row ranges a stream logged since the mark (they go first among rows of equal time).
        self._late_rows: list[tuple[int, int]] = []
        #: The BFD driver, when the scenario runs BFD (set by ``install_bfd``).
        self.bfd: Any = None
        self.routers: dict[str, Router] = {n: Router(n, i, self) for i, n in enumerate(names)}
        for name, router in self.routers.items():
            router.ifaces = self._physical_ifaces(name)
        self._kind_ids: dict[type, int] = {}
        #: The last delivery timer of :meth:`transmit`, its arrival and the instant it was set:
        #: a message sent at that instant arriving at that time joins it while it is the newest.
        self._shared: tuple[Timer | None, float, float] = (None, math.nan, math.nan)

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

    def dismantle(self) -> Trace:
        """Take the finished network apart and return its trace: for a run whose network is
        about to be dropped (nothing may use the network, its routers or their protocols after).

        Why: a network is a web of reference cycles (routers and the network, protocols and their
        port, timers holding the protocols' bound methods) that only the cyclic collector frees,
        and everything the network refers to -- every table, database and route -- waited for that
        collector with it: the trace, since the routers record into it, and a run's whole state.
        Walking all of it cost a sweep of small runs about a tenth of its time.  With the routers'
        and protocols' attributes dropped, reference counting frees nearly all of it at once, and
        the collector is left the timers and a few objects per router.
        """
        trace = self.trace
        self.settle()
        for router in self.routers.values():
            if router.protocol is not None:
                vars(router.protocol).clear()
            vars(router).clear()
        vars(self).clear()
        return trace

    def run(self, until: float, *, flush: bool = True) -> None:
        """Run to ``until``, then flush the periodic streams: the trace is complete up to now.

        ``flush=False`` leaves a stream's latest copies unlogged (the message log is then
        incomplete) for a caller that runs in many short steps and flushes at the end: a flush
        visits every stream, which after each of a hundred progress steps costs more than the
        copies it logs.

        The cyclic garbage collector is paused meanwhile (:mod:`netsim.engine.collector`), the
        flush included: its passes would walk the live objects -- imported modules, topology, the
        growing trace -- for nothing.
        """
        with collector_paused():
            if until > self.env.now:
                self.env.run(until=until)
            if flush:
                self.flush()
            else:
                self.settle()

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
        if link is not None and link.up and not ((link.loss_ab or link.loss_ba) and link.drops(src)):
            arrival = link.arrival_time(src, now)
            shared = self._shared
            if shared[1] == arrival and shared[2] == now and env.newest_timer is shared[0]:  # type: ignore[attr-defined]
                self._join(shared[0], (link, link.epoch, src, dst, msg))
            else:
                timer = Timer(env, arrival - now, self._deliver, (link, link.epoch, src, dst, msg))
                if self.share_deliveries:
                    self._shared = (timer, arrival, now)
        else:
            arrival = math.nan
        kind = self._kind_ids.get(type(msg))
        if kind is None:
            kind = self._kind(msg)
        receiver = self.routers.get(dst)
        self._log_row(now, size, packets, sender.index, receiver.index if receiver is not None else -1, kind, arrival)
        if self.taps:
            for tap in self.taps:
                tap(now, src, dst, msg, size, None if math.isnan(arrival) else arrival)

    def _join(self, timer: Timer, delivery: tuple[Any, ...]) -> None:
        """Add ``delivery`` to the newest timer, a delivery due at the same time from the same
        instant: nothing was scheduled in between, so the deliveries run back to back, in the
        order they were sent, as their own events would have (see :func:`newest_timer`)."""
        if timer.fn == self._deliver:
            timer.fn = self._deliver_all
            timer.args = ([timer.args, delivery],)
        else:
            timer.args[0].append(delivery)

    def _deliver_all(self, deliveries: list[tuple[Any, ...]]) -> None:
        """:meth:`_deliver` for each of ``deliveries`` in turn, its body written out: this runs
        for most messages of a run (a router's update reaches all its neighbours at once)."""
        routers = self.routers
        for link, epoch, src, dst, msg in deliveries:
            if link.epoch == epoch and link.up:
                router = routers[dst]
                if router.up and router.protocol is not None:
                    router.protocol.on_message(src, msg)

    def _kind(self, msg: Any) -> int:
        kind = self._kind_ids.get(type(msg))
        if kind is None:
            kind = self._kind_ids[type(msg)] = self.trace.messages.kind_id(getattr(msg, "kind", type(msg).__name__))
        return kind

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
        if kind is None:
            kind = self._kind(msg)
        self._log_row(now, size, 1, sender.index, self.routers[dst].index, kind, arrival)
        if self.taps:
            for tap in self.taps:
                tap(now, src, dst, msg, size, None if math.isnan(arrival) else arrival)

    def _deliver_control(self, link: Link, epoch: int, dst: str, src: str, msg: Any,
                         handler: Callable[[str, str, Any], None]) -> None:
        if link.epoch == epoch and link.up and self.routers[dst].up:
            handler(dst, src, msg)

    # -- periodic streams (netsim.engine.periodic) -------------------------------------------------
    def start_periodic(self, sender: Router, dst: str, msg: Any, size: int, packets: int, interval: float,
                       resume: Resume, *, own_phase: bool = False) -> bool:
        """Send ``msg`` now and stand for its repetitions every ``interval`` without a timer,
        when nothing could make a copy matter: False (nothing sent) otherwise.

        Conditions: the link is up, loses nothing in this direction and has no jitter (those draw
        from the link's generator per message), no tap watches the wire, and the receiver accepts
        ``msg`` as quiet (:meth:`Router.accept_quiet`).  Any change to any of them breaks the
        stream (:meth:`break_link`).  ``own_phase``: the sender's timer ticks at a phase no other
        timer shares, so the receiver may park a timer on the stream (:meth:`watch`).
        """
        src = sender.name
        link = self.adj[src].get(dst)
        receiver = self.routers.get(dst)
        if (link is None or not link.up or link.jitter or (link.loss_ab if src == link.a else link.loss_ba)
                or self.taps or receiver is None or not receiver.up or (src, dst) in self.streams
                or receiver.quiet.get(src) != msg or not interval > 0.0):
            return False
        now = self.env.now
        if link.last_arrival.get(src, 0.0) > now + link.delay:  # an earlier jittered message still ahead
            return False
        self.transmit(sender, dst, msg, size, packets)
        self.streams[(src, dst)] = PeriodicStream(link, sender, receiver, msg, size, packets, self._kind(msg),
                                                  interval, now + interval, resume, start=now, own_phase=own_phase)
        return True

    def heard(self, receiver: Router, src: str, armed: float, at: float | None = None) -> float:
        """The delivery time of the latest quiet copy from ``src`` that ``receiver`` has handled by
        now (or by ``at``, an earlier time a parked timer walks through: see :meth:`watch`), as
        seen by a timer set at ``armed`` (-inf if none since it booted)."""
        stream = self.streams.get((src, receiver.name))
        if stream is not None:
            last = stream.hear(self.env.now if at is None else at, armed)
            if last is not None:
                receiver.heard[src] = last
        return receiver.heard.get(src, -math.inf)

    def watch(self, receiver: Router, src: str, heard: float, within: float, wake: Callable[[], None]) -> bool:
        """Park a timer of ``receiver`` on the stream from ``src``: ``wake()`` is called at the
        instant the stream breaks, before anything of the break happens (see
        :mod:`netsim.engine.periodic`).  True only if the stream promises what a timer that
        just re-arms itself needs: a copy heard at least every ``within`` seconds from now on
        (its interval is shorter and ``heard``, the latest copy the receiver has handled,
        is the stream's first copy or a later one), and a sender phase of its own.
        """
        stream = self.streams.get((src, receiver.name))
        if (stream is None or not stream.own_phase or not stream.interval < within
                or heard < stream.delivery(stream.start)):
            return False
        stream.watch = wake
        return True

    def break_link(self, link: Link) -> None:
        """Something changed on ``link`` or at one of its ends: both directions go back to one
        event per message until a stream forms again."""
        self._break(link.a, link.b)
        self._break(link.b, link.a)

    def _break(self, src: str, dst: str, *, resume: bool = True) -> None:
        """End the stream ``src`` -> ``dst``, if any, at this instant, as if it had never been:
        log its sends, credit the receiver with what it handled, deliver what is still in flight,
        and hand the next send back to the sender's timer (unless the sender is crashing).  A timer
        parked on the stream is woken first, while the stream still stands for the copies."""
        stream = self.streams.get((src, dst))
        if stream is None:
            return
        if type(stream) is FanoutMember:
            self._break_fanout(stream.fanout)
            return
        wake = stream.watch
        if wake is not None:
            stream.watch = None
            wake()
        del self.streams[(src, dst)]
        now = self.env.now
        self._log_stream(stream, now)
        self._land(stream, stream.dst, src, dst, now)
        if resume:
            stream.resume(dst, exact_delay(now, stream.next_send))

    def _land(self, stream: PeriodicStream | FanoutMember, receiver: Router, src: str, dst: str, now: float) -> None:
        """The end of a stream's copies, whichever kind: the wire's FIFO clock catches up with
        them, the receiver is credited with those it handled, those still in flight become real
        deliveries."""
        link = stream.link
        if stream.last_arrival > link.last_arrival.get(src, -math.inf):
            link.last_arrival[src] = stream.last_arrival
        last = stream.hear(now, -math.inf)
        if last is not None:
            receiver.heard[src] = last
        env, epoch, msg = self.env, link.epoch, stream.msg
        for s in stream.in_flight():
            Timer(env, exact_delay(now, stream.delivery(s)), self._deliver, (link, epoch, src, dst, msg))

    def _break_all(self) -> None:
        for src, dst in list(self.streams):
            self._break(src, dst)

    # -- quiet ticks (netsim.engine.fanout) ----------------------------------------------------------
    def quiet_tick(self, sender: Router, sends: list[Send] | None) -> bool:
        """``sender``'s timer fires now and would make ``sends``: account for them as quiet copies,
        without sending any, when every one can be (else False, and nothing sent).

        A tick joins the sender's fanout when it makes the very sends of its previous ticks;
        otherwise that fanout breaks and a new one forms, if for every send the link is up, loses
        nothing in this direction and has no jitter, nothing else streams on it, no tap watches
        the wire, and the receiver accepts the message as quiet (:meth:`Router.accept_quiet`).
        Any change to any of them breaks the fanout (:meth:`break_link`), and so does any change
        to one of the sender's interfaces (:meth:`Router.set_iface`).  ``sends=None``: the
        sends of the sender's previous quiet tick, which it knows it would make again; False
        if its fanout broke since.
        """
        src = sender.name
        fanout = self.fanouts.get(src)
        if sends is None:
            if fanout is None:
                return False
            fanout.times.append(self.env.now)
            return True
        if fanout is not None:
            if fanout.matches(sends):
                fanout.times.append(self.env.now)
                return True
            self._break_fanout(fanout)
        if self.taps or not sends:
            return False
        now = self.env.now
        adj, routers, streams = self.adj[src], self.routers, self.streams
        fanout = Fanout(sender)
        for iface, msg, size, packets in sends:
            link = adj.get(iface)
            receiver = routers.get(iface)
            if (link is None or not link.up or link.jitter or (link.loss_ab if src == link.a else link.loss_ba)
                    or receiver is None or not receiver.up or (src, iface) in streams
                    or receiver.quiet.get(src) is not msg or link.last_arrival.get(src, 0.0) > now + link.delay):
                return False
            fanout.members.append(FanoutMember(fanout, link, receiver, msg, size, packets, self._kind(msg)))
        fanout.times.append(now)
        self.fanouts[src] = fanout
        for member in fanout.members:
            streams[(src, member.dst)] = member
        return True

    def break_fanout(self, sender: str) -> None:
        """End ``sender``'s fanout, if any (its sends may change though its messages did not)."""
        fanout = self.fanouts.get(sender)
        if fanout is not None:
            self._break_fanout(fanout)

    def _break_fanout(self, fanout: Fanout) -> None:
        """End ``fanout`` at this instant, as if it had never been: log its sends, credit each
        receiver with what it handled, deliver what is still in flight (in the order the ticks
        sent them).  The sender's timer never stopped: it only sends for real again."""
        src = fanout.sender.name
        del self.fanouts[src]
        for member in fanout.members:
            del self.streams[(src, member.dst)]
        self._log_fanouts((fanout,))
        now = self.env.now
        for member in fanout.members:
            self._land(member, member.receiver, src, member.dst, now)

    def settle(self) -> None:
        """Move the rows logged since the last call into the message log's columns."""
        self.trace.messages.extend_rows(self._rows)

    def flush(self) -> None:
        """Log every stream's sends before now and put the message log back in time order."""
        self.settle()
        now = self.env.now
        for stream in self.streams.values():
            if type(stream) is PeriodicStream:
                self._log_stream(stream, now)
        self._log_fanouts(self.fanouts.values())
        log = self.trace.messages
        log.sort_from(self._log_mark, self._late_rows)
        self._log_mark = len(log)
        self._late_rows = []

    def _log_stream(self, stream: PeriodicStream, until: float) -> None:
        times, arrivals = stream.sends_before(until)
        if times:
            self.settle()  # the rows logged so far go first
            log = self.trace.messages
            first = len(log)
            log.add_many(times, arrivals, stream.size, stream.packets, stream.src.index, stream.dst.index,
                         stream.kind)
            self._logged_late(first)

    def _log_fanouts(self, fanouts: Iterable[Fanout]) -> None:
        """Log the ticks of ``fanouts`` not logged yet, one fanout after the other, in one go."""
        columns: tuple[list[Any], ...] | None = None
        for fanout in fanouts:
            if fanout.logged < len(fanout.times):
                rows = fanout.rows(fanout.sender.index)
                if columns is None:
                    columns = rows
                else:
                    for column, more in zip(columns, rows, strict=True):
                        column.extend(more)
        if columns is not None:
            self.settle()  # the rows logged so far go first
            first = len(self.trace.messages)
            self.trace.messages.add_columns(columns)
            self._logged_late(first)

    def _logged_late(self, first: int) -> None:
        """Rows ``first:`` of the log were logged late (a stream's or a fanout's copies)."""
        end = len(self.trace.messages)
        late = self._late_rows
        if late and late[-1][1] == first:
            late[-1] = (late[-1][0], end)
        else:
            late.append((first, end))

    def _apply_link_faults(self, graph: Graph) -> None:
        """Per-direction loss and jitter from the graph's edge attributes (set by the scenario)."""
        for (a, b), link in self.links.items():
            data = graph.edges[a, b]
            loss = data.get("loss") or {}
            link.loss_ab = float(loss.get(a, 0.0))
            link.loss_ba = float(loss.get(b, 0.0))
            link.jitter = float(data.get("jitter", 0.0))
            self._draws_if_faulty(link)

    # -- scripted changes (called at their time) ------------------------------------------------
    def set_loss(self, a: str, b: str, loss: Mapping[str, float]) -> None:
        """Change a link's per-direction loss (``loss`` maps sender → probability)."""
        link = self.links[link_key(a, b)]
        self.break_link(link)
        link.loss_ab = float(loss.get(link.a, 0.0))
        link.loss_ba = float(loss.get(link.b, 0.0))
        self._draws_if_faulty(link)

    def _draws_if_faulty(self, link: Link) -> None:
        """Give a link that loses or delays at random its generator (the only draws it makes)."""
        if link.rng is None and (link.loss_ab or link.loss_ba or link.jitter):
            link.rng = self.link_rngs[(link.a, link.b)]

    def link_down(self, a: str, b: str, *, silent: bool, carrier_delay: float, event: int) -> None:
        link = self.links[link_key(a, b)]
        if not link.up:
            return
        self.break_link(link)
        link.up = False
        link.epoch += 1
        self._record(link, False, event, silent)
        if not silent:
            self.at(self.env.now + carrier_delay, self._carrier, link, False)

    def link_up(self, a: str, b: str, *, carrier_delay: float, event: int) -> None:
        link = self.links[link_key(a, b)]
        if link.up:
            return
        self.break_link(link)
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
        self.break_link(link)
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
        for nb in self.adj[name]:
            self._break(name, nb, resume=False)
            self._break(nb, name)
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
        self.break_link(link)
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
