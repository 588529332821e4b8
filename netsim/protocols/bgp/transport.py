"""The TCP connection under a BGP session, modelled as far as convergence depends on it.

What is modelled, and why:

* **Handshake.** A connection exists only after a real exchange over the link: the active end
  sends SYN, the passive end answers SYN-ACK, and the active end's first data segment (its OPEN,
  carrying the final ACK) confirms the connection at the passive end.  The handshake therefore
  takes exactly the link's delays, and fails when the link does.
* **Roles.** The end with the higher BGP identifier connects, the other listens.  This is the
  outcome RFC 4271 §6.8 connection-collision detection reaches anyway (the connection opened by
  the higher identifier survives), without modelling the connection that would be closed.
* **Identity.** Each connection has an id, ``(initiator, time of its SYN, attempt)``.  A segment
  for a connection the receiver no longer has (it restarted, or closed its side) is answered
  with RST, as a TCP stack does; that is how a router that rebooted quickly tears down the stale
  session its neighbour still holds, long before the hold timer would.
* **Reliability and order** come from the link (per-direction FIFO) for an eBGP session, which
  runs over one link: loss on it is *not* recovered by retransmission (eBGP over a lossy link is
  outside this model).  An iBGP session's segments cross several hops along the FIBs, and get
  TCP's retransmission from :mod:`netsim.protocols.bgp.reliable`.

Sizes: every segment carries a 20-byte IPv4 header and a 20-byte TCP header (no options);
each BGP message travels in its own segment.  Real stacks may coalesce several small messages
into one segment and send pure ACKs, which are not counted here.
"""

from __future__ import annotations

from typing import ClassVar

from netsim.protocols.bgp.messages import BgpMessage
from netsim.records import record

IP_TCP_OVERHEAD = 20 + 20

#: (initiator router, time its SYN was sent, attempt number at that router)
ConnId = tuple[str, float, int]


@record
class Syn:
    """TCP SYN: opens the session's connection."""

    kind: ClassVar[str] = "tcp-syn"
    conn: ConnId

    @property
    def size(self) -> int:
        return IP_TCP_OVERHEAD


@record
class SynAck:
    """TCP SYN-ACK: the passive side accepts the connection."""

    kind: ClassVar[str] = "tcp-syn-ack"
    conn: ConnId

    @property
    def size(self) -> int:
        return IP_TCP_OVERHEAD


@record
class Rst:
    """TCP RST: the connection is refused or torn down."""

    kind: ClassVar[str] = "tcp-rst"
    conn: ConnId

    @property
    def size(self) -> int:
        return IP_TCP_OVERHEAD


@record
class Segment:
    """One BGP message in a data segment of connection ``conn``."""

    conn: ConnId
    msg: BgpMessage

    @property
    def kind(self) -> str:
        return self.msg.kind

    @property
    def size(self) -> int:
        return self.msg.size + IP_TCP_OVERHEAD


Packet = Syn | SynAck | Rst | Segment
