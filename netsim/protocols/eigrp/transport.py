"""The Reliable Transport Protocol (RTP, RFC 7868 §5.2) towards one neighbour.

UPDATE, QUERY and REPLY must arrive, in order, exactly once: DUAL's loop freedom rests on every
neighbour having seen our last report before we act on its answer.  RTP gives that with

* one **sequence number** per reliable packet (one counter per router), and at most one packet
  in flight per neighbour: the next waits until the last is acknowledged (routes queued
  meanwhile for the same kind of packet travel together in it);
* **acknowledgements**: every reliable packet carries the sequence number of the last packet
  received from the neighbour (piggybacked, on retransmissions too); when nothing is going that
  way, an ACK (a HELLO with an acknowledgement number and no TLVs) is sent at once; a duplicate
  (a retransmission whose ack was lost) is acknowledged again and dropped;
* **retransmission** after the retransmission timeout (RTO).  The RTO starts at ``rto_max``
  (nothing measured yet), then follows the smoothed round-trip time as routers do: six times
  SRTT, kept within [``rto_min``, ``rto_max``]; SRTT is smoothed like TCP's (gain 1/8), from
  packets acknowledged without retransmission only (Karn's rule);
* a **retry limit**: a packet retransmitted ``retry_limit`` times and unacknowledged for at
  least the hold time resets the neighbour (waiting for the hold time too means a lossy but
  alive neighbour is not reset faster than a silent one would be).

This module is bookkeeping only; the protocol owns the timers.
"""

from __future__ import annotations

from collections import deque

from netsim.protocols.eigrp.messages import Entry
from netsim.records import record

RETRANSMIT = "retransmit"
RESET = "reset"


@record
class Outgoing:
    """A reliable message waiting for its turn: kind (``update``, ``query``, ``reply``) and routes."""

    kind: str
    entries: tuple[Entry, ...]
    init: bool = False


class Channel:
    """Send and receive state of the reliable transport with one neighbour."""

    __slots__ = ("rto_min", "rto_max", "retry_limit", "hold_time", "queue", "in_flight", "seq", "first_sent",
                 "retries", "srtt", "received", "ack_owed")

    def __init__(self, rto_min: float, rto_max: float, retry_limit: int, hold_time: float) -> None:
        self.rto_min = rto_min
        self.rto_max = rto_max
        self.retry_limit = retry_limit
        self.hold_time = hold_time
        self.srtt: float | None = None
        self.queue: deque[Outgoing] = deque()
        self.in_flight: Outgoing | None = None
        self.seq = 0
        self.first_sent = 0.0
        self.retries = 0
        self.received = 0
        self.ack_owed = 0

    # -- sending ------------------------------------------------------------------------------------
    def push(self, item: Outgoing) -> None:
        """Queue ``item``; if the last queued message (not yet sent) is of the same kind, the
        routes join it instead, a later value for a destination replacing an earlier one.

        Why: routers build a packet from the topology table when the neighbour is ready to take
        it, so changes made while an earlier packet waits for its ack leave together."""
        last = self.queue[-1] if self.queue else None
        if last is not None and last.kind == item.kind and not last.init and not item.init:
            merged = dict(last.entries)
            merged.update(item.entries)
            self.queue[-1] = Outgoing(item.kind, tuple(merged.items()))
        else:
            self.queue.append(item)

    def start_next(self, now: float, seq: int) -> Outgoing | None:
        """If nothing is in flight, take the next queued message, numbered ``seq``."""
        if self.in_flight is not None or not self.queue:
            return None
        self.in_flight = self.queue.popleft()
        self.seq = seq
        self.first_sent = now
        self.retries = 0
        return self.in_flight

    def rto(self) -> float:
        if self.srtt is None:
            return self.rto_max
        return min(self.rto_max, max(self.rto_min, 6.0 * self.srtt))

    def on_ack(self, ack: int, now: float) -> bool:
        """An acknowledgement arrived; whether it completes the packet in flight."""
        if self.in_flight is None or ack != self.seq:
            return False
        if self.retries == 0:
            sample = now - self.first_sent
            self.srtt = sample if self.srtt is None else self.srtt + (sample - self.srtt) / 8.0
        self.in_flight = None
        return True

    def on_timeout(self, now: float) -> str:
        """The RTO expired with the packet in flight unacknowledged: retransmit, or give up."""
        if self.retries >= self.retry_limit and now - self.first_sent >= self.hold_time:
            return RESET
        self.retries += 1
        return RETRANSMIT

    # -- receiving ----------------------------------------------------------------------------------
    def accept(self, seq: int, init: bool) -> bool:
        """A reliable packet numbered ``seq`` arrived: whether it is new (else a duplicate).

        Either way it must be acknowledged.  An INIT packet starts a new sequence space (the
        neighbour restarted, or this is a new adjacency)."""
        self.ack_owed = seq
        if init or seq > self.received:
            self.received = seq
            return True
        return False

    def take_ack(self) -> int:
        """The acknowledgement to carry now (0: none owed)."""
        ack, self.ack_owed = self.ack_owed, 0
        return ack

    def clear(self) -> None:
        """The adjacency went down: forget everything queued, in flight and received."""
        self.queue.clear()
        self.in_flight = None
        self.received = 0
        self.ack_owed = 0
        self.retries = 0
