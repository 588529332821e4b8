"""The validated scenario: what the loader produces and every other part reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netsim.records import record
from netsim.scenario.events import Event
from netsim.scenario.faults import BfdSpec, FlowSpec
from netsim.topology.graph import Graph, as_graph

DEFAULT_PROTOCOLS = ("static", "linkstate", "distvector")


@record
class RouterSpec:
    """One router's own configuration in a scenario (``routers: {r1: ...}``).

    ``options`` overrides the network-wide options per protocol (``{linkstate: {spf_delay: 0.1}}``);
    ``interfaces`` per neighbour: ``{r2: {linkstate: {hello_interval: 1}}}`` (per-interface
    options; a per-direction cost is folded into the graph's ``costs``).
    """

    asn: int | None = None
    prefixes: tuple[tuple[str, float], ...] = ()
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    interfaces: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    """A loaded, checked scenario: the network, the protocols' options and the scripted events."""

    name: str
    graph: Graph
    protocols: dict[str, dict[str, Any]]
    events: tuple[Event, ...]
    seed: int = 0
    duration: float | None = None
    description: str = ""
    carrier_delay: float = 0.0
    path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: BFD on every link (a link's own ``bfd`` key overrides it); None: no BFD.
    bfd: BfdSpec | None = None
    #: Probe traffic for the data plane; None: no data-plane figures.
    flows: FlowSpec | None = None
    #: Per-router configuration (AS, prefixes, option overrides, per-interface options).
    router_config: dict[str, RouterSpec] = field(default_factory=dict)
    #: Files the scenario read besides itself (a topology file), for run keys that notice edits.
    sources: tuple[Path, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.graph, Graph):  # an nx.Graph built in Python: same dicts, no copy
            object.__setattr__(self, "graph", as_graph(self.graph))

    @property
    def routers(self) -> list[str]:
        return sorted(self.graph.nodes)
