"""RIPv2 messages (RFC 2453 §4) and their sizes on the wire."""

from __future__ import annotations

from typing import ClassVar

from netsim.records import record

#: Bytes on the wire: IPv4 (20) + UDP (8) + RIP header (4), then 20 per route entry;
#: at most 25 entries per packet (RFC 2453 §4).
RIP_OVERHEAD = 32
RIP_ENTRY = 20
RIP_MAX_ENTRIES = 25


@record
class RipResponse:
    """A vector of (destination, metric): the whole table (periodic) or the changes (triggered)."""

    kind: ClassVar[str] = "rip-response"
    entries: tuple[tuple[str, float], ...]
    triggered: bool = False


@record
class RipRequest:
    """"Send me your whole table" (sent at boot and when an interface comes up)."""

    kind: ClassVar[str] = "rip-request"


def response_packets(entries: int) -> int:
    """How many packets a vector of ``entries`` routes takes (25 per packet)."""
    return -(-entries // RIP_MAX_ENTRIES)


def response_size(entries: int) -> int:
    return response_packets(entries) * RIP_OVERHEAD + entries * RIP_ENTRY


REQUEST_SIZE = RIP_OVERHEAD + RIP_ENTRY
