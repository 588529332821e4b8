"""A private, writable copy of a shared read-only dict that stores only what it changed.

Why: a warm start hands every router the same converged LSDB.  On a network of N routers, N
private copies of N entries (and of the graph view SPF reads) are N² dict slots -- gigabytes at a
few thousand routers -- although a failure later changes a handful of entries in each.  A
:class:`CowDict` starts as the shared dict and keeps only its own changes, so it costs a few
entries per router instead of N.

It behaves exactly like ``dict(base)`` changed in the same way, iteration order included (the
order of the database is the order of the headers a database description lists): keys stay at
their place in ``base`` when replaced, new keys follow in insertion order, and a key removed and
added again moves to the end.  ``base`` must never change while copies of it are in use.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from itertools import chain
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")

_MISSING: Any = object()


class CowDict(MutableMapping[K, V]):
    """``dict(base)`` without the copy (see the module docstring)."""

    __slots__ = ("base", "own", "gone", "tail")

    def __init__(self, base: Mapping[K, V]) -> None:
        #: The shared read-only dict.
        self.base = base
        #: This copy's own values: keys of ``base`` replaced here, and the keys in ``tail``.
        self.own: dict[K, V] = {}
        #: Keys of ``base`` no longer at their place in it: removed (and maybe added again, at the end).
        self.gone: set[K] = set()
        #: Keys after the end of ``base``, in insertion order (a dict used as an ordered set).
        self.tail: dict[K, None] = {}

    def get(self, key: K, default: Any = None) -> Any:
        value = self.own.get(key, _MISSING)
        if value is not _MISSING:
            return value
        if self.gone and key in self.gone:
            return default
        return self.base.get(key, default)

    def __getitem__(self, key: K) -> V:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value  # type: ignore[no-any-return]

    def __contains__(self, key: object) -> bool:
        return key in self.own or (key not in self.gone and key in self.base)

    def __setitem__(self, key: K, value: V) -> None:
        own = self.own
        if key not in own and (key in self.gone or key not in self.base):
            self.tail[key] = None  # a new key, or one removed from its place: it goes last
        own[key] = value

    def __delitem__(self, key: K) -> None:
        if key in self.own:
            del self.own[key]
            if key in self.tail:
                del self.tail[key]  # a base key there is in ``gone`` already
            else:
                self.gone.add(key)  # a replaced base key
        elif key in self.gone or key not in self.base:
            raise KeyError(key)
        else:
            self.gone.add(key)

    def __iter__(self) -> Iterator[K]:
        gone = self.gone
        head = iter(self.base) if not gone else (k for k in self.base if k not in gone)
        return chain(head, self.tail) if self.tail else head

    def __len__(self) -> int:
        return len(self.base) - len(self.gone) + len(self.tail)

    def __repr__(self) -> str:
        return f"CowDict({dict(self)!r})"

    def changed(self) -> int:
        """How many keys this copy holds privately (changed, added or removed)."""
        return len(self.own) + len(self.gone)

    def snapshot(self) -> Mapping[K, V]:
        """A plain dict with the same content (``base`` itself while nothing changed), for code
        that reads every entry in a tight loop: a full SPF reads each router's links twice, and a
        dict's own ``get`` is several times cheaper than this class's.  Not to be changed."""
        if not self.own and not self.gone:
            return self.base
        flat = dict(self.base)
        for key in self.gone:
            del flat[key]
        flat.update(self.own)
        return flat
