"""RIP's lazy refreshes and quiet sweeps change nothing.

With the steady-state shortcuts a receiver only records "the routes of this interface were
refreshed at t" for a vector it has seen before, writes ``expires`` when something is about to
read or overwrite it, and answers a sweep with nothing due from those per-interface times
(:meth:`DistanceVector._quiet_deadline`).  The tests pin that against the plain path:

* every router's table -- metric, next hop, ``expires``, ``gc_at`` as exact floats -- at many
  instants of runs that exercise each writer and reader of ``expires`` (changes, timeouts after a
  silent failure, garbage collection, a crash, a cost change, hold-down and damping, which turn
  the rx cache off, and prefixes a router originates);
* the results JSON and the whole trace (every message row, FIB change and decision, in order) of
  those runs, among them one with aligned timers and no jitter, where deliveries and sweeps meet
  at the same float instants and only the same event order gives the same run;
* that the shortcut is really taken (else the comparisons would prove nothing).
"""

from __future__ import annotations

from typing import Any

import pytest

from netsim.api import parse_scenario, run_protocols
from netsim.output import report
from netsim.protocols.distvector.protocol import DistanceVector
from netsim.runner import build_network
from netsim.trace import ScriptedEvent, Trace

#: Every writer and reader of ``expires``: new routes, changes, a silent failure (routes time out
#: in a sweep), garbage collection, a repair, a cost change, a crash and a restart, prefixes.
EVENTS = """
topology: {generator: {kind: grid, rows: 3, cols: 4}}
duration: 200
prefixes: {r1: [10.1.0.0/24], r12: [{prefix: 10.2.0.0/16, metric: 2}]}
protocols:
  distvector: {update_interval: 5, timeout: 15, garbage: 10, %s}
events:
  - {at: 30.25, link_down: [r6, r7], silent: true}
  - {at: 60, link_up: [r6, r7]}
  - {at: 80, set_cost: [r2, r3], cost: 3}
  - {at: 100, node_down: r8}
  - {at: 125, node_up: r8}
  - {at: 150, link_down: [r1, r2]}
"""
#: Name -> extra distance-vector options.
VARIANTS = {
    "simple": "split_horizon: simple",
    "poison": "split_horizon: poison",
    "aligned-no-jitter": "split_horizon: simple, timer_phase: aligned, update_jitter: 0",
    "holddown": "split_horizon: simple, holddown: 12",
    "damping": "split_horizon: poison, damping: true, damping_half_life: 20, damping_max_suppress: 60",
}


#: A dead end: r2's route to r3 stays unreachable until garbage collection (no neighbour offers
#: another), so the sweep that deletes it must see through the refresh times cached before.
LINE = """
topology: {generator: {kind: line, n: 4}}
duration: 120
protocols:
  distvector: {update_interval: 5, timeout: 15, garbage: 10, %s}
events:
  - {at: 40.5, link_down: [r2, r3]}
  - {at: 70, link_up: [r2, r3]}
  - {at: 90.125, link_down: [r3, r4], silent: true}
"""
VARIANTS.update({"line-simple": "split_horizon: simple", "line-poison": "split_horizon: poison",
                 "line-holddown-aligned": "split_horizon: simple, holddown: 7, timer_phase: aligned, update_jitter: 0"})


def _text(variant: str) -> str:
    return (LINE if variant.startswith("line-") else EVENTS) % VARIANTS[variant]


def _tables(shortcuts: bool, text: str, steps: list[float], monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every router's table (exact floats) at each of ``steps``, the events applied as a run does."""
    monkeypatch.setattr(DistanceVector, "steady_state_shortcuts", shortcuts)
    sc = parse_scenario(text)
    net = build_network(sc, "distvector")
    net.start()
    for ev in sc.events:
        ev.schedule(net, ScriptedEvent(ev.index, ev.time, ev.kind, ev.target, ev.describe()))
    out = []
    for t in steps:
        net.run(t)
        snap = {}
        for name, router in net.routers.items():
            proto = router.protocol
            if proto is None:
                continue
            snap[name] = {d: (r.metric, r.next_hop, r.expires, r.gc_at) for d, r in proto.table.items()}
        out.append((t, snap))
    return out


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_tables_hold_the_eager_paths_values_at_every_step(variant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = [0.5 + 3.7 * k for k in range(54)]  # every few seconds, off the update grid
    fast = _tables(True, _text(variant), steps, monkeypatch)
    plain = _tables(False, _text(variant), steps, monkeypatch)
    assert fast == plain
    assert any(snap for _t, snap in fast)


def _run(text: str, shortcuts: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Trace]:
    monkeypatch.setattr(DistanceVector, "steady_state_shortcuts", shortcuts)
    results = run_protocols(parse_scenario(text), ["distvector"], check_work=False)
    return report.dumps(results), results[0].trace


def _rows(trace: Trace) -> tuple[Any, ...]:
    m = trace.messages
    cols = tuple(bytes(c) for c in (m.times, m.sizes, m.counts, m.src, m.dst, m.kinds, m.arrivals))
    return cols, tuple(m.kind_names), tuple(trace.route_changes), tuple(trace.decisions)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_results_and_trace_are_those_of_the_plain_path(variant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, fast_trace = _run(_text(variant), True, monkeypatch)
    plain, plain_trace = _run(_text(variant), False, monkeypatch)
    assert fast == plain
    assert _rows(fast_trace) == _rows(plain_trace)


QUIET = """
topology: {generator: {kind: grid, rows: 4, cols: 4}}
duration: 300
protocols: {distvector: {update_interval: 5, timeout: 15, garbage: 10}}
"""


def test_quiet_sweeps_and_lazy_refreshes_are_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a quiet network almost every sweep is answered without a scan, and refreshes are
    written only now and then (at the scans and changes), not once per received vector."""
    counts = {"sweeps": 0, "quiet": 0, "recorded": 0, "written": 0}
    sweep, quiet_deadline = DistanceVector._sweep, DistanceVector._quiet_deadline
    write = DistanceVector._write_refreshes

    def counting_sweep(self: DistanceVector) -> None:
        counts["sweeps"] += 1
        sweep(self)

    def counting_deadline(self: DistanceVector, now: float) -> float | None:
        out = quiet_deadline(self, now)
        counts["quiet"] += out is not None
        return out

    def counting_write(self: DistanceVector) -> None:
        counts["recorded"] += len(self._unwritten)
        counts["written"] += sum(len(routes) for _e, routes in self._unwritten.values())
        write(self)

    monkeypatch.setattr(DistanceVector, "_sweep", counting_sweep)
    monkeypatch.setattr(DistanceVector, "_quiet_deadline", counting_deadline)
    monkeypatch.setattr(DistanceVector, "_write_refreshes", counting_write)
    res = run_protocols(parse_scenario(QUIET), ["distvector"], check_work=False)[0]
    vectors = res.metrics.messages_total
    assert counts["sweeps"] > 100 and counts["quiet"] > 0.8 * counts["sweeps"]
    assert counts["recorded"] < 0.2 * vectors
