"""Numbers shared by every part: one tolerance for comparing path costs, one way to print them.

Why one module: the protocols (SPF's ECMP ties), the oracle (is this FIB entry's cost right?)
and the observer (which entries are wrong?) must agree on when two float costs are equal, or a
route the protocol considers a tie would be judged wrong.  Keeping the tolerance here, below
every other part, makes that agreement structural.
"""

from __future__ import annotations

import math

#: Relative tolerance for equal path costs: |a - b| <= EPS * max(1, |b|).
EPS = 1e-9
#: Deliberately much looser than EPS, for "could this change matter?" tests (incremental SPF, the
#: observer's distance updates): a change even close to a tie counts, which only costs time.
SLACK = 1e-6


def same_cost(a: float, b: float) -> bool:
    """Whether two path costs are equal within :data:`EPS` (relative, floored at 1)."""
    return abs(a - b) <= EPS * max(1.0, abs(b))


def fmt_num(x: float) -> str:
    """A cost or a duration for humans: ``3`` not ``3.0``, ``0.25`` not ``0.250000``."""
    x = float(x)
    if math.isfinite(x) and x.is_integer():
        return str(int(x))
    return f"{x:g}"


def fmt_secs(x: float) -> str:
    """A duration rounded to the microsecond, for narration (``4``, ``3.06``)."""
    return fmt_num(round(float(x), 6))
