"""The convergence comparison: per event, each protocol's convergence and correct-again times."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from netsim.analysis.result import RunResult
from netsim.errors import NetsimError
from netsim.output.plots.style import STYLE, colour
from netsim.output.summary import RunSummary, summarize

#: Positive times spanning more than this ratio get a logarithmic axis: a 70 ms repair next to a
#: 10 s cold start is a bar a pixel high on a linear one.
LOG_RATIO = 10.0


def convergence_figure(results: Sequence[RunResult | RunSummary]) -> Figure:
    """Grouped bars: for each event, each protocol's convergence time (solid) and the time
    until every FIB was correct (hatched).

    How each case reads, because each once misled:

    * never correct (or never converged) in the window: a hatched band over the bar's whole slot,
      labelled "never" at the top -- not a mark at some height that reads as a value;
    * zero: a bar of no height is invisible, so a short line at the base and a "0" label;
    * every bar carries its value, rotated so neighbours do not overlap;
    * times spanning decades use a log axis (symlog, so zero still has a place at the bottom);
    * the legend has each protocol's two entries even when none of its bars has a height.

    Takes live results or :class:`~netsim.output.summary.RunSummary` records loaded from a results
    JSON file, so the figure can be redrawn without simulating again.
    """
    runs = [summarize(r) for r in results]
    if len({len(r.events) for r in runs}) > 1:
        raise NetsimError("these results come from different scenarios (different event lists); "
                          "plot one scenario's results at a time")
    with plt.rc_context(STYLE):
        events = runs[0].events if runs else ()
        labels = ["cold start"] + [f"t={e.time:g} s\n{textwrap.fill(e.description, 20, break_long_words=False)}"
                                   for e in events]
        n_groups, n_proto = len(labels), max(1, len(results))
        width = 0.8 / (2 * n_proto)
        fig, ax = plt.subplots(figsize=(3.0 + max(4.0, 1.8 * n_groups * max(1, n_proto / 2)), 4.8))
        positive = _positive(runs)
        log = bool(positive) and max(positive) / min(positive) > LOG_RATIO
        if log:
            ax.set_yscale("symlog", linthresh=10 ** math.floor(math.log10(min(positive))), linscale=0.3)
        handles: list[Any] = []
        never = False
        for i, res in enumerate(runs):
            c = colour(res.protocol, i)
            solid = {"facecolor": c, "edgecolor": c}
            hatched = {"facecolor": c, "alpha": 0.45, "hatch": "//", "edgecolor": c}
            handles += [Patch(label=f"{res.protocol}: converged", **solid),
                        Patch(label=f"{res.protocol}: correct since", **hatched)]
            conv = [res.initial_convergence] + [e.convergence_time for e in res.events]
            corr = [res.initial_convergence] + [e.correct_time for e in res.events]
            for g in range(n_groups):
                x0 = g - 0.4 + (2 * i) * width + width / 2
                for x, value, look in ((x0, conv[g], solid), (x0 + width, corr[g], hatched)):
                    if value is None:
                        _never_band(ax, x, width, c)
                        never = True
                    else:
                        _bar(ax, x, width, value, look)
        if never:
            handles.append(Patch(facecolor="none", edgecolor="0.35", hatch="xx",
                                 label="never correct in window (band, no height)"))
        ax.set_xticks(range(n_groups), labels, fontsize=9)
        ax.set_xlim(-0.5, n_groups - 0.5)
        top = max(positive, default=1.0)
        # Headroom for the value labels: a factor on a log axis, a fraction on a linear one.
        ax.set_ylim(0, top * 4 if log else top * 1.25)
        ax.set_ylabel("time after the event (s)" + (", log scale" if log else ""))
        ax.set_xlabel("event")
        name = runs[0].scenario if runs else ""
        ax.set_title(f"Convergence after each event — {name}")
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        return fig


def _bar(ax: Any, x: float, width: float, value: float, look: dict[str, Any]) -> None:
    """One bar and its value above it; a zero gets a visible base line, since its bar has no height."""
    ax.bar(x, value, width, **look)
    if value == 0:
        ax.plot([x - width / 2, x + width / 2], [0, 0], color=look["edgecolor"], linewidth=3, solid_capstyle="butt",
                zorder=3)
    ax.annotate(_value_text(value), (x, value), xytext=(0, 3), textcoords="offset points", ha="center",
                va="bottom", rotation=90, fontsize=7, color="0.15")


def _never_band(ax: Any, x: float, width: float, c: str) -> None:
    """A slot whose time does not exist: hatched from bottom to top (a band has no height to misread)
    and labelled at the top of the axes."""
    ax.axvspan(x - width / 2, x + width / 2, facecolor="none", edgecolor=c, hatch="xx", linewidth=0, alpha=0.7)
    ax.annotate("never", (x, 1.0), xycoords=("data", "axes fraction"), xytext=(0, -3), textcoords="offset points",
                ha="center", va="top", rotation=90, fontsize=7, color="0.15",
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85})


def _value_text(value: float) -> str:
    """Seconds as a short label: 0, 70 ms, 1.2 s, 35 s."""
    if value == 0:
        return "0"
    if value < 1:
        return f"{value * 1000:.3g} ms"
    return f"{value:.3g} s"


def _positive(runs: Sequence[RunSummary]) -> list[float]:
    out = []
    for r in runs:
        vals = [r.initial_convergence] + [v for e in r.events for v in (e.convergence_time, e.correct_time)]
        out += [v for v in vals if v]
    return out
