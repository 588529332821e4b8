"""One BGP session: the RFC 4271 FSM (:mod:`netsim.protocols.bgp.fsm`) driven by packets, timers
and the carrier, over the TCP model of :mod:`netsim.protocols.bgp.transport`.

Pure code: inputs come with the time, outputs go into an :class:`~netsim.protocols.bgp.effects.Effects`.
Each input returns a signal for the routing process: ``"up"`` (the session reached Established:
exchange tables), ``"down"`` (it left Established: forget what was learned on it) or
``"update"`` (an UPDATE arrived in Established), else None.

Timers (keys ``(kind, peer)``): ``retry`` (ConnectRetry), ``hold``, ``keepalive`` and ``start``
(the idle hold before an automatic restart).  The hold timer is not re-armed on every message:
the session remembers when it last heard from the peer and, when the timer fires early, re-arms
it for the remainder -- the same expiry instant at a fraction of the events.
"""

from __future__ import annotations

from collections.abc import Callable

from netsim.protocols.bgp import fsm
from netsim.protocols.bgp.config import NeighborConfig, Timers
from netsim.protocols.bgp.effects import Effects
from netsim.protocols.bgp.messages import (
    ADMIN_SHUTDOWN,
    CEASE,
    FSM_ERROR,
    HOLD_TIMER_EXPIRED,
    Keepalive,
    Notification,
    Open,
    Update,
)
from netsim.protocols.bgp.notes import SessionChange
from netsim.protocols.bgp.transport import ConnId, Rst, Segment, Syn, SynAck

UP, DOWN, UPDATE = "up", "down", "update"
KEEPALIVE = Keepalive()
_CONNECTED = (fsm.OPENSENT, fsm.OPENCONFIRM, fsm.ESTABLISHED)


class Session:
    """The session with one neighbour, as this router sees it."""

    __slots__ = ("me", "asn", "bgp_id", "nb", "peer", "t", "uniform", "state", "conn", "pending", "attempts",
                 "carrier", "hold", "keepalive", "hold_limit", "last_heard", "stopped", "update", "_keepalive_segment")

    def __init__(self, me: str, asn: int, bgp_id: int, nb: NeighborConfig, timers: Timers,
                 uniform: Callable[[], float]) -> None:
        self.me = me
        self.asn = asn
        self.bgp_id = bgp_id
        self.nb = nb
        self.peer = nb.name
        self.t = timers
        self.uniform = uniform
        self.state = fsm.IDLE
        self.conn: ConnId | None = None
        #: Passive end: the connection whose SYN we answered and whose first segment we await.
        self.pending: ConnId | None = None
        self.attempts = 0
        self.carrier = False
        self.hold = 0.0
        self.keepalive = 0.0
        self.hold_limit = 0.0
        self.last_heard = 0.0
        self.stopped = False
        #: The UPDATE of the last input that returned ``"update"``.
        self.update: Update | None = None
        self._keepalive_segment: Segment | None = None

    @property
    def established(self) -> bool:
        return self.state == fsm.ESTABLISHED

    # -- inputs -------------------------------------------------------------------------------
    def start(self, now: float, carrier: bool, out: Effects) -> str | None:
        """The operator configured the neighbour (router boot): ManualStart if the link is up."""
        self.carrier = carrier
        if not carrier:
            return None
        ev = fsm.MANUAL_START if self.nb.active else fsm.MANUAL_START_PASSIVE
        return self._event(ev, now, out, "neighbour configured")

    def warm_up(self, now: float, out: Effects) -> None:
        """Start Established, as the checkpoint of a warm start: both ends agree on the connection
        and the negotiated timers; keepalives start at a random phase so routers do not beat in step."""
        self.carrier = True
        self.state = fsm.ESTABLISHED
        self.conn = (self.me if self.nb.active else self.peer, -1.0, 0)
        self.hold = self.t.hold
        self.keepalive = min(self.t.keepalive, self.hold / 3) if self.hold > 0 else 0.0
        self.last_heard = now
        self.hold_limit = self.hold
        if self.hold > 0:
            out.timer(("hold", self.peer), self.hold)
            out.timer(("keepalive", self.peer), self.keepalive * self.uniform())

    def stop(self, now: float, out: Effects) -> str | None:
        """ManualStop: the operator shuts the session down (no automatic restart)."""
        self.stopped = True
        return self._event(fsm.MANUAL_STOP, now, out, "administrative shutdown")

    def carrier_change(self, up: bool, now: float, out: Effects, why: str = "") -> str | None:
        """The path to the peer appeared or vanished: the interface's carrier for an external
        peer, the IGP route to its loopback for an internal one (``why`` says which)."""
        self.carrier = up
        if not up:
            out.cancel(("start", self.peer))
            if self.state == fsm.IDLE:
                return None
            return self._event(fsm.TCP_FAILS, now, out, why or "carrier lost (fast external fallover)")
        if self.state != fsm.IDLE or self.stopped:
            return None
        out.cancel(("start", self.peer))
        ev = fsm.AUTOMATIC_START if self.nb.active else fsm.AUTOMATIC_START_PASSIVE
        return self._event(ev, now, out, why or "interface up")

    def fire(self, kind: str, now: float, out: Effects) -> str | None:
        """One of this session's timers expired."""
        st = self.state
        if kind == "keepalive" and st == fsm.ESTABLISHED:
            # steady state, the most frequent input of a long run: (Established, KeepaliveTimer_Expires)
            # -> (Established, send_keepalive) without the table lookup
            out.send(self.peer, self._keepalive())
            out.timer(("keepalive", self.peer), self._jittered(self.keepalive))
            return None
        if kind == "hold":
            if st not in _CONNECTED or self.hold_limit <= 0:
                return None
            quiet = now - self.last_heard
            if quiet < self.hold_limit - 1e-9:
                out.timer(("hold", self.peer), self.hold_limit - quiet)
                return None
            return self._event(fsm.HOLD_EXPIRES, now, out, f"nothing heard for {self.hold_limit:g} s")
        if kind == "keepalive":
            if st in (fsm.OPENCONFIRM, fsm.ESTABLISHED):
                return self._event(fsm.KEEPALIVE_EXPIRES, now, out)
            return None
        if kind == "retry":
            if st in (fsm.CONNECT, fsm.ACTIVE) and self.nb.active:
                return self._event(fsm.CONNECT_RETRY_EXPIRES, now, out, "no connection yet")
            return None
        if kind == "start":
            if st == fsm.IDLE and self.carrier and not self.stopped:
                ev = fsm.AUTOMATIC_START if self.nb.active else fsm.AUTOMATIC_START_PASSIVE
                return self._event(ev, now, out, f"idle hold ({self.t.idle_hold:g} s) over")
            return None
        raise ValueError(f"unknown session timer {kind}")

    def receive(self, pkt: object, now: float, out: Effects) -> str | None:
        """A packet from the neighbour: TCP control or a BGP message."""
        peer = self.peer
        if isinstance(pkt, Segment):
            if self.state == fsm.ESTABLISHED and type(pkt.msg) is Keepalive and pkt.conn == self.conn:
                self.last_heard = now  # steady state: (Established, KeepAliveMsg) -> (Established, heard)
                return None
            signal = None
            if pkt.conn == self.pending and self.state == fsm.ACTIVE:
                self.conn, self.pending = self.pending, None
                signal = self._event(fsm.TCP_CONFIRMED, now, out, "connection from the peer completed")
            if self.conn is None or pkt.conn != self.conn:
                out.send(peer, Rst(pkt.conn))
                return signal
            msg = pkt.msg
            if isinstance(msg, Update):
                self.update = msg
                return self._event(fsm.UPDATE_MSG, now, out)
            if isinstance(msg, Keepalive):
                return self._event(fsm.KEEPALIVE_MSG, now, out, "KEEPALIVE received") or signal
            if isinstance(msg, Open):
                return self._event(fsm.BGP_OPEN, now, out, f"OPEN received (hold time {msg.hold_time:g} s)",
                                   msg) or signal
            if isinstance(msg, Notification):
                return self._event(fsm.NOTIF_MSG, now, out, f"NOTIFICATION received: {msg.describe()}")
            raise TypeError(f"not a BGP message: {msg!r}")
        if isinstance(pkt, Syn):
            if not self.nb.active and self.state == fsm.ACTIVE:
                self.pending = pkt.conn
                out.send(peer, SynAck(pkt.conn))
            else:  # not listening (Idle refuses connections), or a connection already exists
                out.send(peer, Rst(pkt.conn))
            return None
        if isinstance(pkt, SynAck):
            if self.nb.active and self.state == fsm.CONNECT and pkt.conn == self.conn:
                return self._event(fsm.TCP_CR_ACKED, now, out, "SYN-ACK received")
            out.send(peer, Rst(pkt.conn))
            return None
        if isinstance(pkt, Rst):
            if self.conn is not None and pkt.conn == self.conn:
                return self._event(fsm.TCP_FAILS, now, out, "connection reset by the peer (RST)")
            if pkt.conn == self.pending:
                self.pending = None
            return None
        raise TypeError(f"not a BGP packet: {pkt!r}")

    # -- the machine ------------------------------------------------------------------------------
    def _event(self, event: str, now: float, out: Effects, detail: str = "", msg: object = None) -> str | None:
        old = self.state
        new, action = fsm.step(old, event)
        self.state = new
        signal = self._act(action, now, out, msg) if action else None
        if new != old:
            out.note(SessionChange(self.peer, self.nb.asn, old, new, event, detail))
            if old == fsm.ESTABLISHED:
                signal = DOWN
            if new == fsm.IDLE:
                self._closed(action, out)
        return signal

    def _keepalive(self) -> Segment:
        """A KEEPALIVE on the current connection (one shared record per connection)."""
        seg = self._keepalive_segment
        if seg is None or seg.conn != self.conn:
            assert self.conn is not None
            seg = self._keepalive_segment = Segment(self.conn, KEEPALIVE)
        return seg

    def _jittered(self, value: float) -> float:
        """RFC 4271 §10: KeepaliveTimer and ConnectRetryTimer are jittered to 75–100 %."""
        return value * (0.75 + 0.25 * self.uniform()) if self.t.jitter else value

    def _act(self, action: str, now: float, out: Effects, msg: object) -> str | None:
        peer = self.peer
        if action in (fsm.INITIATE, fsm.RETRY):
            self.attempts += 1
            self.conn = (self.me, now, self.attempts)
            out.timer(("retry", peer), self._jittered(self.t.connect_retry))
            if self.carrier:
                out.send(peer, Syn(self.conn))
        elif action == fsm.LISTEN:
            self.conn = self.pending = None
        elif action == fsm.SEND_OPEN:
            assert self.conn is not None
            out.cancel(("retry", peer))
            out.send(peer, Segment(self.conn, Open(self.asn, self.t.hold, self.bgp_id)))
            self.hold_limit = self.t.open_hold
            self.last_heard = now
            out.timer(("hold", peer), self.hold_limit)
        elif action == fsm.CLOSE_LISTEN:
            self.conn = self.pending = None
            out.cancel(("hold", peer))
            out.cancel(("keepalive", peer))
            if self.nb.active:
                out.timer(("retry", peer), self._jittered(self.t.connect_retry))
        elif action == fsm.ACCEPT_OPEN:
            assert isinstance(msg, Open) and self.conn is not None
            self.hold = min(self.t.hold, msg.hold_time)
            self.keepalive = min(self.t.keepalive, self.hold / 3) if self.hold > 0 else 0.0
            out.send(peer, self._keepalive())
            self.last_heard = now
            self.hold_limit = self.hold
            if self.hold > 0:
                out.timer(("hold", peer), self.hold)
                out.timer(("keepalive", peer), self._jittered(self.keepalive))
            else:
                out.cancel(("hold", peer))
        elif action == fsm.SEND_KEEPALIVE:
            assert self.conn is not None
            out.send(peer, self._keepalive())
            out.timer(("keepalive", peer), self._jittered(self.keepalive))
        elif action == fsm.HEARD:
            self.last_heard = now
        elif action == fsm.ESTABLISH:
            self.last_heard = now
            return UP
        elif action == fsm.PROCESS_UPDATE:
            self.last_heard = now
            return UPDATE
        elif action in (fsm.NOTIFY_HOLD, fsm.NOTIFY_FSM, fsm.CEASE):
            code = {fsm.NOTIFY_HOLD: (HOLD_TIMER_EXPIRED, 0), fsm.NOTIFY_FSM: (FSM_ERROR, 0),
                    fsm.CEASE: (CEASE, ADMIN_SHUTDOWN)}[action]
            if self.conn is not None:
                out.send(peer, Segment(self.conn, Notification(*code)))
        elif action != fsm.DROP:
            raise ValueError(f"unknown FSM action {action}")
        return None

    def _closed(self, action: str | None, out: Effects) -> None:
        """Back in Idle: release the connection and its timers; restart after the idle hold unless
        an operator stopped the session or the link is down (carrier up restarts it then)."""
        peer = self.peer
        self.conn = self.pending = None
        self.hold_limit = 0.0
        for kind in ("retry", "hold", "keepalive"):
            out.cancel((kind, peer))
        if action != fsm.CEASE and self.carrier and not self.stopped:
            out.timer(("start", peer), self.t.idle_hold)
