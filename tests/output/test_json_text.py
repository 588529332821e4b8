"""The fast JSON writer writes exactly what ``json.dumps(obj, indent=2, allow_nan=False)`` writes.

Why: the results JSON is a contract (same seed, byte-identical file), and its text came from the
standard library before; the fast writer must be a pure speed-up.  Checked against the standard
library on random documents and on the results of shipped scenarios.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsim.api import load_scenario, run_protocols
from netsim.output import json_text, report

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

scalars = (st.none() | st.booleans() | st.integers(-10**20, 10**20)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8))
keys = st.text(max_size=6)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4)
    | st.tuples(inner, inner),
    max_leaves=30)


@given(documents)
def test_random_documents_match_the_standard_library(doc: object) -> None:
    assert json_text.dumps(doc) == json.dumps(doc, indent=2, allow_nan=False)


@given(st.dictionaries(st.integers(-5, 5) | st.booleans() | st.none() | st.floats(-2, 2), scalars, max_size=4))
def test_non_string_keys_are_written_as_json_dumps_writes_them(doc: dict) -> None:
    assert json_text.dumps(doc) == json.dumps(doc, indent=2, allow_nan=False)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_floats_are_refused(bad: float) -> None:
    with pytest.raises(ValueError):
        json_text.dumps({"x": [bad]})


def test_unknown_types_are_refused() -> None:
    with pytest.raises(TypeError):
        json_text.dumps({"x": object()})


@pytest.mark.parametrize("name", ["demo.yaml", "eigrp-feasible-successor.yaml", "bgp-clique-tdown-tup.yaml"])
def test_results_json_matches_the_standard_library(name: str) -> None:
    """Routes rendered once per (next hops, cost) and reused give the same text as encoding
    every table entry (RIP's integer costs and link state's float ones both occur)."""
    sc = load_scenario(SCENARIOS / name)
    results = run_protocols(sc, check_work=False)
    plain = json.dumps([report.result_dict(r) for r in results], indent=2, allow_nan=False) + "\n"
    assert report.dumps(results) == plain


class Pieces(json_text.Fragment):
    """A fragment whose text comes in pieces of ``size`` characters (as a writer may split it)."""

    def __init__(self, value: object, size: int) -> None:
        self.value, self.size = value, size

    def render(self, level: int) -> str:
        return json_text.encode(self.value, level)

    def chunks(self, level: int):  # type: ignore[no-untyped-def]
        text = self.render(level)
        return (text[i:i + self.size] for i in range(0, len(text), self.size))


@st.composite
def documents_with_fragments(draw: st.DrawFn) -> tuple[object, object]:
    """(a document with some values replaced by fragments, the plain document)."""
    plain = draw(documents)

    def wrap(value: object) -> object:
        if isinstance(value, dict):
            value = {k: wrap(v) for k, v in value.items()}
        elif isinstance(value, (list, tuple)):
            value = [wrap(v) for v in value]
        return Pieces(value, draw(st.integers(1, 7))) if draw(st.booleans()) else value

    return wrap(plain), plain


@given(documents_with_fragments())
def test_the_text_in_pieces_joins_to_the_standard_library_text(doc: tuple[object, object]) -> None:
    with_fragments, plain = doc
    expected = json.dumps(plain, indent=2, allow_nan=False)
    assert "".join(json_text.iterencode(with_fragments)) == expected
    assert json_text.dumps(with_fragments) == expected


def test_pieces_are_never_larger_than_the_largest_fragment() -> None:
    """What makes streaming worth it: the document around many fragments is never held whole."""
    table = {f"d{i}": {"next_hops": ["a"], "cost": i} for i in range(50)}
    doc = [{"run": i, "events": [{"t": 1.5}], "final_tables": {f"r{j}": Pieces(table, 10**9) for j in range(20)},
            "end": None} for i in range(3)]
    plain = [{**run, "final_tables": {r: table for r in run["final_tables"]}} for run in doc]
    chunks = list(json_text.iterencode(doc))
    assert "".join(chunks) == json.dumps(plain, indent=2, allow_nan=False)
    assert max(map(len, chunks)) == len(json_text.encode(table, 3))


def test_a_document_without_fragments_is_one_piece() -> None:
    doc = {"a": [1, 2.5, None], "b": {"c": "d"}}
    assert list(json_text.iterencode(doc)) == [json.dumps(doc, indent=2)]


@pytest.mark.parametrize("bad", [math.nan, object()])
def test_the_text_in_pieces_refuses_what_json_dumps_refuses(bad: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        list(json_text.iterencode({"x": [Pieces({"ok": 1}, 3), {"y": bad}]}))
