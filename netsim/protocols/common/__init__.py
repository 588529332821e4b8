"""netsim.protocols.common."""
