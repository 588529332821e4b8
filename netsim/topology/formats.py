"""Topology files: detect the format, parse it into a RawTopology, and write graphs back.

Every reader hands its findings to :func:`build_graph`, so the clean-up rules are the same for all
formats.  Files are *user* data: a disconnected file is refused rather than trimmed, because a
silently dropped router would make a scenario's events name routers that are not there.  In the
hand-written formats (YAML, edge lists) a self-loop or a repeated link is a typo and is refused
with its line; exchange formats exported by other tools (GraphML, GML, JSON) get those repaired
with a TopologyWarning instead, as real data does.

Formats (all keep names, cost, delay and positions, so they round-trip):

* ``yaml``     -- netsim's own, see :mod:`netsim.topology.yaml_format`.
* ``graphml``  -- node id = name (a ``label``/``name`` attribute wins when present); node ``x``/``y``
  or Topology Zoo's ``Longitude``/``Latitude``; edge ``cost``, ``delay``, ``length`` (km).
* ``gml``      -- the same attributes; nodes named by ``label``.
* ``json``     -- networkx node-link data (``edges`` or ``links``); node ``pos`` [x, y]; edge
  ``length`` or topohub's ``dist`` (km).  A topohub data file can be read as it is.
* ``edgelist`` -- one link per line ``A B [COST [DELAY]]``, names with spaces quoted, ``#``
  comments.  Metadata rides in comment lines starting ``#:`` (``#: name N``, ``#: geographic``,
  ``#: pos NAME X Y``), so other edge-list readers simply skip it.
"""

from __future__ import annotations

import json
import re
import shlex
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from netsim.errors import TopologyError
from netsim.files import atomic_write
from netsim.inputs import read_text, short
from netsim.topology.common import (
    DEFAULT_DELAY,
    RawLink,
    RawNode,
    RawTopology,
    as_number,
    build_graph,
    show,
)
from netsim.topology.graph import Graph
from netsim.topology.yaml_format import format_yaml, parse_yaml

FORMATS: tuple[str, ...] = ("yaml", "graphml", "gml", "json", "edgelist")
EXTENSIONS: dict[str, str] = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".graphml": "graphml",
    ".gml": "gml",
    ".json": "json",
    ".txt": "edgelist",
    ".edges": "edgelist",
    ".edgelist": "edgelist",
}
LENGTH_ATTRS = ("length", "dist")


def detect_format(path: str | Path, fmt: str | None) -> str:
    """The format asked for, else the one the extension implies; a clear error otherwise."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise TopologyError(f"{path}: unknown format {show(fmt)} (known: {', '.join(FORMATS)})")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        known = ", ".join(EXTENSIONS)
        raise TopologyError(
            f"{path}: cannot tell the format from the extension {suffix or '(none)'!r} (known: {known}); give a format"
        )
    return EXTENSIONS[suffix]


def _read_text(path: Path) -> str:
    """The file's text, within the bounds every user file has (size, a regular file, UTF-8)."""
    return read_text(path, str(path), TopologyError)


def _pair(a: Any, b: Any) -> tuple[float, float] | None:
    x, y = as_number(a), as_number(b)
    return None if x is None or y is None else (float(x), float(y))


def _node_from_attrs(key: Any, attrs: dict[str, Any]) -> tuple[RawNode, bool]:
    """A node from GraphML/GML/JSON attributes; also says whether its position is (lon, lat)."""
    label = attrs.get("label") if attrs.get("label") not in (None, "") else attrs.get("name")
    label = str(label) if label not in (None, "") else None
    if "Longitude" in attrs and "Latitude" in attrs:
        return RawNode(key, label, _pair(attrs["Longitude"], attrs["Latitude"])), True
    pos = attrs.get("pos")
    if isinstance(pos, (list, tuple)) and len(pos) == 2:
        return RawNode(key, label, _pair(*pos)), False
    return RawNode(key, label, _pair(attrs.get("x"), attrs.get("y"))), False


def _networkx() -> Any:
    """networkx, imported only when a GraphML or GML file is read or written (it costs a tenth
    of a second, which every other command would pay for nothing)."""
    import networkx

    return networkx


def _from_networkx(graph: Any, source: str, default_name: str) -> RawTopology:
    """GraphML and GML both arrive as networkx graphs (maybe multi or directed): flatten them."""
    nodes, lon_lat = [], False
    for key, attrs in graph.nodes(data=True):
        node, geo = _node_from_attrs(key, attrs)
        nodes.append(node)
        lon_lat = lon_lat or geo
    edges = graph.edges(keys=True, data=True) if graph.is_multigraph() else graph.edges(data=True)
    links = [RawLink(e[0], e[1], dict(e[-1])) for e in edges]
    name = graph.graph.get("name") or graph.graph.get("Network") or default_name
    geographic = bool(graph.graph.get("geographic", lon_lat))
    return RawTopology(source, str(name), nodes, links, geographic, LENGTH_ATTRS)


def _parse_graphml(text: str, source: str, default_name: str) -> RawTopology:
    nx = _networkx()
    try:
        graph = nx.parse_graphml(text)
    except ET.ParseError as err:
        line = f"line {err.position[0]}: " if getattr(err, "position", None) else ""
        raise TopologyError(f"{source}: {line}not valid GraphML: {str(err).split(':')[0]}") from None
    except nx.NetworkXError as err:
        raise TopologyError(f"{source}: not valid GraphML: {_one_line(err)}") from None
    except (KeyError, ValueError, TypeError, AttributeError):  # their messages quote the file
        raise TopologyError(f"{source}: not valid GraphML: an undeclared attribute or a value of the wrong "
                            f"type") from None
    except RecursionError:
        raise TopologyError(f"{source}: not valid GraphML: nested too deeply") from None
    return _from_networkx(graph, source, default_name)


def _parse_gml(text: str, source: str, default_name: str) -> RawTopology:
    nx = _networkx()
    try:
        graph = nx.parse_gml(text, label=None)
    except (nx.NetworkXError, KeyError, ValueError, TypeError, AttributeError) as err:
        raise TopologyError(f"{source}: {_gml_problem(err)}") from None
    except RecursionError:
        raise TopologyError(f"{source}: not valid GML: nested too deeply") from None
    return _from_networkx(graph, source, default_name)


def _gml_problem(err: BaseException) -> str:
    """What went wrong in a GML file, quoting none of it when it did not even read as GML:
    networkx's tokenizer messages carry the text it could not read, and a file that is not GML
    at all (``/etc/passwd``) must not be echoed.  Messages about a well-formed file (a duplicate
    node, an edge to nowhere) are kept, bounded."""
    text = str(err)
    found = _GML_AT.search(text)
    if found:
        return f"not valid GML at line {found.group(1)}, column {found.group(2)}"
    if isinstance(err, _networkx().NetworkXError) and not text.startswith(("expected", "input")):
        return f"not valid GML: {_one_line(err)}"
    if "digits" in text and "int" in text:
        return "not valid GML: a number is too long"
    return "not valid GML"


_GML_AT = re.compile(r"at \((\d+), (\d+)\)")


def _one_line(err: BaseException) -> str:
    """A parser's own message as one bounded line (it may quote the file)."""
    text = " ".join(str(err).split())
    return short(text, 80) if text else type(err).__name__


def node_link_to_raw(data: Any, source: str, default_name: str, geographic: bool | None = None) -> RawTopology:
    """Read networkx node-link data; shared with the topohub catalogue, which stores this shape."""
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise TopologyError(f"{source}: expected node-link JSON: an object with 'nodes' and 'edges' lists")
    edges = data.get("edges", data.get("links"))
    if not isinstance(edges, list):
        raise TopologyError(f"{source}: expected node-link JSON: an 'edges' (or 'links') list")
    nodes, lon_lat = [], False
    for i, item in enumerate(data["nodes"]):
        if not isinstance(item, dict) or "id" not in item:
            raise TopologyError(f"{source}: nodes[{i}]: expected an object with an 'id'")
        node, geo = _node_from_attrs(item["id"], item)
        node.where = f"nodes[{i}]"
        nodes.append(node)
        lon_lat = lon_lat or geo
    links = []
    for i, item in enumerate(edges):
        if not isinstance(item, dict) or "source" not in item or "target" not in item:
            raise TopologyError(f"{source}: edges[{i}]: expected an object with 'source' and 'target'")
        attrs = {k: v for k, v in item.items() if k not in ("source", "target")}
        links.append(RawLink(item["source"], item["target"], attrs, f"edges[{i}]"))
    graph_attrs = data.get("graph") if isinstance(data.get("graph"), dict) else {}
    if geographic is None:
        geographic = bool(graph_attrs.get("geographic", lon_lat))
    name = str(graph_attrs.get("name") or default_name)
    return RawTopology(source, name, nodes, links, geographic, LENGTH_ATTRS)


def _parse_json(text: str, source: str, default_name: str) -> RawTopology:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise TopologyError(f"{source}: line {err.lineno}: not valid JSON: {err.msg}") from None
    except ValueError:  # an integer too long to convert
        raise TopologyError(f"{source}: not valid JSON: a number is too long") from None
    except RecursionError:
        raise TopologyError(f"{source}: not valid JSON: nested too deeply") from None
    return node_link_to_raw(data, source, default_name)


class _EdgeListReader:
    """Line-oriented reader: every message names the line."""

    def __init__(self, source: str, default_name: str) -> None:
        self.source = source
        self.name = default_name
        self.geographic = False
        self.nodes: dict[str, RawNode] = {}
        self.links: list[RawLink] = []

    def fail(self, line: int, what: str) -> NoReturn:
        raise TopologyError(f"{self.source}: line {line}: {what}")

    def node(self, name: str, line: int) -> RawNode:
        if name not in self.nodes:
            self.nodes[name] = RawNode(name, name, None, f"line {line}")
        return self.nodes[name]

    def directive(self, words: list[str], line: int) -> None:
        if words[:1] == ["name"] and len(words) == 2:
            self.name = words[1]
        elif words == ["geographic"]:
            self.geographic = True
        elif words[:1] == ["pos"] and len(words) == 4 and _pair(words[2], words[3]):
            self.node(words[1], line).pos = _pair(words[2], words[3])
        else:
            self.fail(line, f"unknown directive {short('#: ' + ' '.join(words))} (known: name N, geographic, "
                            f"pos NAME X Y)")

    def read_line(self, text: str, line: int) -> None:
        stripped = text.strip()
        try:
            if stripped.startswith("#:"):
                self.directive(shlex.split(stripped[2:]), line)
                return
            words = shlex.split(text, comments=True)
        except ValueError as err:
            self.fail(line, f"cannot split the line: {err}")
        if not words:
            return
        if not 2 <= len(words) <= 4:
            self.fail(line, f"expected 'A B [COST [DELAY]]', got {len(words)} fields")
        attrs = dict(zip(("cost", "delay"), words[2:], strict=False))
        a, b = self.node(words[0], line).key, self.node(words[1], line).key
        self.links.append(RawLink(a, b, attrs, f"line {line}"))

    def read(self, text: str) -> RawTopology:
        for number, line in enumerate(text.splitlines(), start=1):
            self.read_line(line, number)
        nodes = list(self.nodes.values())
        return RawTopology(self.source, self.name, nodes, self.links, self.geographic, hand_written=True)


def _parse_edgelist(text: str, source: str, default_name: str) -> RawTopology:
    return _EdgeListReader(source, default_name).read(text)


PARSERS: dict[str, Callable[[str, str, str], RawTopology]] = {
    "yaml": parse_yaml,
    "graphml": _parse_graphml,
    "gml": _parse_gml,
    "json": _parse_json,
    "edgelist": _parse_edgelist,
}


def read_topology(path: str | Path, fmt: str | None = None, *, cost: str = "unit") -> Graph:
    """Read a user's topology file; refuse it (one line naming the file) if it cannot be used as is."""
    path = Path(path)
    fmt = detect_format(path, fmt)
    raw = PARSERS[fmt](_read_text(path), str(path), path.stem)
    return build_graph(raw, cost=cost, connectivity="refuse", check_names=True)


def _plain_copy(graph: Graph) -> Graph:
    """A copy holding only scalar attributes that GraphML/GML can store."""
    costs_are_ints = all(isinstance(c, int) for _, _, c in graph.edges(data="cost", default=1))
    name = str(graph.graph.get("name") or "topology")
    plain = Graph(name=name, geographic=int(bool(graph.graph.get("geographic"))))
    for node, data in graph.nodes(data=True):
        attrs: dict[str, Any] = {"label": str(node)}
        if "pos" in data:
            attrs["x"], attrs["y"] = (float(c) for c in data["pos"])
        plain.add_node(str(node), **attrs)
    for u, v, data in graph.edges(data=True):
        cost = data.get("cost", 1)
        attrs = {"cost": cost if costs_are_ints else float(cost), "delay": float(data.get("delay", DEFAULT_DELAY))}
        if data.get("length") is not None:
            attrs["length"] = float(data["length"])
        plain.add_edge(str(u), str(v), **attrs)
    return plain


def _write_graphml(graph: Graph, tmp: Path) -> None:
    plain = _plain_copy(graph)
    plain.graph["geographic"] = bool(plain.graph["geographic"])
    _networkx().write_graphml(plain.to_networkx(), tmp)


def _write_gml(graph: Graph, tmp: Path) -> None:
    _networkx().write_gml(_plain_copy(graph).to_networkx(), tmp)


def _write_json(graph: Graph, tmp: Path) -> None:
    nodes = []
    for node, data in graph.nodes(data=True):
        entry: dict[str, Any] = {"id": str(node)}
        if "pos" in data:
            entry["pos"] = [float(c) for c in data["pos"]]
        nodes.append(entry)
    edges = []
    for u, v, data in graph.edges(data=True):
        entry = {"source": str(u), "target": str(v), "cost": data.get("cost", 1)}
        entry["delay"] = float(data.get("delay", DEFAULT_DELAY))
        if data.get("length") is not None:
            entry["length"] = float(data["length"])
        edges.append(entry)
    meta = {"name": str(graph.graph.get("name") or "topology"), "geographic": bool(graph.graph.get("geographic"))}
    document = {"directed": False, "multigraph": False, "graph": meta, "nodes": nodes, "edges": edges}
    tmp.write_text(json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")


def format_edgelist(graph: Graph) -> str:
    """One link per line; metadata in '#:' comment lines so plain edge-list readers skip it."""
    lines = ["# netsim edge list: A B COST DELAY (one-way seconds); '#:' lines carry metadata"]
    lines.append(f"#: name {shlex.quote(str(graph.graph.get('name') or 'topology'))}")
    if graph.graph.get("geographic"):
        lines.append("#: geographic")
    for node, data in graph.nodes(data=True):
        if "pos" in data:
            lines.append(f"#: pos {shlex.quote(str(node))} {float(data['pos'][0])!r} {float(data['pos'][1])!r}")
    for u, v, data in graph.edges(data=True):
        delay = float(data.get("delay", DEFAULT_DELAY))
        lines.append(f"{shlex.quote(str(u))} {shlex.quote(str(v))} {data.get('cost', 1)!r} {delay!r}")
    return "\n".join(lines) + "\n"


WRITERS: dict[str, Callable[[Graph, Path], None]] = {
    "yaml": lambda graph, tmp: tmp.write_text(format_yaml(graph), encoding="utf-8"),
    "graphml": _write_graphml,
    "gml": _write_gml,
    "json": _write_json,
    "edgelist": lambda graph, tmp: tmp.write_text(format_edgelist(graph), encoding="utf-8"),
}


def write_topology(graph: Graph, path: str | Path, fmt: str | None = None) -> None:
    """Write ``graph`` so that :func:`read_topology` gives it back; atomically (temp file + rename)."""
    fmt = detect_format(path, fmt)
    atomic_write(path, lambda tmp: WRITERS[fmt](graph, tmp))
