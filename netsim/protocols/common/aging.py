"""A link-state database whose instances age out: IS-IS remaining lifetimes (ISO 10589 §7.3.16.4).

Every instance carries when it was issued and the lifetime it was issued with, so it expires at
the same simulated instant in every database that holds it (real routers count down their own
copies; they differ by the transit time, milliseconds against the 1200 s lifetime).  Expiry is
the protocol's business (``on_expiry``): IS-IS turns an expired LSP into a purge, and removes a
purge whose ZeroAgeLifetime is over.

Why one timer per router rather than one per instance: a cold start installs every instance in
every database, a million timers on a network of a thousand routers, none of which fires in a
run of a few minutes.  Expiry times wait in a heap with lazy deletion (a replaced instance's entry
is skipped when it reaches the top), and the single timer is set for the earliest live one.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

from netsim.protocols.base import RouterPort, Timer
from netsim.protocols.common.lsdb import Lsdb


class AgedLsdb(Lsdb):
    """:class:`Lsdb` plus remaining lifetimes (see the module docstring).  Instances need ``born``,
    ``lifetime`` and ``rank`` (which orders the instances of one origin)."""

    __slots__ = ("port", "on_expiry", "version", "_heap", "_timer", "_timer_at")

    def __init__(self, on_change: Callable[[tuple[str, int, str | None]], None], port: RouterPort,
                 on_expiry: Callable[[Any], None]) -> None:
        super().__init__(on_change)
        self.port = port
        self.on_expiry = on_expiry
        #: Bumped by every install and removal: what was computed from the database may be reused
        #: while it stays the same (IS-IS's CSNP contents).
        self.version = 0
        self._heap: list[tuple[float, str, int]] = []
        self._timer: Timer | None = None
        self._timer_at = float("inf")

    def install(self, lsa: Any, source: str | None, now: float) -> None:
        Lsdb.install(self, lsa, source, now)
        self.version += 1
        expires = lsa.born + lsa.lifetime
        heapq.heappush(self._heap, (expires, lsa.origin, lsa.rank))
        if expires < self._timer_at:
            self._arm(expires)

    def remove(self, origin: str) -> None:
        Lsdb.remove(self, origin)
        self.version += 1

    def _arm(self, at: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = at
        wait = at - self.port.now
        self._timer = self.port.call_later(wait if wait > 0 else 0.0, self._expire)

    def _expire(self) -> None:
        self._timer = None
        self._timer_at = float("inf")
        heap = self._heap
        entries = self.entries
        while heap:
            expires, origin, rank = heap[0]
            lsa = entries.get(origin)
            if lsa is None or lsa.rank != rank:
                heapq.heappop(heap)  # replaced or removed since: not this instance's turn any more
                continue
            if expires > self.port.now + 1e-9:
                break
            heapq.heappop(heap)
            self.on_expiry(lsa)  # may install a purge, which pushes (and may arm) anew
        if heap and heap[0][0] < self._timer_at:
            self._arm(heap[0][0])

    def clear_timers(self) -> None:
        """Stop aging (the router crashed: its instance is discarded)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
