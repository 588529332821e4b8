"""Figures of a topology, good enough for a paper: map layout when positions exist, costs in colour.

Uses matplotlib's object API with the Agg canvas, never pyplot, so drawing needs no display and
changes no global state of the caller's program.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.figure import Figure

from netsim.errors import TopologyError
from netsim.files import atomic_write

LABEL_LIMIT = 60
"""Above this many routers labels overlap into noise, so they are hidden unless asked for."""

IMAGE_FORMATS = ("png", "svg", "pdf")

COST_COLOURS = ListedColormap(colormaps["viridis"](np.linspace(0.0, 0.85, 256)), name="cost")
"""viridis without its palest yellows, which vanish on white paper."""


def layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Stored positions when every router has one, else a seeded spring layout (same picture each run)."""
    pos = nx.get_node_attributes(graph, "pos")
    if len(pos) == graph.number_of_nodes() and pos:
        return {n: (float(x), float(y)) for n, (x, y) in pos.items()}
    spring = nx.spring_layout(graph, seed=0, weight=None)
    return {n: (float(x), float(y)) for n, (x, y) in spring.items()}


def _image_format(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in IMAGE_FORMATS:
        raise TopologyError(f"{path}: cannot draw to {fmt or 'a file without extension'!r}; use .png, .svg or .pdf")
    return fmt


def _draw_links(ax, graph: nx.Graph, pos: dict[str, tuple[float, float]], fig: Figure) -> None:
    segments = [(pos[u], pos[v]) for u, v in graph.edges()]
    costs = [float(c) for _, _, c in graph.edges(data="cost", default=1)]
    width = 1.6 if graph.number_of_edges() < 200 else 0.7
    if costs and min(costs) != max(costs):
        lines = LineCollection(segments, cmap=COST_COLOURS, norm=Normalize(min(costs), max(costs)), linewidths=width)
        lines.set_array(costs)
        ax.add_collection(lines)
        fig.colorbar(lines, ax=ax, shrink=0.6, pad=0.02, label="link cost")
    else:
        ax.add_collection(LineCollection(segments, colors="0.45", linewidths=width))


def _draw_labels(ax, pos: dict[str, tuple[float, float]], size: float) -> None:
    for name, (x, y) in pos.items():
        ax.annotate(
            name,
            (x, y),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=size,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        )


def _aspect(graph: nx.Graph, ys: tuple[float, ...]) -> float:
    """Degrees of longitude shrink with latitude: stretch y so a map is not squashed."""
    if graph.graph.get("geographic") and ys:
        return 1 / max(0.2, math.cos(math.radians(sum(ys) / len(ys))))
    return 1.0


def _figure_size(xs: tuple[float, ...], ys: tuple[float, ...], aspect: float) -> tuple[float, float]:
    """8 inches wide, as tall as the drawing needs (within reason), so there are no empty bands."""
    width = (max(xs) - min(xs)) if xs else 1.0
    height = (max(ys) - min(ys)) * aspect if ys else 1.0
    ratio = height / width if width > 0 else 1.0
    return 8.0, min(9.0, max(3.5, 7.0 * ratio + 1.0))


def render(graph: nx.Graph, *, labels: bool | None = None) -> Figure:
    """Build the figure; ``labels=None`` shows them only up to LABEL_LIMIT routers."""
    pos = layout(graph)
    n = graph.number_of_nodes()
    xs, ys = zip(*pos.values(), strict=True) if pos else ((), ())
    aspect = _aspect(graph, ys)
    fig = Figure(figsize=_figure_size(xs, ys, aspect), dpi=150, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    _draw_links(ax, graph, pos, fig)
    ax.scatter(xs, ys, s=40 if n <= LABEL_LIMIT else 8, c="#d62728", edgecolors="white", linewidths=0.6, zorder=3)
    if labels if labels is not None else n <= LABEL_LIMIT:
        _draw_labels(ax, pos, 7 if n <= 30 else 5.5)
    ax.set_aspect(aspect)
    ax.set_axis_off()
    ax.margins(0.08)
    title = graph.graph.get("name") or "topology"
    ax.set_title(f"{title} — {n} routers, {graph.number_of_edges()} links", fontsize=11)
    return fig


def draw_topology(graph: nx.Graph, path: str | Path, *, labels: bool | None = None) -> None:
    """Draw ``graph`` to a .png/.svg/.pdf file, atomically."""
    path = Path(path)
    fmt = _image_format(path)
    fig = render(graph, labels=labels)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format=fmt))
