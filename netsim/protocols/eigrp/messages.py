"""EIGRP packets and their sizes on the wire (RFC 7868 §6).

Every packet is an IPv4 datagram (20-byte header) carrying the 20-byte EIGRP header, then TLVs:

* HELLO: Parameter TLV (K-values, hold time: 12 bytes) and Software Version TLV (8 bytes),
  60 bytes in all.  An ACK is a HELLO with no TLVs and a non-zero acknowledgement number:
  40 bytes.
* UPDATE, QUERY, REPLY (and SIA-QUERY, SIA-REPLY): one IPv4 internal-route TLV per destination:
  type, length, next hop, delay, bandwidth, MTU, hop count, reliability, load, route tag, flags,
  prefix length (25 bytes), then the destination with trailing zero bytes left out: 4 bytes for
  a router's /32 loopback, 29 bytes per route.  A 1500-byte MTU leaves 1460 bytes of TLVs per
  packet, 50 routes.

A message listing more routes than fit one packet stands for as many packets, sent back to back;
it is counted (bytes and packets) as those packets would be, and acknowledged as one.
"""

from __future__ import annotations

from typing import ClassVar

from netsim.protocols.eigrp.metric import KValues, Vector
from netsim.records import record

IP_HEADER = 20
EIGRP_HEADER = 20
HELLO_TLVS = 12 + 8
ROUTE_TLV = 29
MTU = 1500
ROUTES_PER_PACKET = (MTU - IP_HEADER - EIGRP_HEADER) // ROUTE_TLV

#: A destination and what the sender reports for it (None: unreachable, the delay field all ones).
Entry = tuple[str, Vector | None]


@record
class Hello:
    """EIGRP hello: keeps the adjacency alive and carries the hold time and K values."""

    kind: ClassVar[str] = "eigrp-hello"
    hold_time: float
    k: KValues


@record
class Ack:
    """A HELLO with an acknowledgement number and nothing else."""

    kind: ClassVar[str] = "eigrp-ack"
    ack: int


@record
class Update:
    """EIGRP update (reliable): changed distances to destinations."""

    kind: ClassVar[str] = "eigrp-update"
    seq: int
    ack: int
    entries: tuple[Entry, ...]
    #: The INIT flag: the first update to a new neighbour (an empty one), which starts an adjacency.
    init: bool = False


@record
class Query:
    """EIGRP query (reliable): the sender went active and asks for distances."""

    kind: ClassVar[str] = "eigrp-query"
    seq: int
    ack: int
    entries: tuple[Entry, ...]


@record
class Reply:
    """EIGRP reply (reliable): the answer to a query."""

    kind: ClassVar[str] = "eigrp-reply"
    seq: int
    ack: int
    entries: tuple[Entry, ...]


RELIABLE_TYPES: dict[str, type[Update] | type[Query] | type[Reply]] = {
    "update": Update, "query": Query, "reply": Reply}


def wire_size(n_entries: int) -> tuple[int, int]:
    """(bytes, packets) of a reliable message listing ``n_entries`` routes."""
    packets = max(1, -(-n_entries // ROUTES_PER_PACKET))
    return packets * (IP_HEADER + EIGRP_HEADER) + n_entries * ROUTE_TLV, packets


HELLO_SIZE = IP_HEADER + EIGRP_HEADER + HELLO_TLVS
ACK_SIZE = IP_HEADER + EIGRP_HEADER
