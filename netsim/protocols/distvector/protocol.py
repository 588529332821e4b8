"""Distance-vector routing in the style of RIP version 2 (RFC 2453).

Timers (defaults are the RFC's): a full update every ``update_interval`` seconds with random
jitter, the first one at a seeded random phase (``timer_phase``; one update timer per router, as
ripd has); a route not refreshed for ``timeout`` seconds becomes unreachable (metric
``infinity``) and is advertised so for ``garbage`` seconds before it is deleted; changes cause
triggered updates, the first sent at once and later ones damped by a random 1–5 s timer
(RFC 2453 §3.10.1).  Split horizon is ``none``, ``simple`` or ``poison`` (poisoned reverse).

Update ordering, as RFC 2453 §3.10.1 words it and as FRRouting's ripd does it (measured against
ripd in the FRR lab, ``docs/validate.md``):

* a regular update **cancels the pending triggered update and its damping timer** ("triggered
  updates may be suppressed if a regular update is due"), so the next change is announced at once;
* route-change flags are cleared **only after a triggered update** ("once all of the triggered
  updates have been generated, the route change flags should be cleared"): a triggered update
  carries every route changed since the previous triggered one, even those a regular update
  announced meanwhile;
* an interface that comes up asks its neighbour for its table after ``wakeup_delay`` (ripd's
  1 s interface wake-up), not at once.

The decision rules themselves are pure functions in :mod:`netsim.protocols.distvector.rules`.
Optional flap control (``holddown``, ``damping``) is pure code in
:mod:`netsim.protocols.common.damping`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from netsim.numeric import RandomBlock, uniform
from netsim.protocols.base import Interface, Option, Protocol, RouterConfig, Timer, register
from netsim.protocols.common.damping import DampingParams, Holddown, RouteDamping
from netsim.protocols.common.timer_phase import ALIGNED, TIMER_PHASE_OPTION, random_phase
from netsim.protocols.distvector.notes import (
    DvGarbage,
    DvMetricRises,
    DvTimeout,
    DvUnreachable,
    DvUpdate,
    HolddownIgnored,
    HolddownStarted,
)
from netsim.protocols.distvector.packets import (
    REQUEST_SIZE,
    RipRequest,
    RipResponse,
    response_packets,
    response_size,
)
from netsim.protocols.distvector.rules import DvChange, DvRoute, VectorBase, advertise, apply_response
from netsim.trace import CostChanged, InterfaceChanged, Note, RouteFlapped, RouteReused, RouteSuppressed


@register
class DistanceVector(Protocol):
    name = "distvector"
    memory_per_pair = 900.0
    aliases = ("rip", "dv")
    summary = "RIP-like distance vector (RFC 2453): periodic + triggered updates, timeout, split horizon"
    cost_meaning = "hop count (metric)"
    #: A destination at ``infinity`` or beyond is unreachable for RIP: judged so, and warned about.
    correctness = "shortest_paths_below_infinity"
    infinity_option = "infinity"
    options_spec = {
        "update_interval": Option(30.0, "seconds between full updates (RFC 2453: 30)", positive=True),
        "update_jitter": Option(1 / 6, "± fraction of the update interval drawn at random each time "
                                       "(±5 s at 30 s), so routers do not synchronise", minimum=0.0, maximum=0.99),
        "timeout": Option(180.0, "seconds without refresh before a route becomes unreachable", positive=True),
        "garbage": Option(120.0, "seconds an unreachable route is still advertised before deletion",
                          minimum=0.0),
        "infinity": Option(16, "metric meaning unreachable", positive=True, integer=True),
        "split_horizon": Option("simple", "none | simple | poison (poisoned reverse)",
                                choices=("none", "simple", "poison")),
        "triggered": Option(True, "send triggered updates when a route changes"),
        "triggered_min": Option(1.0, "lower bound of the random triggered-update damping timer (s)"),
        "triggered_max": Option(5.0, "upper bound of the random triggered-update damping timer (s)"),
        "timer_phase": TIMER_PHASE_OPTION,
        "wakeup_delay": Option(1.0, "seconds after an interface comes up before the router asks its neighbour for "
                                    "its table and sends its own (ripd: 1)"),
        "holddown": Option(0.0, "after a route becomes unreachable, ignore other neighbours' routes to it "
                                "for this long (s; 0: off)"),
        "damping": Option(False, "RFC 2439-style route-flap damping of unreachable/reachable flaps"),
        "damping_penalty": Option(1000.0, "damping: penalty added per flap", positive=True),
        "damping_suppress": Option(2000.0, "damping: suppress the route above this penalty", positive=True),
        "damping_reuse": Option(750.0, "damping: reuse the route once the penalty decays below this",
                                positive=True),
        "damping_half_life": Option(900.0, "damping: penalty half-life (s)", positive=True),
        "damping_max_suppress": Option(3600.0, "damping: longest suppression after the last flap (s)",
                                       positive=True),
    }

    #: Steady-state shortcuts: a router whose table has not changed re-sends the very message it
    #: built last time, and a receiver that gets the same vector object again, with its own table
    #: unchanged since that vector last changed nothing, only refreshes the routes it refreshed
    #: then -- and even that lazily (:meth:`_write_refreshes`), while a sweep that finds nothing
    #: due is answered from the per-interface refresh times (:meth:`_quiet_deadline`).  Results
    #: are identical either way (a test runs both); periodic updates of a quiet network are most
    #: of RIP's work, and this makes each cost a few dictionary writes.
    steady_state_shortcuts: ClassVar[bool] = True
    #: Quiet regular updates (with the shortcuts, on a port that offers quiet ticks): a router
    #: whose neighbours all accept its vector as quiet hands each regular update to the port, which
    #: logs the copies and delivers none; the neighbours learn when they last heard one
    #: (:meth:`_sync_quiet`).  Results are identical either way (a test runs both).
    quiet_updates: ClassVar[bool] = True

    @classmethod
    def validate(cls, options: Mapping[str, Any]) -> list[tuple[str, str]]:
        out = []
        if options["triggered_min"] > options["triggered_max"]:
            out.append(("triggered_min", f"must not exceed triggered_max ({options['triggered_max']:g} s)"))
        if options["damping_reuse"] >= options["damping_suppress"]:
            out.append(("damping_reuse", f"must be below damping_suppress ({options['damping_suppress']:g})"))
        return out

    @classmethod
    def quiet_period(cls, options: Mapping[str, Any]) -> float:
        return float(options["timeout"] + options["garbage"] + 2 * options["update_interval"])

    @classmethod
    def smallest_interval(cls, options: Mapping[str, Any]) -> float | None:
        return float(options["update_interval"]) * (1.0 - float(options["update_jitter"]))

    @classmethod
    def refresh_interval(cls, options: Mapping[str, Any]) -> float | None:
        return cls.smallest_interval(options)  # every update carries the whole table

    def __init__(self, port: Any, config: RouterConfig, rng: Any) -> None:
        super().__init__(port, config, rng)
        o = self.opts
        self.me = port.name
        #: Every draw of this router (timer phase, update jitter, triggered-update damping).
        self._draws = RandomBlock(rng, 64)
        #: What this router originates: its loopback (metric 0) and its prefixes.
        self.own = [(self.me, 0.0), *((p.dest, float(p.metric)) for p in config.prefixes)]
        self.local = frozenset(d for d, _m in self.own)
        self._table: dict[str, DvRoute] = {}
        self.inf = float(o["infinity"])
        self.timeout = float(o["timeout"])
        self.garbage = float(o["garbage"])
        self.mode = str(o["split_horizon"])
        self._interval = float(o["update_interval"])
        self._jitter = float(o["update_jitter"])
        self._changed: dict[str, None] = {}
        self._trig_timer: Timer | None = None
        #: When each interface last came up (its wake-up is for that instance only).
        self._up_since: dict[str, float] = {}
        self._sweep_timer: Timer | None = None
        self._sweep_at = math.inf
        self.holddown = float(o.get("holddown", 0.0))
        self.hold = Holddown()
        self.damping = DampingParams(float(o["damping_penalty"]), float(o["damping_suppress"]),
                                     float(o["damping_reuse"]), float(o["damping_half_life"]),
                                     float(o["damping_max_suppress"])) if o.get("damping") else None
        #: Damping state per (destination, neighbour): RFC 2439 damps a route *as learned from a
        #: peer*, so a suppressed path leaves the alternatives through other neighbours usable.
        self.damp: dict[tuple[str, str], RouteDamping] = {}
        self.suppressed: set[tuple[str, str]] = set()
        #: Bumped by every change of an entry's metric or next hop, and by every deletion.
        self._version = 0
        #: Interface -> (table version, message or None when empty, size, packets) of the last
        #: full vector sent there.
        self._tx_cache: dict[str, tuple[int, RipResponse | None, int, int]] = {}
        #: The table version and what every neighbour's vector of it shares (built on first use).
        self._vector_base: tuple[int, VectorBase] | None = None
        #: Interface -> (vector, link cost, table version, routes it refreshed) for the last full
        #: vector received there that changed nothing.
        self._rx_cache: dict[str, tuple[Any, float, int, list[DvRoute]]] = {}
        #: Interface -> the ``expires`` that every route of its ``_rx_cache`` list holds (written
        #: or still pending); meaningful while that cache entry's table version is current.
        self._fresh: dict[str, float] = {}
        #: Interface -> (expires, routes): refreshes recorded but not yet written into the routes.
        self._unwritten: dict[str, tuple[float, list[DvRoute]]] = {}
        #: The port's quiet ticks (QuietPort), or None: every regular update is sent.
        quiet = self.steady_state_shortcuts and self.quiet_updates and o.get("timer_phase") != ALIGNED
        self._quiet_tick: Callable[..., bool] | None = getattr(port, "quiet_tick", None) if quiet else None
        self._accept: Callable[[str, Any], None] | None = getattr(port, "accept_quiet", None) if quiet else None
        self._heard: Callable[..., float] | None = getattr(port, "quiet_heard", None) if quiet else None
        if self._quiet_tick is None or self._accept is None or self._heard is None:
            self._quiet_tick = self._accept = self._heard = None
        #: The table version of the latest quiet tick (its sends are this version's vectors).
        self._ticked = -1
        #: Interface -> the vector accepted as quiet from there (the one its ``_rx_cache`` holds).
        self._quiet: dict[str, Any] = {}
        #: Interface -> delivery time of the latest quiet copy already recorded as a refresh.
        self._heard_at: dict[str, float] = {}
        #: When the pending sweep timer was set (a quiet copy arriving at its very time counts
        #: before it if sent earlier).
        self._sweep_armed = -math.inf

    @property
    def table(self) -> dict[str, DvRoute]:
        """The routing table, every pending refresh written (for readers outside this class)."""
        self._write_refreshes()
        return self._table

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        for iface, info in self.port.interfaces().items():
            if info.up:
                self.port.send(iface, RipRequest(), REQUEST_SIZE)
        if self.opts.get("timer_phase") == ALIGNED:
            self._schedule_periodic()
        else:
            self.port.call_later(random_phase(self._draws, float(self.opts["update_interval"])), self._periodic)

    def _schedule_periodic(self) -> None:
        j = self._jitter
        delay = self._interval * (1.0 + (uniform(self._draws, -j, j) if j else 0.0))
        self.port.call_later(delay if delay > 1e-6 else 1e-6, self._periodic)

    def _periodic(self) -> None:
        """A regular update: the whole table.  It makes a pending triggered update redundant, so
        the damping timer stops; the change flags stay until the next triggered update."""
        if self._trig_timer is not None:
            self._trig_timer.cancel()
            self._trig_timer = None
        self._send_all(triggered=False)
        self._schedule_periodic()

    # -- sending ------------------------------------------------------------------------------
    def _send_all(self, triggered: bool) -> None:
        interfaces = self.port.interfaces().items()
        if not triggered and self.steady_state_shortcuts:
            self._send_full(interfaces, tick=True)
            return
        only = list(self._changed) if triggered else None
        for iface, info in interfaces:
            if info.up:
                self._send_vector(iface, only, triggered)

    def _send_full(self, interfaces: Iterable[tuple[str, Interface]], tick: bool = False) -> None:
        """The whole table on each of ``interfaces`` that is up, as a regular update: the vector
        built for this table version, or the one sent there last time if the table has not changed
        since (a quiet network's every update sends each neighbour what it sent it last time).

        ``tick``: this is the update timer's tick; the port may take all its sends as quiet copies
        (:meth:`QuietPort.quiet_tick`), else they are sent one by one."""
        version, cache, send = self._version, self._tx_cache, self.port.send
        sends: list[tuple[str, Any, int, int]] | None = None
        if tick and self._quiet_tick is not None:
            if self._ticked == version and self._quiet_tick(None):
                return  # the same vectors, taken quietly again
            sends = []
        for iface, info in interfaces:
            if not info.up:
                continue
            cached = cache.get(iface)
            if cached is None or cached[0] != version:
                base = self._vector_base
                if base is None or base[0] != version:
                    base = self._vector_base = (version, VectorBase(self._table, self.own))
                entries = base[1].vector(iface, self.mode, self.inf)
                n = len(entries)
                msg = RipResponse(entries, False) if n else None
                cached = cache[iface] = (version, msg, response_size(n), response_packets(n))
            if cached[1] is not None:
                if sends is None:
                    send(iface, cached[1], cached[2], cached[3])
                else:
                    sends.append((iface, cached[1], cached[2], cached[3]))
        if sends:
            if self._quiet_tick(sends):  # type: ignore[misc]
                self._ticked = version
                return
            self._ticked = -1
            for iface, msg, size, packets in sends:
                send(iface, msg, size, packets)

    def _send_vector(self, iface: str, only: list[str] | None, triggered: bool) -> None:
        if only is None and self.steady_state_shortcuts:
            self._send_full(((iface, self.port.interfaces()[iface]),))
            return
        entries = tuple(advertise(self._table, self.own, iface, self.mode, self.inf, only))
        if not entries:
            return
        n = len(entries)
        self.port.send(iface, RipResponse(entries, triggered), response_size(n), response_packets(n))

    def _trigger(self) -> None:
        if not self.opts["triggered"] or not self._changed:
            return
        if self._trig_timer is not None:
            return  # damped: the pending timer sends one update for all changes
        self._send_all(triggered=True)
        self._changed.clear()
        self._arm_trigger_damping()

    def _arm_trigger_damping(self) -> None:
        o = self.opts
        self._trig_timer = self.port.call_later(
            uniform(self._draws, o["triggered_min"], o["triggered_max"]), self._trigger_expired)

    def _trigger_expired(self) -> None:
        self._trig_timer = None
        if self._changed:
            self._send_all(triggered=True)
            self._changed.clear()
            self._arm_trigger_damping()

    # -- receiving ----------------------------------------------------------------------------
    def on_message(self, iface: str, msg: Any) -> None:
        info = self.port.interfaces().get(iface)
        if info is None or not info.up:
            return
        if type(msg) is RipRequest:
            self._send_vector(iface, None, False)
            return
        now = self.port.now
        if iface in self._quiet:
            self._sync_quiet(iface, -math.inf)  # the quiet copies handled before this message first
        entries = msg.entries
        plain = self.steady_state_shortcuts and not self.hold.until and not self.suppressed
        if plain:
            seen = self._rx_cache.get(iface)
            if seen is not None and seen[0] is entries and seen[1] == info.cost and seen[2] == self._version:
                # What apply_response would do: write now + timeout into each route of seen[3] and
                # nothing else.  Recorded instead; a later refresh from here supersedes this one.
                expires = now + self.timeout
                self._unwritten[iface] = (expires, seen[3])
                self._fresh[iface] = expires
                if self._accept is not None and self._quiet.get(iface) is not msg and not msg.triggered:
                    self._accept_quiet(iface, msg)
                return
        self._write_refreshes()  # apply_response below writes ``expires``: earlier writes first
        self._fresh.pop(iface, None)  # its routes' refresh time is no longer one known value
        if iface in self._quiet:  # another vector from there: what it accepted no longer holds
            self._revoke_quiet(iface)
        if self.hold.until:
            entries, ignored = self.hold.filter(entries, iface, now)
            if ignored:
                self.port.decide(HolddownIgnored(tuple(ignored), iface))
        if self.suppressed:  # damped routes from this neighbour are not used until reused
            entries = [(d, m) for d, m in entries if (d, iface) not in self.suppressed]
        refreshed: list[DvRoute] | None = [] if plain else None
        changes = apply_response(self._table, self.local, iface, info.cost, entries, now, self.timeout, self.inf,
                                 refreshed)
        if plain and not changes:
            self._rx_cache[iface] = (entries, info.cost, self._version, self._refreshed_by(refreshed))
            self._fresh[iface] = now + self.timeout  # what apply_response just wrote into each of them
        for ch in changes:
            self._apply_change(ch, DvUpdate(iface, ch.dest, ch.advertised, info.cost, ch.rule, msg.triggered))
        if changes:
            self._ensure_sweep(now + self.timeout)
            self._trigger()

    def _refreshed_by(self, refreshed: list[DvRoute] | None) -> list[DvRoute]:
        """The routes a vector that changed nothing refreshed (those through its sender that it
        carries, at their finite metric), each once: the quiet sweep counts them."""
        return list(dict.fromkeys(refreshed or ()))

    # -- quiet copies (QuietPort) ----------------------------------------------------------------
    def _accept_quiet(self, iface: str, msg: RipResponse) -> None:
        """Another copy of ``msg`` from ``iface`` would only refresh what it just refreshed
        (the shortcut above): the port may stop delivering such copies."""
        assert self._accept is not None
        self._accept(iface, msg)
        self._quiet[iface] = msg

    def _revoke_quiet(self, iface: str) -> None:
        """Copies from ``iface`` matter again (called before the change that makes them matter):
        the port delivers those in flight; those handled so far become recorded refreshes."""
        assert self._accept is not None
        self._accept(iface, None)
        self._sync_quiet(iface, -math.inf)
        del self._quiet[iface]

    def _revoke_all_quiet(self) -> None:
        for iface in list(self._quiet):
            self._revoke_quiet(iface)

    def _sync_quiet(self, iface: str, armed: float) -> None:
        """Record the latest quiet copy from ``iface`` handled by now (as a timer set at ``armed``
        sees it) as the shortcut would have on its delivery: a refresh at its delivery time."""
        assert self._heard is not None
        heard = self._heard(iface, armed)
        if heard > self._heard_at.get(iface, -math.inf):
            self._heard_at[iface] = heard
            expires = heard + self.timeout
            self._unwritten[iface] = (expires, self._rx_cache[iface][3])
            self._fresh[iface] = expires

    def _write_refreshes(self) -> None:
        """Write the recorded refreshes into their routes, as the eager path would have.

        Why lazily: in a quiet network every received vector refreshes the ~N/degree routes
        through its sender, and nothing looks at those times until a sweep finds one due.  Each
        recorded refresh was the latest write to its routes' ``expires`` (every other writer,
        :func:`apply_response`, and every reader calls this first), so writing it now leaves the
        very values the eager path left."""
        if self._quiet:
            for iface in self._quiet:
                self._sync_quiet(iface, -math.inf)
        if self._unwritten:
            for expires, routes in self._unwritten.values():
                for route in routes:
                    route.expires = expires
            self._unwritten.clear()

    def _apply_change(self, ch: DvChange, cause: Note) -> None:
        metric, hop = ch.new
        if self._quiet:
            self._revoke_all_quiet()
        self._version += 1
        self._changed[ch.dest] = None
        if metric >= self.inf:
            route = self._table[ch.dest]
            route.gc_at = self.port.now + self.garbage
            self._ensure_sweep(route.gc_at)
            self.port.decide(DvUnreachable(ch.dest, cause, self.garbage))
            self.port.withdraw(ch.dest, cause)
            if ch.old is not None and ch.old[0] < self.inf:
                self._lost_route(ch.dest, ch.old[1])
        else:
            old = ch.old
            if old is not None and old[1] == hop and metric > old[0] and self.port.narrating:
                self.port.decide(DvMetricRises(ch.dest, old[0], metric, hop))
            self.port.install(ch.dest, (hop,), metric, cause)

    # -- flap control (optional) ----------------------------------------------------------------
    def _lost_route(self, dest: str, source: str) -> None:
        """A usable route just became unreachable: start hold-down, count a damping flap."""
        now = self.port.now
        if self.holddown > 0:
            self.hold.start(dest, source, now, self.holddown)
            self.port.decide(HolddownStarted(dest, self.holddown, source))
        if self.damping is None:
            return
        st = self.damp.setdefault((dest, source), RouteDamping())
        newly = st.flap(now, self.damping)
        self.port.decide(RouteFlapped(dest, source, st.flaps, st.penalty))
        if newly:
            self.suppressed.add((dest, source))
            at = st.reuse_at(self.damping)
            self.port.decide(RouteSuppressed(dest, source, st.penalty, at))
            self.port.call_later(max(0.0, at - now), self._reuse, dest, source)

    def _reuse(self, dest: str, source: str) -> None:
        st = self.damp[(dest, source)]
        assert self.damping is not None
        now = self.port.now
        if not st.try_reuse(now, self.damping):
            if st.suppressed:  # flapped again meanwhile: the penalty decays later
                self.port.call_later(max(1e-6, st.reuse_at(self.damping) - now), self._reuse, dest, source)
            return
        self.suppressed.discard((dest, source))
        self.port.decide(RouteReused(dest, source, st.penalty_at(now, self.damping)))
        info = self.port.interfaces().get(source)
        if info is not None and info.up:  # ask at once rather than wait for the next periodic update
            self.port.send(source, RipRequest(), REQUEST_SIZE)

    # -- timeouts and garbage collection --------------------------------------------------------
    def _ensure_sweep(self, at: float) -> None:
        if at < self._sweep_at:
            if self._sweep_timer is not None:
                self._sweep_timer.cancel()
            self._sweep_at = at
            self._sweep_armed = self.port.now
            self._sweep_timer = self.port.call_later(max(0.0, at - self.port.now), self._sweep)

    def _quiet_deadline(self, now: float) -> float | None:
        """The earliest deadline of the table when every route is one a vector that changed
        nothing last refreshed, and none is due yet: what a full sweep would find, from one
        value per interface.  None when that does not hold (the sweep then scans the table).

        Why exact: the cached lists are disjoint (each route has one next hop, and every list
        is of the current table version), hold only finite routes without a garbage timer, and
        all routes of one list share the ``expires`` in :attr:`_fresh`; so when their sizes add
        up to the table's, the table's earliest deadline is the smallest of those values."""
        version, rx = self._version, self._rx_cache
        covered = 0
        nxt = math.inf
        for iface, expires in self._fresh.items():
            cached = rx[iface]
            if cached[2] != version:
                return None
            n = len(cached[3])
            if n:
                covered += n
                if expires < nxt:
                    nxt = expires
        if covered != len(self._table) or nxt <= now:
            return None
        return nxt

    def _sweep(self) -> None:
        now = self.port.now
        self._sweep_timer = None
        self._sweep_at = math.inf
        if self._quiet:
            for iface in self._quiet:
                self._sync_quiet(iface, self._sweep_armed)
        quiet = self._quiet_deadline(now) if self._fresh else None
        if quiet is not None:  # nothing due: only the next sweep to arrange
            if quiet < math.inf:
                self._ensure_sweep(quiet)
            return
        self._write_refreshes()
        table, inf = self._table, self.inf
        nxt = math.inf
        expired = False
        for dest, route in list(table.items()):
            gc_at = route.gc_at
            if gc_at is not None:
                if gc_at <= now:
                    if self._quiet:
                        self._revoke_all_quiet()
                    del table[dest]
                    self._version += 1
                    self._changed.pop(dest, None)
                    self.port.decide(DvGarbage(dest, self.garbage))
                    continue
                if gc_at < nxt:
                    nxt = gc_at
            elif route.expires <= now:
                old = (route.metric, route.next_hop)
                route.metric = inf
                route.gc_at = now + self.garbage
                if route.gc_at < nxt:
                    nxt = route.gc_at
                expired = True
                self._apply_change(DvChange(dest, old, (inf, route.next_hop), "timeout", inf),
                                   DvTimeout(dest, route.next_hop, self.timeout))
            elif route.expires < nxt:
                nxt = route.expires
        if nxt < math.inf:
            self._ensure_sweep(nxt)
        if expired:
            self._trigger()

    # -- interface events ---------------------------------------------------------------------
    def on_link_change(self, iface: str, up: bool) -> None:
        if up:
            wait = float(self.opts["wakeup_delay"])
            self.port.decide(InterfaceChanged(iface, True, f"asking {iface} for its table in {wait:g} s"))
            self._up_since[iface] = self.port.now
            if wait > 0:
                self.port.call_later(wait, self._wake_up, iface, self.port.now)
            else:
                self._wake_up(iface, self.port.now)
            return
        if iface in self._quiet:
            self._revoke_quiet(iface)
        note = InterfaceChanged(iface, False, f"routes via {iface} unreachable")
        self.port.decide(note)
        for dest, route in list(self._table.items()):
            if route.next_hop == iface and route.metric < self.inf:
                old = (route.metric, route.next_hop)
                route.metric = self.inf
                self._apply_change(DvChange(dest, old, (self.inf, iface), "interface down", self.inf), note)
        self._trigger()

    def _wake_up(self, iface: str, since: float) -> None:
        """The interface that came up at ``since`` is ready: ask the neighbour, announce our table
        (unless it went down, or down and up again, meanwhile)."""
        info = self.port.interfaces().get(iface)
        if info is None or not info.up or self._up_since.get(iface) != since:
            return
        self.port.send(iface, RipRequest(), REQUEST_SIZE)
        self._send_vector(iface, None, False)

    def on_cost_change(self, iface: str, cost: float) -> None:
        if iface in self._quiet:  # the shortcut compares the cost: the next copy takes the full path
            self._revoke_quiet(iface)
        self.port.decide(CostChanged(iface, cost, "applies from its next update"))
