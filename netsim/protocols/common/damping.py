"""Flap control for distance vector: hold-down and route-flap damping (RFC 2439 style).

Pure code, no SimPy: the protocol passes the clock in.  Why both:

* **Hold-down** (classic RIP/IGRP practice): after a route becomes unreachable, alternatives
  heard from *other* neighbours are ignored for a while, so a stale path still circulating
  in the network cannot be adopted (and counted to infinity) before the bad news has spread.
* **Damping** (RFC 2439): each flap (the route becoming unreachable) adds a penalty that
  decays exponentially, P(t) = P0 · 2^(−t/H).  Above ``suppress`` the route is not used nor
  advertised until the penalty decays below ``reuse``; the penalty is capped so that no route
  stays suppressed longer than ``max_suppress`` after its last flap.

The protocol records each flap, suppression and reuse as a typed note
(:class:`~netsim.trace.RouteFlapped`, :class:`~netsim.trace.RouteSuppressed`,
:class:`~netsim.trace.RouteReused`); the damping metrics read those notes' fields.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from netsim.records import record


@record
class DampingParams:
    """Route-flap damping parameters (RFC 2439): penalty per flap, thresholds, half-life (s)."""

    penalty: float = 1000.0
    suppress: float = 2000.0
    reuse: float = 750.0
    half_life: float = 900.0
    max_suppress: float = 3600.0

    @property
    def ceiling(self) -> float:
        """The highest penalty kept (RFC 2439 §4.3): decays to ``reuse`` in ``max_suppress``."""
        return self.reuse * 2.0 ** (self.max_suppress / self.half_life)


def decay(p0: float, dt: float, half_life: float) -> float:
    """P(t) = P0 · 2^(−t/H)."""
    return p0 * 2.0 ** (-dt / half_life)


class RouteDamping:
    """Damping state of one route: the penalty at ``updated``, suppression, and the flap count."""

    __slots__ = ("penalty", "updated", "suppressed", "flaps")

    def __init__(self) -> None:
        self.penalty = 0.0
        self.updated = 0.0
        self.suppressed = False
        self.flaps = 0

    def penalty_at(self, now: float, p: DampingParams) -> float:
        return decay(self.penalty, now - self.updated, p.half_life)

    def flap(self, now: float, p: DampingParams) -> bool:
        """Record a flap; True when it newly suppresses the route."""
        self.penalty = min(self.penalty_at(now, p) + p.penalty, p.ceiling)
        self.updated = now
        self.flaps += 1
        if not self.suppressed and self.penalty > p.suppress:
            self.suppressed = True
            return True
        return False

    def reuse_at(self, p: DampingParams) -> float:
        """When the penalty will have decayed to ``reuse`` (if nothing else flaps)."""
        if self.penalty <= p.reuse:
            return self.updated
        return self.updated + p.half_life * math.log2(self.penalty / p.reuse)

    def try_reuse(self, now: float, p: DampingParams) -> bool:
        """Lift the suppression if the penalty has decayed to ``reuse``; True if it was lifted."""
        if self.suppressed and self.penalty_at(now, p) <= p.reuse * (1 + 1e-9):
            self.suppressed = False
            return True
        return False


class Holddown:
    """Per destination: until when, and the neighbour whose news is still accepted."""

    __slots__ = ("until", "source")

    def __init__(self) -> None:
        self.until: dict[str, float] = {}
        self.source: dict[str, str] = {}

    def start(self, dest: str, source: str, now: float, duration: float) -> None:
        self.until[dest] = now + duration
        self.source[dest] = source

    def blocks(self, dest: str, neighbor: str, now: float) -> bool:
        until = self.until.get(dest)
        if until is None:
            return False
        if now >= until:
            del self.until[dest]
            del self.source[dest]
            return False
        return neighbor != self.source[dest]

    def filter(self, entries: Iterable[tuple[str, float]], neighbor: str, now: float
               ) -> tuple[list[tuple[str, float]], list[str]]:
        """(entries kept, destinations ignored because they are held down)."""
        kept, ignored = [], []
        for dest, metric in entries:
            if self.until and self.blocks(dest, neighbor, now):
                ignored.append(dest)
            else:
                kept.append((dest, metric))
        return kept, ignored
