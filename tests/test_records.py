"""``@record`` makes the class ``@dataclass(frozen=True, slots=True)`` would, only cheaper.

Every record class netsim defines is held to a plain frozen, slotted dataclass with the same
fields (the reference): same signature, field list, ``repr``, equality, hash, pickling, ``replace``
and frozenness, on values hypothesis draws.  Synthetic classes cover what netsim's own do not use
yet (factories, ``compare=False``, methods the class body defines).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import pickle
import pkgutil
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

import netsim
from netsim import records
from netsim.records import record


def _record_classes() -> list[type]:
    """Every class in netsim that ``record`` built itself (not handed to ``dataclass``)."""
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(netsim.__path__, "netsim."):
        if info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional dependency (plots, dask) absent here
            continue
        for obj in vars(module).values():
            if (isinstance(obj, type) and obj.__module__ == module.__name__
                    and getattr(obj, "__dataclass_params__", None) is records._FROZEN_PARAMS):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


RECORDS = _record_classes()


def _reference(cls: type) -> type:
    """The same fields (types, defaults, flags) as a plain frozen, slotted dataclass."""
    spec = []
    for f in dataclasses.fields(cls):
        kw: dict[str, Any] = {"repr": f.repr, "compare": f.compare, "hash": f.hash}
        if f.default is not dataclasses.MISSING:
            kw["default"] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            kw["default_factory"] = f.default_factory
        spec.append((f.name, f.type, field(**kw)))
    ref = dataclasses.make_dataclass(cls.__name__, spec, frozen=True, slots=True)
    ref.__qualname__ = cls.__qualname__
    return ref


def test_netsim_defines_records() -> None:
    assert len(RECORDS) >= 100  # the walk found them: otherwise the tests below test nothing
    from netsim.trace import Route
    assert Route in RECORDS


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_class_matches_the_plain_dataclass(cls: type) -> None:
    ref = _reference(cls)
    assert [(f.name, f.default, f.default_factory) for f in dataclasses.fields(cls)] == \
        [(f.name, f.default, f.default_factory) for f in dataclasses.fields(ref)]
    assert str(inspect.signature(cls)) == str(inspect.signature(ref))
    assert cls.__match_args__ == ref.__match_args__  # type: ignore[attr-defined]
    assert cls.__dataclass_params__.frozen and cls.__dataclass_params__.eq  # type: ignore[attr-defined]
    assert not hasattr(cls, "__dict__") or "__dict__" not in dir(cls)
    slots = {name for klass in cls.__mro__ for name in klass.__dict__.get("__slots__", ())}
    assert slots == {f.name for f in dataclasses.fields(cls)}


VALUES = st.one_of(st.integers(-3, 3), st.sampled_from(["a", "b", ""]), st.none(),
                   st.floats(allow_nan=True, allow_infinity=True), st.tuples(st.integers(0, 2)))


@pytest.mark.parametrize("cls", [c for c in RECORDS if not hasattr(c, "__post_init__")],
                         ids=lambda c: f"{c.__module__}.{c.__qualname__}")
@given(data=st.data())
def test_instances_behave_as_the_plain_dataclass(cls: type, data: st.DataObject) -> None:
    ref = _reference(cls)
    n = len(dataclasses.fields(cls))
    a, b = (data.draw(st.lists(VALUES, min_size=n, max_size=n)) for _ in range(2))
    x, y, rx, ry = cls(*a), cls(*b), ref(*a), ref(*b)
    assert repr(x) == repr(rx)
    assert (x == y) == (rx == ry)
    assert (x == x) == (rx == rx)  # a NaN field: identity first, as in a tuple
    assert (x != y) == (rx != ry)
    assert x != rx and (x == a) is False  # another class never compares equal
    assert hash(x) == hash(rx)
    assert dataclasses.astuple(x) == dataclasses.astuple(rx) or any(isinstance(v, float) and math.isnan(v) for v in a)
    assert repr(pickle.loads(pickle.dumps(x))) == repr(x)
    assert repr(dataclasses.replace(x)) == repr(x)
    names = [f.name for f in dataclasses.fields(cls)]
    assert repr(cls(**dict(zip(names, a, strict=True)))) == repr(x)
    for name in names[:1] + ["other"]:
        for act in (lambda o, n=name: setattr(o, n, 1), lambda o, n=name: delattr(o, n)):
            # a frozen error, or what the dataclass raises (its __setattr__ on a slotted subclass
            # names the class before slots were added: TypeError for an attribute not a field)
            with pytest.raises(Exception) as theirs:  # noqa: B017, PT011
                act(rx)
            with pytest.raises((dataclasses.FrozenInstanceError, theirs.type)):
                act(x)
    if n:
        with pytest.raises(TypeError):
            last = dataclasses.fields(cls)[-1]
            required = last.default is dataclasses.MISSING and last.default_factory is dataclasses.MISSING
            cls(*a[:-1], **({} if required else {"no_such": 1}))


def test_defaults_factories_and_field_flags() -> None:
    @record
    class R:
        """A record with every kind of field."""

        kind: ClassVar[str] = "r"
        a: int
        b: float = 2.0
        c: tuple[int, ...] = field(default_factory=tuple)
        d: str = field(default="x", compare=False, repr=False)
        e: int = field(default=0, hash=False)

    r = R(1)
    assert (r.a, r.b, r.c, r.d, r.e) == (1, 2.0, (), "x", 0)
    assert R(1, c=(1,)).c == (1,)
    assert repr(r) == "test_defaults_factories_and_field_flags.<locals>.R(a=1, b=2.0, c=(), e=0)"
    assert R(1, d="y") == R(1, d="z")
    assert hash(R(1, e=1)) == hash(R(1, e=2)) and R(1, e=1) != R(1, e=2)
    assert R.kind == "r" and [f.name for f in dataclasses.fields(R)] == ["a", "b", "c", "d", "e"]
    assert R.__doc__ == "A record with every kind of field."


def test_a_factory_runs_for_each_instance() -> None:
    @record
    class L:
        items: list[int] = field(default_factory=list)

    assert L().items == [] and L().items is not L().items and L([1]).items == [1]


def test_post_init_and_methods_of_the_body_are_kept() -> None:
    @record
    class P:
        x: int

        def __post_init__(self) -> None:
            if self.x < 0:
                raise ValueError("negative")

        def __repr__(self) -> str:
            return f"P<{self.x}>"

        def __eq__(self, other: object) -> bool:
            return isinstance(other, P) and abs(self.x) == abs(other.x)

        def __hash__(self) -> int:
            return 7

    with pytest.raises(ValueError, match="negative"):
        P(-1)
    assert repr(P(2)) == "P<2>" and P(2) == P(2) and hash(P(3)) == 7


def test_an_equality_without_hash_gets_the_field_hash() -> None:
    @record
    class E:
        x: int

        def __eq__(self, other: object) -> bool:
            return isinstance(other, E) and self.x == other.x

    assert hash(E(5)) == hash((5,))


def test_an_undocumented_record_gets_the_dataclass_docstring() -> None:
    @record
    class U:
        x: int
        y: str = "a"

    @dataclass(frozen=True, slots=True)
    class V:
        x: int
        y: str = "a"

    assert U.__doc__ == "U" + V.__doc__[1:]  # type: ignore[index]


@record
class _Base:
    """A record base (at module level: pickle finds it)."""

    x: int
    z: int = 0


@record
class _Derived(_Base):
    """A record derived from a record."""

    y: int = 1


def test_a_record_may_derive_from_a_record() -> None:
    Base, Sub = _Base, _Derived
    assert Sub.__dataclass_params__ is records._FROZEN_PARAMS  # type: ignore[attr-defined]
    assert [f.name for f in dataclasses.fields(Sub)] == ["x", "z", "y"]
    s = Sub(1, 2, 3)
    assert (s.x, s.z, s.y) == (1, 2, 3) and s == Sub(1, 2, 3) and s != Base(1, 2) and s != Sub(1, 2, 4)
    assert repr(s) == "_Derived(x=1, z=2, y=3)" and hash(s) == hash((1, 2, 3))
    assert pickle.loads(pickle.dumps(s)) == s and dataclasses.replace(s, y=5).y == 5
    for name in ("x", "y"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(s, name, 9)
    assert not hasattr(s, "__dict__")


def test_what_record_does_not_build_goes_to_dataclass() -> None:
    @dataclass(frozen=True, slots=True)
    class Plain:
        x: int

    @record
    class Sub(Plain):
        y: int

    @record
    class Late:
        x: int
        y: int = field(init=False, default=0)

    for cls in (Sub, Late):
        assert cls.__dataclass_params__ is not records._FROZEN_PARAMS  # type: ignore[attr-defined]
        assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert Sub(1, 2) == Sub(1, 2) and Sub(1, 2).y == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        Sub(1, 2).x = 3  # type: ignore[misc]

    with pytest.raises(TypeError, match="non-default argument 'y'"):
        @record
        class Bad:
            x: int = 0
            y: int


def test_a_record_cannot_define_setattr() -> None:
    with pytest.raises(TypeError, match="__setattr__"):
        @record
        class S:
            x: int

            def __setattr__(self, name: str, value: Any) -> None:
                pass
