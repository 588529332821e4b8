"""Periodic streams: a message repeated on one link direction without a heap event per copy.

Why: in steady state a link-state router sends a hello on every interface every hello interval,
and the neighbour's only reaction is to note when it heard it.  On a network of thousands of
links those ticks and deliveries are most of the run's events, yet nothing they do is visible
until something changes.  A :class:`PeriodicStream` stands for the sends a timer would have made
(at ``s0``, ``s0 + interval``, ... computed by repeated float addition, exactly as the clock
computes ``now + delay`` tick after tick) and for their arrivals, computed as the wire computes
them.  The network logs the sends in the message trace when it *flushes* a stream (at the end of
a run, and when the stream breaks) and tells the receiver, when asked, the latest
arrival it would have handled; when anything on the link changes it *breaks* the stream: the
copies still in flight become real deliveries and the sender's own timer takes over again.

The arithmetic lives here, away from the network, so that it can be tested on its own:

* send times: ``s(k+1) = s(k) + interval`` (float addition, never ``s0 + k * interval``);
* arrival (the message log's ``arrival`` column): ``s + delay``, as ``Link.arrival_time`` gives
  it on a link without jitter (the FIFO clamp never acts: arrivals grow with send times);
* delivery (the simulated time at which the receiver handles it): ``s + (arrival - s)``, because
  the clock schedules a delivery ``arrival - s`` after the send.

Same-instant order: the clock runs events of equal time in the order they were scheduled, and
a stream has no events to order, so it assumes an order:

* a delivery was scheduled at its send time, so a timer set at ``armed`` that fires at exactly a
  delivery's time runs after it iff the copy was sent before ``armed`` (:meth:`hear`).  This tie
  is common, not rare: the receiver's dead check is its last hello plus the dead interval, and
  with a dead interval of whole hello intervals it lands on a later hello's float time;
* a break at exactly a send or delivery time comes first: the send is left to the sender's timer
  and the delivery happens after the breaking event;
* copies the stream logs go before the other messages sent at exactly the same time (their timer
  was set an interval earlier, before most events of that instant).

Other coincidences are assumed away.  With random timer phases they need equal floats from
unrelated sums; phases re-aligned on round times (an interface restarts its hello timer at a
scripted repair) make them possible, and the equality tests, which compare every message row in
order, cover such scenarios.  Aligned timer phases never use streams.

Watched streams: a receiver's timer that only re-arms itself while copies keep coming (the
link-state dead check, every few seconds per neighbour) can be *parked* on the stream
(:meth:`Network.watch`): the receiver schedules nothing, and the stream calls ``watch()`` at the
instant it breaks, before anything of the break happens (the copies are still credited by
:meth:`hear`); the receiver then replays the steps its timer would have taken up to now, with the
same floats, and arms a real timer for the next one.  That timer is made later than the real one
would have been, which adds one assumption on same-instant order: no event scheduled between a
parked step's arming and the break falls at exactly its time, and a step due at the very instant
of the break has not run yet (the break comes first, as above).  The steps fall at the latest copy heard plus a fixed
interval, so a stream is watched only when its sender's timer has a phase of its own
(``own_phase``: drawn at random, never re-aligned at a repair, where both ends of a link, or all
the links of a shared risk group, tick in step, their receivers' steps meet at equal times and
only the real timers know their order), and only once the receiver has heard the stream's first
copy: from then on the steps follow that phase alone.  The ties that remain are the copies' own
deliveries at a step's time, which :meth:`hear` orders, and the deliveries and the sender's timer
that the break makes: made after the replayed timer, as after the real one, made before the break.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

#: ``resume(iface, delay)``: the sender's own timer takes over, ``delay`` from now.
Resume = Callable[[str, float], None]


def exact_delay(now: float, at: float) -> float:
    """The delay ``d >= 0`` for which the clock's ``now + d`` is exactly ``at`` (``at >= now``).

    Why: a stream knows the exact float times its sender's timer would have fired at; handing the
    timer back (or scheduling a delivery) must land on those times, not on a neighbour of them,
    and ``now + (at - now)`` can be one unit in the last place off when ``now`` is small.
    """
    if at <= now:
        return 0.0
    d = at - now
    for _ in range(64):
        got = now + d
        if got == at:
            return d
        d = math.nextafter(d, math.inf if got < at else 0.0)
    raise ArithmeticError(f"no delay takes {now!r} to {at!r}")


class PeriodicStream:
    """One message repeated every ``interval`` from ``src`` to ``dst`` over ``link``.

    ``next_send`` is the first send not yet logged; ``next_heard`` the first send whose delivery
    the receiver has not yet been credited with.  Both walk the same sequence of send times.
    """

    __slots__ = ("link", "src", "dst", "msg", "size", "packets", "kind", "interval", "delay", "resume",
                 "next_send", "next_heard", "last_arrival", "start", "own_phase", "watch")

    def __init__(self, link: Any, src: Any, dst: Any, msg: Any, size: int, packets: int, kind: int,
                 interval: float, first: float, resume: Resume, *, start: float = -math.inf,
                 own_phase: bool = False) -> None:
        self.link = link
        self.src = src
        self.dst = dst
        self.msg = msg
        self.size = size
        self.packets = packets
        self.kind = kind
        self.interval = interval
        self.delay = float(link.delay)
        self.resume = resume
        self.next_send = first
        self.next_heard = first
        #: Arrival of the latest logged send (``Link.last_arrival`` catches up at a break).
        self.last_arrival = -math.inf
        #: The real send that began the stream (its copies follow it every ``interval``).
        self.start = start
        #: The sender's timer has a phase no other timer shares (see the module docstring).
        self.own_phase = own_phase
        #: The receiver's parked timer: called at the break, before anything else happens.
        self.watch: Callable[[], None] | None = None

    def sends_before(self, until: float) -> tuple[list[float], list[float]]:
        """Take the sends before ``until`` that are not logged yet: (send times, arrivals)."""
        s, interval, delay = self.next_send, self.interval, self.delay
        times: list[float] = []
        arrivals: list[float] = []
        while s < until:
            times.append(s)
            arrivals.append(s + delay)
            s = s + interval
        self.next_send = s
        if arrivals:
            self.last_arrival = arrivals[-1]
        return times, arrivals

    def delivery(self, s: float) -> float:
        """When the receiver handles the copy sent at ``s``."""
        return s + ((s + self.delay) - s)

    def hear(self, now: float, armed: float) -> float | None:
        """Credit the receiver with every copy handled by now; the latest one's delivery time, or
        None when no new copy arrived since the last call.

        A copy delivered at exactly ``now`` counts when it was sent before ``armed``, the time
        the asking timer was set (see the module docstring); ``armed = -inf`` counts only copies
        delivered strictly before now.
        """
        s, interval, delay = self.next_heard, self.interval, self.delay
        last = None
        while True:
            d = s + ((s + delay) - s)
            if d < now or (d == now and s < armed):
                last = d
                s = s + interval
            else:
                break
        self.next_heard = s
        return last

    def in_flight(self) -> list[float]:
        """Send times of the logged copies not yet delivered (after :meth:`hear` at the break)."""
        s, interval, out = self.next_heard, self.interval, []
        while s < self.next_send:
            out.append(s)
            s = s + interval
        return out
