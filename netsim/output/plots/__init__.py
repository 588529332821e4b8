"""netsim.output.plots."""
