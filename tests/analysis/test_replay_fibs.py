"""Replayed FIBs kept as changes over the initial tables (``World.initial(lazy=True)``) behave
as the plain dict copies they replace: the same entries, in the same order, at every instant, and
the same final tables."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from netsim.analysis.metrics import _final_table
from netsim.analysis.replay import World, steps
from netsim.fibs import ChangedFib
from netsim.trace import FibTable, Route, RouteChange, TopologyChange, Trace

DESTS = ("a", "b", "c", "d", "e", "f")
ROUTES = (Route(("x",), 1.0), Route(("x", "y"), 2.0), Route(("y",), 2.0), Route(("z",), 3.5))


def _column_table(table: dict[str, Route], dests: tuple[str, ...]) -> FibTable:
    """``table`` as a column table over the shared destination list ``dests``."""
    choices = sorted({r.next_hops for r in table.values()})
    index = {d: j for j, d in enumerate(dests)}
    costs = np.array([table[d].cost if d in table else np.nan for d in dests])
    choice = np.array([choices.index(table[d].next_hops) if d in table else -1 for d in dests])
    return FibTable(dests, index, costs, choice, choices)


_tables = st.dictionaries(st.sampled_from(DESTS), st.sampled_from(ROUTES))
_ops = st.lists(st.tuples(st.sampled_from(DESTS + ("g",)), st.one_of(st.none(), st.sampled_from(ROUTES))),
                max_size=12)


@given(_tables, _ops, st.booleans())
def test_changed_fib_is_a_dict_copy_in_every_respect(table: dict[str, Route], ops: list[Any], columns: bool) -> None:
    """Sets, removals (also of missing entries) and re-additions: the same items in the same
    order as a dict copy of the table, and the same answers to every lookup."""
    base = _column_table(table, DESTS) if columns else dict(table)
    fib = ChangedFib(base)
    want = dict(base.items())
    for dest, route in ops:
        if route is None:
            assert fib.pop(dest, None) == want.pop(dest, None)
        else:
            fib[dest] = want[dest] = route
        assert list(fib.items()) == list(want.items()) and list(fib) == list(want) and len(fib) == len(want)
        for d in DESTS + ("g",):
            assert fib.get(d) == want.get(d) and (d in fib) == (d in want)
    assert dict(base.items()) == table  # the table itself is untouched


@st.composite
def _histories(draw: Any) -> tuple[Trace, Any]:
    """Initial column tables for three routers and random route changes (some crashes)."""
    import networkx as nx

    routers = ("x", "y", "z")
    g = nx.Graph([("x", "y"), ("y", "z")])
    dests = tuple(sorted(DESTS)) if draw(st.booleans()) else tuple(reversed(DESTS))
    initial = {r: _column_table(draw(_tables), dests) for r in routers if draw(st.integers(0, 3))}
    fibs: dict[str, dict[str, Route]] = {r: dict(t.items()) for r, t in initial.items()}
    rcs, tcs = [], []
    for k in range(draw(st.integers(0, 10))):
        t = float(k + 1)
        if draw(st.integers(0, 5)) == 0:
            r = draw(st.sampled_from(routers))
            tcs.append(TopologyChange(t, r, "", False, 0.0, 0.0, 0))
            tcs.append(TopologyChange(t + 0.5, r, "", True, 0.0, 0.0, 0))
            fibs[r] = {}
        for _ in range(draw(st.integers(0, 3))):
            r, d = draw(st.sampled_from(routers)), draw(st.sampled_from(DESTS))
            new = draw(st.one_of(st.none(), st.sampled_from(ROUTES)))
            old = fibs.setdefault(r, {}).get(d)
            rcs.append(RouteChange(t + 0.5, r, d, old, new, "random"))
            fibs[r].pop(d, None) if new is None else fibs[r].__setitem__(d, new)
    tcs.sort(key=lambda tc: tc.time)
    return Trace(routers, route_changes=rcs, topology_changes=tcs, end_time=20.0, initial_fibs=initial or None), g


@given(_histories())
def test_lazy_replay_equals_dict_copies_at_every_instant_and_at_the_end(case: tuple[Trace, Any]) -> None:
    trace, g = case
    lazy, eager = World.initial(g, trace, lazy=True), World.initial(g, trace)
    grown: set[str] = set()
    for step in steps(trace, initial=False):
        lazy.apply(step)
        eager.apply(step)
        grown.update(rc.router for rc in step.routes if rc.old is None)
        for r in trace.routers:
            assert list(lazy.fibs[r].items()) == list(eager.fibs[r].items())
    tables = trace.initial_fibs or {}
    for r in trace.routers:
        got = _final_table(lazy, r, tables, grown, {})
        want = _final_table(eager, r, tables, grown, {})
        assert list(got.items()) == list(want.items())
