"""netsim.scenario."""
