"""The reliable transport and the adjacency state machine, step by step."""

from __future__ import annotations

import pytest

from netsim.protocols.eigrp import neighbors as nb
from netsim.protocols.eigrp.transport import RESET, RETRANSMIT, Channel, Outgoing


def channel() -> Channel:
    return Channel(rto_min=0.2, rto_max=5.0, retry_limit=3, hold_time=15.0)


def test_one_packet_in_flight_and_in_order() -> None:
    ch = channel()
    ch.push(Outgoing("update", (("a", None),)))
    ch.push(Outgoing("query", (("b", None),)))
    first = ch.start_next(0.0, 7)
    assert first is not None and first.kind == "update" and ch.seq == 7
    assert ch.start_next(0.0, 8) is None  # the query waits for the ack
    assert not ch.on_ack(6, 0.1)           # not ours
    assert ch.on_ack(7, 0.1)
    nxt = ch.start_next(0.1, 8)
    assert nxt is not None and nxt.kind == "query"


def test_rto_follows_the_smoothed_round_trip_within_bounds() -> None:
    ch = channel()
    assert ch.rto() == 5.0  # nothing measured yet
    ch.push(Outgoing("update", ()))
    ch.start_next(0.0, 1)
    ch.on_ack(1, 0.002)     # 2 ms round trip: 6 x 2 ms is below the floor
    assert ch.srtt == pytest.approx(0.002) and ch.rto() == 0.2
    ch.push(Outgoing("update", ()))
    ch.start_next(1.0, 2)
    ch.on_ack(2, 1.802)     # 802 ms: SRTT = 0.002 + (0.802 - 0.002) / 8 = 0.102
    assert ch.srtt == pytest.approx(0.102) and ch.rto() == pytest.approx(0.612)


def test_karn_no_sample_from_a_retransmitted_packet() -> None:
    ch = channel()
    ch.push(Outgoing("update", ()))
    ch.start_next(0.0, 1)
    assert ch.on_timeout(5.0) == RETRANSMIT
    ch.on_ack(1, 5.001)
    assert ch.srtt is None


def test_retry_limit_waits_for_the_hold_time_too() -> None:
    ch = channel()
    ch.push(Outgoing("update", ()))
    ch.start_next(0.0, 1)
    assert [ch.on_timeout(t) for t in (0.2, 0.4, 0.6)] == [RETRANSMIT] * 3
    assert ch.on_timeout(0.8) == RETRANSMIT   # three retries done, but only 0.8 s of 15
    assert ch.on_timeout(15.0) == RESET


def test_duplicates_are_acknowledged_and_dropped_init_restarts_numbering() -> None:
    ch = channel()
    assert ch.accept(100, init=True)
    assert ch.take_ack() == 100 and ch.take_ack() == 0
    assert ch.accept(101, init=False)
    assert not ch.accept(101, init=False)     # retransmission: our ack was lost
    assert ch.take_ack() == 101               # so acknowledge it again
    assert ch.accept(5, init=True)            # a restarted neighbour numbers from elsewhere
    assert ch.accept(6, init=False)


def test_clear_forgets_everything() -> None:
    ch = channel()
    ch.push(Outgoing("update", ()))
    ch.start_next(0.0, 1)
    ch.accept(9, init=False)
    ch.clear()
    assert ch.in_flight is None and not ch.queue and ch.received == 0 and ch.ack_owed == 0


# -- adjacency state machine ----------------------------------------------------------------------------
def run(*events: str) -> list[tuple[str, str | None]]:
    state, out = nb.DOWN, []
    for e in events:
        state, action = nb.transition(state, e)
        out.append((state, action))
    return out


def test_adjacency_needs_both_inits_in_either_order() -> None:
    assert run(nb.HELLO, nb.INIT_RECEIVED, nb.INIT_ACKED) == [
        (nb.PENDING, nb.SEND_INIT), (nb.PENDING_GOT_INIT, None), (nb.UP, nb.ADJACENCY_UP)]
    assert run(nb.HELLO, nb.INIT_ACKED, nb.INIT_RECEIVED) == [
        (nb.PENDING, nb.SEND_INIT), (nb.PENDING_ACKED, None), (nb.UP, nb.ADJACENCY_UP)]
    # The neighbour's INIT can overtake its first hello.
    assert run(nb.INIT_RECEIVED, nb.INIT_ACKED) == [(nb.PENDING_GOT_INIT, nb.SEND_INIT), (nb.UP, nb.ADJACENCY_UP)]


def test_hellos_alone_never_make_an_adjacency() -> None:
    assert run(nb.HELLO, nb.HELLO, nb.HELLO)[-1] == (nb.PENDING, None)


def test_restart_and_loss() -> None:
    up = [nb.HELLO, nb.INIT_RECEIVED, nb.INIT_ACKED]
    assert run(*up, nb.INIT_RECEIVED)[-1] == (nb.PENDING_GOT_INIT, nb.RESTART)
    for event in (nb.HOLD_EXPIRED, nb.CARRIER_DOWN, nb.RETRY_LIMIT, nb.STUCK_IN_ACTIVE):
        assert run(*up, event)[-1] == (nb.DOWN, nb.DROP)
        assert run(nb.HELLO, event)[-1] == (nb.DOWN, nb.DROP)
        assert run(event) == [(nb.DOWN, None)]
