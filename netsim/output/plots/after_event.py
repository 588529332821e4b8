"""The topology right after an event: failed links marked, routers coloured by when they settled.

Answers "how does a failure ripple out?" at a glance: routers next to the cut settle first
(link-state) or last (distance vector, waiting for updates), and routers that never had to
change anything stay white.  Each router's time is its last FIB change in the event's window,
minus the event time: a pure function of the trace.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from netsim.analysis.replay import world_at
from netsim.analysis.result import RunResult
from netsim.errors import NetsimError
from netsim.output.plots.network_map import layout
from netsim.output.plots.style import PALETTE, STYLE

LABEL_LIMIT = 60
#: viridis is perceptually uniform and readable with every common colour-vision deficiency.
TIME_COLOURS = colormaps["viridis"]
#: A failed link: dashed, with an X at its middle.  One style for the drawing and its legend entry,
#: so the key shows what the map shows (the legend once had the dash without the X).
LINK_DOWN = {"color": PALETTE[3], "linewidth": 2.4, "linestyle": "--", "marker": "X", "markersize": 12}


def settle_times(result: RunResult, event: int) -> tuple[float, float, dict[str, float]]:
    """(event time, window end, router → seconds from the event to its last FIB change in the
    window).  Routers with no change in the window are absent."""
    events = result.metrics.events
    if not events:
        raise NetsimError(f"scenario {result.scenario.name} has no events: nothing to colour routers by")
    if not 0 <= event < len(events):
        raise NetsimError(f"--event {event}: out of range (the scenario has events 0..{len(events) - 1})")
    ev = events[event]
    out: dict[str, float] = {}
    for rc in result.trace.changes_between(ev.time, ev.window_end):
        out[rc.router] = rc.time - ev.time
    return ev.time, ev.window_end, out


def topology_figure(result: RunResult, event: int = 0) -> Figure:
    """Draw the network as it was just after scripted event ``event``."""
    t0, _, times = settle_times(result, event)
    graph = result.scenario.graph
    world = world_at(graph, result.trace, t0)
    pos = layout(graph)
    ev = result.metrics.events[event]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(9, 6.5))
        for u, v in graph.edges():
            (x1, y1), (x2, y2) = pos[u], pos[v]
            if world.link_up(u, v):
                ax.plot([x1, x2], [y1, y2], color="0.6", linewidth=1.4, zorder=1)
            else:  # the X at the middle point only
                ax.plot([x1, (x1 + x2) / 2, x2], [y1, (y1 + y2) / 2, y2], markevery=[1], zorder=2, **LINK_DOWN)
        vmax = max(times.values(), default=0.0) or 1.0
        norm = Normalize(0.0, vmax)
        for n in graph.nodes:
            x, y = pos[n]
            if n in world.down:
                ax.scatter([x], [y], s=220, marker="X", color="0.35", zorder=3)
            elif n in times:
                ax.scatter([x], [y], s=220, color=TIME_COLOURS(norm(times[n])), edgecolors="0.2", zorder=3)
            else:
                ax.scatter([x], [y], s=220, color="white", edgecolors="0.2", zorder=3)
        if graph.number_of_nodes() <= LABEL_LIMIT:
            for n in graph.nodes:
                x, y = pos[n]
                ax.annotate(str(n), (x, y), xytext=(7, 7), textcoords="offset points", fontsize=9)
        mappable = plt.cm.ScalarMappable(norm=norm, cmap=TIME_COLOURS)
        mappable.set_array(np.array(list(times.values()) or [0.0]))
        fig.colorbar(mappable, ax=ax, shrink=0.75, pad=0.02, label="last FIB change after the event (s)")
        ax.scatter([], [], s=120, color="white", edgecolors="0.2", label="no FIB change")
        ax.scatter([], [], s=120, marker="X", color="0.35", label="router down")
        ax.plot([], [], label="link down", **LINK_DOWN)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False)
        geographic = bool(graph.graph.get("geographic"))
        ax.set_xlabel("longitude (°)" if geographic else "layout x (arbitrary units)")
        ax.set_ylabel("latitude (°)" if geographic else "layout y (arbitrary units)")
        if not geographic:
            ax.set_xticks([])
            ax.set_yticks([])
        ys = [y for _, y in pos.values()]
        # A degree of longitude is shorter than one of latitude away from the equator.
        aspect = 1 / max(0.2, math.cos(math.radians(sum(ys) / len(ys)))) if geographic else 1.0
        ax.set_aspect(aspect, adjustable="datalim")
        ax.margins(x=0.14, y=0.08)
        ax.set_title(f"{result.protocol} after t={ev.time:g} s {ev.description} — {result.scenario.name}",
                     loc="left")
        fig.tight_layout()
        return fig
