"""Flap control for distance vector: hold-down and route-flap damping (RFC 2439 style).

Pure code, no SimPy: the protocol passes the clock in.  Why both:

* **Hold-down** (classic RIP/IGRP practice): after a route becomes unreachable, alternatives
  heard from *other* neighbours are ignored for a while, so a stale path still circulating
  in the network cannot be adopted (and counted to infinity) before the bad news has spread.
* **Damping** (RFC 2439): each flap (the route becoming unreachable) adds a penalty that
  decays exponentially, P(t) = P0 · 2^(−t/H).  Above ``suppress`` the route is not used nor
  advertised until the penalty decays below ``reuse``; the penalty is capped so that no route
  stays suppressed longer than ``max_suppress`` after its last flap.

The Decision texts written for damping are built and parsed here, so the per-event
``suppressed_time`` is computed from the trace by the same module that writes it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from netsim.trace import Decision


@dataclass(frozen=True, slots=True)
class DampingParams:
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


# -- Decision texts (written by the protocol, read back by the reports) -------------------------
FLAP, SUPPRESS, REUSE = "flap", "suppress", "reuse"


def flap_text(dest: str, via: str, flaps: int, penalty: float) -> str:
    return f"{FLAP}: route to {dest} via {via} flap {flaps}, penalty {penalty:.0f}"


def suppress_text(dest: str, via: str, penalty: float, reuse_at: float) -> str:
    return (f"{SUPPRESS}: route to {dest} via {via} suppressed (penalty {penalty:.0f}), "
            f"reuse expected at t={reuse_at:.3f}")


def reuse_text(dest: str, via: str, penalty: float) -> str:
    return f"{REUSE}: route to {dest} via {via} reused (penalty {penalty:.0f})"


def _parse(d: Decision) -> tuple[str, str, str] | None:
    """(verb, dest, via) of a damping decision."""
    verb, _, rest = d.text.partition(": route to ")
    words = rest.split(" ")
    if verb not in (FLAP, SUPPRESS, REUSE) or len(words) < 3 or words[1] != "via":
        return None
    return verb, words[0], words[2]


def suppression_intervals(decisions: Iterable[Decision], end: float) -> list[tuple[str, str, str, float, float]]:
    """(router, dest, via, from, to) for every suppression in the trace (open ones end at ``end``)."""
    open_: dict[tuple[str, str, str], float] = {}
    out = []
    for d in decisions:
        if d.kind != "damping":
            continue
        parsed = _parse(d)
        if parsed is None:
            continue
        verb, dest, via = parsed
        key = (d.router, dest, via)
        if verb == SUPPRESS:
            open_.setdefault(key, d.time)
        elif verb == REUSE and key in open_:
            out.append((*key, open_.pop(key), d.time))
    out.extend((*key, t, end) for key, t in open_.items())
    return sorted(out, key=lambda x: (x[3], x[0], x[1], x[2]))


def suppressed_time(intervals: Iterable[tuple[str, str, str, float, float]], start: float, stop: float) -> float:
    """Route-seconds of suppression inside [start, stop) (two routes suppressed 1 s count 2 s)."""
    return sum(max(0.0, min(b, stop) - max(a, start)) for *_, a, b in intervals)


def flap_count(decisions: Iterable[Decision], start: float, stop: float) -> int:
    """Damping flaps recorded with ``start <= time < stop``."""
    return sum(1 for d in decisions if d.kind == "damping" and start <= d.time < stop
               and (p := _parse(d)) is not None and p[0] == FLAP)
