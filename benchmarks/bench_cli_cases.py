"""The speed issue's command-line cases, timed as a user runs them: one child process per run.

Cases (each a scenario file written to a temporary directory, run with ``netsim run``):

* ``ls-3356-cold``: link state cold start on caida/2024-08/3356 (404 routers, 1,997 links),
  hello 1 s / dead 4 s, 60 simulated s, ``--json`` -- goal <= 5 s;
* ``ls-world-warm``: link state warm start on backbone/world (3,815 routers), one link failure at
  t=10 s and full re-convergence, 30 simulated s -- goal <= 10 s and <= 1 GB;
* ``ls-world-json``: the world run with ``--json``: a results JSON of 1.7 GB (every router's
  table), written to a file as a user's ``> results.json`` would -- no goal in the issue, but
  what a user who wants the tables meets;
* ``ls-isp10k-warm``: the same on a generated 10,000-router ISP (200 core routers, 49 access
  routers each, dual-homed) -- goal <= 60 s and <= 4 GB;
* ``bgp-ba500``: BGP cold start on a 500-router Barabasi-Albert graph (m = 2, seed 1), one link
  failure at t=20 s, 30 simulated s: path exploration makes about 94 k route changes, and judging
  loops and black holes after each of them was most of the run until the model judge remembered
  its walks -- no goal in the issue;
* ``eigrp-ba500``: the same with EIGRP: about 940 k DUAL inputs and 490 k route changes, and its
  correctness model's tables (every router's expected routes) once per topology -- no goal in
  the issue;
* ``startup``: ``netsim --version`` and ``netsim --help`` -- goal <= 0.3 s.

Each figure is the median of ``--repeat`` runs; peak RSS is the child's own (``os.wait4``).
With ``--baseline DIR`` (another checkout of netsim with its own ``.venv``) every case is also
run with that code, alternating with ours, and the ratio baseline / ours is printed: the machine
is shared, so runs made side by side are the only fair comparison.

Run: .venv/bin/python benchmarks/bench_cli_cases.py [--repeat N] [--baseline DIR] [case ...]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import CHILD_ENV, run_child, table

ROOT = Path(__file__).resolve().parent.parent
#: Children run as on a user's machine: Python may write its bytecode caches.

LS_FAST = "linkstate: {hello_interval: 1, dead_interval: 4, warm_start: true}"
WORLD = ("name: ls-world-warm\nduration: 30\ntopology: {topohub: backbone/world}\n"
         f"protocols:\n  {LS_FAST}\nevents:\n  - {{at: 10, link_down: [{{link}}]}}\n")
SCENARIOS = {
    "ls-3356-cold": ("name: ls-3356-cold\nduration: 60\ntopology: {topohub: caida/2024-08/3356}\n"
                     "protocols:\n  linkstate: {hello_interval: 1, dead_interval: 4}\n", ["--json"]),
    "ls-world-warm": (WORLD, []),
    "ls-world-json": (WORLD, ["--json"]),
    "ls-isp10k-warm": ("name: ls-isp10k-warm\nduration: 30\n"
                       "topology: {generator: {kind: isp, core: 200, access: 49}}\n"
                       f"protocols:\n  {LS_FAST}\nevents:\n  - {{at: 10, link_down: [{{link}}]}}\n", ["--yes"]),
    "bgp-ba500": ("name: bgp-ba500\nduration: 30\n"
                  "topology: {generator: {kind: barabasi_albert, n: 500, m: 2, seed: 1}}\n"
                  "protocols:\n  bgp: {}\nevents:\n  - {at: 20, link_down: [{link}]}\n", []),
    "eigrp-ba500": ("name: eigrp-ba500\nduration: 30\n"
                    "topology: {generator: {kind: barabasi_albert, n: 500, m: 2, seed: 1}}\n"
                    "protocols:\n  eigrp: {}\nevents:\n  - {at: 20, link_down: [{link}]}\n", ["--yes"]),
}
GOALS = {"ls-3356-cold": (5.0, None), "ls-world-warm": (10.0, 1024.0), "ls-isp10k-warm": (60.0, 4096.0),
         "startup --version": (0.3, None), "startup --help": (0.3, None)}


def failing_link(topology: str, python: str, root: Path) -> str:
    """The first link (sorted) whose loss does not partition the network, as ``a, b``."""
    code = ("import sys, networkx as nx\n"
            "from netsim.scenario import parse_scenario\n"
            "sc = parse_scenario(sys.argv[1])\n"
            "g = sc.graph.to_networkx() if hasattr(sc.graph, 'to_networkx') else sc.graph\n"
            "bridges = {tuple(sorted(e)) for e in nx.bridges(g)}\n"
            "a, b = next(e for e in sorted(tuple(sorted(map(str, e))) for e in sc.graph.edges) if e not in bridges)\n"
            "print(f'{a!r}, {b!r}'.replace(\"'\", '\"'))\n")
    proc = subprocess.run([python, "-c", code, f"topology: {topology}\nprotocols: {{static: {{}}}}\n"],
                          capture_output=True, text=True, check=True, cwd=root, env=CHILD_ENV)
    return proc.stdout.strip()


def child(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall s, peak RSS MB) of one child process (its own peak)."""
    run = run_child(cmd, cwd=cwd, keep_stdout=False)  # the output is written, never read back
    return run.wall, run.peak_mb


def commands(root: Path, tmp: Path, cases: list[str]) -> dict[str, list[str]]:
    python = str(root / ".venv" / "bin" / "python")
    netsim = [python, "-m", "netsim"]
    out = {}
    for name in cases:
        if name == "startup":
            out["startup --version"] = [*netsim, "--version"]
            out["startup --help"] = [*netsim, "--help"]
            continue
        text, flags = SCENARIOS[name]
        if "{link}" in text:
            topo = text.split("topology: ", 1)[1].split("\n", 1)[0]
            text = text.replace("{link}", failing_link(topo, python, root))
        path = tmp / f"{name}-{root.name}.yaml"
        path.write_text(text, encoding="utf-8")
        out[name] = [*netsim, "run", str(path), *flags]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", default=[*SCENARIOS, "startup"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", type=Path, default=None, help="another netsim checkout with its own .venv")
    args = ap.parse_args()
    unknown = [c for c in args.cases if c not in SCENARIOS and c != "startup"]
    if unknown:
        raise SystemExit(f"unknown case(s): {', '.join(unknown)} (known: {', '.join([*SCENARIOS, 'startup'])})")
    sides = {"ours": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    with tempfile.TemporaryDirectory(prefix="netsim-bench-") as tmp:
        cmds = {side: commands(root, Path(tmp), args.cases) for side, root in sides.items()}
        for side, root in sides.items():  # one untimed run each: bytecode and disk caches
            child([*cmds[side]["startup --version" if "startup" in args.cases else next(iter(cmds[side]))]], root)
        rows = []
        for case in cmds["ours"]:
            runs: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
            for _ in range(args.repeat):
                for side, root in sides.items():
                    runs[side].append(child(cmds[side][case], root))
            wall = {s: statistics.median(w for w, _ in r) for s, r in runs.items()}
            rss = {s: max(m for _, m in r) for s, r in runs.items()}
            goal_s, goal_mb = GOALS.get(case, (None, None))
            met = wall["ours"] <= goal_s and (goal_mb is None or rss["ours"] <= goal_mb) if goal_s else None
            row = [case, f"{wall['ours']:.2f}", f"{rss['ours']:.0f}"]
            if args.baseline:
                row += [f"{wall['baseline']:.2f}", f"{rss['baseline']:.0f}", f"{wall['baseline'] / wall['ours']:.2f}x"]
            goal = f"<= {goal_s:g} s" + (f", {goal_mb:g} MB" if goal_mb else "") if goal_s else "-"
            rows.append([*row, goal, {True: "yes", False: "NO", None: "-"}[met]])
    header = ["case", "wall s", "peak MB"]
    if args.baseline:
        header += ["baseline wall s", "baseline peak MB", "baseline / ours"]
    print(f"netsim through the command line, median of {args.repeat} runs per case (peak RSS: the largest)")
    print(table([*header, "goal", "met"], rows))
    if args.baseline:
        print(f"\nbaseline: {args.baseline} (runs alternate with ours; ratio > 1: ours is faster)")


if __name__ == "__main__":
    sys.exit(main())
