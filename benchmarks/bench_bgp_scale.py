"""BGP at scale: Tdown on a generated 1,000-AS Internet-like graph, 600 simulated seconds.

Case ``tdown-1000-warm`` (the target: <= 30 s wall): :func:`netsim.topology.as_graph.as_hierarchy`
(1,000 ASes, seed 1, Gao–Rexford relationships), every AS originating its prefix, every router
warm-started from the stable routing (``warm_start: true``); at t=300 s the most multihomed stub AS
loses all its links at once (carrier loss: a Tdown of its prefix), and the run lasts 600 s with
keepalives on all ~3,000 sessions.  Default timers (keepalive 30 s, hold 90 s, MRAI 30 s jittered,
UPDATE processing 1-10 ms).  Smaller cold-start cases show what the warm start saves.

Each case runs in its own process (peak RSS is its own).  The machine is shared: CPU seconds
(``time.process_time``) are the steadier figure.  Wall time is split into the warm-start
computation (``Bgp.configure``), the simulation, and the analysis (``netsim.analysis.metrics.analyze``:
every figure of the results).  The path-exploration columns come from the speakers' own
counters for the withdrawn prefix after the failure.

Run: .venv/bin/python benchmarks/bench_bgp_scale.py [case ...]
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import time
from typing import Any

from _common import rss_mb, table

CASES: dict[str, tuple[int, bool]] = {
    # name: (ASes, warm start)
    "tdown-1000-warm": (1000, True),
    "tdown-300-warm": (300, True),
    "tdown-300-cold": (300, False),
}
TARGET_WALL_S = 30.0
FAIL_AT, DURATION = 300.0, 600.0


def _case(name: str, q: Any) -> None:
    from netsim.analysis.metrics import analyze
    from netsim.engine.bfd import install_bfd
    from netsim.runner import build_network
    from netsim.scenario.faults import bfd_for_links
    from netsim.studies.bgp import hierarchy_scenario, pick_stub
    from netsim.trace import ScriptedEvent

    n, warm = CASES[name]
    c0 = time.process_time()
    t0 = time.perf_counter()
    sc = hierarchy_scenario(n, seed=1, fail_at=FAIL_AT, duration=DURATION)
    origin = pick_stub(sc.graph)
    t1 = time.perf_counter()
    # Runs Bgp.configure (the warm snapshot).
    net = build_network(sc, "bgp", options={"warm_start": warm}, narrate=False)
    install_bfd(net, bfd_for_links(sc.graph, sc.bfd))
    t2 = time.perf_counter()
    net.start()
    for ev in sc.events:
        ev.schedule(net, ScriptedEvent(ev.index, ev.time, ev.kind, ev.target, ev.describe()))
    net.run(DURATION)
    net.trace.end_time = float(net.env.now)
    t3 = time.perf_counter()
    rss_sim = rss_mb()
    metrics = analyze(net.trace, sc.graph)
    t4 = time.perf_counter()
    cpu = time.process_time() - c0
    ev = metrics.events[0]
    explored = [r.protocol.speaker.stats.get(origin) for r in net.routers.values() if r.protocol is not None]
    explored = [st for st in explored if st is not None]
    paths = [st.distinct_paths() for st in explored]
    sent = sum(st.announcements_sent + st.withdrawals_sent for st in explored)
    q.put((name, n, sc.graph.number_of_edges(), "warm" if warm else "cold", t4 - t0, cpu, t1 - t0, t2 - t1, t3 - t2,
           t4 - t3, metrics.messages_total, ev.messages, ev.convergence_time, max(paths, default=0),
           sum(paths) / max(1, len(paths)), sent, rss_sim, rss_mb()))


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
    out = []
    for (name, n, links, start, wall, cpu, build, conf, sim, ana, msgs, ev_msgs, conv, pmax, pavg, sent, rss_sim,
         rss) in rows:
        ok = "yes" if wall <= TARGET_WALL_S else "no"
        out.append((name, n, links, start, f"{wall:.1f}", f"{cpu:.1f}", f"{build:.1f}", f"{conf:.1f}", f"{sim:.1f}",
                    f"{ana:.1f}",
                    msgs, ev_msgs, f"{conv:.2f}", pmax, f"{pavg:.2f}", sent, f"{rss_sim:,.0f}", f"{rss:,.0f}", ok))
    print(f"BGP Tdown at t={FAIL_AT:g} s, {DURATION:g} s simulated (wall seconds are this machine's, shared and noisy)")
    print(table(("case", "ASes", "links", "start", "wall s", "CPU s", "graph s", "configure s", "sim s", "analysis s",
                 "packets", "packets after failure", "Tdown s", "max paths explored", "mean paths explored",
                 "updates about the prefix", "RSS after sim MB", "peak RSS MB", f"<={TARGET_WALL_S:g} s"), out))


if __name__ == "__main__":
    main(sys.argv[1:] or list(CASES))
