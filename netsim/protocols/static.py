"""Static routing: the baseline every dynamic protocol is measured against.

An operator computes the routes once from the initial topology (shortest paths, with ECMP)
and configures them.  Like a real static route on a down interface, a next hop whose
interface its router sees down is withdrawn, and comes back when the carrier does.  Nothing is
ever re-learned: after a failure the network keeps its stale routes or loses them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from netsim.protocols.base import Protocol, register
from netsim.protocols.common.spf import spf


@register
class Static(Protocol):
    name = "static"
    summary = "routes computed once from the initial topology; withdrawn when their interface goes down"
    options_spec = {}

    @classmethod
    def configure(cls, graph: nx.Graph, options: Mapping[str, Any]) -> dict[str, Any]:
        """The operator's configuration: shortest paths on the topology at time 0."""
        view = {str(u): {str(v): float(d.get("cost", 1)) for v, d in graph[u].items()} for u in graph}
        return {name: spf(view, name) for name in view}

    @classmethod
    def quiet_period(cls, options: Mapping[str, Any]) -> float:
        return 1.0

    def start(self) -> None:
        self._apply("configured static route")

    def _apply(self, cause: str) -> None:
        ifaces = self.port.interfaces()
        for dest, (cost, hops) in (self.config or {}).items():
            live = tuple(h for h in hops if ifaces[h].up)
            if live:
                self.port.install(dest, live, cost, cause)
            else:
                self.port.withdraw(dest, cause)

    def on_message(self, iface: str, msg: Any) -> None:  # static routing sends nothing
        pass

    def on_link_change(self, iface: str, up: bool) -> None:
        state = "up" if up else "down"
        self.port.decide("interface", f"interface to {iface} {state}: static routes via it "
                                      f"{'reinstalled' if up else 'withdrawn'}")
        self._apply(f"interface to {iface} {state}")
