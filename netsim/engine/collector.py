"""The cyclic garbage collector stays off while a network is built and run.

Why: a run allocates a timer, a message and a few records per event, and keeps a large heap of
long-lived objects (databases, FIBs, the trace).  With the collector on, each allocation burst
starts a pass, and the older generations' passes walk that whole heap -- about a tenth of a
100-router RIP run, ~15 % of a dense cold start -- to free almost nothing while the network is
alive.  Once a run is over, its network is taken apart so that reference counting frees most
of it; what is left in reference cycles :class:`BetweenRuns` has collected before a later run of
the same process, once it adds up.

Results cannot depend on it: nothing in a run observes when objects are freed (a test runs the
same scenario with the collector on and off and compares the results).
"""

from __future__ import annotations

import gc
import resource
import sys
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


#: Memory blocks (``sys.getallocatedblocks``: Python's small objects) that may pile up from one
#: collection to the next before the next run starts with a collection: about a hundred megabytes.
GARBAGE_BLOCKS = 1_000_000
#: Bytes by which the process's peak memory may grow from one collection to the next, likewise:
#: large objects (a dict of thousands of entries, arrays) are not blocks.
GARBAGE_BYTES = 128 * 2**20


def peak_memory() -> int:
    """The process's peak resident memory so far, in bytes."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux and the BSDs count KiB


class BetweenRuns:
    """Collects the reference cycles that finished runs leave behind, once they add up.

    Why: a dropped network is a web of cycles (routers and the network, timers and the protocols'
    bound methods) that only the cyclic collector frees; taken apart
    (:meth:`~netsim.engine.network.Network.dismantle`) it still leaves its timers and a few
    objects per router in cycles.  But :func:`collector_paused` hands everything a run kept to
    the oldest generation without counting it as new there, and the command line raises the
    collector's thresholds, so the automatic passes that would free them practically never come:
    a process that ran one run after another (a sweep, ``compare``, a scaling study) kept all of
    it, without end (115 MB more after each cold start on a 404-router network, before networks
    were taken apart).  A pass walks every object, so it is made only when the memory allocated
    since the last one reached ``limit`` blocks or the peak memory grew by ``limit_bytes`` (after
    a pass, later runs reuse what it freed before the peak grows again), never within a run.
    """

    def __init__(self, limit: int = GARBAGE_BLOCKS, limit_bytes: int = GARBAGE_BYTES) -> None:
        self.limit = limit
        self.limit_bytes = limit_bytes
        self._mark: tuple[int, int] | None = None

    def starting(self) -> bool:
        """A run is about to start: collect first if enough was allocated since the last
        collection (or since the first run); True if it collected."""
        blocks, peak = sys.getallocatedblocks(), peak_memory()
        if self._mark is None:
            self._mark = (blocks, peak)
            return False
        grew = blocks - self._mark[0] >= self.limit or peak - self._mark[1] >= self.limit_bytes
        if not grew or not gc.isenabled():
            return False
        gc.collect()
        self._mark = (sys.getallocatedblocks(), peak_memory())
        return True


#: The budget of this process's runs (:func:`netsim.runner.simulate` asks it before each).
between_runs = BetweenRuns()

