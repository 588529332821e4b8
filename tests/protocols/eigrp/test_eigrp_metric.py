"""EIGRP's composite metric against values routers print, and its algebraic properties."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsim.errors import NetsimError
from netsim.protocols.eigrp.config import configure
from netsim.protocols.eigrp.metric import (
    INFINITY,
    ORIGIN,
    InterfaceMetric,
    KValues,
    Vector,
    composite,
    default_delay_us,
    extend,
    interface_metric,
    validate_k_values,
)

GIGE = InterfaceMetric(1_000_000, 1)
FAST = InterfaceMetric(100_000, 10)
T1 = InterfaceMetric(1544, 2000)


@pytest.mark.parametrize(("path", "expected"), [
    # A directly connected Gigabit Ethernet network: 256 * (10**7 / 10**6 + 10 µs / 10).
    ([GIGE], 2816),
    # Two Gigabit hops ("Total delay is 20 microseconds, minimum bandwidth is 1000000 Kbit").
    ([GIGE, GIGE], 3072),
    # Fast Ethernet, connected: 256 * (100 + 10).
    ([FAST], 28160),
    # A T1 serial line, 1544 kbit/s and 20,000 µs: 256 * (6476 + 2000), the classic 2169856.
    ([T1], 2169856),
    # Minimum bandwidth, summed delay: a T1 behind a Gigabit hop: 256 * (6476 + 2001).
    ([GIGE, T1], 256 * (6476 + 2001)),
])
def test_composite_matches_router_figures(path: list[InterfaceMetric], expected: int) -> None:
    v = ORIGIN
    for iface in path:
        v = extend(v, iface)
    assert composite(v) == expected


def test_origin_and_unreachable() -> None:
    assert composite(ORIGIN) == 0
    assert composite(None) == INFINITY
    # 1 kbit/s and the largest delay: beyond the 32-bit metric, so unreachable.
    assert composite(Vector(1, 0xFFFFFF)) == INFINITY


def test_k_values_weigh_the_terms() -> None:
    v = Vector(100_000, 10)  # bandwidth term 100, delay term 10
    assert composite(v, KValues(1, 0, 1)) == 256 * 110
    assert composite(v, KValues(0, 0, 1)) == 256 * 10
    assert composite(v, KValues(2, 0, 3)) == 256 * (200 + 30)
    assert composite(v, KValues(1, 255, 1)) == 256 * (100 + 100 * 255 // 255 + 10)


@pytest.mark.parametrize(("bandwidth", "delay_us"), [
    (10_000_000, 10), (1_000_000, 10), (999_999, 100), (100_000, 100), (99_999, 1000), (10_000, 1000),
    (1544, 1000)])
def test_default_delay_follows_interface_speed(bandwidth: int, delay_us: int) -> None:
    assert default_delay_us(bandwidth) == delay_us


def test_interface_metric_reads_link_attributes() -> None:
    assert interface_metric({}, "link a–b") == InterfaceMetric(1_000_000, 1)
    assert interface_metric({"bandwidth": 100_000}, "x") == InterfaceMetric(100_000, 10)
    assert interface_metric({"bandwidth": 1544, "eigrp_delay": 20000}, "x") == T1
    assert interface_metric({"eigrp_delay": 26}, "x").delay == 3  # rounded to tens of µs
    assert interface_metric({"cost": 99}, "x") == GIGE  # netsim's cost plays no part


@pytest.mark.parametrize(("attrs", "fragment"), [
    ({"bandwidth": 0}, "bandwidth must be"),
    ({"bandwidth": "fast"}, "bandwidth must be"),
    ({"bandwidth": True}, "bandwidth must be"),
    ({"eigrp_delay": 5}, "eigrp_delay must be"),
    ({"eigrp_delay": -10}, "eigrp_delay must be"),
])
def test_bad_link_attributes_name_the_link(attrs: dict, fragment: str) -> None:
    g = nx.Graph()
    g.add_edge("r2", "r1", **attrs)
    with pytest.raises(NetsimError) as err:
        configure(g, {})
    assert str(err.value).startswith("link r1–r2: ") and fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_k_value_validation() -> None:
    assert validate_k_values(1, 0, 1) == []
    assert [k for k, _ in validate_k_values(1, 0, 0)] == ["k3"]
    assert [k for k, _ in validate_k_values(256, 0, 1)] == ["k1"]
    assert [k for k, _ in validate_k_values(1, -1, 1)] == ["k2"]


vectors = st.builds(Vector, st.integers(1, 10**8), st.integers(0, 10**6))
interfaces = st.builds(InterfaceMetric, st.integers(1, 10**8), st.integers(1, 10**5))
kvalues = st.builds(KValues, st.integers(0, 255), st.integers(0, 255), st.integers(1, 255))


@given(vectors, interfaces, kvalues)
def test_every_hop_strictly_increases_the_metric(v: Vector, iface: InterfaceMetric, k: KValues) -> None:
    """DUAL needs this: after a diffusing computation the chosen neighbour's RD is below the
    new FD only because crossing a link costs something."""
    before, after = composite(v, k), composite(extend(v, iface), k)
    assert after > before or before == INFINITY


@given(vectors, interfaces)
def test_extend_takes_the_minimum_bandwidth_and_adds_delay(v: Vector, iface: InterfaceMetric) -> None:
    e = extend(v, iface)
    assert e.bandwidth == min(v.bandwidth, iface.bandwidth)
    assert e.delay == v.delay + iface.delay
