"""Topologies for netsim: files, generators and real networks, all meeting one graph contract.

Every loader returns an undirected :class:`netsim.topology.graph.Graph` with ``str`` router names, ``cost``
(positive int, or float when not integral) and ``delay`` (one-way seconds) on every link, optional
``length`` (km) on links and ``pos`` (x, y) on routers -- (longitude, latitude) when the graph
attribute ``geographic`` is true -- and graph attributes ``name`` and ``source``.

This module is the public face; the work is split by job:

* :mod:`netsim.topology.common`     -- the contract and the clean-up rules shared by every source
* :mod:`netsim.topology.yaml_format`       -- netsim's own YAML format (errors name lines)
* :mod:`netsim.topology.formats`    -- GraphML, GML, node-link JSON, edge lists; read and write
* :mod:`netsim.topology.generators` -- line, ring, grid, ..., random models, a toy ISP
* :mod:`netsim.topology.topohub`       -- the topohub catalogue of real networks
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsim.errors import TopologyError
from netsim.topology.common import (
    DEFAULT_DELAY,
    FIBRE_KM_PER_S,
    TopologyWarning,
    build_graph,
    haversine_km,
    show,
)
from netsim.topology.generators import GENERATOR_KINDS, generate, generate_raw
from netsim.topology.graph import Graph, is_connected, to_networkx
from netsim.topology.yaml_format import graph_from_mapping

if TYPE_CHECKING:
    from netsim.topology.formats import FORMATS, detect_format, read_topology, write_topology
    from netsim.topology.topohub import SOURCES, TopohubEntry, list_topohub, load_topohub, resolve_topohub

#: Names this module offers from the file-format and topohub modules, imported on first use: a
#: scenario with a generated topology needs neither (nor XML, gzip and the catalogue), and
#: importing them was a few per cent of a small run.
_LAZY = {name: "formats" for name in ("FORMATS", "detect_format", "read_topology", "write_topology")} | {
    name: "topohub" for name in ("SOURCES", "TopohubEntry", "list_topohub", "load_topohub", "resolve_topohub")}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"netsim.topology.{module}"), name)
    globals()[name] = value
    return value

__all__ = [
    "DEFAULT_DELAY",
    "FIBRE_KM_PER_S",
    "FORMATS",
    "GENERATOR_KINDS",
    "SOURCES",
    "TopohubEntry",
    "TopologyWarning",
    "describe",
    "detect_format",
    "generate",
    "graph_from_mapping",
    "haversine_km",
    "list_topohub",
    "load_any",
    "load_topohub",
    "read_topology",
    "resolve_topohub",
    "write_topology",
]

_ONE_OF = ("file", "generator", "topohub")


def _at(where: str | None, message: str) -> TopologyError:
    """Prefix the caller's location when it gave one (a scenario adds its own file and line)."""
    return TopologyError(f"{where}: {message}" if where else message)


_INLINE = ("nodes", "links")


def _spec_kind(spec: Mapping[str, Any], where: str) -> str:
    """Exactly one way of naming the network; 'format' only makes sense with 'file'."""
    if not isinstance(spec, Mapping):
        raise TopologyError(f"{where}: expected a mapping with one of file, generator, topohub or nodes/links")
    kinds = [k for k in _ONE_OF if k in spec] + (["nodes/links"] if any(k in spec for k in _INLINE) else [])
    if len(kinds) != 1:
        found = f"got {' and '.join(kinds)}" if kinds else "got none"
        raise TopologyError(f"{where}: give exactly one of file, generator, topohub or nodes/links ({found})")
    allowed = {"cost", kinds[0]}
    if kinds[0] == "file":
        allowed.add("format")
    if kinds[0] == "nodes/links":
        allowed = {"cost", "name", "geographic", *_INLINE}
    extra = sorted(str(k) for k in spec if k not in allowed)
    if extra:
        allowed_text = ", ".join(sorted(allowed))
        raise TopologyError(f"{where}: unknown key {extra[0]!r} with {kinds[0]} (allowed: {allowed_text})")
    return kinds[0]


def _load_file(spec: Mapping[str, Any], base_dir: Path, cost: str, where: str | None) -> Graph:
    from netsim.topology.as_graph import is_caida_name, read_caida
    from netsim.topology.formats import FORMATS, read_topology

    file, fmt = spec["file"], spec.get("format")
    if not isinstance(file, (str, os.PathLike)) or not str(file):
        raise _at(where, f"file must be a path, got {show(file)}")
    if fmt is not None and not isinstance(fmt, str):
        raise _at(where, f"format must be one of {', '.join(FORMATS)}, got {show(fmt)}")
    path = Path(os.path.normpath(Path(base_dir) / file))
    if fmt == "caida" or (fmt is None and is_caida_name(path)):
        return read_caida(path)
    return read_topology(path, fmt, cost=cost)


def _load_generator(spec: Mapping[str, Any], cost: str, where: str | None) -> Graph:
    params = spec["generator"]
    if not isinstance(params, Mapping) or "kind" not in params:
        raise _at(where, f"generator must be a mapping like {{kind: ring, n: 6}}, got {show(params)}")
    rest = {k: v for k, v in params.items() if k != "kind"}
    try:
        if params["kind"] == "as_hierarchy":
            return _as_hierarchy(rest)
        return build_graph(generate_raw(params["kind"], rest), cost=cost)
    except TopologyError as err:
        raise _at(where, err.message) from None


def _as_hierarchy(params: Mapping[str, Any]) -> Graph:
    """An AS-level graph with business relationships (one router per AS; for BGP)."""
    from netsim.topology.as_graph import as_hierarchy

    unknown = sorted(set(params) - {"n", "seed", "tier1"})
    if unknown:
        raise TopologyError(f"as_hierarchy: unknown parameter {unknown[0]!r} (expected n, seed, tier1)")
    if "n" not in params:
        raise TopologyError("as_hierarchy: needs n (the number of ASes)")
    seed = params.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise TopologyError(f"as_hierarchy: seed must be a whole number >= 0, got {show(seed)}")
    tier1 = params.get("tier1")
    if tier1 is not None and (isinstance(tier1, bool) or not isinstance(tier1, int) or tier1 < 1):
        raise TopologyError(f"as_hierarchy: tier1 must be a whole number >= 1, got {show(tier1)}")
    return as_hierarchy(params["n"], seed, tier1=tier1)


def _load_topohub(spec: Mapping[str, Any], cost: str, where: str | None) -> Graph:
    from netsim.topology.topohub import load_topohub

    name = spec["topohub"]
    if not isinstance(name, str):
        raise _at(where, f"topohub must be a name like topozoo/Abilene, got {show(name)}")
    try:
        return load_topohub(name, cost=cost)
    except TopologyError as err:
        raise _at(where, err.message) from None


def load_any(spec: Mapping[str, Any], *, base_dir: Path, where: str | None = None) -> Graph:
    """Load the network a scenario's ``topology:`` mapping names.

    Keys: one of ``file`` (relative to ``base_dir``; optional ``format``), ``generator`` (mapping with
    ``kind`` and its parameters), ``topohub`` (catalogue name) or inline ``nodes``/``links``; plus an
    optional ``cost`` (unit | distance | attribute name).  ``where`` (e.g. ``"scenarios/x.yaml:3:
    topology"``), when given, starts messages about the mapping, a generator or a topohub name; a
    file's own errors always name that file.
    """
    kind = _spec_kind(spec, where or "topology")
    cost = spec.get("cost", "unit")
    if not isinstance(cost, str):
        raise _at(where, f"cost must be 'unit', 'distance' or an edge attribute name, got {show(cost)}")
    if kind == "file":
        return _load_file(spec, base_dir, cost, where)
    if kind == "generator":
        return _load_generator(spec, cost, where)
    if kind == "topohub":
        return _load_topohub(spec, cost, where)
    inline = {k: v for k, v in spec.items() if k != "cost"}
    return graph_from_mapping(inline, source=where or "topology", cost=cost)


def describe(graph: Graph) -> dict[str, Any]:
    """Shape facts a user checks before simulating: size, degrees, diameter and single points of failure.

    ``two_edge_connected`` says whether any one link failure can partition the network (it cannot
    when true); ``bridges`` lists the links whose failure would.
    """
    import statistics

    import networkx as nx  # bridges and the diameter: only `netsim topo` asks for them

    nxg = to_networkx(graph)
    degrees = [d for _, d in graph.degree()]
    connected = is_connected(graph)  # an empty graph is not connected
    order = {node: i for i, node in enumerate(graph)}
    bridges = sorted(
        (tuple(sorted((u, v), key=order.__getitem__)) for u, v in nx.bridges(nxg)),
        key=lambda e: (order[e[0]], order[e[1]]),
    )
    return {
        "name": graph.graph.get("name", ""),
        "nodes": graph.number_of_nodes(),
        "links": graph.number_of_edges(),
        "degree_min": min(degrees, default=0),
        "degree_mean": round(statistics.fmean(degrees), 3) if degrees else 0.0,
        "degree_max": max(degrees, default=0),
        "diameter": nx.diameter(nxg, usebounds=True) if connected and len(graph) > 1 else (0 if connected else None),
        "connected": connected,
        "two_edge_connected": connected and not bridges,
        "bridges": bridges,
    }
