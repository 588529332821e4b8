"""Control-plane load over time: protocol packets and bytes per second, per protocol.

Convergence speed is bought with messages; this figure shows the price.  Link-state's burst of
flooding right after a failure next to distance vector's steady periodic drumbeat is a
comparison students remember.  Rates are binned so runs of different lengths compare directly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from netsim.analysis.result import RunResult
from netsim.errors import NetsimError
from netsim.output.plots.style import STYLE, colour, mark_events

#: Most bins a figure is drawn with (a tiny --bin would otherwise ask for billions).
MAX_BINS = 100_000


def nice_bin(span: float, target_bins: int = 150) -> float:
    """A round bin width (1, 2 or 5 × 10^k seconds) giving about ``target_bins`` bins."""
    raw = max(span, 1e-6) / target_bins
    base = 10 ** math.floor(math.log10(raw))
    return next(m * base for m in (1, 2, 5, 10) if m * base >= raw)


def binned_rates(result: RunResult, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(packets per second, bytes per second) in each bin of ``edges``."""
    log = result.trace.messages
    width = np.diff(edges)
    if not len(log):
        zeros = np.zeros(len(edges) - 1)
        return zeros, zeros.copy()
    t = np.frombuffer(log.times, dtype=np.float64)
    packets, _ = np.histogram(t, bins=edges, weights=np.frombuffer(log.counts, dtype=np.int64))
    octets, _ = np.histogram(t, bins=edges, weights=np.frombuffer(log.sizes, dtype=np.int64))
    return packets / width, octets / width


def messages_figure(results: Sequence[RunResult], bin_width: float | None = None, start: float | None = None,
                    end: float | None = None) -> Figure:
    """Two stacked panels (packets/s, bytes/s) with one step line per protocol and the
    scripted events as dashed vertical lines."""
    if not results:
        raise ValueError("messages_figure needs at least one result")
    lo = 0.0 if start is None else start
    hi = max(r.trace.end_time for r in results) if end is None else end
    width = bin_width or nice_bin(hi - lo)
    if (hi - lo) / width > MAX_BINS:
        raise NetsimError(f"--bin {width:g}: {(hi - lo) / width:.3g} bins over {hi - lo:g} s; at most {MAX_BINS:,} "
                          f"(a wider bin, or a narrower --from/--to)")
    edges = np.arange(lo, hi + width, width)
    if len(edges) < 2:
        edges = np.array([lo, lo + width])
    with plt.rc_context(STYLE):
        fig, (ax_p, ax_b) = plt.subplots(2, 1, figsize=(10, 6.5), sharex=True)
        for i, res in enumerate(results):
            pps, bps = binned_rates(res, edges)
            c = colour(res.protocol, i)
            total = res.trace.messages.total_packets()
            ax_p.stairs(pps, edges, color=c, linewidth=1.6, label=f"{res.protocol} ({total} packets)")
            ax_b.stairs(bps, edges, color=c, linewidth=1.6, label=res.protocol)
        mark_events(ax_p, results[0].trace.events, lo, hi)
        mark_events(ax_b, results[0].trace.events, lo, hi, label=False)
        ax_p.set_ylabel("packets per second")
        ax_b.set_ylabel("bytes per second")
        ax_b.set_xlabel(f"simulated time (s), {width:g} s bins")
        ax_p.set_xlim(lo, hi)
        ax_p.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        name = results[0].scenario.name
        fig.suptitle(f"Routing-protocol messages over time — {name}", x=0.02, ha="left", fontsize=12)
        for ax in (ax_p, ax_b):
            ax.grid(alpha=0.3)
            ax.set_ylim(bottom=0)
        fig.tight_layout()
        return fig
