"""Runs on a Dask cluster (``netsim sweep --scheduler ADDRESS``): the cluster's side of a sweep.

What a cluster adds to a local process pool, and how it is handled here:

* **Workers elsewhere.** What every run needs (``shared``: a sweep's loaded scenario) is a task of
  its own, so it reaches each worker once -- from the scheduler, or from a worker that already
  holds it -- and the scheduler keeps the task, so it is made again if every worker holding it
  dies.  Nothing else about the coordinating machine (files, working directory) is needed.
* **A worker dies.** The scheduler hands its runs to the other workers.  Each run is delivered
  here once, however many times it was started, and released as soon as it is read, so finished
  results do not pile up in the workers' memory.
* **The cluster fails.** A run that kills every worker it is given, or a lost connection to the
  scheduler, ends the sweep with one line saying so; the runs already delivered are saved by the
  caller, so the same command resumes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from netsim.errors import NetsimError
from netsim.inputs import short

#: Seconds to wait for the scheduler when connecting.
CONNECT_TIMEOUT = "10s"


def worker_memory(scheduler: str) -> tuple[str, float, int] | None:
    """The cluster worker with the least memory per thread, as (address, memory limit in bytes,
    threads): each thread runs one run at a time in the worker's process, so that is where runs
    side by side are the tightest.  None when no worker states a limit (or none is connected)."""
    client = _connect(scheduler)
    try:
        workers = client.scheduler_info().get("workers", {})
    finally:
        client.close()
    limited = [(addr, float(w.get("memory_limit") or 0), max(1, int(w.get("nthreads") or 1)))
               for addr, w in sorted(workers.items())]
    limited = [w for w in limited if w[1] > 0]
    return min(limited, key=lambda w: w[1] / w[2]) if limited else None


def _connect(scheduler: str | None) -> Any:
    try:
        from dask.distributed import Client
    except ImportError:
        raise NetsimError("--scheduler needs Dask: pip install 'netsim[dask]'") from None
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise NetsimError(f"--scheduler {short(scheduler)}: cannot reach the Dask scheduler "
                          f"({short(str(exc), 80)})") from None


def results_on_cluster(fn: Callable[..., Any], shared: Any, tasks: Sequence[tuple[Any, ...]], *,
                       names: Sequence[str] | None = None, scheduler: str | None = None,
                       client: Any = None) -> Iterator[Any]:
    """``fn(shared, *task)`` for every task on the cluster at ``scheduler`` (or through ``client``),
    yielded as each completes; ``names`` label the tasks (the dashboard shows them).  Runs not
    delivered when this stops (an error, the consumer stopping early) are cancelled."""
    own = client is None
    if own:
        client = _connect(scheduler)
    try:
        yield from _gather(client, fn, shared, tasks, names or [str(i) for i in range(len(tasks))])
    finally:
        if own:
            client.close()


def _gather(client: Any, fn: Callable[..., Any], shared: Any, tasks: Sequence[tuple[Any, ...]],
            names: Sequence[str]) -> Iterator[Any]:
    from dask.distributed import as_completed

    sweep = uuid.uuid4().hex[:12]  # two sweeps of the same grid never share (or cancel) each other's tasks
    held = client.submit(_same, shared, key=f"netsim-shared-{sweep}", pure=False)
    futures = [client.submit(fn, held, *task, key=f"netsim-run-{name}-{sweep}", pure=False)
               for name, task in zip(names, tasks, strict=True)]
    try:
        for fut in as_completed(futures, loop=client.loop):  # this client, never a process-wide default
            result = _result(fut, client)
            fut.release()
            yield result
    finally:
        client.cancel([f for f in futures if not f.done()] + [held])


def _same(value: Any) -> Any:
    """The shared value as a task's result: held by workers, made again from the scheduler's copy."""
    return value


def _result(fut: Any, client: Any) -> Any:
    """A run's result, or its own error (a :class:`NetsimError` as it was raised on the worker),
    or one line saying what went wrong with the cluster."""
    from distributed import KilledWorker
    from distributed.client import ClosedClientError, FutureCancelledError
    from distributed.comm import CommClosedError

    try:
        return fut.result()
    except KilledWorker:
        raise NetsimError("a run was given to several workers in turn and each died running it (too little memory "
                          "on the workers?); the finished runs are saved: run the same command to resume") from None
    except RuntimeError as exc:
        if "deserialization of the task graph" not in str(exc):
            raise
        raise NetsimError(f"the Dask scheduler at {_where(client)} cannot read the sweep's runs: install the same "
                          f"netsim (and Python and Dask) on the scheduler's machine too") from None
    except (FutureCancelledError, CommClosedError, ClosedClientError) as exc:
        why = short(str(exc) or type(exc).__name__, 80)
        raise NetsimError(f"lost the Dask cluster at {_where(client)} ({why}); the finished runs are saved: run the "
                          f"same command to resume") from None


def _where(client: Any) -> str:
    """The scheduler's address, for messages."""
    return str(getattr(client.scheduler, "address", None) or "the scheduler")
