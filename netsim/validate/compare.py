"""A scenario on real FRR routers and on netsim, side by side, per event.

    python -m netsim.validate.compare SCENARIO.yaml -p linkstate --runs 3 --seeds 5

Runs the scenario's topology, timers and events ``--runs`` times on FRR (see
:func:`netsim.validate.run.run_frr`) and over ``--seeds`` seeds on netsim, computes both with
:func:`netsim.metrics.analyze`, and prints for every event the netsim median and the FRR median
and range of convergence time, correct-again time and black-hole time.

Alignment: FRR cannot idle for the scenario's first 60 s, so its measured phase starts once the
routers have converged, and each event happens at its scenario time minus the first event's
time.  When the kernel cannot emulate link delays (no netem), netsim is run with the lab's
links instead (veth latency, :data:`VETH_DELAY`), so both sides see the same wires.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from netsim.errors import NetsimError
from netsim.metrics import RunMetrics, analyze
from netsim.scenario import EventSpec, Scenario, load_scenario
from netsim.simulate import resolve_protocol, simulate

#: One-way latency of a veth pair (measured with ping in the lab: ~20-60 µs).
VETH_DELAY = 5e-5
#: The figures compared, as (EventMetrics attribute, label).
FIGURES = (("convergence_time", "converged"), ("correct_time", "correct"), ("blackhole_time", "black hole"),
           ("loop_time", "loop"))


@dataclass(frozen=True, slots=True)
class Row:
    """One figure of one event: netsim over seeds against FRR over runs (None = never correct)."""

    event: int
    description: str
    figure: str
    netsim: tuple[float | None, ...]
    frr: tuple[float | None, ...]

    @property
    def netsim_median(self) -> float | None:
        return median(self.netsim)

    @property
    def frr_median(self) -> float | None:
        return median(self.frr)

    @property
    def frr_range(self) -> tuple[float, float] | None:
        vals = [v for v in self.frr if v is not None]
        return (min(vals), max(vals)) if vals else None

    @property
    def ratio(self) -> float | None:
        """FRR median / netsim median (None when either is missing or netsim's is 0)."""
        a, b = self.frr_median, self.netsim_median
        if a is None or b is None or b == 0:
            return None
        return a / b


def median(values: Sequence[float | None]) -> float | None:
    """Median where None (never correct) counts as +infinity; None if that is the median."""
    if not values:
        return None
    m = statistics.median([math.inf if v is None else v for v in values])
    return None if math.isinf(m) else m


def relative_events(events: Sequence[EventSpec]) -> list[EventSpec]:
    """Events with times counted from the first event (the measured phase's origin)."""
    if not events:
        return []
    t0 = min(ev.time for ev in events)
    return [dataclasses.replace(ev, time=ev.time - t0) for ev in events]


def summarize(netsim_runs: Sequence[RunMetrics], frr_runs: Sequence[RunMetrics]) -> list[Row]:
    """Rows per (event, figure), events matched by their scenario index; the initial convergence first."""
    rows = [Row(-1, "initial (cold start)", "converged",
                tuple(m.initial_convergence for m in netsim_runs), tuple(m.initial_convergence for m in frr_runs))]
    if not netsim_runs:
        return rows
    for ev in netsim_runs[0].events:
        for attr, label in FIGURES:
            ns = tuple(_figure(m, ev.index, attr) for m in netsim_runs)
            fr = tuple(_figure(m, ev.index, attr) for m in frr_runs)
            rows.append(Row(ev.index, ev.description, label, ns, fr))
    return rows


def _figure(m: RunMetrics, index: int, attr: str) -> float | None:
    for ev in m.events:
        if ev.index == index:
            return getattr(ev, attr)
    return None


def check_reproducible(scenario: Scenario) -> None:
    """Refuse scenario features the lab cannot reproduce, naming the first one."""
    if scenario.bfd is not None:
        raise NetsimError(f"{scenario.name}: bfd is not reproduced in the FRR lab")
    for a, b, d in scenario.graph.edges(data=True):
        for key in ("bfd", "loss", "jitter"):
            if d.get(key):
                raise NetsimError(f"{scenario.name}: link {a}–{b} has {key}, which the FRR lab does not reproduce")


def netsim_scenario(scenario: Scenario, delays_emulated: bool) -> Scenario:
    """The scenario netsim runs: as written, or with veth latency on every link when the lab
    could not emulate the delays."""
    if delays_emulated:
        return scenario
    g = scenario.graph.copy()
    for _, _, d in g.edges(data=True):
        d["delay"] = VETH_DELAY
    return dataclasses.replace(scenario, graph=g)


def fmt(v: float | None) -> str:
    if v is None:
        return "never"
    if v == 0:
        return "0"
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"


def render(rows: Sequence[Row], *, runs: int, seeds: int) -> str:
    head = ("event", "figure", f"netsim median ({seeds} seeds)", f"FRR median ({runs} runs)", "FRR range", "FRR/netsim")
    body = []
    for r in rows:
        rng = r.frr_range
        body.append((r.description, r.figure, fmt(r.netsim_median), fmt(r.frr_median),
                     f"{fmt(rng[0])} – {fmt(rng[1])}" if rng else "-",
                     f"{r.ratio:.2f}" if r.ratio is not None else "-"))
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)) for b in body]
    return "\n".join(lines)


def parse_overrides(items: Sequence[str]) -> dict[str, Any]:
    """``key=value`` pairs (numbers, true/false, words) for netsim's protocol options."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise NetsimError(f"--netsim-set {item!r}: expected KEY=VALUE, e.g. fib_delay=0.012")
        value: Any = raw
        if raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        else:
            with contextlib.suppress(ValueError):
                value = float(raw)
        out[key.strip()] = value
    return out


def compare(path: str, protocol: str, *, runs: int = 3, seeds: int = 5, warmup: float | None = None,
            debug: bool = False, capture: bool = False, keep: str | None = None,
            netsim_options: dict[str, Any] | None = None,
            progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run the comparison; return a JSON-ready dict (rows, per-run figures, notes).

    ``netsim_options`` override netsim's protocol options only (the FRR side keeps the scenario's):
    e.g. ``fib_delay`` set to the FIB-install latency the lab measures on this machine.
    """
    from netsim.validate.run import run_frr

    scenario = load_scenario(path)
    check_reproducible(scenario)
    name, opts = resolve_protocol(scenario, protocol)
    resolve_protocol(scenario, protocol, netsim_options)  # bad overrides fail before any FRR run
    events = relative_events(list(scenario.events))
    say = progress or (lambda msg: None)
    frr_metrics, notes, delays = [], set(), True
    frr_runs = []
    for i in range(runs):
        say(f"FRR run {i + 1}/{runs}")
        res = run_frr(scenario.graph, name, opts, events, warmup=warmup, debug=debug, capture=capture,
                      keep_dir=f"{keep}/run{i + 1}" if keep else None,
                      progress=lambda stage, done, total, i=i: say(f"FRR run {i + 1}/{runs}: {stage}"))
        frr_runs.append(res)
        frr_metrics.append(analyze(res.trace, scenario.graph))
        notes.update(res.notes)
        delays = delays and res.delays_emulated
    sim = netsim_scenario(scenario, delays)
    netsim_metrics = []
    for s in range(seeds):
        say(f"netsim seed {s}")
        netsim_metrics.append(simulate(sim, name, seed=s, narrate=False, options=netsim_options).metrics)
    rows = summarize(netsim_metrics, frr_metrics)
    return {
        "scenario": scenario.name, "protocol": name, "runs": runs, "seeds": seeds,
        "delays_emulated": delays, "notes": sorted(notes), "netsim_options": netsim_options or {},
        "silent_method": next((r.silent_method for r in frr_runs if r.silent_method), None),
        "rows": [{"event": r.event, "description": r.description, "figure": r.figure, "netsim": list(r.netsim),
                  "frr": list(r.frr), "netsim_median": r.netsim_median, "frr_median": r.frr_median}
                 for r in rows],
        "_rows": rows,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m netsim.validate.compare",
                                     description="A scenario on real FRR routers and on netsim, side by side.")
    parser.add_argument("scenario")
    parser.add_argument("-p", "--protocol", required=True, help="linkstate (ospfd) or distvector (ripd)")
    parser.add_argument("--runs", type=int, default=3, help="FRR runs (default 3)")
    parser.add_argument("--seeds", type=int, default=5, help="netsim seeds 0..N-1 (default 5)")
    parser.add_argument("--warmup", type=float, default=None, help="minimum FRR warm-up (s)")
    parser.add_argument("--json", dest="json_out", default=None, help="also write the results as JSON")
    parser.add_argument("--keep", default=None, help="keep every FRR run's configs, logs (and captures) here")
    parser.add_argument("--debug", action="store_true", help="FRR debug logs (with --keep)")
    parser.add_argument("--capture", action="store_true", help="capture protocol packets (with --keep)")
    parser.add_argument("--netsim-set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a netsim protocol option on the netsim side only (repeatable), "
                             "e.g. fib_delay=0.012 for the FIB-install latency the lab measures")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.seeds < 1:
        print("netsim: error: --runs and --seeds must be >= 1", file=sys.stderr)
        return 2
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=args.runs + args.seeds, unit="run", file=sys.stderr, leave=False)
    last = [""]

    def progress(msg: str) -> None:
        if bar is None:
            return
        head = msg.split(":")[0]
        if head != last[0]:
            if last[0]:
                bar.update(1)
            last[0] = head
        bar.set_description(msg)

    try:
        out = compare(args.scenario, args.protocol, runs=args.runs, seeds=args.seeds, warmup=args.warmup,
                      debug=args.debug, capture=args.capture, keep=args.keep,
                      netsim_options=parse_overrides(args.netsim_set) or None, progress=progress)
    except NetsimError as exc:
        if bar is not None:
            bar.close()
        print(f"netsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        return 130
    if bar is not None:
        bar.close()
    rows = out.pop("_rows")
    print(f"scenario {out['scenario']}, {out['protocol']}: FRR {args.runs} runs vs netsim {args.seeds} seeds")
    print(render(rows, runs=args.runs, seeds=args.seeds))
    for note in out["notes"]:
        print(f"note: {note}")
    if args.json_out:
        from netsim.fsutil import atomic_write_text

        atomic_write_text(args.json_out, json.dumps(out, indent=2, default=_json_default) + "\n")
    return 0


def _json_default(x: Any) -> Any:
    if isinstance(x, float) and math.isinf(x):
        return None
    return str(x)


if __name__ == "__main__":
    sys.exit(main())
