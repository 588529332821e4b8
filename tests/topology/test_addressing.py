"""Deterministic addressing: same network, same addresses, whatever the input order."""

import ipaddress

import pytest

from netsim.errors import TopologyError
from netsim.topology.addressing import Addressing


def test_loopbacks_follow_sorted_names_and_links_get_disjoint_31s():
    ad = Addressing.of(["r3", "r1", "r2"], [("r2", "r1"), ("r3", "r2")])
    assert [str(ad.loopback(r)) for r in ("r1", "r2", "r3")] == ["10.255.0.1", "10.255.0.2", "10.255.0.3"]
    assert str(ad.link_subnet("r1", "r2")) == "10.0.0.0/31"
    assert str(ad.link_subnet("r3", "r2")) == "10.0.0.2/31"
    assert str(ad.interface_address("r1", "r2")) == "10.0.0.0"
    assert str(ad.interface_address("r2", "r1")) == "10.0.0.1"
    assert ad.owner("10.0.0.1") == "r2" and ad.owner(ipaddress.IPv4Address("10.255.0.3")) == "r3"
    assert ad.owner("192.0.2.1") is None


def test_same_network_in_any_order_gets_the_same_addresses():
    a = Addressing.of(["b", "a", "c"], [("c", "a"), ("a", "b")])
    b = Addressing.of(["a", "b", "c"], [("a", "b"), ("a", "c")])
    assert a == b and a.interface_address("c", "a") == b.interface_address("c", "a")


def test_unknown_names_are_errors():
    ad = Addressing.of(["a", "b"], [("a", "b")])
    with pytest.raises(TopologyError):
        ad.loopback("z")
    with pytest.raises(TopologyError):
        ad.link_subnet("a", "z")
