"""Indented JSON text, byte for byte what ``json.dumps(obj, indent=2, allow_nan=False)`` writes.

Why not the standard library: with ``indent`` set, :mod:`json` falls back to its pure-Python
encoder, a generator per container.  A results JSON holds every router's final table -- 163,000
routes on a 404-router network -- and encoding them took longer than the routing protocol's
whole cold start on small networks.  This writer builds the same text from joined strings, and
:class:`Fragment` lets a caller render a large, repetitive part (a FIB) its own faster way.

:func:`iterencode` gives the same text in pieces, so that a document of gigabytes (every table
of a 3,815-router network: 1.7 GB) is written as it is rendered rather than held whole, twice
(as text and as encoded bytes), before the first byte goes out.

:func:`compact` writes what ``json.dumps(obj, separators=(",", ":"), allow_nan=False)`` writes --
a sweep's one line per run -- with the standard library's own encoder around the fragments.

Only what the results contain is supported: dicts with string keys, lists, tuples, strings,
integers, finite floats, booleans and ``None``.  Anything else is a :class:`TypeError`, and NaN
or an infinity a :class:`ValueError`, as :func:`json.dumps` with ``allow_nan=False`` raises.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from json import JSONEncoder
from json.encoder import encode_basestring_ascii as quote

INDENT = "  "
_compact = JSONEncoder(separators=(",", ":"), allow_nan=False).encode


class Fragment:
    """A value that renders itself: ``render(level)`` returns its JSON text at that nesting level
    (the first line unindented, later lines indented as :func:`dumps` would)."""

    __slots__ = ()

    def render(self, level: int) -> str:
        raise NotImplementedError

    def chunks(self, level: int) -> Iterator[str]:
        """The text of :meth:`render` in pieces (one, unless a subclass splits it)."""
        yield self.render(level)


def scalar(value: object) -> str | None:
    """The JSON text of a scalar, or None if ``value`` is a container."""
    kind = type(value)
    if kind is str:
        return quote(value)  # type: ignore[arg-type]
    if kind is int:
        return int.__repr__(value)  # type: ignore[arg-type]
    if kind is float:
        if not math.isfinite(value):  # type: ignore[arg-type]
            raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
        return float.__repr__(value)  # type: ignore[arg-type]
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (dict, list, tuple, Fragment)):
        return None
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return scalar(float(value))
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def key_text(key: object) -> str:
    """The JSON text of a dict key (without the colon)."""
    if type(key) is str:
        return quote(key)  # type: ignore[arg-type]
    if isinstance(key, (int, float)) or key is None:  # json.dumps turns these keys into strings
        text = scalar(key)
        assert text is not None
        return f'"{text}"'
    if isinstance(key, str):
        return quote(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def encode(value: object, level: int) -> str:
    """The JSON text of ``value`` at nesting ``level`` (0: the document itself)."""
    text = scalar(value)
    if text is not None:
        return text
    if isinstance(value, Fragment):
        return value.render(level)
    inner = "\n" + INDENT * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{key_text(k)}: {encode(v, level + 1)}" for k, v in value.items()]
        return "{" + inner + ("," + inner).join(items) + "\n" + INDENT * level + "}"
    if not value:
        return "[]"
    items = [encode(v, level + 1) for v in value]  # type: ignore[attr-defined]
    return "[" + inner + ("," + inner).join(items) + "\n" + INDENT * level + "]"


def dumps(value: object) -> str:
    """``json.dumps(value, indent=2, allow_nan=False)``, faster."""
    return encode(value, 0)


def compact(value: object) -> str:
    """``json.dumps(value, separators=(",", ":"), allow_nan=False)``, where the fragments in
    ``value`` render compact text (``TableRenderer(compact=True)``): only the dicts and lists
    that hold one are joined here, everything else is the standard library's (C) encoding."""
    if isinstance(value, Fragment):
        return value.render(0)
    if not holds_fragment(value):
        return _compact(value)
    if isinstance(value, dict):
        return "{" + ",".join(key_text(k) + ":" + compact(v) for k, v in value.items()) + "}"
    return "[" + ",".join(compact(v) for v in value) + "]"  # type: ignore[attr-defined]


def iterencode(value: object, level: int = 0) -> Iterator[str]:
    """The text of :func:`encode` in pieces that join to it.

    Only a dict or list that holds a :class:`Fragment` (at any depth) is taken apart, item by
    item, and each Fragment gives its own :meth:`~Fragment.chunks`; everything else is encoded
    whole.  So the pieces are few and large -- the parts of a document around its fragments, and
    the fragments -- and the largest one is the largest fragment, not the document.
    """
    if isinstance(value, Fragment):
        yield from value.chunks(level)
    elif not holds_fragment(value):
        yield encode(value, level)
    else:
        inner = "\n" + INDENT * (level + 1)
        if isinstance(value, dict):
            close, items = "}", ((key_text(k) + ": ", v) for k, v in value.items())
            before = "{" + inner
        else:
            close, items = "]", (("", v) for v in value)  # type: ignore[attr-defined]
            before = "[" + inner
        for key, item in items:
            yield before + key
            yield from iterencode(item, level + 1)
            before = "," + inner
        yield "\n" + INDENT * level + close


def holds_fragment(value: object) -> bool:
    """Whether ``value`` is a :class:`Fragment` or a dict, list or tuple with one inside."""
    if isinstance(value, Fragment):
        return True
    if isinstance(value, dict):
        return any(holds_fragment(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(holds_fragment(v) for v in value)
    return False
