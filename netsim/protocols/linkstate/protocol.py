"""Link-state routing in the style of OSPFv2 on point-to-point links (RFC 2328).

What is modelled, one module per mechanism of the RFC; the mechanisms IS-IS has too (the LSDB and
origination limits, reliable flooding, SPF scheduling and the SPF run) are shared with it in
:mod:`netsim.protocols.common`, so this module keeps what is OSPF's own:

* **Adjacencies** (:mod:`.neighbor`): hellos every ``hello_interval``, each interface at its own
  seeded random phase (``timer_phase``, :mod:`netsim.protocols.common.timer_phase`); a neighbour
  silent for ``dead_interval`` is declared down; carrier loss takes the adjacency down at once.
  Both timers (and ``rxmt_interval``) can be set per interface.  The neighbour state machine (Down,
  Init, ExStart, Loading, Full) is the table ``NEIGHBOR_FSM``.  A Full neighbour's hellos change
  nothing but when it was last heard: on a port that offers it they are a periodic stream
  (``quiet_hellos``), with identical results and no event per hello.
* **Database exchange**: on two-way, each side sends a database description (the headers of
  its LSDB); each side then pushes the LSAs the other lacks; the adjacency is Full when every
  LSA the neighbour announced as newer has arrived.
* **Router-LSAs** (:mod:`.packets`) with sequence numbers and origination time, listing Full
  neighbours with the interface cost and the stub prefixes the router originates.  Origination
  is limited by ``min_ls_interval`` (MinLSInterval), acceptance by ``min_ls_arrival``
  (MinLSArrival); refreshed every ``ls_refresh`` seconds (:mod:`netsim.protocols.common.lsdb`).
* **Reliable flooding** (:mod:`netsim.protocols.common.flooding`): LSAs go out in link-state
  updates, at once after a quiet spell and then at most one per ``flood_pacing`` per neighbour
  (LSAs queued meanwhile share it); each is kept on a retransmission list until acknowledged
  (explicitly, with ``ack_delay``-batched acks, or implicitly by the neighbour flooding it back)
  and resent every ``rxmt_interval``.
* **SPF** scheduled through the RFC 8405 back-off (:mod:`netsim.protocols.common.spf_schedule`)
  with a reason, computed by Dijkstra over the LSDB (:mod:`netsim.protocols.common.spf_routes`),
  with modelled ``spf_duration`` and ``fib_delay`` before the FIB changes.  Equal-cost paths are
  all kept.

Simplified: one area, point-to-point links only (no DR election, no network-LSAs), no MaxAge
flushing (a crashed router's stale LSA stays but fails the two-way check), no checksums.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, ClassVar

from netsim.numeric import uniform
from netsim.protocols.base import Option, Protocol, RouterConfig, register
from netsim.protocols.common.flooding import Flooder, FloodPolicy
from netsim.protocols.common.lsdb import Lsdb, Origination
from netsim.protocols.common.spf_routes import SpfRoutes
from netsim.protocols.common.spf_schedule import BackoffSchedule
from netsim.protocols.common.spf_throttle import SpfBackoff
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
#: The hello a Full neighbour ignores but for its arrival time: NEIGHBOR_FSM has no (Full, 2-WayReceived),
#: and a Full neighbour's dead timer is always armed or parked (only ``_check_dead`` unsets it, and
#: re-arms or parks it unless the neighbour goes Down), so ``_on_hello`` only sets ``last_hello``.
QUIET_HELLO = Hello(True)
#: A dead check parks only on hellos that come more often than this fraction of its dead interval:
#: every parked step then finds a hello well within ``dead - 1e-12``, whatever the rounding of the
#: copies' times (a setting that close to the limit keeps its events).
PARK_MARGIN = 0.99


@register
class LinkState(Protocol):
    name = "linkstate"
    memory_per_pair = 515.0
    memory_per_link_dest = 87.0
    warm_memory_per_pair = 50.0
    aliases = ("ospf", "ls")
    summary = "OSPF-like link state (RFC 2328): hellos, reliable flooding, SPF with RFC 8405 back-off, ECMP"
    messages = (
        ("hello", "68 B: IPv4 header 20 + OSPF header 24 + hello 24"),
        ("dbd", "52 B + 20 B per LSA header"),
        ("lsu", "48 B + per LSA 24 B + 12 B per link or prefix"),
        ("lsack", "44 B + 20 B per LSA header"),
    )
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

    #: Steady-state hellos as periodic streams of the port (:class:`netsim.protocols.base.QuietPort`),
    #: when it offers them: a Full neighbour declares ``Hello(sees_you=True)`` quiet, the sender hands
    #: its repetitions to the port, and the dead check asks the port when the last one arrived.
    #: Results are identical either way (a test runs both); in a large quiet network hellos are
    #: most of the events, and this makes them cost a few float additions each.  Aligned timer
    #: phases keep one event per hello (their ticks coincide on purpose).
    quiet_hellos: ClassVar[bool] = True
    #: While a Full neighbour's hellos are a stream, its dead check only re-arms itself every
    #: ``dead - silence`` seconds: the check parks on the stream instead (``quiet_watch``), and
    #: when the stream breaks the chain of checks it would have run is replayed with the same
    #: floats and a real timer armed for its next step (:meth:`_wake`).  Results are identical
    #: either way (a test runs both); on a large quiet network these checks are most of the
    #: events left once the hellos are streams.
    parked_dead_checks: ClassVar[bool] = True

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
                        float(config.option("rxmt_interval", n)), float(o["ack_delay"]))
            for n in port.interfaces()}
        self.prefixes = tuple(sorted((p.dest, float(p.metric)) for p in config.prefixes))
        self.spf_runs = 0
        self.schedule = BackoffSchedule(
            port, SpfBackoff(float(o["spf_delay"]), float(o["spf_hold"]), float(o["spf_max_wait"]),
                             float(o["spf_learn"]), float(o["spf_holddown"])), self._run_spf)
        self.db = Lsdb(self.schedule.schedule)
        self.table = SpfRoutes(self.me)
        self.own = Origination(port, float(o["min_ls_interval"]), self._originate_now, OriginationDeferred)
        self.flooder = Flooder(port, self.nbrs, self.db, FLOODING, pacing=float(o["flood_pacing"]),
                               send_lsas=self._send_lsas, send_acks=self._send_acks, own_newer=self._own_newer,
                               policy=FloodPolicy(min_arrival=float(o["min_ls_arrival"])),
                               dropped=self._lsa_dropped, resent=self._lsa_resent)
        #: Per-interface hello timers at random phases (None: aligned, one tick per interval).
        self._hellos: InterfaceTicker | None = None
        #: The port's periodic streams (QuietPort), or None: one event per hello.
        quiet = self.quiet_hellos and o.get("timer_phase") != ALIGNED
        self._accept: Callable[[str, Any], None] | None = getattr(port, "accept_quiet", None) if quiet else None
        self._send_periodic: Callable[..., bool] | None = getattr(port, "send_periodic", None) if quiet else None
        self._quiet_heard: Callable[..., float] | None = getattr(port, "quiet_heard", None) if quiet else None
        if self._accept is None or self._send_periodic is None or self._quiet_heard is None:
            self._accept = self._send_periodic = self._quiet_heard = None
        #: The port's parking of dead checks on hello streams (None: every check is an event).
        park = quiet and self._quiet_heard is not None and self.parked_dead_checks
        self._watch: Callable[..., bool] | None = getattr(port, "quiet_watch", None) if park else None
        self._call_at: Callable[..., Any] | None = getattr(port, "call_at", None) if park else None
        if self._watch is None or self._call_at is None:
            self._watch = self._call_at = None

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
                self.port.call_later(uniform(self.rng, 0.0, 0.01), self._hello_tick, interval)
            return
        repeat = self._hello_repeat if self._send_periodic is not None else None
        self._hellos = InterfaceTicker(self.port, self.rng, self._hello_on, lambda n: self.nbrs[n].hello_interval,
                                       repeat)
        self._hellos.start(self.nbrs)
        self.port.call_later(uniform(self.rng, 0.0, 0.01), self._hello_tick, None)

    def _warm(self, state: WarmState) -> None:
        """Begin converged: every adjacency Full, the whole LSDB, routes installed (see configure)."""
        me = self.me
        for name, nb in self.nbrs.items():
            if self.port.interfaces()[name].up:
                nb.state = FULL
                nb.got_dbd = True
                nb.last_hello = 0.0
                self._arm_dead(nb, nb.dead)
                if self._accept is not None:
                    self._accept(name, QUIET_HELLO)
        self.db.load(state.lsdb, state.graph, state.with_prefixes)
        self.db.installed_at = {}  # as if installed long ago: MinLSArrival never holds back the first change
        self.own.seq = self.db.entries[me].seq
        table = state.table(me)
        self.port.preload(table)  # FIB in force at t=0: a snapshot, not millions of records
        routes = SpfView(table)
        self.table.routes = routes
        self.table.last = routes
        self.port.decide(WarmStart(len(self.db.entries), len(routes)))

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

    def _hello_repeat(self, iface: str, interval: float, resume: Callable[[str, float], None]) -> bool:
        """A hello tick that may hand its repetitions to the port: only a hello that says "I see
        you" can be quiet (the neighbour's FSM ignores it when Full); the port checks the rest."""
        assert self._send_periodic is not None and self._hellos is not None
        if self.nbrs[iface].state == DOWN or not self.port.interfaces()[iface].up:
            return False
        return self._send_periodic(iface, QUIET_HELLO, hello_size(), interval, resume,
                                   own_phase=self._hellos.own_phase(iface))

    def on_message(self, iface: str, msg: Any) -> None:
        nb = self.nbrs.get(iface)
        if nb is None or not self.port.interfaces()[iface].up:
            return
        kind = type(msg)
        if kind is LsUpdate:
            self._on_update(nb, msg)
        elif kind is LsAck:
            self.flooder.on_acks(nb, msg.keys)
        elif kind is Hello:
            self._on_hello(nb, msg)
        elif kind is DbDescription:
            self._on_dbd(nb, msg)

    def _on_hello(self, nb: Neighbor, msg: Hello) -> None:
        if nb.dead_due is not None:  # not expected: a check parks once the stream's real copies are heard
            self._wake(nb)
        nb.last_hello = self.port.now
        if nb.dead_timer is None:
            self._arm_dead(nb, nb.dead)
        was = nb.state
        if was == FULL and msg.sees_you:
            return  # steady state: NEIGHBOR_FSM has no entry for (Full, 2-WayReceived)
        self._fsm(nb, HELLO_2WAY if msg.sees_you else HELLO_1WAY)
        if was in (DOWN, INIT) and nb.state != was or (was != DOWN and not msg.sees_you):
            self._send_hello(nb.name)  # answer at once so the neighbour reaches two-way quickly

    def _arm_dead(self, nb: Neighbor, delay: float) -> None:
        nb.dead_timer = self.port.call_later(delay, self._check_dead, nb)
        nb.dead_armed = self.port.now

    def _check_dead(self, nb: Neighbor) -> None:
        """RouterDeadInterval: the last hello is the later of the last one delivered and the last
        quiet one the port stood for (a steady neighbour's hellos cost no event here).  When the
        hellos are a stream that promises a copy well within the dead interval, the next check is
        parked on it rather than scheduled (see ``parked_dead_checks``)."""
        nb.dead_timer = None
        if nb.state == DOWN:
            return
        if self._quiet_heard is not None:
            heard = self._quiet_heard(nb.name, nb.dead_armed)
            if heard > nb.last_hello:
                nb.last_hello = heard
        now = self.port.now
        silent_for = now - nb.last_hello
        if silent_for >= nb.dead - 1e-12:
            self._fsm(nb, INACTIVITY, silent_for=silent_for)
            return
        if self._watch is not None:
            wake = nb.wake
            if wake is None:
                wake = nb.wake = partial(self._wake, nb)
            if self._watch(nb.name, nb.last_hello, PARK_MARGIN * nb.dead, wake):
                nb.dead_armed = now
                nb.dead_due = now + (nb.dead - silent_for)  # the clock's now + delay
                return
        self._arm_dead(nb, nb.dead - silent_for)

    def _wake(self, nb: Neighbor) -> None:
        """The stream a parked dead check rests on is about to break (or a hello arrived): replay
        the checks it stood for, each exactly as :meth:`_check_dead` computes it -- the hellos
        heard by then, as seen by a timer set at the previous step -- and arm a real timer for
        the first step still to come.  A step due right now has not run yet: the event that
        wakes the chain goes first (the same-instant assumption of :mod:`netsim.engine.periodic`).
        The port promised a hello well within the dead interval at every step, so none of them
        finds the neighbour dead; if one did, the promise was broken, and the run stops rather
        than differ silently.
        """
        due = nb.dead_due
        if due is None:
            return
        assert self._quiet_heard is not None and self._call_at is not None
        nb.dead_due = None
        now = self.port.now
        armed, last, dead, name, heard_at = nb.dead_armed, nb.last_hello, nb.dead, nb.name, self._quiet_heard
        while due < now:
            heard = heard_at(name, armed, due)
            if heard > last:
                last = heard
            silent_for = due - last
            if silent_for >= dead - 1e-12:
                raise AssertionError(f"{self.me}: parked dead check of {name} at {due!r} found it dead")
            armed, due = due, due + (dead - silent_for)
        nb.dead_armed = armed
        nb.last_hello = last
        nb.dead_timer = self._call_at(due, self._check_dead, nb)

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
        if self._accept is not None and entry[0] != old:
            # Before the change takes effect: the port delivers what is in flight as it stands.
            self._accept(nb.name, QUIET_HELLO if entry[0] == FULL else None)
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
        headers = tuple([lsa.key for lsa in self.db.entries.values()])  # an LSA's key is its header (origin, seq)
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
            entries = self.db.entries
            for origin, seq in msg.headers:
                mine = entries.get(origin)
                if mine is None or mine.seq < seq:
                    nb.pending[origin] = seq
            for origin, lsa in entries.items():
                seq = theirs.get(origin)
                if seq is None or seq < lsa.seq:
                    self.flooder.queue(nb, lsa)
        if not msg.have_yours:
            self._send_dbd(nb)
        if nb.state == EXSTART:
            self._fsm(nb, EXCHANGE_PENDING if nb.pending else EXCHANGE_DONE)

    # ============================ flooding (netsim.protocols.common.flooding) ==========================
    def _send_lsas(self, nb: Neighbor, lsas: tuple[Lsa, ...]) -> None:
        self.port.send(nb.name, LsUpdate(lsas), update_size(lsas))

    def _send_acks(self, nb: Neighbor, keys: tuple[tuple[str, int], ...]) -> None:
        self.port.send(nb.name, LsAck(keys), ack_size(len(keys)))

    def _on_update(self, nb: Neighbor, msg: LsUpdate) -> None:
        """RFC 2328 §13, per LSA (:meth:`Flooder.receive`): install and flood a newer instance; treat
        the same instance as an implied acknowledgement (or acknowledge it); answer an older one
        with ours; MinLSArrival holds back an instance that follows the last one too soon."""
        if nb.state not in FLOODING:
            return
        if self.flooder.receive(nb, msg.lsas):
            self._settle_pending()

    def _lsa_dropped(self, nb: Neighbor, lsa: Lsa, since: float) -> None:
        """Narrate an LSA ignored under MinLSArrival: it and the retransmission it waits for are
        the hidden reason for many multi-second delays (a restart, a repaired link)."""
        self.port.decide(LsaDropped(lsa.origin, lsa.seq, nb.name, since, self.flooder.policy.min_arrival,
                                    nb.rxmt_interval))

    def _lsa_resent(self, nb: Neighbor, lsas: tuple[Lsa, ...]) -> None:
        self.port.decide(LsaRetransmitted(nb.name, tuple([lsa.key for lsa in lsas]), nb.rxmt_interval))

    def _own_newer(self, nb: Neighbor, lsa: Lsa) -> None:
        """A newer instance of our own LSA survives from before a restart: jump past it."""
        self.own.seq = max(self.own.seq, lsa.seq)
        self._originate(Trigger("own-newer", value=lsa.seq), force=True)

    def _settle_pending(self) -> None:
        """Loading ends when the LSDB holds every LSA a neighbour announced as newer, whoever
        delivered it: on a lossy link the copy may come from another neighbour first, and the
        announcing neighbour then takes our flood-back as an acknowledgement and never resends."""
        lsdb = self.db.entries
        for nb in self.nbrs.values():
            if not nb.pending:
                continue
            for origin, want in list(nb.pending.items()):
                have = lsdb.get(origin)
                if have is not None and have.seq >= want:
                    del nb.pending[origin]
            if not nb.pending and nb.state == LOADING:
                self._fsm(nb, LOADING_DONE)

    # ============================ origination (MinLSInterval: netsim.protocols.common.lsdb) ============
    def _originate(self, trigger: Trigger, force: bool = False) -> None:
        self.own.request(trigger, force)

    def _originate_now(self, force: bool = False) -> None:
        ifaces = self.port.interfaces()
        links = tuple(sorted((n, ifaces[n].cost) for n, nb in self.nbrs.items()
                             if nb.state == FULL and ifaces[n].up))
        triggers = self.own.take_triggers()
        current = self.db.entries.get(self.me)
        if not force and current is not None and current.links == links and current.prefixes == self.prefixes:
            return
        now = self.port.now
        seq = self.own.originated(now)
        lsa = Lsa(self.me, seq, links, now, self.prefixes)
        self.port.decide(LsaOriginated(seq, links, triggers))
        self.db.install(lsa, None, now)
        self.flooder.flood(lsa, exclude=None)

    # ============================ SPF (RFC 8405 back-off: netsim.protocols.common.spf_schedule) =========
    def _run_spf(self) -> None:
        self.spf_runs += 1
        reasons = self.schedule.take_reasons()
        result, changed = self.table.compute(self.db)
        sched = self.schedule
        note = SpfRun(self.me, self.spf_runs, reasons, sched.mode, sched.delay, sched.state,
                      sched.backoff.learn, sched.backoff.holddown)
        self.port.decide(note)
        delay = float(self.opts["spf_duration"]) + float(self.opts["fib_delay"])
        self.port.call_later(delay, self.table.apply, self.port, result, note, changed)
