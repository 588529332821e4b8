"""Records for the failure-realism options of a scenario: BFD sessions and probe flows.

They live apart from :mod:`netsim.scenario.loader` so that the BFD driver and the data plane can use
them without importing the validator, and apart from each other's modules so that a scenario
can be validated without loading either.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netsim.records import record
from netsim.topology.common import link_key
from netsim.topology.graph import Graph

#: BFD defaults when a scenario says ``bfd: true`` (aggressive but common: 50 ms × 3).
BFD_INTERVAL = 0.05
BFD_MULTIPLIER = 3
#: RFC 5880 §6.8.3: while the session is not Up, send no faster than once a second.
BFD_SLOW_INTERVAL = 1.0

FLOW_RATE = 100.0
FLOW_TTL = 64


@record
class BfdSpec:
    """One BFD configuration: desired transmit interval, detect multiplier, slow (not Up) interval."""

    interval: float = BFD_INTERVAL
    multiplier: int = BFD_MULTIPLIER
    slow_interval: float = BFD_SLOW_INTERVAL


@record
class FlowSpec:
    """Probe traffic: which (source, destination) pairs, how fast, with which TTL.

    ``pairs`` is None for every ordered pair; ``sample`` then keeps that many of them, drawn
    with the run's seed.  Packets of a flow leave every 1/``rate`` s from ``start`` on.
    """

    pairs: tuple[tuple[str, str], ...] | None = None
    sample: int | None = None
    rate: float = FLOW_RATE
    ttl: int = FLOW_TTL
    start: float = 0.0


def bfd_for_links(graph: Graph, default: BfdSpec | None) -> dict[tuple[str, str], BfdSpec]:
    """The BFD configuration of every link that runs BFD (a link's own ``bfd`` wins)."""
    out: dict[tuple[str, str], BfdSpec] = {}
    for u, v, data in graph.edges(data=True):
        spec = data.get("bfd", default)
        if isinstance(spec, BfdSpec):
            out[link_key(str(u), str(v))] = spec
    return dict(sorted(out.items()))


def loss_map(a: str, b: str, value: float | tuple[float, float]) -> dict[str, float]:
    """``loss: p`` (both directions) or ``loss: [p_ab, p_ba]`` as sender → probability."""
    if isinstance(value, tuple):
        return {a: float(value[0]), b: float(value[1])}
    return {a: float(value), b: float(value)}


def loss_timeline(graph: Graph, events: Any) -> dict[tuple[str, str], list[tuple[float, Mapping[str, float]]]]:
    """Per link, the (time, sender → loss) values in force from each time on (scenario order)."""
    out: dict[tuple[str, str], list[tuple[float, Mapping[str, float]]]] = {}
    for u, v, data in graph.edges(data=True):
        out[link_key(str(u), str(v))] = [(0.0, dict(data.get("loss") or {}))]
    for ev in events:
        for link, time, loss in ev.loss_changes():
            out[link_key(*link)].append((time, dict(loss)))
    return out
