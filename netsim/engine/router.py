"""A virtual router: interfaces as it sees them, a FIB, timers, and one protocol instance.

The router is the protocol's :class:`~netsim.protocols.base.RouterPort`.  It records every FIB
change in the trace together with its cause (a typed note), which is what ``netsim explain``
narrates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from netsim.engine.clock import Life, Timer
from netsim.engine.periodic import Resume, exact_delay
from netsim.fibs import ChangedFib
from netsim.protocols.base import Interface, Protocol
from netsim.trace import Note, Route, RouteChange, Trace

if TYPE_CHECKING:
    from netsim.engine.network import Network


class Router:
    """Implements ``RouterPort`` for one node of the network."""

    def __init__(self, name: str, index: int, network: Network) -> None:
        self.name = name
        self.index = index
        self._net = network
        self._env = network.env
        self._trace: Trace = network.trace
        self.up = True
        self.life = Life()
        self.ifaces: dict[str, Interface] = {}
        self._fib: Any = {}  # a dict, or a preloaded read-only table and its changes (ChangedFib)
        self.protocol: Protocol | None = None
        #: Per neighbour, the message this incarnation's protocol accepts as quiet (accept_quiet).
        self.quiet: dict[str, Any] = {}
        #: Per neighbour, when the latest quiet copy of a periodic stream was handled here.
        self.heard: dict[str, float] = {}

    # -- RouterPort ---------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self._env.now

    @property
    def narrating(self) -> bool:
        return self._trace.narrate

    def interfaces(self) -> Mapping[str, Interface]:
        return self.ifaces

    def send(self, iface: str, msg: Any, size: int, packets: int = 1) -> None:
        if self.up:
            self._net.transmit(self, iface, msg, size, packets)

    def call_later(self, delay: float, fn: Callable[..., None], *args: Any) -> Timer:
        if delay < 0:
            raise ValueError(f"negative delay {delay}")
        return Timer(self._env, delay, fn, args, self.life)

    # -- QuietPort: periodic messages without an event per copy (netsim.engine.periodic) ----------
    def accept_quiet(self, iface: str, msg: Any) -> None:
        if msg is None:
            self.quiet.pop(iface, None)
        else:
            self.quiet[iface] = msg
        link = self._net.adj[self.name].get(iface)
        if link is not None:
            self._net.break_link(link)

    def send_periodic(self, iface: str, msg: Any, size: int, interval: float, resume: Resume, *,
                      own_phase: bool = False) -> bool:
        return self.up and self._net.start_periodic(self, iface, msg, size, 1, interval, resume,
                                                    own_phase=own_phase)

    def quiet_tick(self, sends: list[tuple[str, Any, int, int]] | None) -> bool:
        return self.up and self._net.quiet_tick(self, sends)

    def quiet_heard(self, iface: str, armed: float, at: float | None = None) -> float:
        return self._net.heard(self, iface, armed, at)

    def quiet_watch(self, iface: str, heard: float, within: float, wake: Callable[[], None]) -> bool:
        return self.up and self._net.watch(self, iface, heard, within, wake)

    def call_at(self, time: float, fn: Callable[..., None], *args: Any) -> Timer:
        """``fn(*args)`` at exactly ``time`` (>= now): a parked timer lands on the float its chain
        would have reached (``now + (time - now)`` can be one unit in the last place off)."""
        return Timer(self._env, exact_delay(self._env.now, time), fn, args, self.life)

    def install(self, dest: str, next_hops: tuple[str, ...], cost: float, cause: Note) -> None:
        new = Route(tuple(next_hops), cost)
        fib = self._fib
        old = fib.get(dest)
        if old is not None and old == new:
            return
        fib[dest] = new
        self._trace.route_changes.append(RouteChange(self._env.now, self.name, dest, old, new, cause))

    def withdraw(self, dest: str, cause: Note) -> None:
        if dest not in self._fib:
            return
        old = self._fib.pop(dest, None)
        if old is not None:
            self._trace.route_changes.append(RouteChange(self._env.now, self.name, dest, old, None, cause))

    def fib(self) -> Mapping[str, Route]:
        return self._fib

    def decide(self, note: Note) -> None:
        self._trace.decide(self._env.now, self.name, note)

    def preload(self, table: Mapping[str, Route]) -> None:
        """Load a checkpointed FIB at t=0 (a warm start) as the run's initial condition.

        Why not ``install`` per entry: the checkpoint is where the run starts, not a change, and a
        3,800-router network would log 14.5 M route changes at t=0.  The table is recorded once in
        ``trace.initial_fibs`` (replays start from it) and shared with this router's FIB.
        """
        if self._env.now != 0 or self._fib:
            raise RuntimeError(f"router {self.name}: preload needs an empty FIB at t=0")
        to_dict = getattr(table, "to_dict", None)
        # A read-only table is kept as it is, under the entries that change (copy on write, per
        # entry): after one failure in a large network a third of the routers change a few of
        # their N entries each, and copying the N would cost seconds.
        self._fib = ChangedFib(table) if to_dict is not None else dict(table)
        if self._trace.initial_fibs is None:
            self._trace.initial_fibs = {}
        self._trace.initial_fibs[self.name] = table if to_dict is not None else dict(self._fib)

    # -- driven by the network ----------------------------------------------------------------
    def boot(self, protocol: Protocol) -> None:
        self.up = True
        self.life = Life()
        self.quiet = {}
        self.heard = {}
        self.protocol = protocol
        protocol.start()

    def crash(self) -> None:
        """Lose all state: FIB, protocol, pending timers (the FIB loss is implied by the
        node-down topology record, so it is not logged entry by entry)."""
        if self.protocol is not None:
            self.protocol.stop()
        self.protocol = None
        self.up = False
        self.life.alive = False
        self._fib = {}
        self.quiet = {}
        self.heard = {}

    def set_iface(self, neighbor: str, *, up: bool | None = None, cost: float | None = None) -> None:
        """The router's view of one interface changed (carrier, BFD, cost): its streams break, and
        so do its quiet ticks (an interface that comes up or goes down changes what they send)."""
        self._net.break_link(self._net.adj[self.name][neighbor])
        self._net.break_fanout(self.name)
        cur = self.ifaces[neighbor]
        self.ifaces[neighbor] = Interface(neighbor, cur.cost if cost is None else cost,
                                          cur.up if up is None else up)
