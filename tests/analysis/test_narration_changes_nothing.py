"""Narration is kept for the reader only: switching it off changes no result.

``netsim run`` and ``netsim compare`` run without narration (the trace then keeps only the
decisions a metric reads, the ``essential`` notes), as sweeps always have; ``netsim explain`` and
the replay viewer narrate.  That is sound only if no protocol behaves differently when it
narrates and no metric reads a note that is not essential.  Every shipped scenario, with each of
its protocols, must therefore give byte-identical results JSON both ways.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netsim.api import load_scenario, run_protocols
from netsim.output import report

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
PATHS = sorted(SCENARIOS.glob("*.yaml")) + sorted((SCENARIOS / "validate").glob("*.yaml"))


@pytest.mark.parametrize("path", PATHS, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_results_are_identical_without_narration(path: Path) -> None:
    sc = load_scenario(path)
    narrated = run_protocols(sc, check_work=False)
    quiet = run_protocols(sc, check_work=False, narrate=False)
    assert report.dumps(quiet) == report.dumps(narrated)
    kept = sum(len(r.trace.decisions) for r in quiet)
    assert kept <= sum(len(r.trace.decisions) for r in narrated)


def test_narration_off_keeps_only_essential_decisions() -> None:
    """The switch does something (else the comparison above would prove nothing)."""
    sc = load_scenario(SCENARIOS / "eigrp-diffusing-computation.yaml")
    narrated = run_protocols(sc, ["eigrp"], check_work=False)[0].trace.decisions
    quiet = run_protocols(sc, ["eigrp"], check_work=False, narrate=False)[0].trace.decisions
    assert len(narrated) > 50
    assert all(d.note.essential for d in quiet)
    assert [d for d in narrated if d.note.essential] == quiet
