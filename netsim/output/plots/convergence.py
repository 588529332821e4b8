"""Figures from results: made for papers and lectures (labelled axes with units, a
colour-blind-safe palette, readable fonts), written atomically as PNG or SVG.

This module holds the shared look (``STYLE``, ``PALETTE``, :func:`colour`), the atomic
:func:`save` and the convergence comparison; the other figures live in ``plots_*`` modules,
one figure per module, and all follow the same conventions.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from netsim.analysis.result import RunResult  # noqa: E402
from netsim.errors import NetsimError  # noqa: E402
from netsim.files import atomic_write  # noqa: E402
from netsim.output.summary import RunSummary, summarize  # noqa: E402
from netsim.trace import ScriptedEvent  # noqa: E402

#: Image formats matplotlib writes and we promise (chosen by the output file's extension).
FORMATS = ("png", "svg", "pdf")

#: Okabe–Ito palette: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
PROTOCOL_COLOURS = {"static": "#999999", "linkstate": PALETTE[0], "distvector": PALETTE[1]}

STYLE = {"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 10,
         "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 110}


def colour(protocol: str, i: int = 0) -> str:
    """A protocol's colour, the same in every figure; unknown names (settings of a sweep)
    take the palette in order."""
    return PROTOCOL_COLOURS.get(protocol, PALETTE[(i + 3) % len(PALETTE)])


def mark_events(ax: Axes, events: Sequence[ScriptedEvent], lo: float, hi: float, label: bool = True) -> None:
    """Scripted events as dashed vertical lines, labelled along the line (rotated, inside the
    axes) so that events close in time never print over each other or over the title."""
    for ev in events:
        if lo <= ev.time <= hi:
            ax.axvline(ev.time, color="0.25", linestyle="--", linewidth=1.2, zorder=1)
            if label:
                ax.annotate(textwrap.fill(ev.detail, 26), (ev.time, 0.98), xycoords=("data", "axes fraction"),
                            xytext=(-3, 0), textcoords="offset points", rotation=90, ha="right", va="top", fontsize=8.5,
                            color="0.2", bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                                               "alpha": 0.8}, zorder=4)


def check_format(path: str | Path) -> str:
    """The format named by ``path``'s extension, or a one-line error before anything runs."""
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    if fmt not in FORMATS:
        raise NetsimError(f"{path}: cannot write a {fmt!r} image; use .png, .svg or .pdf")
    return fmt


def save(fig: Figure, path: str | Path) -> None:
    """Write ``fig`` atomically; the format comes from the extension (png, svg, pdf)."""
    fmt = check_format(path)

    try:
        atomic_write(path, lambda tmp: fig.savefig(tmp, format=fmt, bbox_inches="tight"))
    finally:
        plt.close(fig)


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
