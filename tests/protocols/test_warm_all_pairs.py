"""The warm start's shortcuts give bitwise the plain computation's checkpoint: all-pairs costs
with chains of two-link routers contracted and rows derived for an independent set of routers
(``all_pairs``) are scipy's Dijkstra matrix, and tables built with the exact-integer tie test are
those of the EPS test.  ``tests/test_paths.py`` tries the chains on random networks."""

from __future__ import annotations

import dataclasses
import random

import networkx as nx
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from netsim.protocols.linkstate.protocol import Lsa
from netsim.protocols.linkstate.warm import all_pairs, warm_state
from netsim.scenario.loader import parse_scenario


def _graph(seed: int) -> nx.Graph:
    """Random sparse graphs: chains, leaves, hubs, several components, isolated routers, integer
    costs (sometimes different per direction) or fractional ones."""
    rng = random.Random(seed)
    n = rng.randrange(2, 40)
    g = nx.gnm_random_graph(n, rng.randrange(0, 2 * n), seed=seed)
    g.add_edges_from((rng.randrange(n), n + k) for k in range(rng.randrange(0, 6)))  # leaves
    g = nx.relabel_nodes(g, {x: f"r{x}" for x in g.nodes})
    kind = seed % 3
    for u, v in g.edges:
        if kind == 0:
            g.edges[u, v]["cost"] = rng.randrange(1, 20)
        elif kind == 1:
            g.edges[u, v]["costs"] = {u: rng.randrange(1, 5), v: rng.randrange(1, 5)}
        else:
            g.edges[u, v]["cost"] = rng.choice((0.1, 0.7, 1.3, 2.0))
    return g


def test_all_pairs_is_bitwise_scipys_dijkstra() -> None:
    for seed in range(150):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(1, 60))
        m = int(rng.integers(0, 3 * n))
        rows, cols = rng.integers(0, n, m), rng.integers(0, n, m)
        vals = rng.integers(1, 9, m).astype(float) if seed % 2 else rng.integers(1, 9, m) / 4.0
        matrix = csr_matrix((vals, (rows, cols)), shape=(n, n))
        assert all_pairs(matrix).tobytes() == dijkstra(matrix, directed=True).tobytes()


def _hub() -> nx.Graph:
    """A router with more links than a 64-bit mask holds, among ordinary ones."""
    g = nx.cycle_graph([f"r{k:02d}" for k in range(12)])
    g.add_edges_from(("r03", f"h{k:02d}") for k in range(70))
    g.add_edges_from((f"h{k:02d}", f"h{k + 1:02d}") for k in range(0, 70, 7))
    nx.set_edge_attributes(g, 1, "cost")
    return g


def test_warm_tables_with_the_exact_tie_test_are_those_of_the_eps_test() -> None:
    """Exact: masks of blocks of routers at once; EPS: router by router (the reference)."""
    grid = nx.relabel_nodes(nx.grid_2d_graph(12, 12), lambda p: f"g{p[0]:02d}{p[1]:02d}")  # several blocks
    nx.set_edge_attributes(grid, 1, "cost")
    for seed in [*range(60), -1, -2]:
        g = _graph(seed) if seed >= 0 else _hub() if seed == -1 else grid
        if not g.number_of_edges():
            continue
        state = warm_state(g, Lsa)
        plain = dataclasses.replace(state, exact=False)
        assert state.exact == (seed % 3 != 2 or seed < 0)
        for me in state.names:
            with np.errstate(invalid="ignore"):  # the EPS test subtracts inf from inf (unreachable)
                a, b = state.table(me), plain.table(me)
            assert list(a.items()) == list(b.items())
            assert a.costs.tobytes() == b.costs.tobytes() and a.choice.tobytes() == b.choice.tobytes()
            assert a.choices == b.choices


def world_backbone() -> nx.Graph:
    """topohub's backbone/world: 3,815 routers, 2,294 of them in chains of two-link routers."""
    return parse_scenario("topology: {topohub: backbone/world}\nduration: 1\nprotocols:\n  linkstate: {}\n").graph


def test_the_world_backbones_checkpoint_is_bitwise_scipys_dijkstra() -> None:
    """The network the chain contraction is for, once: the warm start's matrix, built from the
    LSDB exactly as ``warm_state`` builds it, against scipy's Dijkstra from every router."""
    state = warm_state(world_backbone(), Lsa)
    rows = [state.index[u] for u, nb in state.graph.items() for _v in nb]
    cols = [state.index[v] for nb in state.graph.values() for v in nb]
    vals = [float(c) for nb in state.graph.values() for c in nb.values()]
    n = len(state.names)
    want = dijkstra(csr_matrix((vals, (rows, cols)), shape=(n, n)), directed=True)
    assert n == 3815 and state.exact
    assert state.dist.tobytes() == want.tobytes()
