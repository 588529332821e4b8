"""BFD-like fast failure detection (RFC 5880, asynchronous mode, no echo, no authentication).

Why: a routing protocol's own hellos detect a silent failure only after its dead interval
(40 s for OSPF by default); carrier loss is instant but absent when the failure is silent
(a broken transceiver, a failed switch in between).  BFD sends tiny packets every few tens of
milliseconds and declares the neighbour down after ``multiplier`` intervals without one; the
routing protocol then reacts exactly as to carrier loss.

The session state machine is the pure table :data:`BFD_FSM` (RFC 5880 §6.8.6, AdminDown
left out); :class:`BfdSession` adds the detection-time rule and the jittered transmit
interval.  :class:`BfdDriver` is the thin SimPy part: it runs one session per end of every
configured link, sends the packets as real messages over the link (counted, lost on a down
or lossy link) and tells the router's protocol when a session goes down or comes back up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from netsim.numeric import fmt_secs
from netsim.records import record
from netsim.scenario.faults import BfdSpec
from netsim.trace import Note

if TYPE_CHECKING:
    from netsim.engine.network import Network

DOWN, INIT, UP = "Down", "Init", "Up"
RX_DOWN, RX_INIT, RX_UP, TIMEOUT = "RxDown", "RxInit", "RxUp", "DetectionTimeExpired"
RX_EVENT = {DOWN: RX_DOWN, INIT: RX_INIT, UP: RX_UP}

#: (state, event) -> next state (RFC 5880 §6.8.6).  Pairs not listed leave the state alone.
BFD_FSM: dict[tuple[str, str], str] = {
    (DOWN, RX_DOWN): INIT,
    (DOWN, RX_INIT): UP,
    (INIT, RX_INIT): UP,
    (INIT, RX_UP): UP,
    (INIT, TIMEOUT): DOWN,
    (UP, RX_DOWN): DOWN,
    (UP, TIMEOUT): DOWN,
}

#: IPv4 (20) + UDP (8) + BFD control packet (24 bytes, RFC 5880 §4.1).
BFD_PACKET_SIZE = 52


@record
class BfdPacket:
    """A control packet: the sender's session state and its transmit interval (which sets the
    receiver's detection time, as Desired Min TX Interval does in RFC 5880 §6.8.4)."""

    kind: ClassVar[str] = "bfd"
    state: str
    interval: float


@record
class BfdStateChange(Note):
    """A BFD session to ``neighbor`` changed state: on a received packet, or when nothing arrived
    for the detection time (``silent_for`` seconds, ``detect`` the detection time)."""

    kind: ClassVar[str] = "bfd"
    neighbor: str
    old: str
    new: str
    received: str | None = None
    silent_for: float = 0.0
    detect: float = 0.0

    def text(self) -> str:
        return f"BFD session to {self.neighbor} {self.old} → {self.new}"

    def reason(self) -> str:
        if self.received is not None:
            return f"received {self.received} from {self.neighbor}"
        return f"no BFD packet for {fmt_secs(self.silent_for)} s (detection time {fmt_secs(self.detect)} s)"


def transition(state: str, event: str) -> str:
    return BFD_FSM.get((state, event), state)


class BfdSession:
    """One end of a BFD session: pure state, the clock is passed in."""

    __slots__ = ("spec", "state", "last_rx", "detect")

    def __init__(self, spec: BfdSpec) -> None:
        self.spec = spec
        self.state = DOWN
        self.last_rx = -np.inf
        self.detect = spec.multiplier * spec.slow_interval

    def tx_interval(self, u: float) -> float:
        """The next transmit interval for a uniform draw ``u`` in [0, 1): the configured interval
        (the slow one while not Up) reduced by 0–25 % (RFC 5880 §6.8.7)."""
        base = self.spec.interval if self.state == UP else max(self.spec.interval, self.spec.slow_interval)
        return base * (0.75 + 0.25 * u)

    def advertised_interval(self) -> float:
        return self.spec.interval if self.state == UP else max(self.spec.interval, self.spec.slow_interval)

    def receive(self, pkt: BfdPacket, now: float) -> tuple[str, str]:
        """Apply a received packet; return (old state, new state)."""
        self.last_rx = now
        self.detect = self.spec.multiplier * pkt.interval
        old = self.state
        self.state = transition(old, RX_EVENT[pkt.state])
        return old, self.state

    def deadline(self) -> float:
        return self.last_rx + self.detect

    def check(self, now: float) -> tuple[str, str] | None:
        """Detection timer: (old, new) if it expired and changed the state, else None."""
        if self.state == DOWN or now < self.deadline() - 1e-12:
            return None
        old = self.state
        self.state = transition(old, TIMEOUT)
        return (old, self.state) if old != self.state else None


class _End:
    """Driver-side bookkeeping of one session end (timers belong to the router incarnation)."""

    __slots__ = ("session", "rng", "check_at", "declared_down", "tx_timer")

    def __init__(self, spec: BfdSpec, rng: np.random.Generator) -> None:
        self.session = BfdSession(spec)
        self.rng = rng
        self.check_at = np.inf
        self.declared_down = False
        self.tx_timer: Any = None


class BfdDriver:
    """Runs the BFD sessions of a network (installed before ``network.start()``)."""

    def __init__(self, net: Network, specs: Mapping[tuple[str, str], BfdSpec]) -> None:
        self.net = net
        self.specs = dict(specs)
        self.by_router: dict[str, list[tuple[str, BfdSpec]]] = {}
        self.rngs: dict[tuple[str, str], np.random.Generator] = {}
        for (a, b), spec in self.specs.items():
            # Each end's jitter stream is a child of the link's seed: independent of loss draws.
            seq = net.link_rngs[(a, b)].bit_generator.seed_seq
            ra, rb = (np.random.default_rng(s) for s in seq.spawn(2))
            self.rngs[(a, b)], self.rngs[(b, a)] = ra, rb
            self.by_router.setdefault(a, []).append((b, spec))
            self.by_router.setdefault(b, []).append((a, spec))
        self.ends: dict[tuple[str, str], _End] = {}
        net.boot_hooks.append(self.boot)

    def boot(self, name: str) -> None:
        """A router (re)started: fresh sessions in Down, transmitting at the slow rate."""
        router = self.net.routers[name]
        for nb, spec in self.by_router.get(name, ()):
            end = _End(spec, self.rngs[(name, nb)])
            self.ends[(name, nb)] = end
            # The first packet at a random phase over one interval: the two ends of a session,
            # and the sessions of routers that boot together, do not transmit in step.
            first = end.session.advertised_interval() * max(float(end.rng.random()), 1e-6)
            end.tx_timer = router.call_later(first, self._tx, name, nb, end)

    def _send(self, me: str, nb: str, end: _End) -> None:
        pkt = BfdPacket(end.session.state, end.session.advertised_interval())
        self.net.send_control(me, nb, pkt, BFD_PACKET_SIZE, self._receive)

    def _tx(self, me: str, nb: str, end: _End) -> None:
        if self.ends.get((me, nb)) is not end:
            return
        self._send(me, nb, end)
        end.tx_timer = self.net.routers[me].call_later(end.session.tx_interval(float(end.rng.random())),
                                                       self._tx, me, nb, end)

    def _receive(self, me: str, nb: str, pkt: Any) -> None:
        end = self.ends.get((me, nb))
        if end is None or not isinstance(pkt, BfdPacket):
            return
        now = self.net.env.now
        old, new = end.session.receive(pkt, now)
        if old != new:
            self._changed(me, end, BfdStateChange(nb, old, new, received=pkt.state))
            # Answer at once (a quick three-way handshake) and switch to the new rate now: the
            # peer's detection time already assumes it.
            if end.tx_timer is not None:
                end.tx_timer.cancel()
            self._tx(me, nb, end)
        self._arm(me, nb, end)

    def _arm(self, me: str, nb: str, end: _End) -> None:
        at = end.session.deadline()
        if end.session.state != DOWN and at < end.check_at:
            end.check_at = at
            self.net.routers[me].call_later(max(0.0, at - self.net.env.now), self._check, me, nb, end, at)

    def _check(self, me: str, nb: str, end: _End, at: float) -> None:
        if end.check_at != at or self.ends.get((me, nb)) is not end:
            return  # superseded by an earlier deadline
        end.check_at = np.inf
        now = self.net.env.now
        change = end.session.check(now)
        if change is not None:
            self._changed(me, end, BfdStateChange(nb, *change, silent_for=now - end.session.last_rx,
                                                  detect=end.session.detect))
        else:
            self._arm(me, nb, end)

    def _changed(self, me: str, end: _End, note: BfdStateChange) -> None:
        router = self.net.routers[me]
        router.decide(note)
        nb, old, new = note.neighbor, note.old, note.new
        if new == DOWN and old == UP:
            if router.ifaces[nb].up:
                end.declared_down = True
                router.set_iface(nb, up=False)
                if router.protocol is not None:
                    router.protocol.on_link_change(nb, False)
        elif new == UP and end.declared_down:
            end.declared_down = False
            if not router.ifaces[nb].up:
                router.set_iface(nb, up=True)
                if router.protocol is not None:
                    router.protocol.on_link_change(nb, True)


def install_bfd(net: Network, specs: Mapping[tuple[str, str], BfdSpec]) -> BfdDriver | None:
    """Attach BFD to ``net`` for the given links (nothing when none is configured)."""
    driver = BfdDriver(net, specs) if specs else None
    net.bfd = driver
    return driver
