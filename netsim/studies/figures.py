"""Regenerate every figure the README and the tutorial show, from the shipped scenarios.

One function, called by ``netsim plot readme`` (and so by ``make plots``), so the pictures in
the documentation are always what the current code produces, never hand-edited leftovers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from netsim.api import run_protocols
from netsim.errors import NetsimError
from netsim.files import output_set
from netsim.output.plots.after_event import topology_figure
from netsim.output.plots.cdf import cdf_figure
from netsim.output.plots.convergence import convergence_figure
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
    together at the end, so an interruption leaves the previous set whole.
    """
    demo_path = scenarios / "demo.yaml"
    cti_path = scenarios / "count-to-infinity.yaml"
    for p in (demo_path, cti_path):
        if not p.is_file():
            raise NetsimError(f"{p}: missing (--scenarios must point at the shipped scenarios directory)")
    written: list[Path] = []
    with output_set(out_dir) as stage:
        _draw(stage, demo_path, cti_path, written)
    for path in written:
        echo(f"wrote {out_dir / path.name}")
    return [out_dir / path.name for path in written]


def _draw(stage: Path, demo_path: Path, cti_path: Path, written: list[Path]) -> None:
    def write(fig: object, name: str) -> None:
        path = stage / name
        save(fig, path)  # type: ignore[arg-type]
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
