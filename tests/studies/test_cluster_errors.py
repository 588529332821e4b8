"""What a sweep on a cluster says when the cluster fails, and why a run delivered twice is
written once -- without starting a cluster (``test_real_cluster.py`` starts one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from netsim.errors import NetsimError
from netsim.studies import cluster, runlog

pytest.importorskip("distributed", reason="distributed is not installed (pip install 'netsim[dask]')")


class FakeFuture:
    """A future whose result is the given exception, raised."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def result(self) -> Any:
        raise self.exc


class FakeClient:
    class scheduler:  # noqa: N801 - mirrors Client.scheduler, which has an address
        address = "tcp://127.0.0.1:8786"


def _killed_worker() -> BaseException:
    from distributed import KilledWorker

    return KilledWorker("netsim-run-x", "tcp://127.0.0.1:1", allowed_failures=3)


def _cancelled() -> BaseException:
    from distributed.client import FutureCancelledError

    return FutureCancelledError("netsim-run-x", reason="scheduler-connection-lost")


@pytest.mark.parametrize(("make", "says"), [
    (_killed_worker, "each died running it"),
    (lambda: RuntimeError("Error during deserialization of the task graph. This frequently occurs if ..."),
     "install the same netsim (and Python and Dask) on the scheduler's machine too"),
    (_cancelled, "lost the Dask cluster at tcp://127.0.0.1:8786"),
])
def test_a_failing_cluster_is_one_line_that_says_what_to_do(make: Any, says: str) -> None:
    with pytest.raises(NetsimError) as err:
        cluster._result(FakeFuture(make()), FakeClient())
    assert says in str(err.value) and "\n" not in str(err.value)


def test_a_run_s_own_error_is_raised_as_it_was() -> None:
    for exc in (NetsimError("the sweep was planned with netsim 0.1.0"), RuntimeError("a bug in a run")):
        with pytest.raises(type(exc)) as err:
            cluster._result(FakeFuture(exc), FakeClient())
        assert err.value is exc


def test_a_run_delivered_twice_is_logged_once(tmp_path: Path) -> None:
    log = runlog.RunLog(tmp_path)
    try:
        for line in ('{"run": {"key": "k"}, "n": 1}\n', '{"run": {"key": "k"}, "n": 1}\n', '{"run": {"key": "j"}}\n'):
            log.append(line)
    finally:
        log.close()
    assert (tmp_path / runlog.RUNS_FILE).read_text().splitlines() == ['{"run": {"key": "k"}, "n": 1}',
                                                                       '{"run": {"key": "j"}}']
