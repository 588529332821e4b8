"""Many runs of one scenario: a grid over protocols, options, seeds and generated failures.

Three separable jobs, so each can be tested alone:

* **planning** (:func:`plan_sweep`) -- pure: the list of :class:`RunSpec` the grid spans, each with
  a *run key*, a hash of everything that determines its result (scenario text, protocol, option
  overrides, seed, failure).  Same inputs, same keys, in the same order.
* **execution** (:func:`run_sweep`) -- runs the specs not yet done, serially, on a local process
  pool, or on a Dask cluster (:mod:`netsim.studies.cluster`).  The scenario, loaded once where the
  sweep runs, travels to each worker once (:class:`SweepJob`): a worker needs netsim, not the
  scenario's files, and a task is a few hundred bytes whatever the network size.
* **resume** (:mod:`netsim.studies.runlog`) -- ``runs.jsonl`` holds one complete JSON line per
  finished run; a run whose key is already there is never run again, a damaged line costs only
  its own run, and the directory is locked against a second sweep.

A run key is a hash of a canonical structure (never of joined strings, which collide: the links
``a-b–c`` and ``a–b-c``) holding everything that determines the result: the scenario's text and
name, the content of every file it reads, the network as loaded (which also covers a topohub
catalogue update), netsim's version and code, the protocol, the option values, the seed and the
failure.  Change any of them and the run is done again; a sweep refuses to start if the scenario
or a file it reads changed after it was planned, and a worker refuses runs planned with other
netsim code.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import math
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from netsim.errors import NetsimError
from netsim.inputs import read_text, short
from netsim.records import record
from netsim.studies.progress import RunProgress
from netsim.studies.runlog import RUNS_FILE, RunLog, read_runs, without_tables
from netsim.topology.common import link_key

__all__ = ["RUNS_FILE", "SUMMARY_FILE", "Failure", "NetsimError", "RunSpec", "SweepInput", "SweepJob",
           "SweepOutcome", "apply_failure", "check_work", "execute", "generate_failures", "parse_failures",
           "logged_run", "parse_seeds", "parse_set", "plan_sweep", "prepare", "read_runs", "run_job", "run_key",
           "run_sweep", "summary_rows", "summary_table", "without_tables", "write_summary"]

SUMMARY_FILE = "summary.csv"
FAILURE_KINDS = ("every-link", "random-links:K", "random-node", "random-nodes:K")
#: Most runs one sweep may plan (a typo like --seeds 0-100000000 must not exhaust memory).
MAX_RUNS = 100_000


# ============================== planning ====================================================
@record
class SweepInput:
    """The scenario as text (what workers parse), where relative paths resolve from, how
    messages name it, and its name in results (the file's name, as ``netsim run`` uses)."""

    text: str
    base_dir: str = "."
    display: str = "<scenario>"
    name: str = "scenario"

    @classmethod
    def from_path(cls, path: str | Path) -> SweepInput:
        p = Path(path)
        return cls(read_text(p, str(path)), str(p.parent), str(path), p.stem or "scenario")

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@record
class Failure:
    """One generated failure replacing the scenario's events: a link or a router goes down."""

    kind: str  # link_down | node_down
    target: tuple[str, ...]
    at: float

    @property
    def label(self) -> str:
        """For people (tables, the CSV): ``link_down:r1–r2@60``.  Unambiguous: a router name
        that contains the separator or a quote is written as a JSON string."""
        names = "–".join(json.dumps(n, ensure_ascii=False) if any(c in n for c in '–"@') else n
                         for n in self.target)
        return f"{self.kind}:{names}@{self.at:.12g}"

    def identity(self) -> dict[str, Any]:
        """For run keys: the structure itself, never a joined string."""
        return {"kind": self.kind, "target": list(self.target), "at": float(self.at)}


@record
class RunSpec:
    """One run of the grid; ``key`` identifies its result across interrupted and resumed sweeps,
    ``scenario_id`` the scenario as planned (workers check they see the same)."""

    protocol: str
    seed: int
    options: tuple[tuple[str, Any], ...]
    failure: Failure | None
    key: str = ""
    scenario_id: str = ""

    def describe(self) -> dict[str, Any]:
        return {"key": self.key, "protocol": self.protocol, "seed": self.seed, "options": dict(self.options),
                "failure": self.failure.label if self.failure else None}


def parse_seeds(text: str) -> list[int]:
    """``0-9`` or ``1,2,3`` (or a mix: ``0-2,7``) → sorted unique seeds (at most :data:`MAX_RUNS`)."""
    shown = short(text, 60)
    seeds: set[int] = set()
    try:
        for part in text.split(","):
            part = part.strip()
            if len(part) > 41:
                raise ValueError
            if "-" in part[1:]:
                lo, hi = (int(x) for x in part.split("-", 1))
                if hi < lo:
                    raise ValueError
                if hi - lo + 1 + len(seeds) > MAX_RUNS:
                    raise NetsimError(f"--seeds {shown}: {hi - lo + 1:,} seeds; at most {MAX_RUNS:,} in one sweep")
                seeds.update(range(lo, hi + 1))
            elif part:
                seeds.add(int(part))
            if len(seeds) > MAX_RUNS:
                raise NetsimError(f"--seeds {shown}: more than {MAX_RUNS:,} seeds in one sweep")
    except ValueError:
        raise NetsimError(f"--seeds {shown}: expected a range like 0-9 or a list like 1,2,3") from None
    if not seeds or min(seeds) < 0 or max(seeds) >= 2**63:
        raise NetsimError(f"--seeds {shown}: expected whole numbers from 0 to 2^63-1")
    return sorted(seeds)


def parse_set(text: str) -> tuple[str, str, list[Any]]:
    """``linkstate.spf_delay=0.01,0.05`` → ("linkstate", "spf_delay", [0.01, 0.05]) (canonical name)."""
    from netsim.protocols import canonical_name
    from netsim.safeyaml import BoundedLoader

    shown = short(text, 80)
    head, sep, values = text.partition("=")
    proto, dot, key = head.partition(".")
    if not sep or not dot or not key or not values:
        raise NetsimError(f"--set {shown}: expected PROTOCOL.OPTION=V1,V2,... (e.g. linkstate.spf_delay=0.01,0.05)")
    canon = canonical_name(proto.strip())
    if canon is None:
        raise NetsimError(f"--set {shown}: unknown protocol {short(proto)}")
    parsed = []
    for v in values.split(","):
        if not v.strip():
            continue
        try:
            value = yaml.load(v.strip(), Loader=BoundedLoader)  # noqa: S506 - a SafeLoader subclass
        except (yaml.YAMLError, ValueError):
            value = None
        if value is None or isinstance(value, (list, dict)) or (isinstance(value, float) and not math.isfinite(value)):
            raise NetsimError(f"--set {shown}: {short(v.strip())} is not a value (a finite number, true/false or "
                              f"a word)")
        parsed.append(value)
        if len(parsed) > MAX_RUNS:
            raise NetsimError(f"--set {shown}: more than {MAX_RUNS:,} values")
    if not parsed:
        raise NetsimError(f"--set {shown}: no values after '='")
    return canon, key.strip(), parsed


def parse_failures(text: str | None) -> tuple[str, int] | None:
    """``every-link`` | ``random-links:K`` | ``random-node`` | ``random-nodes:K`` → (kind, K)."""
    if text is None:
        return None
    kind, _, count = text.partition(":")
    if kind in ("every-link", "random-node") and not count:
        return kind, 1
    if kind in ("random-links", "random-nodes") and count.isdigit() and len(count) <= 9 and int(count) > 0:
        return kind, int(count)
    raise NetsimError(f"--failures {short(text, 60)}: expected one of {', '.join(FAILURE_KINDS)} "
                      f"(K from 1 to 999,999,999)")


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


def run_key(scenario_id: str, protocol: str, options: Iterable[tuple[str, Any]], seed: int,
            failure: Failure | None) -> str:
    """The key of one run: a hash of the canonical structure of everything that determines it."""
    blob = {"scenario": scenario_id, "protocol": protocol, "options": [[k, v] for k, v in sorted(options)],
            "seed": seed, "failure": failure.identity() if failure else None}
    return _hash(blob)[:32]


def scenario_id(source: SweepInput, scenario: Any) -> str:
    """Everything about the scenario that determines a run's result, hashed: its text and name,
    the content of every file it read, the network as loaded, and netsim's version and code."""
    from netsim import __version__

    files = []
    for path in scenario.sources:
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise NetsimError(f"{path}: cannot read: {exc.strerror or exc}") from None
        files.append([str(path), hashlib.sha256(content).hexdigest()])
    return _hash({"netsim": __version__, "code": code_digest(), "text": source.digest, "name": source.name,
                  "files": files, "network": network_digest(scenario.graph)})


def network_digest(graph: Any) -> str:
    """The network as loaded: routers, links and every attribute, in a canonical order."""
    nodes = sorted([str(n), _canonical(d)] for n, d in graph.nodes(data=True))
    edges = sorted([*link_key(str(u), str(v)), _canonical(d)] for u, v, d in graph.edges(data=True))
    return _hash({"nodes": nodes, "links": edges, "graph": _canonical(dict(graph.graph))})


@cache
def code_digest() -> str:
    """netsim's own source code: a changed protocol or metric must not reuse old results."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _canonical(value: Any) -> Any:
    """A JSON-able, order-independent form of an attribute value (dataclasses and tuples too)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"__": type(value).__name__, **{k: _canonical(v) for k, v in dataclasses.asdict(value).items()}}
    if isinstance(value, dict):
        return sorted([str(k), _canonical(v)] for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)


def _hash(obj: Any) -> str:
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_sweep(source: SweepInput, *, protocols: Sequence[str] = (), sets: Sequence[str] = (),
               seeds: Sequence[int] | None = None, failures: str | None = None, fail_at: float = 60.0,
               failure_seed: int = 0) -> list[RunSpec]:
    """Every run of the grid, in a stable order (protocol, options, seed, failure).

    Validates everything up front (protocols, option names and values, failure times), so a bad
    grid fails before the first run rather than in the middle of a long sweep.
    """
    from netsim.protocols import PROTOCOLS, canonical_name
    from netsim.scenario.config import protocol_setup

    scenario = _scenario(source, fresh=True)
    ident = scenario_id(source, scenario)
    names: list[str] = []
    for p in protocols or list(scenario.protocols):
        canon = canonical_name(p)
        if canon is None:
            raise NetsimError(f"--protocol {short(p)}: unknown protocol (known: {', '.join(sorted(PROTOCOLS))})")
        if canon not in names:
            names.append(canon)
    axes: dict[str, list[tuple[str, list[Any]]]] = {n: [] for n in names}
    for text in sets:
        proto, key, values = parse_set(text)
        shown = short(text, 80)
        if proto not in axes:
            raise NetsimError(f"--set {shown}: {proto} is not among the protocols run ({', '.join(names)})")
        spec = PROTOCOLS[proto].options_spec.get(key)
        if spec is None:
            known = ", ".join(sorted(PROTOCOLS[proto].options_spec))
            raise NetsimError(f"--set {shown}: {short(key)}: unknown option of {proto} (known: {known})")
        axes[proto].append((key, values))
    seed_list = list(seeds) if seeds else [scenario.seed]
    fails: list[Failure | None] = [None]
    if failures is not None:
        if not (isinstance(fail_at, (int, float)) and math.isfinite(fail_at) and fail_at >= 0):
            raise NetsimError(f"--fail-at {short(fail_at)}: must be a finite time >= 0")
        if scenario.duration is not None and fail_at >= scenario.duration:
            raise NetsimError(f"--fail-at {fail_at:g}: not before the scenario's duration ({scenario.duration:g} s)")
        fails = list(generate_failures(scenario.graph, parse_failures(failures) or ("every-link", 1), fail_at,
                                       failure_seed))
    grid = sum(math.prod(len(v) for _k, v in axes[p]) for p in names) * len(seed_list) * len(fails)
    if grid > MAX_RUNS:
        raise NetsimError(f"the sweep spans {grid:,} runs; at most {MAX_RUNS:,} in one sweep (fewer seeds, values "
                          f"or failures)")
    for proto in names:  # every combination, through the protocol's own rules, per router too
        for combo in _product(axes[proto]):
            if combo:
                shown = ", ".join(f"{proto}.{k}={v}" for k, v in combo)
                protocol_setup(scenario, proto, dict(combo), where=f"--set {short(shown, 80)}: ")
    out: list[RunSpec] = []
    for proto in names:
        for combo in _product(axes[proto]):
            for seed in seed_list:
                for failure in fails:
                    out.append(RunSpec(proto, seed, combo, failure, run_key(ident, proto, combo, seed, failure), ident))
    return out


def check_work(source: SweepInput, specs: Sequence[RunSpec], *, confirmed: bool, jobs: int | None = 1,
               scheduler: str | None = None) -> list[str]:
    """The sweep's work, estimated before the first run (:mod:`netsim.scenario.workload`): absurd
    runs, or an absurd total, are refused; a large total needs ``confirmed``, and so do ``jobs``
    local workers (None: one per core) that this machine's memory cannot hold side by side, or,
    on the Dask cluster at ``scheduler``, the worker with the least memory per thread (asked of
    the scheduler; workers that state no limit are not checked).  Runs that differ only by seed
    or by which link fails cost about the same, so each kind is estimated once."""
    from netsim.scenario import workload

    scenario = _scenario(source)
    groups: dict[tuple[Any, ...], tuple[RunSpec, int]] = {}
    for spec in specs:
        k = (spec.protocol, spec.options, spec.failure.kind if spec.failure else None)
        first, count = groups.get(k, (spec, 0))
        groups[k] = (first, count + 1)
    loads = [dataclasses.replace(workload.estimate(apply_failure(scenario, first.failure), first.protocol,
                                                   dict(first.options)), runs=count)
             for first, count in groups.values()]
    if scheduler is not None:
        from netsim.studies.cluster import worker_memory

        tightest = worker_memory(scheduler)
        if tightest is None:
            return workload.check(loads, confirmed=confirmed, what="the sweep", memory=None)
        address, limit, threads = tightest
        return workload.check(loads, confirmed=confirmed, what="the sweep", memory=limit, at_once=threads,
                              memory_of=f"Dask worker {address}'s memory limit of")
    return workload.check(loads, confirmed=confirmed, what="the sweep", at_once=jobs or os.cpu_count() or 1)


def _product(axes: list[tuple[str, list[Any]]]) -> Iterator[tuple[tuple[str, Any], ...]]:
    if not axes:
        yield ()
        return
    (key, values), rest = axes[0], axes[1:]
    for v in values:
        for tail in _product(rest):
            yield tuple(sorted(((key, v), *tail)))


# ============================== one run (in a worker) ==========================================
_PARSED: dict[tuple[str, str, str, str], Any] = {}
_IDS: dict[tuple[str, str, str, str], str] = {}


def _scenario(source: SweepInput, fresh: bool = False) -> Any:
    """Parse once per process (planning, the work estimate and the sweep read the same scenario);
    ``fresh`` parses again -- planning does, since a file the scenario reads may have changed meanwhile."""
    from netsim.scenario.loader import parse_scenario

    k = (source.digest, source.base_dir, source.display, source.name)
    if fresh:
        _PARSED.pop(k, None)
        _IDS.pop(k, None)
    if k not in _PARSED:
        _PARSED[k] = parse_scenario(source.text, display=source.display, base_dir=source.base_dir, name=source.name)
    return _PARSED[k]


def _checked_scenario(source: SweepInput, expected: str) -> Any:
    """The scenario, refusing to run it if it is not the one the sweep planned (a file it reads
    was edited meanwhile): its results would carry keys that do not describe them."""
    scenario = _scenario(source)
    k = (source.digest, source.base_dir, source.display, source.name)
    if k not in _IDS:
        _IDS[k] = scenario_id(source, scenario)
    if expected and _IDS[k] != expected:
        raise NetsimError(f"{source.display}: the scenario, a file it reads or netsim itself changed since the sweep "
                          f"was planned; run the sweep again")
    return scenario


@dataclass(frozen=True, eq=False)
class SweepJob:
    """What every run of a sweep needs, sent to each worker once: the scenario as loaded where
    the sweep was planned -- so workers need neither the scenario file nor the files it reads,
    nor the same working directory -- and the netsim that planned it."""

    scenario: Any
    scenario_id: str
    display: str
    version: str
    code: str


def prepare(source: SweepInput, specs: Sequence[RunSpec]) -> SweepJob:
    """The job of a planned sweep, refusing a scenario that changed since it was planned."""
    from netsim import __version__

    planned = {s.scenario_id for s in specs}
    scenario = _scenario(source)
    ident = scenario_id(source, scenario)  # the files read now, against what planning read
    if planned - {ident, ""}:
        raise NetsimError(f"{source.display}: the scenario, a file it reads or netsim itself changed since the sweep "
                          f"was planned; run the sweep again")
    return SweepJob(scenario, ident, source.display, __version__, code_digest())


def run_job(job: SweepJob, spec: RunSpec, check_work: bool = True) -> str:
    """Run one spec of ``job``; return its complete JSON line (a results-JSON object + ``run``),
    newline included.  A worker with other netsim code refuses: its results would carry keys
    that do not describe them."""
    return logged_run(job, spec, check_work)[0]


def logged_run(job: SweepJob, spec: RunSpec, check_work: bool = True) -> tuple[str, dict[str, Any]]:
    """:func:`run_job`'s line, and the run as the sweep keeps it in memory: the same object
    without its final tables (:func:`without_tables`).

    Why both: the process that writes the log would otherwise parse every line back, and a
    line is mostly final tables (160 kB on a 64-router grid).  Parsing them cost that process
    about 2 ms a run -- time a serial sweep waits for, and CPU that two local workers on two
    cores have to share with it -- and keeping them made its memory grow with every run.
    """
    from netsim import __version__
    from netsim.output import json_text
    from netsim.output.fib_text import TableRenderer
    from netsim.output.report import result_dict
    from netsim.runner import simulate

    if job.code != code_digest():
        same = "the same version but other code" if job.version == __version__ else f"netsim {__version__}"
        raise NetsimError(f"{job.display}: the sweep was planned with netsim {job.version}; this worker runs {same} "
                          f"(install the same netsim everywhere the sweep runs)")
    t0 = time.perf_counter()
    scenario = apply_failure(job.scenario, spec.failure)
    res = simulate(scenario, spec.protocol, seed=spec.seed, options=dict(spec.options), narrate=False,
                   check_work=check_work)
    obj = result_dict(res, TableRenderer(compact=True))  # the final tables render straight into the line
    obj["run"] = {**spec.describe(), "wall_s": round(time.perf_counter() - t0, 3)}
    return json_text.compact(obj) + "\n", without_tables(obj)


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


def execute(source: SweepInput, spec: RunSpec, check_work: bool = True) -> str:
    """Run one spec from the scenario's text (parsed once per process); see :func:`run_job`."""
    from netsim import __version__

    scenario = _checked_scenario(source, spec.scenario_id)
    job = SweepJob(scenario, spec.scenario_id, source.display, __version__, code_digest())
    return run_job(job, spec, check_work)


# ============================== execution ======================================================
@dataclass
class SweepOutcome:
    """What :func:`run_sweep` did.  ``runs`` are the grid's runs (this sweep's and earlier ones')
    as results-JSON objects without their final tables (:func:`without_tables`): a sweep of
    thousands of runs on a large network would otherwise hold every router's table of every run
    in memory.  :func:`read_runs` reads whole runs from the log."""

    planned: int
    skipped: int
    ran: int
    runs: list[dict[str, Any]] = field(default_factory=list)


def run_sweep(source: SweepInput, specs: Sequence[RunSpec], out_dir: str | Path, *, jobs: int | None = None,
              scheduler: str | None = None, client: Any = None, progress: bool = True,
              on_result: Callable[[dict[str, Any]], None] | None = None,
              notice: Callable[[str], None] | None = None, check_work: bool = True) -> SweepOutcome:
    """Run every spec whose key is not yet in ``out_dir/runs.jsonl``; write ``summary.csv``.

    ``jobs`` (default: every core) local worker processes, 1 = in this process; ``scheduler`` (a
    Dask address) or ``client`` (a ``dask.distributed.Client``) sends the runs to a cluster instead.
    ``on_result`` is called with each run (without its final tables) after its line is written
    to the log; ``notice`` with each repair of a
    damaged log (default: a Python warning).  ``check_work=False`` runs large runs (the work of
    each is estimated by :func:`netsim.runner.simulate`; see :func:`check_work` for the sweep's).
    """
    import warnings

    out = Path(out_dir)
    log = RunLog(out, notice or (lambda m: warnings.warn(m, stacklevel=3)))
    try:
        todo = [s for s in specs if s.key not in log.done]
        skipped = len(specs) - len(todo)
        shown = RunProgress(len(todo), "sweep", enabled=progress)
        try:
            for line, kept in _results(source, todo, jobs, scheduler, client, check_work):
                run = log.append(line, kept)
                shown.update()
                if on_result is not None:
                    on_result(run)
            log.sync()
        finally:
            shown.close()
    finally:
        log.close()
    keys = {s.key for s in specs}
    runs = [r for r in log.runs if r["run"]["key"] in keys]
    write_summary(out / SUMMARY_FILE, runs)
    return SweepOutcome(len(specs), skipped, len(todo), runs)


def _results(source: SweepInput, todo: list[RunSpec], jobs: int | None, scheduler: str | None,
             client: Any, check_work: bool) -> Iterator[tuple[str, dict[str, Any]]]:
    if not todo:
        return
    job = prepare(source, todo)
    tasks = [(spec, check_work) for spec in todo]
    if scheduler is not None or client is not None:
        from netsim.studies.cluster import results_on_cluster

        yield from results_on_cluster(logged_run, job, tasks, names=[s.key for s in todo], scheduler=scheduler,
                                      client=client)
        return
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(todo) == 1:
        for task in tasks:
            yield logged_run(job, *task)
        return
    # Workers are forked from this process: what it has imported, they need not import again,
    # and it needs the results' modules for the summary anyway.
    import netsim.output.report
    import netsim.runner  # noqa: F401
    from netsim.protocols import PROTOCOLS
    from netsim.studies.workers import results_as_completed

    for name in sorted({spec.protocol for spec in todo}):
        PROTOCOLS[name]  # each protocol's package is imported on first use: once here, not per worker

    yield from results_as_completed(logged_run, tasks, min(jobs, len(todo)), shared=job)


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
            "options": json.dumps(run["options"], sort_keys=True, allow_nan=False), "failure": run["failure"] or "",
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
        msgs = [r["messages"] for r in rows if isinstance(r["messages"], (int, float))]  # "" without events
        out.append((proto, opts if opts != "{}" else "defaults", str(len(rows)),
                    fmt_s(sum(conv) / len(conv)) if conv else "-", fmt_s(max(conv)) if conv else "-",
                    str(never), f"{sum(msgs) / len(msgs):.0f}" if msgs else "-"))
    header = ("protocol", "event", "runs", "mean conv", "max conv", "never ok", "mean msgs")
    return render_table(out, header).replace("event", "options", 1)
