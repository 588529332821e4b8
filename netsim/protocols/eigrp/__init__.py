"""EIGRP (RFC 7868): the Diffusing Update Algorithm with feasible successors.

Importing this package registers the protocol under the name ``eigrp``.
"""

from netsim.protocols.eigrp.protocol import Eigrp

__all__ = ["Eigrp"]
