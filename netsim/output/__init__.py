"""netsim.output."""
