"""Numbers shared by every part: one tolerance for comparing path costs, one way to print them,
one way to draw a uniform delay.

Why one module: the protocols (SPF's ECMP ties), the oracle (is this FIB entry's cost right?)
and the observer (which entries are wrong?) must agree on when two float costs are equal, or a
route the protocol considers a tie would be judged wrong.  Keeping the tolerance here, below
every other part, makes that agreement structural.
"""

from __future__ import annotations

import math
from typing import Any

#: Relative tolerance for equal path costs: |a - b| <= EPS * max(1, |b|).
EPS = 1e-9
#: Deliberately much looser than EPS, for "could this change matter?" tests (incremental SPF, the
#: observer's distance updates): a change even close to a tie counts, which only costs time.
SLACK = 1e-6


def same_cost(a: float, b: float) -> bool:
    """Whether two path costs are equal within :data:`EPS` (relative, floored at 1)."""
    return abs(a - b) <= EPS * max(1.0, abs(b))


def uniform(rng: Any, low: float, high: float) -> float:
    """A draw from [low, high): exactly ``float(rng.uniform(low, high))`` for a numpy ``Generator``
    and ``low <= high``, at about a third of the cost.

    Why exact: numpy computes a scalar uniform as ``low + (high - low) * U``, with ``U`` the same
    one 53-bit double that ``rng.random()`` returns, so both consume the generator alike and
    round alike (a test compares them on many seeds and bounds).  Why here: every protocol
    timer with jitter draws one per firing -- a RIP update, an IS-IS hello -- and numpy's
    general ``uniform`` (broadcasting, size and bound checks) cost more than the rest of
    scheduling the timer."""
    return low + (high - low) * rng.random()


def fmt_num(x: float) -> str:
    """A cost or a duration for humans: ``3`` not ``3.0``, ``0.25`` not ``0.250000``."""
    x = float(x)
    if math.isfinite(x) and x.is_integer():
        return str(int(x))
    return f"{x:g}"


def fmt_secs(x: float) -> str:
    """A duration rounded to the microsecond, for narration (``4``, ``3.06``)."""
    return fmt_num(round(float(x), 6))
