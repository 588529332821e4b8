"""A metric against a swept parameter: one line per event of the scenario, with the spread over seeds.

What a sweep is for: "how does convergence time change with MRAI (or the SPF delay, or the hello
interval)?".  Each point is the mean over the runs that share a parameter value (seeds, failures),
the band their minimum–maximum; a second panel shows the protocol messages of the same windows,
the other side of the trade-off.  Runs that never became correct are counted in the legend, not
averaged in as a number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from netsim.errors import NetsimError
from netsim.output.plots.style import PALETTE, STYLE
from netsim.output.summary import RunSummary


def _number(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def series(runs: Sequence[RunSummary], by: str, metric: str
           ) -> dict[str, dict[float, tuple[list[float], list[float], int]]]:
    """Event label → parameter value → (metric values, message counts, never-correct count)."""
    out: dict[str, dict[float, tuple[list[float], list[float], int]]] = {}
    for r in runs:
        x = _number(r.setting(by))
        if x is None:
            raise NetsimError(f"--by {by}: the runs' values are not numbers (got {r.setting(by)!r})")
        for i, e in enumerate(r.events):
            label = f"{r.protocol}: event {i} ({e.kind})"
            vals, msgs, never = out.setdefault(label, {}).setdefault(x, ([], [], 0))
            value = getattr(e, metric)
            if value is None:
                out[label][x] = (vals, msgs, never + 1)
            else:
                vals.append(float(value))
            msgs.append(float(e.messages))
    return out


def param_figure(runs: Sequence[RunSummary], by: str, metric: str = "convergence_time", label: str = "") -> Figure:
    """Two panels against the parameter ``by``: ``metric`` (mean, min–max band) and messages."""
    data = series(runs, by, metric)
    if not data:
        raise NetsimError("no events to plot")
    with plt.rc_context(STYLE):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6.4), sharex=True, height_ratios=(3, 2),
                                          constrained_layout=True)
        for k, (name, points) in enumerate(sorted(data.items())):
            xs = sorted(points)
            colour = PALETTE[k % len(PALETTE)]
            mean = [np.mean(points[x][0]) if points[x][0] else np.nan for x in xs]
            lo = [min(points[x][0]) if points[x][0] else np.nan for x in xs]
            hi = [max(points[x][0]) if points[x][0] else np.nan for x in xs]
            never = sum(points[x][2] for x in xs)
            legend = name + (f" ({never} never correct)" if never else "")
            top.plot(xs, mean, marker="o", color=colour, label=legend)
            top.fill_between(xs, lo, hi, color=colour, alpha=0.15, linewidth=0)
            bottom.plot(xs, [np.mean(points[x][1]) for x in xs], marker="s", color=colour)
        top.set_ylabel(f"{label or metric.replace('_', ' ')} (s)")
        top.grid(True, alpha=0.3)
        top.legend(fontsize=8.5, frameon=False)
        bottom.set_ylabel("messages in the window")
        bottom.set_xlabel(by)
        bottom.set_yscale("log")
        bottom.grid(True, which="both", alpha=0.3)
        runs_scenario = runs[0].scenario if runs else ""
        top.set_title(f"{runs_scenario}: {metric.replace('_', ' ')} against {by} (mean, min–max over runs)")
        return fig
