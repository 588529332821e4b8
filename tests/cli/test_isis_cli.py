"""IS-IS through every command a user reaches it by: protocols, run, compare, explain, table --at,
plot and sweep --set; and its metric errors as one line with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsim.cli import cli

SCENARIO = """\
name: isis-square
topology:
  links: [[r1, r2], [r2, r3], [r3, r4], [r4, r1, 3]]
protocols:
  isis: {hello_interval: 2, lsp_gen_interval: 2}
events:
  - {at: 40, link_down: [r1, r2]}
"""


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture()
def scenario(tmp_path: Path) -> str:
    p = tmp_path / "square.yaml"
    p.write_text(SCENARIO)
    return str(p)


def test_protocols_shows_isis_options_timers_and_message_sizes():
    out = invoke("protocols").stdout
    block = out[out.index("isis (aliases: is-is)"):]
    for word in ("hello_multiplier", "lsp_gen_interval", "FRR lsp-gen-interval: 30 s", "metric_style",
                 "message isis-hello", "message isis-lsp", "message isis-csnp", "message isis-psnp", "[per interface]"):
        assert word in block, word


def test_run_json_and_compare_include_isis(scenario):
    res = invoke("run", scenario, "--json")
    assert res.exit_code == 0, res.output
    (run,) = json.loads(res.stdout)
    assert run["protocol"] == "isis" and run["events"][0]["correct_time"] is not None
    assert run["final_tables"]["r1"]["r2"] == {"next_hops": ["r4"], "cost": 5}
    cmp = invoke("compare", scenario)
    assert cmp.exit_code == 0 and "isis" in cmp.stdout and "linkstate" in cmp.stdout


def test_explain_narrates_adjacencies_lsps_and_spf(scenario):
    res = invoke("explain", scenario, "-p", "isis", "--router", "r1", "--from", "40", "--to", "42")
    assert res.exit_code == 0, res.output
    for words in ("adjacency with r2 Up → Down: carrier lost", "generated LSP seq", "SPF run",
                  "route to r2: via r2 cost 1 → via r4 cost 5"):
        assert words in res.stdout, words


def test_table_at_an_instant(scenario):
    res = invoke("table", scenario, "-p", "isis", "--at", "40.05", "--router", "r1")
    assert res.exit_code == 0, res.output
    assert "differ" in res.stdout and "r2" in res.stdout


def test_plot_timeline(scenario, tmp_path):
    png = tmp_path / "t.png"
    res = invoke("plot", "timeline", scenario, "-p", "isis", "-o", str(png))
    assert res.exit_code == 0, res.output
    assert png.stat().st_size > 10_000


def test_sweep_sets_isis_options(scenario, tmp_path):
    out = tmp_path / "sweep"
    res = invoke("sweep", scenario, "-p", "isis", "--set", "isis.hello_interval=1,2", "--out", str(out))
    assert res.exit_code == 0, res.output
    runs = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    assert sorted(r["options"]["hello_interval"] for r in runs) == [1, 2]


@pytest.mark.parametrize(("options", "links", "expected"), [
    ("{metric_style: narrow}", "[[r1, r2], [r2, r3, 100]]",
     "isis: link r2–r3 cost 100: narrow metrics go from 1 to 63"),
    ("{}", "[[r1, r2], [r2, r3, 1.5]]", "isis: link r2–r3 cost 1.5: IS-IS metrics are whole numbers"),
    ("{lsp_refresh_interval: 1300}", "[[r1, r2]]", "lsp_refresh_interval: must be less than max_lsp_lifetime"),
])
def test_metric_and_timer_errors_are_one_line(tmp_path, options, links, expected):
    p = tmp_path / "bad.yaml"
    p.write_text(f"topology:\n  links: {links}\nprotocols:\n  isis: {options}\n")
    res = invoke("run", str(p))
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], res.stderr


def test_a_set_cost_narrow_metrics_cannot_carry_stops_the_run_with_one_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("topology:\n  links: [[r1, r2], [r2, r3, 10]]\nprotocols:\n  isis: {metric_style: narrow}\n"
                 "events:\n  - {at: 40, set_cost: [r2, r3], cost: 70}\n")
    res = invoke("run", str(p))
    assert res.exit_code == 2
    assert "at t=40 s the metric of r2's link to r3 was set to 70: narrow metrics go from 1 to 63" in res.stderr
