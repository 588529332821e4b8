"""netsim.studies."""
