"""Static routing: the baseline every dynamic protocol is measured against.

An operator computes the routes once from the initial topology (shortest paths, with ECMP)
and configures them.  Like a real static route on a down interface, a next hop whose
interface its router sees down is withdrawn, and comes back when the carrier does.  Nothing is
ever re-learned: after a failure the network keeps its stale routes or loses them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from netsim.protocols.base import Protocol, register
from netsim.protocols.common.spf import spf
from netsim.records import record
from netsim.topology.common import link_costs
from netsim.topology.graph import Graph
from netsim.trace import InterfaceChanged, Note


@record
class StaticConfigured(Note):
    """The operator's static routes were installed at boot."""

    kind: ClassVar[str] = "static"

    def text(self) -> str:
        return "configured static route"


CONFIGURED = StaticConfigured()


@register
class Static(Protocol):
    name = "static"
    summary = "routes computed once from the initial topology; withdrawn when their interface goes down"
    options_spec = {}

    @classmethod
    def configure(cls, graph: Graph, options: Mapping[str, Any]) -> dict[str, Any]:
        """The operator's configuration: shortest paths on the topology at time 0 (to every
        router and every prefix a router originates)."""
        view: dict[str, dict[str, float]] = {str(u): {} for u in graph}
        for u, v, d in graph.edges(data=True):
            c_uv, c_vu = link_costs(d, str(u), str(v))
            view[str(u)][str(v)] = float(c_uv)
            view[str(v)][str(u)] = float(c_vu)
        # Prefixes a router originates: node attribute ``prefixes`` = ((dest, metric), ...).
        origins = {str(n): tuple(graph.nodes[n].get("prefixes", ())) for n in graph}
        out = {}
        for name in view:
            routes = dict(spf(view, name))
            for origin, prefixes in origins.items():
                if origin == name:
                    continue
                best = routes.get(origin)
                if best is None:
                    continue
                for dest, metric in prefixes:
                    cost = best[0] + metric
                    have = out.setdefault(name, {}).get(dest)
                    if have is None or cost < have[0]:
                        out[name][dest] = (cost, best[1])
                    elif cost == have[0]:
                        out[name][dest] = (cost, tuple(sorted(set(have[1]) | set(best[1]))))
            out[name] = {**routes, **out.get(name, {})}
        return out

    @classmethod
    def quiet_period(cls, options: Mapping[str, Any]) -> float:
        return 1.0

    def start(self) -> None:
        self._apply(CONFIGURED)

    def _apply(self, cause: Note) -> None:
        ifaces = self.port.interfaces()
        own = {p.dest for p in self.config.prefixes}
        for dest, (cost, hops) in (self.config.extra or {}).items():
            if dest in own:
                continue
            live = tuple(h for h in hops if ifaces[h].up)
            if live:
                self.port.install(dest, live, cost, cause)
            else:
                self.port.withdraw(dest, cause)

    def on_message(self, iface: str, msg: Any) -> None:  # static routing sends nothing
        pass

    def on_link_change(self, iface: str, up: bool) -> None:
        note = InterfaceChanged(iface, up, f"static routes via it {'reinstalled' if up else 'withdrawn'}")
        self.port.decide(note)
        self._apply(note)
