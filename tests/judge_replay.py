"""Replaying a trace through the observer's world and judge one instant at a time, as the
analysis does, for tests that check the judge's state after every instant."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netsim.analysis.replay import steps
from netsim.trace import Trace


def judged_steps(world: Any, judge: Any, trace: Trace) -> Iterator[Any]:
    """Apply each instant of ``trace`` after t=0 to ``world`` and ``judge`` (topology first, then
    route changes), yielding the step once the judge has caught up with it."""
    for step in steps(trace, initial=False):
        for tc in step.topology:
            world.apply_topology(tc)
        changed = set()
        for rc in step.routes:
            world.apply_route(rc)
            changed.add((rc.router, rc.dest))
        if step.topology:
            judge.topology_changed(changed)
        elif changed:
            judge.routes_changed(changed)
        yield step
