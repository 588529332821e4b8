"""netsim.analysis.oracle."""
