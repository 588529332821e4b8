"""Interrupted output: SIGTERM (and Ctrl-C) at several exact points of a command leave either the
previous outputs or the complete new set -- never half a set, never a temporary file.

The signal is sent from inside, at the chosen point (``interrupt_driver.install``), so each case
hits its point every time.  Most cases run the command line in this process (the signal handling
is the same); the first ones run it as a real process, for the exit status and stderr a user sees.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import BASE, netsim
from interrupt_driver import install

DRIVER = Path(__file__).resolve().parent / "interrupt_driver.py"
EXIT = {"TERM": 143, "INT": 130}
#: Files a command may leave on purpose whose names start with a dot (the sweep's lock).
KEPT_HIDDEN = {".runs.lock"}
PREVIOUS = {"results.json": b"[previous]", "convergence.png": b"previous figure"}


def hidden_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob(".*") if p.name not in KEPT_HIDDEN)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()} if directory.exists() else {}


def previous_set(out: Path) -> dict[str, bytes]:
    out.mkdir()
    for name, data in PREVIOUS.items():
        (out / name).write_bytes(data)
    return dict(PREVIOUS)


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    return path


@pytest.fixture
def interrupt(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``interrupt(point, nth, *args)``: run the command line here, signalled at ``point``."""
    def run(point: str, nth: int, *args: str, sig: str = "TERM"):  # type: ignore[no-untyped-def]
        install(point, nth, getattr(signal, f"SIG{sig}"), monkeypatch.setattr)
        result = netsim(*args)
        monkeypatch.undo()
        return result
    return run


def assert_interrupted(result, sig: str = "TERM") -> None:  # type: ignore[no-untyped-def]
    code = getattr(result, "returncode", None)
    code = result.exit_code if code is None else code
    assert code == EXIT[sig], (code, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert lines and "no output file was left half-written" in lines[-1], result.stderr
    assert "Traceback" not in result.stderr


# -- as a real process --------------------------------------------------------------------------
@pytest.mark.parametrize("sig", ["TERM", "INT"])
def test_a_real_process_interrupted_while_writing_the_figure(tmp_path: Path, scenario: Path, sig: str) -> None:
    out = tmp_path / "out"
    before = previous_set(out)
    proc = subprocess.run([sys.executable, str(DRIVER), "savefig", "1", sig, "--", "run", str(scenario), "--out",
                           str(out)], cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert_interrupted(proc, sig)
    assert len(proc.stderr.strip().splitlines()) == 1
    assert snapshot(out) == before
    assert hidden_files(tmp_path) == []


# -- in this process ------------------------------------------------------------------------------
@pytest.mark.parametrize("point", ["simulate", "json", "figure", "savefig"])
def test_run_out_interrupted_leaves_the_previous_set(tmp_path: Path, scenario: Path, interrupt, point: str) -> None:
    out = tmp_path / "out"
    before = previous_set(out)
    assert_interrupted(interrupt(point, 1, "run", str(scenario), "--out", str(out)))
    assert snapshot(out) == before
    assert hidden_files(tmp_path) == []


def test_run_out_interrupted_the_first_time_writes_nothing(tmp_path: Path, scenario: Path, interrupt) -> None:
    out = tmp_path / "out"
    assert_interrupted(interrupt("savefig", 1, "run", str(scenario), "--out", str(out)))
    assert snapshot(out) == {}
    assert hidden_files(tmp_path) == []


def test_run_json_interrupted_while_printing_says_so(tmp_path: Path, scenario: Path, interrupt) -> None:
    """Standard output is a stream (part of the JSON may be out); the interruption is still the
    one line that says so, and no file is involved."""
    assert_interrupted(interrupt("json", 2, "run", str(scenario), "--json"))
    assert hidden_files(tmp_path) == []


@pytest.mark.parametrize("nth", [2, 3])  # the 1st rename puts the figure in place inside the staging directory
def test_run_out_interrupted_while_committing_completes_the_set(tmp_path: Path, scenario: Path, interrupt,
                                                                nth: int) -> None:
    out = tmp_path / "out"
    previous_set(out)
    assert_interrupted(interrupt("replace", nth, "run", str(scenario), "--out", str(out), "--json"))
    after = snapshot(out)
    assert set(after) == set(PREVIOUS) and not set(after.values()) & set(PREVIOUS.values())  # all new
    assert json.loads(after["results.json"])[0]["protocol"] == "linkstate"
    assert hidden_files(tmp_path) == []


@pytest.mark.parametrize("point,complete", [("json", False), ("savefig", False), ("replace", True)])
def test_compare_json_and_plot_are_one_set(tmp_path: Path, scenario: Path, interrupt, point: str,
                                           complete: bool) -> None:
    json_path, plot_path = tmp_path / "r.json", tmp_path / "c.png"
    assert_interrupted(interrupt(point, 1, "compare", str(scenario), "--json", str(json_path), "--plot",
                                 str(plot_path)))
    assert (json_path.exists(), plot_path.exists()) == (complete, complete)
    assert hidden_files(tmp_path) == []


@pytest.mark.parametrize("point,nth", [("simulate", 4), ("csv", 1)])
def test_sweep_interrupted_keeps_whole_lines_and_resumes(tmp_path: Path, scenario: Path, interrupt, point: str,
                                                         nth: int) -> None:
    out = tmp_path / "o"
    args = ("sweep", str(scenario), "-p", "linkstate", "--seeds", "0-3", "--jobs", "1", "--out", str(out))
    assert_interrupted(interrupt(point, nth, *args))
    log = out / "runs.jsonl"
    lines = log.read_text().splitlines() if log.exists() else []
    assert all(json.loads(line)["run"]["key"] for line in lines)  # only whole lines
    assert (point == "csv") == (len(lines) == 4)
    assert not (out / "summary.csv").exists()
    assert hidden_files(tmp_path) == []
    again = netsim(*args)
    assert again.exit_code == 0, again.stderr
    assert f"4 runs planned, {len(lines)} already done, {4 - len(lines)} run now" in again.stdout
    assert len((out / "summary.csv").read_text().splitlines()) == 1 + 4


@pytest.mark.parametrize("point,complete", [("savefig", False), ("replace", True)])
def test_scale_plot_and_csv_are_one_set(tmp_path: Path, interrupt, point: str, complete: bool) -> None:
    plot_path, csv_path = tmp_path / "s.png", tmp_path / "s.csv"
    assert_interrupted(interrupt(point, 1, "scale", "--sizes", "4", "--topohub", "topozoo/Abilene", "-p", "static",
                                 "-j", "1", "--plot", str(plot_path), "--csv", str(csv_path)))
    assert (plot_path.exists(), csv_path.exists()) == (complete, complete)
    assert hidden_files(tmp_path) == []


def test_plot_readme_interrupted_leaves_the_previous_figures(tmp_path: Path, interrupt) -> None:
    out = tmp_path / "figs"
    out.mkdir()
    (out / "demo.png").write_bytes(b"previous")
    assert_interrupted(interrupt("savefig", 3, "plot", "readme", "-o", str(out)))
    assert snapshot(out) == {"demo.png": b"previous"}
    assert hidden_files(tmp_path) == []
