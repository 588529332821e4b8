"""Correctness models: what every FIB *should* hold, computed independently of the protocols.

Each protocol names the model its FIBs are judged against (``Protocol.correctness``):
shortest paths for the IGPs, the stable routes under Gao–Rexford policies for BGP, ...  A model
is built once per run from the initial graph (every node and edge attribute) and the protocol's
options, and answers for any state of the network: every up router's correct table.  Models
never import protocol code: they are the independent truth metrics, ``netsim table --at`` and
the tests compare against.

A FIB entry is correct when its cost equals the expected cost (within
:data:`netsim.numeric.EPS`, relative) and its next hops are a non-empty subset of the expected
next hops; a destination the model leaves out must have no entry at all.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import Any, ClassVar

from netsim.errors import NetsimError
from netsim.numeric import same_cost
from netsim.records import record
from netsim.trace import Route


class ModelUnavailable(NetsimError):
    """The scenario is outside what the correctness model can judge (per-neighbour BGP policies,
    a customer–provider cycle): a run still has every other figure, and says why it is not judged."""


@record
class Expected:
    """The correct entry: its cost and every next hop that may carry it (ECMP)."""

    cost: float
    next_hops: frozenset[str]

    def accepts(self, route: Route | None) -> bool:
        return (route is not None and bool(route.next_hops) and same_cost(route.cost, self.cost)
                and all(h in self.next_hops for h in route.next_hops))

    def as_route(self) -> Route:
        return Route(tuple(sorted(self.next_hops)), _clean(self.cost))


@record
class LinkState:
    """A link's physical state: up or down, and its cost in each direction (a→b, b→a)."""

    up: bool
    cost_ab: float = 1.0
    cost_ba: float = 1.0
    #: Interface attributes changed during the run (``set_link``): sorted (router end, key, value).
    attrs: tuple[tuple[str, str, float], ...] = ()

    def attr(self, end: str, key: str) -> float | None:
        """The changed value of ``key`` at ``end``'s interface, None if never changed."""
        for e, k, v in self.attrs:
            if e == end and k == key:
                return v
        return None


@record
class NetworkState:
    """The physical network at one instant: links by sorted (a, b), and crashed routers."""

    links: Mapping[tuple[str, str], LinkState]
    down: frozenset[str] = frozenset()


    @classmethod
    def initial(cls, graph: Any) -> NetworkState:
        """Every link of ``graph`` up at its configured costs, no router down."""
        links = {}
        for u, v, d in graph.edges(data=True):
            a, b = sorted((str(u), str(v)))
            per = d.get("costs")
            c = d.get("cost", 1)
            links[(a, b)] = LinkState(True, per[a] if per else c, per[b] if per else c)
        return cls(links, frozenset())


Tables = dict[str, dict[str, Expected]]


class CorrectnessModel(abc.ABC):
    """The correct tables of one protocol family (see the module docstring)."""

    name: ClassVar[str]
    #: What the correct tables are, in words ("shortest paths").
    describes: ClassVar[str] = "the correct routes"

    def __init__(self, graph: Any, options: Mapping[str, Any]) -> None:
        self.graph = graph
        self.options = options

    @abc.abstractmethod
    def tables(self, state: NetworkState) -> Tables:
        """Every up router's correct table in ``state`` (down routers: absent or empty)."""


MODELS: dict[str, type[CorrectnessModel]] = {}


def register_model(cls: type[CorrectnessModel]) -> type[CorrectnessModel]:
    MODELS[cls.name] = cls
    return cls


def get_model(name: str) -> type[CorrectnessModel]:
    """The model class registered under ``name`` (imports the built-in ones on first use)."""
    if name not in MODELS:
        from netsim.analysis.oracle import eigrp, gao_rexford, shortest_paths  # noqa: F401  (registration)
    try:
        return MODELS[name]
    except KeyError:
        raise KeyError(f"no correctness model {name!r} (known: {', '.join(sorted(MODELS))})") from None


def _clean(x: float) -> float:
    return int(x) if float(x).is_integer() else x
