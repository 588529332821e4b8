"""IS-IS PDUs on point-to-point circuits (ISO 10589 §9, RFC 1195, RFC 5303, RFC 5305) and their sizes.

IS-IS runs directly on the data link, with no IP header.  On Ethernet (the usual "point-to-point"
circuit today) a PDU is carried in an 802.3 frame with the 3-byte 802.2 LLC header (DSAP and SSAP
0xFE, control 0x03) that IP does without; sizes here count that LLC header and the PDU, and not
the Ethernet MAC header or FCS -- just as ``linkstate`` counts OSPF's IP header but no link-layer
header, so the byte metrics of the two protocols compare like for like.

PDU layouts (bytes):

=========  ==================================================================  =====
PDU        fixed part                                                          total
=========  ==================================================================  =====
any        common header: NLPID, length, version, ID length, type, version,       8
           reserved, maximum area addresses
P2P IIH    circuit type 1, source ID 6, holding time 2, PDU length 2,            +12
           local circuit ID 1
LSP        PDU length 2, remaining lifetime 2, LSP ID 8, sequence number 4,       +19
           checksum 2, flags 1
CSNP       PDU length 2, source ID 7, start and end LSP IDs 8 + 8                +25
PSNP       PDU length 2, source ID 7                                              +9
=========  ==================================================================  =====

TLVs (2 bytes of type and length each, values at most 255 bytes, so long lists take several):
area addresses (1; one 3-byte area, 49.0001), protocols supported (129; IPv4), IP interface
address (132), dynamic hostname (137, RFC 5301), three-way adjacency (240, RFC 5303: 15 bytes
once the neighbour is known, 5 before), padding (8), LSP entries (9; 16 bytes each: lifetime,
LSP ID, sequence number, checksum), and the reachability TLVs of the metric style:

* narrow (ISO 10589 / RFC 1195): IS reachability (2; a virtual-flag byte, then 11 bytes per
  neighbour: four metric bytes and the 7-byte neighbour ID) and IP internal reachability
  (128; 12 bytes per prefix: four metric bytes, address, mask);
* wide (RFC 5305): extended IS reachability (22; 11 bytes per neighbour: 7-byte ID, 3-byte
  metric, sub-TLV length, no sub-TLVs) and extended IP reachability (135; 5 bytes plus the
  significant bytes of the prefix: 9 for a /32).

Every PDU is at most ``LSP_MTU`` = 1497 bytes (FRR's ``lsp-mtu``: a 1500-byte Ethernet payload
less the LLC header).  A larger LSP is counted as the fragments a router would send (LSP numbers
0, 1, ...), each with its own header; it is still flooded, acknowledged and aged as one unit.
Hellos are padded to the full 1497 bytes when ``hello_padding`` is on (as ISO 10589 asks, FRR's
default), so that a link whose MTU cannot carry a full PDU never forms an adjacency.
"""

from __future__ import annotations

from dataclasses import field
from typing import ClassVar

from netsim.records import record

LLC = 3
COMMON_HEADER = 8
IIH_HEADER = COMMON_HEADER + 12
LSP_HEADER = COMMON_HEADER + 19
CSNP_HEADER = COMMON_HEADER + 25
PSNP_HEADER = COMMON_HEADER + 9
LSP_MTU = 1497
TLV_MAX = 255

#: TLVs every LSP and IIH carries: area addresses, protocols supported, one IP interface address.
BASE_TLVS = (2 + 1 + 3) + (2 + 1) + (2 + 4)
LSP_ENTRY = 16
#: LSP entries per TLV (15 x 16 = 240 bytes) and per SNP: as many whole TLVs as fit the MTU.
ENTRIES_PER_TLV = TLV_MAX // LSP_ENTRY
CSNP_ENTRIES = (LSP_MTU - CSNP_HEADER) // (2 + ENTRIES_PER_TLV * LSP_ENTRY) * ENTRIES_PER_TLV
PSNP_ENTRIES = (LSP_MTU - PSNP_HEADER) // (2 + ENTRIES_PER_TLV * LSP_ENTRY) * ENTRIES_PER_TLV

NARROW, WIDE = "narrow", "wide"
#: Largest metric on one link, and of a whole path (ISO 10589 MaxLinkMetric / MaxPathMetric; RFC 5305).
MAX_LINK_METRIC = {NARROW: 63, WIDE: 2**24 - 1}
MAX_PATH_METRIC = {NARROW: 1023, WIDE: 0xFE000000}


def _tlvs(count: int, per_item: int, per_tlv: int, extra: int = 0) -> int:
    """Bytes of ``count`` items of ``per_item`` bytes in TLVs of at most ``per_tlv`` items,
    each TLV with its 2-byte header and ``extra`` fixed bytes."""
    if count <= 0:
        return 0
    full, rest = divmod(count, per_tlv)
    tlvs = full + (1 if rest else 0)
    return tlvs * (2 + extra) + count * per_item


def prefix_length(dest: str) -> int:
    """``10.1.0.0/24`` → 24; a router loopback (named after the router) or no length → 32."""
    _addr, sep, plen = dest.rpartition("/")
    if sep and plen.isdigit():
        return min(int(plen), 32)
    return 32


def reachability_bytes(style: str, neighbors: int, prefixes: tuple[str, ...]) -> int:
    """The IS and IP reachability TLVs of an LSP listing ``neighbors`` and ``prefixes`` (the
    router's loopback included)."""
    if style == NARROW:
        return _tlvs(neighbors, 11, 23, extra=1) + _tlvs(len(prefixes), 12, 21)
    total = _tlvs(neighbors, 11, 23)
    tlv = 0  # extended IP reachability entries have variable size: fill TLVs greedily
    for dest in prefixes:
        entry = 5 + (prefix_length(dest) + 7) // 8
        if tlv and tlv + entry > TLV_MAX:
            total += 2 + tlv
            tlv = 0
        tlv += entry
    return total + (2 + tlv if tlv else 0)


def lsp_wire(body: int) -> tuple[int, int]:
    """(bytes on the wire, fragments) of an LSP whose TLVs take ``body`` bytes."""
    room = LSP_MTU - LSP_HEADER
    fragments = max(1, -(-body // room))
    return body + fragments * (LSP_HEADER + LLC), fragments


@record
class Lsp:
    """One router's LSP (all its fragments as one unit).

    ``links`` are (neighbour, metric) of its Up adjacencies, ``prefixes`` the (prefix, metric)
    stub prefixes it originates; ``born`` is when this instance was issued and ``lifetime`` the
    remaining lifetime it was issued with, so it expires at ``born + lifetime`` everywhere.
    A purge (``purge``) is the header alone, with remaining lifetime 0, kept ``lifetime``
    seconds (ZeroAgeLifetime) after ``born`` so that it can still be flooded and acknowledged.
    """

    origin: str
    seq: int
    links: tuple[tuple[str, float], ...]
    born: float
    lifetime: float
    prefixes: tuple[tuple[str, float], ...] = ()
    purge: bool = False
    style: str = WIDE
    #: Derived once when issued and shared by every router holding the instance (see Lsa).
    size: int = field(init=False, compare=False, repr=False)
    fragments: int = field(init=False, compare=False, repr=False)
    link_map: dict[str, float] = field(init=False, compare=False, repr=False)
    rank: int = field(init=False, compare=False, repr=False)
    #: ``(origin, rank)``: the PSNP entry acknowledging this instance, built once (see Lsa).
    key: tuple[str, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.purge:
            body = 0
        else:
            hostname = 2 + min(len(self.origin), TLV_MAX)
            dests = (self.origin, *(p for p, _m in self.prefixes))
            body = BASE_TLVS + hostname + reachability_bytes(self.style, len(self.links), dests)
        size, fragments = lsp_wire(body)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "fragments", fragments)
        object.__setattr__(self, "link_map", dict(self.links))
        # ISO 10589 §7.3.16: a higher sequence number is newer; at the same number a purge is.
        object.__setattr__(self, "rank", 2 * self.seq + (1 if self.purge else 0))
        object.__setattr__(self, "key", (self.origin, self.rank))

    @property
    def expires(self) -> float:
        return self.born + self.lifetime

    def purged(self, now: float, zero_age: float) -> Lsp:
        """This instance as a purge issued at ``now``: same number, no body, kept ``zero_age``."""
        return Lsp(self.origin, self.seq, (), now, zero_age, (), True, self.style)


def rank_words(rank: int) -> str:
    """A (origin-less) rank in words: ``seq 4`` or ``seq 4 (purge)``; 0 means no copy at all."""
    if rank <= 1:
        return "none"
    seq, purge = divmod(rank, 2)
    return f"seq {seq} (purge)" if purge else f"seq {seq}"


# -- PDUs (the messages on the wire; ``kind`` names them in captures and the replay) ---------------
@record
class Iih:
    """A point-to-point IS-IS hello with its three-way adjacency TLV (RFC 5303).

    ``state`` is the sender's three-way state for this circuit, ``neighbor`` the system it has
    heard on it (None before it has), ``hold`` the holding time the receiver must apply (the
    sender's hello interval × multiplier).
    """

    kind: ClassVar[str] = "isis-hello"
    state: str
    neighbor: str | None
    hold: float
    padded: bool = True


@record
class LspBurst:
    """The LSPs sent to one neighbour at one instant: one PDU per LSP fragment, back to back."""

    kind: ClassVar[str] = "isis-lsp"
    lsps: tuple[Lsp, ...]


@record
class Csnp:
    """A complete sequence numbers PDU: (origin, rank) of every LSP in the sender's database."""

    kind: ClassVar[str] = "isis-csnp"
    entries: tuple[tuple[str, int], ...]


@record
class Psnp:
    """A partial sequence numbers PDU: (origin, rank) entries acknowledging LSPs (the same rank as
    the receiver's copy) or asking for them (a lower rank; 0: no copy at all)."""

    kind: ClassVar[str] = "isis-psnp"
    entries: tuple[tuple[str, int], ...]


def iih_size(neighbor_known: bool, padded: bool) -> int:
    if padded:
        return LSP_MTU + LLC
    return LLC + IIH_HEADER + BASE_TLVS + 2 + (15 if neighbor_known else 5)


def burst_size(lsps: tuple[Lsp, ...]) -> tuple[int, int]:
    """(bytes, packets) of a burst of LSPs."""
    return sum(lsp.size for lsp in lsps), sum(lsp.fragments for lsp in lsps)


def snp_size(header: int, per_pdu: int, entries: int) -> tuple[int, int]:
    """(bytes, packets) of ``entries`` LSP entries in SNPs of ``header`` bytes, ``per_pdu`` entries each."""
    pdus = max(1, -(-entries // per_pdu))
    return pdus * (LLC + header) + _tlvs(entries, LSP_ENTRY, ENTRIES_PER_TLV), pdus


def csnp_size(entries: int) -> tuple[int, int]:
    return snp_size(CSNP_HEADER, CSNP_ENTRIES, entries)


def psnp_size(entries: int) -> tuple[int, int]:
    return snp_size(PSNP_HEADER, PSNP_ENTRIES, entries)
