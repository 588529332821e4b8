"""The public API: load a scenario, run protocols on it, get results.

Wrong arguments are refused here, at the boundary, with a :class:`~netsim.errors.NetsimError`
naming the argument -- never as a TypeError from deep inside.  Work is estimated before any run
starts (:mod:`netsim.scenario.workload`): absurd runs are refused, large ones need
``check_work=False``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from netsim.analysis.result import RunResult
from netsim.errors import NetsimError
from netsim.inputs import short
from netsim.runner import check_run_arguments, simulate
from netsim.scenario import Scenario, load_scenario, parse_scenario, workload

__all__ = ["RunResult", "Scenario", "load_scenario", "parse_scenario", "run_protocols", "simulate"]


def run_protocols(scenario: Scenario, protocols: Iterable[str] | None = None, *, seed: int | None = None,
                  narrate: bool = True,
                  progress: Callable[[str], Callable[[float, float], None] | None] | None = None,
                  on_network: Callable[[str], Callable[[Any], None] | None] | None = None,
                  check_work: bool = True) -> list[RunResult]:
    """Run each protocol (default: the scenario's) and return the results in that order.

    Without a scenario duration each dynamic protocol runs until it is quiet; static routing
    then runs as long as the longest of them, so its black-hole time covers the same windows.
    ``progress(name)`` and ``on_network(name)`` give per-protocol progress and network hooks
    (packet capture attaches through the latter).  The work of all the runs is checked together
    before the first starts.
    """
    names = protocol_list("run_protocols", scenario, protocols, seed)
    if progress is not None and not callable(progress):
        raise NetsimError(f"run_protocols: progress must be a function, got {type(progress).__name__}")
    workload.check([workload.estimate(scenario, p) for p in names], confirmed=not check_work,
                   what="these runs", confirm_hint="call with check_work=False to run them anyway")
    results: dict[str, RunResult] = {}
    dynamic = [p for p in names if p != "static"]
    for p in dynamic:
        results[p] = simulate(scenario, p, seed=seed, narrate=narrate, progress=progress(p) if progress else None,
                              on_network=on_network(p) if on_network else None, check_work=False)
    if "static" in names:
        end = max((r.metrics.end_time for r in results.values()), default=None)
        results["static"] = simulate(scenario, "static", seed=seed, narrate=narrate, min_end=end,
                                     progress=progress("static") if progress else None,
                                     on_network=on_network("static") if on_network else None, check_work=False)
    return [results[p] for p in names]


def protocol_list(caller: str, scenario: Scenario, protocols: Iterable[str] | None, seed: int | None) -> list[str]:
    """Canonical names of ``protocols`` (default: the scenario's), refusing wrong types."""
    if isinstance(protocols, (str, bytes)):
        raise NetsimError(f"{caller}: protocols must be a list of names, got the string {short(protocols)} "
                          f"(write [{short(protocols)}])")
    if protocols is not None and (isinstance(protocols, Mapping) or not isinstance(protocols, Iterable)):
        raise NetsimError(f"{caller}: protocols must be a list of names, got {type(protocols).__name__}")
    check_run_arguments(caller, scenario, "static", seed)
    given = list(protocols) if protocols is not None else list(scenario.protocols)
    return [check_run_arguments(caller, scenario, p, seed) for p in given]
