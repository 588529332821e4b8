"""Indented JSON text, byte for byte what ``json.dumps(obj, indent=2, allow_nan=False)`` writes.

Why not the standard library: with ``indent`` set, :mod:`json` falls back to its pure-Python
encoder, a generator per container.  A results JSON holds every router's final table -- 163,000
routes on a 404-router network -- and encoding them took longer than the routing protocol's
whole cold start on small networks.  This writer builds the same text from joined strings, and
:class:`Fragment` lets a caller render a large, repetitive part (a FIB) with its own cache.

Only what the results contain is supported: dicts with string keys, lists, tuples, strings,
integers, finite floats, booleans and ``None``.  Anything else is a :class:`TypeError`, and NaN
or an infinity a :class:`ValueError`, as :func:`json.dumps` with ``allow_nan=False`` raises.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from json.encoder import encode_basestring_ascii as quote

INDENT = "  "


class Fragment:
    """A value that renders itself: ``render(level)`` returns its JSON text at that nesting level
    (the first line unindented, later lines indented as :func:`dumps` would)."""

    def render(self, level: int) -> str:
        raise NotImplementedError


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


def _key(key: object) -> str:
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
        items = [f"{_key(k)}: {encode(v, level + 1)}" for k, v in value.items()]
        return "{" + inner + ("," + inner).join(items) + "\n" + INDENT * level + "}"
    if not value:
        return "[]"
    items = [encode(v, level + 1) for v in value]  # type: ignore[attr-defined]
    return "[" + inner + ("," + inner).join(items) + "\n" + INDENT * level + "]"


def dumps(value: object) -> str:
    """``json.dumps(value, indent=2, allow_nan=False)``, faster."""
    return encode(value, 0)


class CachedDict(Fragment):
    """A dict whose values repeat (routes through the same next hop at the same cost): each
    distinct value is rendered once per nesting level.

    ``items`` are (key, value) pairs; ``key_of(value)`` is a hashable identity of what
    ``to_json(value)`` would encode; ``cache`` may be shared by many dicts (every router's table)."""

    def __init__(self, items: list[tuple[str, object]], key_of: Callable[[object], object],
                 to_json: Callable[[object], object], cache: dict[object, str]) -> None:
        self.items = items
        self.key_of = key_of
        self.to_json = to_json
        self.cache = cache

    def render(self, level: int) -> str:
        if not self.items:
            return "{}"
        cache, key_of, sub = self.cache, self.key_of, level + 1
        parts = []
        for k, v in self.items:
            kt = cache.get(k)
            if kt is None:
                kt = cache[k] = _key(k) + ": "
            ck = (key_of(v), sub)
            text = cache.get(ck)
            if text is None:
                text = cache[ck] = encode(self.to_json(v), sub)
            parts.append(kt + text)
        inner = "\n" + INDENT * sub
        return "{" + inner + ("," + inner).join(parts) + "\n" + INDENT * level + "}"
