"""Everything a BGP speaker reads from the scenario, gathered in one place.

:func:`build_configs` turns the initial topology and the protocol options into one frozen
:class:`SpeakerConfig` per router -- the configuration an operator would write -- and is the
only code that reads graph attributes.  Conventions:

* node attribute ``asn`` (int, 1 .. 4,294,967,295); routers without one get ``index + 1`` in
  sorted name order.  Several routers may share an AS: they run iBGP in a full mesh over an IGP
  that runs on the links inside the AS (:class:`IgpConfig`); those links carry no relationship,
  and the routers of one AS must be connected by them;
* edge attribute ``relationship`` on links between ASes: ``p2c`` (with ``provider`` naming the
  provider end) or ``p2p`` (settlement-free peers);
* node attribute ``bgp`` (optional), a mapping::

      originate: true                  # announce this router's own loopback (default true)
      next_hop_self: false             # to internal peers, NEXT_HOP = our loopback (default: unchanged)
      neighbors:
        r2:
          local_pref: 300              # overrides the relationship-based LOCAL_PREF
          import: [{deny: [r5, 10.255.0.0/30]}, {permit: any}]
          export: [{permit: r1}]       # first match wins; no match denies
          # a rule may also match an exact AS path and, on import, set LOCAL_PREF:
          #   {permit: any, as_path: [2, 1], local_pref: 200}
          med: 10                      # MULTI_EXIT_DISC sent to r2

Router IDs and addresses come from :class:`netsim.topology.addressing.Addressing`: the loopback
is the BGP identifier and the source of iBGP sessions, the /31 of a link gives both ends' eBGP
NEXT_HOP addresses.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import field
from typing import Any

from netsim.errors import NetsimError
from netsim.protocols.bgp.mrai import MraiConfig
from netsim.protocols.bgp.policy import GAO_REXFORD, NO_POLICY, FilterRule, LocalPrefs, RouteFilter
from netsim.protocols.bgp.route import CUSTOMER, INTERNAL, PEER, PROVIDER, UNSPECIFIED
from netsim.protocols.common.damping import DampingParams
from netsim.records import record
from netsim.topology.addressing import Addressing
from netsim.topology.graph import Graph, connected_components

MAX_ASN = 4_294_967_295
P2C, P2P = "p2c", "p2p"
NEIGHBOR_KEYS = ("local_pref", "import", "export", "med")
ROUTER_KEYS = ("originate", "next_hop_self", "neighbors")
#: The IGP that runs inside ASes of several routers.
IGP = "linkstate"


@record
class Timers:
    """Session timers (s).  Defaults: RFC 4271 §10's suggested hold 90 s and keepalive 30 s
    (FRRouting and Cisco IOS ship 180 s / 60 s), ConnectRetry 120 s (RFC 4271 and FRRouting),
    the 4-minute OpenSent hold time RFC 4271 §8.2.2 suggests, and FRRouting's 1 s start timer
    before an automatic restart."""

    keepalive: float = 30.0
    hold: float = 90.0
    connect_retry: float = 120.0
    idle_hold: float = 1.0
    open_hold: float = 240.0
    jitter: bool = True


@record
class BgpOptions:
    """The protocol options, parsed once."""

    timers: Timers
    mrai: MraiConfig
    mrai_ibgp: MraiConfig
    policy: str
    prefs: LocalPrefs
    damping: DampingParams | None
    damping_attr_penalty: float
    update_delay: tuple[float, float]
    ssld: str


@record
class NeighborConfig:
    """One configured neighbour.  ``relationship`` is the neighbour's role towards us."""

    name: str
    asn: int
    router_id: int
    address: str
    local_address: str
    relationship: str
    active: bool
    local_pref: int | None = None
    import_filter: RouteFilter | None = None
    export_filter: RouteFilter | None = None
    med: int | None = None
    ebgp: bool = True
    #: ``address`` as an integer (the decision process's last tie-break compares it).
    address_int: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "address_int", int(ipaddress.IPv4Address(self.address)))


@record
class IgpConfig:
    """What a router of an AS of several routers needs besides BGP: the IGP it runs and where.

    ``interfaces`` are its links inside the AS (the IGP runs there and nowhere else);
    ``stubs`` the subnets of its links to other ASes, which it advertises into the IGP at
    metric 0 so that the AS's routers can resolve the eBGP next hops on them (the OSPF
    ``passive-interface`` practice); ``hidden`` every such subnet of the AS (they serve next-hop
    resolution and stay out of the FIB); ``next_hop_keys`` maps any BGP next-hop address
    (a loopback or a link address) to the IGP destination that reaches it (shared by all
    routers); ``loopback`` is this router's loopback (its iBGP sessions' source address).
    """

    protocol: str
    interfaces: frozenset[str]
    stubs: tuple[str, ...]
    hidden: frozenset[str]
    next_hop_keys: Mapping[str, str]
    loopback: str
    next_hop_self: bool = False


@record
class SpeakerConfig:
    """One BGP speaker's configuration: AS, router id, options, neighbours and what it originates."""

    name: str
    asn: int
    router_id: int
    options: BgpOptions
    neighbors: Mapping[str, NeighborConfig]
    originate: tuple[str, ...]
    #: Every destination's address (its loopback), shared by all routers, for prefix filters.
    addresses: Mapping[str, ipaddress.IPv4Address]
    #: The converged state to start from (a :class:`~netsim.protocols.bgp.warm.WarmSnapshot`), or None.
    warm: Any = None
    #: The IGP inside this router's AS when the AS has several routers, else None (eBGP only).
    igp: IgpConfig | None = None


def parse_options(options: Mapping[str, Any], graph: Graph | None = None, *,
                  policy: str | None = None) -> BgpOptions:
    """The options parsed once; ``policy`` (already resolved) spares the graph lookup that
    ``auto`` needs (a router re-parses its own options with the network's resolved policy)."""
    o = options
    timers = Timers(float(o["keepalive"]), float(o["hold"]), float(o["connect_retry"]), float(o["idle_hold"]),
                    float(o["open_hold"]), bool(o["timer_jitter"]))
    per_prefix = o["mrai_mode"] == "per_prefix"
    mrai = MraiConfig(float(o["mrai"]), bool(o["mrai_jitter"]), bool(o["wrate"]), per_prefix)
    mrai_ibgp = MraiConfig(float(o["mrai_ibgp"]), bool(o["mrai_jitter"]), bool(o["wrate"]), per_prefix)
    damping = DampingParams(float(o["damping_penalty"]), float(o["damping_suppress"]), float(o["damping_reuse"]),
                            float(o["damping_half_life"]), float(o["damping_max_suppress"])) \
        if o["damping"] else None
    prefs = LocalPrefs(int(o["lp_customer"]), int(o["lp_peer"]), int(o["lp_provider"]))
    resolved = policy if policy is not None else resolve_policy(str(o["policy"]), graph)
    return BgpOptions(timers, mrai, mrai_ibgp, resolved, prefs, damping,
                      float(o["damping_attr_penalty"]), (float(o["update_delay_min"]), float(o["update_delay_max"])),
                      str(o["ssld"]))


def resolve_policy(policy: str, graph: Graph) -> str:
    """``auto``: Gao–Rexford when every link between ASes has a relationship, none when no link
    has one (links inside an AS never have one)."""
    asn = asns(graph)
    external = [(str(u), str(v), d) for u, v, d in graph.edges(data=True) if asn[str(u)] != asn[str(v)]]
    tagged = [tuple(sorted((u, v))) for u, v, d in external if "relationship" in d]
    if policy == NO_POLICY:
        return NO_POLICY
    if policy == "auto" and not tagged:
        return NO_POLICY
    if len(tagged) != len(external):
        missing = sorted(tuple(sorted((u, v))) for u, v, d in external if "relationship" not in d)
        a, b = missing[0]
        raise NetsimError(f"link {a}–{b}: no relationship (p2c or p2p), needed by bgp policy {GAO_REXFORD}; "
                          f"{len(missing)} link(s) lack one (set bgp policy: none for plain shortest AS paths)")
    return GAO_REXFORD


def relationships(graph: Graph) -> dict[tuple[str, str], str]:
    """(me, neighbour) -> the neighbour's relationship to me, from the edge attributes."""
    out: dict[tuple[str, str], str] = {}
    for u, v, d in graph.edges(data=True):
        a, b = str(u), str(v)
        rel = d.get("relationship")
        if rel is None:
            out[(a, b)] = out[(b, a)] = UNSPECIFIED
        elif rel == P2P:
            out[(a, b)] = out[(b, a)] = PEER
        elif rel == P2C:
            provider = d.get("provider")
            if provider is None or str(provider) not in (a, b):
                raise NetsimError(f"link {a}–{b}: relationship p2c needs 'provider' naming {a} or {b}, "
                                  f"got {provider!r}")
            cust = b if str(provider) == a else a
            out[(str(provider), cust)] = CUSTOMER
            out[(cust, str(provider))] = PROVIDER
        else:
            raise NetsimError(f"link {a}–{b}: relationship must be p2c or p2p, got {rel!r}")
    return out


def asns(graph: Graph) -> dict[str, int]:
    """Every router's AS number (explicit ``asn`` attribute, else index + 1 in name order)."""
    out = {}
    for i, name in enumerate(sorted(str(n) for n in graph.nodes)):
        value = graph.nodes[name].get("asn", i + 1) if name in graph else i + 1
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ASN:
            raise NetsimError(f"router {name}: asn must be a whole number from 1 to {MAX_ASN}, got {value!r}")
        out[name] = value
    return out


def _str_names(graph: Graph) -> Graph:
    """The graph with every router named by ``str`` (a graph built in Python may use numbers)."""
    g = Graph(**graph.graph)
    g.add_nodes_from((str(n), dict(d)) for n, d in graph.nodes(data=True))
    g.add_edges_from((str(u), str(v), dict(d)) for u, v, d in graph.edges(data=True))
    return g


def build_configs(graph: Graph, options: Mapping[str, Any]) -> dict[str, SpeakerConfig]:
    """One :class:`SpeakerConfig` per router of ``graph``."""
    g = _str_names(graph) if any(not isinstance(n, str) for n in graph) else graph
    asn = asns(g)
    members = as_members(g, asn)
    opts = parse_options(options, g)
    multi = {a for a, routers in members.items() if len(routers) > 1}
    if multi and options.get("warm_start"):
        a = min(multi)
        raise NetsimError(f"bgp warm_start: AS{a} has several routers ({', '.join(members[a])}); the warm start "
                          f"covers one router per AS only (start cold instead)")
    rel = relationships(g)
    addr = Addressing.of_graph(g)
    rid = {r: int(addr.router_id(r)) for r in addr.routers}
    loopbacks = {r: addr.loopback(r) for r in addr.routers}
    nh_keys = next_hop_keys(g, addr) if multi else {}
    stubs = {a: frozenset(str(addr.link_subnet(u, v)) for u, v in g.edges
                          if asn[u] != asn[v] and a in (asn[u], asn[v])) for a in multi}
    out = {}
    for me in addr.routers:
        spec = _router_spec(me, g.nodes[me].get("bgp"))
        given = spec.get("neighbors", {})
        peers = sorted({*g[me], *(members[asn[me]] if asn[me] in multi else ())} - {me})
        nbrs = {}
        for nb in peers:
            nspec = _neighbor_spec(me, nb, given.get(nb))
            external = asn[nb] != asn[me]
            nbrs[nb] = NeighborConfig(
                name=nb, asn=asn[nb], router_id=rid[nb],
                address=str(addr.interface_address(nb, me) if external else loopbacks[nb]),
                local_address=str(addr.interface_address(me, nb) if external else loopbacks[me]),
                relationship=rel[(me, nb)] if external else INTERNAL,
                active=rid[me] > rid[nb], local_pref=nspec.get("local_pref"),
                import_filter=nspec.get("import"), export_filter=nspec.get("export"), med=nspec.get("med"),
                ebgp=external)
        unknown = set(given) - set(nbrs)
        if unknown:
            raise NetsimError(f"router {me}: bgp.neighbors.{sorted(unknown)[0]}: not a neighbour of {me} "
                              f"(neighbours: {', '.join(sorted(nbrs)) or 'none'})")
        originate = (me,) if spec.get("originate", True) else ()
        igp = None
        if asn[me] in multi:
            igp = IgpConfig(IGP, frozenset(nb for nb in g[me] if asn[nb] == asn[me]),
                            tuple(sorted(str(addr.link_subnet(me, nb)) for nb in g[me] if asn[nb] != asn[me])),
                            stubs[asn[me]], nh_keys, str(loopbacks[me]), bool(spec.get("next_hop_self", False)))
        out[me] = SpeakerConfig(me, asn[me], rid[me], opts, nbrs, originate, loopbacks, igp=igp)
    return out


def as_members(graph: Graph, asn: Mapping[str, int]) -> dict[int, tuple[str, ...]]:
    """Every AS's routers, sorted; refuses an AS whose routers its own links do not connect
    (iBGP runs over the AS's IGP), and relationships on links inside an AS."""
    members: dict[int, list[str]] = {}
    for r in sorted(asn):
        members.setdefault(asn[r], []).append(r)
    for u, v, d in graph.edges(data=True):
        if asn[u] == asn[v] and "relationship" in d:
            a, b = sorted((u, v))
            raise NetsimError(f"link {a}–{b}: both routers are in AS{asn[u]}; a link inside an AS has no business "
                              f"relationship (remove relationship: {d['relationship']})")
    for a, routers in members.items():
        if len(routers) < 2:
            continue
        inside = Graph()
        inside.add_nodes_from(routers)
        inside.add_edges_from((u, v) for u, v in graph.edges if asn[u] == asn[v] == a)
        parts = sorted(sorted(c) for c in connected_components(inside))
        if len(parts) > 1:
            raise NetsimError(f"AS{a}: routers {', '.join(parts[0])} and {', '.join(parts[1])} are not connected by "
                              f"links inside the AS; iBGP runs over the AS's IGP, which needs them connected")
    return {a: tuple(r) for a, r in members.items()}


def next_hop_keys(graph: Graph, addr: Addressing) -> dict[str, str]:
    """BGP next-hop address -> the IGP destination that reaches it: a loopback is its router,
    an interface address the /31 of its link (advertised into the IGP as a stub)."""
    out = {str(addr.loopback(r)): r for r in addr.routers}
    for u, v in graph.edges:
        net = str(addr.link_subnet(u, v))
        out[str(addr.interface_address(u, v))] = net
        out[str(addr.interface_address(v, u))] = net
    return out


def _router_spec(me: str, spec: Any) -> dict[str, Any]:
    if spec is None:
        return {}
    if not isinstance(spec, Mapping):
        raise NetsimError(f"router {me}: bgp must be a mapping (originate, neighbors), got {spec!r}")
    for key in spec:
        if key not in ROUTER_KEYS:
            raise NetsimError(f"router {me}: bgp.{key}: unknown key (expected {', '.join(ROUTER_KEYS)})")
    for key in ("originate", "next_hop_self"):
        if key in spec and not isinstance(spec[key], bool):
            raise NetsimError(f"router {me}: bgp.{key} must be true or false, got {spec[key]!r}")
    nbrs = spec.get("neighbors", {})
    if not isinstance(nbrs, Mapping):
        raise NetsimError(f"router {me}: bgp.neighbors must map neighbour names to settings")
    return {"originate": spec.get("originate", True), "next_hop_self": spec.get("next_hop_self", False),
            "neighbors": {str(k): v for k, v in nbrs.items()}}


def _neighbor_spec(me: str, nb: str, spec: Any) -> dict[str, Any]:
    if spec is None:
        return {}
    label = f"router {me}: bgp.neighbors.{nb}"
    if not isinstance(spec, Mapping):
        raise NetsimError(f"{label} must be a mapping ({', '.join(NEIGHBOR_KEYS)})")
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if key not in NEIGHBOR_KEYS:
            raise NetsimError(f"{label}.{key}: unknown key (expected {', '.join(NEIGHBOR_KEYS)})")
        if key in ("local_pref", "med"):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ASN:
                raise NetsimError(f"{label}.{key} must be a whole number from 0 to {MAX_ASN}, got {value!r}")
            out[key] = value
        else:
            out[key] = parse_filter(value, f"{label}.{key}")
    return out


def parse_filter(value: Any, label: str) -> RouteFilter:
    """``[{permit: any}]``, ``[{deny: [r5, 10.255.0.0/16]}, {permit: any, as_path: [2, 1], local_pref: 200}]``."""
    if not isinstance(value, list) or not value:
        raise NetsimError(f"{label} must be a non-empty list of rules like {{permit: [r1]}} or {{deny: any}}")
    rules = []
    for i, item in enumerate(value):
        where = f"{label}[{i}]"
        actions = [k for k in item if k in ("permit", "deny")] if isinstance(item, Mapping) else []
        if len(actions) != 1:
            raise NetsimError(f"{where}: a rule is {{permit: ...}} or {{deny: ...}}, got {item!r}")
        for key in item:
            if key not in ("permit", "deny", "as_path", "local_pref"):
                raise NetsimError(f"{where}.{key}: unknown key (expected permit or deny, as_path, local_pref)")
        action = actions[0]
        what = item[action]
        items = what if isinstance(what, list) else [what]
        names, nets, any_ = set(), [], False
        for x in items:
            if x == "any":
                any_ = True
            elif isinstance(x, str) and "/" in x:
                try:
                    nets.append(ipaddress.IPv4Network(x, strict=False))
                except ValueError:
                    raise NetsimError(f"{where}: {x!r} is not an IPv4 prefix") from None
            elif isinstance(x, (str, int)) and not isinstance(x, bool):
                names.add(str(x))
            else:
                raise NetsimError(f"{where}: match router names, IPv4 prefixes or 'any', got {x!r}")
        path = item.get("as_path")
        if path is not None and (not isinstance(path, list)
                                 or not all(isinstance(a, int) and not isinstance(a, bool) for a in path)):
            raise NetsimError(f"{where}.as_path must be a list of AS numbers, got {path!r}")
        lp = item.get("local_pref")
        if lp is not None and (isinstance(lp, bool) or not isinstance(lp, int) or lp < 0 or action != "permit"):
            raise NetsimError(f"{where}.local_pref must be a whole number >= 0 on a permit rule, got {lp!r}")
        rules.append(FilterRule(action == "permit", frozenset(names), tuple(nets), any_,
                                None if path is None else tuple(path), lp))
    return RouteFilter.of(rules)


__all__ = ["BgpOptions", "IgpConfig", "NeighborConfig", "SpeakerConfig", "Timers", "build_configs", "parse_options",
           "CUSTOMER", "PEER", "PROVIDER"]
