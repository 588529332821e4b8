"""What the real routers did, in netsim's vocabulary: a :class:`~netsim.trace.Trace`.

Pure code over the monitor's observations, so :func:`netsim.analysis.metrics.analyze` computes every
figure for FRR exactly as it does for a simulation.

* A kernel route to another router's loopback /32 is that router's FIB entry; connected link
  /31s, the local table and other prefixes are ignored.  Gateways are mapped back to neighbour
  names through :class:`~netsim.topology.addressing.Addressing`; ECMP routes have several.
* The cost comes from zebra's RIB (the kernel metric is always 20): the metric in the first RIB
  sample of that router taken after the kernel change that shows the same next hops (else the
  first sample after it, else the last one before it), converted by
  :func:`~netsim.validate.frr_config.protocol_cost`.  A sample that shows a new metric for
  unchanged next hops becomes a cost-only change at the sample's time.
* Every kernel change becomes ``RouteChange(time, router, dest, old, new, cause)`` whose cause is a
  :class:`KernelChange` note (what the lab saw, never why the router did it); identical
  re-installs (zebra re-writing the same route) are not changes.
* An interface taken administratively down loses its routes in the kernel *without* any
  RTM_DELROUTE (Linux flushes them silently; measured in the lab): the mapping removes the next
  hops over that interface itself, at the moment of the link notification.  A peer that only lost
  its carrier keeps its routes (the kernel marks them linkdown) until zebra removes them.
* A crashed router has no FIB: its table is emptied at the crash (no records, as in netsim) and
  its kernel is ignored until it restarts.
* Every scripted event becomes a :class:`~netsim.trace.ScriptedEvent` at the moment its first
  action took effect, and every action a :class:`~netsim.trace.TopologyChange`.
"""

from __future__ import annotations

import bisect
import contextlib
import ipaddress
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from netsim.records import record
from netsim.scenario.events import Event
from netsim.topology.common import link_costs, link_key
from netsim.trace import Note, Route, RouteChange, ScriptedEvent, TopologyChange, Trace
from netsim.validate.events import (
    BLOCK,
    COST,
    CRASH,
    LINK_DOWN,
    LINK_UP,
    RESTART,
    AppliedAction,
    topology_up,
)
from netsim.validate.frr_config import protocol_cost
from netsim.validate.monitor import RT_TABLE_MAIN, RTN_UNICAST, KernelRoute, LinkState, Observations, RibSample
from netsim.validate.plan import LabPlan


@record
class KernelChange(Note):
    """What the lab observed a real router do to its FIB, and how it saw it (``seen``)."""

    kind: ClassVar[str] = "kernel"
    seen: str

    def text(self) -> str:
        return self.seen


KERNEL_CAUSE = KernelChange("kernel route change (rtnetlink)")
IFDOWN_CAUSE = KernelChange("interface set down: the kernel flushed its routes without notification")
RIB_CAUSE = KernelChange("zebra's RIB: cost changed, same next hops")
#: How long after a link command its kernel notification may arrive and still be its effect.
CARRIER_WINDOW = 0.5
#: How long after a kernel change a RIB sample may still describe it.
RIB_WINDOW = 2.0


@dataclass
class MappingStats:
    """How faithful the mapping was (shown with the results; all zero in a clean run)."""

    #: Kernel changes for which no RIB sample showed the same next hops (the route moved again meanwhile).
    rib_mismatch: int = 0
    #: Kernel changes with no RIB metric at all (cost carried over, or infinite).
    cost_unknown: int = 0
    #: Gateways that are no neighbour's address.
    unknown_gateways: int = 0
    ignored_while_down: int = 0
    cost_only_changes: int = 0
    notes: list[str] = field(default_factory=list)


def dest_router(plan: LabPlan, prefix: str) -> str | None:
    """The router whose loopback /32 ``prefix`` is (None for link /31s and anything else)."""
    try:
        net = ipaddress.IPv4Network(prefix)
    except ValueError:
        return None
    if net.prefixlen != 32:
        return None
    owner = plan.addressing.owner(net.network_address)
    if owner is None or plan.addressing.loopback(owner) != net.network_address:
        return None
    return owner


def hop_names(plan: LabPlan, gateways: Iterable[str]) -> tuple[tuple[str, ...], int]:
    """Neighbour names for kernel gateways (sorted) and how many gateways were no router's."""
    names = set()
    unknown = 0
    for gw in gateways:
        owner = None
        with contextlib.suppress(ValueError):
            owner = plan.addressing.owner(gw)
        if owner is None:
            unknown += 1
            names.add(f"?{gw}")
        else:
            names.add(owner)
    return tuple(sorted(names)), unknown


def effective_time(applied: AppliedAction, plan: LabPlan, links: Sequence[LinkState]) -> float:
    """When an action took effect.  For a carrier change: the first kernel link notification (in
    either router's namespace) showing the interface in its new state; else the action's own time."""
    act = applied.action
    if act.op not in (LINK_DOWN, LINK_UP):
        return applied.effective
    ifname = plan.link(act.a, act.b).ifname
    want_up = act.op == LINK_UP
    for ls in links:
        if ls.time < applied.before or ls.time > applied.after + CARRIER_WINDOW:
            continue
        if ls.router not in (act.a, act.b) or ls.ifname != ifname:
            continue
        if (ls.admin_up and ls.carrier) == want_up:
            return ls.time
    return applied.effective


def build_trace(plan: LabPlan, protocol: str, obs: Observations, applied: Sequence[AppliedAction],
                events: Mapping[int, Event], graph: Any, end_time: float) -> tuple[Trace, MappingStats]:
    """The trace of one lab run.  ``events`` maps a scripted event's index to the scenario event;
    ``graph`` gives the links' initial costs (per direction)."""
    stats = MappingStats()
    links = sorted(obs.links, key=lambda x: x.time)
    ribs = _RibIndex(obs.ribs)
    timed = [(effective_time(a, plan, links), a) for a in applied]
    timed.sort(key=lambda x: x[0])
    trace = Trace(routers=tuple(r.name for r in plan.routers))

    # Scripted events and topology changes.
    cost: dict[tuple[str, str], float] = {}  # (sender, receiver) -> what the sender pays
    up: dict[tuple[str, str], bool] = {}
    for u, v, d in graph.edges(data=True):
        a, b = link_key(str(u), str(v))
        cost[(a, b)], cost[(b, a)] = (float(c) for c in link_costs(d, a, b))
        up[(a, b)] = True
    first_time: dict[int, float] = {}
    for t, a in timed:
        act = a.action
        first_time.setdefault(act.event, t)
        if act.is_link:
            key = link_key(act.a, act.b)
            if act.op == COST:
                assert act.cost is not None
                cost[(act.a, act.b)] = act.cost
            else:
                up[key] = bool(topology_up(act))
            silent = act.op == BLOCK
            trace.topology_changes.append(TopologyChange(t, key[0], key[1], up[key], cost[key],
                                                         cost[(key[1], key[0])], act.event, silent=silent))
        else:
            trace.topology_changes.append(TopologyChange(t, act.a, "", bool(topology_up(act)), 0, 0, act.event))
    for index, t in sorted(first_time.items(), key=lambda x: (x[1], x[0])):
        ev = events[index]
        trace.events.append(ScriptedEvent(index, t, ev.kind, tuple(ev.target), ev.describe()))

    # Route changes: kernel observations, RIB sweeps and crashes, merged in time order.
    stream: list[tuple[float, int, Any]] = []
    for t, a in timed:
        if a.action.op in (CRASH, RESTART):
            stream.append((t, 0, a.action))
    stream += [(k.time, 1, k) for k in obs.routes]
    stream += [(s.time, 2, s) for s in obs.ribs]
    stream += [(ls.time, 3, ls) for ls in links if not ls.admin_up]
    stream.sort(key=lambda x: (x[0], x[1]))
    tables: dict[str, dict[str, Route]] = {r.name: {} for r in plan.routers}
    down: set[str] = set()
    for _t, kind, item in stream:
        if kind == 0:
            if item.op == CRASH:
                down.add(item.a)
                tables[item.a] = {}
            else:
                down.discard(item.a)
        elif kind == 1:
            _kernel_change(plan, protocol, item, ribs, tables, down, trace, stats)
        elif kind == 2:
            _rib_sample(plan, protocol, item, tables, down, trace, stats)
        else:
            _admin_down(plan, item, tables, down, trace)
    trace.end_time = float(end_time)
    return trace, stats


class _RibIndex:
    """RIB samples per router, in time order, to find the metric that goes with a kernel change."""

    def __init__(self, samples: Iterable[RibSample]) -> None:
        self.by_router: dict[str, list[RibSample]] = {}
        for s in sorted(samples, key=lambda x: x.time):
            self.by_router.setdefault(s.router, []).append(s)
        self.times = {r: [s.time for s in ss] for r, ss in self.by_router.items()}

    def metric(self, router: str, prefix: str, gateways: tuple[str, ...], t: float) -> tuple[float | None, bool]:
        """(metric, whether the sample's next hops matched) for a kernel change at ``t``."""
        samples = self.by_router.get(router, [])
        i = bisect.bisect_left(self.times.get(router, []), t)
        want = set(gateways)
        first: float | None = None
        for s in samples[i:]:
            if s.time > t + RIB_WINDOW:
                break
            for p, m, g in s.routes:
                if p == prefix:
                    if set(g) == want:
                        return m, True
                    if first is None:
                        first = m
        if first is not None:
            return first, False
        for s in reversed(samples[:i]):
            for p, m, g in s.routes:
                if p == prefix and set(g) == want:
                    return m, True
        return None, False


def _kernel_change(plan: LabPlan, protocol: str, k: KernelRoute, ribs: _RibIndex,
                   tables: dict[str, dict[str, Route]], down: set[str], trace: Trace, stats: MappingStats) -> None:
    if k.table != RT_TABLE_MAIN or k.rtype != RTN_UNICAST:
        return
    dest = dest_router(plan, k.prefix)
    if dest is None or dest == k.router:
        return
    if k.router in down:
        stats.ignored_while_down += 1
        return
    table = tables[k.router]
    old = table.get(dest)
    if k.deleted:
        new = None
    else:
        hops, unknown = hop_names(plan, k.gateways)
        stats.unknown_gateways += unknown
        metric, matched = ribs.metric(k.router, k.prefix, k.gateways, k.time)
        if metric is not None:
            if not matched:
                stats.rib_mismatch += 1
            c = protocol_cost(protocol, metric)
        else:
            stats.cost_unknown += 1
            c = old.cost if old is not None else math.inf
        new = Route(hops, c)
    if new == old:
        return
    if new is None:
        table.pop(dest, None)
    else:
        table[dest] = new
    trace.route_changes.append(RouteChange(k.time, k.router, dest, old, new, KERNEL_CAUSE))


def _admin_down(plan: LabPlan, ls: LinkState, tables: dict[str, dict[str, Route]], down: set[str],
                trace: Trace) -> None:
    """The kernel flushed every next hop over ``ls.ifname`` at ``ls.router`` (no notifications)."""
    if ls.router in down:
        return
    nbr = next((i.neighbor for i in plan.router(ls.router).ifaces if i.name == ls.ifname), None)
    if nbr is None:
        return
    table = tables[ls.router]
    for dest, old in sorted(table.items()):
        if nbr not in old.next_hops:
            continue
        hops = tuple(h for h in old.next_hops if h != nbr)
        new = Route(hops, old.cost) if hops else None
        if new is None:
            del table[dest]
        else:
            table[dest] = new
        trace.route_changes.append(RouteChange(ls.time, ls.router, dest, old, new, IFDOWN_CAUSE))


def _rib_sample(plan: LabPlan, protocol: str, s: RibSample, tables: dict[str, dict[str, Route]],
                down: set[str], trace: Trace, stats: MappingStats) -> None:
    if s.router in down:
        return
    table = tables[s.router]
    for prefix, metric, gws in s.routes:
        dest = dest_router(plan, prefix)
        old = table.get(dest) if dest is not None else None
        if old is None:
            continue
        hops, _ = hop_names(plan, gws)
        c = protocol_cost(protocol, metric)
        if hops == old.next_hops and c != old.cost:
            new = Route(hops, c)
            table[dest] = new  # type: ignore[index]
            stats.cost_only_changes += 1
            trace.route_changes.append(RouteChange(s.time, s.router, dest, old, new, RIB_CAUSE))  # type: ignore[arg-type]
