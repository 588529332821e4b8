"""The append-only record of one simulation run.

Everything a user sees (metrics, tables at a time, the narrated timeline, plots, the replay) is a
pure function of a :class:`Trace`.  Records are frozen, slotted dataclasses so they are cheap and
cannot be edited after the fact.

Decisions are data, not text: a protocol records a :class:`Note` -- a typed record with a
``kind`` and its fields -- and words are made only when something is displayed
(:meth:`Note.text`, :meth:`Note.reason`).  A FIB change names the note that explains it as its
``cause``, so ``netsim explain`` can print the chain from a failure to every route it moved, and
metrics read fields (a damping suppression's time and route) instead of parsing sentences.

Protocol messages are by far the most numerous happening, so they are kept as parallel compact
arrays (:class:`MessageLog`) rather than one object each.  FIBs loaded as a checkpoint at t=0 (a
warm start) are not route changes: they are kept once, as column tables (:class:`FibTable`) in
:attr:`Trace.initial_fibs`, instead of one :class:`RouteChange` per entry (a 3,800-router
network has 14.5 M of them).
"""

from __future__ import annotations

import math
import struct
from array import array
from collections.abc import ItemsView, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from netsim.numeric import fmt_num
from netsim.records import record


@record
class Route:
    """One FIB entry: the set of equal-cost next hops and the path cost."""

    next_hops: tuple[str, ...]
    cost: float

    def describe(self) -> str:
        hops = ",".join(self.next_hops) if self.next_hops else "-"
        return f"via {hops} cost {fmt_num(self.cost)}"


class Note:
    """A typed record of something a router decided, and why.

    Subclasses are frozen, slotted dataclasses with a class-level ``kind`` (the narration
    category: ``adjacency``, ``spf``, ``dv-update`` ...) and their own fields.  ``essential``
    notes are kept even when narration is off, because a metric reads them (route-flap damping
    figures); the others are kept only for ``netsim explain`` and similar displays.
    """

    __slots__ = ()
    kind: ClassVar[str] = "note"
    essential: ClassVar[bool] = False

    def text(self) -> str:
        """What happened, in words (for display only)."""
        return self.kind

    def reason(self) -> str:
        """Why it happened ("" when the text says it all)."""
        return ""

    def as_cause(self, router: str) -> str:
        """How a FIB change at ``router`` names this note as its cause."""
        why = self.reason()
        return f"{self.text()}: {why}" if why else self.text()


@record
class RouteChange:
    """A FIB entry of ``router`` for ``dest`` changed from ``old`` to ``new`` (None = no entry)."""

    time: float
    router: str
    dest: str
    old: Route | None
    new: Route | None
    cause: Note


@record
class Decision:
    """A note recorded by ``router`` at ``time``."""

    time: float
    router: str
    note: Note

    @property
    def kind(self) -> str:
        return self.note.kind

    @property
    def text(self) -> str:
        """The note in words: ``what: why``."""
        why = self.note.reason()
        return f"{self.note.text()}: {why}" if why else self.note.text()


@record
class ScriptedEvent:
    """A scenario event as it was applied (one per entry of the scenario's ``events``)."""

    index: int
    time: float
    kind: str
    target: tuple[str, ...]
    detail: str


@record
class TopologyChange:
    """The physical topology changed: a link's state or cost, or a node's state.

    ``a``/``b`` name a link (``b`` is empty for a node change).  ``up`` is the new state,
    ``cost_ab`` / ``cost_ba`` the link's cost in each direction after the change, and ``silent``
    whether the routers were told (a silent failure: carrier stays up).  ``event`` is the index
    of the scripted event that caused it.  ``attrs`` holds the interface attributes changed so
    far in the run (``set_link``), as sorted (router end, key, value).
    """

    time: float
    a: str
    b: str
    up: bool
    cost_ab: float
    cost_ba: float
    event: int
    silent: bool = False
    attrs: tuple[tuple[str, str, float], ...] = ()

    @property
    def cost(self) -> float:
        """The a→b cost (the cost, for the symmetric links most scenarios have)."""
        return self.cost_ab


# -- notes shared by several protocols (and read by metrics) ---------------------------------------
@record
class InitialFib(Note):
    """An entry of a FIB loaded as a checkpoint at t=0 (a warm start)."""

    kind: ClassVar[str] = "initial"

    def text(self) -> str:
        return "initial FIB (checkpoint at t=0)"


@record
class InterfaceChanged(Note):
    """The router saw its interface to ``neighbor`` go up or down (carrier or BFD)."""

    kind: ClassVar[str] = "interface"
    neighbor: str
    up: bool
    consequence: str = ""

    def text(self) -> str:
        return f"interface to {self.neighbor} {'up' if self.up else 'down'}"

    def reason(self) -> str:
        return self.consequence

    def as_cause(self, router: str) -> str:
        return self.text()


@record
class CostChanged(Note):
    """The configured cost of the interface to ``neighbor`` changed."""

    kind: ClassVar[str] = "interface"
    neighbor: str
    cost: float
    consequence: str = ""

    def text(self) -> str:
        return f"cost of interface to {self.neighbor} now {fmt_num(self.cost)}"

    def reason(self) -> str:
        return self.consequence


@record
class RouteFlapped(Note):
    """Route-flap damping (RFC 2439) counted a flap of the route to ``dest`` learned from ``via``."""

    kind: ClassVar[str] = "damping"
    essential: ClassVar[bool] = True
    dest: str
    via: str
    flaps: int
    penalty: float

    def text(self) -> str:
        return f"flap: route to {self.dest} via {self.via} flap {self.flaps}, penalty {self.penalty:.0f}"


@record
class RouteSuppressed(Note):
    """Damping suppressed the route: not used nor advertised until ``reuse_at``."""

    kind: ClassVar[str] = "damping"
    essential: ClassVar[bool] = True
    dest: str
    via: str
    penalty: float
    reuse_at: float

    def text(self) -> str:
        return (f"suppress: route to {self.dest} via {self.via} suppressed (penalty {self.penalty:.0f}), "
                f"reuse expected at t={self.reuse_at:.3f}")


@record
class RouteReused(Note):
    """The damping penalty decayed below the reuse threshold: the route is usable again."""

    kind: ClassVar[str] = "damping"
    essential: ClassVar[bool] = True
    dest: str
    via: str
    penalty: float

    def text(self) -> str:
        return f"reuse: route to {self.dest} via {self.via} reused (penalty {self.penalty:.0f})"


class PathChoice(Note):
    """A path-vector router chose a new best path to a destination (or lost it): what the
    path-exploration metrics count.  Subclasses provide the two properties."""

    __slots__ = ()
    essential: ClassVar[bool] = True

    @property
    def chosen_dest(self) -> str:
        raise NotImplementedError

    @property
    def chosen_path(self) -> tuple[int, ...] | None:
        """The new best path (AS numbers, nearest first), None when no route is left."""
        raise NotImplementedError


class UpdatesSent(Note):
    """A router sent an update: how many destinations it announced and withdrew (metrics read it)."""

    __slots__ = ()
    essential: ClassVar[bool] = True

    @property
    def announced_count(self) -> int:
        raise NotImplementedError

    @property
    def withdrawn_count(self) -> int:
        raise NotImplementedError


@record
class Narration(Note):
    """Free text, for tests and tools that make traces by hand (never used by the protocols)."""

    kind: ClassVar[str] = "note"
    words: str

    def text(self) -> str:
        return self.words


@dataclass(slots=True)
class MessageLog:
    """Protocol packets put on a wire, one row each, as parallel compact columns.

    ``times`` is the send time, ``sizes`` the bytes and ``counts`` the packets the row stands for
    (a RIP update of 60 routes is 3 packets), ``src`` / ``dst`` index :attr:`Trace.routers`,
    ``kinds`` indexes :attr:`kind_names` (the message class's ``kind``: ``hello``, ``lsu`` ...),
    and ``arrivals`` is when it reached ``dst``, NaN when it never did (link down, lost).
    Columns keep a million messages in a few tens of megabytes.
    """

    times: array = field(default_factory=lambda: array("d"))
    sizes: array = field(default_factory=lambda: array("q"))
    counts: array = field(default_factory=lambda: array("q"))
    src: array = field(default_factory=lambda: array("i"))
    dst: array = field(default_factory=lambda: array("i"))
    kinds: array = field(default_factory=lambda: array("h"))
    arrivals: array = field(default_factory=lambda: array("d"))
    kind_names: list[str] = field(default_factory=list)
    _kind_index: dict[str, int] = field(default_factory=dict)

    def kind_id(self, kind: str) -> int:
        """The column value of a message kind (added on first use)."""
        k = self._kind_index.get(kind)
        if k is None:
            k = self._kind_index[kind] = len(self.kind_names)
            self.kind_names.append(kind)
        return k

    def add(self, time: float, size: int, count: int = 1, src: int = -1, dst: int = -1, kind: int = -1,
            arrival: float = math.nan) -> None:
        self.times.append(time)
        self.sizes.append(size)
        self.counts.append(count)
        self.src.append(src)
        self.dst.append(dst)
        self.kinds.append(kind)
        self.arrivals.append(arrival)

    def extend_rows(self, rows: PendingRows) -> None:
        """Append the rows ``rows`` holds, in their order, and empty it."""
        self._extend_columns(rows.columns())

    def add_columns(self, lists: tuple[list[Any], ...]) -> None:
        """Append rows given as seven lists, one per column in :meth:`columns`' order (emptied)."""
        self._extend_columns(lists)

    def _extend_columns(self, lists: tuple[list[Any], ...]) -> None:
        if not lists[0]:
            return
        columns = self.columns()
        packed = [_column_bytes(col.typecode, values) for col, values in zip(columns, lists, strict=True)]
        for col, data, values in zip(columns, packed, lists, strict=True):  # all or nothing
            col.frombytes(data)
            values.clear()

    def columns(self) -> tuple[array, ...]:
        """The seven columns, in :meth:`add`'s order."""
        return (self.times, self.sizes, self.counts, self.src, self.dst, self.kinds, self.arrivals)

    def add_many(self, times: Sequence[float], arrivals: Sequence[float], size: int, count: int, src: int, dst: int,
                 kind: int) -> None:
        """Rows for copies of one message sent at ``times`` (a repeated hello), in one go."""
        n = len(times)
        self.times.extend(times)
        self.arrivals.extend(arrivals)
        self.sizes.extend(array("q", [size]) * n)
        self.counts.extend(array("q", [count]) * n)
        self.src.extend(array("i", [src]) * n)
        self.dst.extend(array("i", [dst]) * n)
        self.kinds.extend(array("h", [kind]) * n)

    def sort_from(self, start: int, ahead: Sequence[tuple[int, int]] = ()) -> None:
        """Put rows ``start:`` in send-time order; among rows of equal time, those in the ``ahead``
        ranges (``[i, j)`` row indices) first, each group in its present order.

        Why: the metrics find a time window's messages by binary search on ``times``.  Rows are
        appended in time order except for the copies a periodic stream logs late (``ahead``: the
        timer they stand for was set an interval earlier, so at a tie it would have run before
        most events of that instant).  The caller guarantees that rows before ``start`` are sorted
        and precede every later row.
        """
        order = _tail_order(self.times, start, ahead)
        if order is None:
            return
        for col in self.columns():
            sorted_tail = _reordered(col, start, order)
            del col[start:]
            col.frombytes(sorted_tail)

    def __len__(self) -> int:
        return len(self.times)

    def total_packets(self) -> int:
        return int(sum(self.counts))


class PendingRows:
    """Message-log rows not yet in the log's columns: seven plain lists, appended to by
    :attr:`add` (:meth:`MessageLog.add`'s arguments) and moved into the log by
    :meth:`MessageLog.extend_rows` -- by the owner whenever it wants the log complete, and by
    :attr:`add` itself every ``limit`` rows, so the lists stay small.

    Why: the network logs a row for every message it carries, and appending one number to an
    ``array`` converts and checks it on its own (about 500 machine instructions a column);
    appending to a list costs a tenth of that, and ``struct`` packs a whole list at once."""

    __slots__ = ("times", "sizes", "counts", "src", "dst", "kinds", "arrivals", "add", "_lists")

    def __init__(self, log: MessageLog, limit: int = 1 << 16) -> None:
        lists: tuple[list[Any], ...] = tuple([] for _ in range(7))  # in MessageLog.columns()' order
        self._lists = lists
        self.times, self.sizes, self.counts, self.src, self.dst, self.kinds, self.arrivals = lists
        times = lists[0]
        t, sz, c, s, d, k, a = (col.append for col in lists)
        spill = log._extend_columns  # (not through self: the closure would keep it in a cycle)

        def add(time: float, size: int, count: int, source: int, dest: int, kind: int, arrival: float) -> None:
            t(time)
            sz(size)
            c(count)
            s(source)
            d(dest)
            k(kind)
            a(arrival)
            if len(times) >= limit:
                spill(lists)

        self.add = add

    def columns(self) -> tuple[list[Any], ...]:
        return self._lists


def _column_bytes(typecode: str, values: list[Any]) -> bytes:
    """``array(typecode, values).tobytes()``, packed in one call; refuses what the array would
    refuse (a fraction in an integer column, a number out of the column's range)."""
    try:
        return struct.pack(f"{len(values)}{typecode}", *values)
    except struct.error as exc:
        raise TypeError(f"message-log column {typecode!r}: {exc}") from None


# Neither function makes a numpy view of a column, only of a copy of its tail: a column cannot be
# resized while a view of it lives, and a view can outlive a ``del`` -- a debugger or profiler that
# reads a frame's local variables, or a sampler (Dask's worker profiler) holding a frame object
# past its function's return, keeps its locals alive.  The copies cost a memcpy of the tail.
def _tail_order(times: array, start: int, ahead: Sequence[tuple[int, int]]) -> np.ndarray | None:
    """The order that sorts rows ``start:`` as :meth:`MessageLog.sort_from` says; None if they are."""
    n = len(times) - start
    if n < 2:
        return None
    tail = np.frombuffer(times[start:], dtype=np.float64)
    if not ahead and bool(np.all(tail[1:] >= tail[:-1])):
        return None
    late = np.ones(n, dtype=np.int8)
    for i, j in ahead:
        late[i - start:j - start] = 0
    order = np.lexsort((late, tail))  # lexsort is stable: equal keys keep their order
    return None if bool(np.all(order[1:] > order[:-1])) else order


def _reordered(col: array, start: int, order: np.ndarray) -> bytes:
    """Rows ``start:`` of ``col`` in ``order``, as bytes."""
    return np.frombuffer(col[start:], dtype=np.dtype(col.typecode))[order].tobytes()


class FibTable(Mapping[str, Route]):
    """One router's FIB as columns: a read-only ``Mapping[str, Route]`` over a shared destination list.

    Why columns: a warm-started router holds a route to every other router, so a network of N
    routers loads N² entries at t=0.  As columns an entry costs 12 bytes (a float64 cost, an int32
    index into the few distinct next-hop tuples) instead of a dict slot plus a ``Route`` object,
    and the observer can judge a whole table with array operations (:mod:`netsim.analysis.metrics`).
    ``Route`` objects are built on access and interned per (next hops, cost), so the ones handed
    out are shared.  Costs are floats, as an SPF over float link costs produces them.
    """

    __slots__ = ("dests", "index", "costs", "choice", "choices", "_routes", "_len")

    def __init__(self, dests: Sequence[str], index: Mapping[str, int], costs: np.ndarray, choice: np.ndarray,
                 choices: Sequence[tuple[str, ...]]) -> None:
        """``dests[j]`` has cost ``costs[j]`` via ``choices[choice[j]]``; ``choice[j] < 0``: no entry.

        ``dests`` and ``index`` (name -> position in ``dests``) are meant to be shared by every
        router's table; the arrays are made read-only so the recorded state cannot change later.
        """
        if len(costs) != len(dests) or len(choice) != len(dests):
            raise ValueError("FibTable: costs and choice must have one element per destination")
        self.dests = dests
        self.index = index
        self.costs = np.asarray(costs, dtype=np.float64)
        self.choice = np.asarray(choice, dtype=np.int32)
        self.costs.flags.writeable = False
        self.choice.flags.writeable = False
        self.choices = tuple(tuple(c) for c in choices)
        self._routes: dict[tuple[int, float], Route] = {}
        self._len = int(np.count_nonzero(self.choice >= 0))

    def _route(self, j: int) -> Route:
        return self._intern(int(self.choice[j]), float(self.costs[j]))

    def __getitem__(self, dest: str) -> Route:
        j = self.index.get(dest)
        if j is None or self.choice[j] < 0:
            raise KeyError(dest)
        return self._route(j)

    def get(self, dest: str, default: Route | None = None) -> Route | None:  # type: ignore[override]
        """Without raising and catching a KeyError per miss (replays look entries up one by one)."""
        j = self.index.get(dest)
        if j is None or self.choice[j] < 0:
            return default
        return self._route(j)

    def __contains__(self, dest: object) -> bool:
        j = self.index.get(dest)  # type: ignore[call-overload]
        return j is not None and bool(self.choice[j] >= 0)

    def items(self) -> ItemsView[str, Route]:
        """Items in destination order, built with array operations rather than a lookup per entry."""
        return _FibItems(self)

    def __iter__(self) -> Iterator[str]:
        dests = self.dests
        return (dests[j] for j in np.flatnonzero(self.choice >= 0).tolist())

    def __len__(self) -> int:
        return self._len

    def to_dict(self) -> dict[str, Route]:
        """A plain, mutable copy (entries in destination order); the ``Route`` objects are shared."""
        return dict(self._pairs())

    def _pairs(self) -> Iterator[tuple[str, Route]]:
        """(dest, route) in destination order.

        Built with one Python step per distinct (next hops, cost) rather than per destination:
        replays of a non-lazy world copy every table, and results list every table (sorted).
        """
        cols = np.flatnonzero(self.choice >= 0)
        if not len(cols):
            return iter(())
        ucost, cost_at = np.unique(self.costs[cols], return_inverse=True)
        key = cost_at.reshape(-1).astype(np.int64) * len(self.choices) + self.choice[cols]
        ukey, which = np.unique(key, return_inverse=True)
        costs = ucost.tolist()
        routes = np.empty(len(ukey), dtype=object)
        routes[:] = [self._intern(k % len(self.choices), costs[k // len(self.choices)]) for k in ukey.tolist()]
        names = self._names_array()
        return zip(names[cols].tolist(), routes[which.reshape(-1)].tolist(), strict=True)

    def _intern(self, h: int, cost: float) -> Route:
        route = self._routes.get((h, cost))
        if route is None:
            route = self._routes[(h, cost)] = Route(self.choices[h], cost)
        return route

    def _names_array(self) -> np.ndarray:
        """``dests`` as an object array, shared by the tables that share ``dests``."""
        cached = _NAMES.get(id(self.dests))
        if cached is None or cached[0] is not self.dests:
            arr = np.empty(len(self.dests), dtype=object)
            arr[:] = list(self.dests)
            cached = _NAMES[id(self.dests)] = (self.dests, arr)
            while len(_NAMES) > 4:  # tables of a few runs at most are alive at once
                del _NAMES[next(iter(_NAMES))]
        return cached[1]


_NAMES: dict[int, tuple[Sequence[str], np.ndarray]] = {}


class _FibItems(ItemsView[str, Route]):
    """Items of a :class:`FibTable` without a lookup per entry."""

    _mapping: FibTable

    def __iter__(self) -> Iterator[tuple[str, Route]]:
        return self._mapping._pairs()


@dataclass(slots=True)
class Trace:
    """Everything that happened in one run, in the order it happened."""

    routers: tuple[str, ...]
    route_changes: list[RouteChange] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    events: list[ScriptedEvent] = field(default_factory=list)
    topology_changes: list[TopologyChange] = field(default_factory=list)
    messages: MessageLog = field(default_factory=MessageLog)
    end_time: float = 0.0
    narrate: bool = True
    #: FIBs in force at t=0 that were loaded as a checkpoint (a warm start), router -> table, with
    #: no RouteChange records for them; ``None`` when every router started with an empty FIB.
    #: Replays (:mod:`netsim.analysis.replay`) start from these tables.
    initial_fibs: dict[str, Mapping[str, Route]] | None = None

    def decide(self, time: float, router: str, note: Note) -> None:
        """Record ``note``; with narration off only notes a metric reads (``essential``) are kept."""
        if self.narrate or note.essential:
            self.decisions.append(Decision(time, router, note))

    def changes_between(self, start: float, end: float) -> Iterator[RouteChange]:
        """Route changes with ``start <= time < end`` (linear; the list is time-ordered)."""
        for rc in self.route_changes:
            if rc.time >= end:
                break
            if rc.time >= start:
                yield rc
