"""The ns-3 comparison workload: RIP (distvector) on 10x10 and 20x20 grids for 300 simulated s.

Timers chosen: update_interval 5 s (jitter ±1/6, the RFC 2453 default fraction), timeout 30 s,
garbage 20 s, split horizon simple, triggered updates on; unit link costs, 1 ms links.  No
failure: a cold start and steady periodic updates.

ns-3 side: when ``pkg-config`` knows ns-3's libraries and ``g++`` exists, ``ns3/rip_grid.cc`` (the
same grid with ns-3's own ``ns3::Rip``, same timers, 1 Gbps / 1 ms point-to-point links, one /30
per link) is compiled into a temporary directory and run for each grid in this same process run,
right after netsim's run of that grid.  Its wall time is the whole child process (start-up, set-up,
simulation, teardown), compilation excluded.  Without ns-3 the table falls back to reference
figures quoted for these machines (~10 s for 10x10, ~190 s for 20x20), labelled as not measured.

Run: .venv/bin/python benchmarks/bench_rip_grid.py [--no-ns3]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _common import rss_mb, table, timed

from netsim.runner import simulate
from netsim.scenario.loader import parse_scenario

SIDES = (10, 20)
DURATION = 300
NS3_REFERENCE_WALL = {10: 10.0, 20: 190.0}
NS3_SOURCE = Path(__file__).resolve().parent / "ns3" / "rip_grid.cc"
NS3_MODULES = ("ns3-core", "ns3-network", "ns3-internet", "ns3-point-to-point", "ns3-internet-apps")


def run(side: int) -> tuple[float, int, float | None]:
    sc = parse_scenario(f"""
topology: {{generator: {{kind: grid, rows: {side}, cols: {side}}}}}
duration: {DURATION}
protocols:
  distvector: {{update_interval: 5, timeout: 30, garbage: 20, split_horizon: simple}}
""")
    secs, res = timed(lambda: simulate(sc, "distvector", narrate=False, check_work=False))
    return secs, res.metrics.messages_total, res.metrics.initial_convergence


# -- ns-3 ----------------------------------------------------------------------------------------
def _pkg_config(*args: str) -> str | None:
    proc = subprocess.run(["pkg-config", *args], capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def _usable(flag: str) -> bool:
    """Drop flags naming a path that does not exist.

    Some distributions' ns-3 ``.pc`` files name development symlinks of dependencies (``libgsl.so``)
    that are not installed, or a mangled include directory; ns-3's shared libraries already carry
    their own dependencies, so those arguments are not needed to link.
    """
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


def ns3_compile(flags: list[str], outdir: str) -> tuple[str, list[str]] | str:
    """Compile the ns-3 program; (binary, command) or the compiler's complaint."""
    binary = os.path.join(outdir, "rip_grid")
    cmd = ["g++", "-std=c++17", "-O2", "-o", binary, str(NS3_SOURCE), *flags]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return "compilation failed: " + " | ".join(tail)
    return binary, cmd


def ns3_run(binary: str, side: int) -> tuple[float, dict[str, str]]:
    """Wall seconds of one whole ns-3 run, and the key=value pairs it printed."""
    t0 = time.perf_counter()
    proc = subprocess.run([binary, str(side), str(side), str(DURATION)], capture_output=True, text=True,
                          check=True)
    wall = time.perf_counter() - t0
    lines = proc.stdout.strip().splitlines()
    stats = dict(kv.split("=", 1) for kv in lines[-1].split() if "=" in kv) if lines else {}
    return wall, stats


# -- report --------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-ns3", action="store_true", help="skip ns-3 and show the reference figures")
    args = ap.parse_args()

    probe = "disabled by --no-ns3" if args.no_ns3 else ns3_probe()
    with tempfile.TemporaryDirectory(prefix="rip-grid-ns3-") as tmp:
        built: tuple[str, list[str]] | str = probe if isinstance(probe, str) else ns3_compile(probe[1], tmp)
        if isinstance(built, str):
            report_reference(built)
        else:
            report_measured(probe[0], *built)


def report_measured(version: str, binary: str, cmd: list[str]) -> None:
    print(f"ns-3 {version} (pkg-config --modversion ns3-core), compiled with:")
    shown = {binary: "<tmpdir>/rip_grid", str(NS3_SOURCE): "benchmarks/ns3/rip_grid.cc"}
    print("  " + shlex.join(shown.get(c, c) for c in cmd))
    rows, checks = [], []
    for side in SIDES:
        secs, msgs, conv = run(side)
        ns3_secs, st = ns3_run(binary, side)
        rows.append((f"{side}x{side}", side * side, f"{secs:.2f}", f"{DURATION / secs:.0f}", msgs, conv,
                     f"{ns3_secs:.2f}", st.get("ipv4_tx_packets", "?"), f"{ns3_secs / secs:.1f}x"))
        checks.append(f"{side}x{side}: {st.get('routers_complete', '?')}/{st.get('routers', '?')} routers hold "
                      f"every subnet within RIP's 15 hops ({st.get('routes_min', '?')}-{st.get('routes_max', '?')} "
                      f"routes of {st.get('links', '?')} link subnets); Simulator::Run {st.get('run_wall_s', '?')} s "
                      f"of the wall time")
    print(f"\ndistvector (RIP) grid, {DURATION} simulated s, update 5 s / timeout 30 s / garbage 20 s, split horizon")
    print(table(("grid", "routers", "netsim wall s", "sim s per wall s", "packets", "initial conv s",
                 "ns-3 wall s", "ns-3 packets", "ns-3 / netsim"), rows))
    print("\nns-3 check at the end of each run:")
    for line in checks:
        print("  " + line)
    print(f"\npeak RSS {rss_mb():.0f} MB (this process).  ns-3 column: MEASURED in this run, whole child process "
          "wall time, compilation excluded.")


def report_reference(reason: str) -> None:
    rows = []
    for side in SIDES:
        secs, msgs, conv = run(side)
        ref = NS3_REFERENCE_WALL[side]
        rows.append((f"{side}x{side}", side * side, f"{secs:.2f}", f"{DURATION / secs:.0f}", msgs, conv,
                     f"{ref:g} (reference)", f"{ref / secs:.1f}x"))
    print(f"distvector (RIP) grid, {DURATION} simulated s, update 5 s / timeout 30 s / garbage 20 s, split horizon")
    print(table(("grid", "routers", "netsim wall s", "sim s per wall s", "packets", "initial conv s",
                 "ns-3 wall s", "ns-3 ref / netsim"), rows))
    print(f"\npeak RSS {rss_mb():.0f} MB.  ns-3 column: reference, not measured ({reason}).")


if __name__ == "__main__":
    main()
