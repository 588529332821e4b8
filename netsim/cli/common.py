"""Options and helpers shared by the commands: scenario and protocol arguments, running with a
sign of life on stderr, checking output paths before any work is done."""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from netsim.errors import NetsimError
from netsim.inputs import short

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
#: Without a terminal, a progress line at most this often (wall seconds).
QUIET_PROGRESS_EVERY = 10.0
#: Most local worker processes (each holds a whole simulation: a typo like -j 10000 must not fork that many).
MAX_JOBS = 256
#: Image formats figures may be written in (matplotlib's, by the file's extension).
FIGURE_FORMATS = ("png", "svg", "pdf")


class _AliasedOption(click.Option):
    """An option that also answers to undocumented long spellings: the figure commands once took
    ``--out`` and ``topo`` took ``--output``, so either is accepted everywhere while the help shows
    one (``-o, --output``) and scripts written against the old spelling keep working."""

    def __init__(self, *args: Any, aliases: Sequence[str] = (), **kwargs: Any) -> None:
        self.aliases = tuple(aliases)
        super().__init__(*args, **kwargs)

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        shown, self.opts = self.opts, [o for o in self.opts if o not in self.aliases]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = shown


def output_option(dest: str = "output", *, help: str, required: bool = True,  # noqa: A002 - click's name
                  **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-o/--output``, the one spelling every command documents for the file or directory it
    writes; ``--out`` is accepted as a hidden alias (see :class:`_AliasedOption`)."""
    return click.option("-o", "--output", "--out", dest, cls=_AliasedOption, aliases=("--out",),
                        required=required, help=help, **kwargs)


def scenario_argument(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.argument("scenario", type=click.Path(dir_okay=False, path_type=Path))(fn)


def protocols_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("-p", "--protocol", "protocols", multiple=True, metavar="PROTOCOL",
                        help="Protocol to run (see `netsim protocols`); repeat for several. "
                             "Default: the scenario's protocols.")(fn)


def one_protocol_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("-p", "--protocol", "protocols", multiple=True, metavar="PROTOCOL",
                        help="Protocol to run (see `netsim protocols`). Default: the scenario's only "
                             "protocol.")(fn)


def yes_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--yes", "-y", "yes", is_flag=True,
                        help="Run even when the estimated work or memory is large (see 'Limits' in the "
                             "scenario format); absurd work is refused anyway.")(fn)


def confirm_work(scenario: Any, names: Sequence[str], yes: bool, *, until: float | None = None,
                 repeat: int = 1, what: str = "the run") -> None:
    """Estimate the work of running ``names`` on ``scenario`` (``repeat`` times each) before any
    run starts: refuse absurd work, refuse large work without ``--yes``, else say how large."""
    from netsim.scenario import workload

    loads = [dataclasses.replace(workload.estimate(scenario, p, until=until), runs=repeat) for p in names]
    for line in workload.check(loads, confirmed=yes, what=what):
        warn(line)


def warn(line: str) -> None:
    """A warning on stderr at once (Python warnings are shown when the command ends)."""
    click.echo(f"netsim: warning: {line}", err=True)


def jobs_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--jobs", "-j", type=click.IntRange(min=1, max=MAX_JOBS), default=None,
                        help=f"Local worker processes (default: every core; 1 = serial; at most {MAX_JOBS}).")(fn)


def seed_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--seed", type=click.IntRange(min=0, max=2**63 - 1), default=None,
                        help="Override the scenario's seed (same seed, same results).")(fn)


def load(path: Path, protocols: Sequence[str]) -> tuple[Any, list[str]]:
    """The scenario and the canonical names of the protocols to run (default: the scenario's)."""
    from netsim.protocols import canonical_name, known_names
    from netsim.scenario import load_scenario

    scenario = load_scenario(path)
    names = []
    for p in protocols:
        canon = canonical_name(p)
        if canon is None:
            raise NetsimError(f"--protocol {short(p, 60)}: unknown protocol (known: {', '.join(known_names())})")
        if canon not in names:
            names.append(canon)
    warn_unlisted(scenario, names)
    return scenario, names or list(scenario.protocols)


def warn_unlisted(scenario: Any, names: Sequence[str]) -> None:
    """The load-time warnings (RIP's infinity) for protocols run with their defaults because the
    scenario does not list them (``-p``, and the baseline protocols of ``compare``)."""
    from netsim.protocols import PROTOCOLS
    from netsim.scenario.infinity import infinity_warning

    for name in names:
        if name not in scenario.protocols:
            text = infinity_warning(scenario, name, PROTOCOLS[name], PROTOCOLS[name].defaults())
            if text is not None:
                warn(f"{short(str(scenario.path or scenario.name), 200)}: {text}")


def load_one(path: Path, protocols: Sequence[str]) -> tuple[Any, str]:
    """The scenario and exactly one protocol (``-p`` may be omitted when the scenario has one)."""
    scenario, names = load(path, protocols)
    if len(names) != 1:
        given = "these protocols" if protocols else f"{path} lists {', '.join(names)}"
        raise NetsimError(f"-p/--protocol: {given}; choose one (this command shows one run)"
                          if protocols else f"-p/--protocol: {given}; choose one")
    return scenario, names[0]


class SimProgress:
    """Progress of simulated time: a bar on a terminal, else a line every few wall seconds."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.bars: list[Any] = []
        self._last = time.monotonic()

    def __call__(self, name: str) -> Callable[[float, float], None] | None:
        if self.quiet:
            return None
        if self.tty:
            from tqdm import tqdm

            bar = tqdm(total=1.0, desc=f"{name:>10}", unit="sim-s", leave=False, file=sys.stderr,
                       bar_format="{desc} |{bar}| {postfix}")
            self.bars.append(bar)

            def update(now: float, end: float) -> None:
                bar.total = end
                bar.n = now
                bar.set_postfix_str(f"{now:.1f}/{end:.1f} simulated s", refresh=True)
            return update

        def line(now: float, end: float) -> None:
            t = time.monotonic()
            if t - self._last >= QUIET_PROGRESS_EVERY:
                self._last = t
                click.echo(f"netsim: {name}: {now:.1f} of {end:.1f} simulated s", err=True)
        return line

    def close(self) -> None:
        for bar in self.bars:
            bar.close()


def run_all(scenario: Any, names: list[str], seed: int | None, quiet: bool = False,
            pcap: Path | None = None, yes: bool = False, narrate: bool = True) -> list[Any]:
    """Run each protocol, showing progress on stderr, once the work estimate allows it; with
    ``pcap``, capture every message into ``pcap/<protocol>/`` (one file per link).

    ``narrate=False`` for commands that show no narration: the trace then keeps only the
    decisions a metric reads, which are all the results depend on (a test compares every shipped
    scenario's results both ways).  A 500-router EIGRP or BGP run records about half a million
    decisions otherwise."""
    from netsim.api import run_protocols

    confirm_work(scenario, names, yes)
    progress = SimProgress(quiet)
    recorders: list[tuple[str, Any]] = []

    def capture(name: str) -> Callable[[Any], None] | None:
        if pcap is None:
            return None
        from netsim.output.pcap import PcapRecorder
        from netsim.output.pcap.tap import network_tap

        recorder = PcapRecorder.for_graph(pcap / name, scenario.graph)
        recorders.append((name, recorder))
        return lambda net: net.taps.append(network_tap(recorder, net))

    try:
        results = run_protocols(scenario, names, seed=seed, progress=progress, on_network=capture,
                                check_work=False, narrate=narrate)
        for name, recorder in recorders:
            summary = recorder.close()
            if summary.skipped:  # a capture that silently lacks a protocol's messages would mislead
                kinds = "; ".join(f"{why} ({n:,})" for why, n in summary.skipped[:3])
                more = f"; … ({len(summary.skipped)} kinds in all)" if len(summary.skipped) > 3 else ""
                warn(f"--pcap: {name}: {sum(n for _w, n in summary.skipped):,} messages not written: {kinds}{more}")
        return results
    except BaseException:
        for _name, recorder in recorders:
            recorder.abort()
        raise
    finally:
        progress.close()


def check_output_file(path: Path, what: str = "output") -> None:
    """Refuse, before any work, an output file that cannot be written: one line naming it."""
    from netsim.files import check_writable_file

    check_writable_file(path, what)


def check_output_dir(path: Path, what: str = "--out") -> None:
    """Refuse, before any work, an output directory that cannot be created or written."""
    from netsim.files import check_writable_dir

    check_writable_dir(path, what)


def check_figure(path: Path, what: str = "figure", error: type[NetsimError] = NetsimError) -> None:
    """A figure's path: a known image format (by extension) in a place that can be written."""
    suffix = Path(path).suffix.lstrip(".").lower() or "png"
    if suffix not in FIGURE_FORMATS:
        raise error(f"{path}: cannot write a {suffix!r} image; use .png, .svg or .pdf")
    check_output_file(path, what)
