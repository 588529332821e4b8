"""EIGRP (RFC 7868) as a netsim protocol: the thin layer that drives the pure parts.

* :mod:`~netsim.protocols.eigrp.neighbors`: hellos, hold timer, the adjacency state machine;
* :mod:`~netsim.protocols.eigrp.transport`: reliable, ordered UPDATE/QUERY/REPLY with acks and
  retransmission;
* :mod:`~netsim.protocols.eigrp.topology_table` and :mod:`~netsim.protocols.eigrp.dual`: what
  every neighbour reports, and DUAL's decision per destination;
* :mod:`~netsim.protocols.eigrp.metric`: the composite metric from bandwidth and delay.

Each router originates its loopback (the destination named after the router).  FIB entries use
the successors as next hops and the composite metric as cost.  One input (a packet, a timer, a
carrier change) is handled completely before anything is sent: the routes it changes are then
advertised in one UPDATE per neighbour, the queries in one QUERY, the replies in one REPLY
(as routers pack several route TLVs per packet).

Modelling choices: point-to-point links only (unicast; no multicast flow timer); no stub
routing, summarisation or redistribution; no hop-count limit; SIA is the classic rule (a
neighbour that has not replied within the active time is reset) without SIA-QUERY/SIA-REPLY.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from netsim.numeric import uniform
from netsim.protocols.base import Option, Protocol, RouterConfig, Timer, register
from netsim.protocols.common.timer_phase import ALIGNED, TIMER_PHASE_OPTION, InterfaceTicker
from netsim.protocols.eigrp import config as eigrp_config
from netsim.protocols.eigrp import dual
from netsim.protocols.eigrp import neighbors as nbrfsm
from netsim.protocols.eigrp.messages import (
    ACK_SIZE,
    HELLO_SIZE,
    RELIABLE_TYPES,
    Ack,
    Entry,
    Hello,
    Query,
    Reply,
    Update,
    wire_size,
)
from netsim.protocols.eigrp.metric import ORIGIN, InterfaceMetric, KValues, Vector, validate_k_values
from netsim.protocols.eigrp.notes import (
    ActiveForwarding,
    CostIgnored,
    InterfaceChanged,
    KValueMismatch,
    NeighborDown,
    NeighborPending,
    NeighborUp,
    Note,
    StuckInActive,
)
from netsim.protocols.eigrp.topology_table import TopologyEntry, TopologyTable, snapshot
from netsim.protocols.eigrp.transport import RESET, Channel, Outgoing


@register
class Eigrp(Protocol):
    name = "eigrp"
    memory_per_pair = 3_400.0
    churn = 3.0
    aliases = ("dual",)
    correctness = "eigrp"
    cost_meaning = "composite metric (bandwidth and delay)"
    summary = ("EIGRP (RFC 7868): DUAL with feasible successors and diffusing computations, "
               "reliable transport, bandwidth+delay metric")
    options_spec = {
        "hello_interval": Option(5.0, "seconds between hellos (RFC 7868 default on fast links: 5)", positive=True),
        "hold_time": Option(15.0, "silence after which a neighbour is down (default 3 hellos: 15)", positive=True),
        "timer_phase": TIMER_PHASE_OPTION,
        "active_time": Option(180.0, "seconds a route may stay active before the neighbours that have not "
                                     "replied are reset (stuck in active; 0: never)", minimum=0.0),
        "k1": Option(1, "metric weight of the bandwidth term (K1)", integer=True),
        "k2": Option(0, "metric weight of the load term (K2; netsim links are idle: load 1/255)", integer=True),
        "k3": Option(1, "metric weight of the delay term (K3, at least 1)", minimum=1.0, integer=True),
        "variance": Option(1.0, "unequal-cost load sharing: also use feasible successors whose distance is "
                                "within variance x the best (1: equal cost only)", minimum=1.0),
        "rto_min": Option(0.2, "lower bound of the retransmission timeout (s)", positive=True),
        "rto_max": Option(5.0, "upper bound of the retransmission timeout, and its value before a round "
                               "trip is measured (s)", positive=True),
        "retry_limit": Option(16, "retransmissions of one packet before the neighbour is reset (once the "
                                  "hold time has also passed)", positive=True, integer=True),
    }
    #: An input DUAL answers with :data:`dual.UNCHANGED` ends at once (no FIB check, no route
    #: left to advertise).  Results are identical either way (a test runs both); about half of a
    #: cold start's inputs are such news from a neighbour that is no better than our route.
    unchanged_shortcut: ClassVar[bool] = True

    # -- class-level configuration ---------------------------------------------------------------
    @classmethod
    def validate(cls, options: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Problems between options, as (key, message) pairs."""
        o = {**cls.defaults(), **options}
        out = validate_k_values(o["k1"], o["k2"], o["k3"])
        if o["hold_time"] <= o["hello_interval"]:
            out.append(("hold_time", f"must be greater than hello_interval ({o['hello_interval']:g} s), "
                                     "or every neighbour times out between two hellos"))
        if o["rto_min"] > o["rto_max"]:
            out.append(("rto_min", f"must not exceed rto_max ({o['rto_max']:g} s)"))
        return out

    @classmethod
    def configure(cls, graph: Any, options: Mapping[str, Any]) -> dict[str, eigrp_config.RouterConfig]:
        """Interface bandwidth and delay of every router (operator configuration)."""
        return eigrp_config.configure(graph, options)

    @classmethod
    def quiet_period(cls, options: Mapping[str, Any]) -> float:
        """Long enough for a silent failure (hold time) and a stuck-in-active reset (active time)."""
        o = options
        return float(o["hold_time"] + o["active_time"] + 2 * o["rto_max"] + o["hello_interval"])

    @classmethod
    def smallest_interval(cls, options: Mapping[str, Any]) -> float | None:
        """Hellos are EIGRP's only periodic messages (updates are sent on change only)."""
        return float(options["hello_interval"])

    # -- state -------------------------------------------------------------------------------------
    def __init__(self, port: Any, config: RouterConfig, rng: Any) -> None:
        super().__init__(port, config, rng)
        o = self.opts
        self.me = port.name
        self.k = KValues(int(o["k1"]), int(o["k2"]), int(o["k3"]))
        self.hello_interval = float(o["hello_interval"])
        self._hellos: InterfaceTicker | None = None
        self.hold_time = float(o["hold_time"])
        self.active_time = float(o["active_time"])
        self.variance = float(o["variance"])
        extra = config.extra
        cfg = extra if isinstance(extra, eigrp_config.RouterConfig) else eigrp_config.RouterConfig(())
        configured = cfg.metrics()
        self.metrics: dict[str, InterfaceMetric] = {n: configured.get(n, eigrp_config.DEFAULT_METRIC)
                                                    for n in port.interfaces()}
        self.table = TopologyTable(self.k, self.metrics)
        self.routes: dict[str, dual.Route] = {}
        self.nbrs = {n: nbrfsm.Neighbor(n, hold_time=self.hold_time) for n in port.interfaces()}
        self.channels = {n: Channel(float(o["rto_min"]), float(o["rto_max"]), int(o["retry_limit"]),
                                    self.hold_time) for n in port.interfaces()}
        #: What each neighbour was last told per destination (absent: unreachable).
        self.told: dict[str, dict[str, Vector]] = {n: {} for n in port.interfaces()}
        #: Sequence numbers start anywhere (drawn from the router's generator), so the INIT of a
        #: restarted router is never mistaken for a retransmission of its previous INIT.
        self._seq = int(rng.integers(1, 2**31))
        self._rto_timer: dict[str, Timer] = {}
        self._hold_timer: dict[str, Timer] = {}
        self._active_timer: dict[str, Timer] = {}
        self._dirty: dict[str, None] = {}
        self._out: dict[str, list[tuple[str, list[Entry]]]] = {}
        self._mismatch_noted: set[str] = set()
        self._ups: tuple[str, ...] | None = None
        #: Neighbours whose channel may have something to send (a message queued, an ack owed,
        #: the packet in flight acknowledged): the only ones the end of an input looks at.
        self._busy: set[str] = set()

    # -- the two places that talk to the port about decisions ------------------------------------------
    def _note(self, note: Note) -> None:
        """The one place that narrates."""
        self.port.decide(note)

    def _set_fib(self, dest: str, hops: tuple[str, ...], cost: int, cause: Note) -> None:
        """The one place that changes the FIB (only when the route really differs)."""
        current = self.port.fib().get(dest)
        if hops:
            if current is None or current.next_hops != hops or current.cost != cost:
                self.port.install(dest, hops, cost, cause)
        elif current is not None:
            self.port.withdraw(dest, cause)

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> None:
        """Aligned: every interface's hellos tick together from t=0.  Random: a hello on every
        interface at once, then each interface's timer at its own seeded phase."""
        if self.opts.get("timer_phase") == ALIGNED:
            self.port.call_later(uniform(self.rng, 0.0, 0.01), self._hello_tick)
            return
        self._hellos = InterfaceTicker(self.port, self.rng, self._hello_on, lambda n: self.hello_interval)
        self._hellos.start(self.port.interfaces())
        self.port.call_later(uniform(self.rng, 0.0, 0.01), self._hello_tick, False)

    def _hello_tick(self, again: bool = True) -> None:
        for n, info in self.port.interfaces().items():
            if info.up:
                self._send_hello(n)
        if again:
            self.port.call_later(self.hello_interval, self._hello_tick)

    def _hello_on(self, n: str) -> None:
        if self.port.interfaces()[n].up:
            self._send_hello(n)

    def _send_hello(self, n: str) -> None:
        self.port.send(n, Hello(self.hold_time, self.k), HELLO_SIZE)

    # -- receiving -------------------------------------------------------------------------------------
    def on_message(self, iface: str, msg: Any) -> None:
        info = self.port.interfaces().get(iface)
        if info is None or not info.up:
            return
        if isinstance(msg, Hello):
            self._on_hello(iface, msg)
        elif isinstance(msg, Ack):
            self._heard(iface)
            self._on_ack(iface, msg.ack)
        else:
            self._on_reliable(iface, msg)
        self._flush()

    def _on_hello(self, n: str, msg: Hello) -> None:
        if msg.k != self.k:
            if n not in self._mismatch_noted:
                self._mismatch_noted.add(n)
                self._note(KValueMismatch(n, (msg.k.k1, msg.k.k2, msg.k.k3), (self.k.k1, self.k.k2, self.k.k3)))
            return
        nb = self.nbrs[n]
        nb.hold_time = msg.hold_time
        self._heard(n)
        self._neighbor_event(n, nbrfsm.HELLO)

    def _on_reliable(self, n: str, msg: Update | Query | Reply) -> None:
        nb = self.nbrs[n]
        ch = self.channels[n]
        init = isinstance(msg, Update) and msg.init
        if nb.state == nbrfsm.DOWN and not init:
            return  # not part of an adjacency: unacknowledged, so it comes again if it matters
        self._busy.add(n)  # it will be acknowledged
        self._heard(n)
        if msg.ack:
            self._on_ack(n, msg.ack)
        if init:
            if nb.state != nbrfsm.DOWN and msg.seq == ch.received:
                ch.accept(msg.seq, True)  # a retransmitted INIT whose ack was lost: acknowledge again
                return
            self._neighbor_event(n, nbrfsm.INIT_RECEIVED)  # may reset the channel: accept afterwards
            ch.accept(msg.seq, True)
            return
        if nb.state != nbrfsm.UP:
            return
        if not ch.accept(msg.seq, False):
            return
        if isinstance(msg, Update):
            for dest, vector in msg.entries:
                if dest != self.me and self.table.report(dest, n, vector):
                    self._run(dest, dual.Input(dual.UPDATE, n))
        else:
            kind = dual.QUERY if isinstance(msg, Query) else dual.REPLY
            for dest, vector in msg.entries:
                if dest == self.me:
                    if kind == dual.QUERY:
                        self._queue(n, "reply", dest, ORIGIN)
                    continue
                self.table.report(dest, n, vector)
                self._run(dest, dual.Input(kind, n))

    def _on_ack(self, n: str, ack: int) -> None:
        ch = self.channels[n]
        item = ch.in_flight
        if not ch.on_ack(ack, self.port.now):
            return
        timer = self._rto_timer.pop(n, None)
        if timer is not None:
            timer.cancel()
        self._busy.add(n)  # the next queued message may go
        if item is not None and item.init:
            self._neighbor_event(n, nbrfsm.INIT_ACKED)

    # -- DUAL --------------------------------------------------------------------------------------------
    def _up_neighbors(self) -> tuple[str, ...]:
        """Neighbours with an adjacency up, sorted (cached: asked for every route computed)."""
        if self._ups is None:
            self._ups = tuple(sorted(n for n, nb in self.nbrs.items() if nb.state == nbrfsm.UP))
        return self._ups

    def _run(self, dest: str, inp: dual.Input) -> None:
        route = self.routes.get(dest)
        if route is None:
            route = self.routes[dest] = dual.Route(dest)
        cands = self.table.candidates(dest)
        eff = dual.step(route, cands, inp, self._up_neighbors(), self.k)
        if eff is dual.UNCHANGED and self.variance <= 1.0 and self.unchanged_shortcut:
            # Nothing about the route moved, so neither did what it installs (without
            # unequal-cost sharing the FIB entry depends on the route alone) nor what it
            # advertises: every neighbour was told at the flush after it last moved, or when
            # its adjacency came up.  About half of a cold start's inputs end here.
            return
        for n in eff.queries:
            self._queue(n, "query", dest, dual.advertised_to(route, n))
        for n in eff.replies:
            self._queue(n, "reply", dest, dual.advertised_to(route, n))
        for note in eff.notes:
            self._note(note)
        if eff.ended or eff.started:
            timer = self._active_timer.pop(dest, None)
            if timer is not None:
                timer.cancel()
        if route.active and eff.started and self.active_time > 0:
            self._active_timer[dest] = self.port.call_later(self.active_time, self._stuck_in_active, dest)
        cause = eff.notes[-1] if eff.notes else ActiveForwarding(dest, route.successors, route.distance)
        self._set_fib(dest, dual.fib_hops(route, cands, self.variance), route.distance, cause)
        self._dirty[dest] = None

    def _stuck_in_active(self, dest: str) -> None:
        self._active_timer.pop(dest, None)
        route = self.routes.get(dest)
        if route is None or not route.active:
            return
        for n in sorted(route.waiting):
            self._note(StuckInActive(dest, n, self.active_time))
            self._neighbor_event(n, nbrfsm.STUCK_IN_ACTIVE)
        self._flush()

    # -- adjacencies ------------------------------------------------------------------------------------------
    def _heard(self, n: str) -> None:
        nb = self.nbrs[n]
        nb.last_heard = self.port.now
        if n not in self._hold_timer:
            self._hold_timer[n] = self.port.call_later(nb.hold_time, self._check_hold, n)

    def _check_hold(self, n: str) -> None:
        del self._hold_timer[n]
        nb = self.nbrs[n]
        if nb.state == nbrfsm.DOWN:
            return
        silent = self.port.now - nb.last_heard
        if silent >= nb.hold_time - 1e-12:
            self._neighbor_event(n, nbrfsm.HOLD_EXPIRED)
            self._flush()
        else:
            self._hold_timer[n] = self.port.call_later(nb.hold_time - silent, self._check_hold, n)

    def _neighbor_event(self, n: str, event: str) -> None:
        nb = self.nbrs[n]
        nb.state, action = nbrfsm.transition(nb.state, event)
        self._ups = None
        if action == nbrfsm.SEND_INIT:
            self._note(NeighborPending(n))
            self._send_init(n)
        elif action == nbrfsm.ADJACENCY_UP:
            self._adjacency_up(n)
        elif action == nbrfsm.RESTART:
            self._adjacency_down(n, nbrfsm.WHY[event])
            self._send_init(n)
        elif action == nbrfsm.DROP:
            self._adjacency_down(n, nbrfsm.WHY[event])

    def _send_init(self, n: str) -> None:
        self.channels[n].push(Outgoing("update", (), init=True))
        self._busy.add(n)

    def _adjacency_up(self, n: str) -> None:
        """Send the whole table: our loopback and every passive route we have."""
        self.told[n] = {}
        self._queue(n, "update", self.me, ORIGIN)
        for dest in sorted(self.routes):
            route = self.routes[dest]
            if not route.active:
                vector = dual.advertised_to(route, n)
                if vector is not None:
                    self._queue(n, "update", dest, vector)
        self._note(NeighborUp(n, len(self.told[n])))

    def _adjacency_down(self, n: str, why: str) -> None:
        self._note(NeighborDown(n, why))
        self.channels[n].clear()
        timer = self._rto_timer.pop(n, None)
        if timer is not None:
            timer.cancel()
        self.told[n] = {}
        self._out.pop(n, None)
        dests = set(self.table.forget_neighbor(n))
        dests.update(d for d, r in self.routes.items() if n in r.waiting or n in r.owed or n in r.successors)
        for dest in sorted(dests):
            self._run(dest, dual.Input(dual.NEIGHBOR_DOWN, n))

    # -- interface events --------------------------------------------------------------------------------------
    def on_link_change(self, iface: str, up: bool) -> None:
        if up:
            self._send_hello(iface)
            if self._hellos is not None:
                self._hellos.restart(iface)
        else:
            self._neighbor_event(iface, nbrfsm.CARRIER_DOWN)
        self._flush()

    def on_cost_change(self, iface: str, cost: float) -> None:
        self._note(CostIgnored(iface, cost))

    def on_link_attrs(self, iface: str, attrs: Mapping[str, float]) -> None:
        """The operator set a new bandwidth or delay on the interface to ``iface`` (an attribute
        not in ``attrs`` keeps its configured value)."""
        old = self.metrics[iface]
        bw = int(attrs.get("bandwidth", old.bandwidth))
        delay = attrs.get("eigrp_delay")
        tens = old.delay if delay is None else max(1, round(delay / 10))
        self.reconfigure(iface, InterfaceMetric(bw, tens))

    def reconfigure(self, iface: str, metric: InterfaceMetric) -> None:
        """The interface to ``iface`` now has ``metric``: every route through it is re-evaluated."""
        old = self.metrics[iface]
        if old == metric:
            return
        self.metrics[iface] = metric
        self._note(InterfaceChanged(iface, f"bandwidth {old.bandwidth} → {metric.bandwidth} kbit/s, "
                                           f"delay {old.delay_us} → {metric.delay_us} µs"))
        for dest in self.table.interface_changed(iface):
            self._run(dest, dual.Input(dual.LINK_CHANGE, iface))
        self._flush()

    # -- sending -------------------------------------------------------------------------------------------------
    def _queue(self, n: str, kind: str, dest: str, vector: Vector | None) -> None:
        """Add one route to the message of ``kind`` going to ``n`` at the end of this input."""
        if self.nbrs[n].state != nbrfsm.UP:
            return
        told = self.told[n]
        if vector is None:
            told.pop(dest, None)
        else:
            told[dest] = vector
        segments = self._out.setdefault(n, [])
        if segments and segments[-1][0] == kind:
            segments[-1][1].append((dest, vector))
        else:
            segments.append((kind, [(dest, vector)]))

    def _sync(self) -> None:
        """Advertise every passive route whose value changed for some neighbour."""
        dirty, self._dirty = self._dirty, {}
        ups = self._up_neighbors()
        routes, told = self.routes, self.told
        for dest in dirty:
            route = routes.get(dest)
            if route is None or route.active:
                continue
            # dual.advertised_to inlined: a hub checks every dirty route against a hundred
            # neighbours, and most were told this very vector object already.
            reported, successors = route.reported, route.successors
            for n in ups:
                vector = None if reported is None or n in successors else reported
                was = told[n].get(dest)
                if was is not vector and was != vector:
                    self._queue(n, "update", dest, vector)

    def _flush(self) -> None:
        """Send what this input produced: updates, queries and replies, then bare acks."""
        self._sync()
        out, self._out = self._out, {}
        for n, segments in out.items():
            for kind, entries in segments:
                self.channels[n].push(Outgoing(kind, tuple(entries)))
            self._busy.add(n)
        if not self._busy:
            return
        busy, self._busy = sorted(self._busy), set()
        for n in busy:
            ch = self.channels[n]
            if ch.in_flight is None and ch.queue:
                self._seq += 1
                item = ch.start_next(self.port.now, self._seq)
                assert item is not None
                self._transmit(n, item)
            if ch.ack_owed:
                self.port.send(n, Ack(ch.take_ack()), ACK_SIZE)

    def _transmit(self, n: str, item: Outgoing) -> None:
        ch = self.channels[n]
        msg_type = RELIABLE_TYPES[item.kind]
        # Every transmission (retransmissions too) acknowledges the last packet received from
        # the neighbour: an ack that rode on a lost packet comes again with its retransmission.
        ch.take_ack()
        ack = ch.received
        if item.init:
            msg: Update | Query | Reply = Update(ch.seq, ack, (), init=True)
        else:
            msg = msg_type(ch.seq, ack, item.entries)
        size, packets = wire_size(len(item.entries))
        if self.port.interfaces()[n].up:
            self.port.send(n, msg, size, packets)
        self._rto_timer[n] = self.port.call_later(ch.rto(), self._retransmit, n)

    def _retransmit(self, n: str) -> None:
        self._rto_timer.pop(n, None)
        ch = self.channels[n]
        if ch.in_flight is None:
            return
        if ch.on_timeout(self.port.now) == RESET:
            self._neighbor_event(n, nbrfsm.RETRY_LIMIT)
        else:
            self._transmit(n, ch.in_flight)
        self._flush()

    # -- inspection --------------------------------------------------------------------------------------------------
    def topology(self) -> dict[str, TopologyEntry]:
        """A read-only copy of the topology table (``show ip eigrp topology``)."""
        return snapshot(self.table, self.routes)
