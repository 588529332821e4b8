"""A run sets the garbage collector aside while it builds and runs the network (the objects then
alive are the network itself) and leaves it as it found it, results unchanged."""

from __future__ import annotations

import gc

from netsim.output.report import dumps
from netsim.runner import simulate
from netsim.scenario.loader import parse_scenario

SCENARIO = """
topology: {generator: {kind: grid, rows: 3, cols: 3}}
duration: 30
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4, warm_start: true}
events:
  - {at: 10, link_down: [r2, r3]}
"""


def test_a_run_leaves_the_collector_as_it_found_it_and_does_not_depend_on_it() -> None:
    sc = parse_scenario(SCENARIO)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with_gc = dumps([simulate(sc, "linkstate")])
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        without = dumps([simulate(sc, "linkstate")])
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
    assert with_gc == without
