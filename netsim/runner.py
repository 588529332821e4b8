"""One scenario with one protocol: build the network, play the events, stop when quiet, analyse.

This is where the engine (which produces a trace) and the analysis (which reads it) meet; neither
knows the other.  When the scenario gives no ``duration``, the run lasts until the protocol has
been quiet (no FIB change) for its quiet period after the last event; the quiet period comes from
the protocol's own timers (e.g. RIP's timeout + garbage collection + two updates), so a slow
protocol is never cut off before it could have converged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from netsim.analysis.metrics import analyze
from netsim.analysis.oracle import ModelUnavailable, get_model
from netsim.analysis.result import RunResult
from netsim.engine.bfd import install_bfd
from netsim.engine.collector import between_runs, collector_paused
from netsim.engine.network import Network
from netsim.errors import NetsimError
from netsim.inputs import short
from netsim.protocols import PROTOCOLS, canonical_name, known_names
from netsim.scenario import workload
from netsim.scenario.config import protocol_setup
from netsim.scenario.faults import bfd_for_links, loss_timeline
from netsim.scenario.model import Scenario
from netsim.trace import ScriptedEvent

#: Never simulate more than this beyond the last event when waiting for quiet.
MAX_SETTLE = 3600.0

__all__ = ["MAX_SETTLE", "RunResult", "build_network", "check_run_arguments", "resolve_protocol", "run_until",
           "simulate"]


def resolve_protocol(scenario: Scenario, name: str, overrides: Mapping[str, Any] | None = None
                     ) -> tuple[str, dict[str, Any]]:
    """Canonical protocol name and its network-wide options (the scenario's, then ``overrides``),
    validated by the protocol (cross-option rules too)."""
    canon = canonical_name(name) if isinstance(name, str) else None
    if canon is None:
        raise NetsimError(f"unknown protocol {short(name)} (known: {', '.join(known_names())})")
    _cls, options, _configs = protocol_setup(scenario, canon, overrides)
    return canon, options


def build_network(scenario: Scenario, protocol: str, *, seed: int | None = None,
                  options: Mapping[str, Any] | None = None, narrate: bool = True) -> Network:
    """The network of ``scenario`` running ``protocol``, configured as :func:`simulate` would
    but not started and without events: for tests and notebooks that drive the engine by hand
    (``net.start()``, ``net.run(t)``, then look inside ``net.routers[r].protocol``)."""
    canon = check_run_arguments("build_network", scenario, protocol, seed)
    cls, _opts, configs = protocol_setup(scenario, canon, options)
    return Network(scenario.graph, cls, configs, scenario.seed if seed is None else seed, narrate=narrate)


def simulate(scenario: Scenario, protocol: str, *, seed: int | None = None,
             options: Mapping[str, Any] | None = None, narrate: bool = True,
             until: float | None = None, min_end: float | None = None,
             progress: Callable[[float, float], None] | None = None,
             on_network: Callable[[Network], None] | None = None, check_work: bool = True) -> RunResult:
    """Run ``scenario`` with ``protocol``; return the trace and its metrics.

    ``options`` override the scenario's protocol options (checked like the file's);
    ``until`` stops early (used by ``netsim table --at``); ``progress(now, end)`` is called
    between chunks of simulated time for progress bars; ``on_network(net)`` sees the network
    before it starts (packet capture attaches there).

    The work is estimated first (:mod:`netsim.scenario.workload`): a run far beyond what a
    machine can do is refused, and a large one too unless ``check_work=False`` (the command
    line's ``--yes``) says it is meant.
    """
    canon = check_run_arguments("simulate", scenario, protocol, seed)
    if options is not None and not isinstance(options, Mapping):
        raise NetsimError(f"simulate: options must be a mapping of option → value, got {type(options).__name__}")
    for label, value in (("until", until), ("min_end", min_end)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not math.isfinite(value) or value < 0):
            raise NetsimError(f"simulate: {label} must be a finite time >= 0, got {short(value)}")
    if not isinstance(narrate, bool):
        raise NetsimError(f"simulate: narrate must be true or false, got {short(narrate)}")
    for label, fn in (("progress", progress), ("on_network", on_network)):
        if fn is not None and not callable(fn):
            raise NetsimError(f"simulate: {label} must be a function, got {type(fn).__name__}")
    # Before the setup: a warm start's checkpoint alone is real work on a large network.
    workload.check([workload.estimate(scenario, canon, options, until=until)], confirmed=not check_work,
                   confirm_hint="call with check_work=False to run it anyway")
    between_runs.starting()  # what earlier runs of this process left behind: see netsim.engine.collector
    with collector_paused():  # set-up and run: see netsim.engine.collector
        cls, opts, configs = protocol_setup(scenario, canon, options)
        seed = scenario.seed if seed is None else seed
        net = Network(scenario.graph, cls, configs, seed, narrate=narrate)
        if on_network is not None:
            on_network(net)
        install_bfd(net, bfd_for_links(scenario.graph, scenario.bfd))
        net.start()
        for ev in scenario.events:
            ev.schedule(net, ScriptedEvent(ev.index, ev.time, ev.kind, ev.target, ev.describe()))
        last = max((ev.end_time for ev in scenario.events), default=0.0)
        quiet = cls.quiet_period(opts)
        end = scenario.duration if scenario.duration is not None else last + quiet
        if min_end is not None and scenario.duration is None:
            end = max(end, min_end)
        if until is not None:
            end = min(end, until)
        _run_chunks(net, end, progress)
        if scenario.duration is None and until is None:
            while net.trace.route_changes:
                target = min(net.trace.route_changes[-1].time + quiet, last + MAX_SETTLE)
                if target <= net.env.now:
                    break
                _run_chunks(net, target, progress)
    net.trace.end_time = float(net.env.now)
    plane = None
    if scenario.flows is not None and until is None:
        from netsim.analysis.dataplane import run_flows

        plane = run_flows(net.trace, scenario.graph, scenario.flows, seed,
                          loss=loss_timeline(scenario.graph, scenario.events))
    model, unjudged = None, None
    try:
        model = get_model(cls.correctness)(scenario.graph, opts)
    except ModelUnavailable as exc:  # outside what the model covers: every other figure still counts
        unjudged = str(exc)
    metrics = analyze(net.trace, scenario.graph, model=model, options=opts, protocol=canon, dataplane=plane,
                      unjudged=unjudged)
    # The network is dropped here unless a caller was handed it: taken apart, it is freed by
    # reference counting rather than left to the cyclic collector (see Network.dismantle).
    trace = net.dismantle() if on_network is None else net.trace
    return RunResult(scenario, canon, seed, opts, trace, metrics, plane, cls.correctness)


#: Run a little past ``--at`` so that changes at exactly that instant are in the trace
#: (the simulation clock stops *before* events scheduled at its end time).
_PAST = 1e-9


def run_until(scenario: Scenario, protocol: str, at: float, seed: int | None = None, *,
              check_work: bool = True) -> RunResult:
    """Simulate just far enough to know every FIB at ``at`` (no narration: it is not shown)."""
    if isinstance(at, bool) or not isinstance(at, (int, float)) or not (at >= 0) or at == float("inf"):
        raise NetsimError(f"--at {short(at)}: must be a finite time >= 0")
    return simulate(scenario, protocol, seed=seed, narrate=False, until=at + _PAST, check_work=check_work)


def check_run_arguments(caller: str, scenario: Any, protocol: Any, seed: Any) -> str:
    """The canonical protocol name, after refusing wrong argument types at the API boundary."""
    if not isinstance(scenario, Scenario):
        raise NetsimError(f"{caller}: expected a Scenario (from load_scenario), got {type(scenario).__name__}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63):
        raise NetsimError(f"{caller}: seed must be a whole number >= 0, got {short(seed)}")
    canon = canonical_name(protocol) if isinstance(protocol, str) else None
    if canon is None:
        raise NetsimError(f"unknown protocol {short(protocol)} (known: {', '.join(known_names())})")
    return canon


def _run_chunks(net: Network, end: float, progress: Callable[[float, float], None] | None) -> None:
    """Run to ``end``, reporting progress between steps; the trace is complete when it returns
    (periodic streams are flushed once, at the end: nothing reads the trace between steps)."""
    if progress is None:
        net.run(end)
        return
    step = max(end / 100.0, 1e-3)
    while net.env.now < end:
        net.run(min(end, net.env.now + step), flush=False)
        progress(net.env.now, end)
    net.flush()


def protocol_names() -> list[str]:
    return sorted(PROTOCOLS)
