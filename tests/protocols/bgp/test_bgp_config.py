"""Everything a user can get wrong in a BGP configuration is one clear line, and cross-option
checks name the option at fault."""

from __future__ import annotations

import networkx as nx
import pytest

from netsim.errors import NetsimError
from netsim.protocols import validate_options
from netsim.protocols.bgp import Bgp
from netsim.protocols.bgp.config import build_configs
from netsim.topology.as_graph import add_p2c, add_p2p


def opts(**kw):
    """The defaults with ``kw`` over them (not validated: the tests below call validate)."""
    return {**Bgp.defaults(), **kw}


def triangle() -> nx.Graph:
    g = nx.Graph()
    for i, n in enumerate(("a", "b", "c"), start=1):
        g.add_node(n, asn=i)
    add_p2c(g, "a", "b")
    add_p2c(g, "a", "c")
    add_p2p(g, "b", "c")
    return g


def test_configs_carry_relationships_router_ids_and_roles() -> None:
    cfg = build_configs(triangle(), opts())
    assert cfg["a"].options.policy == "gao_rexford"
    assert cfg["a"].neighbors["b"].relationship == "customer"
    assert cfg["b"].neighbors["a"].relationship == "provider"
    assert cfg["b"].neighbors["c"].relationship == "peer"
    assert cfg["a"].router_id < cfg["b"].router_id < cfg["c"].router_id   # loopbacks in name order
    assert cfg["b"].neighbors["a"].active and not cfg["a"].neighbors["b"].active
    assert cfg["a"].neighbors["b"].local_address != cfg["a"].neighbors["b"].address


def test_asn_defaults_to_index_and_policy_auto_without_relationships() -> None:
    g = nx.path_graph(["x", "y", "z"])
    cfg = build_configs(g, opts())
    assert [cfg[n].asn for n in "xyz"] == [1, 2, 3]
    assert cfg["x"].options.policy == "none"


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda g: g.nodes["a"].update(asn=0), "router a: asn must be a whole number"),
    (lambda g: g.nodes["b"].update(asn=1), "link a–b: both routers are in AS1; a link inside an AS has no business"),
    (lambda g: g.nodes["c"].update(asn=1) or g.remove_edge("a", "c"),
     "AS1: routers a and c are not connected by links inside the AS"),
    (lambda g: g.nodes["a"].update(bgp={"next_hop_self": 1}), "bgp.next_hop_self must be true or false"),
    (lambda g: g.edges["a", "b"].pop("provider"), "relationship p2c needs 'provider'"),
    (lambda g: g.edges["b", "c"].update(relationship="sibling"), "relationship must be p2c or p2p"),
    (lambda g: g.edges["b", "c"].pop("relationship"), "link b–c: no relationship"),
    (lambda g: g.nodes["a"].update(bgp={"neighbors": {"z": {}}}), "bgp.neighbors.z: not a neighbour of a"),
    (lambda g: g.nodes["a"].update(bgp={"neighbors": {"b": {"weight": 5}}}), "bgp.neighbors.b.weight: unknown"),
    (lambda g: g.nodes["a"].update(bgp={"neighbors": {"b": {"import": [{"allow": "any"}]}}}),
     "bgp.neighbors.b.import[0]: a rule is"),
    (lambda g: g.nodes["a"].update(bgp={"neighbors": {"b": {"export": [{"permit": "10.0.0.300/8"}]}}}),
     "not an IPv4 prefix"),
    (lambda g: g.nodes["a"].update(bgp={"originate": "yes"}), "bgp.originate must be true or false"),
])
def test_configuration_errors_are_one_clear_line(mutate, message: str) -> None:
    g = triangle()
    mutate(g)
    with pytest.raises(NetsimError) as err:
        build_configs(g, opts())
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_cross_option_validation_names_the_key() -> None:
    assert Bgp.validate(opts()) == []
    problems = dict(Bgp.validate(opts(hold=2, keepalive=1, update_delay_min=0.5, update_delay_max=0.1,
                                      damping_reuse=7000, policy="gao_rexford", lp_peer=300)))
    assert set(problems) == {"hold", "update_delay_min", "damping_reuse", "lp_peer"}
    assert "keepalive" in dict(Bgp.validate(opts(hold=20, keepalive=20)))
    assert Bgp.validate(opts(hold=0)) == []   # hold 0: no keepalives at all (RFC 4271 §4.2)


def test_unknown_option_is_refused() -> None:
    _, err = validate_options(Bgp, {"mria": 5})
    assert err is not None and err.startswith("mria: unknown option of bgp")


def two_router_as() -> nx.Graph:
    """AS 1 is r and b (one link inside), AS 2 is d, b's customer."""
    g = nx.Graph()
    g.add_nodes_from([("r", {"asn": 1}), ("b", {"asn": 1}), ("d", {"asn": 2})])
    g.add_edge("r", "b")
    add_p2c(g, "b", "d")
    return g


def test_routers_sharing_an_as_get_internal_peers_and_an_igp() -> None:
    cfg = build_configs(two_router_as(), opts())
    r, b = cfg["r"], cfg["b"]
    # the link inside AS 1 carries no relationship, yet Gao–Rexford applies between the ASes
    assert r.options.policy == "gao_rexford"
    inner = b.neighbors["r"]
    assert not inner.ebgp and inner.relationship == "internal"
    assert inner.address == r.igp.loopback and inner.local_address == b.igp.loopback  # between loopbacks
    assert b.neighbors["d"].ebgp and b.neighbors["d"].relationship == "customer"
    # the IGP runs inside the AS only; the border advertises the /31 to d as a stub for next hops
    assert r.igp.interfaces == {"b"} and r.igp.stubs == ()
    assert b.igp.interfaces == {"r"} and len(b.igp.stubs) == 1 and b.igp.stubs[0] in b.igp.hidden
    assert b.igp.next_hop_keys[b.neighbors["d"].address] == b.igp.stubs[0]
    assert cfg["d"].igp is None  # an AS of one router runs eBGP only


def test_a_warm_start_is_refused_for_an_as_of_several_routers() -> None:
    with pytest.raises(NetsimError, match="AS1 has several routers"):
        build_configs(two_router_as(), opts(warm_start=True))
