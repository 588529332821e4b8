"""The link-state database and the origination of our own LSA/LSP: shared by OSPF and IS-IS.

:class:`Lsdb` holds the newest instance per originator, the graph view SPF reads
(``{origin: {neighbour: cost}}``), when each instance arrived (for arrival limits such as OSPF's
MinLSArrival), and what changed since the last SPF (for incremental SPF).  Installing an instance
whose links or prefixes differ asks for an SPF through the ``on_change`` callback, with the reason
(origin, sequence number, neighbour it came from).

:class:`Origination` is our own instance's sequence number and the limit on how often it may
change: OSPF's MinLSInterval, IS-IS's minimum LSP generation interval.  Triggers that arrive while
an origination is held back join it, so a burst of adjacency changes gives one new instance.

Instances are the protocols' own frozen records; this module needs only their ``origin``,
``seq``, ``prefixes`` and ``link_map`` (the links as a dict, computed once per instance).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, MutableMapping
from typing import Any

from netsim.protocols.base import RouterPort, Timer
from netsim.protocols.common.cow import CowDict
from netsim.trace import Note

Links = Mapping[str, float]


class Lsdb:
    """One router's link-state database (see the module docstring)."""

    __slots__ = ("entries", "graph", "installed_at", "before", "prefixes_changed", "with_prefixes", "on_change")

    def __init__(self, on_change: Callable[[tuple[str, int, str | None]], None]) -> None:
        #: Plain dicts, or after a warm start copy-on-write views of the shared converged ones.
        self.entries: MutableMapping[str, Any] = {}
        self.graph: MutableMapping[str, Links] = {}
        self.installed_at: dict[str, float] = {}
        #: Incremental SPF: links (as of the last SPF) of every origin whose instance changed since.
        self.before: dict[str, Links | None] = {}
        #: Whether some instance's stub prefixes changed since the last SPF.
        self.prefixes_changed = False
        #: Origins whose instance carries stub prefixes: SPF asks on every run whether there are
        #: any, and on a large LSDB a scan per run costs more than the SPF itself.
        self.with_prefixes: set[str] = set()
        self.on_change = on_change

    def load(self, entries: Mapping[str, Any], graph: Mapping[str, Links], with_prefixes: Collection[str]) -> None:
        """Take ``entries`` as the whole database, ``graph`` as their links and ``with_prefixes`` as
        the origins with stub prefixes (a warm start).

        Every warm-started router is handed the same three, so they are shared, not copied: each
        router's database keeps only what it changes itself (:class:`CowDict`).  Copies would be
        N entries in each of N databases, gigabytes on a network of a few thousand routers.
        """
        self.entries = CowDict(entries)
        self.graph = CowDict(graph)
        self.with_prefixes = set(with_prefixes)

    def install(self, lsa: Any, source: str | None, now: float) -> None:
        """Store ``lsa`` (from neighbour ``source``; None = our own); ask for an SPF if its links or
        prefixes differ.  The reason is kept as data and worded only if shown."""
        origin = lsa.origin
        old_lsa = self.entries.get(origin)
        self.entries[origin] = lsa
        self.installed_at[origin] = now
        links = lsa.link_map  # shared, never mutated
        old = self.graph.get(origin)
        prefixes_moved = (old_lsa.prefixes if old_lsa is not None else ()) != lsa.prefixes
        if prefixes_moved:
            self.prefixes_changed = True
            if lsa.prefixes:
                self.with_prefixes.add(origin)
            else:
                self.with_prefixes.discard(origin)
        if old != links:
            if origin not in self.before:
                self.before[origin] = old
            self.graph[origin] = links
            self.on_change((origin, lsa.seq, source))
        elif prefixes_moved:
            self.on_change((origin, lsa.seq, source))

    def remove(self, origin: str) -> None:
        """Forget ``origin`` entirely (an IS-IS purge whose ZeroAgeLifetime ran out).  Its links were
        already withdrawn by the purge, so SPF has nothing to learn from the removal."""
        self.entries.pop(origin, None)
        self.with_prefixes.discard(origin)
        self.installed_at.pop(origin, None)
        links = self.graph.pop(origin, None)
        if links and origin not in self.before:
            self.before[origin] = links


class Origination:
    """Our own instance: its sequence number, and when the next one may be originated.

    ``interval`` is the minimum time between two originations; ``hold`` (IS-IS, FRR's 100 ms)
    the quiet time after the last trigger before originating, so that the changes of one event
    (both ends of a link, several adjacencies) go out in one instance.  With ``hold`` 0 a request
    made when the interval has passed originates at once, inside the call.

    ``originate(force)`` builds and floods the instance (it calls :meth:`take_triggers` and, when
    it does originate, :meth:`originated`); ``deferred(wait, trigger)`` is the note recorded when
    a request has to wait (with a hold time it may return None: not worth narrating).
    """

    __slots__ = ("port", "interval", "hold", "originate", "deferred", "seq", "last", "timer", "triggers",
                 "last_trigger")

    def __init__(self, port: RouterPort, interval: float, originate: Callable[[bool], None],
                 deferred: Callable[[float, Any], Note | None], hold: float = 0.0) -> None:
        self.port = port
        self.interval = interval
        self.hold = hold
        self.originate = originate
        self.deferred = deferred
        self.seq = 0
        self.last = -1e18
        self.timer: Timer | None = None
        self.triggers: list[Any] = []
        self.last_trigger = -1e18

    def request(self, trigger: Any, force: bool = False) -> None:
        """Something changed (``trigger``): originate now, or as soon as the limits allow."""
        self.triggers.append(trigger)
        now = self.port.now
        self.last_trigger = now
        if self.hold > 0.0:
            if self.timer is None:
                wait = max(self.last + self.interval - now, self.hold)
                note = self.deferred(wait, trigger)
                if note is not None:
                    self.port.decide(note)
                self.timer = self.port.call_later(wait, self._due, force)
            return
        wait = self.last + self.interval - now
        if wait > 1e-12:
            if self.timer is None:
                self.port.decide(self.deferred(wait, trigger))
                self.timer = self.port.call_later(wait, self._due, force)
            return
        self._due(force)

    def immediately(self, trigger: Any, force: bool = False) -> None:
        """Originate now whatever the limits say (IS-IS at boot and on refresh, as FRR does);
        an origination still held back goes ahead when its time comes."""
        self.triggers.append(trigger)
        self.originate(force)

    def _due(self, force: bool = False) -> None:
        self.timer = None
        if self.hold > 0.0:
            # FRR's "still unstable, postpone": a trigger within the hold time restarts the wait.
            wait = self.last_trigger + self.hold - self.port.now
            if wait > 1e-9:
                self.timer = self.port.call_later(wait, self._due, force)
                return
        self.originate(force)

    def take_triggers(self) -> tuple[Any, ...]:
        triggers = tuple(self.triggers)
        self.triggers = []
        return triggers

    def originated(self, now: float) -> int:
        """A new instance goes out now: its sequence number."""
        self.seq += 1
        self.last = now
        return self.seq
