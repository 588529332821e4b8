"""The ``netsim`` command line: thin; parse, call the API, print."""

from netsim.cli.app import cli, main

__all__ = ["cli", "main"]
