"""The graph contract every topology source meets, and the clean-up that gets real data there.

Readers (files, generators, the topohub catalogue) only *parse*: they describe what they found as a
:class:`RawTopology`.  :func:`build_graph` then applies the same rules to all of them -- readable
unique names, costs, delays, parallel links, self-loops, connectivity -- so a network behaves the
same whichever way it was loaded, and every rule lives in one place.

The contract: an undirected :class:`netsim.topology.graph.Graph` (networkx's layout and core
API; ``to_networkx()`` for its algorithms) whose nodes are ``str`` names; every edge has
``cost`` (positive int, or float when not integral) and ``delay`` (one-way seconds, >= 0) and, when
known, ``length`` (km); nodes may have ``pos`` = (x, y) (longitude, latitude when the graph
attribute ``geographic`` is true); graph attributes ``name``, ``source`` and ``geographic``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn

from netsim.errors import TopologyError
from netsim.inputs import short
from netsim.topology.graph import Graph, connected_components

DEFAULT_DELAY: float = 0.001
"""One-way delay (s) of a link whose length is unknown or zero: a short metro hop."""

FIBRE_KM_PER_S: float = 200_000.0
"""Light in fibre covers about 200,000 km/s (refractive index ~1.5), so 1,000 km ~ 5 ms."""

EARTH_RADIUS_KM: float = 6371.0

Connectivity = Literal["refuse", "largest"]

#: Largest link cost accepted: sums of many such costs stay exact enough in floating point, and
#: far from overflowing (two costs of 1e308 made path sums infinite).
MAX_COST: float = 1e12

#: Names a router may not have: the marks tables use for a missing entry.
FORBIDDEN_NAMES = ("-", "–")
#: Longest router name.
MAX_NAME = 200


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a router's name (it would break tables, the a–b link notation or
    one-line messages), or None."""
    if not name:
        return "must not be empty"
    if name in FORBIDDEN_NAMES:
        return "is the mark tables use for a missing entry; choose another name"
    if any(c in name for c in "\n\r\t") or not name.isprintable():
        return "must be one line of printable characters"
    if len(name) > MAX_NAME:
        return f"is longer than {MAX_NAME} characters"
    return None


def link_key(a: str, b: str) -> tuple[str, str]:
    """Canonical (sorted) key of the undirected link a–b."""
    return (a, b) if a <= b else (b, a)


def link_costs(data: Mapping[str, Any], u: str, v: str) -> tuple[float, float]:
    """The costs u→v and v→u of a link from its edge attributes.

    A link's ``cost`` holds for both directions unless ``costs`` (sender → cost) gives one per
    direction; every routing part reads costs through here so asymmetric links are seen alike.
    """
    per = data.get("costs")
    if per:
        return per[u], per[v]
    c = data.get("cost", 1)
    return c, c


class TopologyWarning(UserWarning):
    """Something in the data was repaired (parallel links merged, self-loops or parts dropped)."""


@dataclass
class RawNode:
    """A node as a source describes it, before names are made unique."""

    key: Hashable
    label: str | None = None
    pos: tuple[float, float] | None = None
    where: str | None = None


@dataclass
class RawLink:
    """A link as a source describes it; ``attrs`` keeps the source's own attribute names."""

    u: Hashable
    v: Hashable
    attrs: dict[str, Any] = field(default_factory=dict)
    where: str | None = None


@dataclass
class RawTopology:
    """What one reader found: nodes and links in source order, plus where it came from."""

    source: str
    name: str
    nodes: list[RawNode]
    links: list[RawLink]
    geographic: bool = False
    length_attrs: tuple[str, ...] = ("length",)
    hand_written: bool = False
    """Hand-written formats (netsim YAML, edge lists) refuse self-loops and repeated links as typos."""


def show(value: Any) -> str:
    """Render a user's value in a message so words stand out from numbers (also numbers read as
    text); bounded, so a huge or deeply nested value still makes a one-line message."""
    if isinstance(value, str) and as_number(value) is not None:
        return value if len(value) <= 40 else value[:39] + "…"
    return short(value)


def as_number(value: Any) -> float | int | None:
    """Read a finite number, also from text (GraphML/GML/edge lists may store numbers as text)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return int(value)  # a plain int, also from a YAML number that remembers its text
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number):
        return None
    if isinstance(value, str) and number.is_integer() and value.strip().lstrip("+-").isdigit():
        return int(number)
    return number


def tidy_number(number: float | int) -> float | int:
    """Costs are ints when integral, so tables print ``10`` rather than ``10.0``."""
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (longitude, latitude) points in degrees."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def delay_for_length(length_km: float | None) -> float:
    """Propagation delay of a fibre of this length; DEFAULT_DELAY when unknown or zero."""
    if not length_km:
        return DEFAULT_DELAY
    return round(length_km / FIBRE_KM_PER_S, 9)


def unique_names(labels: list[str]) -> list[str]:
    """Make labels unique without renaming any label that was already unique.

    Repeats get ``-2``, ``-3``... in source order, skipping suffixed names that exist in the data, so
    the result is deterministic and a network's own "Chicago-2" is never displaced.
    """
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    taken = set(labels)
    used: set[str] = set()
    result = []
    for label in labels:
        name = label
        if counts[label] > 1 and label in used:
            k = 2
            while f"{label}-{k}" in taken or f"{label}-{k}" in used:
                k += 1
            name = f"{label}-{k}"
        used.add(name)
        result.append(name)
    return result


class _Builder:
    """Turns one RawTopology into a contract graph; holds the context its messages need."""

    def __init__(self, raw: RawTopology, cost: str, check_names: bool = False) -> None:
        self.raw = raw
        self.cost = cost
        self.check_names = check_names
        self.names: dict[Hashable, str] = {}
        self.pos: dict[str, tuple[float, float]] = {}

    def fail(self, link: RawLink | None, what: str, node_pair: tuple[str, str] | None = None) -> NoReturn:
        parts = [self.raw.source]
        if link is not None and link.where:
            parts.append(link.where)
        if node_pair:
            parts.append(f"link {node_pair[0]}–{node_pair[1]}")
        parts.append(what)
        raise TopologyError(": ".join(parts))

    def name_nodes(self) -> None:
        labels = [n.label if n.label else str(n.key) for n in self.raw.nodes]
        for node, name in zip(self.raw.nodes, unique_names(labels), strict=True):
            problem = name_problem(name) if self.check_names else None
            if problem:
                where = f"{self.raw.source}: {node.where}" if node.where else self.raw.source
                raise TopologyError(f"{where}: router name {short(name)}: {problem}")
            self.names[node.key] = name
            if node.pos is not None:
                self.pos[name] = node.pos

    def length_of(self, link: RawLink, pair: tuple[str, str]) -> float | None:
        for attr in self.raw.length_attrs:
            if link.attrs.get(attr) is not None:
                length = as_number(link.attrs[attr])
                if length is None or not 0 <= length <= MAX_COST:
                    self.fail(link, f"{attr} must be a number of km from 0 to {MAX_COST:g}, "
                                    f"got {show(link.attrs[attr])}", pair)
                return float(length)
        if self.raw.geographic and pair[0] in self.pos and pair[1] in self.pos:
            return round(haversine_km(self.pos[pair[0]], self.pos[pair[1]]), 3)
        return None

    def delay_of(self, link: RawLink, pair: tuple[str, str], length: float | None) -> float:
        if link.attrs.get("delay") is None:
            return delay_for_length(length)
        delay = as_number(link.attrs["delay"])
        if delay is None or delay < 0:
            self.fail(link, f"delay must be a number of seconds >= 0, got {show(link.attrs['delay'])}", pair)
        return float(delay)

    def cost_of(self, link: RawLink, pair: tuple[str, str], length: float | None) -> float | int:
        if self.cost == "distance":
            return max(1, round(length)) if length else 1
        attr = "cost" if self.cost == "unit" else self.cost
        value = link.attrs.get(attr)
        if value is None:
            if self.cost == "unit":
                return 1
            self.fail(link, f"no {attr!r} attribute (cost: {attr!r} needs it on every link)", pair)
        number = as_number(value)
        if number is None or number <= 0:
            self.fail(link, f"{attr} must be a positive number, got {show(value)}", pair)
        if number > MAX_COST:
            self.fail(link, f"{attr} must be at most {MAX_COST:g}, got {show(value)}", pair)
        return tidy_number(number)

    def links(self) -> tuple[list[tuple[str, str, dict[str, Any]]], list[str]]:
        """Resolve every link; return the kept ones and the names of dropped self-loops."""
        kept, loops = [], []
        first_seen: dict[frozenset[str], RawLink] = {}
        for link in self.raw.links:
            for end in (link.u, link.v):
                if end not in self.names:
                    self.fail(link, f"link names unknown node {show(end)}")
            pair = (self.names[link.u], self.names[link.v])
            if pair[0] == pair[1]:
                if self.raw.hand_written:
                    self.fail(link, f"self-loop {pair[0]}–{pair[0]} (a link needs two different routers)")
                loops.append(pair[0])
                continue
            length = self.length_of(link, pair)
            attrs: dict[str, Any] = {"cost": self.cost_of(link, pair, length)}
            attrs["delay"] = self.delay_of(link, pair, length)
            if length is not None:
                attrs["length"] = length
            self.check_repeat(link, pair, first_seen)
            kept.append((pair[0], pair[1], attrs))
        return kept, loops

    def check_repeat(self, link: RawLink, pair: tuple[str, str], first_seen: dict[frozenset[str], RawLink]) -> None:
        """In a hand-written file a second link between the same routers is a typo: name both places."""
        key = frozenset(pair)
        first = first_seen.setdefault(key, link)
        if self.raw.hand_written and first is not link:
            at = f" (first at {first.where})" if first.where else ""
            self.fail(link, f"duplicate link {pair[0]}–{pair[1]}{at}")

    def check_distance_mode(self, links: list[tuple[str, str, dict[str, Any]]]) -> None:
        if self.cost == "distance" and links and not any("length" in attrs for *_, attrs in links):
            raise TopologyError(
                f"{self.raw.source}: cost 'distance' needs link lengths or geographic positions, and there are none"
            )


def check_cost_mode(cost: Any) -> str:
    """Validate the ``cost=`` choice early so a typo does not read as a missing attribute."""
    if not isinstance(cost, str) or not cost:
        raise TopologyError(f"cost must be 'unit', 'distance' or an edge attribute name, got {show(cost)}")
    return cost


def _merge_parallel(graph: Graph, links: Iterable[tuple[str, str, dict[str, Any]]]) -> list[str]:
    """Add links to ``graph`` keeping the cheapest of parallel ones (then the fastest, then the first)."""
    merged = []
    for u, v, attrs in links:
        if graph.has_edge(u, v):
            merged.append(f"{u}–{v}")
            old = graph.edges[u, v]
            if (attrs["cost"], attrs["delay"]) < (old["cost"], old["delay"]):
                old.clear()
                old.update(attrs)
            continue
        graph.add_edge(u, v, **attrs)
    return merged


def _few(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _apply_connectivity(graph: Graph, raw: RawTopology, policy: Connectivity, where: dict[str, str]) -> None:
    """User files must be connected; for real data keep the largest part and say what was dropped."""
    if graph.number_of_edges() == 0:
        raise TopologyError(f"{raw.source}: the topology has no links")
    parts = sorted(connected_components(graph), key=len, reverse=True)
    if len(parts) == 1:
        return
    isolated = [n for n in graph if graph.degree(n) == 0]
    if policy == "refuse":
        if isolated:
            node = isolated[0]
            prefix = f"{raw.source}: {where[node]}" if node in where else raw.source
            raise TopologyError(f"{prefix}: node {node!r} has no links")
        order = {name: i for i, name in enumerate(graph)}
        smallest = sorted(parts[-1], key=order.__getitem__)
        raise TopologyError(
            f"{raw.source}: the topology is not connected ({len(parts)} parts): "
            f"{_few(smallest)} cannot reach {next(iter(sorted(parts[0], key=order.__getitem__)))}"
        )
    dropped = [n for n in graph if n not in parts[0]]
    graph.remove_nodes_from(dropped)
    warnings.warn(
        f"{raw.source}: not connected; kept the largest part ({graph.number_of_nodes()} routers), "
        f"dropped {len(dropped)}: {_few(dropped)}",
        TopologyWarning,
        stacklevel=2,
    )


def build_graph(raw: RawTopology, *, cost: str = "unit", connectivity: Connectivity = "refuse",
                check_names: bool = False) -> Graph:
    """Apply the contract to what a reader found; the one place every clean-up rule lives.

    ``check_names`` refuses router names a scenario could not use (:func:`name_problem`): on for
    a user's own files, off for real data, whose names a scenario checks when it uses them.
    """
    builder = _Builder(raw, check_cost_mode(cost), check_names)
    builder.name_nodes()
    links, loops = builder.links()
    builder.check_distance_mode(links)
    graph = Graph(name=raw.name, source=raw.source, geographic=raw.geographic)
    for node in raw.nodes:
        name = builder.names[node.key]
        graph.add_node(name, **({"pos": builder.pos[name]} if name in builder.pos else {}))
    merged = _merge_parallel(graph, links)
    if loops:
        message = f"{raw.source}: dropped {len(loops)} self-loop(s) at {_few(loops)}"
        warnings.warn(message, TopologyWarning, stacklevel=2)
    if merged:
        warnings.warn(
            f"{raw.source}: merged {len(merged)} parallel link(s), keeping the cheapest: {_few(merged)}",
            TopologyWarning,
            stacklevel=2,
        )
    where = {builder.names[n.key]: n.where for n in raw.nodes if n.where}
    _apply_connectivity(graph, raw, connectivity, where)
    return graph
