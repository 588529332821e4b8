"""A FIB kept as the table it started from plus its changes (copy on write, per entry).

Why: a warm-started router begins with a read-only column table of a route to every other
router (:class:`netsim.trace.FibTable`).  After one failure in a 3,800-router network a third of
the routers change a few entries each; copying each one's whole table to a dict on its first
change costs seconds and hundreds of megabytes, for entries that mostly never change.  The
engine's routers and the analysis's replays both keep such FIBs, and must agree on what they hold
and in which order, so the one class lives here, below both (it needs only :mod:`netsim.trace`).
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, Mapping, MutableMapping

from netsim.trace import FibTable, Route

#: Integers a float64 cost column holds exactly.
_EXACT_INT = 2 ** 53


class ChangedFib(MutableMapping[str, Route]):
    """A router's FIB as its initial table and the changes made since (copy on write, per entry).

    It behaves as the plain dict copy of the table it stands for would, in iteration order too:
    the table's order, an entry removed and set again moving to the end, new entries after the
    table's, so nothing that reads a FIB depends on which form it is in.  The table itself is
    never written to.
    """

    __slots__ = ("_base", "_over", "_gone", "_tail")

    def __init__(self, base: Mapping[str, Route]) -> None:
        self._base = base
        self._over: dict[str, Route] = {}  # entries of the table with a new route, in place
        self._gone: set[str] = set()  # entries of the table removed (or moved to the end)
        self._tail: dict[str, Route] = {}  # entries added at the end

    def get(self, dest: str, default: Route | None = None) -> Route | None:  # type: ignore[override]
        if dest in self._tail:
            return self._tail[dest]
        if dest in self._gone:
            return default
        route = self._over.get(dest)
        return route if route is not None else self._base.get(dest, default)

    def __getitem__(self, dest: str) -> Route:
        route = self.get(dest)
        if route is None:
            raise KeyError(dest)
        return route

    def __contains__(self, dest: object) -> bool:
        return self.get(dest) is not None  # type: ignore[arg-type]

    def __setitem__(self, dest: str, route: Route) -> None:
        if dest in self._tail or dest in self._gone or dest not in self._base:
            self._tail[dest] = route
        else:
            self._over[dest] = route

    def __delitem__(self, dest: str) -> None:
        if dest in self._tail:
            del self._tail[dest]
        elif dest in self._base and dest not in self._gone:
            self._gone.add(dest)
            self._over.pop(dest, None)
        else:
            raise KeyError(dest)

    def pop(self, dest: str, *default: Route | None) -> Route | None:  # type: ignore[override]
        """As ``dict.pop`` (one lookup and one removal, not MutableMapping's three steps)."""
        route = self.get(dest)
        if route is None:
            if default:
                return default[0]
            raise KeyError(dest)
        del self[dest]
        return route

    def __iter__(self) -> Iterator[str]:
        gone = self._gone
        yield from (d for d in self._base if d not in gone) if gone else self._base
        yield from self._tail

    def __len__(self) -> int:
        return len(self._base) - len(self._gone) + len(self._tail)

    def items(self) -> ItemsView[str, Route]:
        return _ChangedItems(self)

    def as_table(self) -> FibTable | None:
        """The same entries as a column table over the initial table's destinations (in
        destination order, not this FIB's iteration order), or None when they do not fit one:
        the initial table is not a column table, or an entry is for a destination outside it or
        has a cost a float64 would not hold exactly.

        Why: a column table can be read with array operations (the results JSON renders
        a whole one at once); a router's few changes cost a copy of two arrays, not a Python
        step per entry.
        """
        base = self._base
        if not isinstance(base, FibTable):
            return None
        index, costs, choice = base.index, base.costs.copy(), base.choice.copy()
        choices = list(base.choices)
        which = {hops: h for h, hops in enumerate(choices)}
        for dest in self._gone:
            choice[index[dest]] = -1
        for dest, route in (*self._over.items(), *self._tail.items()):
            j = index.get(dest)
            if j is None or not _exact_cost(route.cost) or type(route.next_hops) is not tuple:
                return None
            h = which.get(route.next_hops)
            if h is None:
                h = which[route.next_hops] = len(choices)
                choices.append(route.next_hops)
            choice[j], costs[j] = h, route.cost
        return FibTable(base.dests, index, costs, choice, choices)

    def _pairs(self) -> Iterator[tuple[str, Route]]:
        """(dest, route) in order, from the table's own item order (fast for a column table)."""
        over, gone = self._over, self._gone
        for d, route in self._base.items():
            if d not in gone:
                yield d, over.get(d, route)
        yield from self._tail.items()


class _ChangedItems(ItemsView[str, Route]):
    """Items of a :class:`ChangedFib` without a lookup per entry."""

    _mapping: ChangedFib

    def __iter__(self) -> Iterator[tuple[str, Route]]:
        return self._mapping._pairs()


def _exact_cost(cost: object) -> bool:
    """Whether a float64 column stores ``cost`` as the same number (a float, or a small int)."""
    return isinstance(cost, float) or (type(cost) is int and -_EXACT_INT <= cost <= _EXACT_INT)
