"""Scenario files: YAML in, a validated :class:`~netsim.scenario.model.Scenario` out.

Validation happens entirely before anything runs, and every problem is one line naming the
file, the line and the key: ``scenarios/ring.yaml:14: events[2].link_down: no link r3–r9
(links of r3: r2, r4)``.  The format is documented in ``docs/scenario-format.md``.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from netsim.errors import NetsimError, ScenarioError
from netsim.names import hint
from netsim.protocols import PROTOCOLS, canonical_name, known_names, validate_options
from netsim.scenario.config import configured_per_router, router_configs
from netsim.scenario.events import EVENT_KINDS, Event, Flap, LinkDown, LinkUp, NodeDown, NodeUp
from netsim.scenario.faults import BfdSpec, FlowSpec, loss_map
from netsim.scenario.infinity import infinity_warning
from netsim.scenario.model import DEFAULT_PROTOCOLS, RouterSpec, Scenario
from netsim.scenario.yamlsrc import LDict, LList, load_yaml, parse_yaml, short, source_text
from netsim.topology.common import DEFAULT_DELAY, MAX_COST, link_key, name_problem
from netsim.topology.graph import Graph

TOP_KEYS = ("name", "description", "seed", "duration", "topology", "protocols", "events", "carrier_delay",
            "bfd", "flows", "loss", "jitter", "routers", "prefixes")
#: Keys a link written as a mapping may carry.
LINK_KEYS = ("a", "b", "cost", "delay", "loss", "jitter", "bfd", "relationship", "bandwidth", "eigrp_delay")
ROUTER_KEYS = ("as", "prefixes", "interfaces")
RELATIONSHIPS = ("p2c", "c2p", "p2p")


# ----------------------------------------------------------------------------------------------
def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` with one clear line."""
    if not isinstance(path, (str, Path)) or str(path) == "":
        raise ScenarioError(f"load_scenario: expected a path to a scenario file, got {_short(path)}")
    p = Path(path)
    display = short(str(path), 200)  # every message names the file: a path of any length stays one short line
    doc = load_yaml(p, display, ScenarioError)
    return _Validator(display, p.parent).scenario(doc, default_name=p.stem, path=p)


def parse_scenario(text: str, *, display: str = "<scenario>", base_dir: str | Path = ".",
                   name: str = "scenario") -> Scenario:
    """Validate a scenario given as YAML text (tests, notebooks, sweeps)."""
    if not isinstance(text, str):
        raise ScenarioError(f"parse_scenario: expected YAML text, got {type(text).__name__}")
    if not isinstance(display, str):
        raise ScenarioError(f"parse_scenario: display must be a string naming the text, got {type(display).__name__}")
    if not isinstance(base_dir, (str, Path)):
        raise ScenarioError(f"parse_scenario: base_dir must be a directory path, got {type(base_dir).__name__}")
    if not isinstance(name, str):
        raise ScenarioError(f"parse_scenario: name must be a string, got {type(name).__name__}")
    doc = parse_yaml(text, display, ScenarioError)
    return _Validator(display, Path(base_dir)).scenario(doc, default_name=name, path=None)


class _Validator:
    """Checks a parsed scenario document; also the :class:`~netsim.scenario.events.Checker`
    events use to parse themselves."""

    def __init__(self, display: str, base_dir: Path) -> None:
        self.display = display
        self.base_dir = base_dir
        self.graph: Graph = Graph()
        self.sources: list[Path] = []

    def fail(self, line: int, key: str, message: str) -> ScenarioError:
        where = f"{self.display}:{line}" if line else self.display
        return ScenarioError(f"{where}: {key}: {message}" if key else f"{where}: {message}")

    # -- top level ---------------------------------------------------------------------------
    def scenario(self, doc: Any, *, default_name: str, path: Path | None) -> Scenario:
        if not isinstance(doc, LDict):
            raise self.fail(1, "", "a scenario must be a YAML mapping with at least a 'topology' key")
        for key in doc:
            if key not in TOP_KEYS:
                raise self.fail(doc.line_of(key), str(key)[:40],
                                f"unknown key (expected one of: {', '.join(TOP_KEYS)})")
        if "topology" not in doc:
            raise self.fail(doc.line, "topology", "missing (every scenario needs a topology)")
        name = doc.get("name", default_name)
        if not isinstance(name, str) or not name or any(c in name for c in "\n\r\t"):
            raise self.fail(doc.line_of("name"), "name", f"must be a non-empty one-line string, got {_short(name)}")
        seed = doc.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
            raise self.fail(doc.line_of("seed"), "seed", f"must be a whole number >= 0, got {_short(seed)}")
        duration = doc.get("duration")
        if duration is not None:
            duration = self.number(doc, "duration", "duration", positive=True)
        carrier_delay = self.number(doc, "carrier_delay", "carrier_delay") if "carrier_delay" in doc else 0.0
        description = doc.get("description", "")
        if not isinstance(description, str):
            raise self.fail(doc.line_of("description"), "description", "must be a string")
        graph = self.topology(doc["topology"], doc.line_of("topology"))
        self.graph = graph
        self.fault_defaults(doc, graph)
        bfd = self.bfd_spec(doc["bfd"], doc.line_of("bfd"), "bfd") if "bfd" in doc else None
        bfd = bfd if isinstance(bfd, BfdSpec) else None
        flows = self.flows(doc["flows"], doc.line_of("flows"), graph) if "flows" in doc else None
        protocols = self.protocols(doc.get("protocols"), doc.line_of("protocols"))
        routers = self.routers(doc.get("routers"), doc.line_of("routers"), graph, protocols)
        self.top_prefixes(doc.get("prefixes"), doc.line_of("prefixes"), graph)
        self.check_prefixes(graph)
        events = self.events(doc.get("events"), doc.line_of("events"), carrier_delay)
        if duration is not None:
            for ev in events:
                if ev.end_time >= duration:
                    raise self.fail(ev.line, f"events[{ev.index}]",
                                    f"happens at {ev.end_time:g} s, not before the scenario's duration "
                                    f"({duration:g} s): it would not be measured")
        sc = Scenario(name=name, graph=graph, protocols=protocols, events=tuple(events), seed=seed,
                      duration=duration, description=description.strip(), carrier_delay=carrier_delay,
                      path=path, bfd=bfd, flows=flows, router_config=routers, sources=tuple(self.sources))
        self.check_router_options(sc, doc)
        self.warn_beyond_infinity(sc, doc)
        return sc

    def warn_beyond_infinity(self, sc: Scenario, doc: LDict) -> None:
        """Path costs a protocol's metric cannot carry (RIP's infinity): warned about before any run."""
        import warnings

        line = doc.line_of("protocols") if "protocols" in doc else doc.line_of("topology")
        for name, options in sc.protocols.items():
            text = infinity_warning(sc, name, PROTOCOLS[name], options)
            if text is not None:
                warnings.warn(f"{self.display}:{line}: {text}", stacklevel=3)

    def number(self, mapping: Mapping[str, Any], key: str, label: str, *, positive: bool = False,
               integer: bool = False) -> float:
        value = mapping[key]
        line = mapping.line_of(key) if isinstance(mapping, LDict) else 0
        return self.number_value(value, line, label, positive=positive, integer=integer)

    def number_value(self, value: Any, line: int, label: str, *, positive: bool = False,
                     integer: bool = False) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(line, label, f"must be a number, got {_short(value)}")
        if isinstance(value, int) and abs(value) > 10**15:
            raise self.fail(line, label, f"is out of range, got {_short(value)}")
        if math.isnan(value) or math.isinf(value):
            raise self.fail(line, label, f"must be a finite number, got {_short(value)}")
        if integer and not float(value).is_integer():
            raise self.fail(line, label, f"must be a whole number, got {_short(value)}")
        if positive and value <= 0:
            raise self.fail(line, label, f"must be > 0, got {_short(value)}")
        if value < 0:
            raise self.fail(line, label, f"must be >= 0, got {_short(value)}")
        return value

    # -- topology ------------------------------------------------------------------------------
    def topology(self, spec: Any, line: int) -> Graph:
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
        for n in graph.nodes:
            problem = name_problem(str(n))
            if problem:
                raise self.fail(spec.line, "topology", f"router name {_short(str(n))}: {problem}")
        return graph

    def inline_topology(self, spec: LDict) -> Graph:
        for key in spec:
            if key not in ("nodes", "links", "name"):
                raise self.fail(spec.line_of(key), f"topology.{key}",
                                "unknown key for an inline topology (expected nodes, links)")
        g = Graph()
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
            g.add_edge(a, b, delay=delay)
            self.set_costs(g, a, b, cost, line, f"{label}.cost")
            if isinstance(item, LDict):
                g.edges[a, b].update(self.link_faults(item, label, a, b))
                g.edges[a, b].update(self.link_attributes(item, label, a, b))
        return g

    def link_item(self, item: Any, line: int, label: str) -> tuple[str, str, Any, float]:
        if isinstance(item, list):
            if len(item) not in (2, 3):
                raise self.fail(line, label, f"a link is [a, b] or [a, b, cost], got {_short(list(item))}")
            a = self.router_name(item[0], line, label)
            b = self.router_name(item[1], line, label)
            cost = self.cost_value(item[2], line, label) if len(item) == 3 else 1
            return a, b, cost, DEFAULT_DELAY
        if isinstance(item, LDict):
            for key in item:
                if key not in LINK_KEYS:
                    raise self.fail(item.line_of(key), f"{label}.{str(key)[:40]}",
                                    f"unknown key (expected {', '.join(LINK_KEYS)})")
            for key in ("a", "b"):
                if key not in item:
                    raise self.fail(item.line, label, f"missing '{key}' (a link names routers a and b)")
            a = self.router_name(item["a"], item.line_of("a"), f"{label}.a")
            b = self.router_name(item["b"], item.line_of("b"), f"{label}.b")
            cost: Any = item.get("cost", 1)
            delay = self.number(item, "delay", f"{label}.delay") if "delay" in item else DEFAULT_DELAY
            return a, b, cost, float(delay)
        raise self.fail(line, label, f"a link is [a, b], [a, b, cost] or {{a, b, cost, delay}}, got {_short(item)}")

    def set_costs(self, g: Graph, a: str, b: str, cost: Any, line: int, label: str) -> None:
        """``cost: 5`` (both directions) or ``cost: {a: 5, b: 7}`` (per sending end)."""
        costs = self.cost_map(cost, line, label, (a, b))
        data = g.edges[a, b]
        if costs[a] == costs[b]:
            data["cost"] = costs[a]
            data.pop("costs", None)
        else:
            data["cost"] = min(costs.values())
            data["costs"] = costs

    def cost_map(self, value: Any, line: int, label: str, link: tuple[str, str],
                 what: str = "cost") -> dict[str, float]:
        """One positive number for both ends of ``link``, or one per end (``{a: x, b: y}``)."""
        a, b = link
        if isinstance(value, Mapping):
            ends = {str(k) for k in value}
            if ends != {a, b}:
                raise self.fail(line, label, f"a {what} per direction names both ends, {a} and {b} "
                                             f"(got {', '.join(sorted(ends)) or 'none'})")
            return {a: self.cost_value(value[_key_for(value, a)], line, label, what),
                    b: self.cost_value(value[_key_for(value, b)], line, label, what)}
        c = self.cost_value(value, line, label, what)
        return {a: c, b: c}

    def cost_value(self, value: Any, line: int, label: str, what: str = "cost") -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or abs(value) > MAX_COST:
            raise self.fail(line, label, f"{what} must be a finite number up to {MAX_COST:g}, got {_short(value)}")
        if value <= 0:
            raise self.fail(line, label, f"{what} must be > 0, got {_short(value)}")
        return int(value) if float(value).is_integer() else float(value)

    def router_name(self, value: Any, line: int, label: str) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(line, label, f"a router name must be a string, got {_short(value)}")
        name = source_text(value)
        problem = name_problem(name)
        if problem:
            raise self.fail(line, label, f"router name {_short(name)}: {problem}")
        return name

    def link_attributes(self, item: LDict, label: str, a: str, b: str) -> dict[str, Any]:
        """Business relationship (BGP) and interface bandwidth / delay (EIGRP)."""
        out: dict[str, Any] = {}
        if "relationship" in item:
            rel = item["relationship"]
            if rel not in RELATIONSHIPS:
                raise self.fail(item.line_of("relationship"), f"{label}.relationship",
                                f"must be one of {', '.join(RELATIONSHIPS)} (p2c: a is b's provider), "
                                f"got {_short(rel)}")
            out["relationship"] = "p2p" if rel == "p2p" else "p2c"
            if rel != "p2p":
                out["provider"] = a if rel == "p2c" else b
        if "bandwidth" in item:
            out["bandwidth"] = float(self.number(item, "bandwidth", f"{label}.bandwidth", positive=True))
        if "eigrp_delay" in item:
            out["eigrp_delay"] = float(self.number(item, "eigrp_delay", f"{label}.eigrp_delay", positive=True))
        return out

    def external_topology(self, spec: LDict, source: str) -> Graph:
        from netsim.topology import load as topology  # only needed for external sources

        if source == "file" and isinstance(spec.get("file"), str):
            self.sources.append(Path(self.base_dir) / spec["file"])
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

    def fault_defaults(self, doc: LDict, graph: Graph) -> None:
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
            raise self.fail(line, label, f"must be a probability or [a→b, b→a], got {_short(value)}")
        for x in items:
            if isinstance(x, bool) or not isinstance(x, (int, float)) or not 0 <= x <= 1:
                raise self.fail(line, label, f"must be a probability between 0 and 1, got {_short(x)}")
        return (float(items[0]), float(items[1])) if isinstance(value, list) else float(value)

    def bfd_spec(self, value: Any, line: int, label: str) -> BfdSpec | bool:
        """``true`` (defaults), ``false`` (off) or ``{interval, multiplier, slow_interval}``."""
        if isinstance(value, bool):
            return BfdSpec() if value else False
        if not isinstance(value, LDict):
            raise self.fail(line, label, f"must be true, false or {{interval, multiplier}}, got {_short(value)}")
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

    def flows(self, value: Any, line: int, graph: Graph) -> FlowSpec:
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
                    raise self.fail(pairs.line_of(i), lbl, f"a flow is [source, dest], got {_short(item)}")
                a, b = (self.router(x, pairs.line_of(i), lbl) for x in item)
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
                raise self.fail(ln, f"protocols.{str(name)[:40]}",
                                f"unknown protocol (known: {', '.join(known_names())})")
            if canon in out:
                raise self.fail(ln, f"protocols.{name}", f"{canon} is listed twice")
            if opts is None:
                opts = {}
            if not isinstance(opts, Mapping):
                raise self.fail(ln, f"protocols.{name}", "options must be a mapping of timer → value")
            out[canon] = self.options(PROTOCOLS[canon], opts, None, ln, f"protocols.{name}")
        return out

    def options(self, cls: Any, opts: Mapping[str, Any], base: Mapping[str, Any] | None, line: int, label: str,
                interface: bool = False) -> dict[str, Any]:
        merged, err = validate_options(cls, opts, base=base, interface=interface)
        if err:
            key, message = err.split(": ", 1)
            opt_line = opts.line_of(key) if isinstance(opts, LDict) and key in opts else line
            raise self.fail(opt_line, f"{label}.{key[:40]}", message)
        return merged

    # -- routers: AS, prefixes, per-router and per-interface options -------------------------------
    def routers(self, spec: Any, line: int, graph: Graph, protocols: dict[str, dict[str, Any]]
                ) -> dict[str, RouterSpec]:
        if spec is None:
            return {}
        if not isinstance(spec, LDict):
            raise self.fail(line, "routers", "must be a mapping router → {as, prefixes, interfaces, <protocol>: ...}")
        out: dict[str, RouterSpec] = {}
        for raw, body in spec.items():
            ln = spec.line_of(raw)
            name = self.router_name(raw, ln, "routers")
            label = f"routers.{name}"
            if name not in graph:
                raise self.fail(ln, label, f"unknown router{_suggest(name, graph)}")
            if not isinstance(body, LDict):
                raise self.fail(ln, label, "must be a mapping like {as: 65001, linkstate: {spf_delay: 0.1}}")
            asn = None
            options: dict[str, dict[str, Any]] = {}
            interfaces: dict[str, dict[str, dict[str, Any]]] = {}
            for key, value in body.items():
                kl = body.line_of(key)
                if key == "as":
                    asn = int(self.number_value(value, kl, f"{label}.as", positive=True, integer=True))
                    if asn >= 2**32:
                        raise self.fail(kl, f"{label}.as", f"must be below 2^32, got {asn}")
                    graph.nodes[name]["asn"] = asn
                elif key == "prefixes":
                    self.add_prefixes(graph, name, value, kl, f"{label}.prefixes")
                elif key == "interfaces":
                    interfaces = self.interfaces(value, kl, label, name, graph, protocols)
                else:
                    canon = canonical_name(str(key))
                    if canon is None:
                        raise self.fail(kl, f"{label}.{str(key)[:40]}",
                                        f"unknown key (expected {', '.join(ROUTER_KEYS)} or a protocol name)")
                    if not isinstance(value, LDict):
                        raise self.fail(kl, f"{label}.{key}", "must be a mapping of option → value")
                    cls = PROTOCOLS[canon]
                    setup = {k: v for k, v in value.items() if k in cls.router_keys}
                    if setup:
                        graph.nodes[name][canon] = setup
                    opts = LDict({k: v for k, v in value.items() if k not in cls.router_keys})
                    opts.line, opts.key_lines = value.line, value.key_lines
                    base = protocols.get(canon) or cls.defaults()
                    self.options(cls, opts, base, kl, f"{label}.{key}")
                    options[canon] = dict(opts)
            out[name] = RouterSpec(asn, tuple(graph.nodes[name].get("prefixes", ())), options, interfaces)
        return out

    def interfaces(self, value: Any, line: int, label: str, router: str, graph: Graph,
                   protocols: dict[str, dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
        if not isinstance(value, LDict):
            raise self.fail(line, f"{label}.interfaces", "must be a mapping neighbour → {cost, <protocol>: ...}")
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for raw, body in value.items():
            ln = value.line_of(raw)
            nb = self.router_name(raw, ln, f"{label}.interfaces")
            lbl = f"{label}.interfaces.{nb}"
            if not graph.has_edge(router, nb):
                nbrs = ", ".join(sorted(str(n) for n in graph[router])) or "none"
                raise self.fail(ln, lbl, f"no link {router}–{nb} (links of {router}: {nbrs})")
            if not isinstance(body, LDict):
                raise self.fail(ln, lbl, "must be a mapping like {cost: 5, linkstate: {hello_interval: 1}}")
            per: dict[str, dict[str, Any]] = {}
            for key, opts in body.items():
                kl = body.line_of(key)
                if key == "cost":
                    c = self.cost_value(opts, kl, f"{lbl}.cost")
                    data = graph.edges[router, nb]
                    costs = dict(data.get("costs") or {router: data["cost"], nb: data["cost"]})
                    costs[router] = c
                    a, b = link_key(router, nb)
                    self.set_costs(graph, a, b, costs, kl, f"{lbl}.cost")
                    continue
                canon = canonical_name(str(key))
                if canon is None:
                    raise self.fail(kl, f"{lbl}.{str(key)[:40]}", "unknown key (expected cost or a protocol name)")
                if not isinstance(opts, LDict):
                    raise self.fail(kl, f"{lbl}.{key}", "must be a mapping of option → value")
                base = protocols.get(canon) or PROTOCOLS[canon].defaults()
                self.options(PROTOCOLS[canon], opts, base, kl, f"{lbl}.{key}", interface=True)
                per[canon] = dict(opts)
            out[nb] = per
        return out

    def check_router_options(self, sc: Scenario, doc: LDict) -> None:
        """Per-router and per-interface values merged over the network-wide ones must still obey
        each protocol's cross-option rules (checked by the same code the runner uses), and each
        protocol must accept the scenario's configuration for it (AS numbers, policies ...)."""
        for name in sc.protocols:
            try:
                if configured_per_router(sc, name):  # else nothing per router to check
                    router_configs(sc, PROTOCOLS[name], sc.protocols[name])
                PROTOCOLS[name].check(sc.graph, sc.protocols[name])
            except NetsimError as exc:
                line = doc.line_of("routers") if "routers" in doc else doc.line_of("topology")
                raise self.fail(line, "", str(exc)) from None

    # -- prefixes ------------------------------------------------------------------------------------
    def top_prefixes(self, spec: Any, line: int, graph: Graph) -> None:
        """``prefixes: {r1: [10.1.0.0/24, {prefix: 10.2.0.0/16, metric: 5}]}``."""
        if spec is None:
            return
        if not isinstance(spec, LDict):
            raise self.fail(line, "prefixes", "must be a mapping router → list of prefixes")
        for raw, value in spec.items():
            ln = spec.line_of(raw)
            name = self.router_name(raw, ln, "prefixes")
            if name not in graph:
                raise self.fail(ln, f"prefixes.{name}", f"unknown router{_suggest(name, graph)}")
            self.add_prefixes(graph, name, value, ln, f"prefixes.{name}")

    def add_prefixes(self, graph: Graph, router: str, value: Any, line: int, label: str) -> None:
        if not isinstance(value, list):
            raise self.fail(line, label, "must be a list like [10.1.0.0/24, {prefix: 10.2.0.0/16, metric: 5}]")
        have = dict(graph.nodes[router].get("prefixes", ()))
        for i, item in enumerate(value):
            ln = value.line_of(i) if isinstance(value, LList) else line
            lbl = f"{label}[{i}]"
            metric = 0.0
            if isinstance(item, LDict):
                for key in item:
                    if key not in ("prefix", "metric"):
                        raise self.fail(item.line_of(key), f"{lbl}.{str(key)[:40]}",
                                        "unknown key (expected prefix, metric)")
                if "prefix" not in item:
                    raise self.fail(item.line, lbl, "missing 'prefix'")
                if "metric" in item:
                    metric = float(self.number(item, "metric", f"{lbl}.metric"))
                item = item["prefix"]
            if not isinstance(item, str):
                raise self.fail(ln, lbl, f"a prefix is written like 10.1.0.0/24, got {_short(item)}")
            try:
                net = ipaddress.ip_network(item, strict=True)
            except ValueError as exc:
                raise self.fail(ln, lbl, f"not a prefix: {_short(str(exc), 80)}") from None
            dest = str(net)
            if dest in have:
                raise self.fail(ln, lbl, f"{dest} is listed twice for {router}")
            have[dest] = metric
        graph.nodes[router]["prefixes"] = tuple(sorted(have.items()))

    def check_prefixes(self, graph: Graph) -> None:
        names = {str(n) for n in graph.nodes}
        for n, data in graph.nodes(data=True):
            for dest, _m in data.get("prefixes", ()):
                if dest in names:
                    raise self.fail(0, f"prefixes of {n}", f"{dest} is also a router's name")

    # -- events -------------------------------------------------------------------------------------
    def events(self, spec: Any, line: int, carrier_delay: float) -> list[Event]:
        if spec is None:
            return []
        if not isinstance(spec, LList):
            raise self.fail(line, "events", "must be a list of events")
        out = [self.event(i, item, spec.line_of(i), carrier_delay) for i, item in enumerate(spec)]
        order = sorted(range(len(out)), key=lambda k: (out[k].time, k))
        if order != list(range(len(out))):
            import warnings

            first = next(k for pos, k in enumerate(order) if k != pos)
            warnings.warn(f"{self.display}:{out[first].line}: events are not in time order; they run sorted by "
                          f"time", stacklevel=2)
        ordered = [out[k].with_index(i) for i, k in enumerate(order)]
        self.warn_redundant(ordered, {k: i for i, k in enumerate(order)})
        return ordered

    def warn_redundant(self, events: list[Event], written: dict[int, int]) -> None:
        """Warn about events that change nothing -- a link_up on a link that is up, a second crash,
        a node_up on a running router, a link_down on a link already down: the script says one
        thing and the run does another, which is almost always a mistake in the script.

        The routers' and links' states are followed through the events in time order, from the
        initial state (everything up); ``written`` maps an event's time-order index to its index
        in the file, which the messages name."""
        import warnings

        state: dict[tuple[str, Any], tuple[bool, int]] = {}  # (link|router, name) -> (up, line of last change)
        for ev in events:
            label = f"{self.display}:{ev.line}: events[{written.get(ev.index, ev.index)}]"
            changes = _state_changes(ev)
            tail = "it changes nothing" if len({k for _w, k, _u in changes}) == 1 else "that part changes nothing"
            for what, key, up in changes:
                was_up, since = state.get((what, key), (True, 0))
                if was_up == up:
                    now = ("running" if up else "down (crashed)") if what == "router" else ("up" if up else "down")
                    origin = f"since line {since}" if since else "from the start"
                    name = "–".join(key) if isinstance(key, tuple) else key
                    warnings.warn(f"{label}: {ev.kind} on {what} {name}, which is {now} {origin}; {tail}",
                                  stacklevel=3)
                state[(what, key)] = (up, ev.line)

    def event(self, index: int, item: Any, line: int, carrier_delay: float) -> Event:
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
        cls = EVENT_KINDS[kinds[0]]
        allowed = ("at", cls.kind, *cls.modifiers)
        for key in item:
            if key not in allowed:
                raise self.fail(item.line_of(key), f"{label}.{str(key)[:40]}",
                                f"not valid for {cls.kind} (allowed: {', '.join(allowed)})")
        return cls.parse(self, item, label, float(at), line, carrier_delay)

    # -- the Checker interface events parse with ----------------------------------------------------
    def router(self, value: Any, line: int, label: str) -> str:
        node = self.router_name(value, line, label)
        if node not in self.graph:
            raise self.fail(line, label, f"unknown router {node}{_suggest(node, self.graph)}")
        return node

    def links(self, value: Any, line: int, label: str) -> tuple[tuple[str, str], ...]:
        """A shared-risk group: ``[[a, b], [c, d], ...]``, each a distinct existing link."""
        if not (isinstance(value, list) and value and all(isinstance(x, list) for x in value)):
            raise self.fail(line, label, f"must list links as [[a, b], [c, d], ...], got {_short(value)}")
        links = tuple(self.link(x, line, f"{label}[{i}]") for i, x in enumerate(value))
        if len(set(links)) != len(links):
            raise self.fail(line, label, "names a link twice")
        return links

    def link(self, value: Any, line: int, label: str) -> tuple[str, str]:
        if not isinstance(value, list) or len(value) != 2:
            raise self.fail(line, label, f"must name a link as [a, b], got {_short(value)}")
        a = self.router(value[0], line, label)
        b = self.router(value[1], line, label)
        if not self.graph.has_edge(a, b):
            nbrs = ", ".join(sorted(str(n) for n in self.graph[a])) or "none"
            raise self.fail(line, label, f"no link {a}–{b} (links of {a}: {nbrs})")
        return link_key(a, b)

    def loss_map(self, value: Any, line: int, label: str, link: tuple[str, str]) -> dict[str, float]:
        return loss_map(*link, self.loss_value(value, line, label))


def _state_changes(ev: Event) -> list[tuple[str, Any, bool]]:
    """What ``ev`` does to the up/down state of links and routers, in order: (``"link"`` or
    ``"router"``, its name, up after the change).  A flap takes its link down, and leaves it up."""
    if isinstance(ev, Flap):
        return [("link", ev.links[0], False), ("link", ev.links[0], True)]
    if isinstance(ev, LinkDown):  # and a shared-risk group (Srlg)
        return [("link", link, False) for link in ev.links]
    if isinstance(ev, LinkUp):
        return [("link", link, True) for link in ev.links]
    if isinstance(ev, (NodeDown, NodeUp)):
        return [("router", ev.node, isinstance(ev, NodeUp))]
    return []


def _key_for(mapping: Mapping[Any, Any], name: str) -> Any:
    for k in mapping:
        if str(k) == name:
            return k
    raise KeyError(name)


_short = short


def _suggest(name: str, graph: Graph) -> str:
    return hint(name, (str(n) for n in graph.nodes))
