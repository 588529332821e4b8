"""Link-state routing in the style of OSPFv2 (RFC 2328)."""

from netsim.protocols.linkstate.protocol import LinkState

__all__ = ["LinkState"]
