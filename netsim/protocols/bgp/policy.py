"""Routing policy: Gao–Rexford import preferences and valley-free export, plus prefix filters.

Gao & Rexford ("Stable Internet routing without global coordination", IEEE/ACM ToN 2001) showed
that if every AS

* prefers routes learned from customers over routes from peers over routes from providers
  (here through LOCAL_PREF, 200 / 100 / 50 by default), and
* exports routes learned from peers and providers only to its customers, while exporting its
  own routes and its customers' routes to everyone ("valley-free"),

and no AS is (transitively) its own provider, then BGP converges to a unique stable routing.
That result is what makes :mod:`netsim.analysis.oracle.gao_rexford` an independent truth.

With policy ``none`` every neighbour gets LOCAL_PREF 100 and every route is exported to every
neighbour: plain shortest-AS-path routing, the setting of the classic clique experiments.

Operators can add, per neighbour, a LOCAL_PREF override and import/export filters
(:class:`RouteFilter`): an ordered list of permit/deny rules matching prefixes and, optionally,
an exact AS path; the first match wins, a route no rule matches is denied (as a router's prefix
list), and a permitting import rule may set LOCAL_PREF (as a route map).  That is enough to
write Griffin, Shepherd & Wilfong's gadgets, whose nodes rank specific paths.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from netsim.protocols.bgp.messages import PathAttributes
from netsim.protocols.bgp.route import CUSTOMER, INTERNAL, OWN, PEER, PROVIDER, RELATIONSHIP_TAGS, BgpRoute
from netsim.records import record

GAO_REXFORD = "gao_rexford"
NO_POLICY = "none"
#: Sender-side loop checks (see :mod:`netsim.protocols.bgp.speaker`).
SSLD_OFF, SSLD_SOURCE, SSLD_PATH = "off", "source", "path"


@record
class LocalPrefs:
    """LOCAL_PREF given at import, by the neighbour's relationship to us."""

    customer: int = 200
    peer: int = 100
    provider: int = 50
    default: int = 100

    def of(self, relationship: str) -> int:
        if relationship == CUSTOMER:
            return self.customer
        if relationship == PEER:
            return self.peer
        if relationship == PROVIDER:
            return self.provider
        return self.default


def import_local_pref(relationship: str, mode: str, prefs: LocalPrefs, override: int | None) -> int:
    """The LOCAL_PREF of a route learned from a neighbour with this relationship."""
    if override is not None:
        return override
    return prefs.of(relationship) if mode == GAO_REXFORD else prefs.default


def may_export(learned_from: str, to: str, mode: str) -> bool:
    """Valley-free export (Gao–Rexford): own and customer routes to everyone, the rest only to
    customers -- and every route to the routers of our own AS, which apply the policy at their
    own borders.  Without policy, everything goes everywhere."""
    if mode != GAO_REXFORD:
        return True
    return learned_from in (OWN, CUSTOMER) or to in (CUSTOMER, INTERNAL)


def export_attributes(route: BgpRoute, my_asn: int, next_hop: str, med: int | None) -> PathAttributes:
    """What we send an external peer for ``route``: our AS prepended (§5.1.2), ourselves as next
    hop (§5.1.3), no LOCAL_PREF (§5.1.5), and a MED only if configured for that neighbour (a MED
    received from one AS is never passed on to another, §5.1.4)."""
    return PathAttributes((my_asn, *route.as_path), next_hop, route.origin, med)


def internal_attributes(route: BgpRoute, my_asn: int, my_address: str, next_hop_self: bool, default_lp: int,
                        mode: str) -> PathAttributes:
    """What we send an internal (iBGP) peer for ``route``: the AS path unchanged, NEXT_HOP
    unchanged (§5.1.3) -- or our own loopback for routes we originate, or always with
    next-hop-self --, LOCAL_PREF (§5.1.5; our default for our own routes), the MED received from
    the neighbouring AS (§5.1.4), and under Gao–Rexford a community naming the relationship the
    route entered by (customer, peer, provider: ``RELATIONSHIP_TAGS``)."""
    own = route.peer is None
    next_hop = my_address if own or next_hop_self else route.next_hop
    tag = RELATIONSHIP_TAGS.get(route.learned_from) if mode == GAO_REXFORD and route.ebgp and not own else None
    return PathAttributes(route.as_path, next_hop, route.origin, route.med,
                          default_lp if own else route.local_pref, () if tag is None else ((my_asn, tag),))


@record
class FilterRule:
    """Permit or deny routes to the prefixes matching any of ``names`` (destination routers),
    ``networks`` (a prefix and everything inside it), or everything when ``any``; optionally only
    routes whose AS path is exactly ``as_path`` (an AS-path access list).  A permitting import
    rule may set ``local_pref`` (a route map)."""

    permit: bool
    names: frozenset[str] = frozenset()
    networks: tuple[ipaddress.IPv4Network, ...] = ()
    any: bool = False
    as_path: tuple[int, ...] | None = None
    local_pref: int | None = None

    def matches(self, prefix: str, address: ipaddress.IPv4Address | None, as_path: tuple[int, ...] | None) -> bool:
        if self.as_path is not None and as_path != self.as_path:
            return False
        if self.any or prefix in self.names:
            return True
        return address is not None and any(address in net for net in self.networks)

    def describe(self) -> str:
        what = ["any"] if self.any else sorted(self.names) + [str(n) for n in self.networks]
        text = f"{'permit' if self.permit else 'deny'} {', '.join(what)}"
        if self.as_path is not None:
            text += " with AS path [" + " ".join(str(a) for a in self.as_path) + "]"
        if self.local_pref is not None:
            text += f", local_pref {self.local_pref}"
        return text


@record
class RouteFilter:
    """An ordered filter: the first matching rule decides; no match denies (as a prefix list)."""

    rules: tuple[FilterRule, ...]

    def decide(self, prefix: str, address: ipaddress.IPv4Address | None,
               as_path: tuple[int, ...] | None = None) -> tuple[bool, FilterRule | None]:
        """(permitted, the rule that decided; None for the implicit deny)."""
        for rule in self.rules:
            if rule.matches(prefix, address, as_path):
                return rule.permit, rule
        return False, None

    @classmethod
    def of(cls, rules: Sequence[FilterRule]) -> RouteFilter:
        return cls(tuple(rules))


def rule_text(rule: FilterRule | None) -> str:
    return rule.describe() if rule is not None else "no rule matches (implicit deny)"
