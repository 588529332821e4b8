"""Shared helpers of the benchmark scripts: timing, memory, scenario building, tables.

Benchmarks print ratios measured side by side in one process run: the machine is shared and
noisy, so absolute seconds are indicative only.
"""

from __future__ import annotations

import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: Children run as on a user's machine: Python may write its bytecode caches (an environment
#: that forbids it would make every netsim start compile ~90 modules from source).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass(frozen=True)
class ChildRun:
    """One whole child process, measured from the outside as a user would time it."""

    wall: float
    cpu: float  # user + system seconds of the child and the descendants it waited for
    peak_mb: float  # its own peak RSS, not this process's
    stdout: str


def run_child(cmd: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
              keep_stdout: bool = True) -> ChildRun:
    """Run ``cmd`` to its end; a failure stops the benchmark with the command and its last words.

    ``wait4`` gives the child's own CPU and peak RSS; output goes through files, so a chatty
    child cannot block on a full pipe while we wait.  ``keep_stdout=False``: the child still
    writes its output to a file, but it is not read back (a results JSON can be gigabytes)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, cwd=cwd, env=CHILD_ENV if env is None else env)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{shlex.join(cmd)} failed ({proc.returncode}): {err.read().decode().strip()[-300:]}")
        stdout = out.read().decode() if keep_stdout else ""
        return ChildRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in header]] + [[_fmt(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(c: Any) -> str:
    if isinstance(c, float):
        return f"{c:.3g}" if abs(c) < 100 else f"{c:,.0f}"
    return str(c)
