"""The protocol stack: several routing processes in one router, one FIB by administrative distance.

Driven through the fake port, no engine: what reaches the FIB, what stays in a process's RIB,
who is told about RIB changes, and how routed packets travel and die.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from fakeport import FakePort

from netsim.protocols.stack import DEFAULT_TTL, EBGP_DISTANCE, IBGP_DISTANCE, OSPF_DISTANCE, Routed, Stack
from netsim.trace import Note, Route


@dataclass(frozen=True, slots=True)
class Why(Note):
    kind: ClassVar[str] = "test"
    what: str = ""

    def text(self) -> str:
        return self.what


@dataclass(frozen=True, slots=True)
class Payload:
    size: int = 60


def _stack() -> tuple[Stack, FakePort]:
    port = FakePort("r", {"a": 1.0, "b": 1.0, "x": 1.0})
    return Stack(port), port


def test_lowest_distance_wins_and_the_next_takes_over_when_it_leaves() -> None:
    stack, port = _stack()
    igp = stack.member("igp", OSPF_DISTANCE, interfaces=frozenset({"a", "b"}))
    ibgp = stack.member("ibgp", IBGP_DISTANCE, interfaces=frozenset())
    ebgp = stack.member("ebgp", EBGP_DISTANCE, interfaces=frozenset({"x"}))
    ibgp.install("d", ("a",), 2.0, Why("ibgp"))
    assert port.fib()["d"] == Route(("a",), 2.0)
    igp.install("d", ("b",), 5.0, Why("igp"))  # the IGP (110) beats iBGP (200) whatever the cost
    assert port.fib()["d"] == Route(("b",), 5.0)
    ebgp.install("d", ("x",), 1.0, Why("ebgp"))
    assert port.fib()["d"] == Route(("x",), 1.0)
    ebgp.withdraw("d", Why("ebgp gone"))
    assert port.fib()["d"] == Route(("b",), 5.0)
    igp.withdraw("d", Why("igp gone"))
    assert port.fib()["d"] == Route(("a",), 2.0)
    ibgp.withdraw("d", Why("ibgp gone"))
    assert "d" not in port.fib()
    # every FIB change carries the note of the RIB change that caused it
    assert [c.text() for _t, _d, _r, c in port.fib_log] == ["ibgp", "igp", "ebgp", "ebgp gone", "igp gone",
                                                              "ibgp gone"]


def test_hidden_destinations_stay_in_the_rib_but_watchers_see_them() -> None:
    stack, port = _stack()
    igp = stack.member("igp", OSPF_DISTANCE, interfaces=frozenset({"a"}), hidden=frozenset({"10.0.0.0/31"}))
    seen: list[str] = []
    stack.watch(igp, seen.append)
    igp.install("10.0.0.0/31", ("a",), 3.0, Why("stub"))
    igp.install("d", ("a",), 3.0, Why("loopback"))
    igp.install("d", ("a",), 3.0, Why("same again"))  # no change: nobody is told
    assert igp.fib()["10.0.0.0/31"] == Route(("a",), 3.0)
    assert "10.0.0.0/31" not in port.fib() and "d" in port.fib()
    assert seen == ["10.0.0.0/31", "d"]


def test_a_member_sees_only_its_interfaces() -> None:
    stack, _port = _stack()
    igp = stack.member("igp", OSPF_DISTANCE, interfaces=frozenset({"a", "b"}))
    assert sorted(igp.interfaces()) == ["a", "b"] and len(igp.interfaces()) == 2
    assert "x" not in igp.interfaces() and igp.sees("a") and not igp.sees("x")


def test_routed_packets_follow_the_fib_and_die_of_old_age() -> None:
    stack, port = _stack()
    igp = stack.member("igp", OSPF_DISTANCE, interfaces=frozenset({"a", "b"}))
    assert not stack.send_routed("far", Payload())  # no route: dropped at the source
    igp.install("far", ("b",), 2.0, Why("igp"))
    assert stack.send_routed("far", Payload())
    (_t, iface, msg), = port.take_sent()
    assert iface == "b" and msg == Routed("r", "far", Payload(), DEFAULT_TTL) and msg.size == 60
    # a packet for us is handed up; one passing through loses one from its TTL; at TTL 1 it dies
    assert stack.receive_routed(Routed("far", "r", Payload())) == Routed("far", "r", Payload())
    assert stack.receive_routed(Routed("s", "far", Payload(), 5)) is None
    (_t, iface, msg), = port.take_sent()
    assert iface == "b" and msg.ttl == 4
    assert stack.receive_routed(Routed("s", "far", Payload(), 1)) is None
    assert not port.take_sent()


def test_equal_cost_paths_keep_one_flow_on_one_path() -> None:
    stack, port = _stack()
    igp = stack.member("igp", OSPF_DISTANCE, interfaces=frozenset({"a", "b"}))
    igp.install("far", ("a", "b"), 2.0, Why("ecmp"))
    for _ in range(5):
        stack.send_routed("far", Payload())
    assert len({iface for _t, iface, _m in port.take_sent()}) == 1
