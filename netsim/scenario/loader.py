"""Scenario files (DESIGN §4.1): YAML in, a validated :class:`Scenario` out.

Validation happens entirely before anything runs, and every problem is one line naming the
file, the line and the key: ``scenarios/ring.yaml:14: events[2].link_down: no link r3–r9
(links of r3: r2, r4)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from netsim.engine.link import link_key
from netsim.errors import NetsimError, ScenarioError
from netsim.protocols import PROTOCOLS, canonical_name, known_names, validate_options
from netsim.scenario.faults import BfdSpec, FlowSpec, loss_map
from netsim.scenario.yamlsrc import LDict, LList, load_yaml, parse_yaml

DEFAULT_DELAY = 0.001
DEFAULT_PROTOCOLS = ("static", "linkstate", "distvector")
EVENT_KINDS = ("link_down", "link_up", "node_down", "node_up", "set_cost", "flap", "srlg", "set_loss")
TOP_KEYS = ("name", "description", "seed", "duration", "topology", "protocols", "events", "carrier_delay",
            "bfd", "flows", "loss", "jitter")
#: Keys a link written as a mapping may carry.
LINK_KEYS = ("a", "b", "cost", "delay", "loss", "jitter", "bfd")
EVENT_MODIFIERS = {
    "link_down": ("silent", "carrier_delay"),
    "link_up": ("carrier_delay",),
    "node_down": (),
    "node_up": (),
    "set_cost": ("cost",),
    "flap": ("period", "count", "down_time", "silent", "carrier_delay"),
    "srlg": ("silent", "carrier_delay"),
    "set_loss": ("loss",),
}


@dataclass(frozen=True, slots=True)
class EventSpec:
    """One scripted event, validated.  ``target`` is a link (two routers) or one router."""

    index: int
    time: float
    kind: str
    target: tuple[str, ...]
    silent: bool = False
    carrier_delay: float = 0.0
    cost: float | None = None
    period: float | None = None
    count: int | None = None
    down_time: float | None = None
    line: int = 0
    #: The links of a shared-risk event (srlg, or link_down/link_up naming several links).
    links: tuple[tuple[str, str], ...] = ()
    #: set_loss: the new loss per sending router.
    loss: tuple[tuple[str, float], ...] | None = None

    @property
    def end_time(self) -> float:
        """When the event's last change happens (a flap spans several)."""
        if self.kind == "flap":
            assert self.period is not None and self.count is not None and self.down_time is not None
            return self.time + (self.count - 1) * self.period + self.down_time
        return self.time

    def describe(self) -> str:
        tgt = "–".join(self.target)
        if self.links:
            names = ", ".join("–".join(k) for k in self.links)
            state = "up" if self.kind == "link_up" else f"down ({'silent' if self.silent else 'carrier loss'})"
            return f"links {names} {state} (shared risk)"
        if self.kind == "set_loss":
            assert self.loss is not None
            return f"link {tgt} loss → " + ", ".join(f"{p:g} from {n}" for n, p in self.loss)
        if self.kind == "link_down":
            return f"link {tgt} down ({'silent' if self.silent else 'carrier loss'})"
        if self.kind == "link_up":
            return f"link {tgt} up"
        if self.kind == "node_down":
            return f"router {tgt} crashes"
        if self.kind == "node_up":
            return f"router {tgt} restarts"
        if self.kind == "set_cost":
            return f"link {tgt} cost → {self.cost:g}"
        return f"link {tgt} flaps {self.count}× every {self.period:g} s"


@dataclass(frozen=True)
class Scenario:
    name: str
    graph: nx.Graph
    protocols: dict[str, dict[str, Any]]
    events: tuple[EventSpec, ...]
    seed: int = 0
    duration: float | None = None
    description: str = ""
    carrier_delay: float = 0.0
    path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: BFD on every link (a link's own ``bfd`` key overrides it); None: no BFD.
    bfd: BfdSpec | None = None
    #: Probe traffic for the data plane; None: no data-plane figures.
    flows: FlowSpec | None = None

    @property
    def routers(self) -> list[str]:
        return sorted(self.graph.nodes)


# ----------------------------------------------------------------------------------------------
def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` with one clear line."""
    p = Path(path)
    display = str(path)
    doc = load_yaml(p, display, ScenarioError)
    return _Validator(display, p.parent).scenario(doc, default_name=p.stem, path=p)


def parse_scenario(text: str, *, display: str = "<scenario>", base_dir: str | Path = ".") -> Scenario:
    """Validate a scenario given as YAML text (tests, notebooks)."""
    doc = parse_yaml(text, display, ScenarioError)
    return _Validator(display, Path(base_dir)).scenario(doc, default_name="scenario", path=None)


class _Validator:
    def __init__(self, display: str, base_dir: Path) -> None:
        self.display = display
        self.base_dir = base_dir

    def fail(self, line: int, key: str, message: str) -> ScenarioError:
        where = f"{self.display}:{line}" if line else self.display
        return ScenarioError(f"{where}: {key}: {message}" if key else f"{where}: {message}")

    # -- top level ---------------------------------------------------------------------------
    def scenario(self, doc: Any, *, default_name: str, path: Path | None) -> Scenario:
        if not isinstance(doc, LDict):
            raise self.fail(1, "", "a scenario must be a YAML mapping with at least a 'topology' key")
        for key in doc:
            if key not in TOP_KEYS:
                raise self.fail(doc.line_of(key), str(key),
                                f"unknown key (expected one of: {', '.join(TOP_KEYS)})")
        if "topology" not in doc:
            raise self.fail(doc.line, "topology", "missing (every scenario needs a topology)")
        name = doc.get("name", default_name)
        if not isinstance(name, str) or not name:
            raise self.fail(doc.line_of("name"), "name", f"must be a non-empty string, got {name!r}")
        seed = doc.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise self.fail(doc.line_of("seed"), "seed", f"must be a whole number >= 0, got {seed!r}")
        duration = doc.get("duration")
        if duration is not None:
            duration = self.number(doc, "duration", "duration", positive=True)
        carrier_delay = self.number(doc, "carrier_delay", "carrier_delay") if "carrier_delay" in doc else 0.0
        description = doc.get("description", "")
        if not isinstance(description, str):
            raise self.fail(doc.line_of("description"), "description", "must be a string")
        graph = self.topology(doc["topology"], doc.line_of("topology"))
        self.fault_defaults(doc, graph)
        bfd = self.bfd_spec(doc["bfd"], doc.line_of("bfd"), "bfd") if "bfd" in doc else None
        bfd = bfd if isinstance(bfd, BfdSpec) else None
        flows = self.flows(doc["flows"], doc.line_of("flows"), graph) if "flows" in doc else None
        protocols = self.protocols(doc.get("protocols"), doc.line_of("protocols"))
        events = self.events(doc.get("events"), doc.line_of("events"), graph, carrier_delay)
        if duration is not None:
            for ev in events:
                if ev.end_time > duration:
                    raise self.fail(ev.line, f"events[{ev.index}]",
                                    f"happens at {ev.end_time:g} s, after the scenario's duration "
                                    f"({duration:g} s)")
        return Scenario(name=name, graph=graph, protocols=protocols, events=tuple(events), seed=seed,
                        duration=duration, description=description.strip(), carrier_delay=carrier_delay,
                        path=path, bfd=bfd, flows=flows)

    def number(self, mapping: Mapping[str, Any], key: str, label: str, *, positive: bool = False,
               integer: bool = False) -> float:
        value = mapping[key]
        line = mapping.line_of(key) if isinstance(mapping, LDict) else 0
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) \
                or math.isinf(value):
            raise self.fail(line, label, f"must be a number, got {value!r}")
        if integer and not float(value).is_integer():
            raise self.fail(line, label, f"must be a whole number, got {value!r}")
        if positive and value <= 0:
            raise self.fail(line, label, f"must be > 0, got {value!r}")
        if value < 0:
            raise self.fail(line, label, f"must be >= 0, got {value!r}")
        return value

    # -- topology ------------------------------------------------------------------------------
    def topology(self, spec: Any, line: int) -> nx.Graph:
        if not isinstance(spec, LDict):
            raise self.fail(line, "topology", "must be a mapping with nodes/links, file, generator or topohub")
        sources = [k for k in ("links", "file", "generator", "topohub") if k in spec]
        if "nodes" in spec and "links" not in spec:
            sources.append("nodes")
        if len(sources) != 1:
            found = ", ".join(sources) or "none of them"
            raise self.fail(spec.line, "topology",
                            f"needs exactly one of links (with optional nodes), file, generator, topohub; "
                            f"found {found}")
        if sources[0] in ("links", "nodes"):
            graph = self.inline_topology(spec)
        else:
            graph = self.external_topology(spec, sources[0])
        if graph.number_of_nodes() == 0:
            raise self.fail(spec.line, "topology", "has no routers")
        return graph

    def inline_topology(self, spec: LDict) -> nx.Graph:
        for key in spec:
            if key not in ("nodes", "links", "name"):
                raise self.fail(spec.line_of(key), f"topology.{key}",
                                "unknown key for an inline topology (expected nodes, links)")
        g = nx.Graph()
        nodes = spec.get("nodes", LList())
        if not isinstance(nodes, list):
            raise self.fail(spec.line_of("nodes"), "topology.nodes", "must be a list of router names")
        for i, n in enumerate(nodes):
            name = self.router_name(n, nodes.line_of(i) if isinstance(nodes, LList) else spec.line,
                                    f"topology.nodes[{i}]")
            if name in g:
                raise self.fail(nodes.line_of(i), f"topology.nodes[{i}]", f"duplicate router {name}")
            g.add_node(name)
        listed = set(g.nodes)
        links = spec.get("links", LList())
        if not isinstance(links, list):
            raise self.fail(spec.line_of("links"), "topology.links", "must be a list of links")
        for i, item in enumerate(links):
            line = links.line_of(i) if isinstance(links, LList) else spec.line
            label = f"topology.links[{i}]"
            a, b, cost, delay = self.link_item(item, line, label)
            if a == b:
                raise self.fail(line, label, f"self-loop {a}–{a} (a link needs two different routers)")
            if listed:
                for n in (a, b):
                    if n not in listed:
                        raise self.fail(line, label, f"unknown router {n} (not in topology.nodes){_suggest(n, g)}")
            if g.has_edge(a, b):
                raise self.fail(line, label, f"duplicate link {a}–{b}")
            g.add_edge(a, b, cost=cost, delay=delay)
            if isinstance(item, LDict):
                g.edges[a, b].update(self.link_faults(item, label, a, b))
        return g

    def link_item(self, item: Any, line: int, label: str) -> tuple[str, str, float, float]:
        if isinstance(item, list):
            if len(item) not in (2, 3):
                raise self.fail(line, label, f"a link is [a, b] or [a, b, cost], got {list(item)!r}")
            a = self.router_name(item[0], line, label)
            b = self.router_name(item[1], line, label)
            cost = self.cost_value(item[2], line, label) if len(item) == 3 else 1
            return a, b, cost, DEFAULT_DELAY
        if isinstance(item, LDict):
            for key in item:
                if key not in LINK_KEYS:
                    raise self.fail(item.line_of(key), f"{label}.{key}",
                                    f"unknown key (expected {', '.join(LINK_KEYS)})")
            for key in ("a", "b"):
                if key not in item:
                    raise self.fail(item.line, label, f"missing '{key}' (a link names routers a and b)")
            a = self.router_name(item["a"], item.line_of("a"), f"{label}.a")
            b = self.router_name(item["b"], item.line_of("b"), f"{label}.b")
            cost = self.cost_value(item["cost"], item.line_of("cost"), f"{label}.cost") if "cost" in item else 1
            delay = self.number(item, "delay", f"{label}.delay") if "delay" in item else DEFAULT_DELAY
            return a, b, cost, float(delay)
        raise self.fail(line, label, f"a link is [a, b], [a, b, cost] or {{a, b, cost, delay}}, got {item!r}")

    def cost_value(self, value: Any, line: int, label: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(line, label, f"cost must be a number, got {value!r}")
        if value <= 0:
            raise self.fail(line, label, f"cost must be > 0, got {value!r}")
        return int(value) if float(value).is_integer() else float(value)

    def router_name(self, value: Any, line: int, label: str) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
            raise self.fail(line, label, f"a router name must be a string, got {value!r}")
        return str(value)

    def external_topology(self, spec: LDict, source: str) -> nx.Graph:
        from netsim.topology import load as topology  # only needed for external sources

        try:
            return topology.load_any(dict(spec), base_dir=self.base_dir)
        except NetsimError as exc:
            raise self.fail(spec.line_of(source), f"topology.{source}", str(exc)) from None

    # -- fault models: loss, jitter, BFD, probe flows ----------------------------------------------
    def link_faults(self, item: LDict, label: str, a: str, b: str) -> dict[str, Any]:
        """A link's own loss / jitter / bfd, as edge attributes."""
        out: dict[str, Any] = {}
        if "loss" in item:
            out["loss"] = loss_map(a, b, self.loss_value(item["loss"], item.line_of("loss"), f"{label}.loss"))
        if "jitter" in item:
            out["jitter"] = float(self.number(item, "jitter", f"{label}.jitter"))
        if "bfd" in item:
            out["bfd"] = self.bfd_spec(item["bfd"], item.line_of("bfd"), f"{label}.bfd")
        return out

    def fault_defaults(self, doc: LDict, graph: nx.Graph) -> None:
        """Top-level ``loss`` / ``jitter`` apply to every link that does not set its own."""
        loss = self.loss_value(doc["loss"], doc.line_of("loss"), "loss") if "loss" in doc else None
        jitter = float(self.number(doc, "jitter", "jitter")) if "jitter" in doc else None
        for u, v, data in graph.edges(data=True):
            if loss is not None and "loss" not in data:
                a, b = link_key(str(u), str(v))
                data["loss"] = loss_map(a, b, loss)
            if jitter is not None and "jitter" not in data:
                data["jitter"] = jitter

    def loss_value(self, value: Any, line: int, label: str) -> float | tuple[float, float]:
        """``p`` for both directions, or ``[p_ab, p_ba]``; each a probability in [0, 1]."""
        items = list(value) if isinstance(value, list) else [value]
        if isinstance(value, list) and len(items) != 2:
            raise self.fail(line, label, f"must be a probability or [a→b, b→a], got {value!r}")
        for x in items:
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not 0 <= x <= 1:
                raise self.fail(line, label, f"must be a probability between 0 and 1, got {x!r}")
        return (float(items[0]), float(items[1])) if isinstance(value, list) else float(value)

    def bfd_spec(self, value: Any, line: int, label: str) -> BfdSpec | bool:
        """``true`` (defaults), ``false`` (off) or ``{interval, multiplier, slow_interval}``."""
        if isinstance(value, bool):
            return BfdSpec() if value else False
        if not isinstance(value, LDict):
            raise self.fail(line, label, f"must be true, false or {{interval, multiplier}}, got {value!r}")
        for key in value:
            if key not in ("interval", "multiplier", "slow_interval"):
                raise self.fail(value.line_of(key), f"{label}.{key}",
                                "unknown key (expected interval, multiplier, slow_interval)")
        kw: dict[str, Any] = {}
        if "interval" in value:
            kw["interval"] = float(self.number(value, "interval", f"{label}.interval", positive=True))
        if "multiplier" in value:
            kw["multiplier"] = int(self.number(value, "multiplier", f"{label}.multiplier", positive=True,
                                               integer=True))
        if "slow_interval" in value:
            kw["slow_interval"] = float(self.number(value, "slow_interval", f"{label}.slow_interval",
                                                    positive=True))
        return BfdSpec(**kw)

    def flows(self, value: Any, line: int, graph: nx.Graph) -> FlowSpec:
        if not isinstance(value, LDict):
            raise self.fail(line, "flows", "must be a mapping like {pairs: all, rate: 100, ttl: 64}")
        for key in value:
            if key not in ("pairs", "sample", "rate", "ttl", "start"):
                raise self.fail(value.line_of(key), f"flows.{key}",
                                "unknown key (expected pairs, sample, rate, ttl, start)")
        kw: dict[str, Any] = {}
        pairs = value.get("pairs", "all")
        if pairs != "all":
            if not isinstance(pairs, LList) or not pairs:
                raise self.fail(value.line_of("pairs"), "flows.pairs", "must be 'all' or a list of [source, dest]")
            out = []
            for i, item in enumerate(pairs):
                lbl = f"flows.pairs[{i}]"
                if not isinstance(item, list) or len(item) != 2:
                    raise self.fail(pairs.line_of(i), lbl, f"a flow is [source, dest], got {item!r}")
                a, b = (self.router_name(x, pairs.line_of(i), lbl) for x in item)
                for n in (a, b):
                    if n not in graph:
                        raise self.fail(pairs.line_of(i), lbl, f"unknown router {n}{_suggest(n, graph)}")
                if a == b:
                    raise self.fail(pairs.line_of(i), lbl, "source and destination are the same router")
                out.append((a, b))
            kw["pairs"] = tuple(out)
        if "sample" in value:
            kw["sample"] = int(self.number(value, "sample", "flows.sample", positive=True, integer=True))
        if "rate" in value:
            kw["rate"] = float(self.number(value, "rate", "flows.rate", positive=True))
        if "ttl" in value:
            kw["ttl"] = int(self.number(value, "ttl", "flows.ttl", positive=True, integer=True))
        if "start" in value:
            kw["start"] = float(self.number(value, "start", "flows.start"))
        return FlowSpec(**kw)

    # -- protocols -------------------------------------------------------------------------------
    def protocols(self, spec: Any, line: int) -> dict[str, dict[str, Any]]:
        if spec is None:
            return {name: PROTOCOLS[name].defaults() for name in DEFAULT_PROTOCOLS}
        items: list[tuple[Any, Any, int]]
        if isinstance(spec, LList):
            items = [(name, None, spec.line_of(i)) for i, name in enumerate(spec)]
        elif isinstance(spec, LDict):
            items = [(name, opts, spec.line_of(name)) for name, opts in spec.items()]
        else:
            raise self.fail(line, "protocols", "must be a list of names or a mapping name → options")
        if not items:
            raise self.fail(line, "protocols", "is empty (name at least one protocol)")
        out: dict[str, dict[str, Any]] = {}
        for name, opts, ln in items:
            canon = canonical_name(str(name)) if isinstance(name, str) else None
            if canon is None:
                raise self.fail(ln, f"protocols.{name}", f"unknown protocol (known: {', '.join(known_names())})")
            if canon in out:
                raise self.fail(ln, f"protocols.{name}", f"{canon} is listed twice")
            if opts is None:
                opts = {}
            if not isinstance(opts, Mapping):
                raise self.fail(ln, f"protocols.{name}", "options must be a mapping of timer → value")
            merged, err = validate_options(PROTOCOLS[canon], opts)
            if err:
                key = err.split(":", 1)[0]
                opt_line = opts.line_of(key) if isinstance(opts, LDict) else ln
                raise self.fail(opt_line, f"protocols.{name}.{key}", err.split(": ", 1)[1])
            self.check_protocol_consistency(canon, merged, ln, name)
            out[canon] = merged
        return out

    def check_protocol_consistency(self, canon: str, o: dict[str, Any], line: int, name: str) -> None:
        if canon == "linkstate" and o["dead_interval"] <= o["hello_interval"]:
            raise self.fail(line, f"protocols.{name}.dead_interval",
                            f"must be greater than hello_interval ({o['hello_interval']:g} s)")
        if canon == "distvector" and o["triggered_min"] > o["triggered_max"]:
            raise self.fail(line, f"protocols.{name}.triggered_min", "must not exceed triggered_max")

    # -- events -------------------------------------------------------------------------------------
    def events(self, spec: Any, line: int, graph: nx.Graph, carrier_delay: float) -> list[EventSpec]:
        if spec is None:
            return []
        if not isinstance(spec, LList):
            raise self.fail(line, "events", "must be a list of events")
        out = [self.event(i, item, spec.line_of(i), graph, carrier_delay) for i, item in enumerate(spec)]
        out.sort(key=lambda e: (e.time, e.index))
        return [EventSpec(**{**_fields(e), "index": i}) for i, e in enumerate(out)]

    def event(self, index: int, item: Any, line: int, graph: nx.Graph, carrier_delay: float) -> EventSpec:
        label = f"events[{index}]"
        if not isinstance(item, LDict):
            raise self.fail(line, label, "an event is a mapping like {at: 60, link_down: [r1, r2]}")
        if "at" not in item:
            raise self.fail(item.line, label, "missing 'at' (the time in simulated seconds)")
        at = self.number(item, "at", f"{label}.at")
        kinds = [k for k in item if k in EVENT_KINDS]
        if len(kinds) != 1:
            raise self.fail(item.line, label,
                            f"needs exactly one of {', '.join(EVENT_KINDS)}; found {', '.join(kinds) or 'none'}")
        kind = kinds[0]
        allowed = ("at", kind, *EVENT_MODIFIERS[kind])
        for key in item:
            if key not in allowed:
                raise self.fail(item.line_of(key), f"{label}.{key}",
                                f"not valid for {kind} (allowed: {', '.join(allowed)})")
        kl = item.line_of(kind)
        kw: dict[str, Any] = {"silent": bool(item.get("silent", False)),
                              "carrier_delay": carrier_delay}
        if kind in ("node_down", "node_up"):
            node = self.router_name(item[kind], kl, f"{label}.{kind}")
            if node not in graph:
                raise self.fail(kl, f"{label}.{kind}", f"unknown router {node}{_suggest(node, graph)}")
            target: tuple[str, ...] = (node,)
        elif kind == "srlg" or (kind in ("link_down", "link_up") and _is_link_list(item[kind])):
            links = self.link_list(item[kind], kl, f"{label}.{kind}", graph)
            kw["links"] = links
            target = tuple(n for k in links for n in k)
        else:
            target = self.link_target(item[kind], kl, f"{label}.{kind}", graph)
        if kind == "set_loss":
            if "loss" not in item:
                raise self.fail(item.line, label, "set_loss needs 'loss'")
            value = self.loss_value(item["loss"], item.line_of("loss"), f"{label}.loss")
            given = (self.router_name(item[kind][0], kl, label), self.router_name(item[kind][1], kl, label))
            kw["loss"] = tuple(sorted(loss_map(*given, value).items()))
        if "silent" in item and not isinstance(item["silent"], bool):
            raise self.fail(item.line_of("silent"), f"{label}.silent", "must be true or false")
        if "carrier_delay" in item:
            kw["carrier_delay"] = self.number(item, "carrier_delay", f"{label}.carrier_delay")
        if kind == "set_cost":
            if "cost" not in item:
                raise self.fail(item.line, label, "set_cost needs 'cost'")
            kw["cost"] = self.cost_value(item["cost"], item.line_of("cost"), f"{label}.cost")
        if kind == "flap":
            for key in ("period", "count"):
                if key not in item:
                    raise self.fail(item.line, label, f"flap needs '{key}'")
            kw["period"] = self.number(item, "period", f"{label}.period", positive=True)
            kw["count"] = int(self.number(item, "count", f"{label}.count", positive=True, integer=True))
            down = self.number(item, "down_time", f"{label}.down_time", positive=True) \
                if "down_time" in item else kw["period"] / 2
            if down >= kw["period"]:
                raise self.fail(item.line_of("down_time"), f"{label}.down_time",
                                f"must be shorter than the period ({kw['period']:g} s)")
            kw["down_time"] = down
        return EventSpec(index=index, time=float(at), kind=kind, target=target, line=line, **kw)

    def link_list(self, value: Any, line: int, label: str, graph: nx.Graph) -> tuple[tuple[str, str], ...]:
        """A shared-risk group: ``[[a, b], [c, d], ...]``, each a distinct existing link."""
        if not _is_link_list(value):
            raise self.fail(line, label, f"must list links as [[a, b], [c, d], ...], got {value!r}")
        links = tuple(self.link_target(x, line, f"{label}[{i}]", graph) for i, x in enumerate(value))
        if len(set(links)) != len(links):
            raise self.fail(line, label, "names a link twice")
        return links

    def link_target(self, value: Any, line: int, label: str, graph: nx.Graph) -> tuple[str, str]:
        if not isinstance(value, list) or len(value) != 2:
            raise self.fail(line, label, f"must name a link as [a, b], got {value!r}")
        a = self.router_name(value[0], line, label)
        b = self.router_name(value[1], line, label)
        for n in (a, b):
            if n not in graph:
                raise self.fail(line, label, f"unknown router {n}{_suggest(n, graph)}")
        if not graph.has_edge(a, b):
            nbrs = ", ".join(sorted(graph[a])) or "none"
            raise self.fail(line, label, f"no link {a}–{b} (links of {a}: {nbrs})")
        return link_key(a, b)


def _is_link_list(value: Any) -> bool:
    return isinstance(value, list) and len(value) > 0 and all(isinstance(x, list) for x in value)


def _fields(e: EventSpec) -> dict[str, Any]:
    return {f: getattr(e, f) for f in EventSpec.__slots__}


def _suggest(name: str, graph: nx.Graph) -> str:
    import difflib

    close = difflib.get_close_matches(name, [str(n) for n in graph.nodes], n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""
