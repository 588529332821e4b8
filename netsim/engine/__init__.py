"""netsim.engine."""
