"""Workers of ``sweep -j 2`` die with their parent: SIGTERM to the parent ends them at once, and
even SIGKILL (no cleanup possible in the parent) leaves none running for more than a moment."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")

#: Each run takes several seconds (a link flapping 3,000 times under link state).
SLOW = """\
topology: {generator: {kind: ring, n: 10}}
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4}
events:
  - {at: 30, flap: [r1, r2], period: 2, count: 3000}
"""
NETSIM = Path(sys.executable).parent / "netsim"


def children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def running(pid: int) -> bool:
    """Alive and not a zombie (a dead child waiting to be reaped holds nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_for(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_workers_die_with_their_parent(tmp_path: Path, sig: int) -> None:
    (tmp_path / "slow.yaml").write_text(SLOW)
    parent = subprocess.Popen([str(NETSIM), "sweep", "slow.yaml", "--seeds", "0-3", "-j", "2", "--out", "o"],
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    workers: list[int] = []
    try:
        assert wait_for(lambda: len(children(parent.pid)) >= 2, 60), "the workers never started"
        workers += children(parent.pid)
        time.sleep(1.0)  # let them get into their runs
        assert all(running(w) for w in workers)
        os.kill(parent.pid, sig)
        parent.wait(timeout=30)
        assert wait_for(lambda: not any(running(w) for w in workers), 5), "workers outlived their parent"
        if sig == signal.SIGTERM:
            assert parent.returncode == 143
            assert parent.stderr is not None and "terminated" in parent.stderr.read()
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for w in workers:  # never leave this test's own processes behind, even when it fails
            if running(w):
                os.kill(w, signal.SIGKILL)
