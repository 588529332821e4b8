"""Link-state (and distance-vector) at scale: a ~400-router AS graph and the ~3,800-router world map.

Cases, each in its own fresh process so its peak RSS (resource.getrusage) is its own:

* caida/2024-08/3356 (404 routers, 1,997 links): cold start + one link failure at t=60 s, with
  flood_pacing 0 (the default: one update per LSA arrival instant) and 0.033 s (a common router
  default: LSAs to one neighbour batched per 33 ms) -- target <= 10 s wall;
* backbone/emea (1,560 routers) and backbone/world (3,815 routers, 5,189 links): warm start
  (linkstate ``warm_start: true``) + one link failure at t=10 s and full re-convergence -- target
  for the world: <= 10 s wall and <= 2 GB.  A warm start's FIBs are recorded once as the trace's
  initial tables (``Trace.initial_fibs``) when the protocol loads them with ``RouterPort.preload``;
  the "t=0 records" column shows route changes logged at t=0 instead (0 when the snapshot is used);
* distvector on the same two networks (update 5 s, timeout 30 s, garbage 20 s), figures reported.

The failed link is the first non-bridge link in sorted order (the network never partitions).
Linkstate timers: hello 1 s, dead 4 s, the rest RFC defaults.

Wall time is split into simulation and analysis (``netsim.analysis.metrics.analyze``: every figure of the
results, judged against the oracle), with the process's peak RSS before the analysis and at the end.

Run: .venv/bin/python benchmarks/bench_linkstate_scale.py [case ...]
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import time
from typing import Any

from _common import rss_mb, table

CASES: dict[str, tuple[str, str, dict[str, Any], float, float | None]] = {
    # name: (topohub, protocol, options, fail_at, duration)
    "ls-404-cold": ("caida/2024-08/3356", "linkstate", {"hello_interval": 1, "dead_interval": 4}, 60.0, None),
    "ls-404-cold-paced": ("caida/2024-08/3356", "linkstate",
                          {"hello_interval": 1, "dead_interval": 4, "flood_pacing": 0.033}, 60.0, None),
    "ls-1560-warm": ("backbone/emea", "linkstate",
                     {"hello_interval": 1, "dead_interval": 4, "warm_start": True}, 10.0, 30.0),
    "ls-3815-warm": ("backbone/world", "linkstate",
                     {"hello_interval": 1, "dead_interval": 4, "warm_start": True}, 10.0, 30.0),
    "dv-404-cold": ("caida/2024-08/3356", "distvector", {"update_interval": 5, "timeout": 30, "garbage": 20},
                    60.0, 120.0),
    "dv-3815-cold": ("backbone/world", "distvector", {"update_interval": 5, "timeout": 30, "garbage": 20},
                     20.0, 40.0),
}
TARGET_WALL_S = 10.0
TARGET_RSS_MB = 2048.0


def _case(name: str, q: Any) -> None:
    import importlib

    from netsim.scenario.loader import parse_scenario
    from netsim.studies.scaling import failure_link
    from netsim.studies.sweep import Failure, apply_failure

    simulate_module = importlib.import_module("netsim.runner")  # the package re-exports a function of that name
    hub, proto, opts, fail_at, duration = CASES[name]
    dur = f"duration: {duration:g}\n" if duration else ""
    sc = parse_scenario(f"topology: {{topohub: {hub}}}\n{dur}protocols:\n  {proto}: {{}}\n")
    sc = apply_failure(sc, Failure("link_down", failure_link(sc.graph), fail_at))
    analyze = simulate_module.analyze
    seen: dict[str, float] = {}

    def timed_analyze(trace: Any, graph: Any, **kw: Any) -> Any:
        """Split the wall time: everything before this call is simulation."""
        seen["rss_sim"] = rss_mb()
        seen["t0_records"] = sum(1 for rc in trace.route_changes if rc.time == 0)
        t = time.perf_counter()
        out = analyze(trace, graph, **kw)
        seen["analysis"] = time.perf_counter() - t
        return out

    simulate_module.analyze = timed_analyze
    t0 = time.perf_counter()
    res = simulate_module.simulate(sc, proto, options=opts, narrate=False, check_work=False)  # large on purpose
    wall = time.perf_counter() - t0
    m = res.metrics
    ev = m.events[0]
    q.put((name, hub, sc.graph.number_of_nodes(), proto, wall, wall - seen["analysis"], seen["analysis"],
           m.end_time / wall, m.messages_total, int(seen["t0_records"]), m.initial_convergence,
           ev.convergence_time, ev.correct_time, seen["rss_sim"], rss_mb()))


def main(names: list[str]) -> None:
    ctx = mp.get_context("spawn")
    rows = []
    for name in names:
        q = ctx.Queue()
        p = ctx.Process(target=_case, args=(name, q))
        p.start()
        rows.append(q.get())
        p.join()
        print(f"  done {name}", file=sys.stderr, flush=True)
    report(rows)


def report(rows: list[tuple[Any, ...]]) -> None:
    """Print the cases' rows (as ``_case`` puts them on its queue) as one table."""
    out = []
    for name, hub, n, proto, wall, sim, ana, rate, msgs, t0rec, init, conv, corr, rss_sim, rss in rows:
        ok = "yes" if wall <= TARGET_WALL_S and rss <= TARGET_RSS_MB else "no"
        out.append((name, hub, n, proto, f"{wall:.1f}", f"{sim:.1f}", f"{ana:.1f}", f"{100 * ana / wall:.0f}",
                    f"{rate:.2f}", msgs, t0rec, init, conv, corr, f"{rss_sim:,.0f}", f"{rss:,.0f}", ok))
    print("cold/warm start + one link failure (wall seconds are this machine's, shared and noisy)")
    print(table(("case", "network", "routers", "protocol", "wall s", "sim s", "analysis s", "analysis %",
                 "sim s / wall s", "packets", "t=0 records", "initial conv s", "failure conv s", "failure correct s",
                 "RSS after sim MB", "peak RSS MB", "<=10 s & <=2 GB"), out))


if __name__ == "__main__":
    main(sys.argv[1:] or list(CASES))
