"""Fitting netsim's numbers into fixed-width wire fields.

netsim computes with floats of any size (fractional link costs, sub-second timers); a packet
field holds an integer of a given width.  One rule everywhere, so captures are predictable:
round half up, then clamp to the field's range.  This changes what the capture *shows*,
never what the simulation did.
"""

from __future__ import annotations

import math


def int_field(value: float, low: int, high: int) -> int:
    """``value`` rounded half up and clamped to ``low..high`` (non-finite values become ``high``)."""
    value = float(value)
    if not math.isfinite(value):
        return high
    return min(high, max(low, math.floor(value + 0.5)))
