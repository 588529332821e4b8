"""Generators give the documented shape, are connected, and are the same network for the same seed."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netsim.errors import TopologyError
from netsim.topology.graph import Graph
from netsim.topology.load import DEFAULT_DELAY, GENERATOR_KINDS, describe, generate

RANDOM_KINDS = {
    "erdos_renyi": {"n": 25, "p": 0.1},
    "waxman": {"n": 25},
    "barabasi_albert": {"n": 25, "m": 2},
    "isp": {"core": 6, "access": 2},
}


def links(g: nx.Graph) -> list[tuple[str, str]]:
    return sorted(tuple(sorted(e)) for e in g.edges())


def degrees(g: nx.Graph) -> list[int]:
    return sorted(d for _, d in g.degree())


@pytest.mark.parametrize("n", [2, 3, 10])
def test_line_is_a_path_of_n_routers(n: int) -> None:
    g = generate("line", n=n)
    assert list(g) == [f"r{i}" for i in range(1, n + 1)]
    assert links(g) == links(nx.relabel_nodes(nx.path_graph(n), lambda i: f"r{i + 1}"))
    assert len(describe(g)["bridges"]) == n - 1


@pytest.mark.parametrize("n", [3, 8, 31])
def test_ring_has_n_links_degree_two_and_survives_any_single_failure(n: int) -> None:
    g = generate("ring", n=n)
    facts = describe(g)
    assert (facts["nodes"], facts["links"], facts["diameter"]) == (n, n, n // 2)
    assert degrees(g) == [2] * n
    assert facts["two_edge_connected"]
    assert all(len(g.nodes[v]["pos"]) == 2 for v in g)


@pytest.mark.parametrize("n", [2, 5, 20])
def test_star_has_r1_as_hub(n: int) -> None:
    g = generate("star", n=n)
    assert g.degree("r1") == n - 1
    assert g.number_of_edges() == n - 1


@pytest.mark.parametrize(
    ("params", "rows", "cols"),
    [
        ({"rows": 3, "cols": 4}, 3, 4),
        ({"n": 12}, 3, 4),
        ({"n": 16}, 4, 4),
        ({"n": 7}, 1, 7),
        ({"rows": 1, "cols": 2}, 1, 2),
    ],
)
def test_grid_is_rows_by_cols_numbered_row_by_row(params: dict, rows: int, cols: int) -> None:
    g = generate("grid", **params)
    assert g.number_of_nodes() == rows * cols
    assert g.number_of_edges() == rows * (cols - 1) + cols * (rows - 1)
    expected = nx.relabel_nodes(nx.grid_2d_graph(rows, cols), lambda rc: f"r{rc[0] * cols + rc[1] + 1}")
    assert links(g) == links(expected)
    assert g.nodes[f"r{cols}"]["pos"] == (cols - 1, 0)  # top row, last column


@pytest.mark.parametrize("n", [2, 4, 9])
def test_mesh_is_complete(n: int) -> None:
    g = generate("mesh", n=n)
    assert g.number_of_edges() == n * (n - 1) // 2
    assert describe(g)["diameter"] == 1


@pytest.mark.parametrize(("r", "h", "n"), [(2, 3, 15), (3, 2, 13), (1, 4, 5)])
def test_tree_is_balanced(r: int, h: int, n: int) -> None:
    g = generate("tree", r=r, h=h)
    assert g.number_of_nodes() == n
    assert nx.is_tree(g)
    assert g.degree("r1") == r
    assert describe(g)["diameter"] == (2 * h if r > 1 else h)
    assert links(generate("tree", branching=r, height=h)) == links(g)


@pytest.mark.parametrize(("n", "m"), [(10, 1), (30, 2), (50, 3)])
def test_barabasi_albert_link_count_follows_from_n_and_m(n: int, m: int) -> None:
    g = generate("barabasi_albert", n=n, m=m, seed=3)
    assert g.number_of_edges() == m * (m + 1) // 2 + (n - m - 1) * m
    assert nx.is_connected(g)
    assert min(degrees(g)) >= m


@pytest.mark.parametrize(
    ("core", "access", "chords", "dual"), [(3, 0, None, True), (4, 1, 0, True), (6, 2, None, True), (8, 5, 4, False)]
)
def test_isp_has_core_ring_chords_and_homed_access_routers(core: int, access: int, chords, dual: bool) -> None:
    params = {"core": core, "access": access, "dual_homed": dual} | ({"chords": chords} if chords is not None else {})
    g = generate("isp", **params)
    n_chords = min(core // 2, core * (core - 3) // 2) if chords is None else chords
    assert g.number_of_nodes() == core * (1 + access)
    assert g.number_of_edges() == core + n_chords + core * access * (2 if dual else 1)
    assert all(g.degree(f"c{c}a{a}") == (2 if dual else 1) for c in range(1, core + 1) for a in range(1, access + 1))
    assert g.edges["c1", "c2"]["cost"] == 10
    assert describe(g)["two_edge_connected"] == (dual or access == 0)
    delays = [d for *_, d in g.edges(data="delay")]
    assert min(delays) > 0.001  # lengths of hundreds of km, not the default


@given(n=st.integers(2, 40), p=st.floats(0.01, 0.5), seed=st.integers(0, 10**6))
@settings(max_examples=40, deadline=None)
def test_erdos_renyi_is_always_connected_and_at_least_as_dense_as_drawn(n: int, p: float, seed: int) -> None:
    g = generate("erdos_renyi", n=n, p=p, seed=seed)
    assert g.number_of_nodes() == n
    assert nx.is_connected(g)
    assert links(g) == links(generate("erdos_renyi", n=n, p=p, seed=seed))


@given(n=st.integers(2, 40), seed=st.integers(0, 10**6))
@settings(max_examples=25, deadline=None)
def test_waxman_is_connected_with_positions_in_the_unit_square(n: int, seed: int) -> None:
    g = generate("waxman", n=n, seed=seed, alpha=0.05)
    assert nx.is_connected(g)
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in (g.nodes[v]["pos"] for v in g))


@pytest.mark.parametrize("kind", sorted(RANDOM_KINDS))
def test_random_kinds_are_deterministic_per_seed(kind: str) -> None:
    params = RANDOM_KINDS[kind]
    first, again = generate(kind, **params, seed=7), generate(kind, **params, seed=7)
    assert links(first) == links(again)
    assert list(first.edges(data=True)) == list(again.edges(data=True))
    assert links(generate(kind, **params)) == links(generate(kind, **params, seed=0))
    assert any(links(generate(kind, **params, seed=s)) != links(first) for s in range(3))


def test_generated_graphs_meet_the_contract() -> None:
    examples = {
        "line": {"n": 3},
        "ring": {"n": 3},
        "star": {"n": 3},
        "grid": {"n": 4},
        "mesh": {"n": 3},
        "tree": {"r": 2, "h": 1},
        **RANDOM_KINDS,
    }
    assert set(examples) == set(GENERATOR_KINDS)
    for kind, params in examples.items():
        g = generate(kind, **params)
        assert type(g) is Graph and nx.is_connected(g.to_networkx())
        assert all(isinstance(v, str) for v in g)
        for _, _, data in g.edges(data=True):
            assert isinstance(data["cost"], int) and data["cost"] > 0
            assert data["delay"] >= 0
        if kind != "isp":
            assert {d for *_, d in g.edges(data="delay")} == {DEFAULT_DELAY}


@pytest.mark.parametrize(
    ("kind", "params", "expected"),
    [
        ("rign", {"n": 3}, "unknown generator kind 'rign' (known: line, ring,"),
        ("rign", {"n": 3}, "did you mean 'ring'?"),
        ("ring", {}, "generator ring: missing parameter 'n'"),
        ("ring", {"n": 2}, "generator ring: n must be an integer from 3 to 100000, got 2"),
        ("ring", {"n": "8"}, "n must be an integer from 3 to 100000, got 8"),
        ("ring", {"n": True}, "got True"),
        ("ring", {"n": 8, "nodes": 3}, "generator ring: unknown parameter 'nodes' (accepted: n, seed)"),
        ("ring", {"n": 8, "seed": -1}, "generator ring: seed must be an integer from 0"),
        ("erdos_renyi", {"n": 5, "p": 0}, "generator erdos_renyi: p must be a number > 0.0 and <= 1.0, got 0"),
        ("erdos_renyi", {"n": 5}, "missing parameter 'p'"),
        ("grid", {"n": 4, "rows": 2}, "generator grid: give either n or rows and cols, not both"),
        ("grid", {"rows": 2}, "generator grid: missing parameter 'cols' (or give n)"),
        ("tree", {"r": 2}, "generator tree: missing parameter 'h'"),
        ("tree", {"r": 10, "h": 6}, "gives 1111111 routers; at most 100000"),
        ("barabasi_albert", {"n": 5, "m": 5}, "m must be an integer from 1 to 4"),
        ("isp", {"core": 4, "chords": 3}, "generator isp: chords must be at most 2 for core=4, got 3"),
        ("isp", {"dual_homed": "yes"}, "missing parameter 'core'"),
        ("isp", {"core": 4, "dual_homed": "yes"}, "dual_homed must be true or false, got 'yes'"),
        ("mesh", {"n": 5000}, "n must be an integer from 2 to 1000"),
    ],
)
def test_bad_generator_parameters_are_named(kind: str, params: dict, expected: str) -> None:
    with pytest.raises(TopologyError) as caught:
        generate(kind, **params)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)
