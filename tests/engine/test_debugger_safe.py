"""A run under a debugger or profiler gives the same results as without one.

Why: debuggers (pdb, an IDE's) and profilers read the local variables of the frames they see, or
hold the frames themselves (a sampler, such as the profiler of every Dask worker), and in CPython
either keeps a frame's locals alive past a ``del`` or past the function's return.  The message
log is made of arrays that cannot be resized while a numpy view of them lives; a view left in
such a frame made link-state runs fail with ``BufferError: cannot resize an array that is
exporting buffers`` when stopped in a debugger, profiled with pyinstrument, or run on a Dask
worker.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import pytest

from netsim.api import parse_scenario, run_protocols
from netsim.output import report

SCENARIO = """\
name: debugged
topology: {generator: {kind: grid, rows: 3, cols: 3}}
duration: 14
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4, warm_start: WARM}
events:
  - {at: 6, link_down: [r1, r2]}
  - {at: 9, link_up: [r1, r2]}
"""


@contextmanager
def frames_watched(how: str) -> Iterator[None]:
    """What a debugger stepping through (``locals``: every frame's locals read) or a sampling
    profiler (``frames``: the latest frames held a while after they return) does."""
    held: deque[FrameType] = deque(maxlen=200)

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        if how == "locals":
            frame.f_locals  # noqa: B018 -- the read is the point: it pins the frame's locals
        else:
            held.append(frame)

    sys.setprofile(hook)
    try:
        yield
    finally:
        sys.setprofile(None)
        held.clear()


@pytest.mark.parametrize("how", ["locals", "frames"])
@pytest.mark.parametrize("warm", ["false", "true"])
def test_a_run_watched_by_a_debugger_or_profiler_gives_the_same_results(warm: str, how: str) -> None:
    scenario = parse_scenario(SCENARIO.replace("WARM", warm))
    plain = report.dumps(run_protocols(scenario, check_work=False))
    with frames_watched(how):
        watched = run_protocols(scenario, check_work=False)
    assert report.dumps(watched) == plain
