"""IPv4 headers (RFC 791) and UDP datagrams (RFC 768), with their checksums.

Why by hand rather than with a packet library: the formats are fixed and small (one 20-octet
header, one 8-octet header), the checksums must be right anyway, and a library would add a
heavy import and its own idea of defaults.  Wireshark, not this code, is the judge: the tests
decode every packet with its dissectors and have it verify each checksum.

Addresses are passed as 4 packed octets (``ipaddress.IPv4Address(...).packed``): the caller
converts once per interface, not once per packet.
"""

from __future__ import annotations

import struct

from netsim.output.pcap.checksums import internet_checksum

PROTO_UDP = 17
PROTO_OSPF = 89

#: DSCP CS6 / precedence "Internetwork Control": what OSPF (RFC 2328 A.1) and routers' RIP use.
TOS_INTERNETWORK_CONTROL = 0xC0

IPV4_HEADER = 20
UDP_HEADER = 8
#: The IPv4 total-length field is 16 bits: no packet, header included, can be longer.
IPV4_MAX_PACKET = 0xFFFF

_IPV4 = struct.Struct("!BBHHHBBH4s4s")
_UDP = struct.Struct("!HHHH")


def ipv4_packet(src: bytes, dst: bytes, protocol: int, payload: bytes, *, ttl: int = 1, ident: int = 0,
                tos: int = TOS_INTERNETWORK_CONTROL) -> bytes:
    """An IPv4 packet: 20-octet header (no options, not fragmented) followed by ``payload``."""
    total = IPV4_HEADER + len(payload)
    if total > IPV4_MAX_PACKET:
        raise ValueError(f"IPv4 packet of {total} octets exceeds {IPV4_MAX_PACKET}")
    header = _IPV4.pack(0x45, tos, total, ident & 0xFFFF, 0, ttl, protocol, 0, src, dst)
    checksum = internet_checksum(header)
    return header[:10] + checksum.to_bytes(2, "big") + header[12:] + payload


def udp_datagram(src: bytes, dst: bytes, sport: int, dport: int, payload: bytes) -> bytes:
    """A UDP header and ``payload``, checksummed over the IPv4 pseudo-header (RFC 768).

    A computed checksum of 0 is sent as 0xFFFF: 0 on the wire means "no checksum".
    """
    length = UDP_HEADER + len(payload)
    header = _UDP.pack(sport, dport, length, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, PROTO_UDP, length)
    checksum = internet_checksum(pseudo + header + payload) or 0xFFFF
    return header[:6] + checksum.to_bytes(2, "big") + payload
