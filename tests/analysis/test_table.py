"""``netsim table --at``: the FIBs at an instant, judged against shortest paths.

Independent check: the tables must equal the FIBs obtained by applying the trace's route
changes by hand, and the "should be" column must be the RFC 1058 worked example's answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from netsim.analysis.tables import EXTRA, OK, WRONG, tables_at
from netsim.cli import cli
from netsim.runner import run_until, simulate
from netsim.scenario.loader import load_scenario
from netsim.trace import Route

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
CTI = SCENARIOS / "count-to-infinity.yaml"


def _replay_by_hand(trace, at: float) -> dict[str, dict[str, Route]]:
    fibs: dict[str, dict[str, Route]] = {r: {} for r in trace.routers}
    for rc in trace.route_changes:
        if rc.time > at:
            break
        if rc.new is None:
            fibs[rc.router].pop(rc.dest, None)
        else:
            fibs[rc.router][rc.dest] = rc.new
    return fibs


@pytest.mark.parametrize("at", [30.0, 59.0, 64.0, 75.0, 120.0])
def test_tables_match_the_fibs_recorded_in_the_trace(at: float) -> None:
    sc = load_scenario(CTI)
    full = simulate(sc, "distvector")          # the whole run, replayed by hand
    short = run_until(sc, "distvector", at)    # what `netsim table` runs
    expected = _replay_by_hand(full.trace, at)
    shown = {t.router: {e.dest: e.actual for e in t.entries if e.actual is not None}
             for t in tables_at(short, at)}
    assert shown == expected


def test_count_to_infinity_table_marks_the_looping_routes_against_the_rfc_answer() -> None:
    sc = load_scenario(CTI)
    tables = {t.router: {e.dest: e for e in t.entries} for t in tables_at(run_until(sc, "distvector", 75), 75)}
    # RFC 1058 §2.2: after B-D fails the target network is reached via C-D: C 11, A and B 12 via C.
    assert tables["A"]["net"].expected == Route(("C",), 12)
    assert tables["B"]["net"].expected == Route(("C",), 12)
    assert tables["C"]["net"].expected == Route(("D",), 11)
    for r in "ABC":
        assert tables[r]["net"].status == WRONG  # still counting: A, C via B, B via A
    assert tables["D"]["net"].status == OK
    assert tables["A"]["B"].status == OK


@pytest.mark.parametrize("protocol", ["linkstate", "distvector"])
def test_crashed_router_leaves_extra_routes_until_detected(protocol: str) -> None:
    """A crash is silent to the neighbours: just after it every table still has a route to r5,
    which is unreachable, so each is "extra"; once detection has run its course none is left."""
    sc = load_scenario(SCENARIOS / "node-crash-restart.yaml")
    res = run_until(sc, protocol, 59)
    just_after = {t.router: t for t in tables_at(res, 30.5)}
    assert just_after["r5"].down and not just_after["r5"].entries
    leftovers = {t.router: e.status for t in just_after.values() for e in t.entries if e.dest == "r5"}
    assert leftovers == {r: EXTRA for r in ("r1", "r2", "r3", "r4", "r6")}
    settled = tables_at(res, 59)
    assert all(e.status == OK for t in settled for e in t.entries)
    assert not any(e.dest == "r5" for t in settled for e in t.entries)


def test_cli_table_plain_marks_and_exit_codes() -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["table", str(CTI), "--at", "75", "--router", "A"])
    assert res.exit_code == 0, res.output
    assert "\x1b[" not in res.output
    assert "differ from shortest paths" in res.output
    net_line = next(ln for ln in res.output.splitlines() if " net " in ln)
    assert net_line.lstrip().startswith("≠") and "via C cost 12" in net_line and "(wrong)" in net_line
    before = runner.invoke(cli, ["table", str(CTI), "--at", "59"])
    assert before.exit_code == 0 and "0 entries differ" in before.output
    bad = runner.invoke(cli, ["table", str(CTI), "--at", "75", "--router", "Q"])
    assert bad.exit_code == 2 and "--router Q: unknown router" in bad.output
