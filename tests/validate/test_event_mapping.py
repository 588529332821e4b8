"""Scenario events as things done to real routers: flaps unrolled, repeats folded, a repair undoing
whatever took the link down, per-direction costs, and one clear error for what the lab cannot do."""

from __future__ import annotations

import pytest

from netsim.errors import NetsimError
from netsim.scenario import parse_scenario
from netsim.scenario.events import make_event
from netsim.validate.events import (
    BLOCK,
    COST,
    CRASH,
    LINK_DOWN,
    LINK_UP,
    RESTART,
    UNBLOCK,
    Action,
    apply_action,
    plan_actions,
)


def _events(yaml_events: str):
    sc = parse_scenario("topology: {links: [[a, b], [b, c], [a, c]]}\nevents:\n" + yaml_events)
    return sc.events


def test_event_plan_flap_silent_and_repeats() -> None:
    evs = _events("""
  - {at: 1, link_down: [a, b], silent: true}
  - {at: 2, link_down: [a, b]}
  - {at: 3, link_up: [b, a]}
  - {at: 4, flap: [b, c], period: 2, count: 2, down_time: 0.5}
  - {at: 10, node_down: c}
  - {at: 11, node_down: c}
  - {at: 12, node_up: c}
  - {at: 13, set_cost: [a, c], cost: 4}
  - {at: 14, set_cost: [a, b], cost: {a: 5, b: 7}}
""")
    got = [(a.offset, a.event, a.op, a.a, a.b, a.cost) for a in plan_actions(evs)]
    assert got == [
        (1.0, 0, BLOCK, "a", "b", None),        # the repeated down at 2 is ignored (already down)
        (3.0, 2, UNBLOCK, "a", "b", None),      # link_up undoes the silent failure
        (4.0, 3, LINK_DOWN, "b", "c", None), (4.5, 3, LINK_UP, "b", "c", None),
        (6.0, 3, LINK_DOWN, "b", "c", None), (6.5, 3, LINK_UP, "b", "c", None),
        (10.0, 4, CRASH, "c", "", None), (12.0, 6, RESTART, "c", "", None),
        (13.0, 7, COST, "a", "c", 4.0), (13.0, 7, COST, "c", "a", 4.0),   # what each end pays
        (14.0, 8, COST, "a", "b", 5.0), (14.0, 8, COST, "b", "a", 7.0)]


def test_shared_risk_groups_fail_every_link_at_once() -> None:
    evs = _events("  - {at: 1, srlg: [[a, b], [b, c]]}\n  - {at: 5, link_up: [[a, b], [b, c]]}\n")
    got = [(a.offset, a.op, a.a, a.b) for a in plan_actions(evs)]
    assert got == [(1.0, LINK_DOWN, "a", "b"), (1.0, LINK_DOWN, "b", "c"),
                   (5.0, LINK_UP, "a", "b"), (5.0, LINK_UP, "b", "c")]


def test_events_built_in_python_map_alike() -> None:
    evs = [make_event("link_down", 2.0, target=("b", "a"), index=0, silent=True),
           make_event("node_down", 3.0, target="c", index=1)]
    assert [(a.op, a.a, a.b) for a in plan_actions(evs)] == [(BLOCK, "a", "b"), (CRASH, "c", "")]


def test_event_plan_refuses_what_the_lab_cannot_do() -> None:
    with pytest.raises(NetsimError, match=r"events\[0\]: set_loss"):
        plan_actions(_events("  - {at: 1, set_loss: [a, b], loss: 0.5}\n"))
    with pytest.raises(NetsimError, match="carrier_delay"):
        plan_actions(_events("  - {at: 1, link_down: [a, b], carrier_delay: 0.2}\n"))
    with pytest.raises(NetsimError, match=r"events\[0\]: set_link"):
        plan_actions(_events("  - {at: 1, set_link: [a, b], bandwidth: 1000}\n"))


class _RecordingLab:
    """Stands in for the lab: records what would have been done."""

    def __init__(self) -> None:
        self.done: list[tuple] = []

    def set_link_admin(self, a: str, b: str, up: bool) -> None:
        self.done.append(("admin", a, b, up))

    def block_link(self, a: str, b: str, blocked: bool) -> None:
        self.done.append(("block", a, b, blocked))

    def kill_router(self, a: str) -> None:
        self.done.append(("kill", a))

    def start_router(self, a: str) -> None:
        self.done.append(("start", a))

    def set_cost(self, a: str, b: str, cost: float) -> None:
        self.done.append(("cost", a, b, cost))


def test_actions_reach_the_lab_and_say_when_they_took_effect() -> None:
    lab = _RecordingLab()
    clock = iter([1.0, 1.2, 2.0, 2.4, 3.0, 3.1, 4.0, 4.5, 5.0, 5.2])
    now = lambda: next(clock)  # noqa: E731
    applied = [apply_action(lab, act, now) for act in (
        Action(0, 0, LINK_DOWN, "a", "b"), Action(1, 1, BLOCK, "a", "b"), Action(2, 2, CRASH, "c"),
        Action(3, 3, RESTART, "c"), Action(4, 4, COST, "a", "b", 5.0))]
    assert lab.done == [("admin", "a", "b", False), ("block", "a", "b", True), ("kill", "c"), ("start", "c"),
                        ("cost", "a", "b", 5.0)]
    # carrier: when the command returned (the kernel's notification refines it later); crash and
    # restart: when they began; a two-ended change: its midpoint.
    assert [a.effective for a in applied] == [1.2, pytest.approx(2.2), 3.0, 4.0, pytest.approx(5.1)]
