"""The ``netsim`` command group: thin, fast to start, and every failure one line.

Commands live in their own modules and are imported only when invoked, so ``netsim --help`` and
``netsim --version`` load click and nothing else.  The one-line summaries shown by ``--help``
are kept in :data:`COMMANDS` (a test holds them equal to each command's own docstring).  A
module that cannot be imported is an error, never silently skipped.

Bad input never shows a traceback: every :class:`~netsim.errors.NetsimError` becomes one line on
stderr and exit status 2.  Output files are written atomically, so Ctrl-C (exit 130) or SIGTERM
(exit 143) leaves either the previous file or none.
"""

from __future__ import annotations

import importlib
import signal
import warnings
from typing import Any

import click

from netsim.errors import NetsimError
from netsim.version import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

#: name -> (module, attribute, one-line summary for ``netsim --help``).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "run": ("netsim.cli.run", "run", "Run SCENARIO with one or more protocols and report convergence per event."),
    "compare": ("netsim.cli.run", "compare",
                "Run every protocol of SCENARIO side by side and print one comparison table."),
    "explain": ("netsim.cli.teach", "explain",
                "Narrate a run: every event, protocol decision and route change, in time order, with its cause."),
    "table": ("netsim.cli.teach", "table",
              "Show the routing tables at time T, marking entries that differ from the correct ones."),
    "replay": ("netsim.cli.teach", "replay",
               "Write an interactive replay of a run: one self-contained HTML file to step through in a browser."),
    "plot": ("netsim.cli.teach", "plot",
             "Figures for papers and lectures (PNG, SVG or PDF by the output's extension)."),
    "sweep": ("netsim.cli.sweep", "sweep",
              "Run SCENARIO over a grid of protocols, options, seeds and failures; one JSON line per run."),
    "scale": ("netsim.cli.sweep", "scale",
              "Scaling study: convergence time, messages and wall time against network size."),
    "topo": ("netsim.cli.topo", "topo", "Inspect, draw, export and generate network topologies."),
    "validate": ("netsim.cli.validate", "validate",
                 "Run SCENARIO on real routers (--frr) and on netsim; print both medians per event."),
    "protocols": ("netsim.cli.run", "protocols", "List the protocols and every option with its default."),
    "metrics": ("netsim.cli.run", "metrics", "List every metric netsim reports: name, unit and meaning."),
}


class NetsimGroup(click.Group):
    """Loads commands on demand; turns NetsimError into one line + exit 2, interrupts into 130/143."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        spec = COMMANDS.get(name)
        if spec is None:
            return None
        module = importlib.import_module(spec[0])
        return getattr(module, spec[1])

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, spec[2]) for name, spec in COMMANDS.items()])

    def invoke(self, ctx: click.Context) -> Any:
        previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, _terminate)  # SIGTERM cleans up like Ctrl-C
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
        except click.UsageError as exc:  # one line, like every other error
            where = exc.ctx.command_path if exc.ctx is not None else "netsim"
            message = " ".join(exc.format_message().split())
            click.echo(f"netsim: error: {message} (see '{where} --help')", err=True)
            ctx.exit(2)
        except _Terminated:
            click.echo("netsim: terminated (no output file was left half-written)", err=True)
            ctx.exit(143)
        except KeyboardInterrupt:
            click.echo("netsim: interrupted (no output file was left half-written)", err=True)
            ctx.exit(130)
        except RecursionError:
            click.echo("netsim: error: input nested too deeply", err=True)
            ctx.exit(2)
        except MemoryError:
            click.echo("netsim: error: out of memory (the input or the run is too large)", err=True)
            ctx.exit(2)
        finally:
            signal.signal(signal.SIGTERM, previous)


class _Terminated(BaseException):
    """SIGTERM, raised where the program is, so the same cleanup as Ctrl-C runs."""


def _terminate(signum: int, frame: Any) -> None:
    raise _Terminated()


def _echo_warnings(caught: list[warnings.WarningMessage]) -> None:
    seen = set()
    for w in caught:
        text = str(w.message)
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, ResourceWarning)) or text in seen:
            continue
        seen.add(text)
        click.echo(f"netsim: warning: {text}", err=True)


@click.group(cls=NetsimGroup, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="netsim")
def cli() -> None:
    """netsim: how fast does a network re-converge after a failure, and what goes wrong meanwhile?

    Runs link-state (OSPF-like), distance-vector (RIP-like) and static routing on a scripted
    failure scenario, and reports convergence time, route flaps, messages, transient loops and
    black holes.  Start with:  netsim compare scenarios/demo.yaml
    """


def main() -> None:
    cli(prog_name="netsim")
