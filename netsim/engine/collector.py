"""The cyclic garbage collector stays off while a network is built and run.

Why: a run allocates a timer, a message and a few records per event, and keeps a large heap of
long-lived objects (databases, FIBs, the trace).  With the collector on, each allocation burst
starts a pass, and the older generations' passes walk that whole heap -- about a tenth of a
100-router RIP run, ~15 % of a dense cold start -- to free almost nothing: checked on every
shipped scenario and protocol, a collection right after a run finds nothing but the old state
of a router that crashed under distance vector (a few dozen objects).  Reference counting frees
everything else as before, so memory does not grow.

Results cannot depend on it: nothing in a run observes when objects are freed (a test runs the
same scenario with the collector on and off and compares the results).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Automatic collection off inside the block, then as it was (a caller that turned it off
    keeps it off; a nested pause does nothing).

    On the way out, what the block allocated and kept goes to the oldest generation without a
    pass over it (``gc.freeze`` then ``gc.unfreeze``: the collector's bookkeeping only), where a
    pass would have put whatever survives a run anyway.  Left in the youngest generation, the
    first allocation after the block would start a pass over every object the run keeps (0.35 s
    after a dense cold start).  Skipped if the caller froze objects itself: ``unfreeze`` would
    undo that.
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
