"""The side-by-side table: medians (never = +infinity), the tolerance band and its verdict, the
alignment of the two sides, and ``netsim validate``'s one-line errors -- all without FRR."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsim.cli import cli
from netsim.errors import NetsimError
from netsim.runner import simulate
from netsim.scenario import parse_scenario
from netsim.validate.campaign import check_reproducible, netsim_scenario, parse_overrides
from netsim.validate.compare import (
    DETERMINISTIC_BAND,
    JITTER_BAND,
    Row,
    frr_from_json,
    median,
    relative_events,
    render,
    rows_to_json,
    summarize,
    tolerance,
)

TRIANGLE = """
topology: {links: [[a, b], [b, c], [a, c]]}
protocols: {linkstate: {hello_interval: 1, dead_interval: 4}}
events: [{at: 20, link_down: [a, b]}, {at: 30, link_up: [a, b]}, {at: 50, link_down: [a, b], silent: true}]
"""


def test_medians_count_never_as_infinite() -> None:
    assert median([3.0, None, 1.0]) == 3.0
    assert median([None, None, 1.0]) is None
    assert median([]) is None
    r = Row(0, "x", "converged", (1.0, 2.0, 3.0), (1.5, 3.5, 2.5), 0.3)
    assert r.netsim_median == 2.0 and r.frr_median == 2.5 and r.frr_range == (1.5, 3.5) and r.ratio == 0.8


@pytest.mark.parametrize(("netsim", "frr", "band", "within"), [
    ((1.0,), (1.15,), 0.15, True),      # 0.15 below 1.15: within 15 % of FRR's median
    ((0.97,), (1.15,), 0.15, False),
    ((1.3,), (1.0,), 0.3, True),
    ((1.31,), (1.0,), 0.3, False),
    ((None,), (None,), 0.3, True),      # both never correct
    ((1.0,), (None,), 0.3, False),
    ((1.0,), (), 0.3, None),            # no FRR side: no verdict
    ((1.0,), (1.0,), 0.0, None),        # a secondary figure: no verdict
])
def test_the_verdict_is_relative_to_frrs_median(netsim, frr, band, within) -> None:
    assert Row(0, "x", "converged", netsim, frr, band).within is within


def test_bands_by_what_decides_the_outcome() -> None:
    sc = parse_scenario(TRIANGLE)
    carrier, repair, silent = sc.events
    assert tolerance("linkstate", silent) == DETERMINISTIC_BAND
    assert tolerance("linkstate", carrier) == tolerance("linkstate", repair) == JITTER_BAND
    assert tolerance("distvector", silent) == JITTER_BAND
    crash = parse_scenario("topology: {links: [[a, b], [b, c]]}\nevents: [{at: 5, node_down: b}]\n").events[0]
    assert tolerance("linkstate", crash) == DETERMINISTIC_BAND


def test_summary_rows_render_and_round_trip_through_json() -> None:
    sc = parse_scenario(TRIANGLE)
    runs = [simulate(sc, "linkstate", seed=s, narrate=False).metrics for s in range(3)]
    rows = summarize(runs, runs[:2], "linkstate", sc.events)
    assert rows[0].event == -1 and rows[0].netsim == tuple(m.initial_convergence for m in runs)
    conv = [r for r in rows if r.figure == "converged" and r.event >= 0]
    assert [r.event for r in conv] == [0, 1, 2]
    assert [r.band for r in conv] == [JITTER_BAND, JITTER_BAND, DETERMINISTIC_BAND]
    assert all(r.within for r in conv)  # FRR's side is netsim's first two seeds here
    text = render(rows, runs=2, seeds=3).splitlines()
    assert "FRR median (2 runs)" in text[0] and len(text) == 2 + 4
    assert "yes (±15%)" in text[-1]
    again = frr_from_json(json.loads(json.dumps({"rows": rows_to_json(rows)})))
    assert again[(2, "converged")] == conv[2].frr


def test_render_formats_milliseconds_seconds_and_never() -> None:
    rows = [Row(-1, "initial (cold start)", "converged", (10.0,), (12.0, 16.0)),
            Row(0, "link a–b down (carrier loss)", "converged", (0.045,), (0.06, 0.07, None), 0.3)]
    text = render(rows, runs=3, seeds=1).splitlines()
    assert "45.0 ms" in text[3] and "70.0 ms" in text[3] and "60.0 ms – 70.0 ms" in text[3]
    assert "NO (±30%)" in text[3]


def test_alignment_and_refusals() -> None:
    sc = parse_scenario(TRIANGLE)
    assert [e.time for e in relative_events(list(sc.events))] == [0.0, 10.0, 30.0]
    assert all(d["delay"] == 0.001 for _, _, d in sc.graph.edges(data=True))
    assert {d["delay"] for _, _, d in netsim_scenario(sc, False).graph.edges(data=True)} == {5e-5}
    assert netsim_scenario(sc, True) is sc
    check_reproducible(sc, "linkstate")
    with pytest.raises(NetsimError, match="bfd"):
        check_reproducible(dataclasses.replace(sc, bfd=object()), "linkstate")  # type: ignore[arg-type]
    with pytest.raises(NetsimError, match="no FRR counterpart"):
        check_reproducible(sc, "eigrp")
    with pytest.raises(NetsimError, match="no events"):
        check_reproducible(dataclasses.replace(sc, events=()), "linkstate")


def test_netsim_overrides_parse() -> None:
    assert parse_overrides(["fib_delay=0.012", "warm_start=true", "split_horizon=poison"]) == {
        "fib_delay": 0.012, "warm_start": True, "split_horizon": "poison"}
    with pytest.raises(NetsimError, match="KEY=VALUE"):
        parse_overrides(["nonsense"])


# -- the command ---------------------------------------------------------------------------------------
def _one_line_error(args: list[str], needle: str) -> None:
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("netsim: error:") and needle in lines[0], res.output


def test_validate_errors_are_one_line_and_status_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ok = tmp_path / "ok.yaml"
    ok.write_text(TRIANGLE)
    _one_line_error(["validate", str(ok), "-p", "linkstate"], "--frr")
    bfd = tmp_path / "bfd.yaml"
    bfd.write_text(TRIANGLE + "bfd: {interval: 0.05, multiplier: 3}\n")
    _one_line_error(["validate", str(bfd), "--frr", "-p", "linkstate"], "bfd")
    _one_line_error(["validate", str(tmp_path / "missing.yaml"), "--frr", "-p", "ospf"], "missing.yaml")
    _one_line_error(["validate", str(ok), "--frr", "-p", "linkstate", "--netsim-set", "fib_dealy=0.01"], "fib_dealy")
    _one_line_error(["validate", str(ok), "--frr", "-p", "linkstate", "--runs", "0"], "--runs")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    _one_line_error(["validate", str(ok), "--frr", "-p", "linkstate"], "needs root")
    _one_line_error(["validate", "cleanup"], "needs root")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setenv("NETSIM_FRR_DIR", str(tmp_path))
    _one_line_error(["validate", str(ok), "--frr", "-p", "linkstate"], "FRRouting's zebra is missing")


def test_validate_re_compares_netsim_against_a_saved_frr_side(tmp_path: Path) -> None:
    """--frr-from: no FRR, no root; the FRR column comes from the file, the verdicts are recomputed."""
    ok = tmp_path / "ok.yaml"
    ok.write_text(TRIANGLE)
    saved = tmp_path / "frr.json"
    saved.write_text(json.dumps({"protocol": "linkstate", "runs": 3, "delays_emulated": True, "rows": [
        {"event": 0, "figure": "converged", "frr": [0.06, 0.066, 0.07]},
        {"event": 2, "figure": "converged", "frr": [3.3, 3.4, None]}]}))
    out = tmp_path / "cmp.json"
    res = CliRunner().invoke(cli, ["validate", str(ok), "--frr-from", str(saved), "-p", "linkstate", "--seeds", "2",
                                   "--json", str(out)])
    assert res.exit_code == 0, res.output
    assert "FRR 3 runs vs netsim 2 seeds (FRR side from" in res.output
    doc = json.loads(out.read_text())
    silent = next(r for r in doc["rows"] if r["event"] == 2 and r["figure"] == "converged")
    assert silent["frr"] == [3.3, 3.4, None] and silent["frr_median"] == 3.4 and silent["band"] == 0.15
    _one_line_error(["validate", str(ok), "--frr-from", str(saved), "-p", "distvector"], "not a validate --json")


def test_markdown_lines_carry_both_medians_and_the_verdict() -> None:
    from netsim.validate.compare import markdown

    rows = [Row(-1, "initial (cold start)", "converged", (10.0,), (12.0,)),
            Row(0, "link a–b down (silent)", "converged", (3.3,), (3.2, 3.5, 3.0), 0.15),
            Row(0, "link a–b down (silent)", "black hole", (3.3,), (3.2,))]
    want = "| ring | link a–b down (silent) | 3.30 s | 3.20 s (3.00 s – 3.50 s) | yes (±15%) |"
    assert markdown(rows, "ring") == want
