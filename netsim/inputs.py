"""Reading a user's files, and quoting a user's values, within bounds.

Why one module below every part: scenario files, topology files of every format and results
files are all user input, and each reader must refuse the same hostile cases the same way --
a file of gigabytes, ``/dev/zero``, a directory, binary data -- before it parses anything; and
every message that quotes a user's value must stay one short line however large, deep or long
the value is (a 5,000-digit number cannot even be printed by Python without raising).
"""

from __future__ import annotations

import math
import os
import reprlib
import stat
from pathlib import Path
from typing import Any

from netsim.errors import NetsimError

#: Largest scenario, topology or results file read (bytes).
MAX_BYTES = 16 * 1024 * 1024
_MB = MAX_BYTES // (1024 * 1024)


def read_text(path: str | Path, display: str | None = None, error: type[NetsimError] = NetsimError) -> str:
    """A text file's content, refusing what cannot be one: too large, a directory or device, not UTF-8.

    A pipe (``netsim run <(generate)``) is read too, but never more than :data:`MAX_BYTES`.
    Every problem is one line naming ``display`` (default: the path) and never quotes the content.
    """
    p = Path(path)
    where = short(display if display is not None else str(path), 200)
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        raise error(f"{where}: no such file") from None
    except OSError as exc:
        raise error(f"{where}: cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise error(f"{where}: is a directory, not a file")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise error(f"{where}: not a regular file")
    if stat.S_ISREG(mode) and os.stat(p).st_size > MAX_BYTES:
        raise error(f"{where}: {os.stat(p).st_size:,} bytes is too large (at most {_MB} MB)")
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise error(f"{where}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise error(f"{where}: too large (at most {_MB} MB)")
    if b"\x00" in data:
        raise error(f"{where}: not a text file (it contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{where}: not UTF-8 text") from None


class _BoundedRepr(reprlib.Repr):
    """``reprlib`` with integers that cannot be printed in full (Python refuses beyond 4,300
    digits, and a message has no room for even 100) shown by their size."""

    def repr1(self, x: Any, level: int) -> str:
        if isinstance(x, int) and not isinstance(x, bool):  # subclasses too (YAML's numbers that remember text)
            return self.repr_int(int(x), level)
        return super().repr1(x, level)

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 128:
            digits = int(x.bit_length() * math.log10(2)) + 1
            return f"<a number of about {digits:,} digits>"
        return super().repr_int(x, level)


_REPR = _BoundedRepr()
_REPR.maxlevel = 2
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 4
_REPR.maxstring = _REPR.maxother = 40


def short(value: Any, limit: int = 40) -> str:
    """A user's value for a message: one bounded line however large, deep or long the value is.

    Strings are quoted (``'r1'``) unless ``limit`` > 40 asks for running text; line breaks are
    always escaped, so the message stays one line.
    """
    if isinstance(value, str) and limit > 40:
        text = value[: limit + 1].replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    else:
        try:
            text = _REPR.repr(value)
        except Exception:  # a user's object whose repr fails still gets a message
            text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"
