"""netsim's figures against FRR's, per event: medians, ranges, the tolerance band and the verdict.

Pure code over :class:`~netsim.analysis.metrics.RunMetrics`, so the table is tested without FRR.

**Tolerance.** netsim's median must land within a band around FRR's median:

* ±15 % where the outcome is set by deterministic timers: detection by the dead interval on
  link-state (a silent failure, a crash) -- the spread comes only from the hello phase;
* ±30 % where jitter dominates: a carrier loss or repair on link-state (SPF delay plus the real
  FIB-install time, a few tens of milliseconds), a restart, and every distance-vector case
  (random update phases and triggered-update damping).

The band is relative to FRR's median: ``|netsim - FRR| <= band * FRR``.  A figure that never
happened (None: never correct) only matches another None.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from collections.abc import Sequence
from typing import Any

from netsim.analysis.metrics import RunMetrics
from netsim.records import record
from netsim.scenario.events import Event, LinkDown, NodeDown

#: The figures compared, as (EventMetrics attribute, label); the first one carries the verdict.
FIGURES = (("convergence_time", "converged"), ("correct_time", "correct"), ("blackhole_time", "black hole"),
           ("loop_time", "loop"))
DETERMINISTIC_BAND = 0.15
JITTER_BAND = 0.30


def tolerance(protocol: str, event: Event | None) -> float:
    """The band for one event (see the module notes); None: the cold start."""
    if protocol == "linkstate" and (isinstance(event, NodeDown) or (isinstance(event, LinkDown) and event.silent)):
        return DETERMINISTIC_BAND
    return JITTER_BAND


@record
class Row:
    """One figure of one event: netsim over seeds against FRR over runs (None = never)."""

    event: int
    description: str
    figure: str
    netsim: tuple[float | None, ...]
    frr: tuple[float | None, ...]
    #: The tolerance band of this row (0: no verdict, e.g. the cold start or a secondary figure).
    band: float = 0.0

    @property
    def netsim_median(self) -> float | None:
        return median(self.netsim)

    @property
    def frr_median(self) -> float | None:
        return median(self.frr)

    @property
    def frr_range(self) -> tuple[float, float] | None:
        vals = [v for v in self.frr if v is not None]
        return (min(vals), max(vals)) if vals else None

    @property
    def ratio(self) -> float | None:
        """netsim median / FRR median (None when either is missing or FRR's is 0)."""
        a, b = self.netsim_median, self.frr_median
        if a is None or b is None or b == 0:
            return None
        return a / b

    @property
    def within(self) -> bool | None:
        """Whether netsim's median is inside the band around FRR's (None: no verdict)."""
        if not self.band or not self.frr:
            return None
        a, b = self.netsim_median, self.frr_median
        if a is None or b is None:
            return a is None and b is None
        return abs(a - b) <= self.band * b + 1e-9


def median(values: Sequence[float | None]) -> float | None:
    """Median where None (never correct) counts as +infinity; None if that is the median."""
    if not values:
        return None
    m = statistics.median([math.inf if v is None else v for v in values])
    return None if math.isinf(m) else m


def relative_events(events: Sequence[Event]) -> list[Event]:
    """Events with times counted from the first event (the lab's measured phase starts there)."""
    if not events:
        return []
    t0 = min(ev.time for ev in events)
    return [dataclasses.replace(ev, time=ev.time - t0) for ev in events]


def summarize(netsim_runs: Sequence[RunMetrics], frr_runs: Sequence[RunMetrics], protocol: str,
              events: Sequence[Event] = ()) -> list[Row]:
    """Rows per (event, figure), events matched by their scenario index; the cold start first."""
    rows = [Row(-1, "initial (cold start)", "converged",
                tuple(m.initial_convergence for m in netsim_runs), tuple(m.initial_convergence for m in frr_runs))]
    if not netsim_runs:
        return rows
    by_index = {ev.index: ev for ev in events}
    for ev in netsim_runs[0].events:
        for k, (attr, label) in enumerate(FIGURES):
            ns = tuple(figure(m, ev.index, attr) for m in netsim_runs)
            fr = tuple(figure(m, ev.index, attr) for m in frr_runs)
            band = tolerance(protocol, by_index.get(ev.index)) if k == 0 else 0.0
            rows.append(Row(ev.index, ev.description, label, ns, fr, band))
    return rows


def figure(m: RunMetrics, index: int, attr: str) -> float | None:
    for ev in m.events:
        if ev.index == index:
            return getattr(ev, attr)
    return None


def fmt(v: float | None) -> str:
    if v is None:
        return "never"
    if v == 0:
        return "0"
    return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"


def verdict(row: Row) -> str:
    if row.within is None:
        return "-"
    return f"yes (±{row.band:.0%})" if row.within else f"NO (±{row.band:.0%})"


def render(rows: Sequence[Row], *, runs: int, seeds: int, figures: Sequence[str] = ("converged",)) -> str:
    """The side-by-side table (rows of the given figures), aligned columns."""
    head = ("event", "figure", f"netsim median ({seeds} seeds)", f"FRR median ({runs} runs)", "FRR range",
            "netsim/FRR", "within")
    body = []
    for r in rows:
        if r.figure not in figures:
            continue
        rng = r.frr_range
        body.append((r.description, r.figure, fmt(r.netsim_median), fmt(r.frr_median),
                     f"{fmt(rng[0])} – {fmt(rng[1])}" if rng else "-",
                     f"{r.ratio:.2f}" if r.ratio is not None else "-", verdict(r)))
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(b, widths, strict=True)).rstrip() for b in body]
    return "\n".join(lines)


def markdown(rows: Sequence[Row], scenario: str) -> str:
    """The verdict rows as Markdown table lines (no header): scenario, event, netsim's median, FRR's
    median and range, and the verdict -- the README's validation table is these lines."""
    out = []
    for r in rows:
        if r.figure != "converged" or r.event < 0:
            continue
        rng = r.frr_range
        frr = f"{fmt(r.frr_median)} ({fmt(rng[0])} – {fmt(rng[1])})" if rng else fmt(r.frr_median)
        out.append(f"| {scenario} | {r.description} | {fmt(r.netsim_median)} | {frr} | {verdict(r)} |")
    return "\n".join(out)


def rows_to_json(rows: Sequence[Row]) -> list[dict[str, Any]]:
    return [{"event": r.event, "description": r.description, "figure": r.figure, "netsim": list(r.netsim),
             "frr": list(r.frr), "netsim_median": r.netsim_median, "frr_median": r.frr_median,
             "frr_range": list(r.frr_range) if r.frr_range else None, "band": r.band or None,
             "within": r.within} for r in rows]


def frr_from_json(doc: Any) -> dict[tuple[int, str], tuple[float | None, ...]]:
    """FRR's values per (event, figure) from a previous ``--json`` file (to re-compare netsim
    after a model change without running FRR again)."""
    out: dict[tuple[int, str], tuple[float | None, ...]] = {}
    for row in doc.get("rows", []) if isinstance(doc, dict) else []:
        out[(int(row["event"]), str(row["figure"]))] = tuple(None if v is None else float(v) for v in row["frr"])
    return out
