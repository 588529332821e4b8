"""The convergence comparison: per event, each protocol's convergence and correct-again times."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from netsim.analysis.result import RunResult
from netsim.errors import NetsimError
from netsim.output.plots.style import STYLE, colour
from netsim.output.summary import RunSummary, summarize


def convergence_figure(results: Sequence[RunResult | RunSummary]) -> Figure:
    """Grouped bars: for each event, each protocol's convergence time (solid) and the time
    until every FIB was correct (hatched).  Never-correct windows are marked with a ×.

    Takes live results or :class:`~netsim.output.summary.RunSummary` records loaded from a results
    JSON file, so the figure can be redrawn without simulating again.
    """
    runs = [summarize(r) for r in results]
    if len({len(r.events) for r in runs}) > 1:
        raise NetsimError("these results come from different scenarios (different event lists); "
                          "plot one scenario's results at a time")
    with plt.rc_context(STYLE):
        events = runs[0].events if runs else ()
        labels = ["cold start"] + [f"t={e.time:g} s\n{textwrap.fill(e.description, 22)}" for e in events]
        n_groups, n_proto = len(labels), max(1, len(results))
        width = 0.8 / (2 * n_proto)
        fig, ax = plt.subplots(figsize=(max(6.0, 1.9 * n_groups * max(1, n_proto / 2)), 4.4))
        ymax = 0.0
        never: list[tuple[float, str]] = []
        for i, res in enumerate(runs):
            conv = [res.initial_convergence] + [e.convergence_time for e in res.events]
            corr = [res.initial_convergence] + [e.correct_time for e in res.events]
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
        name = runs[0].scenario if runs else ""
        ax.set_title(f"Convergence after each event — {name}")
        if ymax > 0 and ymax / max(1e-9, min((v for v in _positive(runs)), default=ymax)) > 200:
            ax.set_yscale("symlog", linthresh=0.01)
        if never:
            ax.plot([], [], "x", color="#444444", label="never correct in window")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        return fig


def _positive(runs: Sequence[RunSummary]) -> list[float]:
    out = []
    for r in runs:
        vals = [r.initial_convergence] + [v for e in r.events for v in (e.convergence_time, e.correct_time)]
        out += [v for v in vals if v]
    return out
