"""Careless inputs whose documented answer is not an error: names kept as written, warnings that
name the line, ``--yes`` for large runs, progress lines without a terminal."""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

import pytest
from hostile import BASE, assert_user_error, netsim

from netsim.scenario import workload

STRANGE = "topology:\n  links: [[010, 0x10], [0x10, 1_000], [1_000, 010]]\nprotocols: [static]\n"


def test_strange_router_names_are_kept_as_written_in_scenarios_and_topology_files(tmp_path: Path) -> None:
    (tmp_path / "inline.yaml").write_text(STRANGE)
    (tmp_path / "t.yaml").write_text("links: [[010, 0x10], [0x10, 1_000], [1_000, 010]]\n")
    (tmp_path / "file.yaml").write_text("topology: {file: t.yaml}\nprotocols: [static]\n")
    for name in ("inline.yaml", "file.yaml"):
        result = netsim("run", str(tmp_path / name), "--json")
        assert result.exit_code == 0, result.stderr
        assert set(json.loads(result.stdout)[0]["final_tables"]) == {"010", "0x10", "1_000"}
    exported = tmp_path / "t.txt"
    assert netsim("topo", "export", str(tmp_path / "t.yaml"), "-o", str(exported)).exit_code == 0
    assert "010 0x10" in exported.read_text()


def test_a_scenario_can_come_through_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "from-a-pipe.yaml"
    os.mkfifo(fifo)
    writer = threading.Thread(target=fifo.write_text, args=(BASE,))
    writer.start()
    result = netsim("run", str(fifo), "--json")
    writer.join()
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["scenario"] == "from-a-pipe"


def test_events_that_change_nothing_are_warned_about_naming_their_line(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(
        "topology:\n  links: [[r1, r2], [r2, r3], [r3, r1]]\nprotocols: [static]\nevents:\n"
        "  - {at: 10, link_up: [r1, r2]}\n"        # line 5: up from the start
        "  - {at: 20, link_down: [r1, r2]}\n"
        "  - {at: 30, link_down: [r1, r2]}\n"      # line 7: already down
        "  - {at: 40, node_down: r3}\n"
        "  - {at: 50, node_down: r3}\n"            # line 9: a second crash
        "  - {at: 60, node_up: r1}\n"              # line 10: running
        "  - {at: 70, link_up: [r1, r2]}\n")       # fine: it was down
    result = netsim("run", str(tmp_path / "s.yaml"))
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "changes nothing" in line]
    assert [re.search(r"s\.yaml:(\d+):", w).group(1) for w in warnings] == ["5", "7", "9", "10"]  # type: ignore
    assert "which is down since line 6" in warnings[1]
    assert "router r3, which is down (crashed) since line 8" in warnings[2]


def test_events_out_of_time_order_are_warned_about_and_run_sorted(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(BASE.replace("events:\n", "events:\n  - {at: 50, link_up: [r1, r2]}\n"))
    result = netsim("run", str(tmp_path / "s.yaml"), "--json")
    assert result.exit_code == 0
    assert "events are not in time order" in result.stderr
    assert [e["time"] for e in json.loads(result.stdout)[0]["events"]] == [30, 50]


COMMANDS = [
    ("run", "{s}"),
    ("compare", "{s}"),
    ("explain", "{s}"),
    ("table", "{s}", "--at", "40"),
    ("plot", "convergence", "{s}", "-o", "{tmp}/c.png"),
    ("plot", "timeline", "{s}", "-o", "{tmp}/t.png"),
    ("plot", "messages", "{s}", "-o", "{tmp}/m.png"),
    ("plot", "topology", "{s}", "-o", "{tmp}/p.png"),
    ("plot", "cdf", "{s}", "--seeds", "2", "-o", "{tmp}/d.png"),
    ("sweep", "{s}", "--jobs", "1", "--out", "{tmp}/o"),
    ("scale", "--sizes", "4", "--topohub", "topozoo/Abilene", "-p", "static", "-j", "1", "--plot", "{tmp}/s.png"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_large_work_needs_yes_on_every_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               command: tuple[str, ...]) -> None:
    (tmp_path / "s.yaml").write_text(BASE)
    monkeypatch.setattr(workload, "CONFIRM_ABOVE", 1.0)  # every run is "large"
    args = [a.replace("{s}", str(tmp_path / "s.yaml")).replace("{tmp}", str(tmp_path)) for a in command]
    assert_user_error(netsim(*args), "pass --yes to run it anyway")
    confirmed = netsim(*args, "--yes")
    assert confirmed.exit_code == 0, confirmed.stderr
    large = [line for line in confirmed.stderr.splitlines() if " is large: " in line]
    assert len(large) == 1 and large[0].startswith("netsim: warning: ") and "roughly" in large[0], confirmed.stderr


def test_every_running_command_documents_yes() -> None:
    for command in COMMANDS:
        words = [w for w in command if not w.startswith("{") and not w.startswith("-")][:2]
        head = words[:2] if words[0] == "plot" else words[:1]
        assert "--yes" in netsim(*head, "--help").stdout, head


def test_progress_without_a_terminal_is_a_line_now_and_then(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netsim.cli import common
    from netsim.studies import progress

    monkeypatch.setattr(common, "QUIET_PROGRESS_EVERY", 0.0)
    monkeypatch.setattr(progress, "PROGRESS_EVERY", 0.0)
    (tmp_path / "s.yaml").write_text(BASE)
    ran = netsim("run", str(tmp_path / "s.yaml"))
    assert ran.exit_code == 0
    assert re.fullmatch(r"(netsim: linkstate: [\d.]+ of [\d.]+ simulated s\n)+", ran.stderr), ran.stderr[:500]
    scaled = netsim("scale", "--sizes", "4", "--topohub", "topozoo/Abilene", "-p", "static", "-j", "1", "--plot",
                    str(tmp_path / "s.png"))
    assert scaled.exit_code == 0, scaled.stderr
    assert re.fullmatch(r"(netsim: scale: \d+ of 4 runs done \(\d+%\), .*\n)+", scaled.stderr), scaled.stderr
    assert "\r" not in ran.stderr + scaled.stderr


def test_the_command_line_knows_the_figure_formats_the_plots_write() -> None:
    from netsim.cli.common import FIGURE_FORMATS  # kept apart so the command line starts without matplotlib
    from netsim.output.plots.style import FORMATS

    assert FIGURE_FORMATS == FORMATS


def test_json_writers_refuse_nan_rather_than_write_what_strict_readers_reject(monkeypatch: pytest.MonkeyPatch) -> None:
    from netsim.output import report

    monkeypatch.setattr(report, "result_dict", lambda res, *_cache: {"convergence_time": float("nan")})
    with pytest.raises(ValueError, match="JSON compliant"):
        report.dumps([object()])  # type: ignore[list-item]
