"""Local worker processes (:mod:`netsim.studies.workers`): every task's result comes back once,
a shared value reaches every task, errors surface, and the tasks are read as the work goes
rather than handed to the pool all at once (which made the parent's work grow with the square
of the number of runs)."""

from __future__ import annotations

import pytest

from netsim.studies.workers import AHEAD_PER_WORKER, results_as_completed


def _square(x: int) -> int:
    return x * x


def _scaled(factor: int, x: int) -> int:
    return factor * x


def _fails_on_seven(x: int) -> int:
    if x == 7:
        raise ValueError("seven")
    return x


def test_every_task_comes_back_once() -> None:
    got = list(results_as_completed(_square, [(i,) for i in range(50)], 2))
    assert sorted(got) == [i * i for i in range(50)]


def test_the_shared_value_reaches_every_task() -> None:
    got = list(results_as_completed(_scaled, [(i,) for i in range(20)], 2, shared=3))
    assert sorted(got) == [3 * i for i in range(20)]


def test_a_task_error_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="seven"):
        list(results_as_completed(_fails_on_seven, [(i,) for i in range(20)], 2))


def test_tasks_are_read_as_the_work_goes() -> None:
    jobs, count = 2, 60
    window = AHEAD_PER_WORKER * jobs
    drawn: list[int] = []

    def tasks():  # type: ignore[no-untyped-def]
        for i in range(count):
            drawn.append(i)
            yield (i,)

    seen: list[int] = []
    most_ahead = 0
    for got in results_as_completed(_square, tasks(), jobs):
        seen.append(got)
        most_ahead = max(most_ahead, len(drawn) - len(seen))
    assert sorted(seen) == [i * i for i in range(count)]
    # A finished task is replaced before its result is yielded: the tasks drawn and not yet
    # yielded are the window, plus the rest of the batch that finished together.
    assert most_ahead < 2 * window < count - 1
