"""netsim's own Graph against networkx's: same contents, same iteration orders, after any sequence
of changes.  The orders matter: tables, messages and the results JSON follow them, so a Graph that
merely held the same links could still change a run's bytes."""

from __future__ import annotations

from typing import Any

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsim.api import load_scenario
from netsim.scenario.model import Scenario
from netsim.topology.graph import Graph, as_graph, connected_components, is_connected, to_networkx

NAMES = [f"r{i}" for i in range(8)]

ops = st.lists(
    st.one_of(
        st.tuples(st.just("add_node"), st.sampled_from(NAMES), st.integers(0, 3)),
        st.tuples(st.just("add_edge"), st.sampled_from(NAMES), st.sampled_from(NAMES), st.integers(1, 9)),
        st.tuples(st.just("remove_node"), st.sampled_from(NAMES)),
        st.tuples(st.just("remove_edge"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
        st.tuples(st.just("remove_nodes_from"), st.lists(st.sampled_from(NAMES), max_size=3)),
        st.tuples(st.just("copy")),
    ),
    max_size=40,
)


def apply(g: Any, op: tuple[Any, ...]) -> Any:
    kind = op[0]
    if kind == "add_node":
        g.add_node(op[1], weight=op[2])
    elif kind == "add_edge":
        g.add_edge(op[1], op[2], cost=op[3])
    elif kind == "remove_node":
        if op[1] in g:
            g.remove_node(op[1])
    elif kind == "remove_edge":
        if g.has_edge(op[1], op[2]):
            g.remove_edge(op[1], op[2])
    elif kind == "remove_nodes_from":
        g.remove_nodes_from(op[1])
    elif kind == "copy":
        return g.copy()
    return g


def observe(g: Any) -> dict[str, Any]:
    """Everything netsim reads from a graph, in the order it reads it."""
    first = next(iter(g), None)
    return {
        "nodes": list(g.nodes),
        "nodes_data": list(g.nodes(data=True)),
        "nodes_attr": list(g.nodes(data="weight", default=-1)),
        "edges": list(g.edges),
        "edges_data": list(g.edges(data=True)),
        "edges_attr": list(g.edges(data="cost", default=1)),
        "edges_of_first": list(g.edges(first)) if first is not None else [],
        "edges_of_some": list(g.edges(NAMES[:4])),
        "adj": [(n, list(nbrs.items())) for n, nbrs in g.adj.items()],
        "degree": list(g.degree),
        "degree_call": list(g.degree()),
        "degree_of": [g.degree(n) for n in g],
        "sizes": (len(g), g.number_of_nodes(), g.number_of_edges(), len(g.edges), len(g.nodes)),
        "has": [(u, v, g.has_edge(u, v), (u, v) in g.edges) for u in NAMES for v in NAMES],
        "contains": [n in g for n in NAMES],
        "neighbors": [list(g.neighbors(n)) for n in g],
        "getitem": [list(g[n]) for n in g],
        "edge_data": [g.edges[u, v] for u, v in g.edges],
        "get_edge_data": [g.get_edge_data(u, v, "none") for u in NAMES[:3] for v in NAMES[:3]],
        "graph": dict(g.graph),
    }


@given(ops)
def test_every_change_leaves_what_networkx_leaves(sequence: list[tuple[Any, ...]]) -> None:
    ours, theirs = Graph(name="t"), nx.Graph(name="t")
    for op in sequence:
        ours, theirs = apply(ours, op), apply(theirs, op)
        assert observe(ours) == observe(theirs)
    assert type(ours) is Graph


@given(ops)
def test_components_come_in_networkx_order(sequence: list[tuple[Any, ...]]) -> None:
    g = Graph()
    for op in sequence:
        g = apply(g, op)
    assert list(connected_components(g)) == list(nx.connected_components(g.to_networkx()))
    assert is_connected(g) == (len(g) > 0 and nx.is_connected(g.to_networkx()))


def test_an_edge_has_one_attribute_dict_for_both_directions() -> None:
    g = Graph()
    g.add_edge("a", "b", cost=3)
    g.edges["a", "b"]["cost"] = 7
    assert g["b"]["a"]["cost"] == 7 and g.adj["a"]["b"] is g.adj["b"]["a"]
    g.add_edge("b", "a", delay=0.5)  # updates, never replaces
    assert g.edges["a", "b"] == {"cost": 7, "delay": 0.5}


def test_networkx_views_share_the_dicts() -> None:
    g = Graph(name="shared")
    g.add_edge("a", "b", cost=2)
    view = g.to_networkx()
    assert isinstance(view, nx.Graph) and nx.shortest_path(view, "a", "b") == ["a", "b"]
    view.add_edge("b", "c", cost=1)
    assert list(g.edges(data=True)) == [("a", "b", {"cost": 2}), ("b", "c", {"cost": 1})]
    assert view.graph["name"] == "shared"
    back = Graph.from_networkx(view)
    back.remove_node("c")
    assert list(view.nodes) == ["a", "b"]
    assert to_networkx(view) is view and as_graph(g) is g


@pytest.mark.parametrize("kind", [nx.DiGraph, nx.MultiGraph])
def test_directed_and_multigraphs_are_refused(kind: type) -> None:
    with pytest.raises(TypeError, match="undirected simple graph"):
        Graph.from_networkx(kind([("a", "b")]))


def test_views_are_made_once_and_follow_changes() -> None:
    g = Graph()
    nodes, edges, degree = g.nodes, g.edges, g.degree
    g.add_edge("a", "b")
    assert g.nodes is nodes and g.edges is edges and g.degree is degree
    assert list(nodes) == ["a", "b"] and list(edges) == [("a", "b")] and dict(degree) == {"a": 1, "b": 1}


def test_none_is_not_a_node() -> None:
    with pytest.raises(ValueError):
        Graph().add_edge(None, "a")


def test_a_scenario_built_from_an_nx_graph_holds_a_netsim_graph_over_its_dicts() -> None:
    g = nx.path_graph(["a", "b", "c"])
    sc = Scenario(name="py", graph=g, protocols={}, events=())
    assert type(sc.graph) is Graph and sc.graph.adj is g._adj and sc.routers == ["a", "b", "c"]


def test_loaded_scenarios_hold_netsim_graphs() -> None:
    sc = load_scenario("scenarios/demo.yaml")
    assert type(sc.graph) is Graph and nx.is_connected(sc.graph.to_networkx())


def test_the_rest_of_networkx_api_answers_over_the_same_dicts() -> None:
    """Methods netsim's Graph does not define are networkx's, over the same dicts: networkx's
    algorithms that call them (``diameter`` calls ``order``) and code written for an ``nx.Graph``
    work as they are; private names are not looked up there, so pickling and copying stay plain."""
    import copy
    import pickle

    sc = load_scenario("scenarios/demo.yaml")
    g, ref = sc.graph, sc.graph.to_networkx()
    assert g.size() == ref.size() and g.order() == len(ref) and g.size(weight="cost") == ref.size(weight="cost")
    assert nx.diameter(g) == nx.diameter(ref)
    part = g.subgraph(list(g)[:4])
    assert sorted(part.edges) == sorted(ref.subgraph(list(g)[:4]).edges)
    assert g.to_directed().number_of_edges() == 2 * g.number_of_edges()
    g.add_edge("new", "router")
    assert ref.has_edge("router", "new")  # the same dicts
    with pytest.raises(AttributeError, match="no attribute 'no_such_method'"):
        g.no_such_method()  # noqa: B018
    with pytest.raises(AttributeError, match="_private"):
        g._private  # noqa: B018
    for twin in (pickle.loads(pickle.dumps(g)), copy.deepcopy(g)):
        assert type(twin) is Graph and list(twin.edges(data=True)) == list(g.edges(data=True))
