"""Link-state routing in the style of OSPFv2 on point-to-point links (RFC 2328).

What is modelled:

* **Adjacencies**: hellos every ``hello_interval``; a neighbour silent for ``dead_interval``
  is declared down; carrier loss takes the adjacency down at once.  The neighbour state
  machine (Down, Init, ExStart, Loading, Full) is the table :data:`NEIGHBOR_FSM`.
* **Database exchange**: on two-way, each side sends a database description (the headers of
  its LSDB); each side then pushes the LSAs the other lacks; the adjacency is Full when every
  LSA the neighbour announced as newer has arrived.
* **Router-LSAs** with sequence numbers and origination time (for age), listing Full
  neighbours with the interface cost.  Origination is limited by ``min_ls_interval``
  (MinLSInterval), acceptance by ``min_ls_arrival`` (MinLSArrival); refreshed every
  ``ls_refresh`` seconds.
* **Reliable flooding**: LSAs go out in link-state updates, at once after a quiet spell and then
  at most one per ``flood_pacing`` per neighbour (LSAs queued meanwhile share it); each is kept
  on a retransmission list until acknowledged (explicitly, with ``ack_delay``-batched acks, or
  implicitly by the neighbour flooding it back) and resent every ``rxmt_interval``.
* **SPF** scheduled through the RFC 8405 back-off (:mod:`netsim.protocols.common.spf_throttle`) with
  a reason, computed by Dijkstra over the LSDB (:mod:`netsim.protocols.common.spf`), with modelled
  ``spf_duration`` and ``fib_delay`` before the FIB changes.  Equal-cost paths are all kept.

Simplified: one area, point-to-point links only (no DR election, no network-LSAs), no MaxAge
flushing (a crashed router's stale LSA stays but fails the two-way check), no checksums.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from netsim.protocols.base import Option, Protocol, Timer, register
from netsim.protocols.common.spf import spf, spf_needed, spf_repair
from netsim.protocols.common.spf_throttle import HOLDDOWN_EXPIRED, IGP_EVENT, LEARN_EXPIRED, QUIET, SpfBackoff
from netsim.protocols.linkstate.warm import SpfView, WarmState, warm_state
from netsim.trace import _num

# --- packets (sizes in bytes include the 20-byte IPv4 header and the 24-byte OSPF header) -------
OSPF_HDR = 44


@dataclass(frozen=True, slots=True)
class Lsa:
    """A router-LSA: who originated it, its sequence number, its links, and when it was born."""

    origin: str
    seq: int
    links: tuple[tuple[str, float], ...]
    born: float
    #: Derived once at origination and shared by every router that installs this instance:
    #: flooding handles each LSA millions of times in a large network.
    size: int = field(init=False, compare=False, repr=False)
    link_map: dict[str, float] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", 24 + 12 * len(self.links))
        object.__setattr__(self, "link_map", dict(self.links))


@dataclass(frozen=True, slots=True)
class Hello:
    sees_you: bool


@dataclass(frozen=True, slots=True)
class DbDescription:
    headers: tuple[tuple[str, int], ...]
    have_yours: bool


@dataclass(frozen=True, slots=True)
class LsUpdate:
    lsas: tuple[Lsa, ...]


@dataclass(frozen=True, slots=True)
class LsAck:
    keys: tuple[tuple[str, int], ...]


# --- neighbour state machine ---------------------------------------------------------------------
DOWN, INIT, EXSTART, LOADING, FULL = "Down", "Init", "ExStart", "Loading", "Full"
STATE_RANK = {DOWN: 0, INIT: 1, EXSTART: 2, LOADING: 3, FULL: 4}
HELLO_1WAY = "1-WayReceived"         # a hello that does not list us (new, or restarted, neighbour)
HELLO_2WAY = "2-WayReceived"         # a hello (or DBD) showing the neighbour sees us
EXCHANGE_DONE = "ExchangeDone"       # neighbour's DBD processed, nothing newer to wait for
EXCHANGE_PENDING = "ExchangeDone(pending)"
LOADING_DONE = "LoadingDone"
INACTIVITY = "InactivityTimer"
LINK_DOWN = "LinkDown"

#: (state, event) -> (next state, action).  Events missing from the table leave the state alone.
NEIGHBOR_FSM: dict[tuple[str, str], tuple[str, str | None]] = {
    (DOWN, HELLO_1WAY): (INIT, None),
    (DOWN, HELLO_2WAY): (EXSTART, "start_exchange"),
    (INIT, HELLO_2WAY): (EXSTART, "start_exchange"),
    (EXSTART, EXCHANGE_DONE): (FULL, "adjacency_full"),
    (EXSTART, EXCHANGE_PENDING): (LOADING, None),
    (LOADING, LOADING_DONE): (FULL, "adjacency_full"),
    (EXSTART, HELLO_1WAY): (INIT, "reset"),
    (LOADING, HELLO_1WAY): (INIT, "reset"),
    (FULL, HELLO_1WAY): (INIT, "reset"),
    **{(s, INACTIVITY): (DOWN, "reset") for s in (INIT, EXSTART, LOADING, FULL)},
    **{(s, LINK_DOWN): (DOWN, "reset") for s in (INIT, EXSTART, LOADING, FULL)},
}


#: States in which a neighbour takes part in flooding (RFC 2328 §13.3: Exchange or greater).
FLOODING = frozenset((EXSTART, LOADING, FULL))


def _reason_text(reason: tuple[str, int, str | None]) -> str:
    origin, seq, source = reason
    if source is None:
        return f"own LSA seq {seq}: links changed"
    return f"LSA {origin} seq {seq} from {source}: links changed"


class Neighbor:
    """Per-neighbour protocol state (RFC 2328 §10)."""

    __slots__ = ("name", "state", "last_hello", "last_lsu", "dead_timer", "got_dbd", "pending", "rxmt",
                 "rxmt_timer", "dbd_timer", "out_lsas", "flush_timer", "out_acks", "ack_timer")

    def __init__(self, name: str) -> None:
        self.name = name
        self.state = DOWN
        self.last_hello = -1.0
        self.last_lsu = -1e18
        self.dead_timer: Timer | None = None
        self.clear()

    def clear(self) -> None:
        self.got_dbd = False
        self.pending: dict[str, int] = {}
        self.rxmt: dict[str, Lsa] = {}
        self.out_lsas: dict[str, Lsa] = {}
        self.out_acks: list[tuple[str, int]] = []
        for t in ("rxmt_timer", "dbd_timer", "flush_timer", "ack_timer"):
            timer = getattr(self, t, None)
            if timer is not None:
                timer.cancel()
            setattr(self, t, None)


@register
class LinkState(Protocol):
    name = "linkstate"
    aliases = ("ospf", "ls")
    summary = "OSPF-like link state (RFC 2328): hellos, reliable flooding, SPF with RFC 8405 back-off, ECMP"
    options_spec = {
        "hello_interval": Option(10.0, "seconds between hellos (HelloInterval)", positive=True),
        "dead_interval": Option(40.0, "silence after which a neighbour is down (RouterDeadInterval)",
                                positive=True),
        "rxmt_interval": Option(5.0, "seconds before an unacknowledged LSA is resent (RxmtInterval)",
                                positive=True),
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
        "warm_start": Option(False, "start every router from the converged state of the initial topology "
                                    "(full adjacencies, complete LSDB, routes installed at t=0) instead of "
                                    "a cold start; a router that restarts later still boots cold"),
    }

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

    def __init__(self, port: Any, options: Mapping[str, Any], rng: Any, config: Any = None) -> None:
        super().__init__(port, options, rng, config)
        o = self.opts
        self.me = port.name
        self.hello_interval = float(o["hello_interval"])
        self.dead = float(o["dead_interval"])
        self.rxmt_interval = float(o["rxmt_interval"])
        self.nbrs: dict[str, Neighbor] = {n: Neighbor(n) for n in port.interfaces()}
        self.lsdb: dict[str, Lsa] = {}
        self.graph: dict[str, dict[str, float]] = {}
        self.installed_at: dict[str, float] = {}
        self.seq = 0
        self._last_orig = -1e18
        self._orig_timer: Timer | None = None
        self._orig_reasons: list[str] = []
        self.backoff = SpfBackoff(float(o["spf_delay"]), float(o["spf_hold"]), float(o["spf_max_wait"]),
                                  float(o["spf_learn"]), float(o["spf_holddown"]))
        self._bo_timers: dict[str, Timer | None] = {"holddown": None, "learn": None}
        self._bo_deadline: dict[str, float | None] = {"holddown": None, "learn": None}
        self._spf_timer: Timer | None = None
        self._spf_reasons: list[tuple[str, int, str | None]] = []
        self._spf_delay_used = 0.0
        self.spf_runs = 0
        self.routes: Mapping[str, tuple[float, tuple[str, ...]]] = {}
        #: Incremental SPF: links (as of the last SPF) of every origin whose LSA changed since.
        self._spf_before: dict[str, Mapping[str, float] | None] = {}
        self._last_spf: Mapping[str, tuple[float, tuple[str, ...]]] | None = None
        self.spf_skipped = 0
        self._pacing = float(o["flood_pacing"])
        self._ack_delay = float(o["ack_delay"])
        self._min_ls_arrival = float(o["min_ls_arrival"])

    # ============================ lifecycle ====================================================
    def start(self) -> None:
        if isinstance(self.config, WarmState) and self.port.now == 0.0:
            self._warm(self.config)
        else:
            self._originate("router started", force=True)
        self.port.call_later(float(self.rng.uniform(0.0, 0.01)), self._hello_tick)
        self.port.call_later(float(self.opts["ls_refresh"]), self._refresh)

    def _warm(self, state: WarmState) -> None:
        """Begin converged: every adjacency Full, the whole LSDB, routes installed (see configure)."""
        me = self.me
        for name, nb in self.nbrs.items():
            if self.port.interfaces()[name].up:
                nb.state = FULL
                nb.got_dbd = True
                nb.last_hello = 0.0
                nb.dead_timer = self.port.call_later(self.dead, self._check_dead, nb)
        self.lsdb = dict(state.lsdb)
        self.graph = dict(state.graph)
        self.installed_at = {}  # as if installed long ago: MinLSArrival never holds back the first change
        self.seq = self.lsdb[me].seq
        table = state.table(me)
        self.port.preload(table)  # FIB in force at t=0: a snapshot, not millions of records
        routes = SpfView(table)
        self.routes = routes
        self._last_spf = routes
        self.port.decide("lsa", f"warm start: {len(self.lsdb)} LSAs, {len(routes)} routes")

    def _refresh(self) -> None:
        self._originate("LSRefreshTime: periodic refresh", force=True)
        self.port.call_later(float(self.opts["ls_refresh"]), self._refresh)

    # ============================ hellos and adjacencies ==========================================
    def _hello_tick(self) -> None:
        for iface, info in self.port.interfaces().items():
            if info.up:
                self._send_hello(iface)
        self.port.call_later(self.hello_interval, self._hello_tick)

    def _send_hello(self, iface: str) -> None:
        self.port.send(iface, Hello(self.nbrs[iface].state != DOWN), OSPF_HDR + 24)

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
            nb.dead_timer = self.port.call_later(self.dead, self._check_dead, nb)
        was = nb.state
        if was == FULL and msg.sees_you:
            return  # steady state: NEIGHBOR_FSM has no entry for (Full, 2-WayReceived)
        self._fsm(nb, HELLO_2WAY if msg.sees_you else HELLO_1WAY,
                  "hello lists us" if msg.sees_you else "hello does not list us")
        if was in (DOWN, INIT) and nb.state != was or (was != DOWN and not msg.sees_you):
            self._send_hello(nb.name)  # answer at once so the neighbour reaches two-way quickly

    def _check_dead(self, nb: Neighbor) -> None:
        nb.dead_timer = None
        if nb.state == DOWN:
            return
        silent_for = self.port.now - nb.last_hello
        if silent_for >= self.dead - 1e-12:
            self._fsm(nb, INACTIVITY, f"no hello for {_num(round(silent_for, 6))} s (dead interval)")
        else:
            nb.dead_timer = self.port.call_later(self.dead - silent_for, self._check_dead, nb)

    def on_link_change(self, iface: str, up: bool) -> None:
        nb = self.nbrs[iface]
        if up:
            self.port.decide("interface", f"interface to {iface} up: sending hello")
            self._send_hello(iface)
        else:
            self._fsm(nb, LINK_DOWN, "carrier lost")

    def on_cost_change(self, iface: str, cost: float) -> None:
        if self.nbrs[iface].state == FULL:
            self._originate(f"cost of link to {iface} now {_num(cost)}")

    def _fsm(self, nb: Neighbor, event: str, why: str) -> None:
        entry = NEIGHBOR_FSM.get((nb.state, event))
        if entry is None:
            return
        old = nb.state
        nb.state, action = entry
        if old != nb.state:
            self.port.decide("adjacency", f"adjacency with {nb.name} {old} → {nb.state}: {why}")
        if action == "start_exchange":
            self._start_exchange(nb)
        elif action == "adjacency_full":
            self._originate(f"adjacency with {nb.name} Full")
        elif action == "reset":
            nb.clear()
            if old == FULL:
                self._originate(f"adjacency with {nb.name} down ({why})")

    # ============================ database exchange =============================================
    def _start_exchange(self, nb: Neighbor) -> None:
        self._send_dbd(nb)

    def _send_dbd(self, nb: Neighbor) -> None:
        headers = tuple((o, lsa.seq) for o, lsa in self.lsdb.items())
        self.port.send(nb.name, DbDescription(headers, nb.got_dbd), OSPF_HDR + 8 + 20 * len(headers))
        if not nb.got_dbd and nb.dbd_timer is None:
            nb.dbd_timer = self.port.call_later(self.rxmt_interval, self._dbd_rxmt, nb)

    def _dbd_rxmt(self, nb: Neighbor) -> None:
        nb.dbd_timer = None
        if STATE_RANK[nb.state] >= STATE_RANK[EXSTART] and not nb.got_dbd:
            self._send_dbd(nb)

    def _on_dbd(self, nb: Neighbor, msg: DbDescription) -> None:
        if nb.state == DOWN:
            return  # hellos will bring it up; its DBD is retransmitted
        if nb.state == INIT:
            self._fsm(nb, HELLO_2WAY, "database description received")
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
            self._fsm(nb, EXCHANGE_PENDING if nb.pending else EXCHANGE_DONE,
                      f"database exchanged, {len(nb.pending)} LSAs to load" if nb.pending
                      else "database exchanged, nothing to load")

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
            nb.rxmt_timer = self.port.call_later(self.rxmt_interval, self._retransmit, nb)

    def _flush(self, nb: Neighbor) -> None:
        nb.flush_timer = None
        if nb.out_lsas:
            nb.last_lsu = self.port.now
            self._send_lsas(nb, tuple(nb.out_lsas.values()))
            nb.out_lsas = {}

    def _send_lsas(self, nb: Neighbor, lsas: tuple[Lsa, ...]) -> None:
        self.port.send(nb.name, LsUpdate(lsas), OSPF_HDR + 4 + sum(lsa.size for lsa in lsas))

    def _retransmit(self, nb: Neighbor) -> None:
        nb.rxmt_timer = None
        if not nb.rxmt or STATE_RANK[nb.state] < STATE_RANK[EXSTART]:
            return
        self._send_lsas(nb, tuple(nb.rxmt.values()))
        nb.rxmt_timer = self.port.call_later(self.rxmt_interval, self._retransmit, nb)

    def _ack(self, nb: Neighbor, lsa: Lsa) -> None:
        nb.out_acks.append((lsa.origin, lsa.seq))
        if nb.ack_timer is None:
            nb.ack_timer = self.port.call_later(self._ack_delay, self._send_acks, nb)

    def _send_acks(self, nb: Neighbor) -> None:
        nb.ack_timer = None
        if nb.out_acks and STATE_RANK[nb.state] >= STATE_RANK[EXSTART]:
            keys = tuple(nb.out_acks)
            self.port.send(nb.name, LsAck(keys), OSPF_HDR + 20 * len(keys))
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
                if origin != me and now - self.installed_at.get(origin, -1e18) < self._min_ls_arrival:
                    continue  # MinLSArrival: too soon after the last instance; the sender retransmits
            self._install(lsa, nb.name, now)
            self._flood(lsa, exclude=nb.name)
            self._ack(nb, lsa)
            installed = True
            if origin == me:
                # A newer instance of our own LSA survives from before a restart: jump past it.
                self.seq = max(self.seq, seq)
                self._originate(f"own LSA seq {seq} from before restart received", force=True)
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
                self._fsm(nb, LOADING_DONE, "all announced LSAs received")

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
        its links differ.  The SPF reason is kept as a tuple and worded only if it is shown."""
        origin = lsa.origin
        self.lsdb[origin] = lsa
        self.installed_at[origin] = now
        links = lsa.link_map  # shared, never mutated
        old = self.graph.get(origin)
        if old != links:
            if origin not in self._spf_before:
                self._spf_before[origin] = old
            self.graph[origin] = links
            self._schedule_spf((origin, lsa.seq, source))

    # ============================ origination =====================================================
    def _originate(self, reason: str, force: bool = False) -> None:
        self._orig_reasons.append(reason)
        wait = self._last_orig + float(self.opts["min_ls_interval"]) - self.port.now
        if wait > 1e-12:
            if self._orig_timer is None:
                self.port.decide("lsa", f"router-LSA origination deferred {_num(round(wait, 6))} s "
                                        f"(MinLSInterval): {reason}")
                self._orig_timer = self.port.call_later(wait, self._originate_now, force)
            return
        self._originate_now(force)

    def _originate_now(self, force: bool = False) -> None:
        self._orig_timer = None
        ifaces = self.port.interfaces()
        links = tuple(sorted((n, ifaces[n].cost) for n, nb in self.nbrs.items()
                             if nb.state == FULL and ifaces[n].up))
        reasons = "; ".join(dict.fromkeys(self._orig_reasons))
        self._orig_reasons = []
        current = self.lsdb.get(self.me)
        if not force and current is not None and current.links == links:
            return
        self.seq += 1
        self._last_orig = self.port.now
        lsa = Lsa(self.me, self.seq, links, self.port.now)
        listed = ", ".join(f"{n}({_num(c)})" for n, c in links) or "none"
        self.port.decide("lsa", f"originated router-LSA seq {self.seq}, links {listed}: {reasons}")
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
        reasons = list(dict.fromkeys(self._spf_reasons))
        self._spf_reasons = []
        shown = "; ".join(_reason_text(r) for r in reasons[:3]) + \
            (f"; +{len(reasons) - 3} more" if len(reasons) > 3 else "")
        last = self._last_spf
        changed: set[str] | None = None  # None: compare every destination
        if last is not None and not spf_needed(self.graph, self._spf_before, self.me, last):
            result: Mapping[str, tuple[float, tuple[str, ...]]] = last  # same answer, no Dijkstra
            changed = set()
            self.spf_skipped += 1
        else:
            # Links only lost or dearer: repair the part of the tree below them; else a full run.
            repaired = spf_repair(self.graph, self._spf_before, self.me, last) if last is not None else None
            if repaired is not None:
                result, changed = repaired
            else:
                result = spf(self.graph, self.me)
        self._spf_before = {}
        self._last_spf = result
        run = self.spf_runs
        self.port.decide("spf", f"SPF run {run} (reason: {shown}; {self._spf_mode} delay "
                                f"{_num(round(self._spf_delay_used * 1000, 3))} ms, state "
                                f"{self.backoff.state})")
        delay = float(self.opts["spf_duration"]) + float(self.opts["fib_delay"])
        self.port.call_later(delay, self._apply_routes, result, f"SPF run {run} at {self.me}", changed)

    def _apply_routes(self, result: Mapping[str, tuple[float, tuple[str, ...]]], cause: str,
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
