"""File names for per-link captures that are safe for any router name, and their index.

A link ``a``–``b`` (sorted, ``a < b``) is written to ``<a>--<b>.pcap``.  Router names can hold
anything (spaces, slashes, non-ASCII, a leading dot), so each name is reduced to letters,
digits, ``.``, ``_``, ``+`` and ``-``, other characters becoming ``_``, a leading dot becoming
``_`` and long names cut to :data:`MAX_NAME`.  Two links that end up with the same name -- also
when they differ only in case, for case-insensitive file systems -- get ``~2``, ``~3``, ... in
sorted link order, so the mapping is deterministic.  ``links.tsv`` records it, with the addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_NAME = 100
LINKS_INDEX = "links.tsv"
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def safe_name(name: str) -> str:
    """``name`` reduced to characters safe in a file name on any system."""
    safe = _UNSAFE.sub("_", name)[:MAX_NAME]
    if safe.startswith("."):
        safe = "_" + safe[1:]
    return safe or "_"


def link_file_names(links: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The capture file name of every link, keyed by its sorted (a, b) pair; unique, deterministic."""
    names: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for a, b in sorted({(a, b) if a <= b else (b, a) for a, b in links}):
        stem = f"{safe_name(a)}--{safe_name(b)}"
        name, n = f"{stem}.pcap", 1
        while name.casefold() in taken or name == LINKS_INDEX:
            n += 1
            name = f"{stem}~{n}.pcap"
        taken.add(name.casefold())
        names[(a, b)] = name
    return names


def tsv_field(value: object) -> str:
    """A value as one TSV field: backslash, tab and line breaks escaped."""
    return str(value).translate(_TSV_ESCAPES)


def tsv(rows: Iterable[Iterable[object]]) -> str:
    return "".join("\t".join(tsv_field(v) for v in row) + "\n" for row in rows)
