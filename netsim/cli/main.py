"""The ``netsim`` command line.  Thin: parse, call the API, print.

Bad input never shows a traceback: every :class:`~netsim.errors.NetsimError` becomes one line
on stderr and exit status 2.  Output files are written atomically, so Ctrl-C (exit 130) leaves
either the previous file or none.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from netsim.errors import NetsimError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class NetsimGroup(click.Group):
    """A click group that turns NetsimError into one line + exit 2, and Ctrl-C into exit 130."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    return super().invoke(ctx)
                finally:
                    _echo_warnings(caught)
        except NetsimError as exc:
            click.echo(f"netsim: error: {exc}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("netsim: interrupted (no output file was left half-written)", err=True)
            ctx.exit(130)


def _echo_warnings(caught: list[warnings.WarningMessage]) -> None:
    seen = set()
    for w in caught:
        text = str(w.message)
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning)) or text in seen:
            continue
        seen.add(text)
        click.echo(f"netsim: warning: {text}", err=True)


@click.group(cls=NetsimGroup, context_settings=CONTEXT)
@click.version_option(package_name="netsim")
def cli() -> None:
    """netsim: how fast does a network re-converge after a failure, and what goes wrong meanwhile?

    Runs link-state (OSPF-like), distance-vector (RIP-like) and static routing on a scripted
    failure scenario, and reports convergence time, route flaps, messages, transient loops and
    black holes.  Start with:  netsim compare scenarios/demo.yaml
    """


def scenario_argument(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))(fn)


def protocol_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("-p", "--protocol", "protocols", multiple=True, metavar="PROTOCOL",
                        help="Protocol to run (static, linkstate/ospf, distvector/rip); repeat for several. "
                             "Default: the scenario's protocols.")(fn)


def seed_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--seed", type=click.IntRange(min=0), default=None,
                        help="Override the scenario's seed (same seed, same results).")(fn)


def load(path: Path, protocols: tuple[str, ...]) -> tuple[Any, list[str]]:
    from netsim.protocols import canonical_name
    from netsim.scenario.loader import load_scenario

    scenario = load_scenario(path)
    names = []
    for p in protocols:
        canon = canonical_name(p)
        if canon is None:
            from netsim.protocols import known_names

            raise NetsimError(f"--protocol {p}: unknown protocol (known: {', '.join(known_names())})")
        names.append(canon)
    return scenario, names or list(scenario.protocols)


def run_all(scenario: Any, names: list[str], seed: int | None, quiet: bool = False) -> list[Any]:
    """Run with a progress bar on a terminal (simulated seconds), silent otherwise."""
    from netsim.api import run_protocols

    if quiet or not sys.stderr.isatty():
        return run_protocols(scenario, names, seed=seed)
    from tqdm import tqdm

    bars: list[Any] = []

    def progress(name: str) -> Callable[[float, float], None]:
        bar = tqdm(total=1.0, desc=f"{name:>10}", unit="sim-s", leave=False,
                   bar_format="{desc} |{bar}| {postfix}")
        bars.append(bar)

        def update(now: float, end: float) -> None:
            bar.total = end
            bar.n = now
            bar.set_postfix_str(f"{now:.1f}/{end:.1f} simulated s", refresh=True)
        return update

    try:
        return run_protocols(scenario, names, seed=seed, progress=progress)
    finally:
        for bar in bars:
            bar.close()


@cli.command(context_settings=CONTEXT)
@scenario_argument
@protocol_option
@seed_option
@click.option("--json", "as_json", is_flag=True, help="Print the results JSON array (DESIGN §4.3) on stdout.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write DIR/results.json and DIR/convergence.png.")
def run(scenario: Path, protocols: tuple[str, ...], seed: int | None, as_json: bool, out: Path | None) -> None:
    """Run SCENARIO with one or more protocols and report convergence per event."""
    from netsim.output import report

    sc, names = load(scenario, protocols)
    results = run_all(sc, names, seed, quiet=as_json)
    if as_json:
        click.echo(report.dumps(results), nl=False)
    else:
        click.echo(report.compare_text(results))
    if out is not None:
        write_outputs(results, out, quiet=as_json)


def write_outputs(results: list[Any], out: Path, quiet: bool = False) -> None:
    from netsim.files import atomic_write_text
    from netsim.output import report
    from netsim.output.plots import convergence as plots

    atomic_write_text(out / "results.json", report.dumps(results))
    plots.save(plots.convergence_figure(results), out / "convergence.png")
    if not quiet:
        click.echo(f"wrote {out / 'results.json'} and {out / 'convergence.png'}")


@cli.command(context_settings=CONTEXT)
@scenario_argument
@protocol_option
@seed_option
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the convergence comparison figure here (.png or .svg).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the results JSON here.")
def compare(scenario: Path, protocols: tuple[str, ...], seed: int | None, plot_path: Path | None,
            json_path: Path | None) -> None:
    """Run every protocol of SCENARIO side by side and print one comparison table."""
    from netsim.files import atomic_write_text
    from netsim.output import report
    from netsim.output.plots import convergence as plots

    sc, names = load(scenario, protocols)
    if not protocols:  # static is always the baseline; every default protocol runs side by side
        from netsim.scenario.loader import DEFAULT_PROTOCOLS

        names = list(dict.fromkeys([*DEFAULT_PROTOCOLS, *names]))
    results = run_all(sc, names, seed)
    click.echo(report.compare_text(results))
    if json_path is not None:
        atomic_write_text(json_path, report.dumps(results))
        click.echo(f"wrote {json_path}")
    if plot_path is not None:
        plots.save(plots.convergence_figure(results), plot_path)
        click.echo(f"wrote {plot_path}")


@cli.command(context_settings=CONTEXT)
def protocols() -> None:
    """List the protocols and every option with its default."""
    from netsim.protocols import PROTOCOLS

    for name, cls in sorted(PROTOCOLS.items()):
        alias = f" (aliases: {', '.join(cls.aliases)})" if cls.aliases else ""
        click.echo(f"{name}{alias}: {cls.summary}")
        for key, opt in cls.options_spec.items():
            click.echo(f"    {key:<16} default {opt.default!s:<8} {opt.doc}")
        click.echo("")


#: Modules that add commands: each defines ``register(cli)``.  Keeping every command family in
#: its own module keeps this file thin and lets a new family be one new file.
COMMAND_MODULES = ("netsim.cli.topo", "netsim.cli.teach", "netsim.cli.sweep", )


def _attach_optional_commands() -> None:
    import importlib

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(cli)


_attach_optional_commands()


def main() -> None:
    cli(prog_name="netsim")


if __name__ == "__main__":  # pragma: no cover
    main()
