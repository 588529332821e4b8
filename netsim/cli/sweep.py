"""``netsim sweep`` (a grid of runs, parallel and resumable) and ``netsim scale`` (scaling study).

Thin on purpose: the planning, execution and resume logic lives in :mod:`netsim.studies.sweep`, the
scaling study in :mod:`netsim.studies.scaling`; this module only parses options and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from netsim.cli.common import check_figure, check_output_dir, check_output_file, jobs_option, warn, yes_option

SWEEP_EPILOG = """\b
Examples:
  netsim sweep scenarios/demo.yaml -p linkstate --set linkstate.spf_delay=0.01,0.05,0.2 --seeds 0-9
  netsim sweep scenarios/demo.yaml --failures every-link --fail-at 60 --jobs 2 --out sweeps/demo
  netsim sweep scenarios/demo.yaml --failures random-links:20 --scheduler tcp://10.0.0.5:8786
Re-running the same command skips the runs already in OUT/runs.jsonl (resume after Ctrl-C)."""


@click.command(epilog=SWEEP_EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-p", "--protocol", "protocols", multiple=True, metavar="PROTOCOL",
              help="Protocol to run; repeat for several.  Default: the scenario's protocols.")
@click.option("--set", "sets", multiple=True, metavar="PROTO.OPTION=V1,V2",
              help="Sweep a protocol option over values; repeat for a grid over several options.")
@click.option("--seeds", default=None, metavar="0-9|1,2,3", help="Seeds to run (default: the scenario's).")
@click.option("--failures", default=None, metavar="KIND",
              help="Replace the scenario's events with one generated failure per run: every-link, "
                   "random-links:K, random-node, random-nodes:K.")
@click.option("--fail-at", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Simulated time of the generated failure (after the initial convergence).")
@click.option("--failure-seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the random failure picks (the same failures for every protocol and seed).")
@jobs_option
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on a Dask cluster: the address of its `dask scheduler`, e.g. tcp://10.0.0.5:8786 "
                   "(needs netsim[dask]; the same netsim on every machine of the cluster).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("sweep-out"),
              show_default=True, help="Directory for runs.jsonl and summary.csv.")
@click.option("--dry-run", is_flag=True, help="Print the planned runs and exit.")
@yes_option
def sweep(scenario: Path, protocols: tuple[str, ...], sets: tuple[str, ...], seeds: str | None,
          failures: str | None, fail_at: float, failure_seed: int, jobs: int | None, scheduler: str | None,
          out: Path, dry_run: bool, yes: bool) -> None:
    """Run SCENARIO over a grid of protocols, options, seeds and failures; one JSON line per run."""
    from netsim.studies import sweep as sw

    if not dry_run:
        check_output_dir(out)
    source = sw.SweepInput.from_path(scenario)
    specs = sw.plan_sweep(source, protocols=protocols, sets=sets,
                          seeds=sw.parse_seeds(seeds) if seeds else None, failures=failures,
                          fail_at=fail_at, failure_seed=failure_seed)
    if dry_run:
        for s in specs:
            d = s.describe()
            click.echo(f"{d['key']}  {d['protocol']:<10} seed {d['seed']:<4} {d['options'] or ''} "
                       f"{d['failure'] or ''}".rstrip())
        click.echo(f"{len(specs)} runs")
        return
    for line in sw.check_work(source, specs, confirmed=yes, jobs=jobs, scheduler=scheduler):
        warn(line)
    outcome = sw.run_sweep(source, specs, out, jobs=jobs, scheduler=scheduler, notice=warn, check_work=False)
    click.echo(sw.summary_table(outcome.runs))
    click.echo(f"\n{outcome.planned} runs planned, {outcome.skipped} already done, {outcome.ran} run now; "
               f"wrote {out / sw.RUNS_FILE} and {out / sw.SUMMARY_FILE}")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--sizes", default="16,36,64,100", show_default=True,
              help="Network sizes (routers) for the generated families ring, grid, barabasi_albert.")
@click.option("--topohub", "real", multiple=True, metavar="NAME",
              help="Real networks to add (default: a few of increasing size).")
@click.option("-p", "--protocol", "protocols", multiple=True, default=("linkstate", "distvector"),
              show_default=True, help="Protocols to compare.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("plots/scaling.png"), show_default=True)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the table as CSV.")
@jobs_option
@yes_option
def scale(sizes: str, real: tuple[str, ...], protocols: tuple[str, ...], plot_path: Path, csv_path: Path | None,
          jobs: int | None, yes: bool) -> None:
    """Scaling study: convergence time, messages and wall time against network size.

    Every column but wall time is a pure function of the runs (same seed, same numbers); wall
    time depends on the machine and its load.
    """
    from netsim.files import write_files
    from netsim.studies import scaling
    from netsim.studies.progress import RunProgress

    check_figure(plot_path)
    if csv_path is not None:
        check_output_file(csv_path, "CSV")
    size_list = scaling.parse_sizes(sizes)
    real_list = list(real) or list(scaling.DEFAULT_REAL)
    tasks = scaling.plan(size_list, real_list, list(protocols))
    for line in scaling.check_work(tasks, confirmed=yes, jobs=jobs):
        warn(line)
    progress = RunProgress(len(tasks), "scale")
    try:
        rows = scaling.study(size_list, real_list, list(protocols), jobs=jobs, check_work=False,
                             on_row=lambda _row: progress.update())
    finally:
        progress.close()
    click.echo(scaling.table(rows))
    from netsim.output.plots.style import save_to

    fig = scaling.figure(rows)
    outputs: list[tuple[Path, Any]] = [(plot_path, lambda tmp: save_to(fig, tmp, plot_path))]
    if csv_path is not None:
        text = scaling.csv_text(rows)
        outputs.append((csv_path, lambda tmp: tmp.write_text(text, encoding="utf-8")))
    write_files(outputs)  # the figure and the CSV together, or neither
    click.echo("")
    for path, _write in outputs:
        click.echo(f"wrote {path}")

