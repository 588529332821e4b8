"""BGP-4 between autonomous systems.  Importing the package registers the protocol."""

from netsim.protocols.bgp.protocol import Bgp

__all__ = ["Bgp"]
