"""The two checksums routing packets carry: the Internet checksum and the Fletcher checksum.

* The **Internet checksum** (RFC 1071) -- the 16-bit one's complement of the one's complement
  sum -- protects IPv4 headers, UDP datagrams (with the pseudo-header) and whole OSPF packets.
* The **Fletcher checksum** of ISO 8473 / RFC 905 Annex B protects each OSPF LSA (RFC 2328
  §12.1.7).  It is not a sum that can be folded in afterwards: the two check octets are
  *solved for* so that both running sums of the finished LSA are zero modulo 255, which is
  what a receiver verifies.  That property is also how the tests check it, independently of
  the formula used here.
"""

from __future__ import annotations

import sys

_LITTLE_ENDIAN = sys.byteorder == "little"


def internet_checksum(data: bytes) -> int:
    """RFC 1071: one's complement of the one's complement sum of 16-bit big-endian words.

    An odd length is padded with a zero octet, as the RFC says.  The words are summed in the
    machine's own byte order by C code (``memoryview.cast``) and the result swapped back:
    RFC 1071 §2(B) shows the one's complement sum does not depend on byte order.  Every
    packet passes through here, so this is the capture's hot spot.
    """
    if len(data) % 2:
        data += b"\x00"
    total = sum(memoryview(data).cast("H"))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    if _LITTLE_ENDIAN:
        total = ((total & 0xFF) << 8) | (total >> 8)
    return ~total & 0xFFFF


def fletcher_checksum(data: bytes, offset: int) -> int:
    """The ISO 8473 Fletcher checksum of ``data`` with its two check octets at ``offset``.

    ``data`` is what the checksum covers (for an LSA: everything but LS age); the octets at
    ``offset`` and ``offset + 1`` are treated as zero.  Returns the 16-bit value to store
    there (high octet first), chosen so that for the finished data, with octets b_1..b_L,

        sum(b_i) = 0  and  sum((L - i + 1) * b_i) = 0   (mod 255).

    Solving those two equations for the check octets X (position n = offset + 1) and Y gives
    X = (L - n) * c0 - c1 and Y = c1 - (L - n + 1) * c0, where c0, c1 are the two sums with
    the check octets zero.  Both are taken in 1..255 rather than 0..254: 0 and 255 are the
    same residue, and an all-zero checksum means "no checksum" in OSI protocols.
    """
    if not 0 <= offset <= len(data) - 2:
        raise ValueError(f"checksum offset {offset} outside {len(data)} octets")
    length = len(data)
    c0 = c1 = 0
    for i, byte in enumerate(data):
        if i == offset or i == offset + 1:
            continue
        c0 += byte
        c1 += (length - i) * byte  # weight L - i + 1 for the 1-based position i + 1
    c0 %= 255
    c1 %= 255
    n = offset + 1
    x = ((length - n) * c0 - c1) % 255 or 255
    y = (c1 - (length - n + 1) * c0) % 255 or 255
    return (x << 8) | y


def fletcher_sums(data: bytes) -> tuple[int, int]:
    """The two running sums a receiver computes (both 0 for data with a valid checksum)."""
    length = len(data)
    return sum(data) % 255, sum((length - i) * b for i, b in enumerate(data)) % 255
