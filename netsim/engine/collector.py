"""The cycle collector stays off while the engine runs.

Why: a run allocates millions of short-lived objects (timers, messages, acknowledgement keys,
routes) and keeps a large heap of long-lived ones (databases, FIBs, the trace).  Each allocation
burst triggers the cycle collector, and its full passes walk that whole heap; on a dense cold
start (404 routers, 3.7 M LSA copies) that is ~15 % of the run -- and they free almost nothing:
measured on every shipped scenario and protocol, a collection right after the run finds 0
objects, but for a router that crashed under distance vector (40-65 objects: its old protocol
state).  Reference counting frees everything else as before, so memory does not grow (peak RSS
even drops a little: no collector passes over the heap).

Results cannot depend on it: nothing in a run observes when objects are freed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable automatic cycle collection inside the block, as it was afterwards (a caller that
    turned it off keeps it off).

    On the way out, what the block allocated is moved to the oldest generation (freeze, then
    unfreeze: the collector's own bookkeeping, no pass over the objects), where the collector
    would have put whatever survives a run anyway.  Left in the youngest generation, the next
    allocation would trigger a pass over every object the run keeps: 0.6 s after a dense cold
    start, to free nothing.  Skipped if the caller froze objects itself (unfreeze would undo it).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()
