"""Results that look like bugs but follow from RFC timers: each is measured, explained where it
happens (explain's narration names the timer) and in its scenario's header.

* a restarted link-state router loops for ~10 s;
* a repaired link black-holes traffic for ~10 s;
* on the demo a faster SPF initial delay (10 ms) makes the repair slower than 50 ms does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netsim.analysis.explain import Filter, narrate, render
from netsim.runner import simulate
from netsim.scenario.loader import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _story(result, router: str | None, start: float, end: float) -> str:
    lines = narrate(result.trace, result.protocol, Filter(router=router, start=start, end=end))
    return "\n".join(render(lines, style=False))


def _header(name: str) -> str:
    text = (SCENARIOS / name).read_text(encoding="utf-8")
    return " ".join(line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#"))


def test_restart_loop_is_minlsarrival_then_rxmt_then_long_wait() -> None:
    res = simulate(load_scenario(SCENARIOS / "node-crash-restart.yaml"), "linkstate")
    restart = res.metrics.events[1]
    assert 9.0 < restart.loop_time < 10.5  # the ~10 s loop
    story = _story(res, "r5", 60, 71)
    assert "LSA r4 seq 4 from r2 dropped: MinLSArrival (1 s)" in story
    assert "retransmits it after RxmtInterval (5 s)" in story
    assert "retransmitted to r5: LSA r4 seq 4" in _story(res, "r2", 64, 66)
    assert "long delay 5000 ms, state LONG_WAIT (more than TIME_TO_LEARN 0.5 s" in story
    header = _header("node-crash-restart.yaml")
    assert all(word in header for word in ("~10 s", "MinLSArrival (1 s)", "RxmtInterval", "LONG_WAIT"))


@pytest.mark.parametrize(("name", "event", "router"), [("partition-heal.yaml", 1, "w1"),
                                                       ("partition-ring.yaml", 1, "r5")])
def test_repair_black_hole_is_minlsarrival_then_rxmt_then_long_wait(name: str, event: int, router: str) -> None:
    res = simulate(load_scenario(SCENARIOS / name), "linkstate")
    ev = res.metrics.events[event]
    assert ev.kind == "link_up" and 9.5 < ev.blackhole_time < 10.5
    story = _story(res, router, ev.time, ev.time + 11)
    assert "dropped: MinLSArrival (1 s)" in story and "state LONG_WAIT (more than TIME_TO_LEARN" in story
    assert all(word in _header(name) for word in ("MinLSArrival (1 s)", "RxmtInterval", "LONG_WAIT"))


def test_demo_fast_spf_delay_is_slower_on_repair_and_says_why(tmp_path: Path) -> None:
    text = (SCENARIOS / "demo.yaml").read_text(encoding="utf-8")
    text = text.replace("file: ../topologies/", f"file: {SCENARIOS.parent / 'topologies'}/")
    repair = {}
    for delay in ("0.01", "0.05"):
        path = tmp_path / f"demo-{delay}.yaml"
        path.write_text(text.replace("spf_delay: 0.05", f"spf_delay: {delay}"))
        res = simulate(load_scenario(path), "linkstate")
        repair[delay] = res.metrics.events[1].convergence_time
        if delay == "0.01":
            story = _story(res, "Kansas City", 120, 121)
    assert repair["0.01"] > 2 * repair["0.05"]
    assert "short delay 200 ms" in story and "arrived after the back-off's first SPF had run on part of it" in story
    assert "spf_delay 0.01" in _header("demo.yaml") and "two-way check" in _header("demo.yaml")
