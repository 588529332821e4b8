"""Regenerate every figure the README and the tutorial show, from the shipped scenarios.

One function, called by ``netsim plot readme`` (and so by ``make plots``), so the pictures in
the documentation are always what the current code produces, never hand-edited leftovers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from netsim.api import run_protocols
from netsim.errors import NetsimError
from netsim.files import output_set
from netsim.output.plots.after_event import topology_figure
from netsim.output.plots.cdf import cdf_figure
from netsim.output.plots.convergence import convergence_figure
from netsim.output.plots.figdata import SIDECAR, figure_data, file_hash, sidecar_text
from netsim.output.plots.messages import messages_figure
from netsim.output.plots.style import save
from netsim.output.plots.timeline import timeline_figure
from netsim.output.summary import summarize
from netsim.scenario import load_scenario

#: Where the scenarios live when netsim runs from a source checkout.
DEFAULT_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: Seeds for the convergence-time distribution: enough for a visible spread, a few seconds to run.
CDF_SEEDS = 20


def readme_figures(out_dir: Path, scenarios: Path = DEFAULT_SCENARIOS,
                   echo: Callable[[str], None] = lambda _: None) -> list[Path]:
    """Write the README's figures into ``out_dir``; return their paths in the order written.

    The figures are one set: they are drawn into a staging directory and moved into ``out_dir``
    together at the end, so an interruption leaves the previous set whole.  With them goes
    :data:`~netsim.output.plots.figdata.SIDECAR`: each figure's plotted data and its image's
    hash, which a test compares with what the code draws now (a stale committed figure fails it).
    """
    demo_path = scenarios / "demo.yaml"
    cti_path = scenarios / "count-to-infinity.yaml"
    for p in (demo_path, cti_path):
        if not p.is_file():
            raise NetsimError(f"{p}: missing (--scenarios must point at the shipped scenarios directory)")
    written: list[Path] = []
    data: dict[str, dict[str, Any]] = {}
    with output_set(out_dir) as stage:
        _draw(stage, demo_path, cti_path, written, echo, data)
        for name, entry in data.items():
            entry["sha256"] = file_hash(stage / name)
        (stage / SIDECAR).write_text(sidecar_text(data), encoding="utf-8")
    for path in written:
        echo(f"wrote {out_dir / path.name}")
    return [out_dir / path.name for path in written]


def _draw(stage: Path, demo_path: Path, cti_path: Path, written: list[Path], echo: Callable[[str], None],
          data: dict[str, dict[str, Any]]) -> None:
    def write(fig: Figure, name: str) -> None:
        path = stage / name
        data[name] = {"data": figure_data(fig)}  # before saving: saving releases the figure
        save(fig, path)
        written.append(path)

    demo = load_scenario(demo_path)
    results = run_protocols(demo, ["static", "linkstate", "distvector"])
    dynamic = [r for r in results if r.protocol != "static"]
    write(convergence_figure(results), "demo.png")
    first = demo.events[0].time if demo.events else 0.0
    write(timeline_figure(dynamic, start=first - 1, end=first + 8), "demo-timeline.png")
    write(messages_figure(results), "demo-messages.png")
    write(topology_figure(next(r for r in results if r.protocol == "distvector")), "demo-topology.png")
    runs = [summarize(r) for seed in range(CDF_SEEDS)
            for r in run_protocols(demo, ["linkstate", "distvector"], seed=seed, narrate=False)]
    write(cdf_figure(runs, kinds=("link_down",)), "demo-cdf.png")
    cti = load_scenario(cti_path)
    cti_run = run_protocols(cti, ["distvector"])
    t0 = cti.events[0].time
    write(timeline_figure(cti_run, start=t0 - 2, end=t0 + 45, dest="net"), "count-to-infinity.png")
    from netsim.output.replay.browser import find_chromium, playwright_available

    if find_chromium() is not None and playwright_available():
        written.append(replay_figure(stage / "replay.png", demo_path.parent))
    else:
        echo("skipped replay.png: it needs Chromium and Playwright (.ci/install-chromium installs them)")


#: The README's replay instant of the demo, 53 ms after the fibre cut: Chicago and Indianapolis
#: have re-routed, New York has not, so traffic for Denver loops between Chicago and New York.
REPLAY_PROTOCOL = "linkstate"
REPLAY_AT = 60.053
REPLAY_ROUTER = "New York"
REPLAY_DEST = "Denver"
REPLAY_WINDOW = (59.99, 60.09)


def replay_figure(png: Path, scenarios: Path = DEFAULT_SCENARIOS) -> Path:
    """The README's replay figure: the demo's fibre cut under link state, as the browser shows it
    (needs Chromium; raises NetsimError naming what is missing)."""
    from netsim.output.replay.build import build_document
    from netsim.output.replay.screenshot import document_screenshot
    from netsim.runner import simulate

    result = simulate(load_scenario(scenarios / "demo.yaml"), REPLAY_PROTOCOL)
    return document_screenshot(build_document(result), png, at=REPLAY_AT, router=REPLAY_ROUTER, dest=REPLAY_DEST,
                               window=REPLAY_WINDOW)
