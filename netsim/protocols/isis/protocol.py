"""IS-IS (ISO 10589, RFC 1195 for IP), one level, point-to-point circuits.

What is modelled, one module per mechanism; the LSDB, origination limit, reliable flooding, SPF
scheduling and the SPF run are shared with OSPF (``linkstate``) in :mod:`netsim.protocols.common`:

* **Adjacencies** (:mod:`.adjacency`): point-to-point hellos (IIH) every ``hello_interval``,
  jittered as FRR does; each hello carries the holding time the neighbour must apply (the
  sender's interval × ``hello_multiplier``) and the three-way adjacency TLV of RFC 5303, whose
  state table brings the adjacency Down → Initializing → Up.  A state change sends a hello 50 ms
  later (FRR's triggered hello); carrier loss takes the adjacency down at once.
* **LSPs** (:mod:`.packets`): sequence number, remaining lifetime (``max_lsp_lifetime``),
  refreshed every ``lsp_refresh_interval``; IS neighbours with their metric (narrow or wide,
  ``metric_style``) and IP reachability for the router's loopback and stub prefixes.  Generation
  waits ``lsp_gen_wait`` after the last trigger and at least ``lsp_gen_interval`` after the last
  generation (FRR's scheme).  An LSP whose lifetime runs out is purged (ISO 10589 §7.3.16.4): the
  purge is flooded and kept ``zero_age_lifetime`` seconds, then the LSP is gone.
* **Flooding** on point-to-point circuits (:mod:`netsim.protocols.common.flooding` with ISO rules):
  an LSP stays on the circuit's retransmission list (its SRM flag) until a PSNP acknowledges it,
  and is resent every ``lsp_retransmit_interval``; acknowledgements (SSN flags) are batched into
  a PSNP every ``psnp_interval``.
* **Database synchronisation** (:mod:`.sync`): a CSNP when an adjacency comes up and every
  ``csnp_interval``; the receiver sends what the neighbour lacks and asks with PSNPs for what it
  lacks itself -- how a restarted router relearns the database.
* **SPF**: FRR's default scheduling (at most one SPF per ``spf_interval``) or the RFC 8405
  back-off (``spf_backoff: rfc8405``); incremental Dijkstra with the two-way check and ECMP;
  modelled ``spf_duration`` and ``fib_delay``.  With narrow metrics a path longer than 1023
  (MaxPathMetric) is unreachable.

Simplified: one level (no L1/L2 hierarchy, no attached bit), point-to-point circuits only (no
DIS election, no pseudonode LSPs), one LSP per router flooded as a unit (its size counts the
fragments it would need), no checksums or authentication, no overload bit, sequence numbers
never wrap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netsim.errors import NetsimError
from netsim.numeric import uniform
from netsim.protocols.base import Option, Protocol, RouterConfig, Timer, register
from netsim.protocols.common.aging import AgedLsdb
from netsim.protocols.common.flooding import Flooder, FloodPolicy
from netsim.protocols.common.lsdb import Origination
from netsim.protocols.common.spf_routes import SpfRoutes
from netsim.protocols.common.spf_schedule import BackoffSchedule, IntervalSchedule
from netsim.protocols.common.spf_throttle import SpfBackoff
from netsim.protocols.isis.adjacency import (
    ADJ_DOWN,
    ADJ_UP,
    DOWN,
    FLOODING,
    HOLD_EXPIRED,
    LINK_DOWN,
    RECEIVED,
    RX_DOWN,
    UP,
    Adjacency,
    transition,
)
from netsim.protocols.isis.metric import MetricError, check_metric, graph_metric_errors, within_path_limit
from netsim.protocols.isis.notes import (
    AdjacencyChanged,
    DatabaseSync,
    GenerationDeferred,
    LspOriginated,
    LspPurged,
    SpfRun,
    Trigger,
)
from netsim.protocols.isis.packets import (
    MAX_PATH_METRIC,
    NARROW,
    WIDE,
    Csnp,
    Iih,
    Lsp,
    LspBurst,
    Psnp,
    burst_size,
    csnp_size,
    iih_size,
    psnp_size,
)
from netsim.protocols.isis.sync import snp_actions
from netsim.trace import CostChanged, InterfaceChanged

START, REFRESH = Trigger("start"), Trigger("refresh")
#: FRR sends a hello this long after an adjacency state change (TRIGGERED_IIH_DELAY, 50 ms).
TRIGGERED_HELLO_DELAY = 0.05


@register
class Isis(Protocol):
    name = "isis"
    memory_per_pair = 890.0
    memory_per_link_dest = 70.0
    aliases = ("is-is",)
    summary = ("IS-IS (ISO 10589 / RFC 1195), one level, point-to-point: three-way hellos, LSP flooding with "
               "CSNP/PSNP, purges, SPF with FRR's scheduling or RFC 8405, ECMP")
    messages = (
        ("isis-hello", "1500 B padded to the MTU; unpadded 55 B: LLC 3 + IIH header 20 + area, protocols, IP "
                       "address and three-way TLVs"),
        ("isis-lsp", "per fragment LLC 3 + header 27; TLVs: area, protocols, IP address 15, hostname 2 + name, "
                     "11 B per neighbour, per prefix 9 B (wide, /32) or 12 B (narrow); 1470 B of TLVs a fragment"),
        ("isis-csnp", "per PDU LLC 3 + header 33; 16 B per LSP entry (15 a TLV, 90 a PDU)"),
        ("isis-psnp", "per PDU LLC 3 + header 17; 16 B per LSP entry"),
    )
    options_spec = {
        "hello_interval": Option(10.0, "seconds between hellos (IIH); 10 s x 3 = 30 s holding time are Cisco "
                                       "IOS's defaults (FRR: 3 s x 10)", positive=True, per_interface=True),
        "hello_multiplier": Option(3, "holding time = hello_interval x this, announced in each hello for the "
                                      "neighbour to apply (FRR's minimum 2)", minimum=2, integer=True,
                                   per_interface=True, maximum=1000),
        "hello_jitter": Option(0.1, "each hello leaves up to this fraction of the interval early (FRR's "
                                    "IIH jitter: 10 %)", maximum=0.5),
        "hello_padding": Option(True, "pad hellos to the 1497-byte maximum PDU (as ISO 10589 asks; FRR's "
                                      "default 'always')"),
        "metric_style": Option(WIDE, "narrow: 6-bit link metrics 1-63, paths up to 1023 (ISO 10589); wide: "
                                     "24-bit, 1-16777215 (RFC 5305, FRR's default).  Link costs must be whole "
                                     "numbers in range: others are refused before the run", choices=(NARROW, WIDE)),
        "max_lsp_lifetime": Option(1200.0, "remaining lifetime of a new LSP; an LSP not refreshed within it is "
                                           "purged (ISO 10589 MaxAge, FRR max-lsp-lifetime: 1200 s)",
                                   positive=True, maximum=65535),
        "lsp_refresh_interval": Option(900.0, "seconds between refreshes of our own LSP (FRR "
                                              "lsp-refresh-interval: 900 s); < max_lsp_lifetime", positive=True,
                                       maximum=65535),
        "lsp_gen_interval": Option(30.0, "minimum seconds between two generations of our LSP (ISO 10589 "
                                         "minimumLSPGenerationInterval and FRR lsp-gen-interval: 30 s)",
                                   maximum=120),
        "lsp_gen_wait": Option(0.1, "a new LSP waits until this long after the last change that triggers it, "
                                    "so one event's changes share an LSP (FRR: 100 ms)", maximum=10),
        "zero_age_lifetime": Option(60.0, "seconds a purge is kept to be flooded and acknowledged before the "
                                          "LSP is forgotten (ISO 10589 ZeroAgeLifetime, FRR: 60 s)", positive=True),
        "lsp_retransmit_interval": Option(5.0, "seconds before an unacknowledged LSP is resent (ISO 10589 "
                                               "minimumLSPTransmissionInterval, FRR: 5 s)", positive=True,
                                          per_interface=True),
        "lsp_pacing": Option(0.033, "minimum seconds between two bursts of LSPs to one neighbour; LSPs queued "
                                    "meanwhile share the next (33 ms: ISO 10589's minimumBroadcastLSP"
                                    "TransmissionInterval, Cisco's lsp-interval; FRR sends at once: 0)"),
        "csnp_interval": Option(10.0, "seconds between CSNPs on an Up adjacency (FRR csnp-interval: 10 s, on "
                                      "point-to-point circuits too); 0: only when the adjacency comes up",
                                per_interface=True),
        "psnp_interval": Option(2.0, "PSNP acknowledgements and requests are batched for this long (ISO 10589 "
                                     "partialSNPInterval, FRR psnp-interval: 2 s); < lsp_retransmit_interval",
                                positive=True, per_interface=True),
        "spf_backoff": Option("interval", "SPF scheduling: interval = FRR's default (at once if the last SPF "
                                          "is spf_interval old, else when it is); rfc8405 = the RFC 8405 back-off "
                                          "(FRR spf-delay-ietf) with the spf_*_delay options",
                              choices=("interval", "rfc8405")),
        "spf_interval": Option(1.0, "minimum seconds between two SPFs with spf_backoff: interval (FRR "
                                    "spf-interval: 1 s)"),
        "spf_init_delay": Option(0.05, "RFC 8405 INITIAL_SPF_DELAY (spf_backoff: rfc8405)"),
        "spf_short_delay": Option(0.2, "RFC 8405 SHORT_SPF_DELAY (spf_backoff: rfc8405)"),
        "spf_long_delay": Option(5.0, "RFC 8405 LONG_SPF_DELAY (spf_backoff: rfc8405)"),
        "spf_time_to_learn": Option(0.5, "RFC 8405 TIME_TO_LEARN_INTERVAL (spf_backoff: rfc8405)"),
        "spf_holddown": Option(10.0, "RFC 8405 HOLDDOWN_INTERVAL (spf_backoff: rfc8405)"),
        "spf_duration": Option(0.001, "modelled time an SPF run takes (s)"),
        "fib_delay": Option(0.001, "modelled time to push SPF results into the FIB (s)"),
    }

    @classmethod
    def validate(cls, options: Mapping[str, Any]) -> list[tuple[str, str]]:
        out = []
        if options["lsp_refresh_interval"] >= options["max_lsp_lifetime"]:
            out.append(("lsp_refresh_interval", f"must be less than max_lsp_lifetime "
                                                f"({options['max_lsp_lifetime']:g} s), or LSPs expire between "
                                                f"refreshes"))
        if options["lsp_gen_interval"] >= options["lsp_refresh_interval"]:
            out.append(("lsp_gen_interval", f"must be less than lsp_refresh_interval "
                                            f"({options['lsp_refresh_interval']:g} s)"))
        if options["psnp_interval"] >= options["lsp_retransmit_interval"]:
            out.append(("psnp_interval", f"must be less than lsp_retransmit_interval "
                                         f"({options['lsp_retransmit_interval']:g} s), or every LSP is resent "
                                         f"before its acknowledgement leaves"))
        return out

    @classmethod
    def configure(cls, graph: Any, options: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """Refuse link costs (and prefix metrics) the metric style cannot carry, before the run:
        an operator's router would reject them as configuration."""
        errors = graph_metric_errors(graph, str(options["metric_style"]))
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise NetsimError(f"isis: {errors[0]}{more}")
        return None

    @classmethod
    def quiet_period(cls, options: Mapping[str, Any]) -> float:
        o = options
        spf = o["spf_interval"] if o["spf_backoff"] == "interval" else o["spf_long_delay"]
        return float(o["hello_interval"] * o["hello_multiplier"] + o["lsp_gen_interval"] + o["lsp_gen_wait"]
                     + o["lsp_retransmit_interval"] + spf + o["spf_duration"] + o["fib_delay"] + 1.0)

    @classmethod
    def smallest_interval(cls, options: Mapping[str, Any]) -> float | None:
        periodic = [options["hello_interval"], options["lsp_retransmit_interval"]]
        if options["csnp_interval"] > 0:
            periodic.append(options["csnp_interval"])
        return float(min(periodic))

    @classmethod
    def refresh_interval(cls, options: Mapping[str, Any]) -> float | None:
        return float(options["lsp_refresh_interval"])

    def __init__(self, port: Any, config: RouterConfig, rng: Any) -> None:
        super().__init__(port, config, rng)
        o = self.opts
        self.me = port.name
        self.style = str(o["metric_style"])
        self.adjs: dict[str, Adjacency] = {
            n: Adjacency(n, float(config.option("hello_interval", n)), int(config.option("hello_multiplier", n)),
                         float(config.option("csnp_interval", n)), float(config.option("lsp_retransmit_interval", n)),
                         float(config.option("psnp_interval", n)))
            for n in port.interfaces()}
        self.prefixes = tuple(sorted((p.dest, float(p.metric)) for p in config.prefixes))
        self.lifetime = float(o["max_lsp_lifetime"])
        self.zero_age = float(o["zero_age_lifetime"])
        self.spf_runs = 0
        if o["spf_backoff"] == "rfc8405":
            backoff = SpfBackoff(float(o["spf_init_delay"]), float(o["spf_short_delay"]), float(o["spf_long_delay"]),
                                 float(o["spf_time_to_learn"]), float(o["spf_holddown"]))
            self.schedule: BackoffSchedule | IntervalSchedule = BackoffSchedule(port, backoff, self._run_spf)
        else:
            self.schedule = IntervalSchedule(port, float(o["spf_interval"]), self._run_spf)
        self.db = AgedLsdb(self._lsdb_changed, port, self._expired)
        self.table = SpfRoutes(self.me)
        self.own = Origination(port, float(o["lsp_gen_interval"]), self._generate, self._deferred,
                               hold=float(o["lsp_gen_wait"]))
        self.flooder = Flooder(port, self.adjs, self.db, FLOODING, pacing=float(o["lsp_pacing"]),
                               send_lsas=self._send_lsps, send_acks=self._send_psnp, own_newer=self._own_newer,
                               policy=FloodPolicy(cancel_on_receipt=True, ack_duplicates=True, reissue_own=True))
        self._refresh_timer: Timer | None = None
        self._max_path = MAX_PATH_METRIC[self.style]
        self._jitter = float(o["hello_jitter"])
        self._padded = bool(o["hello_padding"])
        self._summary_of = -1
        self._summary_cache: tuple[tuple[tuple[str, int], ...], dict[str, int]] = ((), {})

    # ============================ lifecycle ====================================================
    def start(self) -> None:
        for name in self.adjs:
            self.port.call_later(uniform(self.rng, 0.0, 0.01), self._hello_tick, name)
        self.own.immediately(START, force=True)  # FRR generates its LSP as soon as it is configured

    def stop(self) -> None:
        self.db.clear_timers()

    # ============================ hellos and the three-way handshake ==============================
    def _hello_tick(self, name: str) -> None:
        adj = self.adjs[name]
        if self.port.interfaces()[name].up:
            self._send_hello(adj)
        jitter = self._jitter
        wait = adj.hello_interval * (1.0 - uniform(self.rng, 0.0, jitter)) if jitter > 0 else adj.hello_interval
        self.port.call_later(wait, self._hello_tick, name)

    def _send_hello(self, adj: Adjacency) -> None:
        padded = self._padded
        msg = Iih(adj.state, adj.heard, adj.my_hold, padded)
        self.port.send(adj.name, msg, iih_size(adj.heard is not None, padded))

    def _triggered_hello(self, adj: Adjacency) -> None:
        """Tell the neighbour our new three-way state soon (FRR: 50 ms), once per burst of changes."""
        if not adj.hello_pending:
            adj.hello_pending = True
            self.port.call_later(TRIGGERED_HELLO_DELAY, self._send_triggered, adj)

    def _send_triggered(self, adj: Adjacency) -> None:
        adj.hello_pending = False
        if self.port.interfaces()[adj.name].up:
            self._send_hello(adj)

    def on_message(self, iface: str, msg: Any) -> None:
        adj = self.adjs.get(iface)
        if adj is None or not self.port.interfaces()[iface].up:
            return
        kind = type(msg)
        if kind is Iih:
            self._on_hello(adj, msg)
        elif adj.state != UP:
            return  # ISO 10589 §7.3.15.1 a.6, §7.3.15.2 a.7: LSPs and SNPs only over an Up adjacency
        elif kind is LspBurst:
            self.flooder.receive(adj, msg.lsps)
        elif kind is Psnp:
            self._on_snp(adj, msg.entries, complete=False)
        elif kind is Csnp:
            self._on_snp(adj, msg.entries, complete=True)

    def _on_hello(self, adj: Adjacency, msg: Iih) -> None:
        adj.last_heard = self.port.now
        adj.hold = msg.hold
        if adj.hold_timer is None:
            adj.hold_timer = self.port.call_later(msg.hold, self._check_hold, adj)
        if adj.state == UP and msg.state == UP and msg.neighbor == self.me:
            return  # steady state: (Up, hello: Up) changes nothing
        # RFC 5303: a hello naming another system as its neighbour counts as one reporting Down.
        event = RX_DOWN if msg.neighbor not in (None, self.me) else RECEIVED[msg.state]
        self._fsm(adj, event)
        adj.heard = adj.name

    def _check_hold(self, adj: Adjacency) -> None:
        adj.hold_timer = None
        if adj.state == DOWN:
            return
        silent_for = self.port.now - adj.last_heard
        if silent_for >= adj.hold - 1e-12:
            self._fsm(adj, HOLD_EXPIRED, silent_for=silent_for)
        else:
            adj.hold_timer = self.port.call_later(adj.hold - silent_for, self._check_hold, adj)

    def on_link_change(self, iface: str, up: bool) -> None:
        adj = self.adjs[iface]
        if up:
            self.port.decide(InterfaceChanged(iface, True, "sending hello"))
            self._send_hello(adj)
        else:
            self._fsm(adj, LINK_DOWN)

    def on_cost_change(self, iface: str, cost: float) -> None:
        try:
            check_metric(cost, self.style)
        except MetricError as err:
            raise NetsimError(f"isis: at t={self.port.now:g} s the metric of {self.me}'s link to {iface} was set to "
                              f"{err}") from None
        if self.adjs[iface].state == UP:
            self.own.request(Trigger("cost", iface, cost))
        elif self.port.narrating:
            self.port.decide(CostChanged(iface, cost, "no Up adjacency on it: nothing to generate"))

    def _fsm(self, adj: Adjacency, event: str, *, silent_for: float = 0.0) -> None:
        entry = transition(adj.state, event)
        if entry is None:
            return
        old = adj.state
        adj.state, action = entry
        if old == adj.state:
            return
        note = AdjacencyChanged(adj.name, old, adj.state, event, silent_for)
        self.port.decide(note)
        if adj.state == DOWN:
            if adj.hold_timer is not None:
                adj.hold_timer.cancel()
                adj.hold_timer = None
        else:
            self._triggered_hello(adj)
        if action == ADJ_UP:
            self._send_csnp(adj)
            self.own.request(Trigger("adjacency-up", adj.name))
        elif action == ADJ_DOWN:
            adj.reset()
            self.own.request(Trigger("adjacency-down", adj.name, cause=note))
        if adj.state == DOWN:
            adj.heard = None

    # ============================ database synchronisation (CSNP / PSNP) ===========================
    def _summary(self) -> tuple[tuple[tuple[str, int], ...], dict[str, int]]:
        """Our database as CSNP entries and as origin → rank, rebuilt only when it changed: a large
        network sends a CSNP of hundreds of entries on every adjacency every ``csnp_interval``."""
        if self._summary_of != self.db.version:
            entries = tuple((origin, lsp.rank) for origin, lsp in self.db.entries.items())
            self._summary_cache = (entries, dict(entries))
            self._summary_of = self.db.version
        return self._summary_cache

    def _send_csnp(self, adj: Adjacency) -> None:
        entries = self._summary()[0]
        size, packets = csnp_size(len(entries))
        self.port.send(adj.name, Csnp(entries), size, packets)
        if adj.csnp_interval > 0 and adj.csnp_timer is None:
            adj.csnp_timer = self.port.call_later(adj.csnp_interval, self._csnp_tick, adj)

    def _csnp_tick(self, adj: Adjacency) -> None:
        adj.csnp_timer = None
        if adj.state == UP and self.port.interfaces()[adj.name].up:
            self._send_csnp(adj)

    def _on_snp(self, adj: Adjacency, entries: tuple[tuple[str, int], ...], complete: bool) -> None:
        if complete and dict(entries) == self._summary()[1]:
            # The usual periodic CSNP: the databases agree, so it only acknowledges what it lists.
            for queue in (adj.rxmt, adj.out_lsas):
                queue.clear()
            return
        acts = snp_actions(entries, self.db.entries, self.me, complete)
        for origin, rank in acts.acked:
            held = adj.rxmt.get(origin)
            if held is not None and held.rank == rank:
                del adj.rxmt[origin]
            queued = adj.out_lsas.get(origin)
            if queued is not None and queued.rank == rank:
                del adj.out_lsas[origin]
        for lsp in acts.send:
            self.flooder.queue(adj, lsp)
        for origin, rank in acts.request:
            adj.rxmt.pop(origin, None)
            adj.out_lsas.pop(origin, None)
            self.flooder.ack_key(adj, (origin, rank))
        if acts.own_newer is not None:
            self._reissue(adj, acts.own_newer // 2)
        if (acts.send or acts.request) and self.port.narrating:
            self.port.decide(DatabaseSync(adj.name, complete, len(entries), len(acts.send), len(acts.request)))

    # ============================ sending LSPs and PSNPs (netsim.protocols.common.flooding) ==========
    def _send_lsps(self, adj: Adjacency, lsps: tuple[Lsp, ...]) -> None:
        size, packets = burst_size(lsps)
        self.port.send(adj.name, LspBurst(lsps), size, packets)

    def _send_psnp(self, adj: Adjacency, keys: tuple[tuple[str, int], ...]) -> None:
        # One entry per LSP (SSN flags): a later acknowledgement replaces an earlier request.
        entries = tuple(dict(keys).items())
        size, packets = psnp_size(len(entries))
        self.port.send(adj.name, Psnp(entries), size, packets)

    # ============================ generating, reissuing and purging LSPs =============================
    def _deferred(self, wait: float, trigger: Trigger) -> GenerationDeferred | None:
        """Narrate a wait only when the generation interval (not the short hold) causes it."""
        return GenerationDeferred(wait, trigger) if wait > float(self.opts["lsp_gen_wait"]) + 1e-9 else None

    def _generate(self, force: bool = False) -> None:
        ifaces = self.port.interfaces()
        links = tuple(sorted((n, ifaces[n].cost) for n, adj in self.adjs.items() if adj.state == UP and ifaces[n].up))
        triggers = self.own.take_triggers()
        current = self.db.entries.get(self.me)
        if not force and current is not None and current.links == links and current.prefixes == self.prefixes:
            return
        now = self.port.now
        seq = self.own.originated(now)
        self._issue(Lsp(self.me, seq, links, now, self.lifetime, self.prefixes, style=self.style),
                    LspOriginated(seq, links, triggers))

    def _issue(self, lsp: Lsp, note: LspOriginated) -> None:
        self.port.decide(note)
        self.db.install(lsp, None, lsp.born)
        self.flooder.flood(lsp, exclude=None)
        # The refresh timer restarts with every new instance (FRR: lsp_refresh after each generation).
        if self._refresh_timer is not None:
            self._refresh_timer.cancel()
        self._refresh_timer = self.port.call_later(float(self.opts["lsp_refresh_interval"]), self._refresh)

    def _refresh(self) -> None:
        self._refresh_timer = None
        self.own.immediately(REFRESH, force=True)

    def _own_newer(self, adj: Adjacency, lsp: Lsp) -> None:
        """A newer instance of our own LSP (from before a restart, or a purge of it) arrived."""
        self._reissue(adj, lsp.seq)

    def _reissue(self, adj: Adjacency, seen: int) -> None:
        """ISO 10589 §7.3.16.1: reissue our current LSP at once, numbered past ``seen``."""
        current = self.db.entries.get(self.me)
        if current is None or seen < current.seq:
            return
        self.own.seq = max(self.own.seq, seen)
        seq = self.own.seq = self.own.seq + 1
        now = self.port.now
        lsp = Lsp(self.me, seq, current.links, now, self.lifetime, current.prefixes, style=self.style)
        self._issue(lsp, LspOriginated(seq, current.links, (Trigger("own-newer", adj.name, seen),), reissued=True))

    def _expired(self, lsp: Lsp) -> None:
        """The remaining lifetime of ``lsp`` ran out here (AgedLsdb)."""
        now = self.port.now
        if lsp.purge:
            self.db.remove(lsp.origin)
            if self.port.narrating:
                self.port.decide(LspPurged(lsp.origin, lsp.seq, removed=True))
            return
        if lsp.origin == self.me:  # cannot happen while refresh < lifetime (validate): refresh now
            self.own.request(REFRESH, force=True)
            return
        purge = lsp.purged(now, self.zero_age)
        self.port.decide(LspPurged(lsp.origin, lsp.seq, lsp.lifetime))
        self.db.install(purge, None, now)
        self.flooder.flood(purge, exclude=None)

    # ============================ SPF ===============================================================
    def _lsdb_changed(self, reason: tuple[str, int, str | None]) -> None:
        origin, seq, source = reason
        self.schedule.schedule((origin, seq, source, self.db.entries[origin].purge))

    def _run_spf(self) -> None:
        self.spf_runs += 1
        reasons = self.schedule.take_reasons()
        result, changed = self.table.compute(self.db)
        if self.style == NARROW:
            limited = within_path_limit(result, self._max_path)
            if limited is not result:
                result, changed = limited, None
        sched = self.schedule
        note = SpfRun(self.me, self.spf_runs, reasons, sched.mode, sched.delay, sched.state)
        self.port.decide(note)
        delay = float(self.opts["spf_duration"]) + float(self.opts["fib_delay"])
        self.port.call_later(delay, self.table.apply, self.port, result, note, changed)
