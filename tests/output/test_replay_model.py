"""The Python reading of a replay document, on documents whose answers are written out by hand.

(The same module is checked against ``netsim table --at`` on real runs in test_replay_build.py;
these cases pin down the corners a run rarely hits: a FIB change at the very instant of a crash,
ECMP subsets, cost tolerance, an instant before any expected epoch.)
"""

from __future__ import annotations

import pytest
from replay_docs import ring_document

from netsim.output.replay.model import (
    CORRECT,
    DOWN,
    EXTRA,
    INCOMPLETE,
    INCORRECT,
    MISSING,
    OK,
    UNJUDGED,
    WRONG,
    describe,
    entry_status,
    fibs_at,
    statuses_at,
    table_at,
)

NAMES = ["A", "B", "C", "D", "E"]


def test_fibs_follow_changes_and_crashes() -> None:
    doc = ring_document(NAMES)
    assert fibs_at(doc, 0.5) == {r: {} for r in NAMES}
    assert fibs_at(doc, 1.0)["D"] == {"A": (("C",), 2)}
    assert fibs_at(doc, 19.5)["D"] == {"A": (("C",), 2), "B": (("C",), 2)}
    assert fibs_at(doc, 20.0)["D"] == {}  # crashed: the FIB is gone
    assert fibs_at(doc, 25.5)["D"] == {}  # restarted, nothing learnt yet
    assert fibs_at(doc, 26.0)["D"] == {"A": (("C",), 2)}


def test_a_change_at_the_crash_instant_comes_after_the_crash() -> None:
    doc = ring_document(NAMES)
    fib = doc["fib"]
    for col, value in (("time", 20.0), ("router", 3), ("dest", "E"), ("hops", ["E"]), ("cost", 1)):
        fib[col].insert(6, value)
    assert fibs_at(doc, 20.0)["D"] == {"E": (("E",), 1)}


def test_tables_and_colours_by_hand() -> None:
    doc = ring_document(NAMES)
    assert table_at(doc, "A", 5.0)[0].status == OK
    rows = table_at(doc, "A", 10.2)  # the link A-B is down, A still routes B over it
    assert [(r.dest, r.status, describe(r.hops, r.cost), describe(r.want_hops, r.want_cost)) for r in rows] == [
        ("B", WRONG, "via B cost 1", "via E cost 4")]
    assert table_at(doc, "A", 10.5)[0].status == OK
    assert table_at(doc, "D", 21.0) is None
    assert statuses_at(doc, 10.2) == {"A": INCORRECT, "B": INCORRECT, "C": CORRECT, "D": INCORRECT, "E": CORRECT}
    assert statuses_at(doc, 21.0)["D"] == DOWN
    doc["fib"]["hops"][0] = None
    doc["fib"]["cost"][0] = None
    assert statuses_at(doc, 5.0)["A"] == INCOMPLETE
    assert table_at(doc, "A", 5.0)[0].status == MISSING


@pytest.mark.parametrize(("actual", "want", "status"), [
    ((("B",), 3), (("B", "C"), 3), OK),                 # one of two equal-cost next hops is right
    ((("B", "C"), 3), (("B", "C"), 3), OK),
    ((("B", "D"), 3), (("B", "C"), 3), WRONG),          # one next hop is not on a shortest path
    (((), 3), (("B",), 3), WRONG),                      # an entry without next hops forwards nothing
    ((("B",), 3 + 2e-9), (("B",), 3), OK),              # within 1e-9 relative
    ((("B",), 3.001), (("B",), 3), WRONG),
    (None, (("B",), 3), MISSING),
    ((("B",), 3), None, EXTRA),
    (None, None, OK),
])
def test_entry_status(actual, want, status: str) -> None:
    assert entry_status(actual, want) == status


def test_before_the_first_epoch_nothing_is_judged() -> None:
    doc = ring_document(NAMES)
    doc["expected"][0]["from"] = 5.0
    rows = table_at(doc, "A", 2.0)
    assert rows is not None and [r.status for r in rows] == [OK]
    assert set(statuses_at(doc, 2.0).values()) == {UNJUDGED}
    assert statuses_at(doc, 5.0)["A"] == CORRECT
