"""``netsim sweep --scheduler`` on a real Dask cluster, driven through the command line.

The in-process ``LocalCluster`` of ``test_sweep.py`` shares memory with the sweep, so it cannot
show what a real cluster adds: every task and result pickled over TCP, workers that import netsim
themselves (and need neither the scenario's file nor its working directory), and workers that
die.  Here a ``dask scheduler`` and two ``dask worker`` processes run on 127.0.0.1 as a user
starts them, and the sweep's results must equal a local ``-j 2`` run line for line -- also when
one worker is killed in the middle of the sweep: nothing lost, nothing written twice.

Every process listens on 127.0.0.1 only, on ports the system picks (``--port 0``; the address is
read from the scheduler file).  Each runs in a session of its own, so it is killed with whatever
it started; it is stopped when the tests end, pass or fail, and the kernel kills it should this
test process itself die first (on Linux).
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="distributed is not installed (pip install 'netsim[dask]')")

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
#: 2 protocols x 2 seeds x 10 links = 40 runs of about 60 ms: long enough to kill a worker mid-sweep.
SCENARIO = """\
name: cluster-ring
topology: {generator: {kind: ring, n: 10}}
duration: 120
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4}
  distvector: {update_interval: 5, timeout: 15, garbage: 10}
"""
GRID = ("--seeds", "0-1", "--failures", "every-link", "--fail-at", "30")
RUNS = 40
#: Seconds any one step may take on a loaded 2-core machine before the test gives up on it.
PATIENCE = 120.0
_WALL = re.compile(r',"wall_s":[0-9.eE+-]+\}\}$')


def environment(config_dir: Path) -> dict[str, str]:
    """This checkout's netsim for every child (scheduler, workers, the sweep), and no Dask
    configuration but Dask's defaults (a user's config could move ports or addresses)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env["DASK_CONFIG"] = str(config_dir)
    return env


#: Loaded here, not in the child: between fork and exec the child should do as little as it can.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
_PR_SET_PDEATHSIG = 1


def _own_session_dying_with_parent() -> None:
    """In the child before it runs: a session of its own (killed as a group, whatever it starts),
    and, on Linux, SIGKILL from the kernel if the test process dies without cleaning up."""
    os.setsid()
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def wait_for(condition: Callable[[], bool], timeout: float, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


class Cluster:
    """A ``dask scheduler`` and its ``dask worker`` processes on 127.0.0.1, each logging to a file."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.env = environment(directory / "dask-config")
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.address = ""

    def _start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        cwd = self.dir / name  # nothing of the sweep's directory: workers get the scenario from the sweep
        cwd.mkdir()
        with open(self.dir / f"{name}.log", "wb") as log:
            proc = subprocess.Popen([sys.executable, "-m", "dask", *args], cwd=cwd, env=self.env,
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                    preexec_fn=_own_session_dying_with_parent)
        self.procs.append((name, proc))
        return proc

    def logs(self) -> str:
        """The last lines each process logged (for failure messages)."""
        out = []
        for name, _proc in self.procs:
            lines = (self.dir / f"{name}.log").read_text(errors="replace").splitlines()
            out.append(f"--- {name}\n" + "\n".join(lines[-15:]))
        return "\n".join(out)

    def start(self, workers: int) -> None:
        info = self.dir / "scheduler.json"
        sched = self._start("scheduler", ["scheduler", "--host", HOST, "--port", "0", "--no-dashboard",
                                          "--dashboard-address", f"{HOST}:0", "--scheduler-file", str(info)])
        assert wait_for(lambda: info.exists() and info.stat().st_size > 0 or sched.poll() is not None, PATIENCE), \
            "the scheduler did not start"
        assert sched.poll() is None, f"the scheduler exited\n{self.logs()}"
        self.address = json.loads(info.read_text())["address"]
        assert self.address.startswith(f"tcp://{HOST}:"), self.address
        for i in range(workers):
            # --no-nanny: one process per worker, so killing it is a worker lost, not one restarted
            self._start(f"worker{i}", ["worker", self.address, "--name", f"worker{i}", "--host", HOST,
                                       "--no-nanny", "--nthreads", "1", "--no-dashboard",
                                       "--dashboard-address", f"{HOST}:0", "--local-directory", "scratch",
                                       "--death-timeout", "60"])
        from distributed import Client

        with Client(self.address, timeout="30s", set_as_default=False) as client:
            try:
                client.wait_for_workers(workers, timeout=PATIENCE)
            except TimeoutError:
                pytest.fail(f"the workers did not join the scheduler\n{self.logs()}")

    def worker(self, i: int) -> subprocess.Popen[bytes]:
        return dict(self.procs)[f"worker{i}"]

    def stop(self) -> None:
        """Workers first, then the scheduler (a worker whose scheduler is gone can hang while it
        closes): SIGTERM to each process group, SIGKILL to what is left after 5 s; all reaped."""
        workers = [proc for name, proc in self.procs if name != "scheduler"]
        for group in (workers, [proc for name, proc in self.procs if name == "scheduler"]):
            for proc in group:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
            deadline = time.monotonic() + 5.0
            for proc in group:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(max(0.1, deadline - time.monotonic()))
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)  # the group too: whatever the process started
                proc.wait()


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cluster-sweep")
    (d / "ring.yaml").write_text(SCENARIO)
    return d


@pytest.fixture(scope="module")
def cluster(work: Path) -> Iterator[Cluster]:
    c = Cluster(work)
    try:
        c.start(workers=2)
        yield c
    finally:
        c.stop()


def sweep_command(out: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "netsim", "sweep", "ring.yaml", *GRID, "--out", out, *extra]


def run_sweep(work: Path, out: str, *extra: str) -> str:
    """Run one sweep to completion through the command line; its standard output."""
    proc = subprocess.run(sweep_command(out, *extra), cwd=work, env=environment(work / "dask-config"),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=PATIENCE, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture(scope="module")
def local(work: Path) -> str:
    """The reference: the same sweep on two local worker processes (``-j 2``)."""
    return run_sweep(work, "local", "-j", "2")


def run_lines(out: Path) -> list[str]:
    """``runs.jsonl``'s lines sorted by run key (runs finish in any order), each without its
    wall time (the only field that depends on the machine), otherwise byte for byte."""
    lines = (out / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    keyed = []
    for line in lines:
        stripped, n = _WALL.subn("}}", line)
        assert n == 1, f"a run line without its wall time at the end: {line[-120:]}"
        keyed.append((json.loads(line)["run"]["key"], stripped))
    keys = [k for k, _line in keyed]
    assert len(set(keys)) == len(keys), "a run is written twice"
    return [line for _k, line in sorted(keyed)]


def summary_lines(out: Path) -> list[str]:
    """``summary.csv`` (sorted by the sweep) without its wall-time column."""
    rows = list(csv.reader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8"))))
    drop = rows[0].index("wall_s")
    return [",".join(c for i, c in enumerate(row) if i != drop) for row in rows]


def table(stdout: str) -> str:
    """The summary table the sweep prints (everything before the closing count)."""
    return stdout.split("\n\n")[0]


def assert_same_results(work: Path, out: str, local_stdout: str, stdout: str) -> None:
    expected = run_lines(work / "local")
    assert len(expected) == RUNS
    got = run_lines(work / out)
    assert len(got) == RUNS, f"{RUNS - len(got)} runs lost"
    for a, b in zip(got, expected, strict=True):
        assert a == b
    assert summary_lines(work / out) == summary_lines(work / "local")
    assert table(stdout) == table(local_stdout)
    assert f"{RUNS} runs planned, 0 already done, {RUNS} run now" in stdout


def test_a_sweep_on_a_real_cluster_equals_a_local_one(work: Path, cluster: Cluster, local: str) -> None:
    stdout = run_sweep(work, "cluster", "--scheduler", cluster.address)
    assert_same_results(work, "cluster", local, stdout)


def test_a_worker_killed_mid_sweep_loses_and_duplicates_nothing(work: Path, cluster: Cluster, local: str) -> None:
    log = work / "killed" / "runs.jsonl"

    def logged() -> int:
        try:
            return log.read_bytes().count(b"\n")
        except FileNotFoundError:
            return 0

    with open(work / "killed.err", "wb") as err:
        sweep = subprocess.Popen(sweep_command("killed", "--scheduler", cluster.address), cwd=work,
                                 env=environment(work / "dask-config"), stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=err, preexec_fn=_own_session_dying_with_parent)
    try:
        assert wait_for(lambda: logged() >= 4 or sweep.poll() is not None, PATIENCE, every=0.01)
        running = sweep.poll() is None
        before = logged()
        victim = cluster.worker(0)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
        assert running and before < RUNS, f"the sweep ended before the worker was killed ({before} runs logged)"
        stdout, _ = sweep.communicate(timeout=PATIENCE)
        assert sweep.returncode == 0, (work / "killed.err").read_text()[-3000:]
    finally:
        if sweep.poll() is None:
            os.killpg(sweep.pid, signal.SIGKILL)
            sweep.wait()
    assert logged() > before, "no run finished after the kill"
    removed = re.compile(r"Remove worker .* name: worker0\b")
    assert wait_for(lambda: removed.search((work / "scheduler.log").read_text(errors="replace")) is not None, 10), \
        f"the scheduler never noticed the lost worker\n{cluster.logs()}"
    assert_same_results(work, "killed", local, stdout.decode())
