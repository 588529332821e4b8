"""RIP version 2 messages in wire format (RFC 2453 §4).

A message is a 4-octet header (command, version 2, two zero octets) and up to 25 route
entries of 20 octets: address family (2 = IPv4), route tag, address, subnet mask, next hop,
metric.  UDP port 520 on both ends is the caller's part (:mod:`netsim.output.pcap.ip`).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from netsim.output.pcap.fields import int_field

RIP_PORT = 520
VERSION = 2
REQUEST, RESPONSE = 1, 2
AFI_UNSPECIFIED, AFI_INET = 0, 2
MAX_ENTRIES = 25
INFINITY = 16
HOST_MASK = b"\xff\xff\xff\xff"
NO_NEXT_HOP = bytes(4)

_HEADER = struct.Struct("!BBH")
_ENTRY = struct.Struct("!HH4s4s4sI")


def route_entry(address: bytes, metric: int, *, mask: bytes = HOST_MASK, next_hop: bytes = NO_NEXT_HOP,
                route_tag: int = 0, family: int = AFI_INET) -> bytes:
    """One 20-octet route entry; addresses as 4 packed octets.  Next hop 0.0.0.0 means "via the sender"."""
    return _ENTRY.pack(family, route_tag, address, mask, next_hop, metric)


def rip_message(command: int, entries: Sequence[bytes]) -> bytes:
    """One RIPv2 message of encoded entries; at most :data:`MAX_ENTRIES` (the caller splits)."""
    if len(entries) > MAX_ENTRIES:
        raise ValueError(f"{len(entries)} entries in one RIP message (at most {MAX_ENTRIES})")
    return _HEADER.pack(command, VERSION, 0) + b"".join(entries)


def whole_table_request() -> bytes:
    """RFC 2453 §3.9.1: a request with one entry, family 0 and metric 16, asks for everything."""
    return rip_message(REQUEST, [route_entry(bytes(4), INFINITY, mask=bytes(4), family=AFI_UNSPECIFIED)])


def rip_metric(value: float, infinity: float = INFINITY) -> int:
    """netsim's metric as RIP's 0..16.

    A metric at or above netsim's ``infinity`` option (16 by default, but configurable) means
    unreachable and is sent as 16.  A reachable metric is rounded half up (netsim allows
    fractional link costs) and kept at most 15, so it never reads as unreachable; netsim's own
    entry for the sending router has metric 0 and keeps it (see the package notes).
    """
    if float(value) >= float(infinity):
        return INFINITY
    return int_field(value, 0, INFINITY - 1)


def split_entries(entries: Sequence[bytes]) -> list[Sequence[bytes]]:
    """Consecutive runs of at most 25 entries, as netsim counts packets (none for no entries)."""
    return [entries[i:i + MAX_ENTRIES] for i in range(0, len(entries), MAX_ENTRIES)]
