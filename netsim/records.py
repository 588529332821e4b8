"""Cheaper construction of the frozen, slotted dataclasses made once per event of a run.

Why: a frozen dataclass's generated ``__init__`` stores each field with
``object.__setattr__(self, name, value)`` (the class's own ``__setattr__`` refuses), which costs
several times a plain attribute store.  A run builds a handful of records per route change (the
FIB entry, the change, its cause), so on a 100-router RIP run that ``__init__`` alone was about a
tenth of the simulation.  :func:`quick_init` gives such a class an ``__init__`` that writes each
slot through its descriptor instead: same signature, same values, the instances stay frozen
(assignment still raises), equality, hashing and ``repr`` are the dataclass's own.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """Replace the ``__init__`` of the frozen, slotted dataclass ``cls`` (fields without defaults,
    no ``__post_init__``) by one that stores through the slot descriptors; returns ``cls``."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"quick_init: {cls.__name__} is not a frozen, slotted dataclass")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"quick_init: {cls.__name__} has a __post_init__")
    names = []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not f.init or f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"quick_init: {cls.__name__}.{f.name} has a default or is not an __init__ field")
        names.append(f.name)
    setters = {f"_set_{n}": cls.__dict__[n].__set__ for n in names}
    args = ", ".join(names)
    body = "".join(f"    _set_{n}(self, {n})\n" for n in names) or "    pass\n"
    namespace: dict[str, Any] = {}
    exec(f"def __init__(self, {args}):\n{body}" if names else f"def __init__(self):\n{body}", setters, namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    cls.__init__ = init  # type: ignore[misc]
    return cls
