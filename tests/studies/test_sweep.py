"""``netsim sweep``: the grid, parallel execution, resume after interruption, and Dask.

Independent expectation throughout: the same run done by hand with ``simulate()``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsim.cli import cli
from netsim.output.report import result_dict
from netsim.runner import simulate
from netsim.studies import sweep as sw

SCENARIO = """\
name: sweep-ring
topology: {generator: {kind: ring, n: 5}}
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4}
  distvector: {update_interval: 5, timeout: 15, garbage: 10}
events:
  - {at: 30, link_down: [r1, r2]}
"""


@pytest.fixture
def source(tmp_path: Path) -> sw.SweepInput:
    path = tmp_path / "ring.yaml"
    path.write_text(SCENARIO)
    return sw.SweepInput.from_path(path)


def _plan(source: sw.SweepInput) -> list[sw.RunSpec]:
    return sw.plan_sweep(source, protocols=["linkstate", "rip"], sets=["linkstate.spf_delay=0.01,0.2"],
                         seeds=[0, 1], failures="random-links:2", fail_at=30)


def _by_key(runs: list[dict]) -> dict[str, dict]:
    return {r["run"]["key"]: {k: v for k, v in r.items() if k != "run"} for r in runs}


def _by_hand(source: sw.SweepInput, spec: sw.RunSpec) -> dict:
    scenario = sw.apply_failure(sw._scenario(source), spec.failure)
    return result_dict(simulate(scenario, spec.protocol, seed=spec.seed, options=dict(spec.options)))


def test_plan_spans_the_grid_with_stable_distinct_keys(source: sw.SweepInput) -> None:
    specs = _plan(source)
    # linkstate: 2 delays x 2 seeds x 2 failures; distvector: 1 x 2 x 2
    assert len(specs) == 8 + 4
    assert len({s.key for s in specs}) == len(specs)
    assert [s.key for s in specs] == [s.key for s in _plan(source)]
    assert {s.failure.label for s in specs} == {s.failure.label for s in specs[:2]}  # same failures everywhere
    assert all(s.failure.at == 30 for s in specs)


def test_parse_errors_are_one_line() -> None:
    assert sw.parse_seeds("0-2,7") == [0, 1, 2, 7]
    for bad in ("x", "3-1", "-1"):
        with pytest.raises(sw.NetsimError):
            sw.parse_seeds(bad)
    with pytest.raises(sw.NetsimError, match="random-links:K"):
        sw.parse_failures("some-links")
    with pytest.raises(sw.NetsimError, match="PROTOCOL.OPTION"):
        sw.parse_set("spf_delay=1")


def test_sweep_equals_separate_simulate_calls(source: sw.SweepInput, tmp_path: Path) -> None:
    specs = _plan(source)
    outcome = sw.run_sweep(source, specs, tmp_path / "out", jobs=2, progress=False)
    assert outcome.ran == len(specs)
    whole = _by_key(sw.read_runs(tmp_path / "out" / sw.RUNS_FILE))
    for spec in specs:
        assert whole[spec.key] == _by_hand(source, spec), spec.describe()
    # the outcome holds each run without its final tables, which the log keeps
    assert _by_key(outcome.runs) == {key: sw.without_tables(run) for key, run in whole.items()}
    assert all("final_tables" in run for run in whole.values())
    assert not any("final_tables" in run for run in outcome.runs)
    # one failure per run, at the planned time, on the planned link
    some = outcome.runs[0]
    assert len(some["events"]) == 1 and some["events"][0]["time"] == 30.0
    summary = (tmp_path / "out" / "summary.csv").read_text().splitlines()
    assert len(summary) == 1 + len(specs)


def test_the_run_kept_in_memory_is_the_logged_line_without_its_tables(source: sw.SweepInput) -> None:
    specs = _plan(source)
    job = sw.prepare(source, specs)
    for spec in (specs[0], specs[-1]):
        line, kept = sw.logged_run(job, spec)
        whole = json.loads(line)
        assert line.endswith("\n") and line.count("\n") == 1
        assert whole["final_tables"] and "final_tables" not in kept
        assert kept == sw.without_tables(whole)
        assert list(kept) == [k for k in whole if k != "final_tables"]  # the same keys, in the same order
        assert sw.run_job(job, spec).split('"wall_s":')[0] == line.split('"wall_s":')[0]
        # byte for byte the standard library's compact text of the run done by hand: the line's
        # tables are rendered from cached pieces only for speed
        by_hand = {**_by_hand(source, spec), "run": whole["run"]}
        assert line == json.dumps(by_hand, separators=(",", ":"), allow_nan=False) + "\n"


def test_a_log_appends_a_given_run_without_parsing_the_line(tmp_path: Path, monkeypatch) -> None:
    from netsim.studies import runlog

    line = '{"final_tables":{"a":{}},"events":[],"run":{"key":"k1"}}\n'
    log = runlog.RunLog(tmp_path)
    try:
        kept = log.append(line)  # parsed: the tables are dropped from what is kept
        assert kept == {"events": [], "run": {"key": "k1"}} and log.runs == [kept]
        monkeypatch.setattr(runlog, "_run_of", lambda _line: pytest.fail("parsed a line it was given the run of"))
        given = {"events": [1], "run": {"key": "k2"}}
        assert log.append('{"events":[1],"final_tables":{},"run":{"key":"k2"}}\n', given) is given
        assert log.append(line, {"run": {"key": "k1"}})["run"]["key"] == "k1"  # logged once, whatever delivers it
        with pytest.raises(ValueError):
            log.append('{"run":{"key":"k3"}}', {"run": {"key": "k3"}})  # no newline: not a line
    finally:
        log.close()
    monkeypatch.undo()
    assert [r["run"]["key"] for r in sw.read_runs(tmp_path / sw.RUNS_FILE)] == ["k1", "k2"]
    reopened = runlog.RunLog(tmp_path)
    try:
        assert reopened.runs[0] == {"events": [], "run": {"key": "k1"}}  # loaded runs are kept without tables too
    finally:
        reopened.close()


def test_resume_after_kill_and_torn_line_loses_and_duplicates_nothing(source: sw.SweepInput,
                                                                     tmp_path: Path) -> None:
    specs = _plan(source)
    out = tmp_path / "out"
    sw.run_sweep(source, specs, tmp_path / "ref", jobs=1, progress=False)
    reference = _by_key(sw.read_runs(tmp_path / "ref" / sw.RUNS_FILE))

    class Killed(Exception):
        pass

    seen = []

    def kill_after_three(run: dict) -> None:
        seen.append(run)
        if len(seen) == 3:
            raise Killed

    with pytest.raises(Killed):
        sw.run_sweep(source, specs, out, jobs=1, progress=False, on_result=kill_after_three)
    runs_file = out / sw.RUNS_FILE
    assert len(runs_file.read_text().splitlines()) == 3
    # now tear the file mid-line, as a power cut during a write would
    data = runs_file.read_bytes()
    runs_file.write_bytes(data + data[: len(data) // 5])
    assert len(sw.read_runs(runs_file)) == 3
    notes: list[str] = []
    outcome = sw.run_sweep(source, specs, out, jobs=2, progress=False, notice=notes.append)
    assert outcome.skipped == 3 and outcome.ran == len(specs) - 3
    assert len(notes) == 1 and "line 4 is cut short" in notes[0]
    lines = runs_file.read_text().splitlines()
    keys = [json.loads(line)["run"]["key"] for line in lines]  # every line parses: the torn one is gone
    assert sorted(keys) == sorted(s.key for s in specs)
    assert _by_key([json.loads(line) for line in lines]) == reference
    # a third invocation has nothing left to do
    assert sw.run_sweep(source, specs, out, jobs=2, progress=False).ran == 0


def test_dask_local_cluster_gives_the_same_results(source: sw.SweepInput, tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    from dask.distributed import Client, LocalCluster

    specs = _plan(source)[:4]
    local = _by_key(sw.run_sweep(source, specs, tmp_path / "local", jobs=1, progress=False).runs)
    with LocalCluster(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        remote = sw.run_sweep(source, specs, tmp_path / "dask", client=client, progress=False)
    assert _by_key(remote.runs) == local


def test_cli_sweep_writes_lines_and_summary(source: sw.SweepInput, tmp_path: Path) -> None:
    out = tmp_path / "cli"
    args = ["sweep", str(Path(source.base_dir) / "ring.yaml"), "-p", "linkstate", "--seeds", "0-1",
            "--failures", "every-link", "--fail-at", "30", "--jobs", "1", "--out", str(out)]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    assert len((out / sw.RUNS_FILE).read_text().splitlines()) == 2 * 5  # 2 seeds x 5 ring links
    assert "linkstate" in res.output and "10 runs planned" in res.output
    bad = CliRunner().invoke(cli, ["sweep", str(Path(source.base_dir) / "ring.yaml"), "--set", "linkstate.nope=1"])
    assert bad.exit_code == 2 and "nope" in bad.output
