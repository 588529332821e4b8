"""Convergence time as a distribution: one empirical CDF per protocol (or per sweep setting).

One run's convergence time depends on where the jittered timers happened to be when the link
failed; a CDF over many seeds (or many failures) shows the spread a single number hides.
Events that never became correct are not dropped: they keep the curve below 1, and the legend
says how many there were.

Groups with exactly the same samples (two protocols that converge alike, a sweep setting that
changes nothing) would draw the same staircase, the later one hiding the earlier: they are drawn
once, and the legend names every group and says they are identical.  The remaining curves differ
in line style as well as colour, so curves that coincide over part of their range stay apart.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from netsim.analysis.metric_defs import EVENT_METRICS
from netsim.output.plots.style import STYLE, colour
from netsim.output.summary import RunSummary

#: Metrics a CDF can show, with their axis labels: every metric definition marked ``cdf``.
METRICS = {m.name: f"{m.label} ({m.unit})" for m in EVENT_METRICS if m.cdf}


def samples(runs: Sequence[RunSummary], by: str, metric: str,
            kinds: Collection[str] = ()) -> dict[str, list[float | None]]:
    """Group → one value per (run, event), only events of ``kinds`` if given; ``None`` where
    the metric is null (never correct)."""
    out: dict[str, list[float | None]] = {}
    for r in runs:
        out.setdefault(r.setting(by), []).extend(getattr(e, metric) for e in r.events
                                                 if not kinds or e.kind in kinds)
    return out


def ecdf(values: Sequence[float | None]) -> tuple[np.ndarray, np.ndarray, int]:
    """Sorted finite values, the fraction of *all* samples at or below each, and the count of
    ``None`` (never) samples."""
    finite = np.sort(np.array([v for v in values if v is not None], dtype=float))
    n = len(values)
    return finite, np.arange(1, len(finite) + 1) / max(n, 1), n - len(finite)


#: Line styles the curves cycle through (besides colour): coinciding stretches stay distinguishable.
LINESTYLES = ("-", "--", "-.", ":")


def merge_identical(groups: dict[str, list[float | None]]) -> list[tuple[list[str], list[float | None]]]:
    """Groups in name order, those with the same samples (as a multiset, never-correct counted)
    merged into one entry naming all of them -- so one curve cannot silently hide another."""
    merged: dict[tuple[tuple[float, ...], int], tuple[list[str], list[float | None]]] = {}
    for name, values in sorted(groups.items()):
        key = (tuple(sorted(v for v in values if v is not None)), sum(v is None for v in values))
        merged.setdefault(key, ([], values))[0].append(name)
    return list(merged.values())


def cdf_figure(runs: Sequence[RunSummary], by: str = "protocol", metric: str = "convergence_time",
               kinds: Collection[str] = ()) -> Figure:
    """Step CDFs, one per group, on a log time axis when the values span decades.

    ``kinds`` keeps only events of those kinds (a failure and a repair are different
    distributions; mixing them makes a staircase that means nothing).
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}")
    groups = samples(runs, by, metric, kinds)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(8, 4.8))
        positive: list[float] = []
        for i, (names, values) in enumerate(merge_identical(groups)):
            xs, ys, never = ecdf(values)
            positive += [float(x) for x in xs if x > 0]
            shown_names = [f"{by}={n}" if by != "protocol" else n for n in names]
            label = " = ".join(shown_names)
            each = " each" if len(names) > 1 else ""
            label += f" ({len(values)} events{each}" + (f", {never} never correct" if never else "")
            label += ", identical curves)" if len(names) > 1 else ")"
            c = colour(names[0], i) if by == "protocol" else colour("", i)
            style = LINESTYLES[i % len(LINESTYLES)]
            if len(xs):
                ax.step(np.concatenate([[0.0], xs]), np.concatenate([[0.0], ys]), where="post", color=c,
                        linewidth=1.8, linestyle=style, label=label)
            else:
                ax.plot([], [], color=c, linestyle=style, label=label)
        if positive and max(positive) / min(positive) > 100:
            ax.set_xscale("symlog", linthresh=10 ** math.floor(math.log10(min(positive))))
        ax.set_ylim(0, 1.02)
        ax.set_xlim(left=0)
        ax.set_xlabel(METRICS[metric])
        ax.set_ylabel("fraction of events (cumulative)")
        scenarios = sorted({r.scenario for r in runs})
        shown = ", ".join(scenarios[:3]) + (f" +{len(scenarios) - 3}" if len(scenarios) > 3 else "")
        which = f"{' / '.join(sorted(kinds))} events" if kinds else "all events"
        ax.set_title(f"{which}, {len(runs)} runs — {shown}", loc="left")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", frameon=False)
        fig.tight_layout()
        return fig
