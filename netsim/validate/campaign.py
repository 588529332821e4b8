"""One scenario on real FRR routers (``runs`` times) and on netsim (``seeds`` seeds), side by side.

Alignment: FRR cannot idle for the scenario's first minute, so its measured phase starts once the
routers have converged, and each event happens at its scenario time minus the first event's time
(:func:`~netsim.validate.compare.relative_events`); netsim runs the scenario as written.  Every
figure is per event window, so both sides are measured from their own event times.  When the
kernel cannot emulate link delays (no netem), netsim runs with the lab's links instead (veth
latency, :data:`VETH_DELAY`), so both sides see the same wires.

FRR runs are slow (real time); ``frr_from`` re-uses the FRR side of an earlier ``--json`` file, to
re-compare netsim after a model change.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from netsim.analysis.metrics import RunMetrics, analyze
from netsim.analysis.oracle import get_model
from netsim.errors import NetsimError
from netsim.protocols import PROTOCOLS
from netsim.records import record
from netsim.runner import resolve_protocol, simulate
from netsim.scenario.config import protocol_setup
from netsim.scenario.model import Scenario
from netsim.validate.compare import Row, frr_from_json, relative_events, summarize
from netsim.validate.events import plan_actions
from netsim.validate.frr_config import PROTOCOL_DAEMON, daemon_configs
from netsim.validate.plan import plan_lab

#: One-way latency of a veth pair (measured with ping in the lab: ~20-60 µs).
VETH_DELAY = 5e-5

#: progress(what, done, total): ``what`` names the stage ("FRR run 2/3: warm-up", "netsim seed 4/5");
#: ``done`` of ``total`` counts FRR runs and netsim seeds together (fractions within a run).
Progress = Callable[[str, float, float], None]


@record
class Comparison:
    """What ``netsim validate`` prints and writes: the rows and how they were obtained."""

    scenario: str
    protocol: str
    runs: int
    seeds: int
    rows: tuple[Row, ...]
    delays_emulated: bool
    silent_method: str | None
    notes: tuple[str, ...] = ()
    netsim_options: Mapping[str, Any] = field(default_factory=dict)
    #: Where the FRR side came from: "lab" or the ``--frr-from`` file.
    frr_source: str = "lab"

    def to_json(self) -> dict[str, Any]:
        from netsim.validate.compare import rows_to_json

        return {"scenario": self.scenario, "protocol": self.protocol, "runs": self.runs, "seeds": self.seeds,
                "delays_emulated": self.delays_emulated, "silent_method": self.silent_method,
                "notes": list(self.notes), "netsim_options": dict(self.netsim_options),
                "frr_source": self.frr_source, "rows": rows_to_json(self.rows)}


def check_reproducible(scenario: Scenario, protocol: str) -> None:
    """Refuse, before any run, what the lab cannot reproduce, naming the first thing."""
    if protocol not in PROTOCOL_DAEMON:
        raise NetsimError(f"protocol {protocol} has no FRR counterpart in the lab (use linkstate or distvector)")
    if scenario.bfd is not None:
        raise NetsimError(f"{scenario.name}: bfd is not reproduced in the FRR lab")
    for a, b, d in scenario.graph.edges(data=True):
        for key in ("bfd", "loss", "jitter"):
            if d.get(key):
                raise NetsimError(f"{scenario.name}: link {a}–{b} has {key}, which the FRR lab does not reproduce")
    if scenario.flows is not None:
        raise NetsimError(f"{scenario.name}: flows (probe traffic) are not reproduced in the FRR lab")
    if not scenario.events:
        raise NetsimError(f"{scenario.name}: no events: the lab measures reactions to events")
    plan_actions(scenario.events)
    _cls, _opts, configs = protocol_setup(scenario, protocol)
    daemon_configs(plan_lab(scenario.graph, "netsimv-00000000"), protocol, configs)


def netsim_scenario(scenario: Scenario, delays_emulated: bool) -> Scenario:
    """The scenario netsim runs: as written, or with veth latency on every link when the lab
    could not emulate the delays."""
    if delays_emulated:
        return scenario
    g = scenario.graph.copy()
    for _, _, d in g.edges(data=True):
        d["delay"] = VETH_DELAY
    return dataclasses.replace(scenario, graph=g)


def parse_overrides(items: Sequence[str]) -> dict[str, Any]:
    """``key=value`` pairs (numbers, true/false, words) for netsim's protocol options."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise NetsimError(f"--netsim-set {item[:40]!r}: expected KEY=VALUE, e.g. fib_delay=0.012")
        value: Any = raw
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        else:
            with contextlib.suppress(ValueError):
                value = float(raw)
        out[key.strip()] = value
    return out


def frr_metrics(scenario: Scenario, protocol: str, run: Any) -> RunMetrics:
    """FRR's figures for one lab run, judged by the protocol's own correctness model."""
    cls = PROTOCOLS[protocol]
    _cls, opts, _configs = protocol_setup(scenario, protocol)
    model = get_model(cls.correctness)(scenario.graph, opts)
    return analyze(run.trace, scenario.graph, model=model, options=opts, protocol=protocol)


def compare_scenario(scenario: Scenario, protocol: str, *, runs: int = 3, seeds: int = 5,
                     warmup: float | None = None, debug: bool = False, capture: bool = False,
                     keep: str | Path | None = None, netsim_options: Mapping[str, Any] | None = None,
                     frr_from: str | Path | None = None, progress: Progress | None = None) -> Comparison:
    """Run the comparison (see the module notes).

    ``netsim_options`` override netsim's protocol options only (the FRR side keeps the scenario's),
    e.g. ``fib_delay`` set to the FIB-install latency the lab measures on this machine.
    """
    if runs < 1 or seeds < 1:
        raise NetsimError("--runs and --seeds must be at least 1")
    name, opts = resolve_protocol(scenario, protocol)
    check_reproducible(scenario, name)
    resolve_protocol(scenario, name, netsim_options)  # bad overrides fail before any FRR run
    say = progress or (lambda what, done, total: None)
    notes: set[str] = set()
    lab_runs = 0 if frr_from is not None else runs
    total = lab_runs + seeds
    if frr_from is not None:
        frr_side, delays, silent, runs = _frr_side_from(frr_from, name)
        source = str(frr_from)
    else:
        frr_side, delays, silent, notes = _frr_side(scenario, name, opts, runs, warmup, debug, capture, keep,
                                                    lambda what, done, _t: say(what, done, total))
        source = "lab"
    sim = netsim_scenario(scenario, delays)
    netsim_runs = []
    for s in range(seeds):
        say(f"netsim seed {s + 1}/{seeds}", lab_runs + s, total)
        netsim_runs.append(simulate(sim, name, seed=s, narrate=False, options=netsim_options).metrics)
    say("done", total, total)
    rows = summarize(netsim_runs, frr_side if isinstance(frr_side, list) else [], name, scenario.events)
    if isinstance(frr_side, dict):
        rows = [dataclasses.replace(r, frr=frr_side.get((r.event, r.figure), ())) for r in rows]
    return Comparison(scenario.name, name, runs, seeds, tuple(rows), delays, silent, tuple(sorted(notes)),
                      dict(netsim_options or {}), source)


def _frr_side(scenario: Scenario, name: str, opts: Mapping[str, Any], runs: int, warmup: float | None,
              debug: bool, capture: bool, keep: str | Path | None, say: Progress
              ) -> tuple[list[RunMetrics], bool, str | None, set[str]]:
    from netsim.validate.run import run_frr

    _cls, _opts, configs = protocol_setup(scenario, name)
    events = relative_events(list(scenario.events))
    out, notes, delays, silent = [], set(), True, None
    for i in range(runs):
        label = f"FRR run {i + 1}/{runs}"

        def tick(stage: str, done: float, total: float, label: str = label, i: int = i) -> None:
            say(f"{label}: {stage}", i + (done / total if total else 0.0), runs)

        res = run_frr(scenario.graph, name, opts, events, router_configs=configs, warmup=warmup, debug=debug,
                      capture=capture, keep_dir=Path(keep) / f"run{i + 1}" if keep else None, progress=tick)
        out.append(frr_metrics(scenario, name, res))
        notes.update(res.notes)
        delays = delays and res.delays_emulated
        silent = silent or res.silent_method
    return out, delays, silent, notes


def _frr_side_from(path: str | Path, name: str) -> tuple[dict[tuple[int, str], tuple[float | None, ...]], bool,
                                                          str | None, int]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NetsimError(f"--frr-from {path}: cannot read it: {exc}") from None
    if not isinstance(doc, dict) or doc.get("protocol") != name or "rows" not in doc:
        raise NetsimError(f"--frr-from {path}: not a validate --json file for protocol {name}")
    return frr_from_json(doc), bool(doc.get("delays_emulated")), doc.get("silent_method"), int(doc.get("runs", 0))
