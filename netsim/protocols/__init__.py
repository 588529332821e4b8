"""Routing protocols.  Each built-in protocol's package is imported the first time the protocol is
asked for (:data:`netsim.protocols.base.BUILTIN`); importing it registers it."""

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
