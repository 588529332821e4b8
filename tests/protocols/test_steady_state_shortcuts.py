"""The steady-state shortcuts change nothing: every shipped scenario that runs a protocol with
shortcuts gives byte-identical results JSON with them switched off.

Why a test: a shortcut skips work on the assumption that nothing changed; if a code path that
changes a table forgot to say so, a run would silently diverge.  Comparing the whole JSON (FIB
changes, messages, every metric) of real scenarios catches that.

Link-state hellos in steady state are periodic streams of the engine (``LinkState.quiet_hellos``,
:mod:`netsim.engine.periodic`): the shipped link-state scenarios run cold and from a warm start,
and a few hand-built ones add what the shipped ones lack around a streaming link: loss on one
direction only, jitter on some links, BFD, loss and attribute changes, a carrier delay, per-interface
timers.  The whole trace is compared too (every message row in order, every FIB change and
decision), which is stricter than the JSON.

EIGRP ends an input that DUAL answers with "nothing changes" at once (``Eigrp.unchanged_shortcut``):
its shipped scenarios run with and without, and two hand-built ones add churn around it (loss,
interface metric changes, a crash, a silent failure, a flap) and unequal-cost load sharing, where
the shortcut must not be taken.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from call_counts import count_calls

from netsim.api import Scenario, load_scenario, parse_scenario, run_protocols, simulate
from netsim.output import report
from netsim.protocols.distvector.protocol import DistanceVector
from netsim.protocols.eigrp.protocol import Eigrp
from netsim.protocols.linkstate.protocol import LinkState
from netsim.trace import Trace

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: Shortcut switches: (class, attribute).
SWITCHES = ((DistanceVector, "steady_state_shortcuts"), (DistanceVector, "quiet_updates"), (LinkState, "quiet_hellos"),
            (Eigrp, "unchanged_shortcut"))
#: Protocols with a shortcut.
SHORTCUT_PROTOCOLS = ("distvector", "linkstate", "eigrp")

#: What breaks a stream, played by the hand-built scenarios below at times of their own.
BREAKER_EVENTS = ("set_loss: [r2, r3], loss: [0.5, 0]", "set_loss: [r2, r3], loss: 0",
                  "link_down: [r2, r5], silent: true", "link_up: [r2, r5]", "set_cost: [r6, r1], cost: 4",
                  "set_link: [r4, r5], bandwidth: 1000", "link_down: [r5, r6], silent: true", "link_up: [r5, r6]",
                  "node_down: r4", "node_up: r4", "flap: [r2, r3], period: 3, count: 4, down_time: 1",
                  "link_down: [r3, r6]", "link_up: [r3, r6]", "srlg: [[r1, r2], [r6, r1]]")

#: The links they run on: loss on one direction of r1-r2, jitter on r3-r4, BFD on r5-r6, a slower
#: link and a dearer one.
BREAKER_LINKS = """\
    - {a: r1, b: r2, loss: [0.3, 0]}
    - [r2, r3]
    - {a: r3, b: r4, jitter: 0.003}
    - [r4, r5]
    - {a: r5, b: r6, bfd: {interval: 0.1, multiplier: 3}}
    - [r6, r1]
    - {a: r2, b: r5, cost: 2, delay: 0.004}
    - [r3, r6, 3]
"""


def _breaker_events(*times: float) -> str:
    """The ``events:`` block that plays :data:`BREAKER_EVENTS` at ``times``."""
    return "events:\n" + "".join(f"  - {{at: {t}, {e}}}\n" for t, e in zip(times, BREAKER_EVENTS, strict=True))


#: Around streaming links: loss on one direction of r1-r2 (the other streams), jitter on r3-r4, BFD
#: on r5-r6, loss switched on and off, a set_link and a cost change on streaming links, a silent
#: failure at a fractional time, a crash, a flap, a carrier delay, a slower interface.
STREAM_BREAKERS = """
name: stream-breakers
seed: 7
duration: 200
carrier_delay: 0.02
topology:
  links:
""" + BREAKER_LINKS + """routers:
  r6: {interfaces: {r3: {linkstate: {hello_interval: 2, dead_interval: 7}}}}
  r3: {interfaces: {r6: {linkstate: {hello_interval: 2, dead_interval: 7}}}}
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4, min_ls_interval: 1}
""" + _breaker_events(20, 35, 40.37, 55, 60.5, 70, 80, 95, 100.25, 112, 130, 160, 170.75, 180)

#: Quiet RIP updates (``DistanceVector.quiet_updates``) around what must break them: loss on one
#: direction, jitter, BFD, a cost change, interface attributes, silent failures (route timeouts and
#: garbage collection while neighbours stay quiet), a crash and a restart, a flap, a carrier delay,
#: a shared risk group, poisoned reverse, hold-down and flap damping, and no update jitter.
RIP_BREAKERS = """
name: rip-breakers
seed: 11
duration: 400
carrier_delay: 0.02
topology:
  links:
""" + BREAKER_LINKS + """    - [r6, r7]
    - [r7, r8]
    - [r8, r4]
protocols:
  distvector: {update_interval: 5, timeout: 15, garbage: 10, split_horizon: poison, holddown: 4,
               damping: true, damping_half_life: 30, damping_max_suppress: 120}
""" + _breaker_events(40, 55, 60.37, 95, 110.5, 120, 140, 175, 200.25, 230, 260, 300, 320.75, 350)

#: The same without jitter on the update timer (random phases only) and with simple split horizon.
RIP_NO_JITTER = RIP_BREAKERS.replace("name: rip-breakers", "name: rip-no-jitter").replace(
    "split_horizon: poison, holddown: 4,\n               damping: true, damping_half_life: 30, "
    "damping_max_suppress: 120", "update_jitter: 0")

#: EIGRP inputs that change nothing end early (``Eigrp.unchanged_shortcut``): around them a cold
#: start on a meshed graph, a lossy link (retransmissions), new bandwidth and delay on interfaces,
#: a crash and a restart, a silent failure (hold timer), and a flap.
EIGRP_CHURN = """
name: eigrp-churn
seed: 3
duration: 120
topology:
  generator: {kind: barabasi_albert, n: 40, m: 3, seed: 5}
protocols:
  eigrp: {hello_interval: 1, hold_time: 3}
events:
  - {at: 15, set_loss: [r1, r2], loss: 0.2}
  - {at: 20, link_down: [r1, r3]}
  - {at: 30, set_link: [r1, r4], bandwidth: 10000}
  - {at: 35, set_link: [r2, r5], eigrp_delay: 5000}
  - {at: 40, node_down: r6}
  - {at: 55, node_up: r6}
  - {at: 70.5, link_down: [r2, r3], silent: true}
  - {at: 80, link_up: [r1, r3]}
  - {at: 90, flap: [r1, r4], period: 2, count: 3, down_time: 0.5}
"""
#: Unequal-cost load sharing: there a neighbour that is no better can still enter the FIB, so
#: the shortcut must not be taken.
EIGRP_VARIANCE = """
name: eigrp-variance
seed: 2
duration: 80
topology:
  links:
    - {a: r1, b: r2, bandwidth: 100000}
    - {a: r1, b: r3, eigrp_delay: 300}
    - {a: r2, b: r4}
    - {a: r3, b: r4, bandwidth: 100000}
    - {a: r3, b: r5, eigrp_delay: 200}
    - {a: r4, b: r6}
    - {a: r5, b: r6, bandwidth: 100000}
    - {a: r2, b: r5, eigrp_delay: 500}
    - {a: r6, b: r7}
    - {a: r5, b: r7, eigrp_delay: 150}
    - {a: r1, b: r7, bandwidth: 10000}
protocols:
  eigrp: {hello_interval: 1, hold_time: 3, variance: 3}
events:
  - {at: 20, link_down: [r3, r5]}
  - {at: 30, set_link: [r2, r4], bandwidth: 100000}
  - {at: 40, node_down: r4}
  - {at: 50, node_up: r4}
  - {at: 60, link_up: [r3, r5]}
"""
#: Hand-built scenarios: name -> (YAML, protocol).
HAND_BUILT = {"stream-breakers": (STREAM_BREAKERS, "linkstate"), "eigrp-churn": (EIGRP_CHURN, "eigrp"),
              "eigrp-variance": (EIGRP_VARIANCE, "eigrp"), "rip-breakers": (RIP_BREAKERS, "distvector"),
              "rip-no-jitter": (RIP_NO_JITTER, "distvector")}


def _warm_start_applies(sc: Scenario) -> bool:
    return not any(sc.graph.nodes[n].get("prefixes") for n in sc.graph.nodes)


def _cases() -> list[Any]:
    """Every shipped scenario (and its validation scenarios) with each protocol that has a shortcut;
    link-state also from a warm start; then the hand-built ones."""
    out = []
    paths = sorted(SCENARIOS.glob("*.yaml")) + sorted((SCENARIOS / "validate").glob("*.yaml"))
    for path in paths:
        name = str(path.relative_to(SCENARIOS))
        sc = load_scenario(path)
        for p in sc.protocols:
            if p not in SHORTCUT_PROTOCOLS:
                continue
            out.append(pytest.param(name, p, None, id=f"{name}-{p}"))
            if p == "linkstate" and _warm_start_applies(sc):
                out.append(pytest.param(name, p, {"warm_start": True}, id=f"{name}-{p}-warm"))
    for name, (_text, p) in HAND_BUILT.items():
        out.append(pytest.param(name, p, None, id=f"{name}-{p}"))
        if p == "linkstate":
            out.append(pytest.param(name, p, {"warm_start": True}, id=f"{name}-{p}-warm"))
    return out


def _scenario(name: str) -> Scenario:
    if name in HAND_BUILT:
        return parse_scenario(HAND_BUILT[name][0])
    return load_scenario(SCENARIOS / name)


def _run(sc: Scenario, protocol: str, options: dict[str, Any] | None) -> tuple[str, Trace]:
    if options is None:
        results = run_protocols(sc, [protocol], check_work=False)
    else:
        results = [simulate(sc, protocol, options=options, check_work=False)]
    return report.dumps(results), results[0].trace


def _trace_rows(trace: Trace) -> tuple[Any, ...]:
    """Every message row (columns as bytes: order and exact floats count), FIB change and decision."""
    m = trace.messages
    cols = tuple(bytes(c) for c in (m.times, m.sizes, m.counts, m.src, m.dst, m.kinds, m.arrivals))
    return cols, tuple(m.kind_names), tuple(trace.route_changes), tuple(trace.decisions)


@pytest.mark.parametrize(("name", "protocol", "options"), _cases())
def test_results_are_identical_without_the_shortcuts(name: str, protocol: str, options: dict[str, Any] | None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    sc = _scenario(name)
    fast, fast_trace = _run(sc, protocol, options)
    for cls, attr in SWITCHES:
        monkeypatch.setattr(cls, attr, False)
    plain, plain_trace = _run(sc, protocol, options)
    assert fast == plain
    assert _trace_rows(fast_trace) == _trace_rows(plain_trace)


def test_the_shortcuts_are_taken() -> None:
    """A quiet RIP network answers most periodic updates through the shortcut (else the test
    above would prove nothing): the full path, which remembers a vector for the shortcut,
    runs for under a third of the messages."""
    sc = load_scenario(SCENARIOS / "demo.yaml")
    taken = 0  # full applications that changed nothing
    original = DistanceVector._refreshed_by

    def counting(self: DistanceVector, *args: Any) -> list:
        nonlocal taken
        taken += 1
        return original(self, *args)

    DistanceVector._refreshed_by = counting  # type: ignore[method-assign]
    try:
        res = run_protocols(sc, ["distvector"], check_work=False)[0]
    finally:
        DistanceVector._refreshed_by = original  # type: ignore[method-assign]
    full_updates = res.metrics.messages_total
    assert 0 < taken < full_updates / 3


def test_the_eigrp_shortcut_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many EIGRP inputs change nothing (else the equality test above would prove nothing)."""
    from netsim.protocols.eigrp import dual

    counts = {"inputs": 0, "unchanged": 0}
    original = dual.step

    def counting(*args: Any, **kwargs: Any) -> dual.Effects:
        effects = original(*args, **kwargs)
        counts["inputs"] += 1
        counts["unchanged"] += effects is dual.UNCHANGED
        return effects

    monkeypatch.setattr(dual, "step", counting)
    simulate(parse_scenario(EIGRP_CHURN), "eigrp", check_work=False)
    assert counts["unchanged"] > 0.3 * counts["inputs"] > 1000


QUIET = """
topology: {generator: {kind: grid, rows: 3, cols: 4}}
duration: 120
protocols: {linkstate: {hello_interval: 1, dead_interval: 4, warm_start: true}}
"""


def _events_and_hellos(quiet: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, int]:
    """(SimPy events scheduled, hello ticks and deliveries handled, hellos sent) in a quiet
    warm-started run."""
    from netsim.engine import clock
    from netsim.protocols.common.timer_phase import InterfaceTicker

    monkeypatch.setattr(LinkState, "quiet_hellos", quiet)
    counts = {"events": 0, "hello events": 0}
    count_calls(monkeypatch, counts, clock.Timer, "__init__", "events")
    count_calls(monkeypatch, counts, InterfaceTicker, "_tick", "hello events")
    count_calls(monkeypatch, counts, LinkState, "_on_hello", "hello events")
    trace = simulate(parse_scenario(QUIET), "linkstate", check_work=False).trace
    hello = trace.messages.kind_names.index("hello")
    return counts["events"], counts["hello events"], sum(1 for k in trace.messages.kinds if k == hello)


def test_quiet_hellos_make_almost_no_events(monkeypatch: pytest.MonkeyPatch) -> None:
    """A quiet network's hellos are streams (else the equality tests would prove nothing): the plain
    path makes two events per hello (tick, delivery); with streams a tick and a delivery happen
    only when a stream forms, and what is left is the dead check, about one per neighbour every
    dead - hello seconds."""
    events, hello_events, hellos = _events_and_hellos(True, monkeypatch)
    plain_events, plain_hello_events, plain_hellos = _events_and_hellos(False, monkeypatch)
    assert hellos == plain_hellos > 2000
    assert plain_events > plain_hello_events >= 2 * hellos - 100
    assert hello_events < 0.05 * hellos
    assert events < 0.4 * hellos


SILENT = """
topology: {generator: {kind: ring, n: 6}}
duration: 40
protocols: {linkstate: {hello_interval: 1, dead_interval: 4}}
events: [{at: 23.4567, link_down: [r3, r4], silent: true}]
"""


def _detections(quiet: bool, seed: int, monkeypatch: pytest.MonkeyPatch) -> tuple[list[tuple[Any, ...]], int]:
    """Every (time, router, neighbour, silence) at which the dead interval ran out, and how many
    hello streams were running just before the failure."""
    from netsim.engine.network import Network

    monkeypatch.setattr(LinkState, "quiet_hellos", quiet)
    streams = 0
    original = Network.link_down

    def link_down(self: Network, *args: Any, **kwargs: Any) -> None:
        nonlocal streams
        streams = len(self.streams)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Network, "link_down", link_down)
    trace = simulate(parse_scenario(SILENT), "linkstate", seed=seed, check_work=False).trace
    out = [(d.time, d.router, d.note.neighbor, d.note.silent_for) for d in trace.decisions
           if d.kind == "adjacency" and getattr(d.note, "event", "") == "InactivityTimer"]
    return out, streams


@pytest.mark.parametrize("seed", range(4))
def test_a_silent_failure_is_detected_at_the_same_instant(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both ends of the failed link declare the neighbour dead at the same float time and after
    the same silence, whether the hellos before the failure were streams or events."""
    fast, streams = _detections(True, seed, monkeypatch)
    plain, no_streams = _detections(False, seed, monkeypatch)
    assert streams == 12 and no_streams == 0  # every direction of the ring was streaming
    assert sorted(r for _t, r, _n, _s in fast) == ["r3", "r4"]
    assert all(23.4567 + 3 < t <= 23.4567 + 4.01 for t, *_ in fast)
    assert fast == plain


def test_a_run_in_progress_steps_logs_every_hello(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a progress callback the run goes in a hundred steps and streams are flushed once, at
    the end: the same results and trace as one step, and as the plain path in steps."""
    sc = parse_scenario(STREAM_BREAKERS)
    steps: list[float] = []
    stepped = simulate(sc, "linkstate", progress=lambda now, end: steps.append(now), check_work=False)
    whole = simulate(sc, "linkstate", check_work=False)
    assert len(steps) >= 100
    assert report.dumps([stepped]) == report.dumps([whole])
    assert _trace_rows(stepped.trace) == _trace_rows(whole.trace)
    monkeypatch.setattr(LinkState, "quiet_hellos", False)
    plain = simulate(sc, "linkstate", progress=lambda now, end: None, check_work=False)
    assert _trace_rows(stepped.trace) == _trace_rows(plain.trace)
