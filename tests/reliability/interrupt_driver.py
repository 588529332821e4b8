"""Run the command line in a process that sends itself SIGTERM at a chosen point.

Usage: python interrupt_driver.py POINT NTH SIGNAL -- netsim arguments...

SIGNAL is TERM or INT; POINT names where it is raised (the NTH time that point is reached):

* ``simulate``  -- in the middle of a simulation (a chunk of simulated time);
* ``savefig``   -- while a figure is being written, after part of the file is on disk;
* ``figure``    -- when a figure is about to be drawn (other outputs may be staged already);
* ``replace``   -- just before a file is renamed into place (committing a set of outputs);
* ``csv``       -- while a CSV summary is being written;
* ``json``      -- while the results JSON is being written, after part of it is out (a table);
* ``never``     -- no signal (a reference run).

Why a driver and not a timer: the points of interest last milliseconds; sending the signal from
the inside hits each of them every time, so the test is exact rather than lucky.
"""

from __future__ import annotations

import os
import signal
import sys


def main() -> None:
    point, nth, sig = sys.argv[1], int(sys.argv[2]), getattr(signal, f"SIG{sys.argv[3]}")
    args = sys.argv[sys.argv.index("--") + 1:]
    # The process stands for a command at a terminal, where Ctrl-C raises KeyboardInterrupt.  A
    # test suite started in the background inherits SIGINT ignored, and Python then leaves it so.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    install(point, nth, sig, setattr)
    from netsim.cli import cli

    cli(args, prog_name="netsim")


def install(point: str, nth: int, sig: int, patch) -> None:  # type: ignore[no-untyped-def]
    """Make the process send itself ``sig`` the ``nth`` time ``point`` is reached; ``patch(obj,
    name, value)`` replaces an attribute (``setattr``, or pytest's ``monkeypatch.setattr``)."""
    count = {"n": 0}

    def maybe_fire() -> None:
        count["n"] += 1
        if count["n"] == nth:
            os.kill(os.getpid(), sig)

    if point == "simulate":
        from netsim.engine import network

        run = network.Network.run

        def run_and_fire(self, until, **kwargs):  # type: ignore[no-untyped-def]
            run(self, until, **kwargs)
            maybe_fire()

        patch(network.Network, "run", run_and_fire)
    elif point == "savefig":
        from matplotlib.figure import Figure

        def partial_savefig(self, fname, *a, **kw):  # type: ignore[no-untyped-def]
            with open(fname, "wb") as fh:
                fh.write(b"\x89PNG partial")
            maybe_fire()
            return None

        patch(Figure, "savefig", partial_savefig)
    elif point == "figure":
        from matplotlib import pyplot

        subplots = pyplot.subplots

        def fire_then_subplots(*a, **kw):  # type: ignore[no-untyped-def]
            maybe_fire()
            return subplots(*a, **kw)

        patch(pyplot, "subplots", fire_then_subplots)
    elif point == "replace":
        real = os.replace

        def fire_then_replace(src, dst, *a, **kw):  # type: ignore[no-untyped-def]
            maybe_fire()
            return real(src, dst, *a, **kw)

        patch(os, "replace", fire_then_replace)
    elif point == "csv":
        import csv

        writer = csv.DictWriter.writerow

        def fire_then_writerow(self, row):  # type: ignore[no-untyped-def]
            maybe_fire()
            return writer(self, row)

        patch(csv.DictWriter, "writerow", fire_then_writerow)
    elif point == "json":
        from netsim.output.fib_text import TableRenderer

        render = TableRenderer.render

        def render_then_fire(self, fib, level):  # type: ignore[no-untyped-def]
            text = render(self, fib, level)
            maybe_fire()
            return text

        patch(TableRenderer, "render", render_then_fire)
    elif point != "never":
        raise SystemExit(f"unknown point {point}")


if __name__ == "__main__":
    main()
