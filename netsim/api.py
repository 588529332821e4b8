"""The public API: load a scenario, run protocols on it, get results."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from netsim.protocols import canonical_name
from netsim.runner import RunResult, simulate
from netsim.scenario.loader import Scenario, load_scenario, parse_scenario

__all__ = ["RunResult", "Scenario", "load_scenario", "parse_scenario", "run_protocols", "simulate"]


def run_protocols(scenario: Scenario, protocols: Iterable[str] | None = None, *, seed: int | None = None,
                  narrate: bool = True,
                  progress: Callable[[str], Callable[[float, float], None] | None] | None = None) -> list[RunResult]:
    """Run each protocol (default: the scenario's) and return the results in that order.

    Without a scenario duration each dynamic protocol runs until it is quiet; static routing
    then runs as long as the longest of them, so its black-hole time covers the same windows.
    """
    names = [canonical_name(p) or p for p in (protocols or scenario.protocols)]
    results: dict[str, RunResult] = {}
    dynamic = [p for p in names if p != "static"]
    for p in dynamic:
        results[p] = simulate(scenario, p, seed=seed, narrate=narrate, progress=progress(p) if progress else None)
    if "static" in names:
        end = max((r.metrics.end_time for r in results.values()), default=None)
        results["static"] = simulate(scenario, "static", seed=seed, narrate=narrate, min_end=end,
                                     progress=progress("static") if progress else None)
    return [results[p] for p in names]
