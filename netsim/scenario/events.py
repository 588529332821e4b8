"""Scripted events: one class per kind, each knowing how to parse itself, describe itself and
play itself on a network.

A scenario's ``events:`` entry names exactly one kind (``{at: 60, link_down: [r1, r2]}``); the
loader looks the kind up in :data:`EVENT_KINDS` and lets the class parse the entry with the
loader's checking helpers (:class:`Checker`).  At run time :meth:`Event.schedule` turns the event
into timed network actions through a small network interface (:class:`NetworkActions`), so this
module knows no engine.  A new kind is one class here, decorated with :func:`event_kind`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import fields, replace
from typing import Any, ClassVar, Protocol

from netsim.numeric import fmt_num
from netsim.records import record

Link = tuple[str, str]


class NetworkActions(Protocol):
    """What an event may do to the network (the engine's ``Network`` provides it)."""

    def at(self, time: float, fn: Callable[..., None], *args: Any) -> Any: ...
    def scripted(self, record: Any) -> None: ...
    def link_down(self, a: str, b: str, *, silent: bool, carrier_delay: float, event: int) -> None: ...
    def link_up(self, a: str, b: str, *, carrier_delay: float, event: int) -> None: ...
    def node_down(self, name: str, *, event: int) -> None: ...
    def node_up(self, name: str, *, event: int) -> None: ...
    def set_cost(self, a: str, b: str, costs: Mapping[str, float], *, event: int) -> None: ...
    def set_link_attrs(self, a: str, b: str, values: Mapping[str, Mapping[str, float]], *, event: int) -> None: ...
    def set_loss(self, a: str, b: str, loss: Mapping[str, float]) -> None: ...


class Checker(Protocol):
    """The loader's checking helpers an event uses to parse itself (errors name file and line)."""

    def fail(self, line: int, key: str, message: str) -> Exception: ...
    def number(self, mapping: Any, key: str, label: str, *, positive: bool = False,
               integer: bool = False) -> float: ...
    def router(self, value: Any, line: int, label: str) -> str: ...
    def link(self, value: Any, line: int, label: str) -> Link: ...
    def links(self, value: Any, line: int, label: str) -> tuple[Link, ...]: ...
    def cost_map(self, value: Any, line: int, label: str, link: Link, what: str = "cost") -> dict[str, float]: ...
    def loss_map(self, value: Any, line: int, label: str, link: Link) -> dict[str, float]: ...


@record
class Event:
    """One scripted event.  ``index`` is its position in time order; ``line`` its line in the file."""

    kind: ClassVar[str]
    #: Keys besides ``at`` and the kind that an entry of this kind may carry.
    modifiers: ClassVar[tuple[str, ...]] = ()

    index: int
    time: float
    line: int = 0

    @classmethod
    def parse(cls, chk: Checker, item: Mapping[str, Any], label: str, time: float, line: int,
              carrier_delay: float) -> Event:
        raise NotImplementedError

    @property
    def target(self) -> tuple[str, ...]:
        """The routers the event names (a link's two ends, or one router)."""
        raise NotImplementedError

    @property
    def end_time(self) -> float:
        """When the event's last change happens (a flap spans several)."""
        return self.time

    def describe(self) -> str:
        raise NotImplementedError

    def schedule(self, net: NetworkActions, record: Any) -> None:
        """Announce the event at its time (``record`` goes in the trace), then make its changes."""
        net.at(self.time, net.scripted, record)
        self._changes(net)

    def _changes(self, net: NetworkActions) -> None:
        raise NotImplementedError

    def loss_changes(self) -> Iterable[tuple[Link, float, Mapping[str, float]]]:
        """(link, time, sender → loss) for events that change a link's loss."""
        return ()

    def with_index(self, index: int) -> Event:
        return replace(self, index=index)

    def field_values(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


EVENT_KINDS: dict[str, type[Event]] = {}


def event_kind(cls: type[Event]) -> type[Event]:
    """Class decorator: make ``cls`` a scenario event kind under ``cls.kind``."""
    EVENT_KINDS[cls.kind] = cls
    return cls


def _dash(link: Link) -> str:
    return "–".join(link)


def _state(silent: bool) -> str:
    return f"down ({'silent' if silent else 'carrier loss'})"


@record
class _LinkEvent(Event):
    """An event on one link or on a shared-risk group of links failing or healing together."""

    links: tuple[Link, ...] = ()
    carrier_delay: float = 0.0
    #: True when the entry named several links (a shared-risk group), for the description.
    group: bool = False

    @property
    def target(self) -> tuple[str, ...]:
        return tuple(n for k in self.links for n in k)

    @classmethod
    def _links(cls, chk: Checker, value: Any, line: int, label: str) -> tuple[tuple[Link, ...], bool]:
        if isinstance(value, list) and value and all(isinstance(x, list) for x in value):
            return chk.links(value, line, label), True
        return (chk.link(value, line, label),), False


@event_kind
@record
class LinkDown(_LinkEvent):
    """A link (or several: a shared-risk group) goes down: carrier loss, or silently."""

    kind: ClassVar[str] = "link_down"
    modifiers: ClassVar[tuple[str, ...]] = ("silent", "carrier_delay")
    silent: bool = False

    @classmethod
    def parse(cls, chk: Checker, item: Mapping[str, Any], label: str, time: float, line: int,
              carrier_delay: float) -> Event:
        links, group = cls._links(chk, item[cls.kind], line, f"{label}.{cls.kind}")
        return cls(0, time, line, links, _carrier(chk, item, label, carrier_delay), group, _silent(chk, item, label))

    def describe(self) -> str:
        if self.group:
            return f"links {', '.join(map(_dash, self.links))} {_state(self.silent)} (shared risk)"
        return f"link {_dash(self.links[0])} {_state(self.silent)}"

    def _changes(self, net: NetworkActions) -> None:
        for a, b in self.links:
            net.at(self.time, _call(net.link_down, a, b, silent=self.silent, carrier_delay=self.carrier_delay,
                                    event=self.index))


@event_kind
@record
class Srlg(LinkDown):
    """A shared-risk link group: every listed link goes down at the same instant."""

    kind: ClassVar[str] = "srlg"

    @classmethod
    def parse(cls, chk: Checker, item: Mapping[str, Any], label: str, time: float, line: int,
              carrier_delay: float) -> Event:
        links = chk.links(item[cls.kind], line, f"{label}.{cls.kind}")
        return cls(0, time, line, links, _carrier(chk, item, label, carrier_delay), True, _silent(chk, item, label))


@event_kind
@record
class LinkUp(_LinkEvent):
    """A link (or several) comes back up; the routers see the carrier after ``carrier_delay``."""

    kind: ClassVar[str] = "link_up"
    modifiers: ClassVar[tuple[str, ...]] = ("carrier_delay",)

    @classmethod
    def parse(cls, chk: Checker, item: Mapping[str, Any], label: str, time: float, line: int,
              carrier_delay: float) -> Event:
        links, group = cls._links(chk, item[cls.kind], line, f"{label}.{cls.kind}")
        return cls(0, time, line, links, _carrier(chk, item, label, carrier_delay), group)

    def describe(self) -> str:
        if self.group:
            return f"links {', '.join(map(_dash, self.links))} up (shared risk)"
        return f"link {_dash(self.links[0])} up"

    def _changes(self, net: NetworkActions) -> None:
        for a, b in self.links:
            net.at(self.time, _call(net.link_up, a, b, carrier_delay=self.carrier_delay, event=self.index))


@record
class _NodeEvent(Event):
    """An event on one router."""

    node: str = ""

    @property
    def target(self) -> tuple[str, ...]:
        return (self.node,)

    @classmethod
    def parse(cls, chk: Checker, item: Mapping[str, Any], label: str, time: float, line: int,
              carrier_delay: float) -> Event:
        return cls(0, time, line, chk.router(item[cls.kind], line, f"{label}.{cls.kind}"))


@event_kind
@record
class NodeDown(_NodeEvent):
    """A router crashes: it loses every piece of state, silently for its neighbours."""

    kind: ClassVar[str] = "node_down"

    def describe(self) -> str:
        return f"router {self.node} crashes"

    def _changes(self, net: NetworkActions) -> None:
        net.at(self.time, _call(net.node_down, self.node, event=self.index))


@event_kind
@record
class NodeUp(_NodeEvent):
    """A crashed router restarts with empty state."""

    kind: ClassVar[str] = "node_up"

    def describe(self) -> str:
        return f"router {self.node} restarts"

    def _changes(self, net: NetworkActions) -> None:
        net.at(self.time, _call(net.node_up, self.node, event=self.index))


@event_kind
@record
class SetCost(_LinkEvent):
    """A link's cost changes (``cost: 5``, or per sending end ``cost: {r1: 5, r2: 7}``)."""

    kind: ClassVar[str] = "set_cost"
    modifiers: ClassVar[tuple[str, ...]] = ("cost",)
    costs: tuple[tuple[str, float], ...] = ()

    @classmethod
    def parse(cls, chk: Checker, item: Mapping[str, Any], label: str, time: float, line: int,
              carrier_delay: float) -> Event:
        link = chk.link(item[cls.kind], line, f"{label}.{cls.kind}")
        if "cost" not in item:
            raise chk.fail(line, label, "set_cost needs 'cost'")
        costs = chk.cost_map(item["cost"], getattr(item, "line_of", lambda k: line)("cost"), f"{label}.cost", link)
        return cls(0, time, line, (link,), carrier_delay, False, tuple(sorted(costs.items())))

    @property
    def cost(self) -> float:
        """The new cost (for a symmetric change)."""
        return self.costs[0][1]

    def describe(self) -> str:
        values = {c for _n, c in self.costs}
        if len(values) == 1:
            return f"link {_dash(self.links[0])} cost → {fmt_num(self.costs[0][1])}"
        per = ", ".join(f"{fmt_num(c)} from {n}" for n, c in self.costs)
        return f"link {_dash(self.links[0])} cost → {per}"

    def _changes(self, net: NetworkActions) -> None:
        a, b = self.links[0]
        net.at(self.time, _call(net.set_cost, a, b, dict(self.costs), event=self.index))


@event_kind
@record
class Flap(_LinkEvent):
    """A link goes down every ``period`` seconds, ``count`` times, each time for ``down_time``."""

    kind: ClassVar[str] = "flap"
    modifiers: ClassVar[tuple[str, ...]] = ("period", "count", "down_time", "silent", "carrier_delay")
    period: float = 1.0
    count: int = 1
    down_time: float = 0.5
    silent: bool = False

    @classmethod
    def parse(cls, chk: Checker, item: Mapping[str, Any], label: str, time: float, line: int,
              carrier_delay: float) -> Event:
        link = chk.link(item[cls.kind], line, f"{label}.{cls.kind}")
        for key in ("period", "count"):
            if key not in item:
                raise chk.fail(line, label, f"flap needs '{key}'")
        period = chk.number(item, "period", f"{label}.period", positive=True)
        count = int(chk.number(item, "count", f"{label}.count", positive=True, integer=True))
        down = chk.number(item, "down_time", f"{label}.down_time", positive=True) if "down_time" in item \
            else period / 2
        if down >= period:
            raise chk.fail(getattr(item, "line_of", lambda k: line)("down_time"), f"{label}.down_time",
                           f"must be shorter than the period ({period:g} s)")
        return cls(0, time, line, (link,), _carrier(chk, item, label, carrier_delay), False, period, count, down,
                   _silent(chk, item, label))

    @property
    def end_time(self) -> float:
        return self.time + (self.count - 1) * self.period + self.down_time

    def describe(self) -> str:
        return f"link {_dash(self.links[0])} flaps {self.count}× every {self.period:g} s"

    def _changes(self, net: NetworkActions) -> None:
        a, b = self.links[0]
        for k in range(self.count):
            t = self.time + k * self.period
            net.at(t, _call(net.link_down, a, b, silent=self.silent, carrier_delay=self.carrier_delay,
                            event=self.index))
            net.at(t + self.down_time, _call(net.link_up, a, b, carrier_delay=self.carrier_delay, event=self.index))


@event_kind
@record
class SetLoss(_LinkEvent):
    """A link's packet loss changes (``loss: p`` both ways, or ``[p_ab, p_ba]``)."""

    kind: ClassVar[str] = "set_loss"
    modifiers: ClassVar[tuple[str, ...]] = ("loss",)
    loss: tuple[tuple[str, float], ...] = ()

    @classmethod
    def parse(cls, chk: Checker, item: Mapping[str, Any], label: str, time: float, line: int,
              carrier_delay: float) -> Event:
        raw = item[cls.kind]
        link = chk.link(raw, line, f"{label}.{cls.kind}")
        if "loss" not in item:
            raise chk.fail(line, label, "set_loss needs 'loss'")
        given = (chk.router(raw[0], line, label), chk.router(raw[1], line, label))
        loss = chk.loss_map(item["loss"], getattr(item, "line_of", lambda k: line)("loss"), f"{label}.loss", given)
        return cls(0, time, line, (link,), carrier_delay, False, tuple(sorted(loss.items())))

    def describe(self) -> str:
        return f"link {_dash(self.links[0])} loss → " + ", ".join(f"{p:g} from {n}" for n, p in self.loss)

    def _changes(self, net: NetworkActions) -> None:
        a, b = self.links[0]
        net.at(self.time, _call(net.set_loss, a, b, dict(self.loss)))

    def loss_changes(self) -> Iterable[tuple[Link, float, Mapping[str, float]]]:
        return ((self.links[0], self.time, dict(self.loss)),)


#: Interface attributes a ``set_link`` event may change: (meaning, smallest, largest value).
#: The ranges are what an EIGRP interface can be configured with.
LINK_ATTRIBUTES: dict[str, tuple[str, float, float]] = {
    "bandwidth": ("interface bandwidth in kbit/s", 1, 0xFFFFFFFF),
    "eigrp_delay": ("interface delay in µs", 10, 0xFFFFFF * 10),
}


@event_kind
@record
class SetLink(_LinkEvent):
    """An operator reconfigures a link's interfaces: new ``bandwidth`` and/or ``eigrp_delay``
    (one value for both ends, or per end ``{r1: x, r2: y}``).  Protocols whose metric does not
    read them (all but EIGRP) note the change and carry on, as a real router would."""

    kind: ClassVar[str] = "set_link"
    modifiers: ClassVar[tuple[str, ...]] = tuple(LINK_ATTRIBUTES)
    #: (router end, attribute, new value), sorted.
    values: tuple[tuple[str, str, float], ...] = ()

    @classmethod
    def parse(cls, chk: Checker, item: Mapping[str, Any], label: str, time: float, line: int,
              carrier_delay: float) -> Event:
        link = chk.link(item[cls.kind], line, f"{label}.{cls.kind}")
        given = [k for k in LINK_ATTRIBUTES if k in item]
        if not given:
            raise chk.fail(line, label, f"set_link needs {' or '.join(repr(k) for k in LINK_ATTRIBUTES)}")
        values = []
        for key in given:
            at = getattr(item, "line_of", lambda k: line)(key)
            meaning, lo, hi = LINK_ATTRIBUTES[key]
            for end, value in chk.cost_map(item[key], at, f"{label}.{key}", link, key).items():
                if not lo <= value <= hi:
                    raise chk.fail(at, f"{label}.{key}", f"{meaning} must be from {lo:g} to {hi:g}, got {value:g}")
                values.append((end, key, float(value)))
        return cls(0, time, line, (link,), carrier_delay, False, tuple(sorted(values)))

    def per_end(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for end, key, value in self.values:
            out.setdefault(end, {})[key] = value
        return out

    def describe(self) -> str:
        keys = sorted({k for _e, k, _v in self.values})
        parts = []
        for key in keys:
            vals = {e: v for e, k, v in self.values if k == key}
            if len(set(vals.values())) == 1:
                parts.append(f"{key} → {fmt_num(next(iter(vals.values())))}")
            else:
                parts.append(f"{key} → " + ", ".join(f"{fmt_num(v)} at {e}" for e, v in sorted(vals.items())))
        return f"link {_dash(self.links[0])} {'; '.join(parts)}"

    def _changes(self, net: NetworkActions) -> None:
        a, b = self.links[0]
        net.at(self.time, _call(net.set_link_attrs, a, b, self.per_end(), event=self.index))


def _call(fn: Callable[..., None], *args: Any, **kwargs: Any) -> Callable[[], None]:
    """``fn`` bound to its arguments, to run at the event's time."""
    return lambda: fn(*args, **kwargs)


def _silent(chk: Checker, item: Mapping[str, Any], label: str) -> bool:
    value = item.get("silent", False)
    if not isinstance(value, bool):
        raise chk.fail(getattr(item, "line_of", lambda k: 0)("silent"), f"{label}.silent", "must be true or false")
    return value


def _carrier(chk: Checker, item: Mapping[str, Any], label: str, default: float) -> float:
    if "carrier_delay" in item:
        return chk.number(item, "carrier_delay", f"{label}.carrier_delay")
    return default


def make_event(kind: str, time: float, *, target: Any, index: int = 0, **options: Any) -> Event:
    """An event built in Python rather than parsed from a file (studies, tests, notebooks).

    ``target`` is a router name (or a one-name tuple) for node events, ``(a, b)`` for one link, or
    ``((a, b), (c, d), ...)`` for a shared-risk group; ``options`` are the kind's modifiers
    (``silent``, ``carrier_delay``, ``costs`` or ``cost``, ``period``, ``count``, ``loss`` ...).
    """
    cls = EVENT_KINDS[kind]
    if issubclass(cls, _NodeEvent):
        node = target[0] if isinstance(target, tuple) else target
        return cls(index, float(time), 0, str(node))
    links = options.pop("links", None)
    group = links is not None or (bool(target) and isinstance(target[0], (tuple, list)))
    pairs = tuple(links) if links is not None else (tuple(target) if group else (tuple(target),))
    links_t = tuple((a, b) if a <= b else (b, a) for a, b in pairs)
    if "cost" in options:
        c = options.pop("cost")
        a, b = links_t[0]
        options["costs"] = tuple(sorted({a: c, b: c}.items())) if not isinstance(c, Mapping) \
            else tuple(sorted(c.items()))
    if "loss" in options and isinstance(options["loss"], Mapping):
        options["loss"] = tuple(sorted(options["loss"].items()))
    if cls is SetLink:
        a, b = links_t[0]
        vals = []
        for key in [k for k in LINK_ATTRIBUTES if k in options]:
            v = options.pop(key)
            per = v if isinstance(v, Mapping) else {a: v, b: v}
            vals.extend((str(e), key, float(x)) for e, x in per.items())
        options["values"] = tuple(sorted(vals))
    return cls(index, float(time), 0, links_t, group=group, **options)
