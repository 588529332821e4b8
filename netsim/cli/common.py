"""Options and helpers shared by the commands: scenario and protocol arguments, running with a
sign of life on stderr, checking output paths before any work is done."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from netsim.errors import NetsimError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
#: Without a terminal, a progress line at most this often (wall seconds).
QUIET_PROGRESS_EVERY = 10.0


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
            raise NetsimError(f"--protocol {p[:40]}: unknown protocol (known: {', '.join(known_names())})")
        if canon not in names:
            names.append(canon)
    return scenario, names or list(scenario.protocols)


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
            pcap: Path | None = None) -> list[Any]:
    """Run each protocol, showing progress on stderr; with ``pcap``, capture every message into
    ``pcap/<protocol>/`` (one file per link)."""
    from netsim.api import run_protocols

    progress = SimProgress(quiet)
    recorders: list[Any] = []

    def capture(name: str) -> Callable[[Any], None] | None:
        if pcap is None:
            return None
        from netsim.output.pcap import PcapRecorder
        from netsim.output.pcap.tap import network_tap

        recorder = PcapRecorder.for_graph(pcap / name, scenario.graph)
        recorders.append(recorder)
        return lambda net: net.taps.append(network_tap(recorder, net))

    try:
        results = run_protocols(scenario, names, seed=seed, progress=progress, on_network=capture)
        for recorder in recorders:
            recorder.close()
        return results
    except BaseException:
        for recorder in recorders:
            recorder.abort()
        raise
    finally:
        progress.close()


def check_output_file(path: Path, what: str = "output") -> None:
    """Refuse, before any work, an output file that cannot be written: one line naming it."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise NetsimError(f"{path}: is a directory; the {what} needs a file name")
    parent = path.parent if str(path.parent) else Path(".")
    _check_dir(parent, path, what)


def check_output_dir(path: Path, what: str = "--out") -> None:
    """Refuse, before any work, an output directory that cannot be created or written."""
    path = Path(path)
    if path.exists():
        if not path.is_dir():
            raise NetsimError(f"{what} {path}: exists and is not a directory")
        if not os.access(path, os.W_OK | os.X_OK):
            raise NetsimError(f"{what} {path}: not writable")
        return
    _check_dir(path.parent if str(path.parent) else Path("."), path, what)


def _check_dir(parent: Path, target: Path, what: str) -> None:
    """The nearest existing ancestor must be a writable directory (we create the rest)."""
    probe = parent
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise NetsimError(f"{target}: cannot write the {what}: {probe} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise NetsimError(f"{target}: cannot write the {what}: {probe} is not writable")
