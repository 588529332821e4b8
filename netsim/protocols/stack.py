"""Several routing processes in one router, sharing its FIB as routers do: by administrative distance.

Why: a router inside an AS of several routers runs BGP *and* an IGP.  Each process keeps its own
routing table (RIB); the router installs, per destination, the route of the process with the
lowest administrative distance (the FRRouting and Cisco IOS defaults: eBGP 20, OSPF 110, IS-IS
115, iBGP 200).  The engine runs one protocol object per router, so the combination happens in
the protocol layer: a :class:`Stack` gives each process a :class:`MemberPort`, a ``RouterPort``
view whose interfaces are the ones that process runs on and whose ``install`` / ``withdraw`` go
to that process's RIB.  Timers, packets and narration pass straight through to the router.

A process can :meth:`Stack.watch` another one's RIB: that is how BGP tracks its next hops
through the IGP.  Some destinations stay in their process's RIB and never reach the FIB
(``hidden``): the link subnets an IGP carries only so that BGP next hops resolve.

The stack also forwards *routed* packets (:class:`Routed`): control traffic between two routers'
loopbacks (iBGP's TCP connections) that travels hop by hop along the FIBs, each hop a real
transmission on a link, with a TTL against transient loops.

Pure code, no SimPy: tests drive a stack through a fake port.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar

from netsim.protocols.base import Interface, Protocol, RouterPort, Timer
from netsim.records import record
from netsim.trace import Note, Route

#: Administrative distances (FRRouting and Cisco IOS defaults): lower wins.
EBGP_DISTANCE = 20
OSPF_DISTANCE = 110
ISIS_DISTANCE = 115
IBGP_DISTANCE = 200
#: Initial TTL of a routed packet (the usual IPv4 default).
DEFAULT_TTL = 64


@record
class Routed:
    """A packet addressed to router ``dst``'s loopback, forwarded hop by hop along the FIBs.

    ``payload`` carries its own size, IP and transport headers included; the envelope adds none.
    """

    kind: ClassVar[str] = "routed"
    src: str
    dst: str
    payload: Any
    ttl: int = DEFAULT_TTL

    @property
    def size(self) -> int:
        return int(self.payload.size)


class _Interfaces(Mapping[str, Interface]):
    """The router's interfaces restricted to ``names``, read live (carrier and cost as they are now)."""

    __slots__ = ("_port", "_names")

    def __init__(self, port: RouterPort, names: frozenset[str]) -> None:
        self._port = port
        self._names = names

    def __getitem__(self, key: str) -> Interface:
        if key not in self._names:
            raise KeyError(key)
        return self._port.interfaces()[key]

    def __iter__(self) -> Iterator[str]:
        names = self._names
        return (n for n in self._port.interfaces() if n in names)

    def __len__(self) -> int:
        return sum(1 for n in self._port.interfaces() if n in self._names)

    def __contains__(self, key: object) -> bool:
        return key in self._names and key in self._port.interfaces()


class MemberPort:
    """The ``RouterPort`` one process of a :class:`Stack` sees.

    ``interfaces`` None: every interface of the router.  ``fib()`` is the process's own RIB.
    """

    def __init__(self, stack: Stack, label: str, distance: int, interfaces: frozenset[str] | None,
                 hidden: frozenset[str]) -> None:
        self.stack = stack
        self.label = label
        self.distance = distance
        self.name = stack.port.name
        self.hidden = hidden
        self.rib: dict[str, Route] = {}
        self.names = interfaces
        self._ifaces: Mapping[str, Interface] | None = None if interfaces is None else \
            _Interfaces(stack.port, interfaces)

    @property
    def now(self) -> float:
        return self.stack.port.now

    @property
    def narrating(self) -> bool:
        return bool(self.stack.port.narrating)

    def sees(self, iface: str) -> bool:
        return self.names is None or iface in self.names

    def interfaces(self) -> Mapping[str, Interface]:
        return self.stack.port.interfaces() if self._ifaces is None else self._ifaces

    def send(self, iface: str, msg: Any, size: int, packets: int = 1) -> None:
        self.stack.port.send(iface, msg, size, packets)

    def call_later(self, delay: float, fn: Callable[..., None], *args: Any) -> Timer:
        return self.stack.port.call_later(delay, fn, *args)

    def install(self, dest: str, next_hops: tuple[str, ...], cost: float, cause: Note) -> None:
        self.stack.offer(self, dest, Route(tuple(next_hops), cost), cause)

    def withdraw(self, dest: str, cause: Note) -> None:
        self.stack.offer(self, dest, None, cause)

    def preload(self, table: Any) -> None:
        raise NotImplementedError(f"{self.label} inside a protocol stack cannot start warm")

    def fib(self) -> Mapping[str, Route]:
        return self.rib

    def decide(self, note: Note) -> None:
        self.stack.port.decide(note)


class Stack:
    """The processes of one router, their RIBs, and the FIB they share (see the module docstring)."""

    def __init__(self, port: RouterPort) -> None:
        self.port = port
        self.members: list[MemberPort] = []
        self.processes: list[tuple[Protocol, MemberPort]] = []
        self._watchers: dict[str, list[Callable[[str], None]]] = {}

    # -- building ---------------------------------------------------------------------------------
    def member(self, label: str, distance: int, *, interfaces: frozenset[str] | None = None,
               hidden: frozenset[str] = frozenset()) -> MemberPort:
        """A port for one process: its administrative distance, the interfaces it runs on (None:
        all), and the destinations that stay in its RIB (``hidden``)."""
        if any(m.label == label for m in self.members):
            raise ValueError(f"stack member {label!r} exists already")
        port = MemberPort(self, label, distance, interfaces, hidden)
        self.members.append(port)
        return port

    def add(self, process: Protocol, port: MemberPort) -> None:
        """Hand ``process`` the engine callbacks of the interfaces ``port`` sees."""
        self.processes.append((process, port))

    def watch(self, member: MemberPort, fn: Callable[[str], None]) -> None:
        """Call ``fn(dest)`` after every change of ``member``'s RIB entry for ``dest``."""
        self._watchers.setdefault(member.label, []).append(fn)

    # -- the shared FIB -----------------------------------------------------------------------------
    def offer(self, member: MemberPort, dest: str, route: Route | None, cause: Note) -> None:
        """``member``'s RIB entry for ``dest`` becomes ``route`` (None: gone); the FIB follows the
        entry of the lowest distance, installed with the note that caused this change."""
        rib = member.rib
        old = rib.get(dest)
        if old == route:
            return
        if route is None:
            del rib[dest]
        else:
            rib[dest] = route
        if dest not in member.hidden:
            best = self.selected(dest)
            if best is None:
                self.port.withdraw(dest, cause)
            else:
                self.port.install(dest, best[1].next_hops, best[1].cost, cause)
        for fn in self._watchers.get(member.label, ()):
            fn(dest)

    def selected(self, dest: str) -> tuple[MemberPort, Route] | None:
        """The member whose route to ``dest`` the FIB holds, and that route (ties: the first added)."""
        best: tuple[MemberPort, Route] | None = None
        for m in self.members:
            r = m.rib.get(dest)
            if r is not None and (best is None or m.distance < best[0].distance):
                best = (m, r)
        return best

    # -- engine callbacks, to the processes that see the interface -----------------------------------
    def start(self) -> None:
        for process, _port in self.processes:
            process.start()

    def stop(self) -> None:
        for process, _port in self.processes:
            process.stop()

    def on_message(self, iface: str, msg: Any) -> None:
        for process, port in self.processes:
            if port.sees(iface):
                process.on_message(iface, msg)
                return

    def on_link_change(self, iface: str, up: bool) -> None:
        for process, port in self.processes:
            if port.sees(iface):
                process.on_link_change(iface, up)

    def on_cost_change(self, iface: str, cost: float) -> None:
        for process, port in self.processes:
            if port.sees(iface):
                process.on_cost_change(iface, cost)

    def on_link_attrs(self, iface: str, attrs: Mapping[str, float]) -> None:
        for process, port in self.processes:
            if port.sees(iface):
                process.on_link_attrs(iface, attrs)

    # -- routed packets ---------------------------------------------------------------------------------
    def send_routed(self, dst: str, payload: Any) -> bool:
        """Send ``payload`` towards router ``dst``'s loopback; False when the FIB has no route
        (the packet is dropped at its source, as IP does)."""
        return self._forward(Routed(self.port.name, dst, payload))

    def receive_routed(self, msg: Routed) -> Routed | None:
        """A routed packet arrived: returned if it is for this router, else forwarded (or dropped:
        no route, or its TTL ran out)."""
        if msg.dst == self.port.name:
            return msg
        if msg.ttl > 1:
            self._forward(Routed(msg.src, msg.dst, msg.payload, msg.ttl - 1))
        return None

    def _forward(self, msg: Routed) -> bool:
        route = self.port.fib().get(msg.dst)
        if route is None or not route.next_hops:
            return False
        hops = route.next_hops
        # One path per flow among equal-cost next hops (a stable hash of the two ends, as routers
        # hash flows), so a connection's packets stay in order.
        hop = hops[0] if len(hops) == 1 else hops[zlib.crc32(f"{msg.src}>{msg.dst}".encode()) % len(hops)]
        self.port.send(hop, msg, msg.size)
        return True
