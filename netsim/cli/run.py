"""``netsim run``, ``netsim compare``, ``netsim protocols`` and ``netsim metrics``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from netsim.cli.common import (
    CONTEXT,
    check_figure,
    check_output_dir,
    check_output_file,
    load,
    protocols_option,
    run_all,
    scenario_argument,
    seed_option,
    warn_unlisted,
    yes_option,
)


@click.command(context_settings=CONTEXT)
@scenario_argument
@protocols_option
@seed_option
@click.option("--json", "as_json", is_flag=True, help="Print the results JSON array on stdout.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write DIR/results.json and DIR/convergence.png (both or neither).")
@click.option("--pcap", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Write every protocol message as packets Wireshark reads: DIR/PROTOCOL/A--B.pcap per link.")
@yes_option
def run(scenario: Path, protocols: tuple[str, ...], seed: int | None, as_json: bool, out: Path | None,
        pcap: Path | None, yes: bool) -> None:
    """Run SCENARIO with one or more protocols and report convergence per event."""
    from netsim.output import report

    if out is not None:
        check_output_dir(out)
    if pcap is not None:
        check_output_dir(pcap, "--pcap")
    sc, names = load(scenario, protocols)
    results = run_all(sc, names, seed, quiet=as_json, pcap=pcap, yes=yes)
    if as_json:
        click.echo(report.dumps(results), nl=False)
    else:
        click.echo(report.compare_text(results))
    if out is not None:
        write_outputs(results, out, quiet=as_json)
    if pcap is not None and not as_json:
        click.echo(f"wrote packet captures under {pcap}/ (one file per link and protocol; links.tsv maps them)")


def write_outputs(results: list[Any], out: Path, quiet: bool = False) -> None:
    """``results.json`` and ``convergence.png`` as one set: both appear, or neither."""
    from netsim.files import output_set
    from netsim.output import report
    from netsim.output.plots.convergence import convergence_figure
    from netsim.output.plots.style import save

    with output_set(out) as stage:
        (stage / "results.json").write_text(report.dumps(results), encoding="utf-8")
        save(convergence_figure(results), stage / "convergence.png")
    if not quiet:
        click.echo(f"wrote {out / 'results.json'} and {out / 'convergence.png'}")


@click.command(context_settings=CONTEXT)
@scenario_argument
@protocols_option
@seed_option
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the convergence comparison figure here (.png, .svg or .pdf).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the results JSON here.")
@yes_option
def compare(scenario: Path, protocols: tuple[str, ...], seed: int | None, plot_path: Path | None,
            json_path: Path | None, yes: bool) -> None:
    """Run every protocol of SCENARIO side by side and print one comparison table."""
    from netsim.files import write_files
    from netsim.output import report

    if plot_path is not None:
        check_figure(plot_path)
    if json_path is not None:
        check_output_file(json_path, "results JSON")
    sc, names = load(scenario, protocols)
    if not protocols:  # static is always the baseline; every default protocol runs side by side
        from netsim.scenario import DEFAULT_PROTOCOLS

        names = list(dict.fromkeys([*DEFAULT_PROTOCOLS, *names]))
        warn_unlisted(sc, names)
    results = run_all(sc, names, seed, yes=yes)
    click.echo(report.compare_text(results))
    outputs: list[tuple[Path, Any]] = []
    if json_path is not None:
        text = report.dumps(results)
        outputs.append((json_path, lambda tmp: tmp.write_text(text, encoding="utf-8")))
    if plot_path is not None:
        from netsim.output.plots.convergence import convergence_figure
        from netsim.output.plots.style import save_to

        figure = convergence_figure(results)
        outputs.append((plot_path, lambda tmp: save_to(figure, tmp, plot_path)))
    write_files(outputs)  # both files or neither
    for path, _write in outputs:
        click.echo(f"wrote {path}")


@click.command(context_settings=CONTEXT)
def protocols() -> None:
    """List the protocols and every option with its default."""
    from netsim.protocols import PROTOCOLS

    for name, cls in sorted(PROTOCOLS.items()):
        alias = f" (aliases: {', '.join(cls.aliases)})" if cls.aliases else ""
        click.echo(f"{name}{alias}: {cls.summary}")
        click.echo(f"    FIB cost: {cls.cost_meaning}; judged against: {cls.correctness.replace('_', ' ')}")
        for kind, size in cls.messages:
            click.echo(f"    message {kind:<12} {size}")
        for key, opt in cls.options_spec.items():
            where = " [per interface]" if opt.per_interface else ""
            click.echo(f"    {key:<20} default {opt.default!s:<8} {opt.doc}{where}")
        click.echo("")


@click.command(context_settings=CONTEXT)
@click.option("--markdown", is_flag=True, help="Print the reference as a Markdown table (docs/metrics.md).")
def metrics(markdown: bool) -> None:
    """List every metric netsim reports: name, unit and meaning."""
    from netsim.analysis.metric_defs import EVENT_METRICS, RUN_METRICS, markdown_table

    if markdown:
        click.echo(markdown_table(), nl=False)
        return
    for r in RUN_METRICS:
        click.echo(f"{r.name:<20} run    {r.unit:<8} {r.meaning}")
    for m in EVENT_METRICS:
        click.echo(f"{m.name:<20} event  {m.unit:<8} {m.meaning}")
