"""Per-router protocol configuration: network-wide options, overridden per router and per
interface, validated by the protocol itself on every path (scenario file, ``sweep --set``,
the Python API).

Why one function: a rule that ties options together (a dead interval must exceed the hello
interval) must hold wherever the options come from; checking it only when a file is loaded let
``--set linkstate.dead_interval=5`` with hello 10 run, and flap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netsim.errors import NetsimError
from netsim.protocols.base import PROTOCOLS, Prefix, Protocol, RouterConfig, validate_options
from netsim.scenario.model import Scenario
from netsim.topology.common import link_key


def resolve_options(cls: type[Protocol], base: Mapping[str, Any], overrides: Mapping[str, Any] | None,
                    where: str) -> dict[str, Any]:
    """The protocol's network-wide options with ``overrides`` applied, validated."""
    opts, err = validate_options(cls, dict(overrides or {}), base=base)
    if err:
        raise NetsimError(f"{where}{cls.name}.{err}")
    return opts


def configured_per_router(scenario: Scenario, protocol: str) -> bool:
    """Whether any router or interface of ``scenario`` sets options of ``protocol`` (otherwise
    every router runs the network-wide options, and callers that only need those can skip
    building 3,800 configurations on a large network)."""
    return any(spec.options.get(protocol) or any(by.get(protocol) for by in spec.interfaces.values())
               for spec in scenario.router_config.values())


def router_configs(scenario: Scenario, cls: type[Protocol], options: Mapping[str, Any], *,
                   extra: Mapping[str, Any] | None = None, where: str = "") -> dict[str, RouterConfig]:
    """Every router's :class:`RouterConfig` for protocol ``cls``: ``options`` (network-wide,
    already validated) merged with the router's and each interface's overrides, each level
    validated; ``extra`` is what ``cls.configure`` computed per router."""
    out: dict[str, RouterConfig] = {}
    graph = scenario.graph
    for r in sorted(str(n) for n in graph.nodes):
        spec = scenario.router_config.get(r)
        own = dict(options)
        per_iface: dict[str, dict[str, Any]] = {}
        if spec is not None:
            given = spec.options.get(cls.name)
            if given:
                own, err = validate_options(cls, given, base=options)
                if err:
                    raise NetsimError(f"{where}routers.{r}.{cls.name}.{err}")
            for nb, by_proto in spec.interfaces.items():
                given = by_proto.get(cls.name)
                if given:
                    merged, err = validate_options(cls, given, base=own, interface=True)
                    if err:
                        raise NetsimError(f"{where}routers.{r}.interfaces.{nb}.{cls.name}.{err}")
                    per_iface[nb] = {k: v for k, v in merged.items() if own.get(k) != v}
        out[r] = RouterConfig(
            name=r, options=own, interface_options=per_iface,
            prefixes=tuple(Prefix(d, m) for d, m in graph.nodes[r].get("prefixes", ())),
            asn=graph.nodes[r].get("asn"), neighbors=neighbor_facts(graph, r),
            extra=None if extra is None else extra.get(r))
    return out


def neighbor_facts(graph: Any, router: str) -> dict[str, dict[str, Any]]:
    """What an operator configures about each neighbour: its AS and our business relationship
    (``customer``: the neighbour is our customer; ``provider``; ``peer``)."""
    out: dict[str, dict[str, Any]] = {}
    for nb in sorted(str(n) for n in graph[router]):
        data = graph.edges[router, nb]
        facts: dict[str, Any] = {}
        asn = graph.nodes[nb].get("asn")
        if asn is not None:
            facts["asn"] = asn
        rel = data.get("relationship")
        if rel == "p2p":
            facts["relationship"] = "peer"
        elif rel == "p2c":
            facts["relationship"] = "customer" if data.get("provider") == router else "provider"
        out[nb] = facts
    return out


def protocol_setup(scenario: Scenario, name: str, overrides: Mapping[str, Any] | None = None,
                   where: str = "") -> tuple[type[Protocol], dict[str, Any], dict[str, RouterConfig]]:
    """Protocol class, network-wide options and every router's configuration for one run."""
    cls = PROTOCOLS[name]
    base = scenario.protocols.get(name) or cls.defaults()
    options = resolve_options(cls, base, overrides, where) if overrides else dict(base)
    if not overrides:
        for key, message in cls.validate(options):
            raise NetsimError(f"{where}{name}.{key}: {message}")
    extra = cls.configure(scenario.graph, options)
    return cls, options, router_configs(scenario, cls, options, extra=extra, where=where)


def links_of(graph: Any) -> list[tuple[str, str]]:
    return sorted(link_key(str(u), str(v)) for u, v in graph.edges)
