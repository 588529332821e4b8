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


def test_what_a_paused_block_keeps_goes_to_the_oldest_generation_without_a_pass() -> None:
    """Left young, the objects a run keeps would all be walked by the first pass after it."""
    from netsim.engine.collector import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        kept = [[i] for i in range(1000)]  # lists: always tracked by the collector
    assert gc.isenabled() and gc.get_freeze_count() == 0
    young = {id(o) for o in gc.get_objects(generation=0)}
    assert not any(id(o) in young for o in kept)
    assert {id(o) for o in gc.get_objects(generation=2)} >= {id(o) for o in kept}


def test_a_pause_inside_a_pause_or_with_objects_frozen_changes_nothing() -> None:
    from netsim.engine.collector import collector_paused

    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block did not turn it back on
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            pass
        assert gc.get_freeze_count() == frozen  # the caller's freeze is left alone
    finally:
        gc.unfreeze()
