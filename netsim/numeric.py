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
    """A draw from [low, high): exactly ``float(rng.uniform(low, high))`` for a numpy ``Generator``,
    at about a third of the cost (and, like it, refusing ``high < low`` and infinite bounds).

    Why exact: numpy computes a scalar uniform as ``low + (high - low) * U``, with ``U`` the same
    one 53-bit double that ``rng.random()`` returns, so both consume the generator alike and
    round alike (a test compares them on many seeds and bounds).  Why here: every protocol
    timer with jitter draws one per firing -- a RIP update, an IS-IS hello -- and numpy's
    general ``uniform`` (broadcasting, size and bound checks) cost more than the rest of
    scheduling the timer."""
    span = high - low
    if not 0.0 <= span < math.inf:  # numpy refuses these too (NaN fails both tests)
        raise ValueError(f"uniform draw between {low!r} and {high!r}: the bounds must be finite, low <= high")
    return low + span * rng.random()


class RandomBlock:
    """``rng.random()`` draws taken ``size`` at a time from a numpy ``Generator``: the very numbers,
    in the very order, of one ``rng.random()`` call per draw (numpy fills a block draw by draw).

    Why: a numpy call per draw costs more than the protocol logic a draw serves (a RIP update's
    jitter, a BGP timer).  Only for a generator that nothing else draws from, since the
    generator runs up to a block ahead of the draws handed out.  Has ``random()``, so
    :func:`uniform` takes it in place of the generator."""

    __slots__ = ("_rng", "_size", "_left")

    def __init__(self, rng: Any, size: int = 256) -> None:
        self._rng = rng
        self._size = size
        self._left: list[float] = []

    def random(self) -> float:
        left = self._left
        if not left:
            left = self._left = self._rng.random(self._size).tolist()
            left.reverse()
        return left.pop()


def fmt_num(x: float) -> str:
    """A cost or a duration for humans: ``3`` not ``3.0``, ``0.25`` not ``0.250000``."""
    x = float(x)
    if math.isfinite(x) and x.is_integer():
        return str(int(x))
    return f"{x:g}"


def fmt_secs(x: float) -> str:
    """A duration rounded to the microsecond, for narration (``4``, ``3.06``)."""
    return fmt_num(round(float(x), 6))
