"""Frozen, slotted record classes that cost less to create and to construct.

Every typed record in netsim (routes, route changes, notes, packets, scenario events) is a
frozen, slotted dataclass.  :func:`record` makes one: ``@record`` is ``@dataclass(frozen=True,
slots=True)`` with the same fields, the same ``__init__`` signature, ``repr``, equality, hash,
pickling and ``dataclasses.fields``/``replace``/``asdict`` support.  It differs in two costs.

Why, creation: the standard decorator compiles each generated method separately (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``): six calls of the
compiler per class.  A command-line run imports sixty-odd record classes before it simulates
anything, and those compilations were about 40 ms of a half-second RIP run.  Here only
``__init__`` is compiled, since its signature is the class's own; the other methods are closures
over the field names, built without the compiler.

Why, construction: a frozen dataclass's ``__init__`` stores each field with
``object.__setattr__(self, name, value)`` (the class's own ``__setattr__`` refuses), several
times the cost of a plain store; a run builds a handful of records per route change.  The
``__init__`` here writes each slot through its descriptor instead: same values, and the instance
stays frozen (assignment still raises).

A record may derive from another record.  Classes that need more of the dataclass machinery (a
base made by ``dataclass`` itself, ``field(init=False)``, keyword-only fields, ``InitVar``) are
handed to ``dataclass(frozen=True, slots=True)`` unchanged.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")

try:  # Python >= 3.11: type checkers then read @record as the dataclass decorator it stands for
    from typing import dataclass_transform
except ImportError:  # pragma: no cover - Python 3.10
    def dataclass_transform(**_: Any) -> Callable[[T], T]:  # type: ignore[no-redef]
        return lambda fn: fn

_FROZEN_PARAMS: Any = None


@dataclass_transform(frozen_default=True)
def record(cls: type[T]) -> type[T]:
    """``@dataclass(frozen=True, slots=True)``, created with one compilation (module docstring)."""
    if _needs_dataclass(cls):
        return dataclasses.dataclass(frozen=True, slots=True)(cls)
    own = dict(cls.__dict__)
    documented = own.get("__doc__") is not None
    derived = any("__dataclass_fields__" in base.__dict__ for base in cls.__mro__[1:])
    # A record's base is a frozen dataclass, and dataclass refuses a non-frozen subclass of one: a
    # derived record lets dataclass write the frozen __setattr__ and __delattr__ (two compilations).
    new: Any = dataclasses.dataclass(cls, init=False, repr=False, eq=False, frozen=derived, slots=True)
    fields = dataclasses.fields(new)
    new.__dataclass_params__ = _frozen_params()
    if "__init__" not in own:  # (checked before building: it is the one compiled method)
        _add(new, "__init__", _init(new, fields), own)
    _add(new, "__repr__", _repr([f.name for f in fields if f.repr]), own)
    _add(new, "__eq__", _eq(_key([f.name for f in fields if f.compare])), own)
    explicit_hash = own.get("__hash__", dataclasses.MISSING)
    if explicit_hash is dataclasses.MISSING or (explicit_hash is None and "__eq__" in own):
        hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
        _add(new, "__hash__", _hash(_key(hashed)), {})  # an __eq__ in the body left __hash__ None
    names = tuple(f.name for f in fields)
    if not derived:
        for name in ("__setattr__", "__delattr__"):
            if name in own:
                raise TypeError(f"Cannot overwrite attribute {name} in class {new.__name__}")
        _add(new, "__setattr__", _frozen_setattr(new, frozenset(names)), own)
        _add(new, "__delattr__", _frozen_delattr(new, frozenset(names)), own)
    # Every field, the base's too (a frozen instance is restored through object.__setattr__).
    _add(new, "__getstate__", _getstate(names), own)
    _add(new, "__setstate__", _setstate(names), own)
    if not documented:  # what dataclass writes: the class's signature
        import inspect

        new.__doc__ = new.__name__ + str(inspect.signature(new)).replace(" -> None", "")
    return new  # type: ignore[no-any-return]


def _needs_dataclass(cls: type) -> bool:
    """Whether ``cls`` uses what :func:`record` leaves to the dataclass decorator: a dataclass base
    not made by :func:`record`, ``field(init=False)``, keyword-only fields, ``InitVar``."""
    for base in cls.__mro__[1:]:
        if "__dataclass_fields__" in base.__dict__ and base.__dict__.get("__dataclass_params__") is not _FROZEN_PARAMS:
            return True
    for value in cls.__dict__.values():
        if isinstance(value, dataclasses.Field) and (not value.init or value.kw_only is True):
            return True
    annotations = cls.__dict__.get("__annotations__", {})
    return any(isinstance(a, str) and ("InitVar" in a or "KW_ONLY" in a) or isinstance(a, dataclasses.InitVar)
               or a is dataclasses.KW_ONLY for a in annotations.values())


def _frozen_params() -> Any:
    """The ``__dataclass_params__`` of a plain frozen, slotted dataclass (made once), so that
    ``dataclass`` subclasses and readers of the params see a frozen dataclass."""
    global _FROZEN_PARAMS
    if _FROZEN_PARAMS is None:
        _FROZEN_PARAMS = dataclasses.dataclass(frozen=True, slots=True)(
            type("_Frozen", (), {"__doc__": "The params' model."})).__dataclass_params__
    return _FROZEN_PARAMS


def _add(cls: type, name: str, fn: Callable[..., Any], own: dict[str, Any]) -> None:
    """Set method ``name`` unless the class body defined it (as dataclass does)."""
    if name in own:
        return
    fn.__name__ = name
    fn.__qualname__ = f"{cls.__qualname__}.{name}"
    fn.__module__ = cls.__module__
    setattr(cls, name, fn)


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """The one compiled method: the signature is the class's, each value stored through its slot."""
    namespace: dict[str, Any] = {"_FACTORY": _FACTORY}
    params: list[str] = []
    body: list[str] = []
    seen_default = False
    for f in fields:
        n = f.name
        namespace[f"_set_{n}"] = _slot(cls, n).__set__
        if f.default is not dataclasses.MISSING:
            namespace[f"_dflt_{n}"] = f.default
            params.append(f"{n}=_dflt_{n}")
            seen_default = True
            body.append(f"    _set_{n}(self, {n})")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_make_{n}"] = f.default_factory
            params.append(f"{n}=_FACTORY")
            seen_default = True
            body.append(f"    _set_{n}(self, _make_{n}() if {n} is _FACTORY else {n})")
        else:
            if seen_default:
                raise TypeError(f"non-default argument {n!r} follows default argument")
            params.append(n)
            body.append(f"    _set_{n}(self, {n})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self{''.join(', ' + p for p in params)}):\n" + ("\n".join(body) or "    pass") + "\n"
    out: dict[str, Any] = {}
    exec(source, namespace, out)  # noqa: S102 - source built above from the field names only
    init = out["__init__"]
    init.__annotations__ = {f.name: f.type for f in fields} | {"return": None}
    return init  # type: ignore[no-any-return]


def _slot(cls: type, name: str) -> Any:
    """The slot descriptor of field ``name``: the class's own, or a record base's."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    raise TypeError(f"{cls.__name__}.{name} has no slot")


class _Factory:
    """The default of a ``default_factory`` parameter: 'call the factory' (shown as dataclass
    shows it in the signature)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _key(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of the named fields, as dataclass's methods compare and hash it (a one-field
    record still compares as a 1-tuple: identity first, so a NaN field equals itself)."""
    if len(names) >= 2:
        return attrgetter(*names)
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda self: (get(self),)
    return lambda self: ()


def _eq(key: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented
    return __eq__


def _hash(key: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(key(self))
    return __hash__


def _repr(names: list[str]) -> Callable[[Any], str]:
    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        inner = ", ".join([f"{n}={getattr(self, n)!r}" for n in names])
        return f"{self.__class__.__qualname__}({inner})"
    return __repr__


def _frozen_setattr(cls: type, names: frozenset[str]) -> Callable[[Any, str, Any], None]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)
    return __setattr__


def _frozen_delattr(cls: type, names: frozenset[str]) -> Callable[[Any, str], None]:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)
    return __delattr__


def _getstate(names: tuple[str, ...]) -> Callable[[Any], list[Any]]:
    def __getstate__(self: Any) -> list[Any]:
        return [getattr(self, n) for n in names]
    return __getstate__


def _setstate(names: tuple[str, ...]) -> Callable[[Any, list[Any]], None]:
    def __setstate__(self: Any, state: list[Any]) -> None:
        for n, value in zip(names, state, strict=False):
            object.__setattr__(self, n, value)
    return __setstate__
