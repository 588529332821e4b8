"""Instructions executed by netsim commands, ours against another checkout: a noise-free A/B.

Why: wall time on a shared machine moves by 10-20 % within minutes, so a change worth 2 % cannot
be seen in seconds, however often it is run.  The number of machine instructions a command
executes does not depend on the neighbours: counted by valgrind (``cachegrind`` without its cache
model), the same command gives the same count to within 0.05 %.  Instructions are not time (the
cost of a memory stall is not in them), so a speed claim still needs the wall-clock benchmarks;
but an instruction ratio tells, at once and reliably, whether a change made a command do less.

Cases (the first is the default): ``rip-grid-10x10`` (the RIP grid of ``bench_rip_grid.py``,
300 simulated s, ``--json``, as that benchmark runs it), ``startup`` (``netsim --version``).
Under valgrind a command runs about 30 times slower: the RIP grid takes some 15 s.

With ``--baseline DIR`` (another netsim checkout with its own ``.venv``) each command is counted
with that code too and the ratio is printed.  Without valgrind (Debian: ``apt-get install
valgrind``) the script says so and exits successfully, so ``make bench`` goes on.

Run: .venv/bin/python benchmarks/bench_instructions.py [--baseline DIR] [case ...]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import CHILD_ENV, table
from bench_rip_grid import scenario_text

ROOT = Path(__file__).resolve().parent.parent
CASES = ("rip-grid-10x10", "startup")


def count(cmd: list[str], cwd: Path) -> int:
    """Instructions executed by ``cmd`` and its children (valgrind's ``I refs``)."""
    proc = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes",
                           "--cachegrind-out-file=/dev/null", *cmd],
                          capture_output=True, text=True, cwd=cwd, env=CHILD_ENV, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed under valgrind ({proc.returncode}): {proc.stderr.strip()[-300:]}")
    refs = [int(m.replace(",", "")) for m in re.findall(r"I\s+refs:\s+([\d,]+)", proc.stderr)]
    if not refs:
        raise SystemExit(f"valgrind printed no instruction count for {' '.join(cmd)}")
    return sum(refs)


def commands(root: Path, tmp: Path, cases: list[str]) -> dict[str, list[str]]:
    netsim = [str(root / ".venv" / "bin" / "python"), "-m", "netsim"]
    out: dict[str, list[str]] = {}
    for case in cases:
        if case == "startup":
            out["startup --version"] = [*netsim, "--version"]
        else:
            path = tmp / "grid10.yaml"
            path.write_text(scenario_text(10), encoding="utf-8")
            out[case] = [*netsim, "run", str(path), "-p", "distvector", "--json", "--yes"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", default=list(CASES[:1]))
    ap.add_argument("--baseline", type=Path, default=None, help="another netsim checkout with its own .venv")
    args = ap.parse_args()
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(unknown)} (known: {', '.join(CASES)})")
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: no instruction counts (Debian: apt-get install valgrind)")
        return
    sides = {"ours": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    with tempfile.TemporaryDirectory(prefix="netsim-instr-") as tmp:
        cmds = {side: commands(root, Path(tmp), args.cases) for side, root in sides.items()}
        for side, root in sides.items():  # bytecode caches written first: they are not counted
            subprocess.run(cmds[side][next(iter(cmds[side]))], cwd=root, env=CHILD_ENV,
                           capture_output=True, check=False)
        rows = []
        for case in cmds["ours"]:
            got = {side: count(cmds[side][case], root) for side, root in sides.items()}
            row = [case, f"{got['ours'] / 1e6:,.0f}"]
            if args.baseline:
                row += [f"{got['baseline'] / 1e6:,.0f}", f"{got['baseline'] / got['ours']:.3f}x"]
            rows.append(row)
    header = ["case", "M instructions"] + (["baseline M instructions", "baseline / ours"] if args.baseline else [])
    print("Instructions executed (valgrind cachegrind, no cache model), whole child process")
    print(table(header, rows))
    if args.baseline:
        print(f"\nbaseline: {args.baseline} (ratio > 1: ours executes fewer instructions)")


if __name__ == "__main__":
    sys.exit(main())
