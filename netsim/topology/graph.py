"""netsim's own undirected graph: networkx's storage and core API, without importing networkx.

Every netsim command used to import networkx (about 0.1 s, a fifth of a small run) only to hold the
topology in an ``nx.Graph``: the simulation and its analysis use adjacency dicts, never networkx's
algorithms.  :class:`Graph` keeps exactly ``nx.Graph``'s layout (``graph``, ``_node`` and ``_adj``
dicts; one attribute dict shared by both directions of a link) and the part of its API netsim and
its users call: ``nodes``, ``edges``, ``adj``, ``degree``, ``G[u][v]``, ``add_*``, ``remove_*``,
``has_*``, ``number_of_*``, ``copy``.  Iteration orders are networkx's, so every table, message and
JSON byte is what an ``nx.Graph`` gave.

For networkx's algorithms, :meth:`Graph.to_networkx` returns an ``nx.Graph`` over the *same* dicts
(no copy: a change through either is seen by both), and :meth:`Graph.from_networkx` does the
reverse; networkx is imported only then.  Any other method of ``nx.Graph`` (``subgraph``,
``size``, ``order``...) is answered the same way, so networkx's algorithms and code written for an
``nx.Graph`` work on a :class:`Graph` as they are.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

_ABSENT = object()


def _is_node(n: Any, adj: Mapping[Hashable, Any]) -> bool:
    """Whether ``n`` names one node (rather than being a collection of them)."""
    try:
        return n in adj
    except TypeError:  # unhashable: a list of nodes
        return False


def _count_edges(adj: dict[Hashable, dict[Hashable, Any]]) -> int:
    loops = sum(1 for n, nbrs in adj.items() if n in nbrs)
    return (sum(len(nbrs) for nbrs in adj.values()) - loops) // 2 + loops


class NodeView(Mapping):
    """``G.nodes``: iterate names, ``G.nodes[n]`` is n's attribute dict, ``G.nodes(data=...)``."""

    __slots__ = ("_node",)

    def __init__(self, node: dict[Hashable, dict[str, Any]]) -> None:
        self._node = node

    def __getitem__(self, n: Hashable) -> dict[str, Any]:
        return self._node[n]

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)

    def __contains__(self, n: object) -> bool:
        return n in self._node

    def __call__(self, data: bool | str = False, default: Any = None) -> Iterable[Any]:
        if data is False:
            return self
        if data is True:
            return list(self._node.items())
        return [(n, d.get(data, default)) for n, d in self._node.items()]

    def data(self, data: bool | str = True, default: Any = None) -> Iterable[Any]:
        return self(data, default)

    def __repr__(self) -> str:
        return f"NodeView({tuple(self._node)})"


class EdgeView:
    """``G.edges``: each undirected link once, in networkx's order; ``G.edges[u, v]`` is its
    attribute dict; ``G.edges(data=..., default=...)`` and ``G.edges(nbunch)`` as in networkx."""

    __slots__ = ("_adj",)

    def __init__(self, adj: dict[Hashable, dict[Hashable, dict[str, Any]]]) -> None:
        self._adj = adj

    def _pairs(self, nbunch: Iterable[Hashable] | Hashable | None = None) -> Iterator[tuple[Any, Any, dict]]:
        adj = self._adj
        if nbunch is None:
            nodes: Iterable[Hashable] = adj
        elif _is_node(nbunch, adj):  # one node, as networkx reads G.edges(n)
            nodes = [nbunch]
        else:
            nodes = [n for n in nbunch if n in adj]  # type: ignore[union-attr]
        seen: set[Hashable] = set()
        for u in nodes:
            for v, d in adj[u].items():
                if v not in seen:
                    yield u, v, d
            seen.add(u)

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        for u, v, _ in self._pairs():
            yield u, v

    def __len__(self) -> int:
        return _count_edges(self._adj)

    def __contains__(self, edge: object) -> bool:
        try:
            u, v = edge  # type: ignore[misc]
        except (TypeError, ValueError):
            return False
        return u in self._adj and v in self._adj[u]

    def __getitem__(self, edge: tuple[Hashable, Hashable]) -> dict[str, Any]:
        u, v = edge
        return self._adj[u][v]

    def __call__(self, nbunch: Any = None, data: bool | str = False, default: Any = None) -> list[Any]:
        pairs = self._pairs(nbunch)
        if data is False:
            return [(u, v) for u, v, _ in pairs]
        if data is True:
            return list(pairs)
        return [(u, v, d.get(data, default)) for u, v, d in pairs]

    def data(self, data: bool | str = True, default: Any = None, nbunch: Any = None) -> list[Any]:
        return self(nbunch, data, default)

    def __repr__(self) -> str:
        return f"EdgeView({list(self)})"


class DegreeView:
    """``G.degree``: ``G.degree(n)`` is n's number of links; iterating gives (node, degree)."""

    __slots__ = ("_adj",)

    def __init__(self, adj: dict[Hashable, dict[Hashable, dict[str, Any]]]) -> None:
        self._adj = adj

    @staticmethod
    def _count(n: Hashable, nbrs: dict[Hashable, Any]) -> int:
        return len(nbrs) + (n in nbrs)  # a self-loop counts twice, as in networkx

    def __call__(self, n: Any = _ABSENT) -> Any:
        if n is _ABSENT:
            return self
        if _is_node(n, self._adj):
            return self._count(n, self._adj[n])
        return [(m, self._count(m, self._adj[m])) for m in n if m in self._adj]

    def __getitem__(self, n: Hashable) -> int:
        return self._count(n, self._adj[n])

    def __iter__(self) -> Iterator[tuple[Any, int]]:
        for n, nbrs in self._adj.items():
            yield n, self._count(n, nbrs)

    def __len__(self) -> int:
        return len(self._adj)


class Graph:
    """An undirected graph with networkx's layout and the core of its API (see the module doc).

    Nodes are any hashable (netsim's contract graphs use ``str`` names); ``G.graph`` holds graph
    attributes (``name``, ``source``, ``geographic``).
    """

    def __init__(self, incoming: Graph | None = None, **attr: Any) -> None:
        self.graph: dict[str, Any] = {}
        self._node: dict[Hashable, dict[str, Any]] = {}
        self._adj: dict[Hashable, dict[Hashable, dict[str, Any]]] = {}
        if incoming is not None:
            self.graph.update(incoming.graph)
            self.add_nodes_from((n, dict(d)) for n, d in incoming._node.items())
            self.add_edges_from(
                (u, v, dict(d)) for u, nbrs in incoming._adj.items() for v, d in nbrs.items())
        self.graph.update(attr)

    # -- views (made once, on first use: they hold the dicts, which are never replaced after) ----
    @cached_property
    def nodes(self) -> NodeView:
        return NodeView(self._node)

    @cached_property
    def edges(self) -> EdgeView:
        return EdgeView(self._adj)

    @property
    def adj(self) -> dict[Hashable, dict[Hashable, dict[str, Any]]]:
        """Neighbour -> link attributes, per node (networkx gives a read-only view; this is the
        dict itself: change links through ``add_edge``/``remove_edge`` so both directions agree)."""
        return self._adj

    @cached_property
    def degree(self) -> DegreeView:
        return DegreeView(self._adj)

    @property
    def name(self) -> str:
        return self.graph.get("name", "")

    def __iter__(self) -> Iterator[Any]:
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)

    def __contains__(self, n: object) -> bool:
        try:
            return n in self._node
        except TypeError:
            return False

    def __getitem__(self, n: Hashable) -> dict[Hashable, dict[str, Any]]:
        return self._adj[n]

    def __repr__(self) -> str:
        name = f" {self.name!r}" if self.name else ""
        return f"<netsim Graph{name}: {len(self._node)} nodes, {self.number_of_edges()} links>"

    def __getattr__(self, name: str) -> Any:
        """The rest of ``nx.Graph``'s API (``subgraph``, ``size``, ``order``, ``to_directed``,
        ``nbunch_iter``...), answered by networkx over the same dicts (networkx is imported then):
        networkx's algorithms call such methods on the graph they are handed, and so does code
        written for an ``nx.Graph``.  Only looked up for names this class does not define."""
        if name.startswith("_"):  # private and special names: never networkx's (pickling, copy)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return getattr(self.to_networkx(), name)

    # -- queries -------------------------------------------------------------------------------
    def number_of_nodes(self) -> int:
        return len(self._node)

    def number_of_edges(self, u: Hashable = None, v: Hashable = None) -> int:
        if u is not None:
            return int(self.has_edge(u, v))
        return _count_edges(self._adj)

    def has_node(self, n: Hashable) -> bool:
        return n in self

    def has_edge(self, u: Hashable, v: Hashable) -> bool:
        nbrs = self._adj.get(u)
        return nbrs is not None and v in nbrs

    def neighbors(self, n: Hashable) -> Iterator[Any]:
        return iter(self._adj[n])

    def get_edge_data(self, u: Hashable, v: Hashable, default: Any = None) -> Any:
        nbrs = self._adj.get(u)
        return default if nbrs is None else nbrs.get(v, default)

    def is_directed(self) -> bool:
        return False

    def is_multigraph(self) -> bool:
        return False

    # -- changes -------------------------------------------------------------------------------
    def add_node(self, n: Hashable, **attr: Any) -> None:
        if n not in self._node:
            if n is None:
                raise ValueError("None cannot be a node")
            self._adj[n] = {}
            self._node[n] = attr
        else:
            self._node[n].update(attr)

    def add_nodes_from(self, nodes: Iterable[Any], **attr: Any) -> None:
        for item in nodes:
            if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], dict):
                n, data = item
                self.add_node(n, **attr)
                self._node[n].update(data)
            else:
                self.add_node(item, **attr)

    def add_edge(self, u: Hashable, v: Hashable, **attr: Any) -> None:
        for n in (u, v):
            if n not in self._node:
                if n is None:
                    raise ValueError("None cannot be a node")
                self._adj[n] = {}
                self._node[n] = {}
        data = self._adj[u].get(v, {})
        data.update(attr)
        self._adj[u][v] = data
        self._adj[v][u] = data

    def add_edges_from(self, edges: Iterable[tuple[Any, ...]], **attr: Any) -> None:
        for edge in edges:
            u, v, *rest = edge
            self.add_edge(u, v, **attr)
            if rest:
                self._adj[u][v].update(rest[0])

    def remove_node(self, n: Hashable) -> None:
        try:
            nbrs = list(self._adj[n])
        except KeyError:
            raise KeyError(f"node {n!r} is not in the graph") from None
        del self._node[n]
        for u in nbrs:
            del self._adj[u][n]
        del self._adj[n]

    def remove_nodes_from(self, nodes: Iterable[Hashable]) -> None:
        for n in list(nodes):
            if n in self._node:
                self.remove_node(n)

    def remove_edge(self, u: Hashable, v: Hashable) -> None:
        try:
            del self._adj[u][v]
            if u != v:
                del self._adj[v][u]
        except KeyError:
            raise KeyError(f"link {u!r}–{v!r} is not in the graph") from None

    def copy(self) -> Graph:
        """An independent copy (attribute dicts copied one level), built as networkx builds one,
        so its iteration orders are those of ``nx.Graph.copy``."""
        return Graph(self)

    # -- networkx ------------------------------------------------------------------------------
    def to_networkx(self) -> nx.Graph:
        """An ``nx.Graph`` over the same dicts (no copy), for networkx's algorithms and writers."""
        import networkx as nx

        g = nx.Graph()
        g.graph = self.graph
        g._node = self._node
        g._adj = self._adj
        return g

    @classmethod
    def from_networkx(cls, g: Any) -> Graph:
        """A Graph over an undirected ``nx.Graph``'s own dicts (no copy)."""
        if g.is_directed() or g.is_multigraph():
            kind = "directed" if g.is_directed() else "multi"
            raise TypeError(f"a netsim topology is an undirected simple graph, got a {kind}graph")
        graph = cls()
        graph.graph = g.graph
        graph._node = g._node
        graph._adj = g._adj
        return graph


def to_networkx(g: Any) -> nx.Graph:
    """``g`` as an ``nx.Graph`` for networkx's algorithms: a view over a :class:`Graph`'s dicts,
    or ``g`` itself when it already is one."""
    return g.to_networkx() if isinstance(g, Graph) else g


def as_graph(g: Any) -> Graph:
    """``g`` as a :class:`Graph`: itself, or an ``nx.Graph`` wrapped over its own dicts."""
    return g if isinstance(g, Graph) else Graph.from_networkx(g)


def connected_components(graph: Any) -> Iterator[set[Any]]:
    """The node sets of the connected parts, in the order networkx yields them (a part is
    reported when its first node comes up in node order)."""
    adj = graph.adj
    seen: set[Any] = set()
    for start in graph:
        if start in seen:
            continue
        part = {start}
        frontier = [start]
        while frontier:
            nxt = []
            for n in frontier:
                for m in adj[n]:
                    if m not in part:
                        part.add(m)
                        nxt.append(m)
            frontier = nxt
        seen |= part
        yield part


def is_connected(graph: Any) -> bool:
    """True when every node reaches every other (an empty graph is not connected)."""
    if len(graph) == 0:
        return False
    return len(next(connected_components(graph))) == len(graph)
