"""A run sets the garbage collector aside while it builds and runs the network (the objects then
alive are the network itself) and leaves it as it found it, results unchanged."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import pytest

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


def test_a_finished_run_holds_its_trace_alone() -> None:
    """The dropped network and its routers no longer refer to the trace, so the trace is freed
    with the result, not whenever the cyclic collector next passes."""
    from netsim.engine.network import Network
    from netsim.engine.router import Router

    res = simulate(parse_scenario(SCENARIO), "linkstate")
    holders = {type(o) for o in gc.get_referrers(res.trace)}
    assert not holders & {Network, Router}
    assert res.trace.route_changes and res.metrics.events  # the result kept what it recorded

    handed: list[Network] = []
    res = simulate(parse_scenario(SCENARIO), "linkstate", on_network=handed.append)
    assert handed[0].trace is res.trace  # a caller handed the network keeps it whole


def test_a_dropped_network_is_freed_by_reference_counting_nearly_whole(monkeypatch) -> None:
    """Taken apart, a finished network leaves the cyclic collector a small fraction of what it
    left whole (the timers and a few objects per router)."""
    from netsim.engine.network import Network

    sc = parse_scenario(SCENARIO)

    def left_to_the_collector() -> int:
        gc.collect()
        gc.disable()  # nothing collected behind the count's back
        try:
            simulate(sc, "linkstate")
            return gc.collect()
        finally:
            gc.enable()

    dismantled = left_to_the_collector()
    monkeypatch.setattr(Network, "dismantle", lambda net: net.trace)  # dropped whole
    whole = left_to_the_collector()
    assert whole > 1_000 and dismantled < whole / 4, (dismantled, whole)


def test_runs_one_after_another_leave_no_growing_heap_of_dropped_networks(monkeypatch) -> None:
    """As the command line tunes it (a high first threshold), the collector alone left every
    dropped network in memory: the blocks allocated grew with each run without end."""
    import netsim.runner as runner
    from netsim.engine.collector import BetweenRuns

    sc = parse_scenario(SCENARIO)
    thresholds = gc.get_threshold()

    def growth(limit: int, runs: int) -> list[int]:
        monkeypatch.setattr(runner, "between_runs", BetweenRuns(limit=limit))
        gc.collect()
        start = sys.getallocatedblocks()
        out = []
        for _ in range(runs):
            simulate(sc, "linkstate")
            out.append(sys.getallocatedblocks() - start)
        return out

    gc.set_threshold(20_000, thresholds[1], thresholds[2])
    try:
        unbounded = growth(10**12, 6)
        bounded = growth(2_000, 12)
    finally:
        gc.set_threshold(*thresholds)
        gc.collect()
    per_run = (unbounded[-1] - unbounded[1]) / (len(unbounded) - 2)
    assert per_run > 200  # without the budget, every run leaves what is left of its network behind
    assert max(bounded) < 2_000 + 3 * per_run  # with it, what is left stays within the budget
    assert bounded[-1] < unbounded[-1]


def test_the_budget_collects_only_once_enough_was_allocated() -> None:
    from netsim.engine.collector import BetweenRuns

    budget = BetweenRuns(limit=50_000)
    assert not budget.starting()  # the first run: only the mark
    assert not budget.starting()  # nothing allocated since
    keep = [[i] for i in range(60_000)]
    assert budget.starting()
    assert not budget.starting()  # the mark moved to after the collection
    gc.disable()
    try:
        keep += [[i] for i in range(60_000)]
        assert not budget.starting()  # a caller that turned the collector off is obeyed
    finally:
        gc.enable()
    del keep


def test_the_budget_counts_large_objects_by_the_peak_memory() -> None:
    """Large objects are not small-object blocks: a dropped network's big dicts showed only in
    the process's memory."""
    from netsim.engine.collector import BetweenRuns, peak_memory

    statm = Path("/proc/self/statm")
    if not statm.exists():
        pytest.skip("needs /proc to know the memory in use now")
    budget = BetweenRuns(limit=10**12, limit_bytes=64 * 2**20)
    assert not budget.starting()
    resident = int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    big = bytearray(b"x") * (peak_memory() - resident + 96 * 2**20)  # written: the peak grows by 96 MB
    assert budget.starting()
    assert not budget.starting()
    del big
