"""TCP's retransmission, for BGP connections that cross several hops (iBGP between loopbacks).

Why: an eBGP session runs over one link, whose FIFO delivery is the reliability this model
relies on (:mod:`netsim.protocols.bgp.transport`).  An iBGP session runs between loopbacks, its
segments forwarded hop by hop along the FIBs, and a path can break under them: a link fails
while a segment is on it, a router crashes silently and black-holes traffic until the IGP
notices, the IGP routes a packet into a transient loop.  Real TCP recovers, and BGP counts on
it: an UPDATE lost for good would leave the peer's Adj-RIB-In wrong until the session resets.

What is modelled (RFC 793, RFC 6298), per connection and direction:

* every data segment (one BGP message) gets the next sequence number and stays queued until
  acknowledged; the receiver delivers in order, holds segments that arrive early, drops
  duplicates, and answers every data segment with a cumulative acknowledgement (a 40-byte
  pure ACK: the next sequence number it expects);
* the retransmission timer starts at 1 s -- RFC 6298's initial RTO and also its floor, which
  any RTT measured here (milliseconds) would round up to -- doubles on every expiry up to 60 s,
  and restarts at 1 s when an acknowledgement brings progress; on expiry every queued segment
  is sent again (go-back-N);
* a connection's state is dropped as soon as the session no longer uses it (``current``).

Not modelled: windows and congestion control (BGP's messages are few and small), delayed
acknowledgements, the handshake's own retransmission (a lost SYN waits for ConnectRetry).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from netsim.protocols.bgp.transport import IP_TCP_OVERHEAD, ConnId, Segment
from netsim.records import record

INITIAL_RTO = 1.0
MAX_RTO = 60.0


@record
class Sequenced:
    """A data segment with its sequence number (a TCP header field: no extra bytes)."""

    kind: ClassVar[str] = "tcp-data"
    segment: Segment
    seq: int

    @property
    def conn(self) -> ConnId:
        return self.segment.conn

    @property
    def size(self) -> int:
        return self.segment.size


@record
class Ack:
    """A pure acknowledgement: every segment before ``ack`` of connection ``conn`` arrived."""

    kind: ClassVar[str] = "tcp-ack"
    conn: ConnId
    ack: int

    @property
    def size(self) -> int:
        return IP_TCP_OVERHEAD


class _Out:
    __slots__ = ("next_seq", "unacked", "rto", "timer")

    def __init__(self) -> None:
        self.next_seq = 0
        self.unacked: dict[int, Segment] = {}
        self.rto = INITIAL_RTO
        self.timer: Any = None


class _In:
    __slots__ = ("expected", "early")

    def __init__(self) -> None:
        self.expected = 0
        self.early: dict[int, Segment] = {}


class Reliable:
    """The retransmitting half of TCP for one router's multi-hop BGP connections.

    ``transmit(peer, packet)`` puts a packet on its way to ``peer``; ``deliver(peer, segment)``
    hands an in-order segment to BGP; ``current(peer, conn)`` says whether the session with
    ``peer`` still uses ``conn``; ``call_later(delay, fn, *args)`` arms a timer (with ``cancel()``).
    """

    def __init__(self, transmit: Callable[[str, Any], Any], deliver: Callable[[str, Segment], None],
                 current: Callable[[str, ConnId], bool], call_later: Callable[..., Any]) -> None:
        self._transmit = transmit
        self._deliver = deliver
        self._current = current
        self._call_later = call_later
        self.outgoing: dict[tuple[str, ConnId], _Out] = {}
        self.incoming: dict[tuple[str, ConnId], _In] = {}
        #: Segments sent again (for tests and curiosity).
        self.retransmitted = 0

    def send(self, peer: str, segment: Segment) -> None:
        key = (peer, segment.conn)
        out = self.outgoing.get(key)
        if out is None:
            self._forget(peer)
            out = self.outgoing[key] = _Out()
        seq = out.next_seq
        out.next_seq += 1
        out.unacked[seq] = segment
        self._transmit(peer, Sequenced(segment, seq))
        if out.timer is None:
            out.timer = self._call_later(out.rto, self._expire, key)

    def receive(self, peer: str, pkt: Sequenced | Ack) -> None:
        if type(pkt) is Ack:
            self._acked(peer, pkt)
            return
        assert isinstance(pkt, Sequenced)
        key = (peer, pkt.conn)
        inc = self.incoming.get(key)
        if inc is None:
            for other in [k for k in self.incoming if k[0] == peer and not self._current(peer, k[1])]:
                del self.incoming[other]
            inc = self.incoming[key] = _In()
        if pkt.seq == inc.expected:
            ready = [pkt.segment]
            inc.expected += 1
            while inc.expected in inc.early:
                ready.append(inc.early.pop(inc.expected))
                inc.expected += 1
        else:
            ready = []
            if pkt.seq > inc.expected:
                inc.early[pkt.seq] = pkt.segment
        self._transmit(peer, Ack(pkt.conn, inc.expected))
        for seg in ready:
            self._deliver(peer, seg)

    def _acked(self, peer: str, pkt: Ack) -> None:
        key = (peer, pkt.conn)
        out = self.outgoing.get(key)
        if out is None:
            return
        done = [s for s in out.unacked if s < pkt.ack]
        if not done:
            return
        for s in done:
            del out.unacked[s]
        out.rto = INITIAL_RTO
        if out.timer is not None:
            out.timer.cancel()
            out.timer = None
        if out.unacked:
            out.timer = self._call_later(out.rto, self._expire, key)

    def _expire(self, key: tuple[str, ConnId]) -> None:
        out = self.outgoing.get(key)
        if out is None:
            return
        out.timer = None
        peer, conn = key
        if not self._current(peer, conn):
            del self.outgoing[key]
            return
        if not out.unacked:
            return
        for seq in sorted(out.unacked):
            self.retransmitted += 1
            self._transmit(peer, Sequenced(out.unacked[seq], seq))
        out.rto = min(2 * out.rto, MAX_RTO)
        out.timer = self._call_later(out.rto, self._expire, key)

    def _forget(self, peer: str) -> None:
        """Drop the send state of ``peer``'s connections the session no longer uses."""
        for key in [k for k in self.outgoing if k[0] == peer and not self._current(peer, k[1])]:
            out = self.outgoing.pop(key)
            if out.timer is not None:
                out.timer.cancel()
