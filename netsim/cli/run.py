"""``netsim run``, ``netsim compare``, ``netsim protocols`` and ``netsim metrics``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
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
from netsim.errors import NetsimError

#: Bytes per read when a written results file is copied to standard output.
COPY_CHUNK = 1 << 20


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
    results = run_all(sc, names, seed, quiet=as_json, pcap=pcap, yes=yes, narrate=False)
    if as_json and out is None:
        print_json(results)
    elif not as_json:
        click.echo(report.compare_text(results))
    if out is not None:
        write_outputs(results, out, quiet=as_json)
        if as_json:  # the file just written, rather than the JSON rendered a second time
            echo_file(out / "results.json")
    if pcap is not None and not as_json:
        click.echo(f"wrote packet captures under {pcap}/ (one file per link and protocol; links.tsv maps them)")


def write_outputs(results: list[Any], out: Path, quiet: bool = False) -> None:
    """``results.json`` and ``convergence.png`` as one set: both appear, or neither."""
    from netsim.files import output_set
    from netsim.output.plots.convergence import convergence_figure
    from netsim.output.plots.style import save

    with output_set(out) as stage:
        write_json_file(results, stage / "results.json")
        save(convergence_figure(results), stage / "convergence.png")
    if not quiet:
        click.echo(f"wrote {out / 'results.json'} and {out / 'convergence.png'}")


def write_json_file(results: list[Any], path: Path) -> None:
    """The results JSON into ``path`` (the temporary file of an atomic write), written as it is
    rendered: the text of a large network's tables is gigabytes, never held whole."""
    from netsim.output import report

    with open(path, "w", encoding="utf-8") as f, json_errors():
        report.write_json(results, f.write)


def print_json(results: list[Any]) -> None:
    """The results JSON on standard output, written as it is rendered.

    A failure part-way leaves part of the JSON in the pipe (or file) behind standard output, as
    any streaming writer does; it is reported as one line, with exit status 2.
    """
    from netsim.output import report

    stream = click.get_text_stream("stdout")
    with stdout_errors(), json_errors():
        report.write_json(results, stream.write)
        stream.flush()


def echo_file(path: Path) -> None:
    """Copy the results file just written to standard output, byte for byte."""
    try:
        with open(path, "rb") as source, stdout_errors():
            click.get_text_stream("stdout").flush()
            sink = click.get_binary_stream("stdout")
            shutil.copyfileobj(source, sink, COPY_CHUNK)
            sink.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:  # the file's: standard output's own are mapped inside
        raise NetsimError(f"{path}: cannot read: {exc.strerror or exc}") from None


@contextmanager
def stdout_errors() -> Iterator[None]:
    """Standard output that cannot be written (a full disk behind a redirection) is one line and
    exit status 2, not a traceback.  A pipe closed by its reader (``| head``) is left to click,
    which ends quietly as it does for any other output."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise NetsimError(f"standard output: cannot write the results JSON: {exc.strerror or exc}") from None


@contextmanager
def json_errors() -> Iterator[None]:
    """A value the results JSON cannot hold (NaN, an unknown type) is one line and exit status 2:
    the JSON is written as it is rendered, so such a value may only show up part-way."""
    try:
        yield
    except (ValueError, TypeError) as exc:
        raise NetsimError(f"cannot write the results JSON: {exc}") from None


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
    results = run_all(sc, names, seed, yes=yes, narrate=False)
    click.echo(report.compare_text(results))
    outputs: list[tuple[Path, Any]] = []
    if json_path is not None:
        outputs.append((json_path, lambda tmp: write_json_file(results, tmp)))
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
