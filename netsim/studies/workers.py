"""Local worker processes that never outlive the command that started them.

Why: a sweep or a scaling study hands runs to a process pool.  When the parent is stopped --
Ctrl-C, SIGTERM from a job scheduler, or SIGKILL -- a plain pool lets its workers finish the run
they hold, which can take many minutes and hundreds of megabytes each, with nobody left to use
the result.  Here:

* the parent, on any exception or interrupt while the pool runs, terminates the workers at once
  instead of waiting for them;
* each worker ignores SIGINT (Ctrl-C reaches the whole process group; the parent decides) and
  dies on SIGTERM (the parent's handler, inherited through ``fork``, would otherwise turn it into
  an exception inside the run and keep the worker alive);
* each worker watches its parent: on Linux the kernel sends it SIGTERM when the parent dies
  (``PR_SET_PDEATHSIG``), and everywhere a thread checks once a second that the parent is still
  there, so even a SIGKILLed parent leaves no worker behind for long.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from functools import partial
from itertools import islice
from typing import Any

#: How often (s) a worker checks that its parent is alive, where the kernel cannot tell it.
PARENT_CHECK_EVERY = 1.0
_PR_SET_PDEATHSIG = 1


_NOTHING = object()
#: What :func:`results_as_completed` gave each worker once, for every task (set in the worker).
_shared: Any = _NOTHING


#: Tasks handed to the pool per worker at any time: the one it runs and the next ones, so that no
#: worker waits for the parent between two tasks.
AHEAD_PER_WORKER = 3


def results_as_completed(fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]], jobs: int, *,
                         shared: Any = _NOTHING) -> Iterator[Any]:
    """``fn(*task)`` for every task on ``jobs`` worker processes, yielded as each completes;
    ``fn(shared, *task)`` when ``shared`` is given: it reaches each worker once, when the worker
    starts (inherited where workers are forked, pickled once per worker elsewhere), not with
    every task -- a sweep's scenario is the same for all its runs.

    ``tasks`` is read as the work goes: at most :data:`AHEAD_PER_WORKER` tasks per worker are in
    the pool at a time, each finished one replaced before its result is yielded.  Why: waiting
    for the first of the pending tasks to finish costs time in proportion to how many are
    pending, so handing the pool a whole sweep at once made the parent's work grow with the
    square of its runs, on the cores the workers need (measured on two workers: 4.0 s of the
    parent's CPU for 3,000 tasks of 2 ms, 11.2 s for 10,000 trivial ones; 1.15 s and 2.1 s with
    the window), and held every task's future in memory.

    A worker's exception is raised here.  If the consumer stops early, or anything (an
    exception, Ctrl-C, SIGTERM) interrupts, the workers are terminated before this returns.
    """
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start, initargs=(os.getpid(), shared))
    finished_cleanly = False
    try:
        call = fn if shared is _NOTHING else partial(_with_shared, fn)
        todo = iter(tasks)
        pending: set[Future[Any]] = {pool.submit(call, *task) for task in islice(todo, AHEAD_PER_WORKER * jobs)}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            pending.update(pool.submit(call, *task) for task in islice(todo, len(done)))
            for fut in done:
                yield fut.result()
        finished_cleanly = True
    finally:
        if finished_cleanly:
            pool.shutdown(wait=True)
        else:
            terminate(pool)


def terminate(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now: queued work is cancelled, running work is killed."""
    processes = list(getattr(pool, "_processes", {}).values())  # no public handle before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + 5.0
    for proc in processes:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join(1.0)


def _start(parent: int, shared: Any) -> None:
    global _shared
    _shared = shared
    _watch_parent(parent)


def _with_shared(fn: Callable[..., Any], *task: Any) -> Any:
    return fn(_shared, *task)


def _watch_parent(parent: int) -> None:
    """Worker start-up: signals as described above, and a watch on the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the watch was set up
        os._exit(1)
    threading.Thread(target=_orphan_check, args=(parent,), name="netsim-parent-watch", daemon=True).start()


def _orphan_check(parent: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_EVERY)
        if os.getppid() != parent:
            os._exit(1)
