"""A run under a debugger or profiler gives the same results as without one.

Why: debuggers (pdb, an IDE's) and sampling profilers read the local variables of the frames they
see, and in CPython that keeps every local alive as long as its frame, whatever ``del`` says.
The message log is made of arrays that cannot be resized while a numpy view of them lives; a
view left in such a frame made every link-state run stopped in a debugger, or profiled with
pyinstrument, fail with ``BufferError: cannot resize an array that is exporting buffers``.
"""

from __future__ import annotations

import sys
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
def locals_read_everywhere() -> Iterator[None]:
    """What a debugger stepping through, or a profiler sampling, does to every frame it meets."""

    def hook(frame: FrameType, event: str, arg: Any) -> None:
        frame.f_locals  # noqa: B018 -- the read is the point: it pins the frame's locals

    sys.setprofile(hook)
    try:
        yield
    finally:
        sys.setprofile(None)


@pytest.mark.parametrize("warm", ["false", "true"])
def test_a_run_whose_frames_a_debugger_reads_gives_the_same_results(warm: str) -> None:
    scenario = parse_scenario(SCENARIO.replace("WARM", warm))
    plain = report.dumps(run_protocols(scenario, check_work=False))
    with locals_read_everywhere():
        debugged = run_protocols(scenario, check_work=False)
    assert report.dumps(debugged) == plain
