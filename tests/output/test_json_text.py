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
