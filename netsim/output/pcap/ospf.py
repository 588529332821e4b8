"""OSPFv2 packets and router-LSAs in wire format (RFC 2328 Appendix A).

Pure functions from plain values (packed addresses, integers) to octets; how netsim's
messages map onto them is :mod:`netsim.output.pcap.translate`'s job.

* Every packet starts with the 24-octet common header (A.3.1): version 2, type, length,
  router ID, area, checksum, AuType 0 and 8 octets of (null) authentication.  The checksum is
  the Internet checksum of the whole packet *except* the authentication field.
* A router-LSA (A.4.1, A.4.2) is a 20-octet LSA header and a body listing links.  Its
  Fletcher checksum (§12.1.7) covers everything but LS age, which is why an encoded LSA can be
  cached and re-aged per transmission without recomputing it.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Sequence

from netsim.output.pcap.checksums import fletcher_checksum, internet_checksum
from netsim.output.pcap.fields import int_field
from netsim.records import record

VERSION = 2
HELLO, DB_DESCRIPTION, LS_REQUEST, LS_UPDATE, LS_ACK = 1, 2, 3, 4, 5
OSPF_HEADER = 24
LSA_HEADER = 20
ROUTER_LSA_BODY_HEADER = 4
ROUTER_LINK = 12

#: Options (A.2): only E -- "this area carries AS-external routes", as in any normal area.
OPTIONS_E = 0x02
ROUTER_LSA = 1
LINK_POINT_TO_POINT, LINK_TRANSIT, LINK_STUB, LINK_VIRTUAL = 1, 2, 3, 4
#: Database description flags (A.3.3).
DD_INIT, DD_MORE, DD_MASTER = 0x04, 0x02, 0x01

MAX_AGE = 3600
INITIAL_SEQUENCE_NUMBER = 0x80000001
MAX_SEQUENCE_NUMBER = 0x7FFFFFFF
MAX_METRIC = 0xFFFF
BACKBONE = bytes(4)
ALL_ONES = b"\xff\xff\xff\xff"

_HEADER = struct.Struct("!BBH4s4sHH8s")
_LSA_HEADER = struct.Struct("!HBB4s4sIHH")
_LINK = struct.Struct("!4s4sBBH")


@record
class RouterLink:
    """One link of a router-LSA (A.4.2); addresses as 4 packed octets."""

    link_id: bytes
    link_data: bytes
    link_type: int
    metric: int


def ospf_packet(packet_type: int, router_id: bytes, body: bytes, area: bytes = BACKBONE) -> bytes:
    """The common header (AuType 0, null authentication) followed by ``body``, checksummed."""
    length = OSPF_HEADER + len(body)
    header = _HEADER.pack(VERSION, packet_type, length, router_id, area, 0, 0, bytes(8))
    checksum = internet_checksum(header[:16] + body)  # RFC 2328 A.3.1: authentication excluded
    return header[:12] + checksum.to_bytes(2, "big") + header[14:] + body


def hello_body(mask: bytes, hello_interval: int, dead_interval: int, neighbors: Sequence[bytes], *,
               options: int = OPTIONS_E, priority: int = 0) -> bytes:
    """A Hello (A.3.2) on a point-to-point link: no designated router, so DR and BDR are 0.0.0.0."""
    head = struct.pack("!4sHBBI4s4s", mask, hello_interval, options, priority, dead_interval,
                       bytes(4), bytes(4))
    return head + b"".join(neighbors)


def db_description_body(headers: Sequence[bytes], *, flags: int, dd_sequence: int, mtu: int = 1500,
                        options: int = OPTIONS_E) -> bytes:
    """A Database Description (A.3.3): MTU, options, I/M/MS flags, DD sequence number, LSA headers."""
    return struct.pack("!HBBI", mtu, options, flags, dd_sequence & 0xFFFFFFFF) + b"".join(headers)


def ls_update_body(lsas: Sequence[bytes]) -> bytes:
    """A Link State Update (A.3.5): the number of LSAs, then the LSAs."""
    return len(lsas).to_bytes(4, "big") + b"".join(lsas)


def ls_ack_body(headers: Sequence[bytes]) -> bytes:
    """A Link State Acknowledgment (A.3.6): just LSA headers."""
    return b"".join(headers)


def router_lsa(router_id: bytes, sequence_number: int, links: Sequence[RouterLink], *,
               options: int = OPTIONS_E, flags: int = 0) -> bytes:
    """A complete router-LSA with LS age 0 and a valid Fletcher checksum.

    Link State ID and Advertising Router are both the router ID (A.4.1: that is what a
    router-LSA's ID is).  ``sequence_number`` is the wire value; see :func:`wire_sequence`.
    """
    body = struct.pack("!BBH", flags, 0, len(links)) + b"".join(
        _LINK.pack(link.link_id, link.link_data, link.link_type, 0, link.metric) for link in links)
    length = LSA_HEADER + len(body)
    if length > 0xFFFF:
        raise ValueError(f"router-LSA with {len(links)} links exceeds the 16-bit length field")
    header = _LSA_HEADER.pack(0, options, ROUTER_LSA, router_id, router_id, sequence_number, 0, length)
    lsa = header + body
    checksum = fletcher_checksum(lsa[2:], 14)  # §12.1.7: LS age excluded; checksum at octet 16 of the LSA
    return lsa[:16] + checksum.to_bytes(2, "big") + lsa[18:]


def with_age(lsa: bytes, age: int) -> bytes:
    """``lsa`` (or an LSA header) with its LS age replaced; the checksum does not cover age."""
    return age.to_bytes(2, "big") + lsa[2:]


def lsa_header(lsa: bytes) -> bytes:
    """The 20-octet header of an encoded LSA, as DD and acknowledgement packets carry it."""
    return lsa[:LSA_HEADER]


def synthetic_lsa_header(router_id: bytes, sequence_number: int, *, age: int = 0,
                         options: int = OPTIONS_E) -> bytes:
    """A router-LSA header for an instance whose contents are unknown: checksum 0, length 20.

    Only used when the LSA itself was never seen (see :mod:`netsim.output.pcap.translate`);
    the two fields are then honest placeholders, not guesses.
    """
    return _LSA_HEADER.pack(age, options, ROUTER_LSA, router_id, router_id, sequence_number, 0, LSA_HEADER)


def wire_sequence(seq: int) -> int:
    """netsim's sequence numbers start at 1; OSPF's at InitialSequenceNumber 0x80000001 (§12.1.6).

    The wire value is ``0x80000000 + seq`` modulo 2**32 (the field is a signed 32-bit number
    stored as unsigned).  netsim's seq beyond 2**32 - 1 would pass MaxSequenceNumber and is
    clamped to it; a capture cannot express more.
    """
    seq = min(max(int(seq), 1), 0xFFFFFFFF)
    return (0x80000000 + seq) & 0xFFFFFFFF


def lsa_age(now: float, born: float) -> int:
    """LS age in whole seconds at simulated time ``now`` (§12.1.1), capped at MaxAge."""
    if not math.isfinite(now - born):
        return MAX_AGE
    return min(MAX_AGE, max(0, math.floor(now - born)))


def metric(cost: float) -> int:
    """An interface cost as OSPF's 16-bit metric: rounded half up, kept within 1..65535.

    netsim allows fractional costs and any positive size; RFC 2328 has integers > 0 that fit
    16 bits.  The capture shows the nearest metric OSPF can express.
    """
    return int_field(cost, 1, MAX_METRIC)


def pack_in(items: Sequence[bytes], budget: int) -> list[list[bytes]]:
    """Group ``items`` in order into as few runs as possible of total length ``<= budget``.

    An item longer than ``budget`` cannot be sent at all: ValueError.
    """
    groups: list[list[bytes]] = []
    current: list[bytes] = []
    size = 0
    for item in items:
        if len(item) > budget:
            raise ValueError(f"item of {len(item)} octets exceeds a packet's room of {budget}")
        if current and size + len(item) > budget:
            groups.append(current)
            current, size = [], 0
        current.append(item)
        size += len(item)
    if current or not groups:
        groups.append(current)
    return groups
