"""Quiet ticks: a timer's sends to several neighbours accounted for without an event per copy.

Why: a RIP-like router sends its whole table to every neighbour at each regular update, and in a
quiet network each neighbour's only reaction is to note that the routes through the sender are
still fresh.  The update's period is drawn at random each time, so, unlike a hello, its copies
cannot be computed ahead (:class:`~netsim.engine.periodic.PeriodicStream`).  The sender's timer
still fires, but at each tick it hands its sends to the network as one :class:`Fanout`, which
records the tick's time and nothing else: no transmission, no delivery event, no call into the
receivers.  The network logs the rows when it flushes or breaks the fanout; a receiver asks
when it last heard a copy (:meth:`FanoutMember.hear`); the moment anything could make a copy
matter, the fanout breaks and the copies still in flight become real deliveries.

The arithmetic is the wire's, on a link without jitter (the only kind a fanout uses):

* arrival (the message log's ``arrival`` column): ``s + delay``;
* delivery (when the receiver handles the copy sent at ``s``): ``s + ((s + delay) - s)``, because
  the clock schedules a delivery ``arrival - s`` after the send.

Order: the rows of one tick are logged together, in the order the timer sent them, so a tick is
either all quiet or all real (:meth:`Fanout.matches` is all-or-nothing).  Like a stream's, they go
first among rows of equal time; a copy delivered at the very instant another event runs counts
as handled before it when it was sent before that event's timer was set (:meth:`FanoutMember.hear`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

#: ``(interface, message, size, packets)``: one send of a tick, in the order the timer makes them.
Send = tuple[str, Any, int, int]


class FanoutMember:
    """One receiver of a :class:`Fanout`: what the network asks of a stream into a receiver."""

    __slots__ = ("fanout", "link", "receiver", "dst", "msg", "size", "packets", "kind", "delay", "next_heard")

    #: A fanout's ticks follow a random period: no receiver timer may be parked on it.
    own_phase = False
    watch = None

    def __init__(self, fanout: Fanout, link: Any, receiver: Any, msg: Any, size: int, packets: int,
                 kind: int) -> None:
        self.fanout = fanout
        self.link = link
        self.receiver = receiver
        self.dst = receiver.name
        self.msg = msg
        self.size = size
        self.packets = packets
        self.kind = kind
        self.delay = float(link.delay)
        #: Index in the fanout's ticks of the first copy the receiver has not been credited with.
        self.next_heard = 0

    def delivery(self, s: float) -> float:
        """When the receiver handles the copy sent at ``s``."""
        return s + ((s + self.delay) - s)

    def hear(self, now: float, armed: float) -> float | None:
        """Credit the receiver with every copy handled by now; the latest one's delivery time, or
        None when none arrived since the last call.  A copy delivered at exactly ``now`` counts
        when it was sent before ``armed``, the time the asking timer was set (-inf: only copies
        delivered strictly before now)."""
        times, i, delay = self.fanout.times, self.next_heard, self.delay
        last = None
        n = len(times)
        while i < n:
            s = times[i]
            d = s + ((s + delay) - s)
            if d < now or (d == now and s < armed):
                last = d
                i += 1
            else:
                break
        self.next_heard = i
        return last

    def in_flight(self) -> list[float]:
        """Send times of the copies not yet delivered (after :meth:`hear` at the break)."""
        return self.fanout.times[self.next_heard:]

    @property
    def last_arrival(self) -> float:
        """Arrival of the latest copy (-inf: none yet)."""
        times = self.fanout.times
        return times[-1] + self.delay if times else -math.inf


class Fanout:
    """The quiet ticks of one sender's timer: each tick sends ``msg`` of every member."""

    __slots__ = ("sender", "members", "times", "logged")

    def __init__(self, sender: Any) -> None:
        self.sender = sender
        self.members: list[FanoutMember] = []
        #: Every tick's time, in order.
        self.times: list[float] = []
        #: How many of ``times`` are in the message log.
        self.logged = 0

    def matches(self, sends: Sequence[Send]) -> bool:
        """Would a tick making ``sends`` send exactly what this fanout stands for (the same
        receivers, in the same order, the very same messages)?"""
        members = self.members
        if len(sends) != len(members):
            return False
        for member, send in zip(members, sends, strict=True):
            if member.dst != send[0] or member.msg is not send[1] or member.size != send[2] \
                    or member.packets != send[3]:
                return False
        return True

    def rows(self, src: int) -> tuple[list[Any], ...]:
        """The message-log rows of the ticks not logged yet, tick by tick and member by member (a
        timer's own order), as the log's seven columns; they count as logged from now on."""
        ticks = self.times[self.logged:]
        self.logged = len(self.times)
        members = self.members
        k, n = len(ticks), len(members)
        times = [s for s in ticks for _ in range(n)]
        arrivals = [s + m.delay for s in ticks for m in members]
        return (times, [m.size for m in members] * k, [m.packets for m in members] * k, [src] * (k * n),
                [m.receiver.index for m in members] * k, [m.kind for m in members] * k, arrivals)
