"""``netsim explain``: the narrated timeline names what happened, in order, with its cause.

The worked example is RFC 1058 §2.2 (scenarios/count-to-infinity.yaml): after B-D fails, the
metric to the target network climbs at A, B and C one update at a time until C prefers its own
C-D link; the RFC's final metrics are C 11 via D, A and B 12 via C.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsim.analysis.explain import Filter, counting_steps, narrate
from netsim.cli import cli
from netsim.errors import NetsimError
from netsim.runner import simulate
from netsim.scenario.loader import load_scenario
from netsim.trace import Route, RouteChange

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
CTI = SCENARIOS / "count-to-infinity.yaml"


def _explain_json(*args: str) -> list[dict]:
    res = CliRunner().invoke(cli, ["explain", *args, "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def _cost(text: str) -> int:
    """The new metric of a route line: ``route to net: via B cost 3 → via B cost 5`` → 5."""
    return int(re.search(r"→ via \S+ cost (\d+)$", text).group(1))


@pytest.fixture(scope="module")
def cti_lines() -> list[dict]:
    return _explain_json(str(CTI), "--dest", "net")


def test_count_to_infinity_steps_climb_in_order_at_a_b_and_c(cti_lines: list[dict]) -> None:
    counting = [ln for ln in cti_lines if "counting to infinity: step" in ln["cause"]]
    assert {ln["router"] for ln in counting} == {"A", "B", "C"}
    for router in "ABC":
        mine = [ln for ln in counting if ln["router"] == router]
        steps = [int(ln["cause"].rsplit("step ", 1)[1]) for ln in mine]
        assert steps == list(range(1, len(steps) + 1)), f"{router}: steps out of order {steps}"
        assert len(steps) >= 3
        metrics = [_cost(ln["text"]) for ln in mine]
        assert metrics == sorted(metrics) and len(set(metrics)) == len(metrics), metrics
        assert [ln["time"] for ln in mine] == sorted(ln["time"] for ln in mine)
        # Every step is the same-next-hop rule applied to an advertised metric one link away.
        for ln in mine:
            m = re.search(r"net metric (\d+) \+ link 1 \(same next hop changed its metric\)", ln["cause"])
            assert m and int(m.group(1)) + 1 == _cost(ln["text"])


def test_count_to_infinity_ends_at_the_rfc_final_metrics(cti_lines: list[dict]) -> None:
    last = {}
    for ln in cti_lines:
        if ln["kind"] == "route":
            last[ln["router"]] = ln["text"].split("→ ")[1]
    assert last["C"] == "via D cost 11"
    assert last["A"] == "via C cost 12"
    assert last["B"] == "via C cost 12"


def test_lucky_seed_and_split_horizon_do_not_count() -> None:
    """The detector can say no: with seed 5 B's poison wins the race, and split horizon
    removes the race altogether."""
    for args in ([str(CTI), "--seed", "5"], [str(SCENARIOS / "count-to-infinity-split-horizon.yaml")]):
        lines = _explain_json(*args, "--dest", "net")
        assert lines and not any("counting to infinity" in ln["cause"] for ln in lines)


def test_text_output_is_plain_when_piped_and_has_one_line_per_happening() -> None:
    res = CliRunner().invoke(cli, ["explain", str(CTI), "--dest", "net", "--from", "60", "--to", "70"])
    assert res.exit_code == 0, res.output
    assert "\x1b[" not in res.output
    lines = res.output.splitlines()
    assert re.match(r"\s*60\.000 s\s+—\s+EVENT link B–D down \(carrier loss\)", lines[1])
    assert any("counting to infinity: step 1" in ln for ln in lines)
    times = [float(m.group(1)) for ln in lines if (m := re.match(r"\s*(\d+\.\d+) s ", ln))]
    assert times == sorted(times) and min(times) >= 60 and max(times) <= 70


def test_linkstate_route_change_follows_the_spf_run_it_names() -> None:
    """Cause chain: silent failure → dead interval → SPF run N at r1 → route changes citing it."""
    sc = load_scenario(SCENARIOS / "silent-vs-carrier.yaml")
    res = simulate(sc, "linkstate")
    lines = narrate(res.trace, res.protocol, Filter(router="r1", start=90))
    adjacency = next(ln for ln in lines if ln.kind == "adjacency")
    assert adjacency.cause == "no hello for 4 s (dead interval)"
    route = next(ln for ln in lines if ln.kind == "route")
    run = route.cause  # "SPF run N at r1"
    assert re.fullmatch(r"SPF run \d+ at r1", run)
    spf = next(ln for ln in lines if ln.kind == "spf" and f"{ln.text} at {ln.router}" == run)
    assert adjacency.time <= spf.time <= route.time
    assert 4.0 - 1.0 <= adjacency.time - 90 <= 4.0  # detected within one dead interval


@pytest.mark.parametrize("option", ["--router", "--dest"])
def test_unknown_name_is_one_line_naming_the_option(option: str) -> None:
    res = CliRunner().invoke(cli, ["explain", str(CTI), option, "Z9"])
    assert res.exit_code == 2
    assert f"{option} Z9: unknown router" in res.output
    assert "Traceback" not in res.output


def test_counting_needs_two_consecutive_same_hop_increases() -> None:
    def rc(t: float, old: tuple[str, float] | None, new: tuple[str, float] | None, router: str = "A") -> RouteChange:
        route = (lambda x: None if x is None else Route((x[0],), x[1]))
        return RouteChange(t, router, "net", route(old), route(new), "test")

    changes = [
        rc(1, ("B", 3), ("B", 5)),          # a single rise: an ordinary longer path
        rc(2, ("B", 5), ("C", 4)),          # next hop changed: run broken
        rc(3, ("C", 4), ("C", 6)),          # step 1 (known once step 2 arrives)
        rc(4, ("C", 6), ("C", 8)),          # step 2
        rc(4, ("X", 2), ("X", 9), "Q"),     # another router, single rise
        rc(5, ("C", 8), None),              # withdrawn: run over
    ]
    assert counting_steps(changes) == {2: 1, 3: 2}


def test_filter_validation_rejects_reversed_window() -> None:
    sc = load_scenario(CTI)
    res = simulate(sc, "distvector", until=1)
    with pytest.raises(NetsimError, match="--to"):
        narrate(res.trace, res.protocol, Filter(start=10, end=5))
