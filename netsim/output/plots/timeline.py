"""The timeline raster: every FIB change as a tick on its router's row, events as vertical lines.

Made to be projected: a teacher points at the failure line and then at the ripple of ticks
that follows it, router by router, and at the distance-vector rows that keep ticking long
after link-state has gone quiet.  One panel per protocol, on a shared time axis.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from netsim.analysis.explain import COUNTING_PROTOCOLS, counting_steps
from netsim.analysis.result import RunResult
from netsim.output.plots.style import PALETTE, STYLE, mark_events

#: Change kinds, in legend order, with their Okabe–Ito colour and marker size.
KINDS = (("new route", PALETTE[2], 140), ("route changed", PALETTE[0], 140),
         ("route withdrawn", PALETTE[3], 140), ("counting to infinity", PALETTE[4], 260))
LABEL_LIMIT = 40


def default_window(result: RunResult) -> tuple[float, float]:
    """From shortly before the first event to the end (the cold start is a different story);
    the whole run when there are no events."""
    end = result.trace.end_time
    events = result.trace.events
    if not events:
        return 0.0, end
    first = events[0].time
    return max(0.0, first - 0.05 * max(end - first, 1.0)), end


def timeline_figure(results: Sequence[RunResult], start: float | None = None, end: float | None = None,
                    dest: str | None = None) -> Figure:
    """Route changes per router over simulated time, one panel per result.

    ``dest`` keeps only the changes towards one destination (the count-to-infinity story is
    about one destination) and prints each new metric next to its tick (∞: withdrawn).
    Events are dashed vertical lines labelled with what happened; the extra link changes of a
    flapping link are dotted.
    """
    if not results:
        raise ValueError("timeline_figure needs at least one result")
    lo, hi = default_window(results[0])
    lo = lo if start is None else start
    hi = max(r.trace.end_time for r in results) if end is None else end
    routers = sorted(results[0].trace.routers)
    with plt.rc_context(STYLE):
        height = min(2.2 + 0.26 * len(routers), 9.0) * len(results)
        fig, axes = plt.subplots(len(results), 1, figsize=(10, max(3.2, height)), sharex=True, squeeze=False)
        for ax, res in zip(axes[:, 0], results, strict=True):
            _panel(ax, res, routers, lo, hi, dest)
        axes[-1, 0].set_xlabel("simulated time (s)")
        handles = [plt.Line2D([], [], marker="|", linestyle="", color=c, markersize=12, mew=2.5, label=k)
                   for k, c, _ in KINDS]
        handles.append(plt.Line2D([], [], color="0.25", linestyle="--", label="scripted event"))
        axes[0, 0].legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.12), ncol=5, frameon=False,
                          fontsize=9)
        fig.tight_layout()
        return fig


def _panel(ax: plt.Axes, res: RunResult, routers: list[str], lo: float, hi: float, dest: str | None) -> None:
    row = {r: i for i, r in enumerate(routers)}
    trace = res.trace
    steps = counting_steps(trace.route_changes) if res.protocol in COUNTING_PROTOCOLS else {}
    points: dict[str, tuple[list[float], list[int]]] = {k: ([], []) for k, _, _ in KINDS}
    for i, rc in enumerate(trace.route_changes):
        if not lo <= rc.time <= hi or (dest is not None and rc.dest != dest):
            continue
        if i in steps:
            kind = "counting to infinity"
        elif rc.old is None:
            kind = "new route"
        elif rc.new is None:
            kind = "route withdrawn"
        else:
            kind = "route changed"
        points[kind][0].append(rc.time)
        points[kind][1].append(row[rc.router])
        if dest is not None:  # one destination: print each new metric, so the count can be read off
            ax.annotate("∞" if rc.new is None else f"{rc.new.cost:g}", (rc.time, row[rc.router]), xytext=(3, 5),
                        textcoords="offset points", fontsize=8, color="0.25")
    for kind, c, size in KINDS:
        xs, ys = points[kind]
        if xs:
            ax.scatter(xs, ys, marker="|", s=size, color=c, linewidths=2.0, zorder=3)
    _events(ax, res, lo, hi)
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.7, len(routers) - 0.3)
    if len(routers) <= LABEL_LIMIT:
        ax.set_yticks(range(len(routers)), routers, fontsize=9 if len(routers) > 15 else 10)
    ax.invert_yaxis()
    ax.set_ylabel("router")
    what = f"changes of the route to {dest}" if dest else "FIB changes"
    ax.set_title(f"{res.protocol}: {what} per router — {res.scenario.name}", loc="left")
    ax.grid(axis="x", alpha=0.3)


def _events(ax: plt.Axes, res: RunResult, lo: float, hi: float) -> None:
    trace = res.trace
    mark_events(ax, trace.events, lo, hi)
    first = {ev.index: ev.time for ev in trace.events}
    for tc in trace.topology_changes:
        if lo <= tc.time <= hi and first.get(tc.event) != tc.time:
            ax.axvline(tc.time, color="0.55", linestyle=":", linewidth=1.0, zorder=1)
