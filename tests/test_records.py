"""``quick_init`` gives a frozen dataclass a cheaper ``__init__`` and changes nothing else."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import dataclass

import pytest

from netsim.protocols.distvector.notes import DvUpdate
from netsim.protocols.distvector.rules import DvChange
from netsim.protocols.eigrp.dual import Best, Input
from netsim.protocols.eigrp.metric import Vector
from netsim.protocols.eigrp.notes import RouteChosen
from netsim.protocols.eigrp.topology_table import Candidate
from netsim.records import quick_init
from netsim.trace import Decision, Narration, Route, RouteChange

#: Each class quick_init is applied to, with arguments for one instance.
CASES = [
    (Route, (("a", "b"), 2.5)),
    (RouteChange, (1.25, "r1", "r2", None, Route(("r3",), 1.0), Narration("why"))),
    (Decision, (3.0, "r1", Narration("what"))),
    (DvChange, ("d", (2.0, "n1"), (16.0, "n1"), "rule", 15.0)),
    (DvUpdate, ("n1", "d", 2.0, 1.0, "rule", True)),
    (Vector, (1_000_000, 12)),
    (Candidate, ("n1", Vector(100_000, 3), 28160, Vector(100_000, 4), 28416)),
    (Input, ("update", "n1")),
    (Best, (2816, ("n1", "n2"))),
    (RouteChosen, ("d", ("n1",), 3072, 2816, 3072, ())),
]


def _generated(cls: type) -> type:
    """The same fields as a plain frozen, slotted dataclass (with the generated ``__init__``)."""
    fields = [(f.name, f.type) for f in dataclasses.fields(cls)]
    return dataclasses.make_dataclass(f"Plain{cls.__name__}", fields, frozen=True, slots=True)


@pytest.mark.parametrize(("cls", "args"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_instances_are_those_of_the_generated_init(cls: type, args: tuple) -> None:
    obj = cls(*args)
    plain = _generated(cls)(*args)
    assert dataclasses.astuple(obj) == dataclasses.astuple(plain)
    names = [f.name for f in dataclasses.fields(cls)]
    assert cls(**dict(zip(names, args, strict=True))) == obj
    assert hash(obj) == hash(cls(*args))
    assert repr(obj).split("(", 1)[1] == repr(plain).split("(", 1)[1]
    assert pickle.loads(pickle.dumps(obj)) == obj
    assert dataclasses.replace(obj) == obj
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, names[0], args[0])
    with pytest.raises(TypeError):
        cls(*args[:-1])


def test_only_frozen_slotted_dataclasses_without_defaults_are_accepted() -> None:
    @dataclass(frozen=True)
    class NoSlots:
        x: int

    @dataclass(slots=True)
    class NotFrozen:
        x: int

    @dataclass(frozen=True, slots=True)
    class WithDefault:
        x: int = 0

    for cls in (NoSlots, NotFrozen, WithDefault):
        with pytest.raises(TypeError):
            quick_init(cls)
