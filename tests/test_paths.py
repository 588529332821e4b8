"""Shortest-path distances without SciPy equal SciPy's Dijkstra bit for bit.

Why exact equality: the oracle compares FIB costs with these distances, and the results JSON
must not depend on which of the two computed them (small networks use the vectorised
Bellman-Ford, large ones Dijkstra).  Fractional costs make rounding differences visible if the
two ever added costs in a different order.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from netsim import paths


@st.composite
def directed_graphs(draw: st.DrawFn) -> tuple[int, list[int], list[int], list[float]]:
    n = draw(st.integers(1, 14))
    pairs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
                         max_size=n * 4))
    cost = st.one_of(st.integers(1, 20).map(float), st.floats(0.001, 50.0), st.sampled_from([0.1, 0.2, 0.3, 0.7]))
    costs = [draw(cost) for _ in pairs]
    return n, [a for a, _ in pairs], [b for _, b in pairs], costs


@given(directed_graphs(), st.data())
def test_bellman_ford_equals_dijkstra_exactly(graph: tuple, data: st.DataObject) -> None:
    n, rows, cols, costs = graph
    u, v, w = np.array(rows, dtype=np.intp), np.array(cols, dtype=np.intp), np.array(costs)
    sources = np.array(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1))), dtype=np.intp)
    for src in (np.arange(n, dtype=np.intp), sources):
        ours = paths._bellman_ford(n, u, v, w, src)
        theirs = paths._dijkstra(n, u, v, w, src)
        assert np.array_equal(ours, theirs)


def test_the_large_case_goes_to_dijkstra(monkeypatch) -> None:
    """Above the size limit the public function answers through SciPy (same numbers)."""
    monkeypatch.setattr(paths, "VECTOR_BUDGET", 0)
    called = []
    real = paths._dijkstra
    monkeypatch.setattr(paths, "_dijkstra", lambda *a: called.append(1) or real(*a))
    out = paths.distances(3, [0, 1], [1, 2], [0.1, 0.2])
    assert called and out[0, 2] == 0.1 + 0.2 and np.isinf(out[2, 0])


def test_long_chains_go_to_dijkstra(monkeypatch) -> None:
    """Bellman-Ford needs a round per hop: a long chain is answered by SciPy, at once."""
    monkeypatch.setattr(paths, "_bellman_ford", None)  # would fail if called
    n = 5000
    out = paths.distances(n, list(range(n - 1)), list(range(1, n)), [1.0] * (n - 1), [0])
    assert out[0, n - 1] == n - 1


def test_empty_graphs() -> None:
    assert paths.distances(0, [], [], []).shape == (0, 0)
    assert np.array_equal(paths.distances(2, [], [], []), [[0.0, np.inf], [np.inf, 0.0]])
