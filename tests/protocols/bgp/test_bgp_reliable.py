"""TCP's retransmission for multi-hop (iBGP) connections: order, duplicates, the RTO's back-off."""

from __future__ import annotations

from typing import Any

from fakeport import FakePort

from netsim.protocols.bgp.messages import Keepalive
from netsim.protocols.bgp.reliable import INITIAL_RTO, MAX_RTO, Ack, Reliable, Sequenced
from netsim.protocols.bgp.transport import ConnId, Segment

CONN: ConnId = ("a", 0.0, 1)


def _pair() -> tuple[Reliable, list[Any], list[Segment], FakePort, set[ConnId]]:
    port = FakePort("a", {})
    wire: list[Any] = []
    got: list[Segment] = []
    live = {CONN}
    tcp = Reliable(lambda _peer, pkt: wire.append(pkt), lambda _peer, seg: got.append(seg),
                   lambda _peer, conn: conn in live, port.call_later)
    return tcp, wire, got, port, live


def test_in_order_delivery_holds_early_segments_and_drops_duplicates() -> None:
    rx, wire, got, _port, _live = _pair()
    s0, s1, s2 = (Segment(CONN, Keepalive()) for _ in range(3))
    rx.receive("b", Sequenced(s1, 1))
    assert got == [] and wire[-1] == Ack(CONN, 0)
    rx.receive("b", Sequenced(s0, 0))
    assert got == [s0, s1] and wire[-1] == Ack(CONN, 2)
    rx.receive("b", Sequenced(s0, 0))  # a retransmission we already have
    assert got == [s0, s1] and wire[-1] == Ack(CONN, 2)
    rx.receive("b", Sequenced(s2, 2))
    assert got == [s0, s1, s2]


def test_unacknowledged_segments_go_again_with_a_doubling_timer() -> None:
    seg = Segment(CONN, Keepalive())
    # retransmissions at 1, 1+2, 1+2+4 ... seconds, the gap capped at MAX_RTO
    tx, wire, _got, port, _live = _pair()
    tx.send("b", seg)
    assert wire == [Sequenced(seg, 0)]
    sent_at = []
    t = 0.0
    while t < 200:
        t += 0.5
        n = len(wire)
        port.advance(t)
        if len(wire) > n:
            sent_at.append(t)
    gaps = [b - a for a, b in zip([0.0, *sent_at], sent_at, strict=False)]
    assert gaps[:6] == [INITIAL_RTO, 2.0, 4.0, 8.0, 16.0, 32.0] and gaps[6] == MAX_RTO
    assert all(s == Sequenced(seg, 0) for s in wire) and tx.retransmitted == len(sent_at)


def test_an_acknowledgement_stops_the_timer_and_a_dead_connection_is_forgotten() -> None:
    tx, wire, _got, port, live = _pair()
    seg = Segment(CONN, Keepalive())
    tx.send("b", seg)
    tx.receive("b", Ack(CONN, 1))
    port.advance(100.0)
    assert wire == [Sequenced(seg, 0)] and tx.retransmitted == 0
    tx.send("b", seg)
    live.clear()  # the session moved on (reset): nothing more is sent for the old connection
    port.advance(200.0)
    assert tx.retransmitted == 0 and not tx.outgoing
