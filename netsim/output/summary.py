"""What the summary plots need from a run, whether it was just simulated or saved as JSON.

The convergence bars and the CDF only need the per-event figures of the results JSON
(the results-JSON contract), so they can be redrawn from a file written yesterday or by a sweep on another
machine, without simulating again.  :class:`RunSummary` is that common shape; it is built from
a live :class:`~netsim.analysis.result.RunResult` or from one JSON object, and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from netsim.errors import NetsimError
from netsim.inputs import read_text, short
from netsim.records import record


@record
class EventSummary:
    """What one scripted event did: convergence, correctness and cost figures for the summary table."""

    time: float
    kind: str
    target: tuple[str, ...]
    description: str
    convergence_time: float | None
    correct_time: float | None
    messages: int = 0
    bytes: int = 0


@record
class RunSummary:
    """One protocol run as the results JSON describes it (plus the raw object, for ``--by``)."""

    scenario: str
    protocol: str
    seed: int
    initial_convergence: float | None
    events: tuple[EventSummary, ...]
    messages_total: int = 0
    raw: Mapping[str, Any] = field(default_factory=dict)

    def setting(self, key: str) -> str:
        """The value of ``key`` for grouping: a top-level field, then an option, then what a
        sweep recorded about the run (``run``: failure, overridden options).  Missing → ``"?"``
        so a mixed set of files still plots."""
        if key == "protocol":
            return self.protocol
        if key == "scenario":
            return self.scenario
        run = self.raw.get("run", {})
        for where in (self.raw, self.raw.get("options", {}), run,
                      run.get("options", {}) if isinstance(run, Mapping) else {}):
            if isinstance(where, Mapping) and key in where:
                return str(where[key])
        return "?"


def summarize(result: Any) -> RunSummary:
    """A :class:`RunSummary` from a RunResult (duck-typed) or pass one through unchanged."""
    if isinstance(result, RunSummary):
        return result
    m = result.metrics
    events = tuple(EventSummary(e.time, e.kind, tuple(e.target), e.description, e.convergence_time,
                                e.correct_time, e.messages, e.bytes) for e in m.events)
    return RunSummary(result.scenario.name, result.protocol, result.seed, m.initial_convergence, events,
                      m.messages_total, {"options": dict(result.options)})


def from_json_object(obj: Any, where: str) -> RunSummary:
    """One results-JSON object; ``where`` names the file (and line) in error messages."""
    if not isinstance(obj, Mapping) or "protocol" not in obj or "events" not in obj:
        raise NetsimError(f"{where}: not a netsim result object (needs at least 'protocol' and 'events')")
    try:
        events = tuple(EventSummary(
            float(e["time"]), str(e.get("kind", "")), tuple(e.get("target", ())),
            str(e.get("description") or f"{e.get('kind', 'event')} {'–'.join(e.get('target', ()))}"),
            _opt(e.get("convergence_time")), _opt(e.get("correct_time")),
            int(e.get("messages", 0)), int(e.get("bytes", 0))) for e in obj["events"])
        return RunSummary(str(obj.get("scenario", "?")), str(obj["protocol"]), int(obj.get("seed", 0)),
                          _opt(obj.get("initial_convergence")), events, int(obj.get("messages_total", 0)), obj)
    except (KeyError, TypeError, ValueError) as exc:
        raise NetsimError(f"{where}: malformed result object ({short(str(exc), 80)})") from None


def _opt(x: Any) -> float | None:
    return None if x is None else float(x)


def load_results(paths: Iterable[str | Path]) -> list[RunSummary]:
    """Results from files holding a JSON array (``netsim run --json``), one JSON object, or JSON
    lines (one result object per line, as a sweep writes them)."""
    out: list[RunSummary] = []
    for path in paths:
        p = Path(path)
        out += parse_results(read_text(p, str(p)), str(p))
    return out


def parse_results(text: str, where: str) -> list[RunSummary]:
    stripped = text.strip()
    if not stripped:
        raise NetsimError(f"{where}: empty file (expected results JSON)")
    try:
        doc = json.loads(stripped)
    except ValueError:  # not one JSON document (or a number too long to read): JSON lines?
        return _json_lines(text, where)
    if isinstance(doc, list):
        return [from_json_object(o, f"{where}[{i}]") for i, o in enumerate(doc)]
    return [from_json_object(doc, where)]


def _json_lines(text: str, where: str) -> list[RunSummary]:
    """One object per line.  An unterminated last line that is not valid JSON is a sweep
    interrupted mid-write: it is skipped, as the sweep itself skips it when resuming; any other
    bad line is an error."""
    lines = text.split("\n")
    out = []
    for n, ln in enumerate(lines, start=1):
        if not ln.strip():
            continue
        try:
            obj = json.loads(ln)
        except ValueError as exc:
            if n == len(lines) and not text.endswith("\n"):
                break
            raise NetsimError(f"{where}:{n}: not JSON ({getattr(exc, 'msg', 'a number is too long')})") from None
        out.append(from_json_object(obj, f"{where}:{n}"))
    return out
