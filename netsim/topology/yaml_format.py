"""netsim's own YAML topology format: the same shape as an inline scenario topology.

```yaml
name: abilene
geographic: true            # optional: pos are (longitude, latitude), so delays follow distance
nodes: [a, b, c]            # optional when links name every node; or a mapping name -> {pos: [x, y]}
links:
  - [a, b]                  # cost 1, delay from length/positions or DEFAULT_DELAY
  - [b, c, 10]              # cost 10
  - {a: c, b: a, cost: 2, delay: 0.004, length: 800}   # delay s one way, length km
```

Errors name the line, found through the composed YAML node tree, because a user fixing a file
needs the line more than the key path.  Without a tree (an inline mapping already parsed by the
scenario loader) they name the key path instead, e.g. ``links[3]``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, NoReturn

import yaml

from netsim.errors import TopologyError
from netsim.inputs import short
from netsim.safeyaml import YamlLimitError, load_document, source_text
from netsim.topology.common import DEFAULT_DELAY, RawLink, RawNode, RawTopology, as_number, build_graph, show
from netsim.topology.graph import Graph

TOP_KEYS = ("name", "geographic", "nodes", "links")
LINK_KEYS = ("a", "b", "cost", "delay", "length")
NODE_KEYS = ("pos",)


def _suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Marks:
    """Maps a key path such as ("links", 3) to "line 12", or to "links[3]" without a node tree."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def _find(self, path: tuple[str | int, ...]) -> yaml.Node | None:
        """The node at ``path``; for a mapping key, the key itself (a null value has no useful line)."""
        node, found = self.root, self.root
        for step in path:
            if isinstance(node, yaml.MappingNode):
                pair = next(((k, v) for k, v in node.value if k.value == str(step)), None)
                if pair is None:
                    return None
                found, node = pair
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                found = node = node.value[step]
            else:
                return None
        return found

    def where(self, *path: str | int) -> str:
        node = self._find(path)
        if node is not None:
            return f"line {node.start_mark.line + 1}"
        text = ""
        for step in path:
            text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
        return text or "top level"


class _MappingReader:
    """Reads the parsed mapping into a RawTopology, checking each part where it is written."""

    def __init__(self, data: Any, source: str, marks: _Marks, default_name: str) -> None:
        self.data = data
        self.source = source
        self.marks = marks
        self.default_name = default_name
        self.declared: list[RawNode] = []
        self.seen: dict[str, RawNode] = {}

    def fail(self, path: tuple[str | int, ...], what: str) -> NoReturn:
        raise TopologyError(f"{self.source}: {self.marks.where(*path)}: {what}")

    def read(self) -> RawTopology:
        if not isinstance(self.data, Mapping):
            self.fail((), "expected a mapping with 'links' (and optionally 'name', 'nodes', 'geographic')")
        for key in self.data:
            if key not in TOP_KEYS:
                self.fail((key,), f"unknown key {show(key)}{_suggest(str(key), TOP_KEYS)}")
        name = self.data.get("name", self.default_name)
        if not isinstance(name, str) or not name:
            self.fail(("name",), f"name must be text, got {show(name)}")
        geographic = self.data.get("geographic", False)
        if not isinstance(geographic, bool):
            self.fail(("geographic",), f"geographic must be true or false, got {show(geographic)}")
        self.read_nodes()
        links = self.read_links()
        nodes = self.declared or list(self.seen.values())
        return RawTopology(self.source, name, nodes, links, geographic=geographic, hand_written=True)

    def node_name(self, value: Any, path: tuple[str | int, ...]) -> str:
        """Node names are text; YAML turns bare yes/no/on/off into booleans, so say how to fix it."""
        if isinstance(value, bool):
            self.fail(path, f"node name {show(value)} reads as a boolean (bare yes/no/on/off/true/false do); quote it")
        if isinstance(value, (int, float)) or (isinstance(value, str) and value):
            return source_text(value)  # 010 stays 010 (not YAML 1.1's octal 8)
        self.fail(path, f"node name must be text, got {show(value)}")

    def read_pos(self, value: Any, path: tuple[str | int, ...]) -> tuple[float, float] | None:
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.fail(path, f"node details must be a mapping like {{pos: [x, y]}}, got {show(value)}")
        for key in value:
            if key not in NODE_KEYS:
                self.fail(path, f"unknown node key {show(key)}{_suggest(str(key), NODE_KEYS)}")
        pos = value.get("pos")
        numbers = [as_number(x) for x in pos] if isinstance(pos, list) else []
        if len(numbers) != 2 or None in numbers:
            self.fail((*path, "pos"), f"pos must be [x, y] numbers, got {show(pos)}")
        return (float(numbers[0]), float(numbers[1]))

    def declare(self, name: str, pos: tuple[float, float] | None, path: tuple[str | int, ...]) -> None:
        if name in self.seen:
            self.fail(path, f"node {name!r} is listed twice")
        node = RawNode(name, name, pos, self.marks.where(*path))
        self.seen[name] = node
        self.declared.append(node)

    def read_nodes(self) -> None:
        nodes = self.data.get("nodes")
        if nodes is None:
            return
        if isinstance(nodes, list):
            for i, value in enumerate(nodes):
                self.declare(self.node_name(value, ("nodes", i)), None, ("nodes", i))
        elif isinstance(nodes, Mapping):
            for key, value in nodes.items():
                name = self.node_name(key, ("nodes", key))
                self.declare(name, self.read_pos(value, ("nodes", key)), ("nodes", key))
        else:
            expected = "a list of names or a mapping name -> {pos: [x, y]}"
            self.fail(("nodes",), f"nodes must be {expected}, got {show(nodes)}")

    def endpoint(self, value: Any, path: tuple[str | int, ...]) -> str:
        name = self.node_name(value, path)
        if name not in self.seen:
            if self.declared:
                self.fail(path, f"unknown node {name!r}{_suggest(name, list(self.seen))}; it is not in 'nodes'")
            self.seen[name] = RawNode(name, name, None, self.marks.where(*path))
        return name

    def read_link(self, item: Any, i: int) -> RawLink:
        path: tuple[str | int, ...] = ("links", i)
        if isinstance(item, list):
            if len(item) not in (2, 3):
                self.fail(path, f"a link is [a, b] or [a, b, cost], got {show(item)}")
            a, b = self.endpoint(item[0], path), self.endpoint(item[1], path)
            attrs = {"cost": item[2]} if len(item) == 3 else {}
        elif isinstance(item, Mapping):
            for key in item:
                if key not in LINK_KEYS:
                    self.fail(path, f"unknown link key {show(key)}{_suggest(str(key), LINK_KEYS)}")
            if "a" not in item or "b" not in item:
                self.fail(path, "a link mapping needs both ends as 'a' and 'b'")
            a, b = self.endpoint(item["a"], path), self.endpoint(item["b"], path)
            attrs = {k: v for k, v in item.items() if k not in ("a", "b")}
        else:
            expected = "[a, b], [a, b, cost] or {a: .., b: .., cost: .., delay: ..}"
            self.fail(path, f"a link is {expected}, got {show(item)}")
        return RawLink(a, b, attrs, self.marks.where(*path))

    def read_links(self) -> list[RawLink]:
        links = self.data.get("links")
        if not isinstance(links, list) or not links:
            self.fail(("links",) if "links" in self.data else (), "'links' must be a non-empty list of links")
        return [self.read_link(item, i) for i, item in enumerate(links)]


def parse_yaml(text: str, source: str, default_name: str) -> RawTopology:
    """Parse a YAML topology file, keeping the node tree so errors can name lines."""
    try:
        data, root = load_document(text)
    except YamlLimitError as err:
        raise TopologyError(f"{source}: line {err.line}: {err.problem}") from None
    except RecursionError:
        raise TopologyError(f"{source}: not valid YAML: nested too deeply") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise TopologyError(f"{source}: {line}not valid YAML: {short(problem, 80)}") from None
    return _MappingReader(data, source, _Marks(root), default_name).read()


def graph_from_mapping(
    data: Mapping[str, Any], *, source: str, cost: str = "unit", root: yaml.Node | None = None
) -> Graph:
    """Build a graph from an already-parsed topology mapping (an inline scenario topology).

    Pass the composed YAML ``root`` node of that mapping to get line numbers in errors; ``source``
    starts every message (e.g. ``"scenarios/x.yaml: topology"``).
    """
    raw = _MappingReader(data, source, _Marks(root), default_name="inline").read()
    return build_graph(raw, cost=cost)


def _flow(value: Any) -> str:
    """One-line YAML for a value, quoted wherever YAML needs it (names like 'no' or '1')."""
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10**9).strip()


def _link_line(u: str, v: str, attrs: Mapping[str, Any], derivable: bool) -> str:
    """Short list form when a reader would get the same delay back; else spell the delay out."""
    cost, delay, length = attrs.get("cost", 1), attrs.get("delay", DEFAULT_DELAY), attrs.get("length")
    if delay == DEFAULT_DELAY and length is None and not derivable:
        return _flow([u, v] if cost == 1 else [u, v, cost])
    entry: dict[str, Any] = {"a": u, "b": v}
    if cost != 1:
        entry["cost"] = cost
    entry["delay"] = delay
    if length is not None:
        entry["length"] = length
    return _flow(entry)


def _node_lines(graph: Graph) -> list[str]:
    names = [str(n) for n in graph]
    if not any("pos" in data for _, data in graph.nodes(data=True)):
        return ["nodes: " + yaml.safe_dump(names, default_flow_style=True, allow_unicode=True, width=100).strip()]
    lines = ["nodes:"]
    for node, data in graph.nodes(data=True):
        details = {"pos": [float(c) for c in data["pos"]]} if "pos" in data else None
        lines.append("  " + _flow({str(node): details})[1:-1])
    return lines


def format_yaml(graph: Graph) -> str:
    """Render a contract graph as a readable netsim YAML file (one link per line)."""
    lines = [f"# {line}".rstrip() for line in str(graph.graph.get("comment", "")).splitlines()]
    lines.append(f"name: {_flow([str(graph.graph.get('name') or 'topology')])[1:-1]}")
    if graph.graph.get("geographic"):
        lines.append("geographic: true")
    lines += _node_lines(graph)
    lines.append("links:")
    geo = bool(graph.graph.get("geographic"))
    for u, v, attrs in graph.edges(data=True):
        derivable = geo and "pos" in graph.nodes[u] and "pos" in graph.nodes[v]
        lines.append(f"  - {_link_line(str(u), str(v), attrs, derivable)}")
    return "\n".join(lines) + "\n"
