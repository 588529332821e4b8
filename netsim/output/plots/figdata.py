"""What a figure shows, as data: the numbers plotted and how they are drawn, without pixels.

Why: the README's figures are committed PNGs, and a PNG cannot be compared with what the code
would draw now -- renderer versions, fonts and anti-aliasing change bytes without changing the
picture, while a changed engine changes the picture without anyone noticing.  ``netsim plot
readme`` therefore writes, next to the images, a sidecar (:data:`SIDECAR`) holding each figure's
data as extracted here plus the SHA-256 of the image it was drawn with.  A test regenerates the
figures and compares their data with the committed sidecar, and the committed images' hashes
with the sidecar's: a stale figure, or an image edited without its data, fails it.

The extraction is deliberately coarse: data coordinates rounded to :data:`DIGITS` significant
digits, labels, titles, legend entries, scales, colours, line styles, markers and hatches.
Layout (positions in pixels, font metrics) is left out, so only a change in what the figure
says is a difference.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.collections import Collection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

#: The sidecar ``netsim plot readme`` writes next to the figures.
SIDECAR = "figures.json"
#: Significant digits kept of every plotted number: enough to see any change a reader could,
#: few enough that the last bits of floating point do not differ between machines.
DIGITS = 6


def _num(x: Any) -> Any:
    """A number rounded to DIGITS significant digits (NaN and infinities as strings, for JSON)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(v):
        return str(v)
    if v == 0:
        return 0.0
    return float(f"{v:.{DIGITS}g}")


def _nums(values: Iterable[Any]) -> list[Any]:
    out = []
    for v in values:
        if isinstance(v, (list, tuple)) or getattr(v, "ndim", 0):
            out.append(_nums(v))
        else:
            out.append(_num(v))
    return out


def _colour(c: Any) -> str | None:
    try:
        return to_hex(c, keep_alpha=True)
    except (ValueError, TypeError):
        return None


def _line(line: Line2D) -> dict[str, Any]:
    label = line.get_label()
    # Labels matplotlib makes up ("_child7") count artists, which says nothing about the data.
    return {"label": "" if label.startswith("_") else label, "x": _nums(line.get_xdata()), "y": _nums(line.get_ydata()),
            "color": _colour(line.get_color()), "linestyle": line.get_linestyle(),
            "marker": str(line.get_marker())}


def _patch(patch: Patch) -> dict[str, Any]:
    out: dict[str, Any] = {"type": type(patch).__name__, "facecolor": _colour(patch.get_facecolor()),
                           "hatch": patch.get_hatch()}
    if isinstance(patch, Rectangle):
        out["xywh"] = _nums((patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()))
    else:
        out["vertices"] = _nums(patch.get_path().vertices.tolist())
    return out


def _collection(coll: Collection) -> dict[str, Any]:
    out: dict[str, Any] = {"type": type(coll).__name__, "offsets": _nums(coll.get_offsets().tolist())}
    array = coll.get_array()
    if array is not None:
        out["values"] = _nums(list(array))
    segments = getattr(coll, "get_segments", None)
    if segments is not None:
        out["segments"] = _nums([s.tolist() for s in segments()])
    out["facecolors"] = [_colour(c) for c in coll.get_facecolors()]
    return out


def _axes(ax: Axes) -> dict[str, Any]:
    legend = ax.get_legend()
    return {
        "title": [ax.get_title(loc) for loc in ("left", "center", "right") if ax.get_title(loc)],
        "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
        "xscale": ax.get_xscale(), "yscale": ax.get_yscale(),
        "xticklabels": [t.get_text() for t in ax.get_xticklabels() if t.get_text()],
        "yticklabels": [t.get_text() for t in ax.get_yticklabels() if t.get_text()],
        "lines": [_line(line) for line in ax.get_lines()],
        "patches": [_patch(p) for p in ax.patches],
        "collections": [_collection(c) for c in ax.collections],
        "texts": [t.get_text() for t in ax.texts],
        "legend": [t.get_text() for t in legend.get_texts()] if legend is not None else [],
    }


def figure_data(fig: Figure) -> dict[str, Any]:
    """The data ``fig`` shows (see the module docstring), in a JSON-ready form."""
    return {"title": fig._suptitle.get_text() if fig._suptitle is not None else "",  # noqa: SLF001
            "axes": [_axes(ax) for ax in fig.axes]}


def file_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sidecar_text(entries: Mapping[str, Mapping[str, Any]]) -> str:
    """The sidecar's text: per image name, its data and the hash of the image file."""
    return json.dumps(dict(sorted(entries.items())), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
