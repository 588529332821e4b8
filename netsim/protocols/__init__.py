"""Routing protocols.  Importing this package registers every built-in protocol."""

from netsim.protocols import bgp, distvector, eigrp, isis, linkstate, static  # noqa: F401  (registration)
from netsim.protocols.base import (
    PROTOCOLS,
    Interface,
    Option,
    Protocol,
    RouterPort,
    canonical_name,
    get_protocol,
    known_names,
    register,
    validate_options,
)

__all__ = [
    "PROTOCOLS", "Interface", "Option", "Protocol", "RouterPort", "canonical_name", "get_protocol",
    "known_names", "register", "validate_options",
]
