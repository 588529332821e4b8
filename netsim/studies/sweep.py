"""Many runs of one scenario: a grid over protocols, options, seeds and generated failures.

Three separable jobs, so each can be tested alone:

* **planning** (:func:`plan_sweep`) -- pure: the list of :class:`RunSpec` the grid spans, each with
  a *run key*, a hash of everything that determines its result (scenario text, protocol, option
  overrides, seed, failure).  Same inputs, same keys, in the same order.
* **execution** (:func:`run_sweep`) -- runs the specs not yet done, serially, on a local process
  pool, or on a Dask cluster; each worker parses the scenario text itself, so a task is a few
  hundred bytes whatever the network size.
* **resume** (:func:`read_runs`) -- ``runs.jsonl`` holds one complete JSON line per finished run.
  Each line is written with a single ``os.write`` of the whole line followed by ``fsync``, so an
  interruption leaves at worst a partial *last* line, which reading ignores and the next sweep
  cuts off before appending.  A run whose key is already in the file is never run again.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from netsim.errors import NetsimError
from netsim.topology.common import link_key

RUNS_FILE = "runs.jsonl"
SUMMARY_FILE = "summary.csv"
FAILURE_KINDS = ("every-link", "random-links:K", "random-node", "random-nodes:K")


# ============================== planning ====================================================
@dataclass(frozen=True)
class SweepInput:
    """The scenario as text (what workers parse) plus where relative paths resolve from."""

    text: str
    base_dir: str = "."
    display: str = "<scenario>"

    @classmethod
    def from_path(cls, path: str | Path) -> SweepInput:
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise NetsimError(f"{path}: cannot read scenario ({exc.strerror or exc})") from None
        return cls(text, str(p.parent), str(path))

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Failure:
    """One generated failure replacing the scenario's events: a link or a router goes down."""

    kind: str  # link_down | node_down
    target: tuple[str, ...]
    at: float

    @property
    def label(self) -> str:
        return f"{self.kind}:{'-'.join(self.target)}@{self.at:g}"


@dataclass(frozen=True)
class RunSpec:
    """One run of the grid; ``key`` identifies its result across interrupted and resumed sweeps."""

    protocol: str
    seed: int
    options: tuple[tuple[str, Any], ...]
    failure: Failure | None
    key: str = ""

    def describe(self) -> dict[str, Any]:
        return {"key": self.key, "protocol": self.protocol, "seed": self.seed, "options": dict(self.options),
                "failure": self.failure.label if self.failure else None}


def parse_seeds(text: str) -> list[int]:
    """``0-9`` or ``1,2,3`` (or a mix: ``0-2,7``) → sorted unique seeds."""
    seeds: set[int] = set()
    try:
        for part in text.split(","):
            part = part.strip()
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                if hi < lo:
                    raise ValueError
                seeds.update(range(lo, hi + 1))
            elif part:
                seeds.add(int(part))
    except ValueError:
        raise NetsimError(f"--seeds {text}: expected a range like 0-9 or a list like 1,2,3") from None
    if not seeds or min(seeds) < 0:
        raise NetsimError(f"--seeds {text}: expected whole numbers >= 0")
    return sorted(seeds)


def parse_set(text: str) -> tuple[str, str, list[Any]]:
    """``linkstate.spf_delay=0.01,0.05`` → ("linkstate", "spf_delay", [0.01, 0.05]) (canonical name)."""
    from netsim.protocols import canonical_name

    head, sep, values = text.partition("=")
    proto, dot, key = head.partition(".")
    if not sep or not dot or not key or not values:
        raise NetsimError(f"--set {text}: expected PROTOCOL.OPTION=V1,V2,... (e.g. linkstate.spf_delay=0.01,0.05)")
    canon = canonical_name(proto.strip())
    if canon is None:
        raise NetsimError(f"--set {text}: unknown protocol {proto!r}")
    parsed = []
    for v in values.split(","):
        if not v.strip():
            continue
        try:
            parsed.append(yaml.safe_load(v.strip()))
        except yaml.YAMLError:
            raise NetsimError(f"--set {text[:80]}: {v.strip()[:40]!r} is not a value (a number, true/false or a "
                              f"word)") from None
    if not parsed:
        raise NetsimError(f"--set {text[:80]}: no values after '='")
    return canon, key.strip(), parsed


def parse_failures(text: str | None) -> tuple[str, int] | None:
    """``every-link`` | ``random-links:K`` | ``random-node`` | ``random-nodes:K`` → (kind, K)."""
    if text is None:
        return None
    kind, _, count = text.partition(":")
    if kind in ("every-link", "random-node") and not count:
        return kind, 1
    if kind in ("random-links", "random-nodes") and count.isdigit() and int(count) > 0:
        return kind, int(count)
    raise NetsimError(f"--failures {text}: expected one of {', '.join(FAILURE_KINDS)}")


def generate_failures(graph: Any, spec: tuple[str, int], at: float, seed: int = 0) -> list[Failure]:
    """The failures of a sweep, one per run.  Random picks use their own seeded generator, so every
    protocol and every seed of the grid faces the very same failures."""
    kind, count = spec
    links = sorted(link_key(str(u), str(v)) for u, v in graph.edges)
    nodes = sorted(str(n) for n in graph.nodes)
    rng = random.Random(seed)
    if kind == "every-link":
        return [Failure("link_down", lk, at) for lk in links]
    if kind == "random-links":
        return [Failure("link_down", lk, at) for lk in sorted(rng.sample(links, min(count, len(links))))]
    return [Failure("node_down", (n,), at) for n in sorted(rng.sample(nodes, min(count, len(nodes))))]


def run_key(source: SweepInput, protocol: str, options: Iterable[tuple[str, Any]], seed: int,
            failure: Failure | None) -> str:
    blob = json.dumps({"scenario": source.digest, "protocol": protocol, "options": sorted(options),
                       "seed": seed, "failure": failure.label if failure else None}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def plan_sweep(source: SweepInput, *, protocols: Sequence[str] = (), sets: Sequence[str] = (),
               seeds: Sequence[int] | None = None, failures: str | None = None, fail_at: float = 60.0,
               failure_seed: int = 0) -> list[RunSpec]:
    """Every run of the grid, in a stable order (protocol, options, seed, failure).

    Validates everything up front (protocols, option names and values, failure times), so a bad
    grid fails before the first run rather than in the middle of a long sweep.
    """
    from netsim.protocols import PROTOCOLS, canonical_name
    from netsim.scenario.config import protocol_setup

    scenario = _scenario(source)
    names: list[str] = []
    for p in protocols or list(scenario.protocols):
        canon = canonical_name(p)
        if canon is None:
            raise NetsimError(f"--protocol {p}: unknown protocol (known: {', '.join(sorted(PROTOCOLS))})")
        if canon not in names:
            names.append(canon)
    axes: dict[str, list[tuple[str, list[Any]]]] = {n: [] for n in names}
    for text in sets:
        proto, key, values = parse_set(text)
        if proto not in axes:
            raise NetsimError(f"--set {text}: {proto} is not among the protocols run ({', '.join(names)})")
        spec = PROTOCOLS[proto].options_spec.get(key)
        if spec is None:
            known = ", ".join(sorted(PROTOCOLS[proto].options_spec))
            raise NetsimError(f"--set {text}: {key}: unknown option of {proto} (known: {known})")
        axes[proto].append((key, values))
    for proto in names:  # every combination, through the protocol's own rules, per router too
        for combo in _product(axes[proto]):
            if combo:
                shown = ", ".join(f"{proto}.{k}={v}" for k, v in combo)
                protocol_setup(scenario, proto, dict(combo), where=f"--set {shown}: ")
    fails: list[Failure | None] = [None]
    if failures is not None:
        if scenario.duration is not None and fail_at >= scenario.duration:
            raise NetsimError(f"--fail-at {fail_at:g}: not before the scenario's duration ({scenario.duration:g} s)")
        fails = list(generate_failures(scenario.graph, parse_failures(failures) or ("every-link", 1), fail_at,
                                       failure_seed))
    seed_list = list(seeds) if seeds else [scenario.seed]
    out: list[RunSpec] = []
    for proto in names:
        for combo in _product(axes[proto]):
            for seed in seed_list:
                for failure in fails:
                    spec = RunSpec(proto, seed, combo, failure)
                    out.append(dataclasses.replace(spec, key=run_key(source, proto, combo, seed, failure)))
    return out


def _product(axes: list[tuple[str, list[Any]]]) -> Iterator[tuple[tuple[str, Any], ...]]:
    if not axes:
        yield ()
        return
    (key, values), rest = axes[0], axes[1:]
    for v in values:
        for tail in _product(rest):
            yield tuple(sorted(((key, v), *tail)))


# ============================== one run (in a worker) ==========================================
_PARSED: dict[tuple[str, str, str], Any] = {}


def _scenario(source: SweepInput) -> Any:
    """Parse once per worker process (a sweep runs the same scenario many times)."""
    from netsim.scenario.loader import parse_scenario

    k = (source.digest, source.base_dir, source.display)
    if k not in _PARSED:
        _PARSED[k] = parse_scenario(source.text, display=source.display, base_dir=source.base_dir)
    return _PARSED[k]


def apply_failure(scenario: Any, failure: Failure | None) -> Any:
    """The scenario with its events replaced by the one failure (unchanged when None)."""
    if failure is None:
        return scenario
    from netsim.scenario.events import LinkDown, NodeDown

    if failure.kind == "link_down":
        a, b = failure.target
        ev: Any = LinkDown(0, failure.at, 0, ((a, b),), scenario.carrier_delay)
    else:
        ev = NodeDown(0, failure.at, 0, failure.target[0])
    return dataclasses.replace(scenario, events=(ev,))


def execute(source: SweepInput, spec: RunSpec) -> str:
    """Run one spec; return its complete JSON line (a results-JSON object + ``run``), newline included."""
    from netsim.output.report import result_dict
    from netsim.runner import simulate

    t0 = time.perf_counter()
    scenario = apply_failure(_scenario(source), spec.failure)
    res = simulate(scenario, spec.protocol, seed=spec.seed, options=dict(spec.options), narrate=False)
    obj = result_dict(res)
    obj["run"] = {**spec.describe(), "wall_s": round(time.perf_counter() - t0, 3)}
    return json.dumps(obj, separators=(",", ":")) + "\n"


# ============================== resume ==========================================================
def read_runs(path: str | Path) -> tuple[list[dict[str, Any]], int]:
    """Complete lines of ``runs.jsonl`` and the byte length they span (a partial tail is ignored)."""
    p = Path(path)
    if not p.exists():
        return [], 0
    data = p.read_bytes()
    runs: list[dict[str, Any]] = []
    good = 0
    pos = 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        if nl < 0:
            break  # no newline: an interrupted write
        try:
            obj = json.loads(data[pos:nl])
        except ValueError:
            break
        if isinstance(obj, dict) and isinstance(obj.get("run"), dict):
            runs.append(obj)
        pos = good = nl + 1
    return runs, good


class RunLog:
    """Append-only ``runs.jsonl``: whole lines only, each on disk before the next is written."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.runs, good = read_runs(self.path)
        self.done = {r["run"]["key"] for r in self.runs}
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o644)
        os.ftruncate(self.fd, good)  # cut off a half-written last line before appending
        os.lseek(self.fd, good, os.SEEK_SET)

    def append(self, line: str) -> None:
        data = line.encode("utf-8")
        written = os.write(self.fd, data)
        if written != len(data):  # pragma: no cover - regular files take the whole buffer
            raise OSError(f"short write to {self.path}")
        os.fsync(self.fd)
        obj = json.loads(line)
        self.runs.append(obj)
        self.done.add(obj["run"]["key"])

    def close(self) -> None:
        os.close(self.fd)


# ============================== execution ======================================================
@dataclass
class SweepOutcome:
    planned: int
    skipped: int
    ran: int
    runs: list[dict[str, Any]] = field(default_factory=list)


def run_sweep(source: SweepInput, specs: Sequence[RunSpec], out_dir: str | Path, *, jobs: int | None = None,
              scheduler: str | None = None, client: Any = None, progress: bool = True,
              on_result: Callable[[dict[str, Any]], None] | None = None) -> SweepOutcome:
    """Run every spec whose key is not yet in ``out_dir/runs.jsonl``; write ``summary.csv``.

    ``jobs`` (default: every core) local worker processes, 1 = in this process; ``scheduler`` (a
    Dask address) or ``client`` (a ``dask.distributed.Client``) sends the runs to a cluster instead.
    ``on_result`` is called after each line is safely on disk.
    """
    out = Path(out_dir)
    log = RunLog(out / RUNS_FILE)
    try:
        todo = [s for s in specs if s.key not in log.done]
        skipped = len(specs) - len(todo)
        bar = _bar(len(todo), progress)
        try:
            for line in _results(source, todo, jobs, scheduler, client):
                log.append(line)
                bar.update(1)
                if on_result is not None:
                    on_result(log.runs[-1])
        finally:
            bar.close()
    finally:
        log.close()
    keys = {s.key for s in specs}
    runs = [r for r in log.runs if r["run"]["key"] in keys]
    write_summary(out / SUMMARY_FILE, runs)
    return SweepOutcome(len(specs), skipped, len(todo), runs)


def _bar(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="run", desc="sweep", file=sys.stderr, disable=not enabled or total == 0,
                dynamic_ncols=True, smoothing=0.1)


def _results(source: SweepInput, todo: list[RunSpec], jobs: int | None, scheduler: str | None,
             client: Any) -> Iterator[str]:
    if not todo:
        return
    if scheduler is not None or client is not None:
        yield from _dask_results(source, todo, scheduler, client)
        return
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(todo) == 1:
        for spec in todo:
            yield execute(source, spec)
        return
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        pending = {pool.submit(execute, source, spec) for spec in todo}
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    yield fut.result()
        finally:
            for fut in pending:
                fut.cancel()


def _dask_results(source: SweepInput, todo: list[RunSpec], scheduler: str | None, client: Any) -> Iterator[str]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise NetsimError("--scheduler needs Dask: pip install 'netsim[dask]'") from None
    own = client is None
    if own:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise NetsimError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})") from None
    try:
        futures = [client.submit(execute, source, spec, key=f"netsim-{spec.key}", pure=False) for spec in todo]
        try:
            for fut in as_completed(futures):
                yield fut.result()
        finally:
            for fut in futures:
                fut.cancel()
    finally:
        if own:
            client.close()


# ============================== summary ========================================================
def _summarised() -> tuple[Any, ...]:
    from netsim.analysis.metric_defs import EVENT_METRICS

    return tuple(m for m in EVENT_METRICS if m.summary is not None)


def summary_columns() -> tuple[str, ...]:
    """The CSV's columns: the run's identity, then every summarised metric definition."""
    return ("key", "scenario", "protocol", "seed", "options", "failure", "initial_convergence",
            *(m.name for m in _summarised()), "messages_total", "wall_s")


def summary_rows(runs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per run, sorted by key fields; each metric summarised over the run's *windows*
    as its definition says (events at the same instant share a window: counted once)."""
    metrics = _summarised()
    rows = []
    for r in runs:
        windows: dict[Any, dict[str, Any]] = {}
        for e in r.get("events") or []:
            windows.setdefault(e.get("time"), e)
        ev = list(windows.values())
        run = r["run"]
        row: dict[str, Any] = {
            "key": run["key"], "scenario": r["scenario"], "protocol": r["protocol"], "seed": r["seed"],
            "options": json.dumps(run["options"], sort_keys=True), "failure": run["failure"] or "",
            "initial_convergence": r["initial_convergence"],
        }
        for m in metrics:
            vals = [e[m.name] for e in ev if m.name in e]
            if not vals:
                row[m.name] = ""
            elif m.summary == "max":
                row[m.name] = None if any(v is None for v in vals) else max(vals)
            else:
                row[m.name] = round(sum(v or 0 for v in vals), 6) if any(isinstance(v, float) for v in vals) \
                    else sum(v or 0 for v in vals)
        row["messages_total"] = r["messages_total"]
        row["wall_s"] = run.get("wall_s", "")
        rows.append(row)
    rows.sort(key=lambda x: (x["protocol"], x["options"], x["seed"], x["failure"]))
    return rows


def write_summary(path: str | Path, runs: Iterable[dict[str, Any]]) -> None:
    from netsim.files import atomic_write_text

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=summary_columns(), lineterminator="\n")
    w.writeheader()
    for row in summary_rows(runs):
        w.writerow({k: ("never" if v is None else v) for k, v in row.items()})
    atomic_write_text(path, buf.getvalue())


def summary_table(runs: Iterable[dict[str, Any]]) -> str:
    """Per (protocol, options): runs, mean and max convergence, never-correct count, mean messages."""
    from netsim.analysis.metric_defs import human_seconds as fmt_s
    from netsim.output.report import render_table

    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in summary_rows(runs):
        groups.setdefault((row["protocol"], row["options"]), []).append(row)
    out = []
    for (proto, opts), rows in sorted(groups.items()):
        conv = [r["convergence_time"] for r in rows if isinstance(r["convergence_time"], (int, float))]
        never = sum(1 for r in rows if r["correct_time"] is None)
        msgs = [r["messages"] for r in rows]
        out.append((proto, opts if opts != "{}" else "defaults", str(len(rows)),
                    fmt_s(sum(conv) / len(conv)) if conv else "-", fmt_s(max(conv)) if conv else "-",
                    str(never), f"{sum(msgs) / len(msgs):.0f}" if msgs else "-"))
    header = ("protocol", "event", "runs", "mean conv", "max conv", "never ok", "mean msgs")
    return render_table(out, header).replace("event", "options", 1)
