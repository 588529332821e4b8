"""Synthetic topologies: regular shapes for worked examples, random models for sweeps, and a toy ISP.

Every kind is deterministic for a given ``seed`` (default 0): randomness comes from one
``numpy.random.default_rng(seed)`` consumed in a fixed order, never from global state, so a
scenario names the same network on every machine and every run.  Generators are written here
rather than borrowed from networkx so that a library upgrade cannot silently change them.

Routers are named ``r1`` .. ``rN`` (``grid`` numbers them row by row; ``isp`` uses ``c1`` ..
``cK`` for core routers and ``c1a1``, ``c1a2``... for the access routers homed on ``c1``).  Links
cost 1 with DEFAULT_DELAY, except ``isp``, whose links have lengths in km and so realistic delays.
Every generated graph is connected; the random kinds patch their components together as each
function documents.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

import numpy as np

from netsim.errors import TopologyError
from netsim.topology.common import RawLink, RawNode, RawTopology, build_graph, delay_for_length, show
from netsim.topology.graph import Graph, connected_components

_REQUIRED = object()
Pos = tuple[float, float]


class _Params:
    """Checks a generator's parameters one by one, so each message names the parameter at fault."""

    def __init__(self, kind: str, given: Mapping[str, Any]) -> None:
        self.kind = kind
        self.given = dict(given)
        self.used: dict[str, Any] = {}
        self.random = False

    def fail(self, what: str) -> NoReturn:
        raise TopologyError(f"generator {self.kind}: {what}")

    def _get(self, name: str, default: Any, aliases: tuple[str, ...] = ()) -> Any:
        for key in (name, *aliases):
            if key in self.given:
                self.used[key] = self.given[key]
                return self.given[key]
        if default is _REQUIRED:
            self.fail(f"missing parameter {name!r}")
        self.used[name] = default
        return default

    def integer(
        self, name: str, *, default: Any = _REQUIRED, low: int = 1, high: int = 100_000, aliases: tuple[str, ...] = ()
    ) -> int:
        value = self._get(name, default, aliases)
        if value is None and default is None:
            return None  # type: ignore[return-value]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(f"{name} must be an integer from {low} to {high}, got {show(value)}")
        return value

    def number(self, name: str, *, default: Any = _REQUIRED, low: float = 0.0, high: float = 1.0) -> float:
        """A number in (low, high]; every probability or scale here excludes zero."""
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low < value <= high:
            self.fail(f"{name} must be a number > {low} and <= {high}, got {show(value)}")
        return float(value)

    def flag(self, name: str, *, default: bool) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            self.fail(f"{name} must be true or false, got {show(value)}")
        return value

    def seed(self) -> int:
        """Every kind accepts ``seed`` (so a sweep can set it blindly); only random kinds use it."""
        value = self.given.get("seed", 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
            self.fail(f"seed must be an integer from 0 to 2**63 - 1, got {show(value)}")
        return value

    def rng(self) -> np.random.Generator:
        self.random = True
        return np.random.default_rng(self.seed())

    def done(self) -> None:
        """Refuse parameters nobody read: a typo like ``nodes: 8`` must not silently give defaults."""
        self.seed()
        unknown = [key for key in self.given if key not in self.used and key != "seed"]
        if unknown:
            accepted = sorted({*self.used, "seed"})
            self.fail(f"unknown parameter {unknown[0]!r} (accepted: {', '.join(accepted)})")

    def title(self) -> str:
        values = self.used | ({"seed": self.seed()} if self.random else {})
        shown = ", ".join(f"{k}={v}" for k, v in values.items() if v is not None)
        return f"{self.kind}({shown})"


def _names(n: int, prefix: str = "r") -> list[str]:
    return [f"{prefix}{i}" for i in range(1, n + 1)]


def _circle(n: int, radius: float = 1.0, turn: float = 0.0) -> list[Pos]:
    """Points clockwise from the top, rounded so exported files stay tidy."""
    angles = [2 * math.pi * i / n + turn for i in range(n)]
    return [(round(radius * math.sin(a), 6) + 0.0, round(radius * math.cos(a), 6) + 0.0) for a in angles]


def _polar(radius: float, angle: float) -> Pos:
    """A point at ``angle`` clockwise from the top, to 0.1 (km); ``+ 0.0`` turns -0.0 into 0.0."""
    return (round(radius * math.sin(angle), 1) + 0.0, round(radius * math.cos(angle), 1) + 0.0)


def _raw(
    p: _Params,
    names: list[str],
    edges: list[tuple[int, int]],
    pos: list[Pos] | None = None,
    lengths: list[float] | None = None,
) -> RawTopology:
    nodes = [RawNode(name, name, pos[i] if pos else None) for i, name in enumerate(names)]
    links = []
    for k, (i, j) in enumerate(edges):
        attrs: dict[str, Any] = {}
        if lengths is not None:
            attrs = {"length": lengths[k], "delay": delay_for_length(lengths[k])}
        links.append(RawLink(names[i], names[j], attrs))
    return RawTopology(f"generator {p.kind}", p.title(), nodes, links)


def _line(p: _Params) -> RawTopology:
    n = p.integer("n", low=2)
    p.done()
    return _raw(p, _names(n), [(i, i + 1) for i in range(n - 1)], [(float(i), 0.0) for i in range(n)])


def _ring(p: _Params) -> RawTopology:
    n = p.integer("n", low=3)
    p.done()
    return _raw(p, _names(n), [(i, (i + 1) % n) for i in range(n)], _circle(n))


def _star(p: _Params) -> RawTopology:
    """``r1`` is the hub; n counts the hub too."""
    n = p.integer("n", low=2)
    p.done()
    return _raw(p, _names(n), [(0, i) for i in range(1, n)], [(0.0, 0.0), *_circle(n - 1)])


def _mesh(p: _Params) -> RawTopology:
    n = p.integer("n", low=2, high=1000)
    p.done()
    return _raw(p, _names(n), [(i, j) for i in range(n) for j in range(i + 1, n)], _circle(n))


def _grid_shape(p: _Params) -> tuple[int, int]:
    """rows x cols, or from n the most square factorisation (n=12 -> 3x4; a prime n gives 1xn)."""
    rows = p.integer("rows", default=None, high=1000)
    cols = p.integer("cols", default=None, high=1000)
    n = p.integer("n", default=None, low=2)
    if n is not None and (rows is not None or cols is not None):
        p.fail("give either n or rows and cols, not both")
    if n is not None:
        rows = max(d for d in range(1, math.isqrt(n) + 1) if n % d == 0)
        return rows, n // rows
    if rows is None or cols is None:
        p.fail(f"missing parameter {'rows' if rows is None else 'cols'!r} (or give n)")
    if rows * cols < 2:
        p.fail("a grid needs at least 2 routers")
    return rows, cols


def _grid(p: _Params) -> RawTopology:
    """Row-major names: r1..r{cols} is the top row; pos is (column, -row) so drawings look right."""
    rows, cols = _grid_shape(p)
    p.done()
    index = lambda r, c: r * cols + c
    edges = [(index(r, c), index(r, c + 1)) for r in range(rows) for c in range(cols - 1)]
    edges += [(index(r, c), index(r + 1, c)) for r in range(rows - 1) for c in range(cols)]
    pos = [(float(c), float(-r)) for r in range(rows) for c in range(cols)]
    return _raw(p, _names(rows * cols), sorted(edges), pos)


def _tree(p: _Params) -> RawTopology:
    """Balanced tree: branching factor r, height h (root ``r1``, then breadth-first)."""
    r = p.integer("r", aliases=("branching",), high=1000)
    h = p.integer("h", aliases=("height",), high=1000)
    p.done()
    n = h + 1 if r == 1 else (r ** (h + 1) - 1) // (r - 1)
    if n > 100_000:
        p.fail(f"r={r}, h={h} gives {n} routers; at most 100000")
    edges = [((i - 1) // r, i) for i in range(1, n)]
    pos: list[Pos] = []
    for depth in range(h + 1):
        width = r**depth
        pos += [((k + 0.5) / width, float(-depth)) for k in range(width)]
    return _raw(p, _names(n), edges, pos)


def _join_components(
    n: int, edges: list[tuple[int, int]], pick: Callable[[list[int], list[int]], tuple[int, int]]
) -> list[tuple[int, int]]:
    """Join every component to the part holding r1, in order of each component's first router."""
    graph = Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    parts = sorted((sorted(c) for c in connected_components(graph)), key=lambda c: c[0])
    joined = list(parts[0])
    for part in parts[1:]:
        edges.append(pick(joined, part))
        joined = sorted(joined + part)
    return edges


def _erdos_renyi(p: _Params) -> RawTopology:
    """G(n, p); each extra component is then joined to the rest by one link between two random members.

    The patch keeps the result connected and deterministic (same generator, fixed order); it adds
    at most (components - 1) links, so p stays a good lower bound on the density.
    """
    n = p.integer("n", low=2, high=5000)
    prob = p.number("p")
    rng = p.rng()
    p.done()
    i, j = np.triu_indices(n, 1)
    keep = rng.random(i.size) < prob
    edges = list(zip(i[keep].tolist(), j[keep].tolist(), strict=True))
    pick = lambda joined, part: (joined[rng.integers(len(joined))], part[rng.integers(len(part))])
    return _raw(p, _names(n), _join_components(n, edges, pick))


def _waxman(p: _Params) -> RawTopology:
    """Waxman (1988): routers uniform in the unit square, P(link) = beta * exp(-d / (alpha * L)).

    L is the largest distance between two routers.  Each extra component is joined to the rest by
    its shortest possible link, as a network planner would.
    """
    n = p.integer("n", low=2, high=5000)
    alpha = p.number("alpha", default=0.2, high=10.0)
    beta = p.number("beta", default=0.4)
    rng = p.rng()
    p.done()
    xy = np.round(rng.random((n, 2)), 6)
    i, j = np.triu_indices(n, 1)
    dist = np.hypot(*(xy[i] - xy[j]).T)
    scale = alpha * max(float(dist.max()), 1e-12)
    keep = rng.random(i.size) < beta * np.exp(-dist / scale)
    edges = list(zip(i[keep].tolist(), j[keep].tolist(), strict=True))

    def nearest(joined: list[int], part: list[int]) -> tuple[int, int]:
        gaps = np.hypot(*(xy[joined][:, None, :] - xy[part][None, :, :]).transpose(2, 0, 1))
        a, b = np.unravel_index(int(np.argmin(gaps)), gaps.shape)
        return joined[a], part[b]

    pos = [(float(x), float(y)) for x, y in xy]
    return _raw(p, _names(n), _join_components(n, edges, nearest), pos)


def _barabasi_albert(p: _Params) -> RawTopology:
    """Preferential attachment: start from a full mesh of m+1 routers; each later one links to m others.

    Targets are drawn with probability proportional to degree (distinct per router), so the graph
    has m(m+1)/2 + (n-m-1)m links and is connected by construction.
    """
    n = p.integer("n", low=2)
    m = p.integer("m", high=n - 1 if n > 1 else 1)
    rng = p.rng()
    p.done()
    edges = [(i, j) for i in range(m + 1) for j in range(i + 1, m + 1)]
    ends = [x for edge in edges for x in edge]
    for new in range(m + 1, n):
        targets: list[int] = []
        while len(targets) < m:
            candidate = ends[rng.integers(len(ends))]
            if candidate not in targets:
                targets.append(candidate)
        for target in targets:
            edges.append((target, new))
            ends += [target, new]
    return _raw(p, _names(n), edges)


def _isp_core(p: _Params, core: int, chords: int | None) -> list[tuple[int, int]]:
    """A core ring plus random chords, so a single core failure never partitions the core."""
    ring = [(i, (i + 1) % core) for i in range(core)]
    adjacent = {frozenset(e) for e in ring}
    candidates = [(i, j) for i in range(core) for j in range(i + 1, core) if frozenset((i, j)) not in adjacent]
    if chords is None:
        chords = p.used["chords"] = min(core // 2, len(candidates))
    if chords > len(candidates):
        p.fail(f"chords must be at most {len(candidates)} for core={core}, got {chords}")
    order = p.rng().permutation(len(candidates))[:chords]
    return ring + [candidates[k] for k in sorted(order.tolist())]


def _isp(p: _Params) -> RawTopology:
    """Two levels: K core routers on a ring (~150*K km radius) with chords; access routers around them.

    Each access router homes on its core router and, if ``dual_homed``, also on the neighbouring core
    router on its side (access routers are fanned out around their core).  Core links cost
    ``core_cost`` (10), uplinks ``access_cost`` (100), like IGP metrics from a 10G core and 1G
    access; lengths (km) follow the layout and give the delays.  With ``access: 0`` it is just a
    core: a ring with ``chords`` random chords (default core // 2).
    """
    core = p.integer("core", low=3, high=1000, aliases=("n",))
    access = p.integer("access", default=4, low=0, high=1000)
    chords = p.integer("chords", default=None, low=0, high=10**6)
    dual = p.flag("dual_homed", default=True)
    core_cost = p.integer("core_cost", default=10, high=10**6)
    access_cost = p.integer("access_cost", default=100, high=10**6)
    core_edges = _isp_core(p, core, chords)
    p.done()
    radius = 150.0 * core
    pos = _circle(core, radius)
    names = _names(core, "c")
    edges, costs = list(core_edges), [core_cost] * len(core_edges)
    spread = 2 * math.pi / core * 0.5
    for c in range(core):
        for a in range(access):
            offset = (a + 0.5) / access - 0.5
            angle = 2 * math.pi * c / core + spread * offset
            pos.append(_polar(radius + 300, angle))
            names.append(f"c{c + 1}a{a + 1}")
            homes = [c, (c + (1 if offset >= 0 else -1)) % core] if dual else [c]
            edges += [(home, len(names) - 1) for home in homes]
            costs += [access_cost] * len(homes)
    lengths = [round(math.dist(pos[i], pos[j]), 1) for i, j in edges]
    raw = _raw(p, names, edges, pos, lengths)
    for link, cost in zip(raw.links, costs, strict=True):
        link.attrs["cost"] = cost
    return raw


_KINDS: dict[str, Callable[[_Params], RawTopology]] = {
    "line": _line,
    "ring": _ring,
    "star": _star,
    "grid": _grid,
    "mesh": _mesh,
    "tree": _tree,
    "erdos_renyi": _erdos_renyi,
    "waxman": _waxman,
    "barabasi_albert": _barabasi_albert,
    "isp": _isp,
}
GENERATOR_KINDS: tuple[str, ...] = tuple(_KINDS)


def generate_raw(kind: Any, params: Mapping[str, Any]) -> RawTopology:
    """Check the kind and parameters and lay out the network, without applying a cost choice yet."""
    if kind not in _KINDS:
        close = difflib.get_close_matches(str(kind), GENERATOR_KINDS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise TopologyError(f"unknown generator kind {show(kind)} (known: {', '.join(GENERATOR_KINDS)}){hint}")
    return _KINDS[kind](_Params(kind, params))


def generate(kind: str, **params: Any) -> Graph:
    """Build a generated network; ``seed`` (default 0) fixes the random kinds."""
    return build_graph(generate_raw(kind, params))
