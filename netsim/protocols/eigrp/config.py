"""Everything EIGRP reads from the scenario, in one place.

Interface metrics are operator configuration (``bandwidth`` and ``delay`` under each
interface of a real router), so they are read once from the initial topology's link attributes
(``bandwidth`` in kbit/s, ``eigrp_delay`` in µs; see :mod:`netsim.protocols.eigrp.metric`)
and handed to each router as a frozen :class:`RouterConfig`.  Both ends of a link get the
link's values.  netsim's ``cost`` is not read: EIGRP's metric is bandwidth and delay.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netsim.protocols.eigrp.metric import DEFAULT_BANDWIDTH, InterfaceMetric, default_delay_us, interface_metric
from netsim.records import record
from netsim.topology.graph import Graph


@record
class RouterConfig:
    """One router's interface metrics, by neighbour."""

    interfaces: tuple[tuple[str, InterfaceMetric], ...]

    def metrics(self) -> dict[str, InterfaceMetric]:
        return dict(self.interfaces)


#: The metric of an interface nobody configured (1 Gbit/s, 10 µs).
DEFAULT_METRIC = InterfaceMetric(DEFAULT_BANDWIDTH, default_delay_us(DEFAULT_BANDWIDTH) // 10)


def link_metrics(graph: Graph) -> dict[tuple[str, str], InterfaceMetric]:
    """The interface metric of every link, keyed both ways ``(router, neighbour)``.

    Raises :class:`~netsim.errors.NetsimError` naming the link for a bad value."""
    out: dict[tuple[str, str], InterfaceMetric] = {}
    for u, v, data in graph.edges(data=True):
        a, b = str(u), str(v)
        m = interface_metric(data, f"link {min(a, b)}–{max(a, b)}")
        out[(a, b)] = m
        out[(b, a)] = m
    return out


def configure(graph: Graph, options: Mapping[str, Any]) -> dict[str, RouterConfig]:
    """Per-router configuration computed once from the initial topology."""
    metrics = link_metrics(graph)
    per: dict[str, list[tuple[str, InterfaceMetric]]] = {str(n): [] for n in graph.nodes}
    for (a, b), m in metrics.items():
        per[a].append((b, m))
    return {r: RouterConfig(tuple(sorted(items, key=lambda item: item[0]))) for r, items in per.items()}
