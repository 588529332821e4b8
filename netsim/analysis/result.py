"""One protocol run's outcome: the trace, every metric, and the probe traffic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netsim.analysis.metrics import RunMetrics
from netsim.trace import Trace

if TYPE_CHECKING:
    from netsim.scenario.model import Scenario


@dataclass(frozen=True)
class RunResult:
    """One protocol's run of a scenario: its inputs, its trace and the metrics computed from it."""

    scenario: Scenario
    protocol: str
    seed: int
    options: dict[str, Any]
    trace: Trace
    metrics: RunMetrics
    #: Probe-traffic figures (:class:`netsim.analysis.dataplane.DataPlane`) when the scenario has ``flows``.
    dataplane: Any = None
    #: Name of the correctness model the run was judged against.
    correctness: str = "shortest_paths"
