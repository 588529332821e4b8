"""One measured run of real FRRouting routers: build, converge, break things on schedule, record.

Time axis: **t = 0 is the instant the lab started the first daemon**, so the routers' cold start
is in the trace and ``analyze`` reports it as the initial convergence.  The lab then waits for
the network to converge (every router has a route to every router it can reach, and no kernel
change for a quiet period that lets the SPF hold time or a RIP update pass) -- at least
``warmup`` seconds, at most ``max_warmup`` -- then a random fraction of a hello (or update)
interval (:func:`timer_period`), and starts the *measured phase*: each event is applied
``event.time`` seconds after that start.  The run ends ``settle`` seconds after the last
action.

Link delays: each direction of each link gets ``tc netem delay`` equal to the graph's ``delay``,
so real and simulated links agree; on a kernel without netem the links keep their veth latency
(tens of microseconds) and :attr:`FrrRun.delays_emulated` says so.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from netsim.errors import NetsimError
from netsim.files import atomic_write_text
from netsim.protocols.base import RouterConfig
from netsim.records import record
from netsim.scenario.events import Event
from netsim.topology.graph import Graph, connected_components
from netsim.trace import Trace
from netsim.validate.events import AppliedAction, apply_action, plan_actions
from netsim.validate.frr_config import PROTOCOL_DAEMON, daemon_configs, untranslated_options
from netsim.validate.lab import Lab
from netsim.validate.monitor import LabClock, Observations, RouteMonitor, ZebraRib
from netsim.validate.plan import LabPlan, new_run_prefix, plan_lab
from netsim.validate.prereq import check_prerequisites
from netsim.validate.trace_map import MappingStats, build_trace

#: Packets of the two protocols, for captures.
CAPTURE_FILTER = {"linkstate": "ip proto 89", "distvector": "udp port 520"}


@record
class FrrRun:
    """A lab run: the trace (for :func:`netsim.analysis.metrics.analyze`) and the raw observations behind it."""

    trace: Trace
    observations: Observations
    applied: tuple[AppliedAction, ...]
    #: Lab time at which the measured phase began (event offsets count from here).
    measure_start: float
    #: Lab time at which the network had converged after the cold start (None: did not).
    converged_at: float | None
    delays_emulated: bool
    silent_method: str | None
    mapping: MappingStats
    #: The wall-clock instant of lab time 0 (to line up captures and daemon logs).
    t0_wall: float
    #: The run prefix every namespace and directory of this run carried.
    prefix: str
    #: Where the run's configs, logs and captures were kept (``keep_dir``), else None.
    kept: Path | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def default_warmup(protocol: str, options: Mapping[str, Any]) -> tuple[float, float, float]:
    """(minimum warm-up, quiet period, maximum warm-up) in seconds for a protocol's timers.

    The quiet period must outlast what could still change routes or leave state behind: the
    SPF hold time (FRR resets its back-off only after a quiet hold period) and a dead interval for
    link state; one update interval (the last periodic updates) for RIP.
    """
    if protocol == "linkstate":
        quiet = max(float(options["spf_max_wait"]), float(options["hello_interval"])) + 1.0
        return quiet, quiet, 60.0 + 4 * float(options["dead_interval"])
    quiet = float(options["update_interval"]) + 1.0
    return quiet, quiet, 60.0 + 6 * float(options["update_interval"])


def timer_period(protocol: str, options: Mapping[str, Any]) -> float:
    """The period of the protocol's main periodic timer (hellos, regular updates).

    Why the measured phase starts at a random offset over one period: the warm-up ends a fixed
    quiet time after the last route change, and that change happened at some router's hello or
    update; events at whole seconds from there would fall at the same point of those timers in
    every run (measured: three runs of a silent failure all detected after 3.7 - 4.0 s).  Real
    failures happen at any point of a router's timers."""
    return float(options["hello_interval"] if protocol == "linkstate" else options["update_interval"])


def default_settle(protocol: str, options: Mapping[str, Any]) -> float:
    """Seconds to keep watching after the last action: long enough for the slowest reaction the
    protocol's timers allow (a dead interval, an LSA retransmission -- a newer LSA refused under
    MinLSArrival comes back only then, measured after repairs and restarts -- and the SPF hold;
    a RIP timeout plus an update)."""
    if protocol == "linkstate":
        return (float(options["dead_interval"]) + float(options["rxmt_interval"]) + float(options["spf_max_wait"])
                + 2.0)
    return float(options["timeout"]) + float(options["update_interval"]) + 2.0


def _expected_routes(graph: Graph) -> dict[str, set[str]]:
    """Every router's destinations in the initial topology (its connected component)."""
    out: dict[str, set[str]] = {}
    for comp in connected_components(graph):
        for r in comp:
            out[str(r)] = {str(x) for x in comp if x != r}
    return out


def _converged(plan: LabPlan, tables: Mapping[str, Mapping[str, tuple[str, ...]]],
               expected: Mapping[str, set[str]]) -> bool:
    for r in plan.routers:
        have = {plan.addressing.owner(p.split("/")[0]) for p, _ in tables.get(r.name, {}).items()
                if p.endswith("/32")}
        if not expected[r.name] <= have:
            return False
    return True


def run_frr(graph: Graph, protocol: str, options: Mapping[str, Any], events: Sequence[Event], *,
            router_configs: Mapping[str, RouterConfig] | None = None,
            warmup: float | None = None, duration: float | None = None, max_warmup: float | None = None,
            quiet: float | None = None, debug: bool = False, capture: bool = False,
            keep_dir: str | Path | None = None,
            progress: Callable[[str, float, float], None] | None = None) -> FrrRun:
    """Run ``graph`` on FRR with ``protocol`` (linkstate = ospfd, distvector = ripd) and netsim's
    network-wide ``options`` (``router_configs``: each router's own configuration, per-router and
    per-interface overrides included); apply ``events`` (scenario events, times relative to the
    measured phase).

    ``warmup``: minimum seconds before the measured phase (default from the timers); ``duration``:
    seconds the measured phase lasts (default: last event + :func:`default_settle`).  ``debug``
    turns on the daemons' debug logs (µs timestamps), ``capture`` records the protocol's packets
    on every router; keep both with ``keep_dir``.  ``progress(stage, done, total)`` is called as
    the run advances.
    """
    if protocol not in PROTOCOL_DAEMON:
        raise NetsimError(f"protocol {protocol!r} has no FRR counterpart (use linkstate or distvector)")
    events = list(events)
    actions = plan_actions(events)
    if protocol == "distvector":
        from netsim.validate.frr_config import rip_unit_cost

        for a in actions:
            if a.cost is not None:
                rip_unit_cost(a.cost, f"{a.a}–{a.b} (events[{a.event}])")
    plan = plan_lab(graph, new_run_prefix())
    configs = daemon_configs(plan, protocol, router_configs if router_configs is not None else options, debug=debug)
    check_prerequisites(("zebra", PROTOCOL_DAEMON[protocol]))
    min_warm, quiet_default, max_default = default_warmup(protocol, options)
    warmup = min_warm if warmup is None else float(warmup)
    quiet = quiet_default if quiet is None else float(quiet)
    max_warmup = max(max_default, warmup) if max_warmup is None else float(max_warmup)
    last = max((a.offset for a in actions), default=0.0)
    measured = (last + default_settle(protocol, options)) if duration is None else float(duration)
    if measured < last:
        raise NetsimError(f"duration {measured:g} s ends before the last event ({last:g} s)")
    expected = _expected_routes(graph)
    tick = progress or (lambda stage, done, total: None)
    clock = LabClock()
    with Lab(plan, protocol, configs, debug=debug) as lab:
        tick("building", 0, 1)
        lab.build()
        monitor = RouteMonitor(plan, clock, ZebraRib(lambda r: str(lab.router_dir(r) / "zebra.vty")))
        monitor.start()
        applied: list[AppliedAction] = []
        try:
            if capture:
                lab.start_captures(CAPTURE_FILTER[protocol])
            clock.start()
            lab.start_all()
            converged_at = _warm_up(plan, monitor, clock, expected, warmup, quiet, max_warmup, tick)
            start = clock.now() + random.uniform(0.0, timer_period(protocol, options))
            _sleep_until(clock, start)
            for i, action in enumerate(actions):
                _sleep_until(clock, start + action.offset)
                applied.append(apply_action(lab, action, clock.now))
                tick("events", i + 1, len(actions))
            end = start + measured
            while clock.now() < end:
                time.sleep(min(0.2, max(0.0, end - clock.now())))
                tick("measuring", clock.now() - start, measured)
            end = clock.now()
        finally:
            obs = monitor.stop()
            lab.stop_captures()
        kept = None
        if keep_dir is not None and lab.workdir is not None:
            kept = Path(keep_dir)
            if kept.exists():
                shutil.rmtree(kept)
            shutil.copytree(lab.workdir, kept, ignore=shutil.ignore_patterns("*.vty", "zserv.api", "owner.pid"))
            _write_run_record(kept / "run.json", plan, clock, start, applied)
        delays, silent = lab.delays_emulated, lab.silent_method
    trace, stats = build_trace(plan, protocol, obs, applied, {ev.index: ev for ev in events}, graph, end)
    if kept is not None:
        _write_observations(kept / "observations.json", trace, obs)
    notes = list(untranslated_options(protocol, options))
    if not delays and any(d.get("delay", 0) for _, _, d in graph.edges(data=True)):
        notes.append("link delays not emulated: this kernel has no netem (both sides ran with veth latency)")
    if obs.overruns:
        notes.append(f"{obs.overruns} netlink receive-buffer overruns: some kernel changes were lost")
    return FrrRun(trace, obs, tuple(applied), start, converged_at, delays, silent, stats, clock.t0_wall,
                  plan.prefix, kept, tuple(notes))


def _write_run_record(path: Path, plan: LabPlan, clock: LabClock, start: float,
                      applied: Sequence[AppliedAction]) -> None:
    """What a kept run directory needs to be read later: which directory is which router, the
    wall-clock instant of lab time 0 (daemon logs and captures are wall-clock stamped), and when
    each action happened on the lab's time axis."""
    record = {
        "prefix": plan.prefix, "t0_wall": clock.t0_wall, "measure_start": start,
        "routers": {f"r{r.index}": r.name for r in plan.routers},
        "interfaces": {r.name: {i.name: i.neighbor for i in r.ifaces} for r in plan.routers},
        "actions": [{"event": a.action.event, "op": a.action.op, "a": a.action.a, "b": a.action.b,
                     "offset": a.action.offset, "before": a.before, "after": a.after, "effective": a.effective}
                    for a in applied],
    }
    atomic_write_text(path, json.dumps(record, indent=1) + "\n")


def _write_observations(path: Path, trace: Trace, obs: Observations) -> None:
    """The trace and the raw kernel observations of a kept run, for post-mortems."""
    def route(r: Any) -> Any:
        return None if r is None else {"via": list(r.next_hops), "cost": r.cost if r.cost != float("inf") else None}

    doc = {
        "route_changes": [{"t": rc.time, "router": rc.router, "dest": rc.dest, "old": route(rc.old),
                           "new": route(rc.new), "cause": rc.cause.text()} for rc in trace.route_changes],
        "events": [{"index": e.index, "t": e.time, "kind": e.kind, "detail": e.detail} for e in trace.events],
        "topology": [{"t": tc.time, "a": tc.a, "b": tc.b, "up": tc.up, "cost_ab": tc.cost_ab, "cost_ba": tc.cost_ba}
                     for tc in trace.topology_changes],
        "kernel": [{"t": k.time, "router": k.router, "del": k.deleted, "prefix": k.prefix, "gw": list(k.gateways),
                    "proto": k.proto, "table": k.table} for k in obs.routes],
        "ribs": [{"t": r.time, "router": r.router, "routes": [list(x) for x in r.routes]} for r in obs.ribs],
        "links": [{"t": ls.time, "router": ls.router, "if": ls.ifname, "admin": ls.admin_up, "carrier": ls.carrier}
                  for ls in obs.links],
        "end_time": trace.end_time,
    }
    atomic_write_text(path, json.dumps(doc) + "\n")


def _sleep_until(clock: LabClock, t: float) -> None:
    while True:
        left = t - clock.now()
        if left <= 0:
            return
        time.sleep(min(left, 0.05) if left > 0.002 else 0)


def _warm_up(plan: LabPlan, monitor: RouteMonitor, clock: LabClock, expected: Mapping[str, set[str]],
             warmup: float, quiet: float, max_warmup: float, tick: Callable[[str, float, float], None]) -> float:
    """Wait until converged and quiet (and at least ``warmup``); return when it converged."""
    converged_at: float | None = None
    while True:
        now = clock.now()
        tick("warm-up", min(now, max_warmup), max_warmup)
        if converged_at is None and _converged(plan, monitor.tables(), expected):
            converged_at = monitor.last_route_change if monitor.last_route_change >= 0 else now
        if converged_at is not None:
            if not _converged(plan, monitor.tables(), expected):
                converged_at = None
            elif now >= warmup and now - max(monitor.last_route_change, 0.0) >= quiet:
                return converged_at
        if now > max_warmup:
            raise NetsimError(f"FRR did not converge within {max_warmup:g} s of starting "
                              f"(every router needs a route to every router it can reach)")
        time.sleep(0.1)
