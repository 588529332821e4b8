"""netsim against ns-3's own RIP, through the command line as a user runs it.

The workload (the speed issue's): RIP on a 10x10 and a 20x20 grid for 300 simulated seconds,
updates every 5 s, timeout 15 s, garbage collection 10 s, simple split horizon, 1 ms links, and
one carrier loss at t=100 s on the link between the two middle routers of the first row.

netsim side: ``netsim run GRID.yaml -p distvector --json`` in a child process, so start-up,
loading, simulation, analysis and writing the JSON all count.

ns-3 side: when ``pkg-config`` knows ns-3's libraries and ``g++`` exists, ``ns3/rip_grid.cc`` (the
same grid, ns-3's ``ns3::Rip`` with the same timers, 1 Gbps / 1 ms point-to-point links, one /30
per link, both interfaces of the failing link set down at t=100) is compiled into a temporary
directory; its wall time is the whole child process, compilation excluded.  Without ns-3 (Debian:
``apt-get install ns3 libns3-dev libgsl-dev g++ pkg-config``) the table falls back to reference
figures quoted for these machines (~10 s for 10x10, ~190 s for 20x20), labelled as not measured.

Each grid is run ``--repeat`` times, netsim and ns-3 alternating, and the medians are compared:
the machine is shared, so the ratio of two runs made side by side is the figure that means
something.  CPU seconds (user + system of the child) are shown too.

``--gap S`` waits S idle seconds before every timed run, of either tool.  Why: on these shared
virtual machines a process that starts right after seconds of full load runs slower -- the same
netsim run took a median 0.49 s after 5 idle seconds, 0.51 s right after an ns-3 run and 0.62 s
right after 5 s of a busy loop -- and without a gap netsim's short runs always start right after
ns-3's long ones, while ns-3's follow half a second of netsim.  A user runs one command after a
pause; the gap gives both tools that same start.  The default, 0, keeps the plain alternation.

Run: .venv/bin/python benchmarks/bench_rip_grid.py [--no-ns3] [--repeat N] [--sides 10,20] [--gap S]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import run_child, table

DURATION = 300
TIMERS = (5, 15, 10)  # update, timeout, garbage
FAIL_AT = 100
NS3_REFERENCE_WALL = {10: 10.0, 20: 190.0}
GOALS = {10: 10.0, 20: 25.0}


def goal(side: int) -> str:
    return f"{GOALS[side]:g}x" if side in GOALS else "-"
NS3_SOURCE = Path(__file__).resolve().parent / "ns3" / "rip_grid.cc"
NS3_MODULES = ("ns3-core", "ns3-network", "ns3-internet", "ns3-point-to-point", "ns3-internet-apps")
NETSIM = [sys.executable, "-m", "netsim"]


def scenario_text(side: int) -> str:
    """The grid scenario; the failing link is the ns-3 program's (first row, middle two routers)."""
    mid = side // 2  # routers are numbered row by row from r1: the middle pair is r{mid}, r{mid+1}
    update, timeout, garbage = TIMERS
    return (f"name: rip-grid-{side}x{side}\n"
            f"topology: {{generator: {{kind: grid, rows: {side}, cols: {side}}}}}\n"
            f"duration: {DURATION}\n"
            f"protocols:\n  distvector: {{update_interval: {update}, timeout: {timeout}, garbage: {garbage}, "
            f"split_horizon: simple}}\n"
            f"events:\n  - {{at: {FAIL_AT}, link_down: [r{mid}, r{mid + 1}]}}\n")


def child(cmd: list[str]) -> tuple[float, float, str]:
    """(wall s, CPU s of the child, its stdout) of one whole child process."""
    run = run_child(cmd)
    return run.wall, run.cpu, run.stdout


def netsim_run(path: Path) -> tuple[float, float, int]:
    wall, cpu, out = child([*NETSIM, "run", str(path), "-p", "distvector", "--json", "--yes"])
    import json

    messages = sum(ev["messages"] for ev in json.loads(out)[0]["events"]) if out else 0
    return wall, cpu, messages


# -- ns-3 ----------------------------------------------------------------------------------------
def _pkg_config(*args: str) -> str | None:
    proc = subprocess.run(["pkg-config", *args], capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def _usable(flag: str) -> bool:
    """Drop flags naming a path that does not exist (some ns-3 ``.pc`` files name development
    symlinks of dependencies that are not installed; ns-3's libraries carry their own)."""
    path = flag[2:] if flag[:2] in ("-I", "-L") else flag
    return not path.startswith("/") or os.path.exists(path)


def ns3_probe() -> tuple[str, list[str]] | str:
    """(ns-3 version, compiler flags), or the reason ns-3 cannot be measured here."""
    if shutil.which("pkg-config") is None:
        return "pkg-config not found"
    if shutil.which("g++") is None:
        return "g++ not found"
    if _pkg_config("--exists", *NS3_MODULES) is None:
        return "pkg-config does not know ns-3 (" + ", ".join(NS3_MODULES) + ")"
    version = _pkg_config("--modversion", "ns3-core") or "unknown"
    flags = _pkg_config("--cflags", "--libs", *NS3_MODULES) or ""
    return version, [f for f in shlex.split(flags) if _usable(f)]


def ns3_compile(flags: list[str], outdir: str) -> str:
    """Compile the ns-3 program; the binary, or raise with the compiler's complaint."""
    binary = os.path.join(outdir, "rip_grid")
    cmd = ["g++", "-std=c++17", "-O2", "-o", binary, str(NS3_SOURCE), *flags]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise SystemExit("ns-3 compilation failed: " + " | ".join(tail))
    return binary


def ns3_run(binary: str, side: int) -> tuple[float, float, dict[str, str]]:
    wall, cpu, out = child([binary, str(side), str(side), str(DURATION), *map(str, TIMERS), str(FAIL_AT)])
    lines = out.strip().splitlines()
    stats = dict(kv.split("=", 1) for kv in lines[-1].split() if "=" in kv) if lines else {}
    return wall, cpu, stats


# -- report --------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-ns3", action="store_true", help="skip ns-3 and show the reference figures")
    ap.add_argument("--repeat", type=int, default=3, help="runs per side and tool (medians are compared)")
    ap.add_argument("--sides", default="10,20", help="grid sides, comma-separated")
    ap.add_argument("--gap", type=float, default=0.0, help="idle seconds before every timed run (see above)")
    args = ap.parse_args()
    sides = [int(s) for s in args.sides.split(",")]

    probe = "disabled by --no-ns3" if args.no_ns3 else ns3_probe()
    with tempfile.TemporaryDirectory(prefix="rip-grid-") as tmp:
        binary = None if isinstance(probe, str) else ns3_compile(probe[1], tmp)
        warm = Path(tmp) / "warm-up.yaml"  # one untimed run first: bytecode caches, disk caches
        warm.write_text(scenario_text(4), encoding="utf-8")
        netsim_run(warm)
        rows = []
        for side in sides:
            path = Path(tmp) / f"grid{side}.yaml"
            path.write_text(scenario_text(side), encoding="utf-8")
            ours, theirs, msgs, stats = [], [], 0, {}
            for _ in range(args.repeat):
                time.sleep(args.gap)
                wall, cpu, msgs = netsim_run(path)
                ours.append((wall, cpu))
                if binary is not None:
                    time.sleep(args.gap)
                    w, c, stats = ns3_run(binary, side)
                    theirs.append((w, c))
            o_wall = statistics.median(w for w, _ in ours)
            o_cpu = statistics.median(c for _, c in ours)
            if binary is not None:
                t_wall = statistics.median(w for w, _ in theirs)
                t_cpu = statistics.median(c for _, c in theirs)
                rows.append((f"{side}x{side}", o_wall, o_cpu, msgs, t_wall, t_cpu, stats.get("ipv4_tx_packets", "?"),
                             f"{t_wall / o_wall:.1f}x", f"{t_cpu / o_cpu:.1f}x", goal(side)))
            else:
                ref = NS3_REFERENCE_WALL.get(side)
                rows.append((f"{side}x{side}", o_wall, o_cpu, msgs, f"{ref:g} (reference)" if ref else "-", "-", "-",
                             f"{ref / o_wall:.1f}x" if ref else "-", "-", goal(side)))
    update, timeout, garbage = TIMERS
    gap = f", {args.gap:g} s idle before each" if args.gap else ""
    print(f"RIP grid through the CLI, {DURATION} simulated s, timers {update}/{timeout}/{garbage} s, simple split "
          f"horizon, carrier loss at t={FAIL_AT} s; median of {args.repeat} runs each, side by side{gap}")
    print(table(("grid", "netsim wall s", "netsim CPU s", "netsim msgs", "ns-3 wall s", "ns-3 CPU s", "ns-3 packets",
                 "wall ratio", "CPU ratio", "goal"), rows))
    if isinstance(probe, str):
        print(f"\nns-3 column: reference, not measured ({probe}).")
    else:
        print(f"\nns-3 {probe[0]} (pkg-config --modversion ns3-core), compiled from benchmarks/ns3/rip_grid.cc, "
              "measured in this run; ratio = ns-3 / netsim (higher: netsim faster).")


if __name__ == "__main__":
    main()
