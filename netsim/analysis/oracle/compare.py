"""Judging FIBs against a correctness model's expected tables (``{router: {dest: Expected}}``).

An entry is correct when its cost equals the expected cost within 1e-9 (relative) and its next
hops are a non-empty subset of the expected ones; a destination the model leaves out must have
no entry at all.  Routers the model leaves out (crashed ones) are not judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EPS = 1e-9


def entry_ok(route: Any | None, expected: Any | None) -> bool:
    """``route`` has ``cost`` and ``next_hops``; ``expected`` has ``cost`` and ``next_hops`` (a set)."""
    if expected is None:
        return route is None
    if route is None or not route.next_hops:
        return False
    if abs(route.cost - expected.cost) > EPS * max(1.0, abs(expected.cost)):
        return False
    return set(route.next_hops) <= expected.next_hops


def mismatches(fibs: Mapping[str, Mapping[str, Any]], expected: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One line per incorrect entry (sorted by router, then destination); empty when all are right."""
    out = []
    for router in sorted(expected):
        want = expected[router]
        have = fibs.get(router, {})
        for dest in sorted(set(want) | set(have)):
            route, exp = have.get(dest), want.get(dest)
            if not entry_ok(route, exp):
                got = "no entry" if route is None else f"via {','.join(route.next_hops)} cost {route.cost:g}"
                wanted = "no entry" if exp is None else \
                    f"via {'|'.join(sorted(exp.next_hops))} cost {exp.cost:g}"
                out.append(f"{router}→{dest}: {got}, expected {wanted}")
    return out
