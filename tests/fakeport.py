"""A RouterPort without an engine: a manual clock, timers in a list, sends and FIB changes recorded.

Protocol decision logic is plain code; this lets a test drive one protocol instance message by
message and timer by timer, and look at its state, without SimPy or a network.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from netsim.protocols.base import Interface, Protocol, RouterConfig
from netsim.trace import Note, Route


class FakeTimer:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakePort:
    """Implements RouterPort for one router: ``advance(t)`` fires the timers due by ``t``."""

    def __init__(self, name: str, neighbors: Mapping[str, float]) -> None:
        self.name = name
        self.now = 0.0
        self.narrating = True
        self.ifaces = {n: Interface(n, c, True) for n, c in sorted(neighbors.items())}
        self.sent: list[tuple[float, str, Any]] = []
        self.notes: list[tuple[float, Note]] = []
        self.fib_log: list[tuple[float, str, Route | None, Note]] = []
        self._fib: dict[str, Route] = {}
        self._timers: list[tuple[float, int, FakeTimer, Callable[..., None], tuple[Any, ...]]] = []
        self._seq = itertools.count()

    # -- RouterPort -------------------------------------------------------------------------------
    def interfaces(self) -> Mapping[str, Interface]:
        return self.ifaces

    def send(self, iface: str, msg: Any, size: int, packets: int = 1) -> None:
        self.sent.append((self.now, iface, msg))

    def call_later(self, delay: float, fn: Callable[..., None], *args: Any) -> FakeTimer:
        timer = FakeTimer()
        heapq.heappush(self._timers, (self.now + delay, next(self._seq), timer, fn, args))
        return timer

    def install(self, dest: str, next_hops: tuple[str, ...], cost: float, cause: Note) -> None:
        route = Route(tuple(next_hops), cost)
        if self._fib.get(dest) != route:
            self._fib[dest] = route
            self.fib_log.append((self.now, dest, route, cause))

    def withdraw(self, dest: str, cause: Note) -> None:
        if self._fib.pop(dest, None) is not None:
            self.fib_log.append((self.now, dest, None, cause))

    def preload(self, table: Any) -> None:
        self._fib = dict(table)

    def fib(self) -> Mapping[str, Route]:
        return self._fib

    def decide(self, note: Note) -> None:
        self.notes.append((self.now, note))

    # -- driving ----------------------------------------------------------------------------------
    def advance(self, until: float) -> None:
        """Fire every timer due at or before ``until``, in time order, moving the clock."""
        while self._timers and self._timers[0][0] <= until:
            t, _n, timer, fn, args = heapq.heappop(self._timers)
            self.now = t
            if not timer.cancelled:
                fn(*args)
        self.now = until

    def pending_timers(self) -> list[tuple[float, Callable[..., None], tuple[Any, ...]]]:
        """Timers not yet fired or cancelled, in creation order: (due, fn, args)."""
        return [(t, fn, args) for t, _n, timer, fn, args in sorted(self._timers, key=lambda x: x[1])
                if not timer.cancelled]

    def take_sent(self, kind: type | None = None) -> list[tuple[float, str, Any]]:
        """The messages sent since the last call (of one class, if given), forgetting them."""
        out = [s for s in self.sent if kind is None or type(s[2]) is kind]
        self.sent = [s for s in self.sent if not (kind is None or type(s[2]) is kind)]
        return out


def make(protocol: type[Protocol], name: str, neighbors: Mapping[str, float], options: Mapping[str, Any] | None = None,
         extra: Any = None, seed: int = 0) -> tuple[Protocol, FakePort]:
    """A protocol instance on a fake port, with its defaults overridden by ``options``."""
    port = FakePort(name, neighbors)
    opts = {**protocol.defaults(), **(options or {})}
    config = RouterConfig(name, opts, extra=extra)
    return protocol(port, config, np.random.default_rng(seed)), port
