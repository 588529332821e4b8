"""A witness path for a forwarding fault: the routers a packet visits in a loop or into a black hole.

The metrics only need to know *whether* a destination's forwarding loops or dead-ends; a replay
has to *show* it, so it needs one concrete walk.  The search is the metrics' depth-first walk
along every ECMP branch, keeping the current walk on a stack: when it steps onto a router already
on the walk, the stack from that router on is the loop; when it reaches a router with no entry, or
a next hop it cannot reach, the stack is the way into the black hole.  Sources and
next hops are tried in the order given, so the same FIBs always give the same witness.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def fault_witnesses(dest: T, sources: Iterable[T], hops: Callable[[T], list[T]], link_ok: Callable[[T, T], bool],
                    targets: Iterable[T] = ()) -> tuple[list[T] | None, list[T] | None]:
    """(a loop, a black hole) towards ``dest`` reachable from ``sources``; None where there is none.

    A loop is returned closed (``[a, b, c, a]``).  A black hole ends at the router that has no
    entry, or, when the last router's next hop cannot be reached (``link_ok`` is false: the link is
    down or the neighbour crashed), at that next hop, so the picture shows where the packet dies.
    ``hops(r)`` lists ``r``'s next hops towards ``dest`` (empty: no entry); ``targets`` are further
    routers where a walk ends well (the originators of a prefix).
    """
    state: dict[T, int] = {dest: 2, **dict.fromkeys(targets, 2)}  # 1: on the current walk, 2: explored
    loop: list[T] | None = None
    hole: list[T] | None = None
    for src in sources:
        if src in state:
            continue
        state[src] = 1
        walk: list[T] = [src]
        todo: list[list[T]] = [list(reversed(hops(src)))]
        if not todo[-1] and hole is None:
            hole = [src]
        while walk:
            if not todo[-1]:
                state[walk.pop()] = 2
                todo.pop()
                continue
            node, nxt = walk[-1], todo[-1].pop()
            if not link_ok(node, nxt):
                if hole is None:
                    hole = [*walk, nxt]
                continue
            seen = state.get(nxt, 0)
            if seen == 1:
                if loop is None:
                    loop = walk[walk.index(nxt):] + [nxt]
            elif seen == 0:
                state[nxt] = 1
                walk.append(nxt)
                todo.append(list(reversed(hops(nxt))))
                if not todo[-1] and hole is None:
                    hole = list(walk)
            if loop is not None and hole is not None:
                return loop, hole
    return loop, hole
