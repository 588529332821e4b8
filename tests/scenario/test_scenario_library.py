"""Examples are tests: every shipped scenario runs with every protocol it lists, and the
teaching scenarios show the behaviour their header promises."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from netsim.analysis.explain import counting_steps
from netsim.api import run_protocols
from netsim.runner import simulate
from netsim.scenario.loader import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))
CASES = [(f, p) for f in FILES for p in load_scenario(f).protocols]


def test_the_library_is_there() -> None:
    names = {f.stem for f in FILES}
    for expected in ("count-to-infinity", "count-to-infinity-split-horizon", "count-to-infinity-poisoned-reverse",
                     "rip-timeout-garbage", "spf-throttle-flap", "silent-vs-carrier", "node-crash-restart",
                     "partition-heal", "ecmp", "static-blackhole", "cost-change", "geant-failure"):
        assert expected in names


@pytest.mark.parametrize(("path", "protocol"), CASES, ids=[f"{f.stem}-{p}" for f, p in CASES])
def test_scenario_runs_with_each_listed_protocol(path: Path, protocol: str) -> None:
    sc = load_scenario(path)
    started = time.perf_counter()
    res = simulate(sc, protocol)
    wall = time.perf_counter() - started
    assert res.trace.end_time >= max((e.end_time for e in sc.events), default=0.0)
    assert len(res.metrics.events) == len(sc.events)
    assert wall < 10, f"{path.name} with {protocol} took {wall:.1f} s (keep examples fast)"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_header_says_what_to_look_for_and_how(path: Path) -> None:
    head = path.read_text(encoding="utf-8").split("\nname:", 1)[0]
    assert head.startswith("#"), f"{path.name}: start with a header comment"
    assert "netsim " in head, f"{path.name}: the header should name a command that shows the behaviour"


def _results(name: str, protocols: list[str]) -> dict:
    return {r.protocol: r for r in run_protocols(load_scenario(SCENARIOS / f"{name}.yaml"), protocols)}


def test_split_horizon_variants_stop_the_count_and_the_loop() -> None:
    counts = {}
    for name in ("count-to-infinity", "count-to-infinity-split-horizon", "count-to-infinity-poisoned-reverse"):
        res = _results(name, ["distvector"])["distvector"]
        counts[name] = (len(counting_steps(res.trace.route_changes)), res.metrics.events[0].loop_time)
    assert counts["count-to-infinity"][0] > 0 and counts["count-to-infinity"][1] > 10
    for name in ("count-to-infinity-split-horizon", "count-to-infinity-poisoned-reverse"):
        assert counts[name] == (0, 0.0)


def test_static_never_recovers_while_linkstate_does() -> None:
    res = _results("static-blackhole", ["static", "linkstate"])
    static, ls = res["static"].metrics.events[0], res["linkstate"].metrics.events[0]
    assert static.correct_time is None and static.blackhole_time == pytest.approx(60.0)
    assert ls.correct_time is not None and ls.correct_time < 1.0


def test_silent_failure_waits_for_timers() -> None:
    res = _results("silent-vs-carrier", ["linkstate", "distvector"])
    ls = res["linkstate"].metrics.events
    assert ls[0].correct_time < 0.2 and 2.0 < ls[2].correct_time <= 4.0  # carrier vs dead interval 4 s
    dv = res["distvector"].metrics.events
    assert dv[2].correct_time > 15  # route timeout 20 s


def test_ecmp_and_cost_change() -> None:
    ls = _results("ecmp", ["linkstate"])["linkstate"]
    before = ls.metrics.final_tables["s"]["t"]
    assert before.next_hops == ("a1", "a2")  # after the repair the ECMP set is back
    cc = _results("cost-change", ["linkstate"])["linkstate"]
    moved = [rc for rc in cc.trace.changes_between(30, 31) if rc.router == "r1" and rc.dest == "r4"]
    assert moved and moved[-1].new.next_hops == ("r3",) and moved[-1].new.cost == 4


def test_spf_throttle_runs_fewer_spfs_than_flaps() -> None:
    res = _results("spf-throttle-flap", ["linkstate"])["linkstate"]
    spf_r1 = [d for d in res.trace.decisions if d.router == "r1" and d.kind == "spf" and d.time >= 30]
    link_changes = [tc for tc in res.trace.topology_changes if tc.time >= 30]
    assert len(link_changes) == 20
    assert 0 < len(spf_r1) < len(link_changes) / 2
    assert any("LONG_WAIT" in d.text for d in spf_r1)
