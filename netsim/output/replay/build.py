"""A replay document from a finished run: the one place that reads a run's trace for the viewer.

Everything in the document is derived from the trace and the scenario through the same replay
the metrics use (:mod:`netsim.analysis.replay`), the run's correctness model (:mod:`netsim.analysis.oracle`) and the
same narration as ``netsim explain``, so the browser can never tell a different story from the
numbers.  Forwarding faults are looked for from the first scripted event on, as the metrics count
them: before it the FIBs are still being built from nothing, and every destination would show as
a black hole.

Messages come from the trace's message log: who sent each one to whom, when it left and when it
arrived (never, when it was lost), and its kind.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from netsim.analysis.explain import narrate
from netsim.analysis.oracle import CorrectnessModel, get_model
from netsim.analysis.oracle.shortest_paths import prefix_origins
from netsim.analysis.replay import World, steps
from netsim.analysis.result import RunResult
from netsim.output.plots.network_map import layout
from netsim.output.replay.document import FAMILIES, VERSION
from netsim.output.replay.witness import fault_witnesses
from netsim.topology.common import DEFAULT_DELAY, link_costs, link_key
from netsim.topology.graph import Graph
from netsim.trace import Route, Trace
from netsim.version import __version__

#: Decimal places kept for times: a nanosecond is far below any delay or timer the simulator models,
#: and shorter numbers make a smaller file.
TIME_DIGITS = 9

#: Message kind names -> family, by the first matching word (case-insensitive).
_FAMILY_WORDS = (("hello", "hello"), ("ack", "ack"), ("lsa", "flood"), ("lsu", "flood"), ("flood", "flood"),
                 ("update", "update"), ("request", "update"), ("response", "update"))


def build_document(result: RunResult) -> dict[str, Any]:
    """The version-1 replay document of ``result`` (see :mod:`netsim.output.replay.document`)."""
    trace, scenario = result.trace, result.scenario
    graph = scenario.graph
    notices: list[str] = []
    kinds, messages = _messages(trace, notices)
    model = get_model(result.correctness)(graph, result.options)
    return {
        "version": VERSION,
        "scenario": scenario.name,
        "protocol": result.protocol,
        "seed": int(result.seed),
        "end_time": _t(trace.end_time),
        "generated_by": f"netsim {__version__}",
        "routers": _routers(graph, trace.routers),
        "links": _links(graph),
        "events": [{"time": _t(ev.time), "index": ev.index, "text": ev.detail} for ev in trace.events],
        "topology": _topology(result),
        "message_kinds": kinds,
        "messages": messages,
        "fib": _fib(trace),
        "initial_fibs": {r: _table(t) for r, t in sorted((trace.initial_fibs or {}).items()) if t},
        "expected": _expected(graph, trace, model),
        "faults": _faults(graph, trace, model),
        "narration": [_narration_line(ln.as_dict()) for ln in narrate(trace, result.protocol)],
        "notices": notices,
    }


# -- small conversions ------------------------------------------------------------------------------
def _t(x: float) -> float:
    return round(float(x), TIME_DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _cost(x: float) -> int | float:
    """Integral costs as ints (``3``, not ``3.0``): as ``netsim table`` prints them, and shorter."""
    x = float(x)
    return int(x) if x.is_integer() else x


def _route(route: Route) -> dict[str, Any]:
    return {"hops": list(route.next_hops), "cost": _cost(route.cost)}


def _table(table: Mapping[str, Route]) -> dict[str, Any]:
    return {d: _route(route) for d, route in sorted(table.items())}


def _narration_line(line: Mapping[str, Any]) -> dict[str, Any]:
    return {"time": line["time"], "router": line["router"], "kind": line["kind"], "text": line["text"],
            "cause": line["cause"]}


# -- topology ----------------------------------------------------------------------------------------
def _routers(graph: Graph, names: Sequence[str]) -> list[dict[str, Any]]:
    """Routers in trace order (messages and FIB changes index this list), placed by the topology's
    own positions or a seeded layout: the same picture as ``netsim topo draw``."""
    pos = layout(graph)
    return [{"name": n, "label": n, "x": float(pos[n][0]), "y": float(pos[n][1])} for n in names]


def _links(graph: Graph) -> list[dict[str, Any]]:
    out = []
    for u, v, data in graph.edges(data=True):
        a, b = link_key(str(u), str(v))
        c_ab, c_ba = link_costs(data, a, b)
        out.append({"a": a, "b": b, "cost_ab": _cost(c_ab), "cost_ba": _cost(c_ba),
                    "delay": float(data.get("delay", DEFAULT_DELAY))})
    return sorted(out, key=lambda link: (link["a"], link["b"]))


def _topology(result: RunResult) -> list[dict[str, Any]]:
    """Topology changes; a link failure is ``silent`` when the routers were not told (no carrier)."""
    out = []
    for tc in result.trace.topology_changes:
        if tc.b:
            out.append({"time": _t(tc.time), "link": [tc.a, tc.b], "router": None, "up": tc.up,
                        "silent": bool(not tc.up and tc.silent), "cost_ab": _cost(tc.cost_ab),
                        "cost_ba": _cost(tc.cost_ba)})
        else:
            out.append({"time": _t(tc.time), "link": None, "router": tc.a, "up": tc.up, "silent": False,
                        "cost_ab": None, "cost_ba": None})
    return out


# -- messages ----------------------------------------------------------------------------------------
def family_of(name: str) -> str:
    """The drawing family of a message kind named ``name`` (``control`` when nothing matches)."""
    low = name.lower()
    return next((family for word, family in _FAMILY_WORDS if word in low), "control")


def _kind_record(kind: Any) -> dict[str, str]:
    """A message kind as the document wants it, from a name, a mapping or an object with attributes."""
    if isinstance(kind, str):
        name, label, family = kind, kind, None
    elif isinstance(kind, Mapping):
        name = str(kind.get("name", ""))
        label, family = str(kind.get("label", name)), kind.get("family")
    else:
        name = str(getattr(kind, "name", kind))
        label, family = str(getattr(kind, "label", name)), getattr(kind, "family", None)
    return {"name": name, "label": label, "family": family if family in FAMILIES else family_of(name)}


def _messages(trace: Trace, notices: list[str]) -> tuple[list[dict[str, str]], dict[str, list[Any]]]:
    log = trace.messages
    src, dst, kind, arrivals = log.src, log.dst, log.kinds, log.arrivals
    kinds = log.kind_names
    index = {r: i for i, r in enumerate(trace.routers)}
    router = lambda x: index[x] if isinstance(x, str) else int(x)
    records = [_kind_record(k) for k in kinds]
    by_name = {rec["name"]: i for i, rec in enumerate(records)}
    kind_of = lambda x: by_name[x] if isinstance(x, str) else int(x)
    t1 = []
    for a in arrivals:
        lost = a is None or not math.isfinite(float(a)) or float(a) < 0
        t1.append(None if lost else _t(a))
    messages = {"t0": [_t(x) for x in log.times], "t1": t1, "src": [router(x) for x in src],
                "dst": [router(x) for x in dst], "kind": [kind_of(x) for x in kind]}
    order = sorted(range(len(messages["t0"])), key=messages["t0"].__getitem__)  # stable: send order at ties
    if order != list(range(len(order))):
        messages = {col: [values[i] for i in order] for col, values in messages.items()}
    return records, messages


# -- FIBs ----------------------------------------------------------------------------------------------
def _fib(trace: Trace) -> dict[str, list[Any]]:
    index = {r: i for i, r in enumerate(trace.routers)}
    cols: dict[str, list[Any]] = {"time": [], "router": [], "dest": [], "hops": [], "cost": []}
    for rc in trace.route_changes:
        cols["time"].append(_t(rc.time))
        cols["router"].append(index[rc.router])
        cols["dest"].append(rc.dest)
        cols["hops"].append(None if rc.new is None else list(rc.new.next_hops))
        cols["cost"].append(None if rc.new is None else _cost(rc.new.cost))
    return cols


def _expected(graph: Graph, trace: Trace, model: CorrectnessModel) -> list[dict[str, Any]]:
    """The model's correct tables for each topology epoch (one per instant with a topology change)."""
    world = World.initial(graph, trace, lazy=True)
    epochs = [_epoch(0.0, world, model)]
    for step in steps(trace, initial=False):
        if not step.topology:
            continue
        for tc in step.topology:
            world.apply_topology(tc)
        ep = _epoch(step.time, world, model)
        if step.time == epochs[-1]["from"]:
            epochs[-1] = ep
        else:
            epochs.append(ep)
    return epochs


def _epoch(at: float, world: World, model: CorrectnessModel) -> dict[str, Any]:
    want = model.tables(world.state())
    tables = {r: _table({d: e.as_route() for d, e in want.get(r, {}).items()})
              for r in world.routers if r not in world.down}
    return {"from": _t(at), "tables": tables, "down": sorted(world.down)}


# -- forwarding faults ---------------------------------------------------------------------------------
def _faults(graph: Graph, trace: Trace, model: CorrectnessModel) -> list[dict[str, Any]]:
    """Every interval during which some walk towards a destination loops or dead-ends, with one
    witness path; an interval is split where its witness changes, so the path shown is always live."""
    if not trace.events:
        return []
    start = min(ev.time for ev in trace.events)
    origins = prefix_origins(graph)
    dests_all = [*trace.routers, *origins]
    world = World.initial(graph, trace, lazy=True)
    tracker = _FaultTracker()
    want: dict[str, Any] | None = None
    tracking = False
    for step in steps(trace, initial=False):
        if not tracking and step.time >= start:
            if step.time > start:
                want = model.tables(world.state())
                tracker.observe(start, _all_faults(world, want, origins, dests_all))
            tracking = True
            want = None
        world.apply(step)
        if not tracking:
            continue
        if want is None or step.topology:
            want = model.tables(world.state())
            dests: Iterable[str] = dests_all
        else:
            dests = sorted({rc.dest for rc in step.routes})
        tracker.observe(step.time, _all_faults(world, want, origins, dests))
    if not tracking:
        tracker.observe(start, _all_faults(world, model.tables(world.state()), origins, dests_all))
    return tracker.close(trace.end_time)


def _all_faults(world: World, want: Mapping[str, Any], origins: Mapping[str, Any],
                dests: Iterable[str]) -> dict[tuple[str, str], list[str] | None]:
    """(dest, kind) -> witness path or None, for each of ``dests``: walks from every router the
    model says should reach the destination."""
    out: dict[tuple[str, str], list[str] | None] = {}
    for dest in dests:
        loop = hole = None
        if dest not in world.down:
            targets = [r for r, _m in origins.get(dest, ()) if r not in world.down]
            sources = [r for r in world.routers if r not in world.down and dest in want.get(r, {})]
            loop, hole = fault_witnesses(dest, sources, lambda r, d=dest: _hops(world, r, d), world.link_up, targets)
        out[(dest, "loop")], out[(dest, "blackhole")] = loop, hole
    return out


def _hops(world: World, router: str, dest: str) -> list[str]:
    entry = world.fibs[router].get(dest)
    return list(entry.next_hops) if entry is not None else []


class _FaultTracker:
    """Open fault intervals per (dest, kind), closed when the fault ends or its witness changes."""

    def __init__(self) -> None:
        self.open: dict[tuple[str, str], tuple[float, list[str]]] = {}
        self.done: list[dict[str, Any]] = []

    def observe(self, t: float, faults: Mapping[tuple[str, str], list[str] | None]) -> None:
        for key, path in faults.items():
            cur = self.open.get(key)
            if cur is not None and cur[1] == path:
                continue
            if cur is not None:
                self._finish(key, cur, t)
                del self.open[key]
            if path is not None:
                self.open[key] = (t, path)

    def _finish(self, key: tuple[str, str], cur: tuple[float, list[str]], t: float) -> None:
        if t > cur[0]:
            self.done.append({"t0": _t(cur[0]), "t1": _t(t), "dest": key[0], "kind": key[1], "path": cur[1]})

    def close(self, end: float) -> list[dict[str, Any]]:
        for key, cur in sorted(self.open.items()):
            self._finish(key, cur, max(end, cur[0]))
        self.open.clear()
        return sorted(self.done, key=lambda f: (f["t0"], f["dest"], f["kind"], f["t1"]))
