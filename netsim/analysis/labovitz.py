"""Labovitz et al.'s classes of routing events, from a correctness model's tables before and after.

Labovitz, Ahuja, Bose & Jahanian ("Delayed Internet routing convergence", SIGCOMM 2000) class
the change one vantage point sees for one prefix:

* **Tup** -- a previously unavailable route is announced;
* **Tdown** -- a previously available route is withdrawn (no route is left);
* **Tshort** -- a route is replaced by one with a shorter AS path;
* **Tlong** -- a route is replaced by one with a longer AS path.

They found Tup and Tshort converge about as fast as messages travel, while Tdown and Tlong take
minutes of path exploration.  Here a route's AS-path length is the model's expected ``cost``.
:func:`classify_destination` aggregates the vantage points: Tdown when the destination was
reachable from some router before and from none after, Tup for the reverse, otherwise Tlong if
any router's route got longer or disappeared, Tshort if routes only got shorter or appeared.
:func:`event_class` names an event after the slowest class among the destinations it changed
(Tdown, then Tlong, then Tup, then Tshort).

Pure functions over ``{router: {dest: Expected}}`` tables (any object with a ``cost``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

TUP, TDOWN, TSHORT, TLONG = "Tup", "Tdown", "Tshort", "Tlong"
#: Slowest first: the order in which :func:`event_class` picks a name for an event.
SEVERITY = (TDOWN, TLONG, TUP, TSHORT)

Tables = Mapping[str, Mapping[str, Any]]


def classify_route(before: Any | None, after: Any | None) -> str | None:
    """One vantage point, one prefix; None when the AS-path length did not change."""
    if before is None:
        return None if after is None else TUP
    if after is None:
        return TDOWN
    if after.cost < before.cost:
        return TSHORT
    if after.cost > before.cost:
        return TLONG
    return None


def classify_destination(before: Tables, after: Tables, dest: str) -> str | None:
    """The class of the change in routes towards ``dest`` across all routers (None: no change)."""
    had = any(dest in table for r, table in before.items() if r != dest)
    has = any(dest in table for r, table in after.items() if r != dest)
    if had and not has:
        return TDOWN
    if has and not had:
        return TUP
    # vantage points: routers up in both states (a crashed router's lost table is not a route change)
    common = (set(before) & set(after)) - {dest}
    classes = {classify_route(before[r].get(dest), after[r].get(dest)) for r in common}
    if TLONG in classes or TDOWN in classes:
        return TLONG
    if TSHORT in classes or TUP in classes:
        return TSHORT
    return None


def classify_event(before: Tables, after: Tables) -> dict[str, str]:
    """Every destination whose routes the event changed, with its class."""
    dests = {d for table in (*before.values(), *after.values()) for d in table}
    out = {}
    for dest in sorted(dests):
        cls = classify_destination(before, after, dest)
        if cls is not None:
            out[dest] = cls
    return out


def event_class(per_destination: Mapping[str, str] | Iterable[str]) -> str | None:
    """One name for an event: the slowest class it caused (None: it changed no route)."""
    present = set(per_destination.values() if isinstance(per_destination, Mapping) else per_destination)
    for cls in SEVERITY:
        if cls in present:
            return cls
    return None
