"""EIGRP's classic (32-bit) composite metric, computed from a path's vector metric.

A route does not carry a single number from router to router: it carries a *vector* (the
path's minimum bandwidth and its total delay), and every router computes the composite metric
from it (RFC 7868 §5.6.1, classic metrics)::

    metric = 256 * (K1 * BW + K2 * BW / (256 - load) + K3 * DELAY)
    BW     = 10**7 // minimum bandwidth in kbit/s        (integer division, as routers do)
    DELAY  = total delay in tens of microseconds

With the default K-values (K1 = K3 = 1, K2 = K4 = K5 = 0) this is the textbook
``256 * (10**7 / min bandwidth + sum of delays / 10)``.  netsim models no traffic, so the load
is 1/255 (an idle link); K4 and K5 (reliability) are not modelled and fixed at 0.

Link attributes (the scenario-format convention): ``bandwidth`` in kbit/s (default 1,000,000 =
1 Gbit/s) and ``eigrp_delay`` in microseconds, defaulting from the bandwidth as router
interfaces do (:func:`default_delay_us`).  EIGRP ignores netsim's ``cost``.

Why the metric must be *strictly* increasing along a path: DUAL's feasibility condition
(RD < FD) has to hold for the neighbour a router chose after a diffusing computation.  Every
hop adds at least ``256 * K3`` (a delay of at least one unit of ten microseconds), so the
composite metric grows at every hop; :func:`validate_k_values` insists on K3 >= 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netsim.errors import NetsimError
from netsim.records import record

#: Unreachable: the largest classic metric (RFC 7868: a delay of all ones means unreachable).
INFINITY = 0xFFFFFFFF
#: The bandwidth term of a route that has not crossed any link yet (a router's own loopback).
NO_LINK = 0
#: Default interface bandwidth when a link does not say (kbit/s): 1 Gbit/s.
DEFAULT_BANDWIDTH = 1_000_000
#: netsim models no traffic: every link is idle (load 1/255).
LOAD = 1
#: The largest delay and bandwidth an interface accepts (24 and 32 bits in the TLV).
MAX_DELAY_TENS = 0xFFFFFF
MAX_BANDWIDTH = 0xFFFFFFFF


@record
class KValues:
    """The metric weights.  Routers with different K-values do not become neighbours."""

    k1: int = 1
    k2: int = 0
    k3: int = 1


@record
class Vector:
    """A path's vector metric: its minimum bandwidth (kbit/s) and total delay (tens of µs).

    ``bandwidth`` is :data:`NO_LINK` for a route that crossed no link yet (a router's own
    loopback as it originates it); such a route has composite metric 0.
    """

    bandwidth: int
    delay: int


#: The default weights (K1 = K3 = 1, K2 = 0).
DEFAULT_K = KValues()

#: What a router advertises for its own loopback.
ORIGIN = Vector(NO_LINK, 0)


@record
class InterfaceMetric:
    """What one interface adds to a route learned over it: its bandwidth (kbit/s) and delay
    (tens of microseconds, at least 1)."""

    bandwidth: int
    delay: int

    @property
    def delay_us(self) -> int:
        return self.delay * 10


def extend(v: Vector, iface: InterfaceMetric) -> Vector:
    """The vector of a neighbour's route once it is learned over ``iface``."""
    bw = iface.bandwidth if v.bandwidth == NO_LINK else min(v.bandwidth, iface.bandwidth)
    return Vector(bw, v.delay + iface.delay)


def composite(v: Vector | None, k: KValues = DEFAULT_K) -> int:
    """The composite metric of ``v`` (:data:`INFINITY` for None or anything that large)."""
    if v is None:
        return INFINITY
    bw = 0 if v.bandwidth == NO_LINK else 10**7 // v.bandwidth
    value = 256 * (k.k1 * bw + (k.k2 * bw) // (256 - LOAD) + k.k3 * v.delay)
    return value if value < INFINITY else INFINITY


def preference(v: Vector, k: KValues = DEFAULT_K) -> tuple[int, int, int]:
    """The order in which routes are preferred: composite metric first; between vectors of
    equal composite metric (different bandwidth and delay can add up to the same number), the
    smaller delay, then the larger bandwidth.  Only the composite decides successors; this
    total order only picks which of several equal-metric vectors a router advertises."""
    return (composite(v, k), v.delay, -v.bandwidth)


def default_delay_us(bandwidth: float) -> int:
    """An interface's delay when it is not configured, from its bandwidth (kbit/s).

    Router interfaces default to 10 µs at 1 Gbit/s and above (``DLY 10 usec`` on Gigabit
    Ethernet: a connected route has metric 256 * (10 + 1) = 2816), 100 µs at 100 Mbit/s (Fast
    Ethernet: 256 * (100 + 10) = 28160) and 1000 µs on 10 Mbit/s Ethernet.  Bandwidths between
    those steps take the delay of the step below; below 10 Mbit/s, 1000 µs (serial lines
    default to 20,000 µs on real routers, but netsim links carry no interface type).
    """
    if bandwidth >= 1_000_000:
        return 10
    if bandwidth >= 100_000:
        return 100
    return 1000


def interface_metric(data: Mapping[str, Any], where: str) -> InterfaceMetric:
    """The EIGRP interface metric of a link from its attributes (``bandwidth``, ``eigrp_delay``).

    ``where`` names the link in error messages.  A delay is rounded to the nearest ten
    microseconds (the unit routers configure and carry), and is at least ten.
    """
    bw = data.get("bandwidth", DEFAULT_BANDWIDTH)
    if isinstance(bw, bool) or not isinstance(bw, (int, float)) or not 1 <= bw <= MAX_BANDWIDTH:
        raise NetsimError(f"{where}: bandwidth must be a number of kbit/s between 1 and {MAX_BANDWIDTH}, "
                          f"got {bw!r}")
    delay = data.get("eigrp_delay")
    if delay is None:
        delay = default_delay_us(bw)
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 10 <= delay <= MAX_DELAY_TENS * 10:
        raise NetsimError(f"{where}: eigrp_delay must be a number of microseconds between 10 and "
                          f"{MAX_DELAY_TENS * 10}, got {delay!r}")
    return InterfaceMetric(int(bw), max(1, round(delay / 10)))


def validate_k_values(k1: Any, k2: Any, k3: Any) -> list[tuple[str, str]]:
    """(key, message) for every K-value netsim cannot honour."""
    out = []
    for key, value in (("k1", k1), ("k2", k2), ("k3", k3)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
            out.append((key, f"must be a whole number from 0 to 255, got {value!r}"))
    if not out and k3 < 1:
        out.append(("k3", "must be at least 1: without the delay term the metric does not grow along a path, "
                          "and DUAL's feasibility condition (RD < FD) can fail for the best neighbour"))
    return out


def describe(v: Vector | None, k: KValues = DEFAULT_K) -> str:
    """``2816 (1000000 kbit/s, 10 µs)`` for narration and tables."""
    if v is None:
        return "unreachable"
    if v.bandwidth == NO_LINK:
        return "0 (connected)"
    return f"{composite(v, k)} ({v.bandwidth} kbit/s, {v.delay * 10} µs)"
