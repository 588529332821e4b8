"""The ns-3 comparison workload: RIP (distvector) on 10x10 and 20x20 grids for 300 simulated s.

Timers chosen: update_interval 5 s (jitter ±1/6, the RFC 2453 default fraction), timeout 30 s,
garbage 20 s, split horizon simple, triggered updates on; unit link costs, 1 ms links.  No
failure: a cold start and steady periodic updates, which is what the ns-3 RIP example spends
its time on.

ns-3 figures are REFERENCE figures quoted for these machines (~10 s wall for 10x10, ~190 s
for 20x20), not measured here: Debian's ``ns3`` package installs only helper binaries (no RIP
example program), so a same-run side-by-side needs an ns-3 build we do not have.

Run: .venv/bin/python benchmarks/bench_rip_grid.py
"""

from __future__ import annotations

from _common import rss_mb, table, timed

from netsim.scenario import parse_scenario
from netsim.simulate import simulate

NS3_REFERENCE_WALL = {10: 10.0, 20: 190.0}


def run(side: int) -> tuple[float, int, float | None]:
    sc = parse_scenario(f"""
topology: {{generator: {{kind: grid, rows: {side}, cols: {side}}}}}
duration: 300
protocols:
  distvector: {{update_interval: 5, timeout: 30, garbage: 20, split_horizon: simple}}
""")
    secs, res = timed(lambda: simulate(sc, "distvector", narrate=False))
    return secs, res.metrics.messages_total, res.metrics.initial_convergence


def main() -> None:
    rows = []
    for side in (10, 20):
        secs, msgs, conv = run(side)
        ref = NS3_REFERENCE_WALL[side]
        rows.append((f"{side}x{side}", side * side, f"{secs:.2f}", f"{300 / secs:.0f}", msgs, conv,
                     f"{ref:g} (reference)", f"{ref / secs:.1f}x"))
    print("distvector (RIP) grid, 300 simulated s, update 5 s / timeout 30 s / garbage 20 s")
    print(table(("grid", "routers", "netsim wall s", "sim s per wall s", "packets", "initial conv s",
                 "ns-3 wall s", "ns-3 ref / netsim"), rows))
    print(f"\npeak RSS {rss_mb():.0f} MB.  ns-3 column: reference figures, NOT measured in this run.")


if __name__ == "__main__":
    main()
