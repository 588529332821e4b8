"""The ``netsim`` command line: thin; parse, call the API, print."""

from netsim.cli.app import cli, console, main

__all__ = ["cli", "console", "main"]
