"""The distance-vector decision rules of RFC 2453 §3.9.2: pure code, no SimPy, no timers.

:func:`apply_response` takes a router's table, the neighbour an update came from, the cost of
the interface it came in on, and the advertised vector, and returns the changes it makes and
the rule behind each.  :func:`advertise` builds the vector a router sends to one neighbour
under the three split-horizon modes.  The timers that decide *when* these run live in
:mod:`netsim.protocols.distvector.protocol`.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping, Sequence
from itertools import compress

from netsim.records import record


class DvRoute:
    """A routing-table entry: metric, next hop, when it expires, and garbage-collection time."""

    __slots__ = ("metric", "next_hop", "expires", "gc_at")

    def __init__(self, metric: float, next_hop: str, expires: float, gc_at: float | None = None) -> None:
        self.metric = metric
        self.next_hop = next_hop
        self.expires = expires
        self.gc_at = gc_at

    def __repr__(self) -> str:
        return f"DvRoute({self.metric}, {self.next_hop!r}, expires={self.expires}, gc_at={self.gc_at})"


@record
class DvChange:
    """One entry changed: old and new (metric, next hop); ``None`` for no entry."""

    dest: str
    old: tuple[float, str] | None
    new: tuple[float, str]
    rule: str
    advertised: float


#: Rules, as named in the narrated timeline.
NEW_ROUTE = "new route"
BETTER = "better metric from another neighbour"
SAME_HOP = "same next hop changed its metric"
SAME_HOP_UNREACHABLE = "same next hop now advertises infinity"


def apply_response(table: dict[str, DvRoute], local: Container[str], neighbor: str, link_cost: float,
                   entries: Iterable[tuple[str, float]], now: float, timeout: float,
                   infinity: float, refreshed: list[DvRoute] | None = None) -> list[DvChange]:
    """Apply one received vector to ``table`` in place (RFC 2453 §3.9.2).

    * A new destination with a finite metric is adopted.
    * From the current next hop, the route is refreshed and any new metric is adopted, even a
      worse one: that is what makes counting to infinity possible.
    * From another neighbour, only a strictly better metric replaces the route.
    * A route that becomes unreachable keeps its entry (metric = infinity) for garbage
      collection; the caller starts that timer.

    ``refreshed``, when given, receives each route refreshed at its unchanged metric (once per
    entry that refreshed it): the caller's steady-state shortcut remembers them.
    """
    changes: list[DvChange] = []
    expires = now + timeout
    lookup = table.get
    for dest, adv in entries:
        metric = adv + link_cost
        if metric > infinity:
            metric = infinity
        cur = lookup(dest)
        if cur is None:
            if metric < infinity and dest not in local:  # not our own loopback or prefix
                table[dest] = DvRoute(metric, neighbor, expires)
                changes.append(DvChange(dest, None, (metric, neighbor), NEW_ROUTE, adv))
            continue
        if cur.next_hop == neighbor:
            if metric == cur.metric:  # the common case: a refresh from the current next hop
                if metric < infinity:
                    cur.expires = expires
                    if refreshed is not None:
                        refreshed.append(cur)
                continue
            if dest in local:
                continue
            if metric < infinity:
                cur.expires = expires
            old = (cur.metric, cur.next_hop)
            cur.metric = metric
            if metric >= infinity:
                rule = SAME_HOP_UNREACHABLE
            else:
                rule = SAME_HOP
                cur.gc_at = None
            changes.append(DvChange(dest, old, (metric, neighbor), rule, adv))
        elif metric < cur.metric and dest not in local:
            old = (cur.metric, cur.next_hop)
            cur.metric, cur.next_hop, cur.expires, cur.gc_at = metric, neighbor, expires, None
            changes.append(DvChange(dest, old, (metric, neighbor), BETTER, adv))
    return changes


def advertise(table: Mapping[str, DvRoute], own: Sequence[tuple[str, float]], neighbor: str, mode: str,
              infinity: float, only: Iterable[str] | None = None) -> list[tuple[str, float]]:
    """The vector a router sends to ``neighbor``: its own destinations ``own`` (its loopback at
    metric 0, its prefixes at theirs) and its table.

    ``mode`` is ``none`` (advertise everything), ``simple`` (omit routes learned from that
    neighbour) or ``poison`` (advertise them with metric infinity: poisoned reverse).
    ``only`` restricts the vector to some destinations (triggered updates).
    """
    if only is None:
        head: list[tuple[str, float]] = list(own)
        items: Iterable[tuple[str, DvRoute]] = table.items()
    else:
        head = []
        items = [(d, table[d]) for d in only if d in table]
    # One comprehension per mode: a router sends its whole table to every neighbour every
    # update interval, so this runs for every entry of every periodic update.
    if mode == "none":
        return head + [(dest, route.metric) for dest, route in items]
    if mode == "simple":
        return head + [(dest, route.metric) for dest, route in items if route.next_hop != neighbor]
    return head + [(dest, infinity if route.next_hop == neighbor else route.metric) for dest, route in items]


class VectorBase:
    """What :func:`advertise` reads of a router's table, taken once per table version and shared
    by the vectors to each of its neighbours.

    Why: a periodic update sends the whole table to every neighbour, and while the table changes
    often (the first seconds of a run, a failure) each version's vectors are built anew.  One
    pass over the table then serves every neighbour: with simple split horizon a neighbour's
    vector is the same entries with those through it left out, selected without a Python loop.
    :meth:`vector` returns exactly ``tuple(advertise(table, own, neighbor, mode, infinity))``.
    """

    __slots__ = ("head", "pairs", "hops")

    def __init__(self, table: Mapping[str, DvRoute], own: Sequence[tuple[str, float]]) -> None:
        self.head = tuple(own)
        self.pairs = [(dest, route.metric) for dest, route in table.items()]
        self.hops = [route.next_hop for route in table.values()]

    def vector(self, neighbor: str, mode: str, infinity: float) -> tuple[tuple[str, float], ...]:
        if mode == "none":
            return self.head + tuple(self.pairs)
        if mode == "simple":
            return self.head + tuple(compress(self.pairs, map(neighbor.__ne__, self.hops)))
        return self.head + tuple([(dest, infinity if hop == neighbor else metric)
                                  for (dest, metric), hop in zip(self.pairs, self.hops, strict=True)])
