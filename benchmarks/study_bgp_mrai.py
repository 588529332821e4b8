"""The MRAI trade-off (Griffin & Premore, ICNP 2001): convergence time against MRAI is V-shaped.

For MRAI 0, 5, ..., 60 s: Tdown (every link of one AS fails at once) and Tup (they come back)
on the Labovitz clique of 10 ASes (no policy) and on a generated 300-AS Internet-like graph
(Gao–Rexford, warm-started), each with light (1-10 ms, the default) and busy (10-100 ms)
per-UPDATE processing, averaged over three seeds.  Without MRAI, path exploration sends many
times more UPDATEs; on a busy router they queue, and convergence slows down: the left arm of the
V.  Past the optimum every exploration round waits one MRAI: the right arm.  Keepalives are off
so that the message counts are UPDATEs (and the few session messages of Tup).

Run: .venv/bin/python benchmarks/study_bgp_mrai.py [--plot out.png] [--quick]
"""

from __future__ import annotations

import argparse
import time

from _common import table

from netsim.studies.bgp import PROCESSING, clique_scenario, hierarchy_scenario, mrai_sweep

MRAIS = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plot", help="write a figure (convergence and messages against MRAI) to this file")
    ap.add_argument("--quick", action="store_true", help="one seed, MRAI 0, 10, 30, 60 only")
    args = ap.parse_args()
    mrais = [0, 10, 30, 60] if args.quick else MRAIS
    seeds = (1,) if args.quick else (1, 2, 3)
    cases = {
        "clique-10": (clique_scenario(10, fail_at=300.0, restore_at=1500.0, duration=2400.0), {"policy": "none"}),
        "as-300": (hierarchy_scenario(300, seed=1, fail_at=300.0, restore_at=900.0, duration=1500.0),
                   {"warm_start": True}),
    }
    results = {}
    for name, (sc, opts) in cases.items():
        for load, proc in PROCESSING.items():
            t = time.process_time()
            results[(name, load)] = mrai_sweep(sc, mrais, processing=proc, options=opts, seeds=seeds)
            print(f"  {name} {load}: {time.process_time() - t:.1f} s CPU", flush=True)
    for (name, load), rows in results.items():
        lo, hi = PROCESSING[load]
        print(f"\n{name}, {load} routers (UPDATE processing {lo * 1000:g}-{hi * 1000:g} ms), "
              f"mean of {len(seeds)} seed(s)")
        print(table(("MRAI s", "Tdown s", "Tdown messages", "Tup s", "Tup messages"),
                    [(r["mrai"], r["tdown"], r["tdown_messages"], r["tup"], r["tup_messages"]) for r in rows]))
    if args.plot:
        plot(results, args.plot)


def plot(results: dict, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for (name, load), rows in results.items():
        x = [r["mrai"] for r in rows]
        axes[0].plot(x, [r["tdown"] for r in rows], marker="o", label=f"{name}, {load}")
        axes[1].plot(x, [r["tdown_messages"] for r in rows], marker="o", label=f"{name}, {load}")
    axes[0].set(xlabel="MRAI (s)", ylabel="Tdown convergence (s)", title="Convergence against MRAI")
    axes[1].set(xlabel="MRAI (s)", ylabel="messages after the failure", yscale="log", title="Messages against MRAI")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
