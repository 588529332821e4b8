"""Reliable flooding of link-state instances over point-to-point adjacencies: shared by OSPF and IS-IS.

In the spirit of FRR's ``ospf_flood.c`` and the flooding half of ``isis_lsp.c``/``isis_pdu.c``:

* **Queues and pacing.**  An instance for a neighbour waits in its out-queue; the first batch
  after a quiet spell leaves at once (every instance queued at that instant shares it), later
  ones at most every ``pacing`` seconds, each carrying everything queued meanwhile.
* **Retransmission.**  Every instance sent stays on the neighbour's retransmission list until
  acknowledged and is resent every ``rxmt_interval`` of that neighbour.
* **Acknowledgements.**  Explicit acknowledgements are batched for the neighbour's ``ack_delay``
  (OSPF's delayed acks, IS-IS's PSNP interval); an instance received from the neighbour it was
  sent to is an implied one.
* **Receipt** (:meth:`Flooder.receive`), the rules both RFC 2328 §13 and ISO 10589 §7.3.15.1 state
  for each received instance: a newer one is installed, flooded on every other adjacency and
  acknowledged; the same one is an (implied) acknowledgement; an older one is answered with ours.

The two protocols differ in a few rules, given as a :class:`FloodPolicy`.  Instances are compared
by ``rank``: OSPF's sequence number; IS-IS's sequence number with a purge ranking above the same
number (``2 * seq + purge``).  Acknowledgement keys are ``(origin, rank)``.

Why this is written the way it is: in a large cold start every router receives every instance
once per neighbour, so :meth:`Flooder.receive` and :meth:`Flooder.flood` are the hottest code of
a run; lookups are hoisted into locals and queueing is inlined.  Timers are created in exactly the
order the protocols created them before this code was shared (same-instant timers fire in
creation order, so that order is part of a run's result).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from netsim.protocols.base import RouterPort, Timer
from netsim.protocols.common.lsdb import Lsdb
from netsim.records import record


class FloodPeer:
    """One neighbour's flooding state; protocols subclass it with their adjacency state.

    ``state`` is the adjacency state (the flooder floods to neighbours whose state is in its
    ``flooding_states``); ``rxmt_interval`` and ``ack_delay`` are this interface's retransmission
    interval and how long its acknowledgements are batched.
    """

    __slots__ = ("name", "state", "rxmt_interval", "ack_delay", "last_lsu", "rxmt", "rxmt_timer", "out_lsas",
                 "flush_timer", "out_acks", "ack_timer")

    def __init__(self, name: str, state: str, rxmt_interval: float, ack_delay: float) -> None:
        self.name = name
        self.state = state
        self.rxmt_interval = rxmt_interval
        self.ack_delay = ack_delay
        self.last_lsu = -1e18
        self.rxmt_timer: Timer | None = None
        self.flush_timer: Timer | None = None
        self.ack_timer: Timer | None = None
        self.clear_flooding()

    def clear_flooding(self) -> None:
        """Forget what waits to be sent, acknowledged or retransmitted (the adjacency went down)."""
        self.rxmt: dict[str, Any] = {}
        self.out_lsas: dict[str, Any] = {}
        self.out_acks: list[tuple[str, int]] = []
        for t in ("rxmt_timer", "flush_timer", "ack_timer"):
            timer = getattr(self, t)
            if timer is not None:
                timer.cancel()
            setattr(self, t, None)


@record
class FloodPolicy:
    """Where OSPF (the defaults) and IS-IS flood differently.

    ``cancel_on_receipt``: an instance received from a neighbour is no longer sent to it, and a
    newer one replaces what waited for its acknowledgement (ISO 10589 clears the SRM flag); OSPF
    only stops retransmitting the same instance.  ``ack_duplicates``: a duplicate is acknowledged
    even when it was an implied acknowledgement (ISO 10589 sets the SSN flag on point-to-point
    links).  ``reissue_own``: a newer instance of our own is not installed; ``own_newer`` reissues
    ours past it (ISO 10589 §7.3.16.1); OSPF installs and floods it, then originates anew.
    ``min_arrival``: an instance arriving sooner than this after the previous one of its origin is
    ignored (OSPF's MinLSArrival; the sender retransmits).
    """

    cancel_on_receipt: bool = False
    ack_duplicates: bool = False
    reissue_own: bool = False
    min_arrival: float = 0.0


class Flooder:
    """Reliable flooding for one router over its ``peers`` (see the module docstring).

    ``send_lsas(peer, instances)`` and ``send_acks(peer, keys)`` put the protocol's own messages
    on the wire; ``own_newer(peer, instance)`` handles a newer instance of our own.

    ``dropped(peer, instance, since)`` and ``resent(peer, instances)``, if given, are told of an
    instance ignored under ``min_arrival`` (``since`` seconds after the last one) and of each
    retransmission: both are invisible in the routing tables yet explain delays of whole seconds,
    so a protocol narrates them.
    """

    __slots__ = ("port", "me", "peers", "db", "states", "pacing", "policy", "send_lsas", "send_acks", "own_newer",
                 "dropped", "resent")

    def __init__(self, port: RouterPort, peers: Mapping[str, FloodPeer], db: Lsdb, flooding_states: Collection[str],
                 *, pacing: float, send_lsas: Callable[[Any, tuple[Any, ...]], None],
                 send_acks: Callable[[Any, tuple[tuple[str, int], ...]], None],
                 own_newer: Callable[[Any, Any], None], policy: FloodPolicy = FloodPolicy(),
                 dropped: Callable[[Any, Any, float], None] | None = None,
                 resent: Callable[[Any, tuple[Any, ...]], None] | None = None) -> None:
        self.port = port
        self.me = port.name
        self.peers = peers
        self.db = db
        self.states = flooding_states
        self.pacing = pacing
        self.policy = policy
        self.send_lsas = send_lsas
        self.send_acks = send_acks
        self.own_newer = own_newer
        self.dropped = dropped
        self.resent = resent

    # -- sending -----------------------------------------------------------------------------------
    def queue(self, nb: FloodPeer, lsa: Any) -> None:
        """Send ``lsa`` to ``nb`` reliably: batched now, retransmitted until acknowledged."""
        nb.out_lsas[lsa.origin] = lsa
        nb.rxmt[lsa.origin] = lsa
        if nb.flush_timer is None or nb.rxmt_timer is None:
            self.arm(nb)

    def flood(self, lsa: Any, exclude: str | None) -> None:
        """Queue ``lsa`` for every flooding neighbour but ``exclude`` (where it came from)."""
        self._flood(lsa, exclude)

    def _flood(self, lsa: Any, exclude: str | None) -> list[dict[str, Any]]:
        """:meth:`flood`, returning the out-queues and retransmission lists it wrote to (for the
        other instances of the same update: see :meth:`receive`).  Arming timers replaces no
        queue, so the list is still every queue flooding writes to when the loop ends."""
        # queue() inlined: a large cold start floods millions of (instance, neighbour) pairs.
        origin = lsa.origin
        states = self.states
        queues: list[dict[str, Any]] = []
        for name, nb in self.peers.items():
            if nb.state in states and name != exclude:
                out, rxmt = nb.out_lsas, nb.rxmt
                out[origin] = lsa
                rxmt[origin] = lsa
                queues.append(out)
                queues.append(rxmt)
                if nb.flush_timer is None or nb.rxmt_timer is None:
                    self.arm(nb)
        return queues

    def arm(self, nb: FloodPeer) -> None:
        """Start the flush and retransmission timers of ``nb`` that are not running."""
        if nb.flush_timer is None:
            # Pacing: the first batch after a quiet spell leaves at once (still batching all
            # instances queued at this instant); later ones wait until `pacing` after the previous.
            wait = nb.last_lsu + self.pacing - self.port.now
            nb.flush_timer = self.port.call_later(wait if wait > 0 else 0.0, self._flush, nb)
        if nb.rxmt_timer is None:
            nb.rxmt_timer = self.port.call_later(nb.rxmt_interval, self._retransmit, nb)

    def _flush(self, nb: FloodPeer) -> None:
        nb.flush_timer = None
        if nb.out_lsas:
            nb.last_lsu = self.port.now
            self.send_lsas(nb, tuple(nb.out_lsas.values()))
            nb.out_lsas = {}

    def _retransmit(self, nb: FloodPeer) -> None:
        nb.rxmt_timer = None
        if not nb.rxmt:
            # Everything was acknowledged: a new list, because a dict keeps the room it once
            # needed.  After a cold start every neighbour's list has held most of the database:
            # 47 MB of empty room on a 404-router network, 420 MB off the peak of a cold start of
            # the 3,815-router backbone/world.
            nb.rxmt = {}
            return
        if nb.state not in self.states:
            return
        lsas = tuple(nb.rxmt.values())
        if self.resent is not None:
            self.resent(nb, lsas)
        self.send_lsas(nb, lsas)
        nb.rxmt_timer = self.port.call_later(nb.rxmt_interval, self._retransmit, nb)

    # -- acknowledgements ----------------------------------------------------------------------------
    def ack(self, nb: FloodPeer, lsa: Any) -> None:
        """Acknowledge ``lsa`` to ``nb`` in the next batch."""
        self.ack_key(nb, lsa.key)

    def ack_key(self, nb: FloodPeer, key: tuple[str, int]) -> None:
        """Put ``(origin, rank)`` in ``nb``'s next acknowledgement batch (IS-IS also requests
        instances this way: an entry older than the neighbour's copy asks for it)."""
        nb.out_acks.append(key)
        if nb.ack_timer is None:
            nb.ack_timer = self.port.call_later(nb.ack_delay, self._send_acks, nb)

    def _send_acks(self, nb: FloodPeer) -> None:
        nb.ack_timer = None
        if nb.out_acks and nb.state in self.states:
            self.send_acks(nb, tuple(nb.out_acks))
        nb.out_acks = []

    def on_acks(self, nb: FloodPeer, keys: tuple[tuple[str, int], ...]) -> None:
        """``nb`` acknowledged these instances: stop retransmitting them."""
        rxmt = nb.rxmt
        for origin, rank in keys:
            lsa = rxmt.get(origin)
            if lsa is not None and lsa.rank == rank:
                del rxmt[origin]

    # -- receiving -----------------------------------------------------------------------------------
    def receive(self, nb: FloodPeer, lsas: tuple[Any, ...]) -> bool:
        """Instances from ``nb``, each handled by the rules in the module docstring; True if any
        was installed.

        Why it looks like this: in a dense cold start nine copies in ten are duplicates of the
        instance we hold -- mostly the very object, since every router installs the instance its
        originator built -- so identity is tried before ranks, the acknowledgement key is the
        instance's own ``key``, and the duplicate path touches two dicts and one list.  Of the
        instances one update installs, only the first is flooded (:meth:`_flood`, which also returns
        the queues it wrote to); it starts every timer flooding needs, so the rest are simply
        stored in the same queues -- all together at
        the end (:func:`_store`): one ``dict.update`` per queue rather than a store per queue and
        instance, each landing in another neighbour's queue (on a dense cold start those scattered
        stores cost about as much as the installs themselves; together, a fifth less).  The queues
        end the same: only flooding our own instance could write to them meanwhile, and they are
        brought up to date before that.
        """
        now = self.port.now
        get = self.db.entries.get
        rxmt = nb.rxmt
        held_get = rxmt.get
        policy = self.policy
        cancel = policy.cancel_on_receipt
        ack_duplicates = policy.ack_duplicates
        fanout: list[dict[str, Any]] | None = None  # out-queues and retransmission lists to flood to
        later: dict[str, Any] = {}  # installed after the first, for the queues in `fanout`
        for lsa in lsas:
            origin = lsa.origin
            mine = get(origin)
            if mine is lsa or (mine is not None and mine.rank == lsa.rank):
                held = held_get(origin)
                if held is lsa or (held is not None and held.rank == lsa.rank):
                    del rxmt[origin]  # implied acknowledgement
                    if cancel:
                        nb.out_lsas.pop(origin, None)
                    if not ack_duplicates:
                        continue
                elif cancel:
                    nb.out_lsas.pop(origin, None)
                nb.out_acks.append(lsa.key)  # ack() inlined
                if nb.ack_timer is None:
                    nb.ack_timer = self.port.call_later(nb.ack_delay, self._send_acks, nb)
                continue
            if origin == self.me and later:
                later = _store(fanout, later)  # our own instance may be flooded: queues up to date first
            if not self._newer(nb, lsa, mine, now):
                continue
            self.db.install(lsa, nb.name, now)
            if fanout is None:
                fanout = self._flood(lsa, nb.name)
            else:
                later[origin] = lsa
            nb.out_acks.append(lsa.key)  # ack() inlined
            if nb.ack_timer is None:
                nb.ack_timer = self.port.call_later(nb.ack_delay, self._send_acks, nb)
            if origin == self.me:
                later = _store(fanout, later)
                self.own_newer(nb, lsa)
        if later:
            _store(fanout, later)
        return fanout is not None

    def _newer(self, nb: FloodPeer, lsa: Any, mine: Any, now: float) -> bool:
        """Should ``lsa``, not the instance we hold (``mine``, None if none), be installed?  An older
        one is answered with ours, one that comes too soon is dropped, a purge of what we never
        had is acknowledged only, a newer one of our own is reissued past (IS-IS)."""
        origin = lsa.origin
        policy = self.policy
        if mine is not None:
            if lsa.rank < mine.rank:
                self.queue(nb, mine)  # the neighbour is behind: send it our newer copy
                return False
            since = now - self.db.installed_at.get(origin, -1e18)
            if origin != self.me and since < policy.min_arrival:
                if self.dropped is not None:
                    self.dropped(nb, lsa, since)
                return False  # too soon after the last instance; the sender retransmits
        elif lsa.purge:
            self.ack(nb, lsa)  # ISO 10589 §7.3.16.4 a: a purge of what we never had: acknowledge only
            return False
        if policy.cancel_on_receipt:
            nb.rxmt.pop(origin, None)
            nb.out_lsas.pop(origin, None)
        if origin == self.me and policy.reissue_own:
            self.own_newer(nb, lsa)
            return False
        return True


def _store(queues: list[dict[str, Any]] | None, instances: dict[str, Any]) -> dict[str, Any]:
    """Put ``instances`` (origin -> instance, in installation order) in every queue, as one store
    each would have: a new origin goes last, a queued one keeps its place.  Returns an empty dict
    for the instances installed next."""
    for queue in queues or ():
        queue.update(instances)
    return {}
