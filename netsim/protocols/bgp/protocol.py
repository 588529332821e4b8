"""BGP-4 (RFC 4271) between autonomous systems: the engine adapter around the pure speaker.

Scope: eBGP sessions on every link between ASes; each router originates its own loopback (its
name) as a /32; its FIB holds, per destination, the neighbour its best route came from, with
cost = the AS-path length (the number of AS hops).  A router of an AS with several routers
also runs iBGP (full mesh) over an IGP inside the AS: :class:`Bgp` then builds the subclass of
:mod:`netsim.protocols.bgp.ibgp`, which hosts the IGP next to the speaker.

What is modelled lives in the pure modules of this package, each with its references:
messages and their wire sizes (:mod:`.messages`), the TCP connection (:mod:`.transport`), the
RFC 4271 §8 session FSM (:mod:`.fsm`, :mod:`.session`), the decision process (:mod:`.decision`),
Gao–Rexford policy and prefix filters (:mod:`.policy`), MRAI (:mod:`.mrai`), route-flap damping
(:mod:`netsim.protocols.common.damping`), and the RIBs tying them together (:mod:`.speaker`).
Everything read from the scenario goes through :mod:`.config`.  This class only translates
engine callbacks into speaker inputs and the speaker's :class:`~.effects.Effects` back into
packets, FIB changes, timers and narration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from netsim.numeric import RandomBlock
from netsim.protocols.base import Option, Protocol, RouterConfig, Timer, register
from netsim.protocols.bgp import warm
from netsim.protocols.bgp.config import ROUTER_KEYS, SpeakerConfig, build_configs, parse_options
from netsim.protocols.bgp.effects import Effects, TimerKey
from netsim.protocols.bgp.speaker import Speaker
from netsim.trace import Note

#: Uniform draws taken from the router's generator at a time.
RANDOM_BLOCK = 256


@register
class Bgp(Protocol):
    name = "bgp"
    memory_per_pair = 3_400.0
    warm_memory_per_pair = 1_600.0
    churn = 3.0
    aliases = ("bgp4",)
    correctness = "gao_rexford"
    cost_meaning = "AS-path length"
    router_keys = ROUTER_KEYS
    summary = ("BGP-4 (RFC 4271): eBGP sessions, iBGP full mesh over link-state inside ASes of several routers, "
               "Gao–Rexford policy, MRAI, path exploration, damping")
    options_spec = {
        "keepalive": Option(30.0, "KeepaliveTime (s); the negotiated value is at most hold/3 (RFC 4271 §10: 30)",
                            positive=True),
        "hold": Option(90.0, "HoldTime proposed in OPEN (s); the session uses the smaller of both ends' "
                             "(RFC 4271 §10: 90; FRRouting and Cisco default to 180); 0: no keepalives"),
        "connect_retry": Option(120.0, "ConnectRetryTime (s) between connection attempts (RFC 4271, FRRouting: 120)",
                                positive=True),
        "idle_hold": Option(1.0, "seconds in Idle before an automatic restart after a session drops "
                                 "(FRRouting's start timer: 1)"),
        "open_hold": Option(240.0, "hold time while waiting for the peer's OPEN (s; RFC 4271 suggests 4 minutes)",
                            positive=True),
        "timer_jitter": Option(True, "jitter keepalive and ConnectRetry timers to 75-100 % (RFC 4271 §10)"),
        "mrai": Option(30.0, "MinRouteAdvertisementInterval towards external peers (s; RFC 4271 §10: 30; 0: off)"),
        "mrai_ibgp": Option(5.0, "MinRouteAdvertisementInterval towards internal peers (s; RFC 4271 §10: 5)"),
        "mrai_jitter": Option(True, "draw each MRAI timer from 75-100 % of its value (RFC 4271 §10)"),
        "mrai_mode": Option("per_peer", "per_peer: one timer per neighbour (implementations); per_prefix: one "
                                        "per neighbour and prefix (RFC 4271 §9.2.1.1 literally)",
                            choices=("per_peer", "per_prefix")),
        "wrate": Option(False, "rate-limit explicit withdrawals with MRAI too (RFC 4271's wording); off: "
                               "withdrawals go at once (RFC 1771, router implementations)"),
        "policy": Option("auto", "gao_rexford: LOCAL_PREF by relationship and valley-free export; none: every "
                                 "route to every neighbour; auto: gao_rexford if links carry relationships",
                         choices=("auto", "gao_rexford", "none")),
        "lp_customer": Option(200, "LOCAL_PREF of routes learned from customers (Gao–Rexford)", integer=True),
        "lp_peer": Option(100, "LOCAL_PREF of routes learned from peers (Gao–Rexford)", integer=True),
        "lp_provider": Option(50, "LOCAL_PREF of routes learned from providers (Gao–Rexford)", integer=True),
        "ssld": Option("off", "sender-side loop check -- off: send routes even back to where they came from, "
                              "the receiver drops them (RFC 4271, FRRouting); source: never back to that "
                              "neighbour (Quagga); path: not to any neighbour already in the AS path (SSLD, "
                              "Griffin & Premore 2001)", choices=("off", "source", "path")),
        "update_delay_min": Option(0.001, "shortest processing time of one received UPDATE (s)"),
        "update_delay_max": Option(0.01, "longest processing time of one received UPDATE (s); each UPDATE waits "
                                         "its turn at the router's routing process; 0: instant"),
        "damping": Option(False, "route-flap damping of eBGP routes (RFC 2439)"),
        "damping_penalty": Option(1000.0, "damping: penalty per withdrawal", positive=True),
        "damping_attr_penalty": Option(500.0, "damping: penalty per change of AS path, origin or MED"),
        "damping_suppress": Option(6000.0, "damping: suppress above this penalty (RFC 7196 recommends >= 6000; "
                                           "older vendor default 2000)", positive=True),
        "damping_reuse": Option(750.0, "damping: reuse once the penalty decays below this", positive=True),
        "damping_half_life": Option(900.0, "damping: penalty half-life (s)", positive=True),
        "damping_max_suppress": Option(3600.0, "damping: longest suppression after the last flap (s)",
                                       positive=True),
        "warm_start": Option(False, "start every router from the stable routing of the initial topology "
                                    "(sessions Established, RIBs and FIB filled at t=0) instead of a cold start; "
                                    "a router that restarts later still boots cold"),
    }

    @classmethod
    def configure(cls, graph: Any, options: Mapping[str, Any]) -> dict[str, SpeakerConfig]:
        """Each router's BGP configuration, from the topology's ``asn``/``relationship``/``bgp`` attributes;
        with ``warm_start``, each also carries the converged snapshot (computed once, shared)."""
        configs = build_configs(graph, options)
        if options.get("warm_start"):
            snapshot = warm.compute(configs)
            configs = {name: replace(cfg, warm=snapshot) for name, cfg in configs.items()}
        return configs

    @classmethod
    def check(cls, graph: Any, options: Mapping[str, Any]) -> None:
        """AS numbers, relationships and per-neighbour policies must make sense together."""
        build_configs(graph, options)

    @classmethod
    def validate(cls, options: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Problems between options: (key, message) for each."""
        o = options
        out = []
        if 0 < o["hold"] < 3:
            out.append(("hold", f"must be 0 or at least 3 s (RFC 4271 §4.2), got {o['hold']:g}"))
        if o["hold"] > 0 and o["keepalive"] >= o["hold"]:
            out.append(("keepalive", f"must be shorter than hold ({o['hold']:g} s)"))
        if o["update_delay_min"] > o["update_delay_max"]:
            out.append(("update_delay_min", f"must not exceed update_delay_max ({o['update_delay_max']:g} s)"))
        if o["damping_reuse"] >= o["damping_suppress"]:
            out.append(("damping_reuse", f"must be below damping_suppress ({o['damping_suppress']:g})"))
        if o["policy"] == "gao_rexford" and not o["lp_customer"] > o["lp_peer"] > o["lp_provider"]:
            out.append(("lp_peer", "Gao–Rexford needs lp_customer > lp_peer > lp_provider"))
        return out

    @classmethod
    def quiet_period(cls, options: Mapping[str, Any]) -> float:
        """Long enough for a silent failure to be detected (hold), a repaired link to be retried
        (ConnectRetry), and two MRAI rounds; with damping, for a suppressed route to be reused."""
        o = options
        quiet = o["hold"] + o["connect_retry"] + 2 * max(o["mrai"], o["mrai_ibgp"]) + o["idle_hold"] + 5.0
        if o["damping"]:
            quiet += o["damping_max_suppress"]
        return float(quiet)

    @classmethod
    def smallest_interval(cls, options: Mapping[str, Any]) -> float | None:
        """KEEPALIVEs are BGP's only periodic messages (at most hold / 3 once negotiated)."""
        return float(min(options["keepalive"], options["hold"] / 3))

    def __new__(cls, port: Any, config: RouterConfig, rng: Any) -> Bgp:
        """A router of an AS with several routers gets the variant that also runs the AS's IGP
        (the engine builds every router's protocol from one class)."""
        if cls is Bgp and getattr(config.extra, "igp", None) is not None:
            from netsim.protocols.bgp.ibgp import BgpOverIgp

            return super().__new__(BgpOverIgp)
        return super().__new__(cls)

    def __init__(self, port: Any, config: RouterConfig, rng: Any) -> None:
        super().__init__(port, config, rng)
        if config.extra is None:
            raise ValueError(f"router {port.name}: no BGP configuration (Bgp.configure was not called)")
        bgp: SpeakerConfig = config.extra
        # This router's own options (a scenario may set some per router) over the network's.
        self.bgp = replace(bgp, options=parse_options(config.options, policy=bgp.options.policy))
        # Uniform draws in [0, 1) from this router's generator, taken in blocks.
        self.speaker = Speaker(self.bgp, RandomBlock(rng, RANDOM_BLOCK).random, narrate=bool(port.narrating))
        self._timers: dict[TimerKey, Timer] = {}

    # -- engine callbacks -------------------------------------------------------------------------
    def start(self) -> None:
        carriers = {nb: iface.up for nb, iface in self.port.interfaces().items()}
        warm_boot = self.bgp.warm is not None and self.port.now == 0
        if warm_boot:
            self.port.preload(self.bgp.warm.table(self.port.name))
        self._apply(self.speaker.start(self.port.now, carriers, warm=warm_boot))

    def on_message(self, iface: str, msg: Any) -> None:
        self._apply(self.speaker.receive(iface, msg, self.port.now))

    def on_link_change(self, iface: str, up: bool) -> None:
        self._apply(self.speaker.carrier(iface, up, self.port.now))

    def _fire(self, key: TimerKey) -> None:
        self._timers.pop(key, None)
        self._apply(self.speaker.fire(key, self.port.now))

    # -- carrying out the speaker's effects ---------------------------------------------------------
    def _apply(self, out: Effects) -> None:
        port = self.port
        for note in out.notes:
            self._note(note)
        for prefix, entry, note in out.routes:
            self._note(note)
            if entry is None:
                port.withdraw(prefix, self._cause(note))
            else:
                port.install(prefix, (entry[0],), entry[1], self._cause(note))
        for peer, packet in out.sends:
            port.send(peer, packet, packet.size)
        self._arm(out)

    def _arm(self, out: Effects) -> None:
        """(Re)arm or cancel the timers the speaker asked for."""
        timers = self._timers
        port = self.port
        for key, delay in out.timers:
            old = timers.pop(key, None)
            if old is not None:
                old.cancel()
            if delay is not None:
                timers[key] = port.call_later(delay, self._fire, key)

    # -- the two adapters to the router's narration API --
    def _note(self, note: Note) -> None:
        """Record ``note`` (the router keeps it when narrating, or when a metric reads it)."""
        self.port.decide(note)

    @staticmethod
    def _cause(note: Note) -> Note:
        """The cause of a FIB change: the note that explains it."""
        return note
