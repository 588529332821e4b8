"""Link-state routing in the style of OSPFv2 on point-to-point links (RFC 2328).

What is modelled, one module per mechanism of the RFC:

* **Adjacencies** (:mod:`.neighbor`): hellos every ``hello_interval``, each interface at its own
  seeded random phase (``timer_phase``, :mod:`netsim.protocols.common.timer_phase`); a neighbour
  silent for ``dead_interval`` is declared down; carrier loss takes the adjacency down at once.
  Both timers (and ``rxmt_interval``) can be set per interface.  The neighbour state machine (Down,
  Init, ExStart, Loading, Full) is the table ``NEIGHBOR_FSM``.
* **Database exchange**: on two-way, each side sends a database description (the headers of
  its LSDB); each side then pushes the LSAs the other lacks; the adjacency is Full when every
  LSA the neighbour announced as newer has arrived.
* **Router-LSAs** (:mod:`.packets`) with sequence numbers and origination time, listing Full
  neighbours with the interface cost and the stub prefixes the router originates.  Origination
  is limited by ``min_ls_interval`` (MinLSInterval), acceptance by ``min_ls_arrival``
  (MinLSArrival); refreshed every ``ls_refresh`` seconds.
* **Reliable flooding**: LSAs go out in link-state updates, at once after a quiet spell and then
  at most one per ``flood_pacing`` per neighbour (LSAs queued meanwhile share it); each is kept
  on a retransmission list until acknowledged (explicitly, with ``ack_delay``-batched acks, or
  implicitly by the neighbour flooding it back) and resent every ``rxmt_interval``.
* **SPF** scheduled through the RFC 8405 back-off (:mod:`netsim.protocols.common.spf_throttle`)
  with a reason, computed by Dijkstra over the LSDB (:mod:`netsim.protocols.common.spf`), with
  modelled ``spf_duration`` and ``fib_delay`` before the FIB changes.  Equal-cost paths are all kept.

Simplified: one area, point-to-point links only (no DR election, no network-LSAs), no MaxAge
flushing (a crashed router's stale LSA stays but fails the two-way check), no checksums.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netsim.protocols.base import Option, Protocol, RouterConfig, Timer, register
from netsim.protocols.common.spf import prefix_routes, spf, spf_needed, spf_repair
from netsim.protocols.common.spf_throttle import HOLDDOWN_EXPIRED, IGP_EVENT, LEARN_EXPIRED, QUIET, SpfBackoff
from netsim.protocols.common.timer_phase import ALIGNED, TIMER_PHASE_OPTION, InterfaceTicker
from netsim.protocols.linkstate.neighbor import (
    ADJACENCY_FULL,
    DOWN,
    EXCHANGE_DONE,
    EXCHANGE_PENDING,
    EXSTART,
    FLOODING,
    FULL,
    HELLO_1WAY,
    HELLO_2WAY,
    INACTIVITY,
    INIT,
    LINK_DOWN,
    LOADING,
    LOADING_DONE,
    RESET,
    START_EXCHANGE,
    STATE_RANK,
    Neighbor,
    transition,
)
from netsim.protocols.linkstate.notes import (
    AdjacencyChanged,
    LsaDropped,
    LsaOriginated,
    LsaRetransmitted,
    OriginationDeferred,
    SpfRun,
    Trigger,
    WarmStart,
)
from netsim.protocols.linkstate.packets import (
    DbDescription,
    Hello,
    Lsa,
    LsAck,
    LsUpdate,
    ack_size,
    dbd_size,
    hello_size,
    update_size,
)
from netsim.protocols.linkstate.warm import SpfView, WarmState, warm_state
from netsim.trace import CostChanged, InterfaceChanged

START, REFRESH = Trigger("start"), Trigger("refresh")


@register
class LinkState(Protocol):
    name = "linkstate"
    aliases = ("ospf", "ls")
    summary = "OSPF-like link state (RFC 2328): hellos, reliable flooding, SPF with RFC 8405 back-off, ECMP"
    options_spec = {
        "hello_interval": Option(10.0, "seconds between hellos (HelloInterval)", positive=True, per_interface=True),
        "dead_interval": Option(40.0, "silence after which a neighbour is down (RouterDeadInterval)",
                                positive=True, per_interface=True),
        "rxmt_interval": Option(5.0, "seconds before an unacknowledged LSA is resent (RxmtInterval)",
                                positive=True, per_interface=True),
        "min_ls_interval": Option(5.0, "minimum seconds between two originations of our LSA (MinLSInterval)"),
        "min_ls_arrival": Option(1.0, "minimum seconds between accepting two instances of an LSA "
                                      "(MinLSArrival)"),
        "ls_refresh": Option(1800.0, "seconds between refreshes of our own LSA (LSRefreshTime)",
                             positive=True),
        "spf_delay": Option(0.05, "RFC 8405 INITIAL_SPF_DELAY: wait before the first SPF after quiet"),
        "spf_hold": Option(0.2, "RFC 8405 SHORT_SPF_DELAY: wait between SPFs while learning a change"),
        "spf_max_wait": Option(5.0, "RFC 8405 LONG_SPF_DELAY: wait between SPFs under sustained churn"),
        "spf_learn": Option(0.5, "RFC 8405 TIME_TO_LEARN_INTERVAL: short waits allowed before long ones"),
        "spf_holddown": Option(10.0, "RFC 8405 HOLDDOWN_INTERVAL: quiet time that resets the back-off"),
        "spf_duration": Option(0.001, "modelled time an SPF run takes (s)"),
        "fib_delay": Option(0.001, "modelled time to push SPF results into the FIB (s)"),
        "flood_pacing": Option(0.033, "minimum seconds between two link-state updates to one neighbour; LSAs "
                                      "queued meanwhile share the next one (33 ms: a common router default)"),
        "ack_delay": Option(1.0, "delayed acknowledgements are batched for this long (< rxmt_interval)"),
        "timer_phase": TIMER_PHASE_OPTION,
        "warm_start": Option(False, "start every router from the converged state of the initial topology "
                                    "(full adjacencies, complete LSDB, routes installed at t=0) instead of "
                                    "a cold start; a router that restarts later still boots cold"),
    }

    @classmethod
    def validate(cls, options: Mapping[str, Any]) -> list[tuple[str, str]]:
        out = []
        if options["dead_interval"] <= options["hello_interval"]:
            out.append(("dead_interval", f"must be greater than hello_interval ({options['hello_interval']:g} s)"))
        return out

    @classmethod
    def configure(cls, graph: Any, options: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """With ``warm_start``: the converged state each router would have reached by itself.

        This is a checkpoint, not a shortcut through the honesty rules: it is exactly the LSDB the
        routers flood to each other on the initial topology (one router-LSA per router listing its
        links), and the routes an SPF over it gives.  From t=0 on, everything is messages and timers.
        """
        if not options.get("warm_start"):
            return None
        return warm_state(graph, Lsa)

    @classmethod
    def quiet_period(cls, options: Mapping[str, Any]) -> float:
        o = options
        return float(o["dead_interval"] + o["min_ls_interval"] + o["rxmt_interval"] + o["spf_max_wait"]
                     + o["spf_duration"] + o["fib_delay"] + 1.0)

    @classmethod
    def smallest_interval(cls, options: Mapping[str, Any]) -> float | None:
        return float(min(options["hello_interval"], options["rxmt_interval"]))

    @classmethod
    def refresh_interval(cls, options: Mapping[str, Any]) -> float | None:
        return float(options["ls_refresh"])

    def __init__(self, port: Any, config: RouterConfig, rng: Any) -> None:
        super().__init__(port, config, rng)
        o = self.opts
        self.me = port.name
        self.nbrs: dict[str, Neighbor] = {
            n: Neighbor(n, float(config.option("hello_interval", n)), float(config.option("dead_interval", n)),
                        float(config.option("rxmt_interval", n)))
            for n in port.interfaces()}
        self.prefixes = tuple(sorted((p.dest, float(p.metric)) for p in config.prefixes))
        self.lsdb: dict[str, Lsa] = {}
        self.graph: dict[str, dict[str, float]] = {}
        self.installed_at: dict[str, float] = {}
        self.seq = 0
        self._last_orig = -1e18
        self._orig_timer: Timer | None = None
        self._triggers: list[Trigger] = []
        self.backoff = SpfBackoff(float(o["spf_delay"]), float(o["spf_hold"]), float(o["spf_max_wait"]),
                                  float(o["spf_learn"]), float(o["spf_holddown"]))
        self._bo_timers: dict[str, Timer | None] = {"holddown": None, "learn": None}
        self._bo_deadline: dict[str, float | None] = {"holddown": None, "learn": None}
        self._spf_timer: Timer | None = None
        self._spf_reasons: list[tuple[str, int, str | None]] = []
        self._spf_delay_used = 0.0
        self._spf_mode = "initial"
        self.spf_runs = 0
        self.routes: Mapping[str, tuple[float, tuple[str, ...]]] = {}
        #: Incremental SPF: links (as of the last SPF) of every origin whose LSA changed since.
        self._spf_before: dict[str, Mapping[str, float] | None] = {}
        self._last_spf: Mapping[str, tuple[float, tuple[str, ...]]] | None = None
        #: Origins whose stub prefixes changed since the last SPF (their prefix routes need a look).
        self._prefixes_changed = False
        self._pacing = float(o["flood_pacing"])
        self._ack_delay = float(o["ack_delay"])
        self._min_ls_arrival = float(o["min_ls_arrival"])
        #: Per-interface hello timers at random phases (None: aligned, one tick per interval).
        self._hellos: InterfaceTicker | None = None

    # ============================ lifecycle ====================================================
    def start(self) -> None:
        warm = self.config.extra
        if isinstance(warm, WarmState) and self.port.now == 0.0:
            self._warm(warm)
        else:
            self._originate(START, force=True)
        self._start_hellos()
        self.port.call_later(float(self.opts["ls_refresh"]), self._refresh)

    def _start_hellos(self) -> None:
        """Aligned: one tick per hello interval for all interfaces, starting together.  Random: a
        hello on every interface at once (as an interface that comes up says hello), then each
        interface's periodic timer at its own random phase."""
        if self.opts.get("timer_phase") == ALIGNED:
            intervals = sorted({nb.hello_interval for nb in self.nbrs.values()})
            for interval in intervals or [float(self.opts["hello_interval"])]:
                self.port.call_later(float(self.rng.uniform(0.0, 0.01)), self._hello_tick, interval)
            return
        self._hellos = InterfaceTicker(self.port, self.rng, self._hello_on, lambda n: self.nbrs[n].hello_interval)
        self._hellos.start(self.nbrs)
        self.port.call_later(float(self.rng.uniform(0.0, 0.01)), self._hello_tick, None)

    def _warm(self, state: WarmState) -> None:
        """Begin converged: every adjacency Full, the whole LSDB, routes installed (see configure)."""
        me = self.me
        for name, nb in self.nbrs.items():
            if self.port.interfaces()[name].up:
                nb.state = FULL
                nb.got_dbd = True
                nb.last_hello = 0.0
                nb.dead_timer = self.port.call_later(nb.dead, self._check_dead, nb)
        self.lsdb = dict(state.lsdb)
        self.graph = dict(state.graph)
        self.installed_at = {}  # as if installed long ago: MinLSArrival never holds back the first change
        self.seq = self.lsdb[me].seq
        table = state.table(me)
        self.port.preload(table)  # FIB in force at t=0: a snapshot, not millions of records
        routes = SpfView(table)
        self.routes = routes
        self._last_spf = routes
        self.port.decide(WarmStart(len(self.lsdb), len(routes)))

    def _refresh(self) -> None:
        self._originate(REFRESH, force=True)
        self.port.call_later(float(self.opts["ls_refresh"]), self._refresh)

    # ============================ hellos and adjacencies ==========================================
    def _hello_tick(self, interval: float | None) -> None:
        """Hellos on every interface with this interval (None: every interface, once)."""
        ifaces = self.port.interfaces()
        for name, nb in self.nbrs.items():
            if (interval is None or nb.hello_interval == interval) and ifaces[name].up:
                self._send_hello(name)
        if interval is not None:
            self.port.call_later(interval, self._hello_tick, interval)

    def _hello_on(self, iface: str) -> None:
        if self.port.interfaces()[iface].up:
            self._send_hello(iface)

    def _send_hello(self, iface: str) -> None:
        self.port.send(iface, Hello(self.nbrs[iface].state != DOWN), hello_size())

    def on_message(self, iface: str, msg: Any) -> None:
        nb = self.nbrs.get(iface)
        if nb is None or not self.port.interfaces()[iface].up:
            return
        kind = type(msg)
        if kind is LsUpdate:
            self._on_update(nb, msg)
        elif kind is LsAck:
            self._on_ack(nb, msg)
        elif kind is Hello:
            self._on_hello(nb, msg)
        elif kind is DbDescription:
            self._on_dbd(nb, msg)

    def _on_hello(self, nb: Neighbor, msg: Hello) -> None:
        nb.last_hello = self.port.now
        if nb.dead_timer is None:
            nb.dead_timer = self.port.call_later(nb.dead, self._check_dead, nb)
        was = nb.state
        if was == FULL and msg.sees_you:
            return  # steady state: NEIGHBOR_FSM has no entry for (Full, 2-WayReceived)
        self._fsm(nb, HELLO_2WAY if msg.sees_you else HELLO_1WAY)
        if was in (DOWN, INIT) and nb.state != was or (was != DOWN and not msg.sees_you):
            self._send_hello(nb.name)  # answer at once so the neighbour reaches two-way quickly

    def _check_dead(self, nb: Neighbor) -> None:
        nb.dead_timer = None
        if nb.state == DOWN:
            return
        silent_for = self.port.now - nb.last_hello
        if silent_for >= nb.dead - 1e-12:
            self._fsm(nb, INACTIVITY, silent_for=silent_for)
        else:
            nb.dead_timer = self.port.call_later(nb.dead - silent_for, self._check_dead, nb)

    def on_link_change(self, iface: str, up: bool) -> None:
        nb = self.nbrs[iface]
        if up:
            self.port.decide(InterfaceChanged(iface, True, "sending hello"))
            self._send_hello(iface)
            if self._hellos is not None:
                self._hellos.restart(iface)  # the interface's hello timer restarts now (as FRR's does)
        else:
            self._fsm(nb, LINK_DOWN)

    def on_cost_change(self, iface: str, cost: float) -> None:
        if self.nbrs[iface].state == FULL:
            self._originate(Trigger("cost", iface, cost))
        elif self.port.narrating:
            self.port.decide(CostChanged(iface, cost, "no Full adjacency on it: nothing to originate"))

    def _fsm(self, nb: Neighbor, event: str, *, silent_for: float = 0.0, via_dbd: bool = False) -> None:
        entry = transition(nb.state, event)
        if entry is None:
            return
        old = nb.state
        nb.state, action = entry
        note = AdjacencyChanged(nb.name, old, nb.state, event, silent_for, len(nb.pending), via_dbd)
        if old != nb.state:
            self.port.decide(note)
        if action == START_EXCHANGE:
            self._send_dbd(nb)
        elif action == ADJACENCY_FULL:
            self._originate(Trigger("adjacency-full", nb.name))
        elif action == RESET:
            nb.clear()
            if old == FULL:
                self._originate(Trigger("adjacency-down", nb.name, cause=note))

    # ============================ database exchange =============================================
    def _send_dbd(self, nb: Neighbor) -> None:
        headers = tuple((o, lsa.seq) for o, lsa in self.lsdb.items())
        self.port.send(nb.name, DbDescription(headers, nb.got_dbd), dbd_size(len(headers)))
        if not nb.got_dbd and nb.dbd_timer is None:
            nb.dbd_timer = self.port.call_later(nb.rxmt_interval, self._dbd_rxmt, nb)

    def _dbd_rxmt(self, nb: Neighbor) -> None:
        nb.dbd_timer = None
        if STATE_RANK[nb.state] >= STATE_RANK[EXSTART] and not nb.got_dbd:
            self._send_dbd(nb)

    def _on_dbd(self, nb: Neighbor, msg: DbDescription) -> None:
        if nb.state == DOWN:
            return  # hellos will bring it up; its DBD is retransmitted
        if nb.state == INIT:
            self._fsm(nb, HELLO_2WAY, via_dbd=True)
        if not nb.got_dbd:
            nb.got_dbd = True
            theirs = dict(msg.headers)
            for origin, seq in msg.headers:
                mine = self.lsdb.get(origin)
                if mine is None or mine.seq < seq:
                    nb.pending[origin] = seq
            for origin, lsa in self.lsdb.items():
                seq = theirs.get(origin)
                if seq is None or seq < lsa.seq:
                    self._queue(nb, lsa)
        if not msg.have_yours:
            self._send_dbd(nb)
        if nb.state == EXSTART:
            self._fsm(nb, EXCHANGE_PENDING if nb.pending else EXCHANGE_DONE)

    # ============================ flooding =======================================================
    def _queue(self, nb: Neighbor, lsa: Lsa) -> None:
        """Send ``lsa`` to ``nb`` reliably: batched now, retransmitted until acknowledged."""
        nb.out_lsas[lsa.origin] = lsa
        nb.rxmt[lsa.origin] = lsa
        if nb.flush_timer is None or nb.rxmt_timer is None:
            self._arm(nb)

    def _arm(self, nb: Neighbor) -> None:
        """Start the flush and retransmission timers of ``nb`` that are not running."""
        if nb.flush_timer is None:
            # Pacing: the first update after a quiet spell leaves at once (still batching all LSAs
            # queued at this instant); later ones wait until `flood_pacing` after the previous one.
            wait = nb.last_lsu + self._pacing - self.port.now
            nb.flush_timer = self.port.call_later(wait if wait > 0 else 0.0, self._flush, nb)
        if nb.rxmt_timer is None:
            nb.rxmt_timer = self.port.call_later(nb.rxmt_interval, self._retransmit, nb)

    def _flush(self, nb: Neighbor) -> None:
        nb.flush_timer = None
        if nb.out_lsas:
            nb.last_lsu = self.port.now
            self._send_lsas(nb, tuple(nb.out_lsas.values()))
            nb.out_lsas = {}

    def _send_lsas(self, nb: Neighbor, lsas: tuple[Lsa, ...]) -> None:
        self.port.send(nb.name, LsUpdate(lsas), update_size(lsas))

    def _retransmit(self, nb: Neighbor) -> None:
        nb.rxmt_timer = None
        if not nb.rxmt or STATE_RANK[nb.state] < STATE_RANK[EXSTART]:
            return
        lsas = tuple(nb.rxmt.values())
        self.port.decide(LsaRetransmitted(nb.name, tuple((lsa.origin, lsa.seq) for lsa in lsas), nb.rxmt_interval))
        self._send_lsas(nb, lsas)
        nb.rxmt_timer = self.port.call_later(nb.rxmt_interval, self._retransmit, nb)

    def _ack(self, nb: Neighbor, lsa: Lsa) -> None:
        nb.out_acks.append((lsa.origin, lsa.seq))
        if nb.ack_timer is None:
            nb.ack_timer = self.port.call_later(self._ack_delay, self._send_acks, nb)

    def _send_acks(self, nb: Neighbor) -> None:
        nb.ack_timer = None
        if nb.out_acks and STATE_RANK[nb.state] >= STATE_RANK[EXSTART]:
            keys = tuple(nb.out_acks)
            self.port.send(nb.name, LsAck(keys), ack_size(len(keys)))
        nb.out_acks = []

    def _on_ack(self, nb: Neighbor, msg: LsAck) -> None:
        rxmt = nb.rxmt
        for origin, seq in msg.keys:
            lsa = rxmt.get(origin)
            if lsa is not None and lsa.seq == seq:
                del rxmt[origin]

    def _on_update(self, nb: Neighbor, msg: LsUpdate) -> None:
        """RFC 2328 §13, per LSA: install and flood a newer instance; treat the same instance as
        an implied acknowledgement (or acknowledge it); answer an older one with ours.

        The hottest code of a large link-state run -- each router receives every LSA once per
        neighbour -- so lookups are hoisted into locals."""
        if nb.state not in FLOODING:
            return
        now = self.port.now
        lsdb = self.lsdb
        rxmt = nb.rxmt
        me = self.me
        installed = False
        for lsa in msg.lsas:
            origin = lsa.origin
            seq = lsa.seq
            mine = lsdb.get(origin)
            if mine is not None:
                if seq == mine.seq:
                    held = rxmt.get(origin)
                    if held is not None and held.seq == seq:
                        del rxmt[origin]  # implied acknowledgement
                    else:
                        self._ack(nb, lsa)
                    continue
                if seq < mine.seq:
                    self._queue(nb, mine)  # the neighbour is behind: send it our newer copy
                    continue
                since = now - self.installed_at.get(origin, -1e18)
                if origin != me and since < self._min_ls_arrival:
                    # MinLSArrival: too soon after the last instance; the sender retransmits.
                    self.port.decide(LsaDropped(origin, seq, nb.name, since, self._min_ls_arrival,
                                                nb.rxmt_interval))
                    continue
            self._install(lsa, nb.name, now)
            self._flood(lsa, exclude=nb.name)
            self._ack(nb, lsa)
            installed = True
            if origin == me:
                # A newer instance of our own LSA survives from before a restart: jump past it.
                self.seq = max(self.seq, seq)
                self._originate(Trigger("own-newer", value=seq), force=True)
        if installed:
            self._settle_pending()

    def _settle_pending(self) -> None:
        """Loading ends when the LSDB holds every LSA a neighbour announced as newer, whoever
        delivered it: on a lossy link the copy may come from another neighbour first, and the
        announcing neighbour then takes our flood-back as an acknowledgement and never resends."""
        lsdb = self.lsdb
        for nb in self.nbrs.values():
            if not nb.pending:
                continue
            for origin, want in list(nb.pending.items()):
                have = lsdb.get(origin)
                if have is not None and have.seq >= want:
                    del nb.pending[origin]
            if not nb.pending and nb.state == LOADING:
                self._fsm(nb, LOADING_DONE)

    def _flood(self, lsa: Lsa, exclude: str | None) -> None:
        # _queue inlined: a large cold start floods millions of (LSA, neighbour) pairs.
        origin = lsa.origin
        for name, nb in self.nbrs.items():
            if nb.state in FLOODING and name != exclude:
                nb.out_lsas[origin] = lsa
                nb.rxmt[origin] = lsa
                if nb.flush_timer is None or nb.rxmt_timer is None:
                    self._arm(nb)

    def _install(self, lsa: Lsa, source: str | None, now: float) -> None:
        """Put ``lsa`` (from neighbour ``source``; None = our own) in the LSDB; schedule an SPF if
        its links or prefixes differ.  The SPF reason is kept as data and worded only if shown."""
        origin = lsa.origin
        old_lsa = self.lsdb.get(origin)
        self.lsdb[origin] = lsa
        self.installed_at[origin] = now
        links = lsa.link_map  # shared, never mutated
        old = self.graph.get(origin)
        prefixes_moved = (old_lsa.prefixes if old_lsa is not None else ()) != lsa.prefixes
        if prefixes_moved:
            self._prefixes_changed = True
        if old != links:
            if origin not in self._spf_before:
                self._spf_before[origin] = old
            self.graph[origin] = links
            self._schedule_spf((origin, lsa.seq, source))
        elif prefixes_moved:
            self._schedule_spf((origin, lsa.seq, source))

    # ============================ origination =====================================================
    def _originate(self, trigger: Trigger, force: bool = False) -> None:
        self._triggers.append(trigger)
        wait = self._last_orig + float(self.opts["min_ls_interval"]) - self.port.now
        if wait > 1e-12:
            if self._orig_timer is None:
                self.port.decide(OriginationDeferred(wait, trigger))
                self._orig_timer = self.port.call_later(wait, self._originate_now, force)
            return
        self._originate_now(force)

    def _originate_now(self, force: bool = False) -> None:
        self._orig_timer = None
        ifaces = self.port.interfaces()
        links = tuple(sorted((n, ifaces[n].cost) for n, nb in self.nbrs.items()
                             if nb.state == FULL and ifaces[n].up))
        triggers = tuple(self._triggers)
        self._triggers = []
        current = self.lsdb.get(self.me)
        if not force and current is not None and current.links == links and current.prefixes == self.prefixes:
            return
        self.seq += 1
        self._last_orig = self.port.now
        lsa = Lsa(self.me, self.seq, links, self.port.now, self.prefixes)
        self.port.decide(LsaOriginated(self.seq, links, triggers))
        self._install(lsa, None, self.port.now)
        self._flood(lsa, exclude=None)

    # ============================ SPF scheduling (RFC 8405) =========================================
    def _schedule_spf(self, reason: tuple[str, int, str | None]) -> None:
        self._spf_reasons.append(reason)
        if self._spf_timer is not None and self.backoff.state != QUIET:
            # Fast path of SPF_FSM for (SHORT_WAIT | LONG_WAIT, IGP_EVENT) with an SPF already
            # scheduled: the table's only effect is to restart HOLDDOWN.  During a flooding storm
            # this runs once per LSA, so it skips building the action list.
            self._bo_deadline["holddown"] = self.port.now + self.backoff.holddown
            return
        self._backoff(IGP_EVENT)

    def _backoff(self, event: str) -> None:
        for verb, timer, delay in self.backoff.handle(event):
            if verb == "spf":
                if self._spf_timer is None:
                    self._spf_delay_used = delay
                    self._spf_mode = timer
                    self._spf_timer = self.port.call_later(delay, self._run_spf)
            elif verb == "start":
                # (Re)starting a timer moves its deadline; one pending wake-up per timer re-arms
                # itself until the deadline, instead of a cancel and a new timer per LSA.
                self._bo_deadline[timer] = self.port.now + delay
                if self._bo_timers.get(timer) is None:
                    self._bo_timers[timer] = self.port.call_later(delay, self._backoff_timer, timer)
            else:
                self._bo_deadline[timer] = None

    def _backoff_timer(self, timer: str) -> None:
        self._bo_timers[timer] = None
        deadline = self._bo_deadline.get(timer)
        if deadline is None:
            return  # cancelled
        wait = deadline - self.port.now
        if wait > 1e-9:
            self._bo_timers[timer] = self.port.call_later(wait, self._backoff_timer, timer)
            return
        self._bo_deadline[timer] = None
        self._backoff(HOLDDOWN_EXPIRED if timer == "holddown" else LEARN_EXPIRED)

    def _run_spf(self) -> None:
        self._spf_timer = None
        self.spf_runs += 1
        reasons = tuple(dict.fromkeys(self._spf_reasons))
        self._spf_reasons = []
        last = self._last_spf
        changed: set[str] | None = None  # None: compare every destination
        if last is not None and not spf_needed(self.graph, self._spf_before, self.me, last):
            result: Mapping[str, tuple[float, tuple[str, ...]]] = last  # same answer, no Dijkstra
            changed = set()
        else:
            # Links only lost or dearer: repair the part of the tree below them; else a full run.
            repaired = spf_repair(self.graph, self._spf_before, self.me, last) if last is not None else None
            if repaired is not None:
                result, changed = repaired
            else:
                result = spf(self.graph, self.me)
        self._spf_before = {}
        self._last_spf = result
        if self._prefixes_changed or any(lsa.prefixes for lsa in self.lsdb.values()):
            # Stub prefixes: routes via their (nearest) originators; compared in full.
            self._prefixes_changed = False
            result = {**result, **prefix_routes(self.lsdb, result, self.me)}
            changed = None
        note = SpfRun(self.me, self.spf_runs, reasons, self._spf_mode, self._spf_delay_used, self.backoff.state,
                      self.backoff.learn, self.backoff.holddown)
        self.port.decide(note)
        delay = float(self.opts["spf_duration"]) + float(self.opts["fib_delay"])
        self.port.call_later(delay, self._apply_routes, result, note, changed)

    def _apply_routes(self, result: Mapping[str, tuple[float, tuple[str, ...]]], cause: SpfRun,
                      changed: set[str] | None = None) -> None:
        """Push ``result`` into the FIB: installs in destination order, then withdrawals.  With
        ``changed`` (an incremental run), only those destinations can differ."""
        old = self.routes
        if changed is None:
            for dest, (cost, hops) in result.items():
                if old.get(dest) != (cost, hops):
                    self.port.install(dest, hops, cost, cause)
            gone = [dest for dest in old if dest not in result]
        else:
            dests = sorted(changed)
            for dest in dests:
                new = result.get(dest)
                if new is not None and old.get(dest) != new:
                    self.port.install(dest, new[1], new[0], cause)
            gone = [dest for dest in dests if dest not in result and dest in old]
        for dest in gone:
            self.port.withdraw(dest, cause)
        self.routes = result
