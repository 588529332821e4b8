"""Our SPF (netsim.protocols.common.spf.spf, pure Python Dijkstra with ECMP) vs scipy's compiled Dijkstra.

Same graph, same sources, timed side by side: the per-source time ratio, on ~50, ~400-500 and
~3,800-router networks; plus the memory one router's LSDB view and routing table take, and how
often the incremental check (spf_needed) lets a router skip Dijkstra after one link failure.
scipy computes distances only (no next-hop sets), so the ratio flatters scipy a little.

Run: .venv/bin/python benchmarks/bench_spf.py
"""

from __future__ import annotations

import sys
import time
import tracemalloc

import numpy as np
from _common import table
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from netsim.protocols.common.spf import spf, spf_needed
from netsim.studies.scaling import failure_link
from netsim.topology.load import load_topohub

NETWORKS = ("topozoo/Bellsouth", "backbone/africa", "backbone/world")


def lsdb_of(graph) -> dict[str, dict[str, float]]:
    view: dict[str, dict[str, float]] = {str(n): {} for n in graph}
    for u, v, d in graph.edges(data=True):
        view[str(u)][str(v)] = d.get("cost", 1)
        view[str(v)][str(u)] = d.get("cost", 1)
    return view


def main() -> None:
    rows = []
    for name in NETWORKS:
        g = load_topohub(name)
        lsdb = lsdb_of(g)
        names = sorted(lsdb)
        idx = {n: i for i, n in enumerate(names)}
        r, c, w = zip(*((idx[u], idx[v], float(x)) for u, nb in lsdb.items() for v, x in nb.items()), strict=True)
        m = csr_matrix((w, (r, c)), shape=(len(names), len(names)))
        k = min(40, len(names))
        sources = names[:: max(1, len(names) // k)][:k]
        t0 = time.perf_counter()
        ours = [spf(lsdb, s) for s in sources]
        t_ours = (time.perf_counter() - t0) / len(sources)
        t0 = time.perf_counter()
        dist = dijkstra(m, directed=True, indices=[idx[s] for s in sources])
        t_sci = (time.perf_counter() - t0) / len(sources)
        for s, res, row in zip(sources, ours, dist, strict=True):  # same answers
            assert all(abs(res[d][0] - row[idx[d]]) < 1e-9 for d in res), s
            assert len(res) == int(np.isfinite(row).sum()) - 1
        tracemalloc.start()
        copy = {o: dict(nb) for o, nb in lsdb.items()}
        table_ = spf(copy, sources[0])
        mem_kb = tracemalloc.get_traced_memory()[0] / 1024
        tracemalloc.stop()
        del copy, table_
        # incremental check after one link failure: how many routers can skip Dijkstra?
        a, b = failure_link(g)
        after = {**lsdb, a: {x: y for x, y in lsdb[a].items() if x != b},
                 b: {x: y for x, y in lsdb[b].items() if x != a}}
        before = {a: lsdb[a], b: lsdb[b]}
        t0 = time.perf_counter()
        skip = sum(not spf_needed(after, before, s, res) for s, res in zip(sources, ours, strict=True))
        t_check = (time.perf_counter() - t0) / len(sources)
        rows.append((name, len(names), g.number_of_edges(), f"{t_ours * 1e3:.2f}", f"{t_sci * 1e3:.3f}",
                     t_ours / t_sci, f"{mem_kb:,.0f}", f"{skip}/{len(sources)}", f"{t_check * 1e6:.0f}"))
        sys.stdout.flush()
    print("SPF per source: ours (pure Python, ECMP next hops) vs scipy.sparse.csgraph.dijkstra (distances only)")
    print(table(("network", "routers", "links", "ours ms", "scipy ms", "ours/scipy", "KB per router",
                 "skip after failure", "check us"), rows))
    print("\nKB per router: one router's LSDB view + its SPF result (tracemalloc).  'skip after failure':"
          " sources whose tree the failed link is not on, so spf_needed() spares them a Dijkstra run.")


if __name__ == "__main__":
    main()
