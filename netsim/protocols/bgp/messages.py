"""BGP-4 messages (RFC 4271 §4) as frozen records, with their exact size on the wire.

Why sizes matter: the ``messages`` and ``bytes`` metrics are only honest if every UPDATE costs
what a real one costs.  Sizes follow the RFC encodings:

* every message starts with the 19-byte header (16-byte marker, 2-byte length, 1-byte type) and
  is at most 4,096 bytes long (§4.1);
* OPEN (§4.2) is 29 bytes plus optional parameters.  We advertise the three capabilities a
  modern IPv4 speaker sends: multiprotocol IPv4 unicast (RFC 4760), route refresh (RFC 2918)
  and 4-octet AS numbers (RFC 6793), each in its own optional parameter: 49 bytes in all;
* UPDATE (§4.3) is 23 bytes (header, withdrawn-routes length, total path-attribute length) plus
  the withdrawn prefixes, the path attributes and the NLRI prefixes.  A prefix is encoded as a
  length byte and just enough bytes to hold that many bits (a /32 loopback: 5 bytes).  Each path
  attribute has a 3-byte header (flags, type, 1-byte length) or 4 bytes with the extended-length
  flag when its value exceeds 255 bytes (§4.3);
* AS_PATH (§4.3, §5.1.2) is a list of AS_SEQUENCE segments of at most 255 AS numbers, each
  segment 2 bytes (type, count) plus 4 bytes per AS: both ends are "NEW" speakers exchanging
  4-octet AS numbers (RFC 6793 §4.1), so AS4_PATH never appears;
* NEXT_HOP, MULTI_EXIT_DISC and LOCAL_PREF values are 4 bytes, ORIGIN is 1 byte;
  LOCAL_PREF is only ever sent to internal peers (§5.1.5), MED only when configured or passed
  on inside the AS; COMMUNITIES (RFC 1997) are 4 bytes each, or 12 bytes each as LARGE_COMMUNITY
  (RFC 8092) when the AS number needs 4 bytes -- only iBGP UPDATEs carry them here;
* KEEPALIVE (§4.4) is the bare 19-byte header; NOTIFICATION (§4.5) is 21 bytes plus data.

The TCP/IP cost of carrying them is added by :mod:`netsim.protocols.bgp.transport`.
Prefixes are destination names (each router originates its loopback, a /32); their encoded
length comes from :data:`PREFIX_LENGTH`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from typing import ClassVar

from netsim.records import record

HEADER = 19
MAX_MESSAGE = 4096
OPEN_FIXED = 29
UPDATE_FIXED = 23
NOTIFICATION_FIXED = 21
#: Optional parameters of our OPEN: three capabilities, each as its own parameter (type 2):
#: multiprotocol (code 1, 4 bytes), route refresh (code 2, 0 bytes), 4-octet AS (code 65, 4 bytes).
OPEN_CAPABILITIES = (2 + 2 + 4) + (2 + 2 + 0) + (2 + 2 + 4)
#: Every destination is a router loopback, a /32.
PREFIX_LENGTH = 32
#: AS_TRANS (RFC 6793): what the 2-byte "My Autonomous System" field of an OPEN carries for a
#: 4-byte AS number.
AS_TRANS = 23456

# ORIGIN values (§4.3 b): lower is preferred by the decision process.
IGP, EGP, INCOMPLETE = 0, 1, 2
ORIGIN_NAMES = {IGP: "IGP", EGP: "EGP", INCOMPLETE: "INCOMPLETE"}

# NOTIFICATION error codes (§4.5) and the Cease subcode for an administrative shutdown (RFC 4486).
HOLD_TIMER_EXPIRED = 4
FSM_ERROR = 5
CEASE = 6
ADMIN_SHUTDOWN = 2
ERROR_NAMES = {HOLD_TIMER_EXPIRED: "Hold Timer Expired", FSM_ERROR: "Finite State Machine Error",
               CEASE: "Cease"}


def prefix_size(length: int = PREFIX_LENGTH) -> int:
    """Bytes of one encoded prefix: a length byte and ceil(length / 8) address bytes."""
    return 1 + (length + 7) // 8


def attribute_size(value: int) -> int:
    """Bytes of one path attribute whose value is ``value`` bytes (extended length above 255)."""
    return value + (3 if value <= 255 else 4)


def as_path_value_size(path: Sequence[int]) -> int:
    """Value bytes of an AS_PATH made of AS_SEQUENCE segments of at most 255 four-byte ASNs."""
    n = len(path)
    segments = (n + 254) // 255
    return 2 * segments + 4 * n


@record
class PathAttributes:
    """The attributes an UPDATE carries for its NLRI.

    ``next_hop`` is the sender's address on the shared link (eBGP, §5.1.3), or, inside an AS,
    the address the route left by (§5.1.3: unchanged over iBGP).  ``local_pref`` is None on eBGP
    sessions (never sent to external peers); ``med`` is None unless configured.
    ``communities`` are ``(asn, value)`` pairs (sent to internal peers only).
    """

    as_path: tuple[int, ...]
    next_hop: str
    origin: int = IGP
    med: int | None = None
    local_pref: int | None = None
    communities: tuple[tuple[int, int], ...] = ()
    size: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        total = attribute_size(1) + attribute_size(as_path_value_size(self.as_path)) + attribute_size(4)
        if self.med is not None:
            total += attribute_size(4)
        if self.local_pref is not None:
            total += attribute_size(4)
        if self.communities:
            standard = sum(1 for asn, _v in self.communities if asn <= 0xFFFF)
            large = len(self.communities) - standard
            if standard:
                total += attribute_size(4 * standard)
            if large:
                total += attribute_size(12 * large)
        object.__setattr__(self, "size", total)


@record
class Open:
    """OPEN (§4.2): version 4, the sender's AS, proposed hold time and BGP identifier."""

    kind: ClassVar[str] = "bgp-open"
    asn: int
    hold_time: float
    bgp_id: int

    @property
    def size(self) -> int:
        return OPEN_FIXED + OPEN_CAPABILITIES

    @property
    def my_as_field(self) -> int:
        """What the 2-byte My Autonomous System field carries (AS_TRANS for a 4-byte ASN)."""
        return self.asn if self.asn <= 0xFFFF else AS_TRANS


@record
class Keepalive:
    """KEEPALIVE (§4.4): the header alone."""

    kind: ClassVar[str] = "bgp-keepalive"

    @property
    def size(self) -> int:
        return HEADER


@record
class Notification:
    """NOTIFICATION (§4.5): an error code and subcode; the session closes after it."""

    kind: ClassVar[str] = "bgp-notification"
    code: int
    subcode: int = 0
    data_size: int = 0

    @property
    def size(self) -> int:
        return NOTIFICATION_FIXED + self.data_size

    def describe(self) -> str:
        return ERROR_NAMES.get(self.code, f"error {self.code}")


@record
class Update:
    """UPDATE (§4.3): withdrawn prefixes, and prefixes (NLRI) announced with one attribute set."""

    kind: ClassVar[str] = "bgp-update"
    withdrawn: tuple[str, ...] = ()
    attrs: PathAttributes | None = None
    nlri: tuple[str, ...] = ()
    size: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.nlri and self.attrs is None:
            raise ValueError("an UPDATE announcing prefixes needs path attributes")
        p = prefix_size()
        attrs = self.attrs.size if self.attrs is not None and self.nlri else 0
        object.__setattr__(self, "size", UPDATE_FIXED + p * (len(self.withdrawn) + len(self.nlri)) + attrs)


def pack_updates(withdrawn: Iterable[str], announced: Mapping[PathAttributes, Sequence[str]]) -> list[Update]:
    """The fewest UPDATEs that carry these withdrawals and announcements within 4,096 bytes each.

    Withdrawals ride in the first messages (as implementations do, and as §9.2 allows), then one
    message per distinct attribute set, split when its NLRI would overflow the maximum size.
    """
    p = prefix_size()
    out: list[Update] = []
    gone = list(withdrawn)
    room = (MAX_MESSAGE - UPDATE_FIXED) // p
    while len(gone) > room:
        out.append(Update(withdrawn=tuple(gone[:room])))
        gone = gone[room:]
    for attrs, prefixes in announced.items():
        per = max(1, (MAX_MESSAGE - UPDATE_FIXED - attrs.size) // p)
        todo = list(prefixes)
        while todo:
            take = min(len(todo), max(1, per - len(gone)))
            out.append(Update(withdrawn=tuple(gone), attrs=attrs, nlri=tuple(todo[:take])))
            gone = []
            todo = todo[take:]
    if gone:
        out.append(Update(withdrawn=tuple(gone)))
    return out


BgpMessage = Open | Keepalive | Update | Notification
