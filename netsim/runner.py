"""Running one scenario with one protocol: build the network, play the events, stop when quiet.

When the scenario gives no ``duration``, the run lasts until the protocol has been quiet (no
FIB change) for its quiet period after the last event; the quiet period comes from the
protocol's own timers (e.g. RIP's timeout + garbage collection + two updates), so a slow
protocol is never cut off before it could have converged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from netsim.analysis.metrics import RunMetrics, analyze
from netsim.engine.bfd import install_bfd
from netsim.engine.network import Network
from netsim.errors import NetsimError
from netsim.protocols import PROTOCOLS, canonical_name, validate_options
from netsim.scenario.faults import bfd_for_links, loss_timeline
from netsim.scenario.loader import EventSpec, Scenario
from netsim.trace import ScriptedEvent, Trace

#: Never simulate more than this beyond the last event when waiting for quiet.
MAX_SETTLE = 3600.0


@dataclass(frozen=True)
class RunResult:
    scenario: Scenario
    protocol: str
    seed: int
    options: dict[str, Any]
    trace: Trace
    metrics: RunMetrics
    #: Probe-traffic figures (:class:`netsim.analysis.dataplane.DataPlane`) when the scenario has ``flows``.
    dataplane: Any = None


def resolve_protocol(scenario: Scenario, name: str, overrides: Mapping[str, Any] | None = None
                     ) -> tuple[str, dict[str, Any]]:
    """Canonical protocol name and its options (the scenario's, then ``overrides``)."""
    canon = canonical_name(name)
    if canon is None:
        raise NetsimError(f"unknown protocol {name!r} (known: {', '.join(sorted(PROTOCOLS))})")
    base = scenario.protocols.get(canon) or PROTOCOLS[canon].defaults()
    if overrides:
        opts, err = validate_options(PROTOCOLS[canon], {**base, **overrides})
        if err:
            raise NetsimError(f"{canon}.{err}")
        return canon, opts
    return canon, dict(base)


def simulate(scenario: Scenario, protocol: str, *, seed: int | None = None,
             options: Mapping[str, Any] | None = None, narrate: bool = True,
             until: float | None = None, min_end: float | None = None,
             progress: Callable[[float, float], None] | None = None) -> RunResult:
    """Run ``scenario`` with ``protocol``; return the trace and its metrics.

    ``until`` stops early (used by ``netsim table --at``); ``progress(now, end)`` is called
    between chunks of simulated time for progress bars.
    """
    name, opts = resolve_protocol(scenario, protocol, options)
    seed = scenario.seed if seed is None else seed
    cls = PROTOCOLS[name]
    net = Network(scenario.graph, cls, opts, seed, narrate=narrate)
    install_bfd(net, bfd_for_links(scenario.graph, scenario.bfd))
    net.start()
    for ev in scenario.events:
        _schedule(net, ev)
    last = max((ev.end_time for ev in scenario.events), default=0.0)
    if scenario.duration is not None:
        end = scenario.duration
    else:
        quiet = cls.quiet_period(opts)
        end = last + quiet
    if min_end is not None and scenario.duration is None:
        end = max(end, min_end)
    if until is not None:
        end = min(end, until)
    _run_chunks(net, end, progress)
    if scenario.duration is None and until is None:
        quiet = cls.quiet_period(opts)
        while net.trace.route_changes:
            target = min(net.trace.route_changes[-1].time + quiet, last + MAX_SETTLE)
            if target <= net.env.now:
                break
            _run_chunks(net, target, progress)
    net.trace.end_time = float(net.env.now)
    metrics = analyze(net.trace, scenario.graph)
    plane = None
    if scenario.flows is not None and until is None:
        from netsim.analysis.dataplane import run_flows

        plane = run_flows(net.trace, scenario.graph, scenario.flows, seed,
                          loss=loss_timeline(scenario.graph, scenario.events))
    return RunResult(scenario, name, seed, opts, net.trace, metrics, plane)


def _run_chunks(net: Network, end: float, progress: Callable[[float, float], None] | None) -> None:
    if progress is None:
        net.run(end)
        return
    step = max(end / 100.0, 1e-3)
    while net.env.now < end:
        net.run(min(end, net.env.now + step))
        progress(net.env.now, end)


def _schedule(net: Network, ev: EventSpec) -> None:
    """Turn one scenario event into timed network actions."""
    i = ev.index
    record = ScriptedEvent(i, ev.time, ev.kind, ev.target, ev.describe())
    net.at(ev.time, net.scripted, record)
    if ev.links:  # a shared-risk group: every link changes at the same instant
        for a, b in ev.links:
            if ev.kind == "link_up":
                net.at(ev.time, lambda a=a, b=b: net.link_up(a, b, carrier_delay=ev.carrier_delay, event=i))
            else:
                net.at(ev.time, lambda a=a, b=b: net.link_down(a, b, silent=ev.silent,
                                                               carrier_delay=ev.carrier_delay, event=i))
    elif ev.kind == "set_loss":
        assert ev.loss is not None
        loss = dict(ev.loss)
        net.at(ev.time, lambda: net.set_loss(*ev.target, loss))
    elif ev.kind == "link_down":
        net.at(ev.time, lambda: net.link_down(*ev.target, silent=ev.silent, carrier_delay=ev.carrier_delay,
                                              event=i))
    elif ev.kind == "link_up":
        net.at(ev.time, lambda: net.link_up(*ev.target, carrier_delay=ev.carrier_delay, event=i))
    elif ev.kind == "node_down":
        net.at(ev.time, lambda: net.node_down(ev.target[0], event=i))
    elif ev.kind == "node_up":
        net.at(ev.time, lambda: net.node_up(ev.target[0], event=i))
    elif ev.kind == "set_cost":
        assert ev.cost is not None
        cost = ev.cost
        net.at(ev.time, lambda: net.set_cost(*ev.target, cost, event=i))
    elif ev.kind == "flap":
        assert ev.count is not None and ev.period is not None and ev.down_time is not None
        for k in range(ev.count):
            t = ev.time + k * ev.period
            net.at(t, lambda: net.link_down(*ev.target, silent=ev.silent, carrier_delay=ev.carrier_delay,
                                            event=i))
            net.at(t + ev.down_time, lambda: net.link_up(*ev.target, carrier_delay=ev.carrier_delay, event=i))
    else:  # pragma: no cover - the scenario validator only lets known kinds through
        raise NetsimError(f"unknown event kind {ev.kind}")
