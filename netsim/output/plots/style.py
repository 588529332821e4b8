"""The look every netsim figure shares, and writing figures atomically.

Figures are made for papers and lectures: labelled axes with units, a colour-blind-safe palette
(Okabe–Ito), readable fonts; PNG, SVG or PDF by the output's extension.
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

from netsim.errors import NetsimError  # noqa: E402
from netsim.files import atomic_write  # noqa: E402
from netsim.trace import ScriptedEvent  # noqa: E402

#: Image formats matplotlib writes and we promise (chosen by the output file's extension).
FORMATS = ("png", "svg", "pdf")

#: Okabe–Ito palette: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
PROTOCOL_COLOURS = {"static": "#999999", "linkstate": PALETTE[0], "distvector": PALETTE[1], "isis": PALETTE[2],
                    "eigrp": PALETTE[3], "bgp": PALETTE[4]}

STYLE = {"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11, "legend.fontsize": 10,
         "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 110}


def colour(protocol: str, i: int = 0) -> str:
    """A protocol's colour, the same in every figure; unknown names (settings of a sweep)
    take the palette in order."""
    return PROTOCOL_COLOURS.get(protocol, PALETTE[(i + 5) % len(PALETTE)])


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
    check_format(path)
    try:
        atomic_write(path, lambda tmp: save_to(fig, tmp, path))
    finally:
        plt.close(fig)


def save_to(fig: Figure, tmp: str | Path, path: str | Path) -> None:
    """Write ``fig`` into ``tmp`` in the format ``path``'s extension names, and release it
    (part of writing a set of files as one unit: the caller renames ``tmp`` to ``path``)."""
    try:
        fig.savefig(tmp, format=check_format(path), bbox_inches="tight")
    finally:
        plt.close(fig)
