"""Results as the results-JSON contract, and the text comparison table -- both derived from the
metric definitions (:mod:`netsim.analysis.metric_defs`), so a new metric appears in both.

Floats are rounded to microseconds so that the same run gives byte-identical JSON on any
machine and a reader sees ``0.054`` rather than ``0.054000000000002046``.  The JSON refuses NaN
and infinities (strict parsers reject them): a metric that cannot be known is ``null``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from netsim.analysis.metric_defs import (
    Column,
    Metric,
    RunContext,
    event_metrics_for,
    human_seconds,
    packets_json,
    seconds,
)
from netsim.analysis.result import RunResult
from netsim.output import json_text
from netsim.output.fib_text import TableRenderer, table_json

#: What the table shows for correctness when the scenario is outside the correctness model.
NOT_JUDGED = "n/a"
#: Models the JSON does not name: shortest paths, as the README's contract says (RIP's are cut
#: at its infinity, which only a scenario whose path costs reach it can tell apart).
SHORTEST_PATH_MODELS = ("shortest_paths", "shortest_paths_below_infinity")


def _context(res: RunResult) -> RunContext:
    return RunContext(res.trace, res.options, res.protocol, res.dataplane)


def result_dict(res: RunResult, _tables: TableRenderer | None = None) -> dict[str, Any]:
    """One run as a results-JSON object (contract keys first, extensions after).

    ``_tables`` (for :func:`write_json` and a sweep's lines) renders the final tables: they then
    stay :class:`~netsim.output.json_text.Fragment` objects rather than plain dicts."""
    m = res.metrics
    metrics = event_metrics_for(_context(res))
    events = []
    for e in m.events:
        obj: dict[str, Any] = {"time": seconds(e.time), "kind": e.kind, "target": list(e.target)}
        obj.update((d.name, d.to_json(e.values[d.name])) for d in metrics if d.contract)
        obj["description"] = e.description
        obj["window_end"] = seconds(e.window_end)
        obj.update((d.name, d.to_json(e.values[d.name])) for d in metrics if not d.contract)
        events.append(obj)
    out = {
        "scenario": res.scenario.name, "protocol": res.protocol, "seed": res.seed,
        "initial_convergence": seconds(m.initial_convergence),
        "events": events,
        "messages_total": m.messages_total,
        "final_tables": {r: table_json(fib) if _tables is None else _tables.fragment(fib)
                         for r, fib in m.final_tables.items()},
        "bytes_total": m.bytes_total,
        "end_time": seconds(m.end_time),
        "options": {k: res.options[k] for k in sorted(res.options)},
    }
    if res.correctness not in SHORTEST_PATH_MODELS or m.unjudged:
        out["correctness"] = {"model": res.correctness, "judged": m.unjudged is None,
                              **({"why_not": m.unjudged} if m.unjudged else {})}
    if res.dataplane is not None:
        dp = res.dataplane
        out.update({"flows": {"pairs": [list(p) for p in dp.pairs], "rate": dp.rate},
                    "packets_initial": packets_json(dp.at(0.0)), "packets_total": packets_json(dp.total)})
    return out


def write_json(results: Iterable[RunResult], write: Callable[[str], object]) -> None:
    """The results JSON, ``json.dumps(..., indent=2)`` of :func:`result_dict` and a newline,
    passed to ``write`` in pieces as it is rendered.

    Why in pieces: on a large network the text is gigabytes (every router's table); held whole
    it was the command's memory peak several times over -- the text, the joins that built it,
    the encoded bytes -- for output that can go to its file or pipe a table at a time.
    """
    tables = TableRenderer()
    for chunk in json_text.iterencode([result_dict(r, tables) for r in results]):
        write(chunk)
    write("\n")


def dumps(results: Iterable[RunResult]) -> str:
    """The results JSON as one string (what :func:`write_json` writes)."""
    chunks: list[str] = []
    write_json(results, chunks.append)
    return "".join(chunks)


# -- text table ----------------------------------------------------------------------------------
def _table_metrics(results: Sequence[RunResult]) -> list[Metric]:
    """Metrics with a column that apply to at least one result, in definition order."""
    seen: dict[str, Metric] = {}
    for res in results:
        for d in event_metrics_for(_context(res)):
            if d.columns:
                seen.setdefault(d.name, d)
    return list(seen.values())


def compare_rows(results: Sequence[RunResult]) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """(header, rows): an initial row and one row per event for each protocol."""
    metrics = _table_metrics(results)
    columns: list[tuple[Metric, Column]] = [(d, c) for d in metrics for c in d.columns]
    header = ("protocol", "event", *(c.header for _d, c in columns))
    rows: list[tuple[str, ...]] = []
    for res in results:
        m = res.metrics
        applies = {d.name for d in event_metrics_for(_context(res))}
        init = human_seconds(m.initial_convergence) if not m.unjudged else NOT_JUDGED
        initial = {"convergence_time": init, "correct_time": init, "route_changes": str(m.initial_changes),
                   "messages": str(m.initial_messages)}
        cells = [initial.get(d.name) or
                 (c.show(res.dataplane.at(0.0)) if d.name == "packets" and res.dataplane is not None else "")
                 for d, c in columns]
        rows.append((res.protocol, "initial (cold start)", *cells))
        for e in m.events:
            rows.append((res.protocol, f"t={e.time:g} {e.description}",
                         *(NOT_JUDGED if m.unjudged and d.name == "correct_time" else
                           c.show(e.values[d.name]) if d.name in applies else "" for d, c in columns)))
    return header, rows


def render_table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
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


def legend(metrics: Sequence[Metric]) -> str:
    """What each column means, from the metric definitions."""
    parts = []
    for d in metrics:
        headers = " / ".join(c.header for c in d.columns)
        null = f" ({human_seconds(None)}: {d.null})" if d.null else ""
        parts.append(f"{headers} = {d.meaning}{null}")
    return "\n".join(textwrap.fill(p, 110, subsequent_indent="    ") for p in parts)


def compare_text(results: Sequence[RunResult]) -> str:
    sc = results[0].scenario if results else None
    head = f"scenario {sc.name}: {sc.graph.number_of_nodes()} routers, {sc.graph.number_of_edges()} links, " \
           f"seed {results[0].seed}" if sc else ""
    header, rows = compare_rows(results)
    notes = "".join(f"\n{r.protocol}: correctness not judged ({NOT_JUDGED}): {r.metrics.unjudged}" for r in results
                    if r.metrics.unjudged)
    return f"{head}\n\n{render_table(rows, header)}\n{notes}\n{legend(_table_metrics(results))}\n"

