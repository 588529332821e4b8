"""netsim's scripted events as things done to real routers.

:func:`plan_actions` (pure) turns scenario events into timed :class:`Action` records -- a flap
becomes its downs and ups, a shared-risk group one action per link, and a ``link_up`` undoes
whatever took that link down.  :func:`apply_action` then does each to the lab:

* **carrier loss** (``link_down``): ``ip link set dev lK down`` on the end of the *first* router
  the event names.  On a veth pair that also takes the peer's carrier down (the peer reports
  NO-CARRIER), so both routers lose the link at once, as in netsim.  The lab records the moment
  from the kernel's own link notification.  ``link_up`` sets the same end up again.
* **silent failure** (``silent: true``): every packet arriving on both ends is dropped (see
  :mod:`netsim.validate.blocking`) while the carrier stays up; ``link_up`` removes the drop.
* **cost change** (``set_cost``): ``ip ospf cost`` through ospfd's vty, at each end that pays the
  new cost (RIP runs with unit costs only; see :mod:`netsim.validate.frr_config`).
* **crash** (``node_down``): SIGKILL the router's zebra and protocol daemon -- no goodbye, its
  neighbours notice by their timers -- then empty its kernel FIB of protocol routes: in netsim's
  model a crashed router has no FIB, and a powered-off router forwards nothing.  While it is down
  its kernel table is ignored.  **Restart** (``node_up``) starts both daemons again with the
  original configuration (a cold start).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netsim.errors import NetsimError
from netsim.records import record
from netsim.scenario.events import Event, Flap, LinkDown, LinkUp, NodeDown, NodeUp, SetCost
from netsim.topology.common import link_key

#: Operations on the lab.
LINK_DOWN, LINK_UP, BLOCK, UNBLOCK, CRASH, RESTART, COST = (
    "link_down", "link_up", "block", "unblock", "crash", "restart", "cost")
_TOPOLOGY_UP = {LINK_DOWN: False, BLOCK: False, LINK_UP: True, UNBLOCK: True, CRASH: False, RESTART: True}


@record
class Action:
    """One operation at ``offset`` seconds after the measured phase starts, for scripted event ``event``.

    A ``cost`` action sets what ``a`` pays to send to ``b`` (one direction)."""

    offset: float
    event: int
    op: str
    a: str
    b: str = ""
    cost: float | None = None

    @property
    def is_link(self) -> bool:
        return bool(self.b)


@record
class AppliedAction:
    """An action as it happened: lab time just before and just after doing it, and the time the
    change took effect (the kernel's link notification for carrier changes, else ``after``)."""

    action: Action
    before: float
    after: float
    effective: float


#: (time, event index, what, link or router, silent, (sender, cost) for a cost change)
_Step = tuple[float, int, str, tuple[str, ...], bool, tuple[str, float] | None]


def _steps(ev: Event) -> list[_Step]:
    """The raw changes one scenario event makes, before repeats are folded."""
    t = float(ev.time)
    if isinstance(ev, (LinkDown, LinkUp, Flap, SetCost)) and ev.carrier_delay > 0:
        raise NetsimError(f"events[{ev.index}]: carrier_delay cannot be reproduced in the FRR lab")
    if isinstance(ev, LinkDown):  # srlg included: one action per link, all at once
        return [(t, ev.index, "link_down", link, ev.silent, None) for link in ev.links]
    if isinstance(ev, LinkUp):
        return [(t, ev.index, "link_up", link, False, None) for link in ev.links]
    if isinstance(ev, (NodeDown, NodeUp)):
        return [(t, ev.index, ev.kind, (ev.node,), False, None)]
    if isinstance(ev, SetCost):
        return [(t, ev.index, "set_cost", ev.links[0], False, (end, float(c))) for end, c in ev.costs]
    if isinstance(ev, Flap):
        out: list[_Step] = []
        for k in range(int(ev.count)):
            start = t + k * float(ev.period)
            out.append((start, ev.index, "link_down", ev.links[0], ev.silent, None))
            out.append((start + float(ev.down_time), ev.index, "link_up", ev.links[0], False, None))
        return out
    raise NetsimError(f"events[{ev.index}]: {ev.kind} events cannot be reproduced in the FRR lab")


def plan_actions(events: Iterable[Event]) -> list[Action]:
    """Timed actions for scenario events (:mod:`netsim.scenario.events`), in time order.

    ``time`` is relative to the start of the measured phase.  Raises :class:`NetsimError` for
    events the lab cannot reproduce (loss changes, interface attributes, carrier delays).
    """
    raw: list[_Step] = []
    for ev in events:
        raw.extend(_steps(ev))
    raw.sort(key=lambda x: x[0])  # stable: same-time actions keep the scenario's order
    failed: dict[tuple[str, str], tuple[str, str, str]] = {}  # link -> (how it went down, first end, other)
    crashed: set[str] = set()
    out = []
    for t, index, kind, target, silent, cost in raw:
        if kind == "link_down":
            key = link_key(*target)
            if key in failed:
                continue  # already down, as netsim ignores it
            failed[key] = (BLOCK if silent else LINK_DOWN, target[0], target[1])
            out.append(Action(t, index, failed[key][0], target[0], target[1]))
        elif kind == "link_up":
            how = failed.pop(link_key(*target), None)
            if how is None:
                continue
            out.append(Action(t, index, UNBLOCK if how[0] == BLOCK else LINK_UP, how[1], how[2]))
        elif kind == "node_down":
            if target[0] not in crashed:
                crashed.add(target[0])
                out.append(Action(t, index, CRASH, target[0]))
        elif kind == "node_up":
            if target[0] in crashed:
                crashed.discard(target[0])
                out.append(Action(t, index, RESTART, target[0]))
        else:
            assert cost is not None
            sender, value = cost
            other = target[1] if sender == target[0] else target[0]
            out.append(Action(t, index, COST, sender, other, value))
    return out


def topology_up(action: Action) -> bool | None:
    """The physical state the action leaves its link or router in (None: unchanged, a cost change)."""
    return _TOPOLOGY_UP.get(action.op)


def apply_action(lab: Any, action: Action, now: Any) -> AppliedAction:
    """Do ``action`` to ``lab`` (a :class:`~netsim.validate.lab.Lab`); ``now()`` is the lab clock."""
    before = now()
    op = action.op
    if op in (LINK_DOWN, LINK_UP):
        lab.set_link_admin(action.a, action.b, up=(op == LINK_UP))
    elif op in (BLOCK, UNBLOCK):
        lab.block_link(action.a, action.b, blocked=(op == BLOCK))
    elif op == CRASH:
        lab.kill_router(action.a)
    elif op == RESTART:
        lab.start_router(action.a)
    elif op == COST:
        assert action.cost is not None
        lab.set_cost(action.a, action.b, action.cost)
    else:  # pragma: no cover - plan_actions makes no other
        raise NetsimError(f"unknown lab action {op}")
    after = now()
    # A crash and a restart take effect when they start (the kill, the launch); a silent failure or
    # cost change touches two ends one after the other, so the midpoint is the best single instant.
    effective = before if op in (CRASH, RESTART) else after if op in (LINK_DOWN, LINK_UP) else (before + after) / 2
    return AppliedAction(action, before, after, effective)
