"""The ``netsim`` command group: thin, fast to start, and every failure one line.

Commands live in their own modules and are imported only when invoked, so ``netsim --help`` and
``netsim --version`` load click and nothing else.  The one-line summaries shown by ``--help``
are kept in :data:`COMMANDS` (a test holds them equal to each command's own docstring).  A
module that cannot be imported is an error, never silently skipped.

Bad input never shows a traceback: every :class:`~netsim.errors.NetsimError`, and every bad
option or argument click finds, becomes one line on stderr and exit status 2.  Output files are
written atomically, so Ctrl-C (exit 130) or SIGTERM (exit 143) leaves either the previous file
or none.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import signal
import sys
import threading
import warnings
from typing import Any

import click

from netsim.errors import NetsimError
from netsim.inputs import short
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

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.ClickException as exc:
            _usage_line(exc)
            ctx.exit(2)

    def invoke(self, ctx: click.Context) -> Any:
        previous = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, _terminate)  # SIGTERM cleans up like Ctrl-C
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("always")
                warnings.showwarning = _WarningLines()
                return super().invoke(ctx)
        except NetsimError as exc:
            click.echo(f"netsim: error: {' '.join(str(exc).splitlines())}", err=True)
            ctx.exit(2)
        except click.ClickException as exc:  # a bad option or argument: one line too, not click's usage block
            _usage_line(exc)
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


def _usage_line(exc: click.ClickException) -> None:
    message = short(" ".join(exc.format_message().split()), 240)  # it may quote a value of any length
    where = getattr(exc, "ctx", None)
    hint = f" (see '{where.command_path} --help')" if where is not None else ""
    click.echo(f"netsim: error: {message}{hint}", err=True)


class _Terminated(BaseException):
    """SIGTERM, raised where the program is, so the same cleanup as Ctrl-C runs."""


def _terminate(signum: int, frame: Any) -> None:
    raise _Terminated()


class _WarningLines:
    """Shows each warning once, as one line on stderr, when it happens (a warning about line 12 of
    the scenario is worth more before a long run than after it); library deprecations are not
    the user's business and are dropped."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def __call__(self, message: Warning | str, category: type[Warning], filename: str, lineno: int,
                 file: Any = None, line: str | None = None) -> None:
        text = " ".join(str(message).split())
        if issubclass(category, (DeprecationWarning, PendingDeprecationWarning, ResourceWarning)) or text in self.seen:
            return
        self.seen.add(text)
        click.echo(f"netsim: warning: {text}", err=True)


@click.group(cls=NetsimGroup, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="netsim")
def cli() -> None:
    """netsim: how fast does a network re-converge after a failure, and what goes wrong meanwhile?

    Runs link-state (OSPF-like), IS-IS, EIGRP, BGP, distance-vector (RIP-like) and static routing
    on a scripted failure scenario, and reports convergence time, route flaps, messages, transient
    loops and black holes.  Start with:  netsim compare scenarios/demo.yaml
    """


#: The collector's first-generation threshold for the command line (Python's default: 700).
GC_YOUNG_THRESHOLD = 20_000
#: Threads numpy's BLAS may start, unless the environment says otherwise.
BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1"}


def console() -> None:
    """The ``netsim`` console script and ``python -m netsim``: :func:`main`, and the process ends
    as soon as the command is done (:func:`leave_now`)."""
    main(end_process=True)


def main(*, end_process: bool = False) -> None:
    """The ``netsim`` command: the command group, with the garbage collector tuned for a
    command that builds a large heap once (the imports, the topology, the trace) and then mostly
    allocates objects freed by reference counting.

    Why: with Python's default thresholds the collector starts a pass every 700 net allocations,
    and the older generations' passes walk everything imported (numpy, networkx) again and
    again; on a 100-router RIP run those passes took about a tenth of the command's time.  A
    larger threshold still collects every reference cycle, only in fewer, larger batches.

    numpy's BLAS (OpenBLAS in its wheels) starts a thread per core when numpy is imported, and
    they spin waiting for work netsim never gives them -- netsim does no linear algebra: a
    fifth of a 100-router RIP run's CPU time, taken from the other core (where a sweep's second
    worker runs).  One thread is asked for, before anything imports numpy; a value already in
    the environment is kept.

    It ends by raising ``SystemExit`` with the command's status, as click does; with
    ``end_process`` (the console script) the process ends there instead (:func:`leave_now`).
    """
    for name, value in BLAS_THREADS.items():
        os.environ.setdefault(name, value)
    _threshold, older1, older2 = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older1, older2)
    try:
        cli(prog_name="netsim")
    except SystemExit as done:
        if end_process:
            leave_now(done.code)
        raise
    finally:
        # Everything still alive goes with the process: freezing it spares the interpreter's
        # final collector passes, which would walk it all (modules, topology, trace) to find
        # next to nothing -- about 0.3 s after a 100-router RIP run.  atexit handlers and the
        # flushing of output still run; only objects left in reference cycles are not collected
        # (nor finalized) one by one before the process ends.
        gc.freeze()


def leave_now(code: object) -> None:
    """End the process with exit status ``code`` without tearing the interpreter down, once the
    command is done: atexit handlers run and the standard streams are flushed, then the process
    exits; the modules, the topology and the trace are not freed object by object.

    Why: after a command, the interpreter's shutdown empties every module and frees what they
    hold one object at a time -- numpy, the protocols, tens of thousands of functions and
    classes -- for a process about to end anyway; about 3.5 % of a 100-router RIP run's wall
    time.  (Other command-line tools written in Python end the same way.)

    Returns, leaving the ordinary shutdown to do its work, when that shutdown could matter:
    a status that is not a number, a thread still running (it would be killed, not joined), a
    profiler or tracer watching (coverage, ``python -m cProfile``, a debugger write their
    results at shutdown), or output that cannot be flushed (a closed pipe: the ordinary path
    reports it)."""
    status = 0 if code is None else code if isinstance(code, int) else None
    if status is None or threading.active_count() != 1 or sys.getprofile() or sys.gettrace():
        return
    atexit._run_exitfuncs()  # noqa: SLF001 - what the interpreter's shutdown would call first
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(status)
