"""Sweep scaling: ``netsim sweep -j 2`` against ``-j 1``, through the command line, start-up included.

Three grids, each swept with one and with two local workers, side by side, ``--repeat`` times
over (five by default; which of the two goes first alternates); the table shows the median of
the speed-ups (the machine is shared: a single pair of timings can be off by a lot, and absolute
seconds are indicative only; "ms/run" shows how much work each run was on the day):

* **48 short runs**: an 8x8 grid, link-state and distance-vector, 4 seeds x 6 random link
  failures, 70 simulated seconds (80-140 ms each);
* **200 runs of about 50 ms**: a 7x7 grid, both protocols, 10 seeds x 10 random link failures,
  70 simulated seconds (50-110 ms each: the machines' speed varies from day to day);
* **200 tiny runs**: a ring of 10, both protocols, 10 seeds x every link, 90 simulated seconds
  (6-11 ms each): here per-run overhead and the serial start-up count most.

A sweep has a part that two workers do not share: starting Python, importing netsim and its
scientific stack, planning the grid, writing the summary.  The "serial" column measures it: the
wall time of a sweep of one run (same scenario, ``-j 1``) less that run's own ``wall_s``.
"bound" is the best speed-up two workers could reach with it (everything else halved): a sweep
far below its bound pays per-run overhead, one above it ran beside other load.  The "rest"
column is the ``-j 1`` sweep's wall time outside its runs: the serial part plus each run's
output (its JSON line, the log), which two workers share (it is done where the run ran).

Both sweeps of a pair must write the same results (every field but the wall time of each run).
Python byte-compiles netsim on a first, unmeasured sweep of two runs, as an installed netsim is.

Run: .venv/bin/python benchmarks/bench_sweep.py [--repeat N] [--case short|small|tiny]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _common import CHILD_ENV, table

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.9


@dataclass(frozen=True)
class Case:
    """One grid: its scenario and the sweep options that span it."""

    name: str
    scenario: str
    args: tuple[str, ...]
    runs: int


CASES = (
    Case("short", """\
name: bench-grid8
topology: {generator: {kind: grid, rows: 8, cols: 8}}
duration: 70
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4}
  distvector: {update_interval: 5, timeout: 15, garbage: 10}
""", ("--seeds", "0-3", "--failures", "random-links:6", "--fail-at", "60"), 48),
    Case("small", """\
name: bench-grid7
topology: {generator: {kind: grid, rows: 7, cols: 7}}
duration: 70
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4}
  distvector: {update_interval: 5, timeout: 15, garbage: 10}
""", ("--seeds", "0-9", "--failures", "random-links:10", "--fail-at", "60"), 200),
    Case("tiny", """\
name: bench-ring10
topology: {generator: {kind: ring, n: 10}}
duration: 90
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4}
  distvector: {update_interval: 5, timeout: 15, garbage: 10}
""", ("--seeds", "0-9", "--failures", "every-link", "--fail-at", "20"), 200),
)


def environment() -> dict[str, str]:
    """The child's environment: this checkout's netsim, byte-compiled as an installed one is."""
    env = dict(CHILD_ENV)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sweep(scenario: Path, case: Case, out: Path, *extra: str) -> tuple[float, float]:
    """Wall seconds of one ``netsim sweep`` process, start to exit, and the CPU seconds it and
    its worker processes used (what the sweep cost, whatever else the machine was running)."""
    cmd = [sys.executable, "-m", "netsim", "sweep", str(scenario), *case.args, "--out", str(out), *extra]
    cpu0, t0 = _children_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, env=environment(), capture_output=True, text=True, check=False)
    secs, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return secs, cpu


def results(out: Path) -> tuple[dict[str, dict], list[float]]:
    """The runs by key without their wall times, and the wall times."""
    runs = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    walls = [r["run"].pop("wall_s") for r in runs]
    return {r["run"]["key"]: r for r in runs}, walls


def measure(case: Case, work: Path, repeat: int) -> tuple:
    scenario = work / f"{case.name}.yaml"
    scenario.write_text(case.scenario)
    sweep(scenario, case, work / f"{case.name}-warm-up", "--seeds", "0", "--failures", "random-links:1", "-j", "2")
    serial, parallel, per_run, rest, cpu, unshared = [], [], [], [], [], []
    for i in range(repeat):
        one, two = work / f"{case.name}-{i}-j1", work / f"{case.name}-{i}-j2"
        first_serial = i % 2 == 0  # alternate which goes first: a load that changes meanwhile favours neither
        if not first_serial:
            p_wall, p_cpu = sweep(scenario, case, two, "-j", "2")
        s_wall, s_cpu = sweep(scenario, case, one, "-j", "1")
        if first_serial:
            p_wall, p_cpu = sweep(scenario, case, two, "-j", "2")
        unshared.append(serial_part(scenario, case, work / f"{case.name}-{i}-one"))
        serial.append(s_wall)
        parallel.append(p_wall)
        cpu.append(p_cpu / s_cpu)
        (a, walls), (b, _) = results(one), results(two)
        if a != b or len(a) != case.runs:
            raise SystemExit(f"{case.name}: -j 1 and -j 2 wrote different results")
        per_run.append(statistics.median(walls))
        rest.append(serial[-1] - sum(walls))
    ratios = [s / p for s, p in zip(serial, parallel, strict=True)]
    s, p, st = statistics.median(serial), statistics.median(parallel), statistics.median(rest)
    one_part = statistics.median(unshared)
    bound = s / (one_part + (s - one_part) / 2)
    ratio = statistics.median(ratios)
    cpu_ratio = statistics.median(cpu)
    return (case.name, case.runs, f"{statistics.median(per_run) * 1e3:.0f}", f"{st:.2f}", f"{one_part:.2f}",
            f"{s:.1f}", f"{p:.1f}", f"{cpu_ratio:.2f}", " ".join(f"{r:.2f}" for r in ratios), ratio, bound,
            f">= {GOAL}", verdict(ratio, cpu_ratio))


def serial_part(scenario: Path, case: Case, out: Path) -> float:
    """The part of a ``-j 1`` sweep of this scenario that is not a run: a sweep of one run (one
    protocol, one seed, one random link failure at the case's time) less that run's own wall
    time.  It has everything a sweep does once (start Python, import, plan, summarise) and one
    run's output (its JSON line, the log), which is what a second worker shares."""
    fail_at = case.args[case.args.index("--fail-at") + 1]
    one = Case(case.name, case.scenario, ("--seeds", "0", "--failures", "random-links:1", "--fail-at", fail_at,
                                          "-p", "linkstate"), 1)
    wall, _cpu = sweep(scenario, one, out, "-j", "1")
    _runs, walls = results(out)
    return wall - sum(walls)


#: Below this CPU ratio the two kinds of sweep did not run on the same machine, in effect.
CPU_RATIO_FLOOR = 0.95


def verdict(ratio: float, cpu_ratio: float) -> str:
    """Whether the goal is met, or ``"?"`` when the measurement cannot tell: a ``-j 2`` sweep that
    used markedly less CPU time than the ``-j 1`` one for the same work means the ``-j 1`` sweep
    was slowed by other load, which inflates the speed-up (it can then exceed the bound)."""
    if cpu_ratio < CPU_RATIO_FLOOR:
        return "?"
    return "yes" if ratio >= GOAL else "no"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--case", choices=[c.name for c in CASES], action="append")
    args = parser.parse_args()
    rows = []
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        for case in CASES:
            if args.case and case.name not in args.case:
                continue
            rows.append(measure(case, Path(tmp), args.repeat))
    print(f"netsim sweep, -j 2 vs -j 1, through the command line (median of {args.repeat}; load average "
          f"{load:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores)")
    print(table(("case", "runs", "ms/run", "rest s", "serial s", "-j 1 s", "-j 2 s", "cpu 2/1", "each speed-up",
                 "speed-up", "bound", "goal", "met"), rows))
    print("\nms/run: median wall time of one run as the -j 1 sweep logged it.  rest: the -j 1 sweep's wall time "
          "outside its runs (start-up, imports, planning, summary, and each run's JSON line and log write).  "
          "serial: what a sweep does once (a one-run sweep less its run).  "
          "bound: -j 1 / (serial + the rest of -j 1 / 2).  "
          "cpu 2/1: CPU seconds of the -j 2 sweep (workers included) / the -j 1 sweep's: near 1, two workers "
          "do no extra work, and a speed-up far below the bound means the cores were busy with something else "
          f"(a load average above the core count).  met '?': cpu 2/1 below {CPU_RATIO_FLOOR}, the -j 1 sweeps ran "
          "slowed by other load and the speed-up is not a measurement of netsim: run again on a quieter machine.")


if __name__ == "__main__":
    main()
