"""The link-state packets (RFC 2328 App. A, point-to-point links) and their modelled sizes.

Sizes count the 20-byte IPv4 header and the 24-byte OSPF header, so the message and byte
metrics compare with what a capture of real routers would show.
"""

from __future__ import annotations

from dataclasses import field
from typing import ClassVar

from netsim.records import record

#: IPv4 (20) + OSPF common header (24).
OSPF_HDR = 44
#: An LSA header (RFC 2328 A.4.1), as carried in database descriptions and acks.
LSA_HEADER = 20


@record
class Lsa:
    """A router-LSA: its originator, sequence number, links (neighbour, cost of the link from the
    originator) and the stub prefixes it originates ((prefix, metric), ...)."""

    origin: str
    seq: int
    links: tuple[tuple[str, float], ...]
    born: float = 0.0
    prefixes: tuple[tuple[str, float], ...] = ()
    #: OSPF has no purges here (no MaxAge flushing); the shared flooding code asks.
    purge: ClassVar[bool] = False
    #: Derived once at origination and shared by every router that installs this instance:
    #: flooding handles each LSA millions of times in a large network.  ``rank`` orders instances
    #: of one origin for the shared flooding code: for OSPF, the sequence number; ``key`` is the
    #: ``(origin, rank)`` an acknowledgement carries, built once rather than per acknowledgement.
    size: int = field(init=False, compare=False, repr=False)
    link_map: dict[str, float] = field(init=False, compare=False, repr=False)
    rank: int = field(init=False, compare=False, repr=False)
    key: tuple[str, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", 24 + 12 * (len(self.links) + len(self.prefixes)))
        object.__setattr__(self, "link_map", dict(self.links))
        object.__setattr__(self, "rank", self.seq)
        object.__setattr__(self, "key", (self.origin, self.seq))


@record
class Hello:
    """Hello: keeps an adjacency alive; ``sees_you`` once the sender has heard us."""

    kind: ClassVar[str] = "hello"
    sees_you: bool


@record
class DbDescription:
    """Database description: the headers of every LSA the sender holds."""

    kind: ClassVar[str] = "dbd"
    headers: tuple[tuple[str, int], ...]
    have_yours: bool


@record
class LsUpdate:
    """Link-state update: LSAs flooded or requested."""

    kind: ClassVar[str] = "lsu"
    lsas: tuple[Lsa, ...]


@record
class LsAck:
    """Link-state acknowledgement of LSAs received."""

    kind: ClassVar[str] = "lsack"
    keys: tuple[tuple[str, int], ...]


def hello_size() -> int:
    return OSPF_HDR + 24


def dbd_size(headers: int) -> int:
    return OSPF_HDR + 8 + LSA_HEADER * headers


def update_size(lsas: tuple[Lsa, ...]) -> int:
    # A list rather than a generator: a large cold start sizes millions of LSA copies.
    return OSPF_HDR + 4 + sum([lsa.size for lsa in lsas])


def ack_size(keys: int) -> int:
    return OSPF_HDR + LSA_HEADER * keys
