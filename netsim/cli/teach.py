"""Teaching commands: ``netsim explain``, ``netsim table`` and the ``netsim plot`` group.

Thin like the rest of the CLI: parse, call :mod:`netsim.analysis.explain`, :mod:`netsim.analysis.tables` or a
``plots_*`` module, print.  Colour appears only on a terminal (click strips the styles when
output is piped), so ``netsim explain ... > lesson.txt`` gives clean text.

The commands are loaded by :mod:`netsim.cli.app` when invoked.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from netsim.analysis.metric_defs import cdf_metrics
from netsim.cli.common import (
    check_figure,
    check_output_file,
    confirm_work,
    load,
    load_one,
    one_protocol_option,
    output_option,
    run_all,
    yes_option,
)
from netsim.errors import NetsimError
from netsim.inputs import short
from netsim.names import hint

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
RESULT_SUFFIXES = (".json", ".jsonl", ".ndjson")
SCENARIO_SUFFIXES = (".yaml", ".yml")


# -- shared options ------------------------------------------------------------------------------
def _scenario_arg(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))(fn)


def _one_protocol(fn: Callable[..., Any]) -> Callable[..., Any]:
    return one_protocol_option(fn)


def _protocols(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("-p", "--protocol", "protocols", multiple=True, metavar="PROTOCOL",
                        help="Protocol to run; repeat for several. Default: the scenario's protocols.")(fn)


def _seed(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--seed", type=click.IntRange(min=0), default=None,
                        help="Override the scenario's seed (same seed, same results).")(fn)


def _out(fn: Callable[..., Any]) -> Callable[..., Any]:
    return output_option("out", type=click.Path(dir_okay=False, path_type=Path),
                         help="Image to write; .png, .svg or .pdf by extension (written atomically).")(fn)


def _finite_time(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """A simulated time: finite and >= 0 (NaN or infinity would silently select nothing, or break a figure)."""
    if value is not None and not (math.isfinite(value) and value >= 0):
        raise click.BadParameter(f"must be a finite time >= 0, got {value}")
    return value


def _window(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--to", "end", type=float, default=None, metavar="T", callback=_finite_time,
                      help="Show up to simulated time T (s).")(fn)
    return click.option("--from", "start", type=float, default=None, metavar="T", callback=_finite_time,
                        help="Show from simulated time T (s).")(fn)


def _load_one(path: Path, protocols: tuple[str, ...]) -> tuple[Any, str]:
    """The scenario and one canonical protocol name (``-p`` may be omitted when there is one)."""
    return load_one(path, protocols)


def _run(path: Path, protocols: tuple[str, ...], seed: int | None, yes: bool) -> list[Any]:
    scenario, names = load(path, protocols)
    return run_all(scenario, names, seed, yes=yes)


def _check_out(path: Path) -> None:
    check_figure(path)


def _saved(fig: Any, path: Path) -> None:
    from netsim.output.plots.style import save

    save(fig, path)
    click.echo(f"wrote {path}")


# -- explain --------------------------------------------------------------------------------------
@click.command(context_settings=CONTEXT)
@_scenario_arg
@_one_protocol
@click.option("--router", default=None, metavar="R", help="Only what router R did (scripted events stay).")
@click.option("--dest", default=None, metavar="D", help="Only what concerns destination D.")
@_window
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of {time, router, kind, text, cause}.")
@_seed
@yes_option
def explain(scenario: Path, protocols: tuple[str, ...], router: str | None, dest: str | None, start: float | None,
            end: float | None, as_json: bool, seed: int | None, yes: bool) -> None:
    """Narrate a run: every event, protocol decision and route change, in time order, with its cause.

    Distance-vector lines show the advertised metric and the rule applied; a run of metric
    increases via the same next hop is marked "counting to infinity: step k".
    """
    from netsim.analysis import explain as ex
    from netsim.runner import simulate

    sc, name = _load_one(scenario, protocols)
    flt = ex.Filter(router, dest, start, end)
    ex.validate_filter(flt, [str(n) for n in sc.graph.nodes])
    confirm_work(sc, [name], yes)
    result = simulate(sc, name, seed=seed, check_work=False)
    lines = ex.narrate(result.trace, result.protocol, flt)
    if as_json:
        click.echo(json.dumps([ln.as_dict() for ln in lines], indent=1, ensure_ascii=False, allow_nan=False))
        return
    click.echo(click.style(f"{sc.name} with {result.protocol}, seed {result.seed}", bold=True))
    for text in ex.render(lines):
        click.echo(text)
    click.echo(ex.summary(lines))


# -- table ----------------------------------------------------------------------------------------
@click.command(context_settings=CONTEXT)
@_scenario_arg
@_one_protocol
@click.option("--at", "at", type=float, required=True, metavar="T", help="Simulated time (s) to show.")
@click.option("--router", default=None, metavar="R", help="Only router R's table.")
@_seed
@yes_option
def table(scenario: Path, protocols: tuple[str, ...], at: float, router: str | None, seed: int | None,
          yes: bool) -> None:
    """Show the routing tables at time T, marking entries that differ from the correct ones."""
    from netsim.analysis import tables

    sc, name = _load_one(scenario, protocols)
    if router is not None and router not in sc.graph:
        raise NetsimError(f"--router {short(router, 60)}: unknown router{hint(short(router, 60), sc.graph.nodes)}")
    from netsim.runner import run_until

    if at >= 0 and math.isfinite(at):  # run_until refuses the rest with its own message
        confirm_work(sc, [name], yes, until=at)
    result = run_until(sc, name, at, seed, check_work=False)
    against, unjudged = tables.truth_of(result)
    click.echo(tables.render(tables.tables_at(result, at, router), at, against=against, unjudged=unjudged))


# -- plot group -----------------------------------------------------------------------------------
@click.group(context_settings=CONTEXT)
def plot() -> None:
    """Figures for papers and lectures (PNG, SVG or PDF by the output's extension)."""


@plot.command("convergence", context_settings=CONTEXT)
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@_protocols
@_seed
@_out
@yes_option
def plot_convergence(source: Path, protocols: tuple[str, ...], seed: int | None, out: Path, yes: bool) -> None:
    """Grouped bars of convergence per event, from a scenario (runs it) or a results JSON file."""
    from netsim.output.plots.convergence import convergence_figure

    _check_out(out)
    if source.suffix.lower() in RESULT_SUFFIXES:
        from netsim.output.summary import load_results

        runs: list[Any] = load_results([source])
        if protocols:
            runs = [r for r in runs if r.protocol in protocols]
    else:
        runs = _run(source, protocols, seed, yes)
    if not runs:
        raise NetsimError(f"{source}: no results to plot")
    _saved(convergence_figure(runs), out)


@plot.command("timeline", context_settings=CONTEXT)
@_scenario_arg
@_protocols
@_seed
@_window
@click.option("--dest", default=None, metavar="D", help="Only the changes of routes to destination D.")
@_out
@yes_option
def plot_timeline(scenario: Path, protocols: tuple[str, ...], seed: int | None, start: float | None,
                  end: float | None, dest: str | None, out: Path, yes: bool) -> None:
    """Raster of route changes per router over time (one panel per protocol), events as lines."""
    from netsim.output.plots.timeline import timeline_figure

    _check_out(out)
    results = _run(scenario, protocols, seed, yes)
    if dest is not None and dest not in results[0].trace.routers:
        raise NetsimError(f"--dest {short(dest, 60)}: unknown router{hint(short(dest, 60), results[0].trace.routers)}")
    _saved(timeline_figure(results, start, end, dest), out)


@plot.command("messages", context_settings=CONTEXT)
@_scenario_arg
@_protocols
@_seed
@_window
@click.option("--bin", "bin_width", type=click.FloatRange(min=0, min_open=True), default=None, metavar="S",
              help="Bin width in seconds (default: about 150 bins).")
@_out
@yes_option
def plot_messages(scenario: Path, protocols: tuple[str, ...], seed: int | None, start: float | None,
                  end: float | None, bin_width: float | None, out: Path, yes: bool) -> None:
    """Protocol packets and bytes per second over time, per protocol."""
    from netsim.output.plots.messages import messages_figure

    _check_out(out)
    _saved(messages_figure(_run(scenario, protocols, seed, yes), bin_width, start, end), out)


@plot.command("topology", context_settings=CONTEXT)
@_scenario_arg
@_one_protocol
@_seed
@click.option("--event", "event", type=click.IntRange(min=0), default=0, show_default=True,
              help="Which scripted event (0 = the first).")
@_out
@yes_option
def plot_topology(scenario: Path, protocols: tuple[str, ...], seed: int | None, event: int, out: Path,
                  yes: bool) -> None:
    """The topology after an event: failed links marked, routers coloured by when they converged."""
    from netsim.output.plots.after_event import topology_figure
    from netsim.runner import simulate

    _check_out(out)
    sc, name = _load_one(scenario, protocols)
    confirm_work(sc, [name], yes)
    _saved(topology_figure(simulate(sc, name, seed=seed, narrate=False, check_work=False), event), out)


@plot.command("cdf", context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--by", default="protocol", show_default=True,
              help="Group by this key: protocol, scenario, or an option / sweep parameter (e.g. split_horizon).")
@click.option("--metric", type=click.Choice(cdf_metrics()), default="convergence_time",
              show_default=True)
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Only events of this kind (link_down, link_up, node_down, ...); repeat for several.")
@click.option("--seeds", type=click.IntRange(min=1), default=20, show_default=True,
              help="For scenario inputs: run seeds 0..N-1.")
@_protocols
@_out
@yes_option
def plot_cdf(inputs: tuple[Path, ...], by: str, metric: str, kinds: tuple[str, ...], seeds: int,
             protocols: tuple[str, ...], out: Path, yes: bool) -> None:
    """CDF of convergence time over many runs, per protocol or per setting.

    INPUTS are results JSON files (an array, one object, or JSON lines as a sweep writes them)
    or scenario files, which are run once per seed.
    """
    from netsim.output.plots.cdf import cdf_figure
    from netsim.output.summary import load_results, summarize

    _check_out(out)
    scenarios: list[tuple[Any, list[str]]] = []
    runs: list[Any] = []
    for path in inputs:  # every input checked, and every scenario's work estimated, before any run
        if path.suffix.lower() in SCENARIO_SUFFIXES:
            scenarios.append(load(path, protocols))
            confirm_work(*scenarios[-1], yes, repeat=seeds, what="the runs of the CDF")
        elif path.suffix.lower() in RESULT_SUFFIXES:
            runs += [r for r in load_results([path]) if not protocols or r.protocol in protocols]
        else:
            raise NetsimError(f"{path}: expected a results file (.json, .jsonl) or a scenario (.yaml)")
    if scenarios:
        from netsim.api import run_protocols

        for sc, names in scenarios:
            runs += [summarize(r) for s in range(seeds)
                     for r in run_protocols(sc, names, seed=s, narrate=False, check_work=False)]
    if not runs:
        raise NetsimError("no results to plot")
    _saved(cdf_figure(runs, by, metric, kinds), out)


@plot.command("param", context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--by", required=True, metavar="KEY", help="The swept parameter (e.g. mrai, spf_delay).")
@click.option("--metric", type=click.Choice(cdf_metrics()), default="convergence_time", show_default=True)
@_protocols
@_out
def plot_param(inputs: tuple[Path, ...], by: str, metric: str, protocols: tuple[str, ...], out: Path) -> None:
    """A metric (and the messages) against a swept parameter, from a sweep's runs.jsonl.

    One line per event of the scenario: the mean over seeds and failures, with their spread.
    """
    from netsim.analysis.metric_defs import by_name
    from netsim.output.plots.param import param_figure
    from netsim.output.summary import load_results

    _check_out(out)
    runs = [r for r in load_results(list(inputs)) if not protocols or r.protocol in protocols]
    if not runs:
        raise NetsimError("no results to plot")
    _saved(param_figure(runs, by, metric, by_name(metric).label), out)


@plot.command("readme", context_settings=CONTEXT)
@output_option("out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("plots"),
               required=False, show_default=True, help="Directory for the figures.")
@click.option("--scenarios", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="The shipped scenarios directory (default: the one next to the package).")
def plot_readme(out_dir: Path, scenarios: Path | None) -> None:
    """Regenerate every figure the README and the tutorial show."""
    from netsim.cli.common import check_output_dir
    from netsim.studies.figures import DEFAULT_SCENARIOS, readme_figures

    check_output_dir(out_dir, "--output")
    readme_figures(out_dir, scenarios or DEFAULT_SCENARIOS, echo=click.echo)


# -- replay ---------------------------------------------------------------------------------------
@click.command(context_settings=CONTEXT)
@_scenario_arg
@_one_protocol
@_seed
@output_option("out", type=click.Path(dir_okay=False, path_type=Path),
               help="The HTML file to write: self-contained, it opens from disk in any browser, offline.")
@click.option("--max-messages", type=click.IntRange(min=1000), default=100_000, show_default=True,
              help="Above this many messages, hellos are thinned (every other kind is kept); the page says so.")
@yes_option
def replay(scenario: Path, protocols: tuple[str, ...], seed: int | None, out: Path, max_messages: int,
           yes: bool) -> None:
    """Write an interactive replay of a run: one self-contained HTML file to step through in a browser."""
    from netsim.output.replay.build import build_document
    from netsim.output.replay.html import write_html
    from netsim.runner import simulate

    if out.suffix.lower() not in (".html", ".htm"):
        raise NetsimError(f"{out}: a replay is an .html file")
    check_output_file(out, "replay")
    sc, name = _load_one(scenario, protocols)
    confirm_work(sc, [name], yes)
    result = simulate(sc, name, seed=seed, check_work=False)
    write_html(build_document(result), out, max_messages=max_messages)
    click.echo(f"wrote {out} (open it in a browser; press ? for the keys)")
