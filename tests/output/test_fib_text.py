"""Final tables rendered a whole table at a time are, byte for byte, ``json.dumps`` of the plain
table (:func:`~netsim.output.fib_text.table_json`) at every nesting level.

Why: the results JSON is a contract (same seed, byte-identical file); rendering tables from
pieces picked by array indexing must be a pure speed-up.  Column tables (sorted destinations or
not, entries missing, several or no next hops, costs that round), tables changed since they were
loaded, and plain dicts are all checked against the standard library.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsim.api import parse_scenario, run_protocols
from netsim.fibs import ChangedFib
from netsim.output import fib_text, json_text, report
from netsim.trace import FibTable, Route

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=4)
hops = st.lists(names, max_size=3, unique=True).map(tuple)
#: Whole numbers, fractions that round at the sixth decimal (1e-7 becomes 0.0), large and tiny.
costs = (st.integers(0, 10**6).map(float) | st.floats(0, 1e12, allow_nan=False)
         | st.sampled_from([0.1, 1 / 3, 2.5, 1e-7, 5e-7, 0.0000015, 123456.0000004, 1e16 + 2.0]))


@st.composite
def column_tables(draw: st.DrawFn) -> FibTable:
    """A column table; its destinations sorted or not, some without an entry."""
    dests = draw(st.lists(names, unique=True, max_size=10))
    if draw(st.booleans()):
        dests.sort()
    choices = draw(st.lists(hops, min_size=1, max_size=4))
    choice = draw(st.lists(st.integers(-1, len(choices) - 1), min_size=len(dests), max_size=len(dests)))
    cost = draw(st.lists(costs, min_size=len(dests), max_size=len(dests)))
    index = {d: j for j, d in enumerate(dests)}
    return FibTable(dests, index, np.array(cost, dtype=np.float64), np.array(choice, dtype=np.int32), choices)


@st.composite
def changed_tables(draw: st.DrawFn) -> ChangedFib:
    """A column table and changes since: routes replaced, removed, set again, added."""
    base = draw(column_tables())
    fib = ChangedFib(base)
    dests = list(base.dests) + draw(st.lists(names, max_size=2))
    for _ in range(draw(st.integers(0, 8))):
        dest = draw(st.sampled_from(dests)) if dests else draw(names)
        if dest in fib and draw(st.booleans()):
            del fib[dest]
        else:
            fib[dest] = Route(draw(hops), draw(costs))
    return fib


dict_tables = st.dictionaries(names, st.builds(Route, hops, costs | st.integers(0, 2**60)), max_size=8)
tables = column_tables() | changed_tables() | dict_tables


def plain(fib: object) -> str:
    return json.dumps(fib_text.table_json(fib), indent=2, allow_nan=False)  # type: ignore[arg-type]


@given(tables)
def test_a_table_renders_as_json_dumps_of_the_plain_table(fib: object) -> None:
    assert fib_text.TableRenderer().render(fib, 0) == plain(fib)  # type: ignore[arg-type]


@given(st.lists(tables, max_size=4), st.integers(0, 3))
def test_tables_sharing_a_renderer_render_as_json_dumps_at_any_depth(fibs: list, depth: int) -> None:
    """One renderer serves every table of a document (its caches are shared), at the depth of
    ``final_tables`` in the results JSON or any other."""
    renderer = fib_text.TableRenderer()
    doc: object = {str(i): renderer.fragment(f) for i, f in enumerate(fibs)}
    expected: object = {str(i): fib_text.table_json(f) for i, f in enumerate(fibs)}
    for i in range(depth):
        doc, expected = ([doc], [expected]) if i % 2 else ({"k": doc}, {"k": expected})
    assert "".join(json_text.iterencode(doc)) == json.dumps(expected, indent=2, allow_nan=False)
    assert json_text.dumps(doc) == json.dumps(expected, indent=2, allow_nan=False)


def compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


@given(tables, st.integers(0, 3))
def test_a_compact_renderer_renders_as_compact_json_dumps_at_any_level(fib: object, level: int) -> None:
    assert fib_text.TableRenderer(compact=True).render(fib, level) == compact(fib_text.table_json(fib))  # type: ignore[arg-type]


@given(st.lists(tables, max_size=4), st.integers(0, 3))
def test_a_document_with_compact_tables_is_compact_json_dumps(fibs: list, depth: int) -> None:
    """A sweep's line: tables sharing a compact renderer, nested in dicts and lists beside
    other values, written by ``json_text.compact``."""
    renderer = fib_text.TableRenderer(compact=True)
    doc: object = {"before": [1, 0.5, "\u00e9"], **{str(i): renderer.fragment(f) for i, f in enumerate(fibs)}}
    expected: object = {"before": [1, 0.5, "\u00e9"], **{str(i): fib_text.table_json(f) for i, f in enumerate(fibs)}}
    for i in range(depth):
        doc, expected = ([doc, None], [expected, None]) if i % 2 else ({"k": doc, "z": {}}, {"k": expected, "z": {}})
    assert json_text.compact(doc) == compact(expected)


@given(changed_tables())
def test_a_changed_table_as_columns_holds_the_same_entries(fib: ChangedFib) -> None:
    table = fib.as_table()
    outside = [d for d in fib if d not in fib._base.index]  # type: ignore[attr-defined]
    assert (table is None) == bool(outside)
    if table is not None:
        assert dict(sorted(table.items())) == dict(sorted(fib.items()))


def test_edge_cases_render_as_json_dumps() -> None:
    """Empty tables of every kind, a route without next hops, several next hops, a destination
    removed and set again (it moves to the end of the FIB's order, not of the JSON's)."""
    empty = FibTable(["a", "b"], {"a": 0, "b": 1}, np.zeros(2), np.array([-1, -1], dtype=np.int32), [("x",)])
    gone = ChangedFib(FibTable(["a"], {"a": 0}, np.ones(1), np.zeros(1, dtype=np.int32), [("x",)]))
    del gone["a"]
    moved = ChangedFib(FibTable(["a", "b", "c"], {"a": 0, "b": 1, "c": 2}, np.array([1.0, 2.5, 1e-7]),
                                np.array([0, 1, 2], dtype=np.int32), [("x",), ("x", "y", "z"), ()]))
    del moved["a"]
    moved["a"] = Route(("q", "x"), 3.0)
    moved["b"] = Route((), 0.5)
    assert list(moved) == ["b", "c", "a"]
    renderer = fib_text.TableRenderer()
    for fib in (empty, gone, moved, {}, {"z": Route((), 2), "a": Route(("b", "c"), 0.1 + 0.2)}):
        assert renderer.render(fib, 0) == plain(fib)
        assert renderer.render(fib, 3) == json_text.encode(fib_text.table_json(fib), 3)
    assert renderer.render(empty, 2) == "{}"


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_cost_json_cannot_hold_is_refused_as_json_dumps_refuses_it(bad: float) -> None:
    table = FibTable(["a"], {"a": 0}, np.array([bad]), np.zeros(1, dtype=np.int32), [("x",)])
    for renderer in (fib_text.TableRenderer(), fib_text.TableRenderer(compact=True)):
        with pytest.raises(ValueError, match="JSON compliant"):
            renderer.render(table, 0)


WARM = """\
name: warm
topology: {generator: {kind: KIND, n: 7}}
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4, warm_start: true}
  static: {}
"""
EVENTS = "events:\n  - {at: 5, link_down: [r3, r4]}\n  - {at: 8, set_cost: [r5, r6], cost: 2.125}\n"


@pytest.mark.parametrize("kind,events", [("ring", EVENTS), ("line", EVENTS), ("ring", "duration: 10\n")])
def test_warm_started_results_json_matches_the_standard_library(kind: str, events: str) -> None:
    """Whole results of several runs, as the command line writes them, whose final tables are
    column tables: as loaded (no event), or changed since (a ring's failure reroutes; a line's
    partitions it, removing entries)."""
    results = run_protocols(parse_scenario(WARM.replace("KIND", kind) + events), check_work=False)
    tables = [f for r in results for f in r.metrics.final_tables.values()]
    assert any(fib_text.as_columns(f) is not None for f in tables)
    expected = json.dumps([report.result_dict(r) for r in results], indent=2, allow_nan=False) + "\n"
    chunks: list[str] = []
    report.write_json(results, chunks.append)
    assert "".join(chunks) == expected
    assert max(map(len, chunks)) < len(expected) / 4  # written a piece at a time, not whole
    assert report.dumps(results) == expected
