"""The steady-state shortcuts change nothing: every shipped scenario that runs a protocol with
shortcuts gives byte-identical results JSON with them switched off.

Why a test: a shortcut skips work on the assumption that nothing changed; if a code path that
changes a table forgot to say so, a run would silently diverge.  Comparing the whole JSON (FIB
changes, messages, every metric) of real scenarios catches that.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netsim.api import load_scenario, run_protocols
from netsim.output import report
from netsim.protocols.distvector.protocol import DistanceVector

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: Shortcut switches: (class, attribute).
SWITCHES = ((DistanceVector, "steady_state_shortcuts"),)


def _cases() -> list[tuple[str, str]]:
    out = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        sc = load_scenario(path)
        out += [(path.name, p) for p in sc.protocols if p == "distvector"]
    return out


@pytest.mark.parametrize(("name", "protocol"), _cases())
def test_results_are_identical_without_the_shortcuts(name: str, protocol: str, monkeypatch: pytest.MonkeyPatch
                                                     ) -> None:
    sc = load_scenario(SCENARIOS / name)
    fast = report.dumps(run_protocols(sc, [protocol], check_work=False))
    for cls, attr in SWITCHES:
        monkeypatch.setattr(cls, attr, False)
    plain = report.dumps(run_protocols(sc, [protocol], check_work=False))
    assert fast == plain


def test_the_shortcuts_are_taken() -> None:
    """A quiet RIP network answers most periodic updates through the shortcut (else the test
    above would prove nothing): the full path, which remembers a vector for the shortcut,
    runs for under a third of the messages."""
    sc = load_scenario(SCENARIOS / "demo.yaml")
    taken = 0  # full applications that changed nothing
    original = DistanceVector._refreshed_by

    def counting(self: DistanceVector, entries: object, iface: str) -> list:
        nonlocal taken
        taken += 1
        return original(self, entries, iface)

    DistanceVector._refreshed_by = counting  # type: ignore[method-assign]
    try:
        res = run_protocols(sc, ["distvector"], check_work=False)[0]
    finally:
        DistanceVector._refreshed_by = original  # type: ignore[method-assign]
    full_updates = res.metrics.messages_total
    assert 0 < taken < full_updates / 3
