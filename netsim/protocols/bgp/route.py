"""A route as the decision process sees it: the path attributes plus where it was learned."""

from __future__ import annotations

from netsim.protocols.bgp.messages import IGP
from netsim.records import record

#: Relationship of a neighbour *as seen from this router*, and the pseudo-relationship of the
#: routes a router originates itself.
CUSTOMER, PEER, PROVIDER, OWN, UNSPECIFIED = "customer", "peer", "provider", "own", "unspecified"
#: The relationship of an iBGP peer: a router of our own AS.
INTERNAL = "internal"
#: Community values (RFC 1997) with which a border router tags an eBGP-learned route for its
#: internal peers, so that every router of the AS applies the export policy of the relationship
#: the route entered by (operators implement Gao–Rexford inside an AS the same way).
RELATIONSHIP_TAGS = {CUSTOMER: 1, PEER: 2, PROVIDER: 3}
TAG_RELATIONSHIPS = {v: k for k, v in RELATIONSHIP_TAGS.items()}


@record
class BgpRoute:
    """One route to one prefix in an Adj-RIB-In (after import policy) or the Loc-RIB.

    ``peer`` is the neighbour router it came from (None for a route this router originates);
    ``peer_asn`` the neighbouring AS (for the MED comparison), ``peer_id`` its BGP identifier and
    ``peer_address`` its address on the shared link (the last two break ties, RFC 4271 §9.1.2.2
    f-g).  ``learned_from`` is the neighbour's relationship to us, which the export policy needs.
    ``igp_cost`` is the IGP distance to ``next_hop`` (0 for a directly connected eBGP peer,
    infinite while the IGP cannot reach it).  For a route learned over iBGP, ``peer`` is the
    internal router that advertised it (its exit from the AS), ``peer_asn`` the neighbouring AS
    the route entered by, and ``learned_from`` the relationship it entered by.
    """

    as_path: tuple[int, ...]
    local_pref: int
    peer: str | None
    peer_asn: int
    peer_id: int
    peer_address: int
    learned_from: str
    next_hop: str = ""
    origin: int = IGP
    med: int | None = None
    ebgp: bool = True
    igp_cost: float = 0.0


def own_route() -> BgpRoute:
    """The route a speaker holds for a prefix it originates: empty AS path, no peer."""
    return BgpRoute((), 0, None, 0, 0, 0, OWN)
