"""Results as the JSON contract of DESIGN §4.3, CSV rows, and the text comparison table.

Floats are rounded to microseconds so that the same run gives byte-identical JSON on any
machine and a reader sees ``0.054`` rather than ``0.054000000000002046``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

from netsim.runner import RunResult
from netsim.trace import Route

DIGITS = 6


def _t(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(float(x), DIGITS) + 0.0


def _cost(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(float(x), DIGITS)


def table_json(fib: dict[str, Route]) -> dict[str, dict[str, Any]]:
    return {d: {"next_hops": list(r.next_hops), "cost": _cost(r.cost)} for d, r in sorted(fib.items())}


def result_dict(res: RunResult) -> dict[str, Any]:
    """One run as the DESIGN §4.3 object (contract keys first, extensions after)."""
    m = res.metrics
    events = []
    for e in m.events:
        events.append({
            "time": _t(e.time), "kind": e.kind, "target": list(e.target),
            "convergence_time": _t(e.convergence_time), "correct_time": _t(e.correct_time),
            "route_changes": e.route_changes, "flaps": e.flaps, "messages": e.messages, "bytes": e.bytes,
            "loop_time": _t(e.loop_time), "blackhole_time": _t(e.blackhole_time),
            "description": e.description, "window_end": _t(e.window_end),
        })
    _add_fault_fields(res, events)
    return {
        "scenario": res.scenario.name, "protocol": res.protocol, "seed": res.seed,
        "initial_convergence": _t(m.initial_convergence),
        "events": events,
        "messages_total": m.messages_total,
        "final_tables": {r: table_json(fib) for r, fib in m.final_tables.items()},
        "bytes_total": m.bytes_total,
        "end_time": _t(m.end_time),
        "options": {k: res.options[k] for k in sorted(res.options)},
        **_run_fault_fields(res),
    }


def _add_fault_fields(res: RunResult, events: list[dict[str, Any]]) -> None:
    """Extension fields, present only when the scenario asks for them: probe packets per event
    window (``flows:``) and route-flap damping figures (distvector ``damping: true``)."""
    m = res.metrics
    if res.dataplane is not None:
        from netsim.analysis.dataplane import counts_dict

        for out, e in zip(events, m.events, strict=True):
            out["packets"] = counts_dict(res.dataplane.at(e.time))
    if res.options.get("damping"):
        from netsim.protocols.common.damping import flap_count, suppressed_time, suppression_intervals

        narrated = res.trace.narrate
        spans = suppression_intervals(res.trace.decisions, m.end_time)
        for out, e in zip(events, m.events, strict=True):
            out["suppressed_time"] = _t(suppressed_time(spans, e.time, e.window_end)) if narrated else None
            out["damped_flaps"] = flap_count(res.trace.decisions, e.time, e.window_end) if narrated else None


def _run_fault_fields(res: RunResult) -> dict[str, Any]:
    if res.dataplane is None:
        return {}
    from netsim.analysis.dataplane import counts_dict

    dp = res.dataplane
    return {"flows": {"pairs": [list(p) for p in dp.pairs], "rate": dp.rate},
            "packets_initial": counts_dict(dp.at(0.0)), "packets_total": counts_dict(dp.total)}


def dumps(results: Iterable[RunResult]) -> str:
    return json.dumps([result_dict(r) for r in results], indent=2, sort_keys=False) + "\n"


# -- text table ----------------------------------------------------------------------------------
COLUMNS = ("protocol", "event", "converged", "correct", "changes", "flaps", "msgs", "loop", "blackhole")
#: Extra columns when the scenario has probe flows: packets sent, dropped (no route or a dead
#: link), expired in a loop, lost at random on lossy links, and the mean path stretch.
PACKET_COLUMNS = ("pkts", "dropped", "looped", "lost", "stretch")


def fmt_s(x: float | None) -> str:
    """Seconds for humans: ``never`` for None, ms below one second."""
    if x is None:
        return "never"
    if x == 0:
        return "0"
    if x < 1:
        return f"{x * 1000:.1f} ms"
    return f"{x:.2f} s"


def compare_rows(results: Sequence[RunResult]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for res in results:
        m = res.metrics
        rows.append((res.protocol, "initial (cold start)", fmt_s(m.initial_convergence), fmt_s(m.initial_convergence),
                     "", "", "", "", ""))
        for e in m.events:
            rows.append((res.protocol, f"t={e.time:g} {e.description}", fmt_s(e.convergence_time),
                         fmt_s(e.correct_time), str(e.route_changes), str(e.flaps), str(e.messages),
                         fmt_s(e.loop_time), fmt_s(e.blackhole_time)))
    if any(r.dataplane is not None for r in results):
        rows = _with_packet_columns(results, rows)
    return rows


def _with_packet_columns(results: Sequence[RunResult], rows: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    out = []
    it = iter(rows)
    for res in results:
        dp = res.dataplane
        for start in (0.0, *(e.time for e in res.metrics.events)):
            row = next(it)
            if dp is None:
                out.append((*row, "", "", "", "", ""))
                continue
            c = dp.at(start)
            out.append((*row, str(c.sent), str(c.no_route + c.link_down), str(c.ttl_expired), str(c.lost),
                        "-" if c.stretch is None else f"{c.stretch:.3f}"))
    return out


def render_table(rows: Sequence[Sequence[str]], header: Sequence[str] = COLUMNS) -> str:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    numeric = {i for i, h in enumerate(header) if h not in ("protocol", "event")}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(str(c).rjust(w) if i in numeric else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    prev = None
    for r in rows:
        if prev is not None and r[0] != prev:
            out.append("")
        out.append(line(r))
        prev = r[0]
    return "\n".join(out)


def compare_text(results: Sequence[RunResult]) -> str:
    sc = results[0].scenario if results else None
    head = f"scenario {sc.name}: {sc.graph.number_of_nodes()} routers, {sc.graph.number_of_edges()} links, " \
           f"seed {results[0].seed}" if sc else ""
    legend = ("converged = event → last FIB change it caused; correct = event → every FIB matches shortest paths "
              "and stays so (never: not within the window);\nloop / blackhole = time some forwarding walk loops "
              "/ dead-ends while the destination is reachable; msgs = protocol packets in the window.")
    header = COLUMNS
    if any(r.dataplane is not None for r in results):
        header = (*COLUMNS, *PACKET_COLUMNS)
        legend += ("\npkts = probe packets sent in the window; dropped = no route or a dead link / crashed router "
                   "on the way; looped = TTL expired;\nlost = random loss on lossy links; stretch = mean delivered "
                   "path cost / shortest-path cost at send time.")
    return f"{head}\n\n{render_table(compare_rows(results), header)}\n\n{legend}\n"
