"""Every ``netsim plot`` command writes a non-empty image whose axes carry the expected labels.

Labels are checked on the matplotlib Figure the command built (captured at save time), never
on pixels; the file on disk is checked to exist, be non-empty and be of the requested format.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure

import netsim.output.plots.style as plots
from netsim.cli import cli
from netsim.output.plots.after_event import settle_times
from netsim.output.plots.cdf import cdf_figure, ecdf
from netsim.output.plots.messages import binned_rates, nice_bin
from netsim.output.report import result_dict
from netsim.output.summary import parse_results, summarize
from netsim.runner import simulate
from netsim.scenario.loader import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
CTI = str(SCENARIOS / "count-to-infinity.yaml")
ECMP = str(SCENARIOS / "ecmp.yaml")


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """Record each figure the CLI saves (then save it for real)."""
    figures: list[Figure] = []
    real = plots.save

    def spy(fig: Figure, path: str | Path) -> None:
        figures.append(fig)
        real(fig, path)

    monkeypatch.setattr(plots, "save", spy)
    return figures


def _labels(fig: Figure) -> tuple[set[str], set[str]]:
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    return {ax.get_xlabel() for ax in axes} - {""}, {ax.get_ylabel() for ax in axes} - {""}


def _plot(args: list[str], out: Path, captured: list[Figure]) -> Figure:
    res = CliRunner().invoke(cli, ["plot", *args, "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert out.is_file() and out.stat().st_size > 1000
    head = out.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if out.suffix == ".png" else b"<svg" in head or b"<?xml" in head
    assert not list(out.parent.glob(f".{out.name}.*")), "temporary file left behind"
    return captured[-1]


def test_plot_convergence_from_scenario_and_from_results_json(tmp_path: Path, captured: list[Figure]) -> None:
    fig = _plot(["convergence", ECMP], tmp_path / "conv.png", captured)
    xs, ys = _labels(fig)
    assert xs == {"event"} and ys <= {"time after the event (s)", "time after the event (s), log scale"}
    results = [simulate(load_scenario(ECMP), p) for p in ("linkstate", "distvector")]
    saved = tmp_path / "results.json"
    saved.write_text(json.dumps([result_dict(r) for r in results]))
    fig2 = _plot(["convergence", str(saved)], tmp_path / "conv.svg", captured)
    # The same bars, whether simulated now or read back from JSON.
    heights = [sorted(round(p.get_height(), 6) for p in f.axes[0].patches) for f in (fig, fig2)]
    assert heights[1] and set(heights[1]) <= set(heights[0])


def test_plot_timeline_marks_events_and_counting(tmp_path: Path, captured: list[Figure]) -> None:
    fig = _plot(["timeline", CTI, "--dest", "net", "--from", "58", "--to", "100"], tmp_path / "tl.png", captured)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "simulated time (s)" and ax.get_ylabel() == "router"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B", "C", "D", "net"]
    assert any(t.get_text().replace("\n", " ") == "link B–D down (carrier loss)" for t in ax.texts)
    assert ax.get_xlim() == (58.0, 100.0)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "counting to infinity" in legend and "scripted event" in legend


def test_plot_messages_two_panels_with_rates(tmp_path: Path, captured: list[Figure]) -> None:
    fig = _plot(["messages", ECMP, "--bin", "5"], tmp_path / "msg.svg", captured)
    xs, ys = _labels(fig)
    assert ys == {"packets per second", "bytes per second"}
    assert xs == {"simulated time (s), 5 s bins"}


def test_messages_rates_add_up_to_the_trace_totals() -> None:
    res = simulate(load_scenario(ECMP), "distvector")
    import numpy as np

    edges = np.arange(0.0, res.trace.end_time + 2.0, 2.0)
    pps, bps = binned_rates(res, edges)
    assert round(float((pps * 2.0).sum())) == res.trace.messages.total_packets()
    assert round(float((bps * 2.0).sum())) == res.metrics.bytes_total
    assert nice_bin(150.0) == 1.0 and nice_bin(300.0) == 2.0


def test_plot_topology_colours_routers_by_settle_time(tmp_path: Path, captured: list[Figure]) -> None:
    fig = _plot(["topology", ECMP, "-p", "distvector"], tmp_path / "topo.png", captured)
    cbar = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert cbar and cbar[0].get_ylabel() == "last FIB change after the event (s)"
    xs, ys = _labels(fig)
    assert xs == {"layout x (arbitrary units)"} and ys == {"layout y (arbitrary units)"}
    res = simulate(load_scenario(ECMP), "distvector")
    t0, end, times = settle_times(res, 0)
    assert t0 == 30.0 and times  # someone re-routed, each after the event and within its window
    assert all(0 <= v <= end - t0 for v in times.values())


def test_plot_cdf_from_json_lines_and_from_scenario(tmp_path: Path, captured: list[Figure]) -> None:
    sc = load_scenario(ECMP)
    lines = [json.dumps(result_dict(simulate(sc, p, seed=s, narrate=False)))
             for s in range(3) for p in ("linkstate", "distvector")]
    jsonl = tmp_path / "sweep.jsonl"
    jsonl.write_text("\n".join(lines) + "\n")
    fig = _plot(["cdf", str(jsonl)], tmp_path / "cdf.png", captured)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "convergence time after the event (s)"
    assert ax.get_ylabel() == "fraction of events (cumulative)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["distvector (6 events)", "linkstate (6 events)"]  # 3 runs × 2 events each
    fig2 = _plot(["cdf", ECMP, "--seeds", "2", "-p", "linkstate", "--by", "split_horizon"],
                 tmp_path / "cdf2.svg", captured)
    assert [t.get_text() for t in fig2.axes[0].get_legend().get_texts()] == ["split_horizon=? (4 events)"]


def test_ecdf_keeps_never_correct_below_one() -> None:
    xs, ys, never = ecdf([0.5, None, 0.1, 0.2])
    assert list(xs) == [0.1, 0.2, 0.5] and list(ys) == [0.25, 0.5, 0.75] and never == 1
    runs = parse_results('{"protocol": "x", "events": [{"time": 1, "convergence_time": null}]}', "t.json")
    fig = cdf_figure(runs)
    assert "1 never correct" in fig.axes[0].get_legend().get_texts()[0].get_text()


def test_bad_inputs_are_one_line_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["plot", "timeline", ECMP, "-o", str(tmp_path / "x.gif")])
    assert res.exit_code == 2 and "use .png, .svg or .pdf" in res.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"protocol": "x", "events": []}\nnot json\n')
    res = runner.invoke(cli, ["plot", "cdf", str(bad), "-o", str(tmp_path / "c.png")])
    assert res.exit_code == 2 and f"{bad}:2: not JSON" in res.output
    assert not (tmp_path / "c.png").exists()


def test_plot_readme_regenerates_every_figure(tmp_path: Path) -> None:
    """...and the committed figures are what it draws now: their plotted data (the sidecar the
    command writes) equals the committed sidecar, and each committed image is the one that
    sidecar was recorded with.  A figure left stale by an engine or plotting change fails here:
    `make plots` redraws them."""
    from netsim.output.plots.figdata import SIDECAR, file_hash

    res = CliRunner().invoke(cli, ["plot", "readme", "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output
    from netsim.output.replay.browser import find_chromium, playwright_available

    names = sorted(p.name for p in tmp_path.iterdir())
    browser = ["replay.png"] if find_chromium() is not None and playwright_available() else []
    figures = ["count-to-infinity.png", "demo-cdf.png", "demo-messages.png", "demo-timeline.png", "demo-topology.png",
               "demo.png"]
    assert names == sorted([*figures, *browser, SIDECAR])
    assert all((tmp_path / n).stat().st_size > 10_000 for n in names if n != SIDECAR)
    drawn = json.loads((tmp_path / SIDECAR).read_text(encoding="utf-8"))
    committed_dir = SCENARIOS.parent / "plots"
    committed = json.loads((committed_dir / SIDECAR).read_text(encoding="utf-8"))
    assert sorted(drawn) == sorted(committed) == figures
    stale = [n for n in figures if drawn[n]["data"] != committed[n]["data"]]
    assert not stale, f"plots/{', plots/'.join(stale)} no longer match what the code draws: run `make plots`"
    edited = [n for n in figures if file_hash(committed_dir / n) != committed[n]["sha256"]]
    assert not edited, f"plots/{', plots/'.join(edited)}: not the image plots/{SIDECAR} was recorded with"


def test_summaries_from_results_and_json_agree() -> None:
    res = simulate(load_scenario(ECMP), "linkstate")
    live = summarize(res)
    loaded = parse_results(json.dumps(result_dict(res)), "r.json")[0]
    assert loaded.protocol == live.protocol and len(loaded.events) == len(live.events)
    for a, b in zip(live.events, loaded.events, strict=True):
        assert a.convergence_time == pytest.approx(b.convergence_time, abs=1e-6)
        assert a.description == b.description


def test_cdf_identical_groups_are_one_curve_the_legend_names_them_all() -> None:
    """Two protocols with the same samples drew the same staircase, one hiding the other."""
    text = "\n".join(json.dumps({"protocol": p, "events": [{"time": 1, "convergence_time": v}]})
                     for p, v in (("linkstate", 0.2), ("distvector", 0.2), ("eigrp", 0.5), ("linkstate", 0.4),
                                  ("distvector", 0.4), ("eigrp", None)))
    fig = cdf_figure(parse_results(text, "t.jsonl"))
    ax = fig.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["distvector = linkstate (2 events each, identical curves)", "eigrp (2 events, 1 never correct)"]
    drawn = [line for line in ax.get_lines() if len(line.get_xdata())]
    assert len(drawn) == 2 and drawn[0].get_linestyle() != drawn[1].get_linestyle()


def test_topology_link_down_legend_shows_what_the_map_draws(tmp_path: Path, captured: list[Figure]) -> None:
    """The failed link was a dashed line with an X; its legend entry was the dash alone."""
    fig = _plot(["topology", ECMP, "-p", "linkstate"], tmp_path / "topo.png", captured)
    ax = fig.axes[0]
    handles = dict(zip([t.get_text() for t in ax.get_legend().get_texts()],
                       ax.get_legend().legend_handles, strict=True))
    key = handles["link down"]
    drawn = [line for line in ax.get_lines() if len(line.get_xdata()) and line.get_linestyle() == "--"]
    assert drawn, "the scenario's first event takes a link down"
    for line in drawn:
        assert (line.get_marker(), line.get_color(), line.get_linewidth()) == \
               (key.get_marker(), key.get_color(), key.get_linewidth())
    assert key.get_marker() == "X" and key.get_linestyle() == "--"


def _conv_runs() -> list:
    """A 10 s cold start beside 70 ms repairs, a zero, and a protocol that is never correct."""
    def run(protocol: str, cold: float | None, conv: list[float | None], corr: list[float | None]) -> dict:
        return {"scenario": "synthetic", "protocol": protocol, "initial_convergence": cold,
                "events": [{"time": 60 + 60 * k, "kind": "link_down", "target": ["a", "b"], "convergence_time": c,
                            "correct_time": r} for k, (c, r) in enumerate(zip(conv, corr, strict=True))]}
    return parse_results(json.dumps([run("linkstate", 10.0, [0.07, 0.0], [0.07, 0.0]),
                                     run("static", None, [None, None], [None, None])]), "r.json")


def test_convergence_figure_never_correct_is_a_full_height_band_not_a_value() -> None:
    from netsim.output.plots.convergence import convergence_figure

    ax = convergence_figure(_conv_runs()).axes[0]
    bands = [p for p in ax.patches if p.get_hatch() == "xx"]
    assert len(bands) == 6  # static: cold start, two events, each converged and correct-since
    for band in bands:  # spans the whole axes height, in axes coordinates: no height to misread as seconds
        (_, y0), (_, y1) = band.get_transform().transform([(0, 0), (0, 1)])
        (_, a0), (_, a1) = ax.transAxes.transform([(0, 0), (0, 1)])
        assert (y0, y1) == pytest.approx((a0, a1))
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("never") == 6
    assert not [line for line in ax.get_lines() if line.get_marker() == "x"]


def test_convergence_figure_zero_bars_show_a_base_line_and_a_0() -> None:
    from netsim.output.plots.convergence import convergence_figure

    ax = convergence_figure(_conv_runs()).axes[0]
    assert [t.get_text() for t in ax.texts].count("0") == 2
    bases = [line for line in ax.get_lines() if list(line.get_ydata()) == [0, 0]]
    assert len(bases) == 2 and all(line.get_linewidth() >= 2 for line in bases)


def test_convergence_figure_log_axis_keeps_70ms_beside_10s_and_labels_apart() -> None:
    from netsim.output.plots.convergence import convergence_figure

    fig = convergence_figure(_conv_runs())
    ax = fig.axes[0]
    assert ax.get_yscale() == "symlog"
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (_, lo), (_, hi) = ax.transData.transform([(0, 0), (0, 0.07)])
    assert hi - lo > 0.25 * ax.bbox.height  # a 70 ms bar is a quarter of the plot or more, not a pixel
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    boxes += [t.get_window_extent(renderer) for t in ax.get_xticklabels()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)


def test_convergence_figure_protocol_never_correct_still_in_the_legend() -> None:
    from netsim.output.plots.convergence import convergence_figure

    legend = [t.get_text() for t in convergence_figure(_conv_runs()).axes[0].get_legend().get_texts()]
    assert {"static: converged", "static: correct since", "linkstate: converged"} <= set(legend)
    assert any(text.startswith("never correct") for text in legend)
