"""``netsim validate``: a scenario on real FRRouting routers and on netsim, side by side."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from netsim.cli.common import CONTEXT, QUIET_PROGRESS_EVERY, check_output_dir, check_output_file, one_protocol_option
from netsim.errors import NetsimError

CLEANUP = "cleanup"


@click.command(context_settings=CONTEXT)
@click.argument("target", metavar="SCENARIO|cleanup")
@click.option("--frr", is_flag=True, help="Validate against real FRRouting daemons (zebra + ospfd or ripd) in "
                                          "network namespaces. Needs root.")
@one_protocol_option
@click.option("--runs", type=click.IntRange(min=1, max=1000), default=3, show_default=True,
              help="FRR runs (real time: minutes each).")
@click.option("--seeds", type=click.IntRange(min=1, max=10000), default=5, show_default=True,
              help="netsim seeds 0..N-1.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write every value (per run and seed) as JSON here.")
@click.option("--all-figures", is_flag=True, help="Show correct-again, black-hole and loop times too.")
@click.option("--markdown", is_flag=True, help="Print the verdict rows as Markdown table lines instead.")
@click.option("--netsim-set", multiple=True, metavar="KEY=VALUE",
              help="Change a protocol option on the netsim side only (repeatable), e.g. fib_delay=0.012.")
@click.option("--frr-from", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              metavar="JSON", help="Re-use the FRR side of an earlier --json file instead of running FRR.")
@click.option("--warmup", type=click.FloatRange(min=0), default=None, help="Minimum FRR warm-up (s).")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Keep each FRR run's configs, daemon logs, timeline and observations under DIR/runN.")
@click.option("--debug", is_flag=True, help="FRR debug logs with microsecond stamps (with --keep).")
@click.option("--capture", is_flag=True, help="Capture protocol packets on every router (with --keep; tcpdump).")
def validate(target: str, frr: bool, protocols: tuple[str, ...], runs: int, seeds: int, json_path: Path | None,
             all_figures: bool, markdown: bool, netsim_set: tuple[str, ...], frr_from: Path | None,
             warmup: float | None, keep: Path | None, debug: bool, capture: bool) -> None:
    """Run SCENARIO on real routers (--frr) and on netsim; print both medians per event.

    Each event's convergence time: netsim's median over seeds against FRR's median and range over
    runs, with the verdict: within ±15 % of FRR's median where deterministic timers decide
    (link-state silent failure, crash), ±30 % where jitter does (carrier loss, repair, restart,
    every RIP case).  `netsim validate cleanup` removes what a killed run left behind.
    """
    if target == CLEANUP:
        _cleanup()
        return
    if not frr and frr_from is None:
        raise NetsimError("validate: say what to validate against: --frr (real FRRouting routers)")
    if (debug or capture) and keep is None:
        raise NetsimError("--debug and --capture need --keep DIR (where the logs and captures go)")
    if json_path is not None:
        check_output_file(json_path, "validation JSON")
    if keep is not None:
        check_output_dir(keep, "--keep")
    from netsim.cli.common import load_one
    from netsim.runner import resolve_protocol
    from netsim.validate.campaign import check_reproducible, compare_scenario, parse_overrides
    from netsim.validate.frr_config import PROTOCOL_DAEMON
    from netsim.validate.prereq import check_prerequisites

    overrides = parse_overrides(netsim_set)
    scenario, name = load_one(Path(target), protocols)
    check_reproducible(scenario, name)
    if overrides:  # what the user typed is checked before what the machine has
        resolve_protocol(scenario, name, overrides)
    if frr_from is None:
        check_prerequisites(("zebra", PROTOCOL_DAEMON[name]))
    progress = Progress()
    try:
        result = compare_scenario(scenario, name, runs=runs, seeds=seeds, warmup=warmup, debug=debug,
                                  capture=capture, keep=keep, netsim_options=overrides or None,
                                  frr_from=frr_from, progress=progress)
    finally:
        progress.close()
    if markdown:
        from netsim.validate.compare import markdown as markdown_rows

        click.echo(markdown_rows(result.rows, result.scenario))
    else:
        _print(result, all_figures)
    if json_path is not None:
        import json

        from netsim.files import atomic_write_text

        atomic_write_text(json_path, json.dumps(result.to_json(), indent=1, default=_json_default) + "\n")
        click.echo(f"wrote {json_path}")


def _print(result: Any, all_figures: bool) -> None:
    from netsim.validate.compare import render

    source = "" if result.frr_source == "lab" else f" (FRR side from {result.frr_source})"
    click.echo(f"{result.scenario}, {result.protocol}: FRR {result.runs} runs vs netsim {result.seeds} seeds{source}")
    figures = ("converged", "correct", "black hole", "loop") if all_figures else ("converged",)
    click.echo(render(result.rows, runs=result.runs, seeds=result.seeds, figures=figures))
    for note in result.notes:
        click.echo(f"note: {note}")


def _cleanup() -> None:
    from netsim.validate.lab import cleanup_leftovers
    from netsim.validate.prereq import check_prerequisites

    check_prerequisites(("zebra",), need_pyroute2=False)
    found = cleanup_leftovers()
    click.echo(f"removed {len(found.namespaces)} namespaces, {len(found.pids)} processes, "
               f"{len(found.dirs)} directories")
    for item in (*found.namespaces, *map(str, found.pids), *map(str, found.dirs)):
        click.echo(f"  {item}")


class Progress:
    """A bar on a terminal; else a line when the stage changes, and every few seconds within one."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.tty = sys.stderr.isatty()
        self._stage = ""
        self._last = 0.0

    def __call__(self, what: str, done: float, total: float) -> None:
        if self.tty:
            if self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(total=total, unit="run", file=sys.stderr, leave=False,
                                bar_format="{desc} |{bar}| {n:.1f}/{total:.0f} [{elapsed}]")
            self.bar.n = done
            self.bar.set_description_str(what, refresh=True)
            return
        now = time.monotonic()
        stage = what.split(":")[0]
        if stage != self._stage or now - self._last >= QUIET_PROGRESS_EVERY:
            if what != "done":
                click.echo(f"netsim: validate: {what}", err=True)
            self._stage, self._last = stage, now

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _json_default(x: Any) -> Any:
    return str(x)
