"""IS-IS (ISO 10589, RFC 1195), one level, point-to-point circuits."""

from netsim.protocols.isis.protocol import Isis

__all__ = ["Isis"]
