"""The cycle collector is off while the engine runs and as it was afterwards; results are the
same with it on (it frees nothing a run could observe)."""

from __future__ import annotations

import gc

import pytest

from netsim.engine import collector
from netsim.engine.collector import collector_paused
from netsim.output import report
from netsim.runner import simulate
from netsim.scenario.loader import parse_scenario

SCENARIO = """
topology: {generator: {kind: grid, rows: 3, cols: 3}}
duration: 60
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4}
events:
  - {at: 20, link_down: [r1, r2]}
  - {at: 30, node_down: r5}
  - {at: 40, node_up: r5}
"""


def test_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_caller_that_turned_it_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_results_do_not_depend_on_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    sc = parse_scenario(SCENARIO)
    paused = report.dumps([simulate(sc, "linkstate", seed=2)])
    monkeypatch.setattr(collector.gc, "disable", lambda: None)  # the collector then runs throughout
    running = report.dumps([simulate(sc, "linkstate", seed=2)])
    assert paused == running
