"""Final routing tables as results-JSON text, rendered a whole table at a time.

Why: the results JSON lists every router's table, so its size grows with the square of the
network: 14.5 million routes on a 3,815-router network.  Encoding them route by route -- even
with each distinct route's text cached -- took about a minute, ten times the run itself.  Here a
table's text is one join of per-destination pieces: the key (shared by every table over the same
destinations), the next hops up to the cost (one per distinct next-hop list) and the cost with
the closing brace (one per distinct cost).  A column table (:class:`~netsim.trace.FibTable`) picks
its pieces with array operations, without a Python step per route.

The pieces are cut from what :func:`~netsim.output.json_text.encode` writes for
:func:`route_json`, so the text is, byte for byte, ``json.dumps`` of :func:`table_json` at that
indentation -- or, for a ``compact`` renderer (a sweep's one-line runs), ``json.dumps`` of it
with the separators ``(",", ":")``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

import numpy as np

from netsim.fibs import ChangedFib
from netsim.output import json_text
from netsim.trace import FibTable

#: Stands for the cost while a route's text is cut into the part before it and the part after.
_COST_MARK = "\x00cost"


def cost_json(x: float) -> float | int:
    """A route cost as the JSON shows it: an integer when whole, else rounded to 6 decimals."""
    return int(x) if float(x).is_integer() else round(float(x), 6)


def _route_doc(next_hops: Sequence[str], cost: object) -> dict[str, Any]:
    return {"next_hops": list(next_hops), "cost": cost}


def route_json(route: Any) -> dict[str, Any]:
    """One route as the results JSON holds it."""
    return _route_doc(route.next_hops, cost_json(route.cost))


def table_json(fib: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """One router's table as the results JSON holds it: destinations in sorted order."""
    return {d: route_json(r) for d, r in sorted(fib.items())}


def as_columns(fib: Mapping[str, Any]) -> FibTable | None:
    """``fib`` as a column table when it is one or can cheaply become one, else None."""
    if isinstance(fib, FibTable):
        return fib
    if isinstance(fib, ChangedFib):
        return fib.as_table()
    return None


class TableText(json_text.Fragment):
    """A final table that renders itself through a shared :class:`TableRenderer`."""

    __slots__ = ("fib", "renderer")

    def __init__(self, fib: Mapping[str, Any], renderer: TableRenderer) -> None:
        self.fib = fib
        self.renderer = renderer

    def render(self, level: int) -> str:
        return self.renderer.render(self.fib, level)


class TableRenderer:
    """Renders the final tables of one results JSON.

    The caches are shared by every table (and every run) of the document: the tables of one
    run share their destination list, and next hops and costs repeat from router to router.
    ``level`` is the nesting level of a table's opening brace, as in :func:`json_text.encode`;
    a ``compact`` renderer writes no newlines nor indentation (every level renders alike).
    """

    def __init__(self, *, compact: bool = False) -> None:
        self.compact = compact
        self._keys: dict[tuple[int, int], tuple[Sequence[str], np.ndarray]] = {}
        self._orders: dict[int, tuple[Sequence[str], np.ndarray | None]] = {}
        self._item_keys: dict[int, dict[str, str]] = {}
        self._hops: dict[int, dict[tuple[str, ...], str]] = {}
        self._costs: dict[int, dict[float, str]] = {}
        self._after: dict[int, str] = {}

    def fragment(self, fib: Mapping[str, Any]) -> TableText:
        return TableText(fib, self)

    def render(self, fib: Mapping[str, Any], level: int) -> str:
        """The text of ``json.dumps(table_json(fib), indent=2)`` nested at ``level`` (compact:
        of ``json.dumps(table_json(fib), separators=(",", ":"))``)."""
        if self.compact:
            level = 0
        table = as_columns(fib)
        if table is not None:
            return self._render_columns(table, level)
        return self._render_items(sorted(fib.items(), key=itemgetter(0)), level)

    def _render_columns(self, table: FibTable, level: int) -> str:
        """A column table: its pieces picked by array indexing, then one join."""
        order = self._order(table.dests)
        choice = table.choice
        cols = np.flatnonzero(choice >= 0) if order is None else order[choice[order] >= 0]
        if not len(cols):
            return "{}"
        hops = np.array([self._hops_piece(h, level) for h in table.choices], dtype=object)
        ucost, which = np.unique(table.costs[cols], return_inverse=True)
        costs = np.array([self._cost_piece(c, level) for c in ucost.tolist()], dtype=object)
        parts = np.empty(3 * len(cols), dtype=object)
        parts[0::3] = self._key_pieces(table.dests, level)[cols]
        parts[1::3] = hops[choice[cols]]
        parts[2::3] = costs[which.reshape(-1)]
        parts[0] = parts[0][1:]  # the first key has no comma before it
        return "{" + "".join(parts.tolist()) + self._newline(level) + "}"

    def _render_items(self, items: list[tuple[str, Any]], level: int) -> str:
        """Any other table, as sorted (destination, route) pairs: one dictionary lookup per piece."""
        if not items:
            return "{}"
        keys = self._item_keys.setdefault(level, {})
        hops = self._hops.setdefault(level, {})
        costs = self._costs.setdefault(level, {})
        parts: list[str] = []
        for dest, route in items:
            k = keys.get(dest) if type(dest) is str else None
            if k is None:
                k = self._key_piece(dest, level)
                if type(dest) is str:
                    keys[dest] = k
            h = hops.get(route.next_hops)
            if h is None:
                h = self._hops_piece(route.next_hops, level)
            c = costs.get(route.cost)
            if c is None:
                c = self._cost_piece(route.cost, level)
            parts += (k, h, c)
        parts[0] = parts[0][1:]
        return "{" + "".join(parts) + self._newline(level) + "}"

    # -- pieces -------------------------------------------------------------------------------
    def _key_piece(self, dest: object, level: int) -> str:
        """What goes before a route: the comma ending the previous entry and the quoted key."""
        if self.compact:
            return "," + json_text.key_text(dest) + ":"
        return "," + _newline(level + 1) + json_text.key_text(dest) + ": "

    def _key_pieces(self, dests: Sequence[str], level: int) -> np.ndarray:
        """Every destination's key piece, as an object array shared by the tables over ``dests``."""
        hit = self._keys.get((id(dests), level))
        if hit is None or hit[0] is not dests:
            pieces = np.array([self._key_piece(d, level) for d in dests], dtype=object)
            hit = self._keys[(id(dests), level)] = (dests, pieces)
        return hit[1]

    def _order(self, dests: Sequence[str]) -> np.ndarray | None:
        """Positions of ``dests`` in sorted order; None when they already are (the usual case)."""
        hit = self._orders.get(id(dests))
        if hit is None or hit[0] is not dests:
            in_order = all(a <= b for a, b in zip(dests, dests[1:], strict=False))
            order = None if in_order else np.array(sorted(range(len(dests)), key=dests.__getitem__), dtype=np.intp)
            hit = self._orders[id(dests)] = (dests, order)
        return hit[1]

    def _hops_piece(self, next_hops: tuple[str, ...], level: int) -> str:
        """A route's text up to its cost: the opening brace, the next hops and the cost's key."""
        cache = self._hops.setdefault(level, {})
        piece = cache.get(next_hops)
        if piece is None:
            piece = cache[next_hops] = self._route_halves(next_hops, level)[0]
        return piece

    def _cost_piece(self, cost: float, level: int) -> str:
        """A route's text from its cost on: the cost and the closing brace."""
        cache = self._costs.setdefault(level, {})
        piece = cache.get(cost)
        if piece is None:
            text = json_text.scalar(cost_json(cost))
            assert text is not None
            piece = cache[cost] = text + self._closing(level)
        return piece

    def _closing(self, level: int) -> str:
        """What follows the cost: the route's closing brace (the same whatever the next hops)."""
        after = self._after.get(level)
        if after is None:
            after = self._after[level] = self._route_halves((), level)[1]
        return after

    def _newline(self, level: int) -> str:
        return "" if self.compact else _newline(level)

    def _route_halves(self, next_hops: tuple[str, ...], level: int) -> tuple[str, str]:
        """A route's text (at ``level + 1``, inside a table at ``level``) before and after its cost."""
        doc = _route_doc(next_hops, _COST_MARK)
        text = json_text.compact(doc) if self.compact else json_text.encode(doc, level + 1)
        mark = json_text.scalar(_COST_MARK)
        assert mark is not None
        before, found, after = text.rpartition(mark)  # the cost is the route's last value
        assert found, text
        return before, after


def _newline(level: int) -> str:
    return "\n" + json_text.INDENT * level
