"""netsim.topology."""
