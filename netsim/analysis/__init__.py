"""netsim.analysis."""
