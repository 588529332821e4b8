"""Random networks for property tests: shared so that the IS-IS oracle test and the prefix and
asymmetric-cost test draw their networks the same way."""

from __future__ import annotations

from typing import Any

import networkx as nx
from hypothesis import strategies as st


def draw_network(draw: Any, max_nodes: int, max_prefix_sets: int) -> nx.Graph:
    """A connected network of 3..``max_nodes`` routers: a random spanning tree plus random extra
    links, each with its own cost per direction (1-5, 1 ms), and up to ``max_prefix_sets``
    stub prefixes, each originated by one or two routers (anycast) at metric 0-3."""
    n = draw(st.integers(3, max_nodes))
    names = [f"r{i}" for i in range(n)]
    g = nx.Graph()
    g.add_nodes_from(names)

    def link(a: str, b: str) -> None:
        c_ab, c_ba = draw(st.integers(1, 5)), draw(st.integers(1, 5))
        g.add_edge(a, b, cost=min(c_ab, c_ba), delay=0.001, **({"costs": {a: c_ab, b: c_ba}} if c_ab != c_ba else {}))

    for i in range(1, n):
        link(names[i], names[draw(st.integers(0, i - 1))])
    for _ in range(draw(st.integers(0, n))):
        a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        if a != b and not g.has_edge(a, b):
            link(a, b)
    for k in range(draw(st.integers(0, max_prefix_sets))):
        for origin in draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)):
            have = dict(g.nodes[origin].get("prefixes", ()))
            have[f"10.{k}.0.0/16"] = float(draw(st.integers(0, 3)))
            g.nodes[origin]["prefixes"] = tuple(sorted(have.items()))
    return g
