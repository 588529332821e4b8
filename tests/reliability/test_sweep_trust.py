"""Sweep resume that never loses or reuses a wrong result.

Independent truth throughout: what is in the files (``runs.jsonl``, ``summary.csv``) against what
the scenario now says and what a fresh ``netsim run`` gives.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
from pathlib import Path

import pytest
from hostile import BASE, assert_user_error, netsim

from netsim.errors import NetsimError
from netsim.studies import runlog
from netsim.studies import sweep as sw

TRIANGLE = "links:\n  - [a, b, {cost}]\n  - [b, c, 1]\n  - [c, a, 1]\n"
STATIC_ON_FILE = "topology: {file: topo.yaml}\nprotocols: [static]\n"


def sweep_cli(scenario: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return netsim("sweep", str(scenario), "--jobs", "1", "--out", str(out), *extra)


def summary(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / sw.SUMMARY_FILE).read_text())))


def log_lines(out: Path) -> list[dict]:
    def no_nan(text: str) -> None:
        raise AssertionError(f"{text} in runs.jsonl")
    return [json.loads(line, parse_constant=no_nan) for line in (out / sw.RUNS_FILE).read_text().splitlines()]


# -- run keys ----------------------------------------------------------------------------------------
def test_a_change_in_a_referenced_topology_file_runs_again(tmp_path: Path) -> None:
    (tmp_path / "topo.yaml").write_text(TRIANGLE.format(cost=1))
    scenario = tmp_path / "s.yaml"
    scenario.write_text(STATIC_ON_FILE)
    out = tmp_path / "o"
    first = sweep_cli(scenario, out)
    assert "1 runs planned, 0 already done, 1 run now" in first.stdout, first.stderr
    assert "1 runs planned, 1 already done, 0 run now" in sweep_cli(scenario, out).stdout
    (tmp_path / "topo.yaml").write_text(TRIANGLE.format(cost=50))
    again = sweep_cli(scenario, out)
    assert "1 runs planned, 0 already done, 1 run now" in again.stdout, again.stdout
    rows = summary(out)
    assert len(rows) == 1
    fresh = [r for r in log_lines(out) if r["run"]["key"] == rows[0]["key"]][0]
    assert fresh["final_tables"]["a"]["b"] == {"next_hops": ["c"], "cost": 2}  # a–b now costs 50: via c


def test_run_keys_cover_the_version_the_code_and_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "s.yaml").write_text(BASE)
    source = sw.SweepInput.from_path(tmp_path / "s.yaml")
    base = sw.plan_sweep(source)[0].key
    import netsim

    monkeypatch.setattr(netsim, "__version__", "999")
    assert sw.plan_sweep(source)[0].key != base
    monkeypatch.undo()
    monkeypatch.setattr(sw, "code_digest", lambda: "other code")
    assert sw.plan_sweep(source)[0].key != base
    monkeypatch.undo()
    assert sw.plan_sweep(source)[0].key == base


def test_a_worker_refuses_a_scenario_that_changed_after_planning(tmp_path: Path) -> None:
    (tmp_path / "topo.yaml").write_text(TRIANGLE.format(cost=1))
    (tmp_path / "s.yaml").write_text(STATIC_ON_FILE)
    source = sw.SweepInput.from_path(tmp_path / "s.yaml")
    spec = sw.plan_sweep(source)[0]
    (tmp_path / "topo.yaml").write_text(TRIANGLE.format(cost=50))
    sw._PARSED.clear()  # as a fresh worker process (or a Dask worker) would start
    sw._IDS.clear()
    with pytest.raises(NetsimError, match="changed since the sweep was planned"):
        sw.execute(source, spec)


def test_failure_labels_and_keys_are_injective() -> None:
    pairs = [(("a-b", "c"), ("a", "b-c")), (("a–b", "c"), ("a", "b–c")), (("a@1", "b"), ("a", "1@b")),
             (('a"', "b"), ("a", '"b'))]
    for left, right in pairs:
        one, two = sw.Failure("link_down", left, 60.0), sw.Failure("link_down", right, 60.0)
        assert one.label != two.label
        assert sw.run_key("s", "static", (), 0, one) != sw.run_key("s", "static", (), 0, two)
    assert sw.Failure("link_down", ("r1", "r2"), 60.0).label == "link_down:r1–r2@60"


def test_colliding_router_names_give_distinct_runs_and_rows_and_resume(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text('topology:\n  links: [["a-b", c], [a, "b-c"], [c, a], ["b-c", "a-b"]]\n'
                                     "protocols: [static]\n")
    source = sw.SweepInput.from_path(tmp_path / "s.yaml")
    specs = sw.plan_sweep(source, failures="every-link", fail_at=60)
    assert len({s.key for s in specs}) == len({s.failure.label for s in specs}) == 4

    class Stop(Exception):
        pass

    def stop_after_two(run: dict) -> None:
        if len(runlog.read_runs(tmp_path / "o" / sw.RUNS_FILE)) == 2:
            raise Stop

    with pytest.raises(Stop):
        sw.run_sweep(source, specs, tmp_path / "o", jobs=1, progress=False, on_result=stop_after_two)
    outcome = sw.run_sweep(source, specs, tmp_path / "o", jobs=1, progress=False)
    assert (outcome.skipped, outcome.ran) == (2, 2)
    rows = summary(tmp_path / "o")
    assert len(rows) == 4 and len({r["key"] for r in rows}) == 4 and len({r["failure"] for r in rows}) == 4


# -- the run log ---------------------------------------------------------------------------------------
@pytest.fixture
def thirty(tmp_path: Path) -> tuple[sw.SweepInput, list[sw.RunSpec], Path]:
    (tmp_path / "s.yaml").write_text(BASE.replace("linkstate: {hello_interval: 1, dead_interval: 4}", "static: {}"))
    source = sw.SweepInput.from_path(tmp_path / "s.yaml")
    specs = sw.plan_sweep(source, seeds=list(range(30)))
    out = tmp_path / "o"
    assert sw.run_sweep(source, specs, out, jobs=1, progress=False).ran == 30
    return source, specs, out


@pytest.mark.parametrize("damage,reruns,said", [
    (lambda line: line[: len(line) // 2], 1, "line 10 is cut short or not a run"),
    (lambda line: b"", 1, "line 10 is blank"),
    (lambda line: b"{not json at all", 1, "line 10 is cut short or not a run"),
    (lambda line: line + b"\n", 0, "line 11 is blank"),
    (lambda line: line.replace(b'"seed":', b'"x":NaN,"seed":', 1), 1, "line 10 is cut short or not a run"),
])
def test_a_damaged_line_in_the_middle_costs_only_its_own_run(thirty, damage, reruns: int, said: str) -> None:
    source, specs, out = thirty
    log = out / sw.RUNS_FILE
    lines = log.read_bytes().split(b"\n")[:-1]
    bad = damage(lines[9])
    log.write_bytes(b"".join(x + b"\n" for x in [*lines[:9], bad, *lines[10:]]))
    notes: list[str] = []
    outcome = sw.run_sweep(source, specs, out, jobs=1, progress=False, notice=notes.append)
    assert (outcome.skipped, outcome.ran) == (30 - reruns, reruns)
    assert len(notes) == 1 and said in notes[0], notes
    assert sorted(r["run"]["key"] for r in log_lines(out)) == sorted(s.key for s in specs)  # 30 clean lines
    if bad.strip() and bad != lines[9] + b"\n":
        assert (out / runlog.DAMAGED_FILE).read_bytes() == bad + b"\n"  # kept, not thrown away
    assert len(summary(out)) == 30


def test_a_log_whose_only_line_is_torn_is_repaired(tmp_path: Path, thirty) -> None:
    source, specs, out = thirty
    log = out / sw.RUNS_FILE
    log.write_bytes(log.read_bytes()[:100])
    assert sw.run_sweep(source, specs, out, jobs=1, progress=False, notice=lambda m: None).ran == 30


def test_a_log_that_is_not_a_sweeps_is_refused_untouched(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(BASE)
    out = tmp_path / "o"
    out.mkdir()
    (out / sw.RUNS_FILE).write_text("my notes\nnot yours\n")
    assert_user_error(sweep_cli(tmp_path / "s.yaml", out), "not a sweep's run log")
    assert (out / sw.RUNS_FILE).read_text() == "my notes\nnot yours\n"


@pytest.mark.parametrize("name", [sw.RUNS_FILE, runlog.LOCK_FILE])
def test_a_symlink_is_never_followed(tmp_path: Path, name: str) -> None:
    (tmp_path / "s.yaml").write_text(BASE)
    precious = tmp_path / "precious.txt"
    precious.write_text("do not truncate me\n")
    out = tmp_path / "o"
    out.mkdir()
    os.symlink(precious, out / name)
    assert_user_error(sweep_cli(tmp_path / "s.yaml", out), "is a symbolic link; refusing to write through it")
    assert precious.read_text() == "do not truncate me\n"


def test_a_second_sweep_on_the_same_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(BASE)
    out = tmp_path / "o"
    holder = runlog.RunLog(out)
    try:
        line = assert_user_error(sweep_cli(tmp_path / "s.yaml", out), "another sweep is writing here")
        assert f"(process {os.getpid()})" in line
    finally:
        holder.close()
    assert sweep_cli(tmp_path / "s.yaml", out).exit_code == 0  # the lock went with its holder


def test_append_takes_whole_run_lines_only(tmp_path: Path) -> None:
    log = runlog.RunLog(tmp_path)
    try:
        for bad in ('{"run": {"key": "k"}}', '{"x": 1}\n', '{"run": {"key": "k"}}\n{"run": {"key": "j"}}\n'):
            with pytest.raises(ValueError):
                log.append(bad)
        log.append('{"run": {"key": "k"}}\n')
    finally:
        log.close()
    assert runlog.read_runs(tmp_path / sw.RUNS_FILE) == [{"run": {"key": "k"}}]


def test_lines_are_written_at_once_and_synced_in_groups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line is in the file as soon as it is appended (a killed sweep keeps it); fsyncs
    come at most one per SYNC_EVERY of a fast stream of lines, at once after a pause, and at the
    end: a line never stays unsynced past the sweep."""
    clock = [100.0]
    synced: list[int] = []
    monkeypatch.setattr(runlog.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(runlog.os, "fsync", lambda fd: synced.append(len(read_lines(tmp_path))))

    def read_lines(d: Path) -> list[str]:
        return (d / sw.RUNS_FILE).read_text().splitlines()

    log = runlog.RunLog(tmp_path)
    try:
        for i in range(5):  # a fast stream of lines 0.125 s apart (exact in binary)
            clock[0] += 0.125
            log.append(f'{{"run": {{"key": "k{i}"}}}}\n')
            assert len(read_lines(tmp_path)) == i + 1
        assert synced == [4]  # the first line 0.5 s after opening the log
        clock[0] += 10  # a long run: its line is synced as it is written
        log.append('{"run": {"key": "slow"}}\n')
        assert synced == [4, 6]
        clock[0] += 0.01
        log.append('{"run": {"key": "last"}}\n')
        assert synced == [4, 6]
        log.close()
        assert synced == [4, 6, 7]  # closing syncs what waits
    finally:
        log.close()
    assert synced == [4, 6, 7]


# -- what the lines and the summary say -------------------------------------------------------------------
def test_sweep_lines_name_the_scenario_as_run_does(tmp_path: Path) -> None:
    (tmp_path / "ring-study.yaml").write_text(BASE)
    sweep_cli(tmp_path / "ring-study.yaml", tmp_path / "o")
    ran = json.loads(netsim("run", str(tmp_path / "ring-study.yaml"), "--json").stdout)
    assert log_lines(tmp_path / "o")[0]["scenario"] == ran[0]["scenario"] == "ring-study"
    assert summary(tmp_path / "o")[0]["scenario"] == "ring-study"


def test_events_at_one_instant_are_summarised_once_like_the_equivalent_srlg(tmp_path: Path) -> None:
    ring = ("topology: {generator: {kind: ring, n: 6}}\nprotocols:\n  linkstate: {hello_interval: 1, "
            "dead_interval: 4}\n")
    (tmp_path / "two.yaml").write_text(ring + "events:\n  - {at: 20, link_down: [r1, r2]}\n"
                                              "  - {at: 20, link_down: [r4, r5]}\n")
    (tmp_path / "srlg.yaml").write_text(ring + "events:\n  - {at: 20, srlg: [[r1, r2], [r4, r5]]}\n")
    rows = {}
    for name in ("two", "srlg"):
        assert sweep_cli(tmp_path / f"{name}.yaml", tmp_path / name).exit_code == 0
        (rows[name],) = summary(tmp_path / name)
    varying = {"key", "scenario", "wall_s"}
    assert {k: v for k, v in rows["two"].items() if k not in varying} == \
        {k: v for k, v in rows["srlg"].items() if k not in varying}
    window = json.loads(netsim("run", str(tmp_path / "srlg.yaml"), "--json").stdout)[0]["events"][0]
    assert int(rows["two"]["messages"]) == window["messages"]  # the window's figure, not twice it


def test_grid_limits_fail_fast(tmp_path: Path) -> None:
    with pytest.raises(NetsimError, match="at most 100,000"):
        sw.parse_seeds("0-100000000")
    with pytest.raises(NetsimError, match="more than 100,000 seeds"):
        sw.parse_seeds(",".join(str(i) for i in range(100_001)))
    assert sw.parse_seeds("0-2,7") == [0, 1, 2, 7]
    (tmp_path / "s.yaml").write_text(BASE)
    spec = sw.plan_sweep(sw.SweepInput.from_path(tmp_path / "s.yaml"))[0]
    assert dataclasses.replace(spec).key == spec.key


def test_progress_is_lines_not_a_bar_without_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netsim.studies import progress

    monkeypatch.setattr(progress, "PROGRESS_EVERY", 0.0)
    (tmp_path / "s.yaml").write_text(BASE)
    result = sweep_cli(tmp_path / "s.yaml", tmp_path / "o", "--seeds", "0-2")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines == [f"netsim: sweep: {k} of 3 runs done ({100 * k // 3}%)" + line.split("%)", 1)[1]
                     for k, line in zip((1, 2, 3), lines, strict=True)]
    assert "\r" not in result.stderr
