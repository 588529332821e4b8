"""The ``netsim`` command line."""

from netsim.cli.main import cli, main

__all__ = ["cli", "main"]
