"""Figures from results: made for papers and lectures (labelled axes with units, a
colour-blind-safe palette, readable fonts), written atomically as PNG or SVG."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from netsim.fsutil import atomic_write  # noqa: E402
from netsim.simulate import RunResult  # noqa: E402

#: Okabe–Ito palette: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
PROTOCOL_COLOURS = {"static": "#999999", "linkstate": PALETTE[0], "distvector": PALETTE[1]}

STYLE = {"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 10,
         "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 110}


def colour(protocol: str, i: int = 0) -> str:
    return PROTOCOL_COLOURS.get(protocol, PALETTE[(i + 3) % len(PALETTE)])


def save(fig: Figure, path: str | Path) -> None:
    """Write ``fig`` atomically; the format comes from the extension (png, svg, pdf)."""
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    atomic_write(path, lambda p: fig.savefig(p, format=fmt, bbox_inches="tight"))
    plt.close(fig)


def convergence_figure(results: Sequence[RunResult]) -> Figure:
    """Grouped bars: for each event, each protocol's convergence time (solid) and the time
    until every FIB was correct (hatched).  Never-correct windows are marked with a ×."""
    with plt.rc_context(STYLE):
        events = results[0].metrics.events if results else ()
        labels = ["cold start"] + [f"t={e.time:g} s\n{e.description}" for e in events]
        n_groups, n_proto = len(labels), max(1, len(results))
        width = 0.8 / (2 * n_proto)
        fig, ax = plt.subplots(figsize=(max(6.0, 1.9 * n_groups * max(1, n_proto / 2)), 4.4))
        ymax = 0.0
        never: list[tuple[float, str]] = []
        for i, res in enumerate(results):
            m = res.metrics
            conv = [m.initial_convergence] + [e.convergence_time for e in m.events]
            corr = [m.initial_convergence] + [e.correct_time for e in m.events]
            for g in range(n_groups):
                x0 = g - 0.4 + (2 * i) * width + width / 2
                c = colour(res.protocol, i)
                if conv[g] is not None:
                    ax.bar(x0, conv[g], width, color=c, label=f"{res.protocol}: converged" if g == 0 else None)
                    ymax = max(ymax, conv[g])
                if corr[g] is not None:
                    ax.bar(x0 + width, corr[g], width, color=c, alpha=0.45, hatch="//", edgecolor=c,
                           label=f"{res.protocol}: correct since" if g == 0 else None)
                    ymax = max(ymax, corr[g])
                else:
                    never.append((x0 + width, c))
        for x, c in never:
            ax.plot(x, ymax * 0.04 if ymax else 0.04, marker="x", color=c, markersize=9, mew=2)
        ax.set_xticks(range(n_groups), labels, fontsize=9)
        ax.set_ylabel("time after the event (s)")
        ax.set_xlabel("event")
        name = results[0].scenario.name if results else ""
        ax.set_title(f"Convergence after each event — {name}")
        if ymax > 0 and ymax / max(1e-9, min((v for v in _positive(results)), default=ymax)) > 200:
            ax.set_yscale("symlog", linthresh=0.01)
        if never:
            ax.plot([], [], "x", color="#444444", label="never correct in window")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        return fig


def _positive(results: Sequence[RunResult]) -> list[float]:
    out = []
    for r in results:
        vals = [r.metrics.initial_convergence] + [v for e in r.metrics.events
                                                  for v in (e.convergence_time, e.correct_time)]
        out += [v for v in vals if v]
    return out
