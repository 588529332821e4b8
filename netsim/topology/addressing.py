"""Deterministic IPv4 addresses for a topology: a loopback per router and a /31 per link.

Why: real routers, packet captures and FRRouting configurations need addresses, and the same
network must get the same addresses on every run and machine.  Addresses depend only on the
sorted router names and the sorted links, never on the order a file listed them.

* Router ``i`` (0-based, in sorted name order) has loopback ``10.255.0.0 + i + 1``/32, which is
  also its router ID (OSPF, BGP, IS-IS system ID).
* Link ``k`` (in sorted ``(a, b)`` order with ``a < b``) is the /31 ``10.0.0.0 + 2k``; ``a`` takes
  the even address, ``b`` the odd one (RFC 3021 point-to-point /31).

65,534 routers and 65,536 links at most; beyond that :class:`Addressing` refuses the network.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from netsim.errors import TopologyError

LOOPBACK_BASE = ipaddress.IPv4Address("10.255.0.0")
LINK_BASE = ipaddress.IPv4Address("10.0.0.0")
MAX_ROUTERS = 65_534
MAX_LINKS = 65_536


@dataclass(frozen=True)
class Addressing:
    """The addresses of one network; build it with :meth:`of`."""

    routers: tuple[str, ...]
    links: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, routers: Iterable[str], links: Iterable[tuple[str, str]]) -> Addressing:
        names = tuple(sorted(str(r) for r in routers))
        keys = tuple(sorted({(a, b) if a <= b else (b, a) for a, b in ((str(x), str(y)) for x, y in links)}))
        if len(names) > MAX_ROUTERS:
            raise TopologyError(f"{len(names)} routers: addressing supports at most {MAX_ROUTERS}")
        if len(keys) > MAX_LINKS:
            raise TopologyError(f"{len(keys)} links: addressing supports at most {MAX_LINKS}")
        return cls(names, keys)

    @classmethod
    def of_graph(cls, graph: object) -> Addressing:
        """From a networkx graph (nodes are routers, edges are links)."""
        return cls.of(graph.nodes, graph.edges)  # type: ignore[attr-defined]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_router_index", {r: i for i, r in enumerate(self.routers)})
        object.__setattr__(self, "_link_index", {k: i for i, k in enumerate(self.links)})
        object.__setattr__(self, "_by_address", {})

    def loopback(self, router: str) -> ipaddress.IPv4Address:
        """The router's loopback address (also its router ID)."""
        try:
            return LOOPBACK_BASE + self._router_index[router] + 1  # type: ignore[attr-defined]
        except KeyError:
            raise TopologyError(f"unknown router {router}") from None

    def router_id(self, router: str) -> ipaddress.IPv4Address:
        return self.loopback(router)

    def link_subnet(self, a: str, b: str) -> ipaddress.IPv4Network:
        """The /31 of the link a–b (either order)."""
        key = (a, b) if a <= b else (b, a)
        try:
            k = self._link_index[key]  # type: ignore[attr-defined]
        except KeyError:
            raise TopologyError(f"no link {a}–{b}") from None
        return ipaddress.IPv4Network(f"{LINK_BASE + 2 * k}/31")

    def interface_address(self, router: str, neighbor: str) -> ipaddress.IPv4Address:
        """``router``'s address on its link to ``neighbor``: the lower name takes the even one."""
        net = self.link_subnet(router, neighbor)
        return net.network_address + (0 if router <= neighbor else 1)

    def owner(self, address: ipaddress.IPv4Address | str) -> str | None:
        """The router that holds ``address`` (a loopback or an interface address), if any."""
        addr = ipaddress.IPv4Address(address)
        table: dict[ipaddress.IPv4Address, str] = self._by_address  # type: ignore[attr-defined]
        if not table:
            for r in self.routers:
                table[self.loopback(r)] = r
            for a, b in self.links:
                table[self.interface_address(a, b)] = a
                table[self.interface_address(b, a)] = b
        return table.get(addr)
