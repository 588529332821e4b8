"""IS-IS metrics: what the narrow and wide styles can carry.

Narrow metrics (ISO 10589) are 6 bits: a link costs 1 to 63 and a path at most 1023
(MaxPathMetric), beyond which the destination is unreachable.  Wide metrics (RFC 5305) are 24 bits
per link.  Either way a metric is a whole number.

A cost the style cannot carry is refused, never clamped: a router refuses such a metric as
configuration, and a clamped cost would route differently from the topology the results are
judged against.  The initial topology is checked before the run (``Isis.configure``); a
``set_cost`` event to such a value stops the run with the same message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netsim.protocols.isis.packets import MAX_LINK_METRIC, NARROW
from netsim.topology.common import link_costs


class MetricError(ValueError):
    """A cost the metric style cannot carry; the message says why and what to do."""


def check_metric(cost: float, style: str) -> None:
    """Raise :class:`MetricError` unless ``cost`` is a whole number in the style's link range."""
    top = MAX_LINK_METRIC[style]
    if not float(cost).is_integer():
        raise MetricError(f"{cost:g}: IS-IS metrics are whole numbers")
    if not 1 <= cost <= top:
        hint = " (use metric_style: wide for larger metrics)" if style == NARROW else ""
        raise MetricError(f"{cost:g}: {style} metrics go from 1 to {top}{hint}")


def check_prefix_metric(metric: float, style: str) -> None:
    """Prefix metrics may be 0 (the originator's own address); otherwise as link metrics."""
    if metric != 0:
        check_metric(metric, style)


def graph_metric_errors(graph: Any, style: str) -> list[str]:
    """Every link direction and originated prefix of ``graph`` whose cost ``style`` cannot carry."""
    errors = []
    for u, v, data in sorted(graph.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        c_uv, c_vu = link_costs(data, str(u), str(v))
        directions = ((u, v, c_uv),) if c_uv == c_vu else ((u, v, c_uv), (v, u, c_vu))
        for a, b, c in directions:
            try:
                check_metric(c, style)
            except MetricError as err:
                errors.append(f"link {a}–{b} cost {err}" if len(directions) == 1 else f"link {a}→{b} cost {err}")
    for n in sorted(graph.nodes, key=str):
        for dest, metric in graph.nodes[n].get("prefixes", ()):
            try:
                check_prefix_metric(metric, style)
            except MetricError as err:
                errors.append(f"prefix {dest} of {n} metric {err}")
    return errors


Routes = Mapping[str, tuple[float, tuple[str, ...]]]


def within_path_limit(routes: Routes, limit: float) -> Routes:
    """``routes`` without destinations farther than ``limit`` (MaxPathMetric); the same object
    when none is, so the common case costs one pass and no copy."""
    if all(cost <= limit for cost, _hops in routes.values()):
        return routes
    return {dest: r for dest, r in routes.items() if r[0] <= limit}
