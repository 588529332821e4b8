"""Errors a user can act on.

Every problem with the user's input (a scenario, a topology file, a CLI option) is raised as a
:class:`NetsimError` whose message is one line naming *where* (file, line, key) and *what* is
wrong.  The CLI prints that line on stderr and exits with status 2; it never shows a traceback
for these, because a traceback tells a user nothing about their file.
"""

from __future__ import annotations


class NetsimError(Exception):
    """Bad input. ``str(err)`` is the one line shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class TopologyError(NetsimError):
    """A topology (file, generator, real network) cannot be used as given."""


class ScenarioError(NetsimError):
    """A scenario file is malformed or refers to things that do not exist."""
