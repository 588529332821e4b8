"""The public API: load a scenario, run protocols on it, get results.

Wrong arguments are refused here, at the boundary, with a :class:`~netsim.errors.NetsimError`
naming the argument -- never as a TypeError from deep inside.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from netsim.analysis.result import RunResult
from netsim.errors import NetsimError
from netsim.protocols import canonical_name, known_names
from netsim.runner import simulate
from netsim.scenario import Scenario, load_scenario, parse_scenario

__all__ = ["RunResult", "Scenario", "load_scenario", "parse_scenario", "run_protocols", "simulate"]


def run_protocols(scenario: Scenario, protocols: Iterable[str] | None = None, *, seed: int | None = None,
                  narrate: bool = True,
                  progress: Callable[[str], Callable[[float, float], None] | None] | None = None,
                  on_network: Callable[[str], Callable[[Any], None] | None] | None = None) -> list[RunResult]:
    """Run each protocol (default: the scenario's) and return the results in that order.

    Without a scenario duration each dynamic protocol runs until it is quiet; static routing
    then runs as long as the longest of them, so its black-hole time covers the same windows.
    ``progress(name)`` and ``on_network(name)`` give per-protocol progress and network hooks
    (packet capture attaches through the latter).
    """
    if not isinstance(scenario, Scenario):
        raise NetsimError(f"run_protocols: expected a Scenario (from load_scenario), got {type(scenario).__name__}")
    if isinstance(protocols, str):
        raise NetsimError(f"run_protocols: protocols must be a list of names, got the string {protocols[:40]!r} "
                          f"(write [{protocols[:40]!r}])")
    names = []
    for p in protocols if protocols is not None else scenario.protocols:
        canon = canonical_name(p) if isinstance(p, str) else None
        if canon is None:
            raise NetsimError(f"unknown protocol {str(p)[:40]!r} (known: {', '.join(known_names())})")
        names.append(canon)
    results: dict[str, RunResult] = {}
    dynamic = [p for p in names if p != "static"]
    for p in dynamic:
        results[p] = simulate(scenario, p, seed=seed, narrate=narrate, progress=progress(p) if progress else None,
                              on_network=on_network(p) if on_network else None)
    if "static" in names:
        end = max((r.metrics.end_time for r in results.values()), default=None)
        results["static"] = simulate(scenario, "static", seed=seed, narrate=narrate, min_end=end,
                                     progress=progress("static") if progress else None,
                                     on_network=on_network("static") if on_network else None)
    return [results[p] for p in names]
