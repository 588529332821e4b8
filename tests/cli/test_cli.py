"""The command line: results, and bad input as one clear line with exit status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsim.cli import cli

ROOT = Path(__file__).resolve().parents[2]
GOOD = """\
name: tiny
topology:
  links:
    - [r1, r2]
    - [r2, r3]
    - [r3, r1, 2]
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4}
  distvector: {update_interval: 5, timeout: 15, garbage: 10}
events:
  - {at: 30, link_down: [r1, r2]}
"""


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> str:
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_run_json_follows_the_contract(tmp_path):
    res = invoke("run", write(tmp_path, GOOD), "--json")
    assert res.exit_code == 0, res.output
    runs = json.loads(res.stdout)
    assert [r["protocol"] for r in runs] == ["linkstate", "distvector"]
    for r in runs:
        assert {"scenario", "protocol", "seed", "initial_convergence", "events", "messages_total",
                "final_tables"} <= set(r)
        ev = r["events"][0]
        assert ev["kind"] == "link_down" and ev["target"] == ["r1", "r2"]
        assert {"convergence_time", "correct_time", "route_changes", "flaps", "messages", "bytes", "loop_time",
                "blackhole_time", "time"} <= set(ev)
        assert r["final_tables"]["r1"]["r2"] == {"next_hops": ["r3"], "cost": 3}


def test_run_out_writes_results_and_plot(tmp_path):
    out = tmp_path / "out"
    res = invoke("run", write(tmp_path, GOOD), "-p", "ospf", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert json.loads((out / "results.json").read_text())[0]["protocol"] == "linkstate"
    assert (out / "convergence.png").stat().st_size > 10_000
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left


def test_compare_prints_every_protocol(tmp_path):
    res = invoke("compare", write(tmp_path, GOOD))
    assert res.exit_code == 0, res.output
    for word in ("static", "linkstate", "distvector", "converged", "blackhole"):
        assert word in res.stdout


def test_protocols_lists_options():
    res = invoke("protocols")
    assert "spf_delay" in res.stdout and "split_horizon" in res.stdout


BAD = [
    ("unknown top-level key", GOOD + "colour: red\n", ":12: colour: unknown key"),
    ("unknown router in a link", GOOD.replace("  links:\n", "  nodes: [r1, r2, r3]\n  links:\n").replace(
        "[r2, r3]", "[r2, r9]"), ":6: topology.links[1]: unknown router r9"),
    ("negative cost", GOOD.replace("[r3, r1, 2]", "[r3, r1, -2]"), ":6: topology.links[2]: cost must be > 0"),
    ("malformed YAML", GOOD.replace("- [r1, r2]", "- [r1, r2"), "malformed YAML"),
    ("event on a missing link", GOOD.replace("link_down: [r1, r2]", "link_down: [r1, r4]"),
     ":11: events[0].link_down: unknown router r4"),
    ("event on a link that does not exist", GOOD.replace("    - [r3, r1, 2]\n", "    - [r3, r4]\n").replace(
        "link_down: [r1, r2]", "link_down: [r1, r3]"), "events[0].link_down: no link r1–r3 (links of r1: r2)"),
    ("unknown protocol", GOOD.replace("linkstate:", "igrp:"), ":8: protocols.igrp: unknown protocol"),
    ("unknown timer", GOOD.replace("hello_interval: 1", "helo_interval: 1"),
     ":8: protocols.linkstate.helo_interval: unknown option"),
    ("bad timer value", GOOD.replace("update_interval: 5", "update_interval: -5"),
     "protocols.distvector.update_interval: must be > 0"),
    ("bad split horizon", GOOD.replace("garbage: 10}", "garbage: 10, split_horizon: maybe}"),
     "split_horizon: must be one of none, simple, poison"),
    ("dead not above hello", GOOD.replace("dead_interval: 4", "dead_interval: 1"),
     "dead_interval: must be greater than hello_interval"),
    ("missing at", GOOD.replace("{at: 30, link_down", "{link_down"), "events[0]: missing 'at'"),
    ("two actions", GOOD.replace("link_down: [r1, r2]}", "link_down: [r1, r2], node_down: r1}"),
     "needs exactly one of"),
    ("duplicate key", GOOD + "seed: 1\nseed: 2\n", "duplicate key 'seed'"),
    ("not a mapping", "- just\n- a list\n", "a scenario must be a YAML mapping"),
    ("no topology", "name: x\n", "topology: missing"),
    ("missing topology file", "topology: {file: nowhere.yaml}\n", "topology.file"),
    ("duplicate link", GOOD.replace("    - [r2, r3]\n", "    - [r2, r3]\n    - [r3, r2]\n"), "duplicate link"),
    ("event after duration", GOOD + "duration: 10\n", "not before the scenario's duration"),
]


@pytest.mark.parametrize("label,text,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_scenario_gives_one_line_exit_2_no_output(tmp_path, label, text, expected):
    path = write(tmp_path, text)
    out = tmp_path / "out"
    res = invoke("run", path, "--json", "--out", str(out))
    assert res.exit_code == 2, (label, res.output)
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith(f"netsim: error: {path}"), lines[0]
    assert expected in lines[0], lines[0]
    assert "Traceback" not in res.stderr
    assert not out.exists()


def test_missing_scenario_file(tmp_path):
    res = invoke("run", str(tmp_path / "nope.yaml"))
    assert res.exit_code == 2
    assert "nope.yaml: no such file" in res.stderr


def test_unknown_protocol_option_on_command_line(tmp_path):
    res = invoke("run", write(tmp_path, GOOD), "-p", "nosuchproto")
    assert res.exit_code == 2 and "--protocol nosuchproto: unknown protocol" in res.stderr


def test_every_command_has_help():
    for args in (["--help"], ["run", "--help"], ["compare", "--help"], ["protocols", "--help"]):
        res = invoke(*args)
        assert res.exit_code == 0 and "Usage" in res.stdout


def _walk(group, path=()):
    """Every leaf command of the command line, with the words that reach it."""
    import click

    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _walk(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_output_option_is_documented_as_output_and_accepts_out(tmp_path):
    """`plot` took -o/--out and `topo` -o/--output: both spellings work everywhere, the help shows one."""
    import click

    files = []
    for words, command in _walk(cli):
        for param in command.params:
            if isinstance(param, click.Option) and "-o" in param.opts:
                help_text = invoke(*words, "--help").output
                assert "-o, --output " in help_text and "--out " not in help_text, words
                assert "--out" in param.opts and "--output" in param.opts, words
                files.append(words)
    assert ("topo", "draw") in files and ("plot", "convergence") in files
    out = tmp_path / "abilene.png"
    res = invoke("topo", "draw", "topozoo/Abilene", "--out", str(out))
    assert res.exit_code == 0 and out.stat().st_size > 0


def test_plot_help_names_every_figure_format():
    from netsim.cli.common import FIGURE_FORMATS

    for words in (("plot",), ("plot", "convergence"), ("topo", "draw")):
        text = invoke(*words, "--help").output.upper()
        assert all(fmt.upper() in text for fmt in FIGURE_FORMATS), words


def test_run_json_is_json_dumps_of_the_results_and_out_holds_the_same_bytes(tmp_path):
    """The JSON is written as it is rendered (and copied, not rendered again, for --out with
    --json); the bytes are those of ``json.dumps(..., indent=2)`` of the results."""
    from netsim.api import load_scenario, run_protocols
    from netsim.output.report import result_dict

    path = write(tmp_path, GOOD)
    expected = json.dumps([result_dict(r) for r in run_protocols(load_scenario(path))], indent=2) + "\n"
    assert invoke("run", path, "--json").stdout == expected
    both = invoke("run", path, "--json", "--out", str(tmp_path / "out"))
    assert both.exit_code == 0 and both.stderr == "", both.output
    assert both.stdout == (tmp_path / "out" / "results.json").read_text() == expected
    compared = invoke("compare", path, "-p", "linkstate", "-p", "distvector", "--json", str(tmp_path / "c.json"))
    assert compared.exit_code == 0, compared.output
    assert (tmp_path / "c.json").read_text() == expected


def _fail_after_the_first_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second final table cannot be written (as a NaN cost could not): part of the JSON is out."""
    from netsim.output.fib_text import TableRenderer

    render, calls = TableRenderer.render, []

    def render_once(self, fib, level):
        calls.append(fib)
        if len(calls) > 1:
            raise ValueError("Out of range float values are not JSON compliant: nan")
        return render(self, fib, level)

    monkeypatch.setattr(TableRenderer, "render", render_once)


@pytest.mark.parametrize("args", [["run", "--json"], ["run", "--out", "{tmp}/out"],
                                  ["run", "--json", "--out", "{tmp}/out"], ["compare", "--json", "{tmp}/r.json"]],
                         ids=" ".join)
def test_json_that_fails_part_way_is_one_line_exit_2_and_no_file(tmp_path, monkeypatch, args):
    path = write(tmp_path, GOOD)
    _fail_after_the_first_table(monkeypatch)
    res = CliRunner().invoke(cli, [args[0], path, *(a.replace("{tmp}", str(tmp_path)) for a in args[1:])])
    assert res.exit_code == 2, (res.output, res.exception)
    assert res.stderr.splitlines() == ["netsim: error: cannot write the results JSON: Out of range float values "
                                       "are not JSON compliant: nan"]
    assert {p.name for p in tmp_path.rglob("*")} <= {"s.yaml", "out"}  # nothing in out/, no temporary file


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_run_json_to_a_full_device_is_one_line_exit_2(tmp_path):
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "netsim", "run", write(tmp_path, GOOD), "--json"], stdout=full,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT, check=False, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == ["netsim: error: standard output: cannot write the results JSON: "
                                        "No space left on device"]
