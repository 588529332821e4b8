"""What a replay document says about one instant, computed in Python.

The viewer computes the same things in JavaScript for every frame; this module is the reference
it is tested against, written straight from the document's definition and sharing no code with
it.  It also lets the code that extracts documents check them against ``netsim table --at``.

Definitions (document version 1):

* a router's FIB at ``t`` is ``initial_fibs`` plus every FIB change with time <= t, in order; a
  router that crashed (a topology entry ``router=R, up=false``) has an empty FIB from that instant,
  and FIB changes at the crash instant come after it (a topology change is the cause, not the
  consequence, of what happens at the same time);
* the expected tables at ``t`` are those of the last ``expected`` epoch with ``from <= t``;
* an entry is ``ok`` when its cost equals the expected one (within 1e-9 relative) and its next
  hops are a non-empty subset of the expected ones; an expected destination without an entry is
  ``missing``, an entry for a destination that is not expected is ``extra``, anything else is
  ``wrong``.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from typing import Any

from netsim.records import record

OK, MISSING, WRONG, EXTRA = "ok", "missing", "wrong", "extra"
#: The mark ``netsim table --at`` prints for each status.
MARKS = {OK: "", MISSING: "-", WRONG: "≠", EXTRA: "+"}
#: A router's colour class: every entry ok, only missing ones, some wrong or extra, crashed, and
#: (before the first expected epoch) not judged at all.
CORRECT, INCOMPLETE, INCORRECT, DOWN, UNJUDGED = "correct", "missing", "wrong", "down", "unjudged"
REL_TOL = 1e-9


@record
class Row:
    """One destination of one router's table at an instant."""

    dest: str
    hops: tuple[str, ...] | None
    cost: float | None
    want_hops: tuple[str, ...] | None
    want_cost: float | None
    status: str


def _route(value: Mapping[str, Any]) -> tuple[tuple[str, ...], float]:
    return tuple(value["hops"]), value["cost"]


def down_at(doc: Mapping[str, Any], t: float) -> set[str]:
    """Routers crashed (and not yet restarted) at ``t``."""
    down: set[str] = set()
    for tc in doc.get("topology", []):
        if tc["time"] > t:
            break
        if tc.get("router") is not None:
            (down.discard if tc["up"] else down.add)(tc["router"])
    return down


def fibs_at(doc: Mapping[str, Any], t: float) -> dict[str, dict[str, tuple[tuple[str, ...], float]]]:
    """Every router's FIB at ``t`` (dest -> (next hops, cost))."""
    names = [r["name"] for r in doc["routers"]]
    fibs = {r: {d: _route(v) for d, v in doc.get("initial_fibs", {}).get(r, {}).items()} for r in names}
    crashes = [(tc["time"], tc["router"]) for tc in doc.get("topology", [])
               if tc.get("router") is not None and not tc["up"]]
    fib = doc.get("fib") or {"time": []}
    c = 0
    for i, when in enumerate(fib["time"]):
        if when > t:
            break
        while c < len(crashes) and crashes[c][0] <= when:
            fibs[crashes[c][1]] = {}
            c += 1
        router, dest, hops = names[fib["router"][i]], fib["dest"][i], fib["hops"][i]
        if hops is None:
            fibs[router].pop(dest, None)
        else:
            fibs[router][dest] = (tuple(hops), fib["cost"][i])
    while c < len(crashes) and crashes[c][0] <= t:
        fibs[crashes[c][1]] = {}
        c += 1
    return fibs


def expected_at(doc: Mapping[str, Any], t: float) -> tuple[dict[str, dict[str, tuple[tuple[str, ...], float]]],
                                                           set[str]] | None:
    """(router -> expected table, crashed routers) of the epoch in force at ``t``; None before any."""
    epochs = doc.get("expected", [])
    k = bisect.bisect_right([ep["from"] for ep in epochs], t) - 1
    if k < 0:
        return None
    ep = epochs[k]
    tables = {r: {d: _route(v) for d, v in table.items()} for r, table in ep["tables"].items()}
    return tables, set(ep.get("down", []))


def entry_status(actual: tuple[tuple[str, ...], float] | None, want: tuple[tuple[str, ...], float] | None) -> str:
    """One entry's status against the expected one."""
    if actual is None:
        return OK if want is None else MISSING
    if want is None:
        return EXTRA
    hops, cost = actual
    want_hops, want_cost = want
    close = abs(cost - want_cost) <= REL_TOL * max(1.0, abs(want_cost))
    return OK if close and hops and set(hops) <= set(want_hops) else WRONG


def table_at(doc: Mapping[str, Any], router: str, t: float) -> list[Row] | None:
    """``router``'s table at ``t`` with the expected entries, sorted by destination; None when it is down."""
    if router in down_at(doc, t):
        return None
    fib = fibs_at(doc, t)[router]
    exp = expected_at(doc, t)
    want = exp[0].get(router, {}) if exp is not None else {}
    rows = []
    for dest in sorted(set(fib) | set(want)):
        a, w = fib.get(dest), want.get(dest)
        rows.append(Row(dest, a[0] if a else None, a[1] if a else None, w[0] if w else None, w[1] if w else None,
                        entry_status(a, w) if exp is not None else OK))
    return rows


def router_status(rows: list[Row] | None) -> str:
    """The colour class of a router from its rows (None: crashed)."""
    if rows is None:
        return DOWN
    statuses = {r.status for r in rows}
    if statuses & {WRONG, EXTRA}:
        return INCORRECT
    return INCOMPLETE if MISSING in statuses else CORRECT


def statuses_at(doc: Mapping[str, Any], t: float) -> dict[str, str]:
    """Every router's colour class at ``t``."""
    judged = expected_at(doc, t) is not None
    out = {}
    for r in doc["routers"]:
        rows = table_at(doc, r["name"], t)
        out[r["name"]] = router_status(rows) if judged or rows is None else UNJUDGED
    return out


def describe(hops: tuple[str, ...] | None, cost: float | None) -> str:
    """An entry as ``netsim table`` prints it: ``via A,B cost 3`` or ``no route``."""
    if hops is None or cost is None:
        return "no route"
    return f"via {','.join(hops) if hops else '-'} cost {number(cost)}"


def number(x: float) -> str:
    """A cost as ``netsim table`` prints it: ``3``, not ``3.0``; otherwise ``%g``."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
