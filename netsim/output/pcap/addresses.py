"""The addresses a capture needs, packed once: router IDs, interface addresses, link masks.

A thin cache over :class:`netsim.topology.addressing.Addressing` (the single source of every
address), because encoding asks for the same few addresses for every packet on a link.
"""

from __future__ import annotations

from netsim.topology.addressing import Addressing


class PackedAddresses:
    """4-octet packed addresses of one network, computed on first use."""

    __slots__ = ("addressing", "_ids", "_ifaces", "_subnets")

    def __init__(self, addressing: Addressing) -> None:
        self.addressing = addressing
        self._ids: dict[str, bytes] = {}
        self._ifaces: dict[tuple[str, str], bytes] = {}
        self._subnets: dict[tuple[str, str], tuple[bytes, bytes]] = {}

    def router_id(self, router: str) -> bytes:
        """The router's loopback, which is its router ID (TopologyError for an unknown router)."""
        packed = self._ids.get(router)
        if packed is None:
            packed = self._ids[router] = self.addressing.router_id(router).packed
        return packed

    def interface(self, router: str, neighbor: str) -> bytes:
        """``router``'s address on its link to ``neighbor`` (TopologyError when there is no link)."""
        key = (router, neighbor)
        packed = self._ifaces.get(key)
        if packed is None:
            packed = self._ifaces[key] = self.addressing.interface_address(router, neighbor).packed
        return packed

    def subnet(self, a: str, b: str) -> tuple[bytes, bytes]:
        """(network address, mask) of the link's /31, either order."""
        key = (a, b) if a <= b else (b, a)
        found = self._subnets.get(key)
        if found is None:
            net = self.addressing.link_subnet(*key)
            found = self._subnets[key] = (net.network_address.packed, net.netmask.packed)
        return found
