"""Helpers of the reliability corpus: lay out a user's files, run the command line as they would,
and check the contract for bad input -- exit status 2, exactly one line on stderr, no traceback,
no more than a short excerpt of the input echoed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from netsim.cli import cli

#: A small valid scenario: three routers, link state with fast hellos, one failure.
BASE = """\
topology:
  links:
    - [r1, r2]
    - [r2, r3]
    - [r3, r1, 2]
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4}
events:
  - {at: 30, link_down: [r1, r2]}
"""

#: Nested aliases: ten levels of ten, a few hundred bytes that describe 10^10 values.
ALIAS_BOMB = "\n".join(
    ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
) + "\n"

#: The longest message a one-line error may be (a path, a location, a bounded excerpt).
MAX_LINE = 400


class Sparse:
    """A file of ``size`` bytes that takes no disk space (a hole): for size limits."""

    def __init__(self, size: int) -> None:
        self.size = size


class Symlink:
    """A symbolic link to ``target`` (relative to the test's directory)."""

    def __init__(self, target: str) -> None:
        self.target = target


class Directory:
    """A directory (with ``mode`` permissions)."""

    def __init__(self, mode: int = 0o755) -> None:
        self.mode = mode


def lay_out(root: Path, files: Mapping[str, Any]) -> None:
    """Create ``files`` (name → text, bytes, :class:`Sparse`, :class:`Symlink`, :class:`Directory`) under ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Sparse):
            with path.open("wb") as fh:
                fh.truncate(content.size)
        elif isinstance(content, Symlink):
            os.symlink(root / content.target, path)
        elif isinstance(content, Directory):
            path.mkdir(exist_ok=True)
            path.chmod(content.mode)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def netsim(*args: str) -> Result:
    """The command line in this process; a traceback would show as ``result.exception``."""
    return CliRunner().invoke(cli, [str(a) for a in args])


def expand(args: tuple[str, ...] | list[str], root: Path) -> list[str]:
    return [a.replace("{tmp}", str(root)) for a in args]


def assert_user_error(result: Result, expected: str = "", *, forbidden: tuple[str, ...] = ()) -> str:
    """Exit 2, one line ``netsim: error: ...`` on stderr containing ``expected``, nothing on stdout,
    no traceback, no more than :data:`MAX_LINE` characters, none of ``forbidden``; returns the line."""
    assert isinstance(result.exception, SystemExit), f"unhandled {result.exception!r}\n{result.stderr}"
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.stdout)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("netsim: error: "), line
    assert expected in line, (expected, line)
    assert len(line) <= MAX_LINE, f"{len(line)} characters: {line[:200]}…"
    for text in forbidden:
        assert text not in line, (text, line)
    assert result.stdout == "", result.stdout
    return line
