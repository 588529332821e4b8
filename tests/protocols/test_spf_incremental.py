"""Incremental SPF must give exactly the full SPF's answer, or decline (None)."""

from __future__ import annotations

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st
from test_spf import connected_graphs, lsdb_of

from netsim.protocols.common.spf import spf, spf_repair


def spf_incremental(lsdb, before, root, last):
    """spf_repair's answer as a plain result dict (None: it declined)."""
    repaired = spf_repair(lsdb, before, root, last)
    return None if repaired is None else {d: repaired[0][d] for d in sorted(repaired[0])}


@st.composite
def removals(draw):
    g = draw(connected_graphs())
    lsdb = lsdb_of(g)
    edges = sorted(tuple(sorted(e)) for e in g.edges)
    changes = draw(st.lists(st.tuples(st.sampled_from(edges), st.sampled_from(["remove", "raise", "one-side"]),
                                      st.integers(1, 5)), min_size=1, max_size=3, unique_by=lambda c: c[0]))
    return g, lsdb, changes


@given(removals(), st.data())
def test_incremental_equals_full_after_removals_and_raises(case, data):
    g, lsdb, changes = case
    root = data.draw(st.sampled_from(sorted(g.nodes)))
    last = spf(lsdb, root)
    new = {u: dict(links) for u, links in lsdb.items()}
    before = {}
    for (a, b), kind, extra in changes:
        before.setdefault(a, dict(lsdb[a]))
        if kind == "remove":
            before.setdefault(b, dict(lsdb[b]))
            del new[a][b]
            del new[b][a]
        elif kind == "raise":
            before.setdefault(b, dict(lsdb[b]))
            new[a][b] += extra
            new[b][a] += extra
        else:  # only one side's LSA has arrived yet: the two-way check drops the link
            del new[a][b]
    got = spf_incremental(new, before, root, last)
    if got is not None:
        assert got == spf(new, root)


def test_incremental_declines_when_a_link_is_added():
    g = nx.path_graph(["a", "b", "c"])
    nx.set_edge_attributes(g, 1, "cost")
    lsdb = lsdb_of(g)
    last = spf(lsdb, "a")
    new = {u: dict(v) for u, v in lsdb.items()}
    new["a"]["c"] = 1
    new["c"]["a"] = 1
    assert spf_incremental(new, {"a": lsdb["a"], "c": lsdb["c"]}, "a", last) is None


def test_incremental_recomputes_only_below_the_cut():
    # a ring with a tail at a: cutting a–b moves b and c to the other way round; d ties
    g = nx.cycle_graph(["a", "b", "c", "d", "e", "f"])
    nx.add_path(g, ["a", "t1", "t2", "t3", "t4", "t5", "t6"])
    nx.set_edge_attributes(g, 1, "cost")
    lsdb = lsdb_of(g)
    last = spf(lsdb, "a")
    new = {u: dict(v) for u, v in lsdb.items()}
    del new["a"]["b"], new["b"]["a"]
    got = spf_incremental(new, {"a": lsdb["a"], "b": lsdb["b"]}, "a", last)
    assert got == spf(new, "a")
    assert got["b"] == (5.0, ("f",))
