"""Distance-vector routing in the style of RIPv2 (RFC 2453)."""

from netsim.protocols.distvector.protocol import DistanceVector

__all__ = ["DistanceVector"]
