"""How much work a run will be, estimated before it starts, and whether to start it at all.

Why: a few characters of a scenario can ask for years of computing -- ``duration: 1.0e+12``,
``hello_interval: 1.0e-9``, a flap with ``count: 10000000``, probe flows at ``rate: 1.0e+9``, a
10,000-router line under link state -- and the simulator would accept them and grow until
the machine runs out of memory.  The estimate below is an order of magnitude, enough to tell
a run of seconds from a run of days; it is pure arithmetic on the validated scenario (no
simulation, no topology algorithm beyond counting), so every entry point can afford it.

What is counted (each part in its own unit, weighted by what it costs, measured on this
simulator: a protocol message or BFD packet handled is about ten times the work of one route entry
carried or recomputed, a probe walk about five times):

* **timers** -- each end of each link sends one message per smallest periodic interval of the
  protocol (:meth:`Protocol.smallest_interval`, per router and per interface) for the whole
  simulated span;
* **BFD** -- each end of each BFD link sends one packet per BFD interval;
* **propagation** -- every topology change (the cold start, each link or router going down or
  up, each cost change, each half-cycle of a flap) and every periodic refresh of the whole
  table (:meth:`Protocol.refresh_interval`) can carry every destination across every link:
  changes x 2 x links x destinations route entries;
* **recomputation** -- after each change every router may recompute its routes over the whole
  network (an SPF, a table scan): changes x routers x (routers + links);
* both of these per change are multiplied by the protocol's
  :attr:`~netsim.protocols.base.Protocol.churn`, how many times over its routes are sent and
  recomputed before they settle (3 for BGP's path exploration and EIGRP's diffusing
  computations; measured);
* **flows** -- the data-plane replay walks one probe per flow between two changes, and one by
  one the probes still in flight at each change: pairs x changes x (1 + rate x the time a
  probe can spend in flight).

A protocol option ``warm_start: true`` (routers begin converged) removes the cold start's share.

**Memory** is estimated beside the work: every router's state grows with the destinations it
knows, so the peak is about routers x destinations x the protocol's
:attr:`~netsim.protocols.base.Protocol.memory_per_pair` (measured; far smaller after a warm
start), plus, during a link-state cold start, link ends x destinations x
:attr:`~netsim.protocols.base.Protocol.memory_per_link_dest` (every neighbour's flooding queue
can hold the whole database: a third of the peak on a CAIDA AS graph of average degree 10), plus
a fixed share per router and for the process itself.  A run expected to need more
than :data:`MEMORY_SHARE` of the machine's memory needs confirmation as large work does: on a
machine that cannot hold it, it would swap for hours or be killed, and the 3,815-router
backbone/world network's cold start needs about 10 GB.

Two limits apply to the weighted total: above :data:`CONFIRM_ABOVE` a run needs confirmation
(``--yes`` on the command line, ``check_work=False`` in the Python API); above
:data:`REFUSE_ABOVE`, or with more scripted changes than :data:`MAX_SCRIPTED` (each is
scheduled, and held in memory, when the run starts), it is refused outright.  The simulator does
very roughly :data:`OPS_PER_SECOND` units per second on one core; the messages quote that.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from typing import Any

from netsim.errors import NetsimError
from netsim.protocols.base import PROTOCOLS, Protocol
from netsim.records import record
from netsim.scenario.config import configured_per_router, resolve_options, router_configs
from netsim.scenario.events import Event, Flap, SetLoss
from netsim.scenario.model import Scenario

#: Above this much estimated work a run needs confirmation (``--yes``): minutes of computing.
CONFIRM_ABOVE = 1e8
#: Above this much a run is refused: days of computing, and more memory than a machine has.
REFUSE_ABOVE = 3e11
#: Most link or router changes a script may schedule (flap cycles count twice): they are all
#: scheduled, and held in memory, when the run starts.
MAX_SCRIPTED = 200_000
#: Rough speed of the simulator (units of work per second on one core), for the messages only.
OPS_PER_SECOND = 5e5
#: Bytes any run holds: the interpreter, numpy, SimPy and netsim themselves.
BASE_MEMORY = 60e6
#: Bytes per router whatever it knows: its objects, its interfaces, its protocol's machinery.
ROUTER_MEMORY = 50e3
#: Share of the machine's memory a run may be expected to need without confirmation.
MEMORY_SHARE = 0.75
#: ``check(memory=THIS_MACHINE)`` (the default): compare with this machine's memory.
THIS_MACHINE = -1.0
#: Weights of the parts: units of work per message, per route entry, per probe walk.
MESSAGE_COST = 10.0
ENTRY_COST = 1.0
WALK_COST = 5.0


@record
class Workload:
    """The estimated work of one run, by source."""

    protocol: str
    #: Simulated seconds the run is expected to cover.
    span: float
    #: Periodic protocol messages.
    timers: float = 0.0
    #: BFD packets.
    bfd: float = 0.0
    #: Route entries carried across links after changes and refreshes.
    propagation: float = 0.0
    #: Route entries recomputed by the routers after changes.
    recompute: float = 0.0
    #: Probe walks of the data-plane replay.
    flows: float = 0.0
    #: Link or router changes the script schedules at the start.
    scripted: int = 0
    #: How many runs like this one (a sweep's seeds): their work adds up.
    runs: int = 1
    #: Bytes the run is expected to hold at its peak (runs one after another do not add up).
    memory: float = 0.0

    def parts(self) -> dict[str, float]:
        """Weighted work by source, in words."""
        return {"periodic protocol messages": self.timers * MESSAGE_COST, "BFD packets": self.bfd * MESSAGE_COST,
                "routing updates across the network": self.propagation * ENTRY_COST,
                "route recomputation in every router": self.recompute * ENTRY_COST,
                "probe flows": self.flows * WALK_COST}

    @property
    def total(self) -> float:
        return sum(self.parts().values())

    def main_cost(self) -> str:
        """The largest part, in words, so a message says what to change."""
        parts = self.parts()
        name = max(parts, key=lambda k: parts[k])
        return f"mostly {name}"

    def describe(self) -> str:
        return (f"{self.protocol}: about {_sci(self.total)} units of work over {_sci(self.span)} simulated s "
                f"({self.main_cost()}; roughly {_duration(self.total / OPS_PER_SECOND)} of computing "
                f"and {_bytes(self.memory)} of memory)")


def estimate(scenario: Scenario, protocol: str, options: Mapping[str, Any] | None = None, *,
             until: float | None = None) -> Workload:
    """The work of running ``scenario`` with ``protocol`` (a canonical name) and ``options``
    (overrides of the scenario's network-wide options), up to ``until`` when given."""
    cls = PROTOCOLS[protocol]
    base = scenario.protocols.get(protocol) or cls.defaults()
    opts = resolve_options(cls, base, options, "") if options else dict(base)
    graph = scenario.graph
    links = graph.number_of_edges()
    dests = graph.number_of_nodes() + len({d for _n, data in graph.nodes(data=True)
                                           for d, _m in data.get("prefixes", ())})
    changes = sum(_transitions(ev) for ev in scenario.events)
    span = _span(scenario, cls, opts, until)
    timers = span * _message_rate(scenario, cls, opts)
    bfd = span * _bfd_rate(scenario)
    refresh = _finite_positive(cls.refresh_interval(opts))
    rounds = span / refresh if refresh else 0.0
    cold = 0 if opts.get("warm_start") is True else 1
    propagation = (cold + changes) * cls.churn * 2.0 * links * dests + rounds * 2.0 * links * dests
    routers = graph.number_of_nodes()
    recompute = (cold + changes) * cls.churn * routers * (routers + links)
    flows = _flow_work(scenario, span, changes)
    per_pair = cls.memory_per_pair if cold else cls.warm_memory_per_pair
    flooding = 2.0 * links * dests * cls.memory_per_link_dest if cold else 0.0
    memory = BASE_MEMORY + routers * ROUTER_MEMORY + routers * dests * per_pair + flooding
    return Workload(protocol, span, timers, bfd, propagation, recompute, flows, changes, memory=memory)


def machine_memory() -> float | None:
    """This machine's physical memory in bytes, None where the system does not say."""
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def check(workloads: Iterable[Workload], *, confirmed: bool, what: str = "the run",
          confirm_hint: str = "pass --yes to run it anyway", memory: float | None = THIS_MACHINE,
          at_once: int = 1, memory_of: str = "this machine's") -> list[str]:
    """Refuse absurd work; refuse large work unless ``confirmed``; return the warnings to show.

    ``workloads`` may be several runs (the protocols of ``compare``, the grid of a sweep): each
    run is checked against the limits, and so is their sum against the confirmation threshold.
    A run expected to need more than :data:`MEMORY_SHARE` of ``memory`` (bytes; by default this
    machine's, None: not checked) needs confirmation too; with ``at_once`` runs side by side (a
    sweep's or a scaling study's local workers) the largest that many need it together;
    ``memory_of`` says whose memory it is in the message (a cluster worker's).  The messages say
    what to change or how to confirm; ``what`` names the job in them.
    """
    if memory == THIS_MACHINE:
        memory = machine_memory()
    loads = list(workloads)
    if not loads:
        return []
    for w in loads:
        if w.scripted > MAX_SCRIPTED:
            raise NetsimError(f"{w.protocol}: the events schedule {w.scripted:,} link or router changes "
                              f"(at most {MAX_SCRIPTED:,}; a flap's count is two each): reduce the flap counts")
        if not math.isfinite(w.total) or w.total > REFUSE_ABOVE:
            raise NetsimError(f"too much work, refused: {w.describe()}; the limit is {_sci(REFUSE_ABOVE)} "
                              f"units: shorten the duration or the event times, lengthen the intervals, "
                              f"or lower the flow rate")
    total = sum(w.total * w.runs for w in loads)
    count = sum(w.runs for w in loads)
    biggest = max(loads, key=lambda w: w.total)
    runs = f"{count:,} runs, about {_sci(total)} units of work in all; the largest is " if count > 1 else ""
    if total > REFUSE_ABOVE:
        raise NetsimError(f"too much work, refused: {runs}{biggest.describe()}; the limit is {_sci(REFUSE_ABOVE)} "
                          f"units in all: run fewer or smaller runs")
    hungriest = max(loads, key=lambda w: w.memory)
    side_by_side = max(1, min(at_once, count))
    # The workers may all be holding the largest runs at once: the sum of the ``side_by_side``
    # largest (a load of several runs fills up to that many places).
    largest = sorted((w.memory for w in loads for _ in range(min(w.runs, side_by_side))), reverse=True)
    needed = sum(largest[:side_by_side])
    too_big = memory is not None and needed > MEMORY_SHARE * memory
    if total <= CONFIRM_ABOVE and not too_big:
        return []
    if total > CONFIRM_ABOVE:
        summary = f"{what} is large: {runs}{biggest.describe()}"
    else:
        each = f" ({side_by_side} runs at once)" if side_by_side > 1 else ""
        summary = (f"{what} needs about {_bytes(needed)} of memory{each}, more than "
                   f"{MEMORY_SHARE:.0%} of {memory_of} {_bytes(memory or 0.0)}: {hungriest.describe()}")
    if not confirmed:
        raise NetsimError(f"{summary}; {confirm_hint}")
    return [summary]


# -- the parts of the estimate --------------------------------------------------------------------
def _span(scenario: Scenario, cls: type[Protocol], opts: Mapping[str, Any], until: float | None) -> float:
    """Simulated seconds: the duration, else the last event plus the protocol's quiet period."""
    if scenario.duration is not None:
        span = float(scenario.duration)
    else:
        last = max((ev.end_time for ev in scenario.events), default=0.0)
        span = float(last) + float(cls.quiet_period(opts))
    if until is not None:
        span = min(span, float(until))
    return max(span, 0.0)


def _message_rate(scenario: Scenario, cls: type[Protocol], opts: Mapping[str, Any]) -> float:
    """Periodic messages per simulated second over every link end, with each router's and each
    interface's own options (a fast hello on one interface counts on that interface only)."""
    network_wide = _finite_positive(cls.smallest_interval(opts))
    if network_wide is None:
        return 0.0
    graph = scenario.graph
    if not configured_per_router(scenario, cls.name):
        # Nothing configured per router or interface: every link end has the network-wide
        # interval.  The same additions in the same order as below, without building every
        # router's configuration (on 3,800 routers that was most of the estimate).
        rate = 0.0
        for name in sorted(str(n) for n in graph.nodes):
            for _nb in graph[name]:
                rate += 1.0 / network_wide
        return rate
    configs = router_configs(scenario, cls, opts)
    rate = 0.0
    for name, cfg in configs.items():
        own = _finite_positive(cls.smallest_interval(cfg.options))
        for nb in scenario.graph[name]:
            per = cfg.interface_options.get(str(nb))
            interval = _finite_positive(cls.smallest_interval({**cfg.options, **per})) if per else own
            if interval:
                rate += 1.0 / interval
    return rate


def _bfd_rate(scenario: Scenario) -> float:
    from netsim.scenario.faults import bfd_for_links

    return sum(2.0 / spec.interval for spec in bfd_for_links(scenario.graph, scenario.bfd).values())


def _flow_work(scenario: Scenario, span: float, changes: int) -> float:
    spec = scenario.flows
    if spec is None:
        return 0.0
    n = scenario.graph.number_of_nodes()
    pairs = len(spec.pairs) if spec.pairs is not None else n * (n - 1)
    if spec.sample is not None:
        pairs = min(pairs, spec.sample)
    delays = [float(d) for _u, _v, d in scenario.graph.edges(data="delay", default=0.001)]
    in_flight = min(spec.ttl, n) * (sum(delays) / len(delays) if delays else 0.001)
    active = max(span - spec.start, 0.0)
    # Never more walks than packets sent: rate x active time per pair.
    per_pair = min((1 + changes) * (1.0 + spec.rate * in_flight), spec.rate * active + 1.0)
    return pairs * per_pair


def _transitions(ev: Event) -> int:
    """Link or router changes one scripted event makes (a loss change moves no route)."""
    if isinstance(ev, Flap):
        return 2 * ev.count
    if isinstance(ev, SetLoss):
        return 0
    links = getattr(ev, "links", None)
    return len(links) if links else 1


def _finite_positive(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) and x > 0 else None


def _sci(x: float) -> str:
    if not math.isfinite(x):
        return "unbounded"
    return f"{x:,.0f}" if x < 1e6 else f"{x:.1e}"


def _bytes(n: float) -> str:
    """A memory size in words a person reads at a glance: 340 MB, 13 GB."""
    if n >= 10e9:
        return f"{n / 1e9:,.0f} GB"
    if n >= 1e9:
        return f"{n / 1e9:.1f} GB"
    return f"{max(n, 1e6) / 1e6:,.0f} MB"


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "forever"
    for unit, size in (("years", 365 * 86400.0), ("days", 86400.0), ("hours", 3600.0), ("minutes", 60.0)):
        if seconds >= 2 * size:
            return f"{seconds / size:,.0f} {unit}"
    return f"{max(seconds, 1.0):.0f} s"
