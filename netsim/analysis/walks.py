"""Forwarding walks over router indices, for both judges (:mod:`netsim.analysis.judge`).

A destination's verdict is a property of the part of its forwarding graph that the walks' sources
reach: a loop is a cycle in it, a black hole a dead end in it (no entry, a next hop over a link
that cannot carry traffic, a next hop that is not a router).  Neither depends on the order of the
walk, so the verdict is the OR, over the sources, of what each source reaches.

:func:`walk_column` is :func:`~netsim.analysis.judge.walk_faults` without a call per hop.
:class:`ReachFacts` remembers, per router, what its walk reaches, so that after a FIB change only
the routers whose walks pass through a changed router are walked again: on a network of
thousands of routers, a destination with a hundred wrong entries is re-judged after each of them
is corrected, and each correction moves only the walks that passed through it.

The FIBs are read through ``choice[router, destination]``, the index of the router's next hops
in ``hopsets[router]`` (-1: no entry).  The shortest-path judge passes a memoryview of its choice
matrix and a destination column; the model judge an object that reads the replayed FIBs by
destination name (:class:`~netsim.analysis.judge.FibChoices`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, Protocol

#: What a walk reaches, as bits: a dead end, a cycle.
HOLE, LOOP = 1, 2

Hopsets = list[list[tuple[int, ...]]]
Adjacency = list[dict[int, float]] | list[set[int]]


def hop_id(ids: dict[tuple[str, ...], int], hopsets: list[tuple[int, ...]], index: dict[str, int],
           hops: tuple[str, ...]) -> int:
    """The number of next hops ``hops`` among one router's ``hopsets`` (as router indices, -1
    for a name that is not a router), added the first time they are met; ``ids`` remembers them."""
    h = ids.get(hops)
    if h is None:
        h = ids[hops] = len(hopsets)
        hopsets.append(tuple(index.get(x, -1) for x in hops))
    return h


class Choices(Protocol):
    """``choice[router, destination]``: the index of the router's next hops in its hopsets, -1
    for no entry (a memoryview of a 2-D int matrix is one)."""

    def __getitem__(self, key: tuple[int, Any], /) -> int: ...


def walk_column(n: int, targets: Iterable[int], sources: Iterable[int], choice: Choices, j: Hashable,
                hopsets: Hopsets, adj: Adjacency) -> tuple[bool, bool]:
    """(some walk from ``sources`` loops, some walk dead-ends) towards destination column ``j``.

    The depth-first walk of :func:`~netsim.analysis.judge.walk_faults` (all ECMP branches),
    inlined: ``choice[i, j]`` indexes router ``i``'s ``hopsets`` (-1: no entry); a next hop -1 is
    not a router; ``adj[a]`` holds the usable links out of ``a``.
    """
    state = bytearray(n)  # 1 = on the current walk, 2 = finished
    for t in targets:
        state[t] = 2
    loop = hole = False
    for src in sources:
        if state[src]:
            continue
        state[src] = 1
        h = choice[src, j]
        todo = list(hopsets[src][h]) if h >= 0 else []
        if not todo:
            hole = True
        stack = [(src, todo)]
        while stack:
            node, todo = stack[-1]
            if not todo:
                state[node] = 2
                stack.pop()
                continue
            nxt = todo.pop()
            if nxt not in adj[node]:
                hole = True
                continue
            s = state[nxt]
            if s == 1:
                loop = True
            elif s == 0:
                state[nxt] = 1
                h = choice[nxt, j]
                todo = list(hopsets[nxt][h]) if h >= 0 else []
                if not todo:
                    hole = True
                stack.append((nxt, todo))
        if loop and hole:
            break
    return loop, hole


class ReachFacts:
    """What the walks towards one destination from its roots reach, kept across FIB changes.

    Per router walked so far: what its walk reaches (``HOLE`` | ``LOOP`` bits) and the next hops
    it followed, and backwards, who steps onto whom.  A router's facts depend only on the FIB
    entries of the routers its walk reaches (the links and the walk's end points are fixed until
    the topology changes, when the judge starts afresh), so when entries change, :meth:`update`
    drops the facts of the changed routers and of every router whose walk reaches one of them --
    found backwards over the links followed -- and keeps the rest.  Routers that share a cycle
    reach the same routers, so facts are settled per strongly connected component (Tarjan), and
    are exact for each router, not merely for the first walk that met them.

    The verdict is whether any root's walk loops or dead-ends, kept as counts of the roots with
    facts that do, so a verdict costs only the walks a change can move, not a look at every root.
    """

    __slots__ = ("facts", "preds", "roots", "unknown", "loops", "holes")

    def __init__(self, roots: Iterable[int]) -> None:
        #: Router -> (bits, the next hops its walk followed: routers, not ends of the walk).
        self.facts: dict[int, tuple[int, tuple[int, ...]]] = {}
        #: Router -> the routers with facts whose walks step onto it.
        self.preds: dict[int, list[int]] = {}
        self.roots: set[int] = set(roots)
        #: Roots without facts: to walk before a verdict that needs them.
        self.unknown: set[int] = set(self.roots)
        #: Roots with facts whose walks loop, and dead-end.
        self.loops = self.holes = 0

    def update(self, changed: Iterable[int], is_root: Callable[[int], bool]) -> None:
        """The entries of the ``changed`` routers changed (and so, maybe, whether they are roots)."""
        changed = list(changed)
        self.forget(changed)
        roots, facts = self.roots, self.facts
        for c in changed:
            now = is_root(c)
            if now == (c in roots):
                continue
            known = facts.get(c)
            if now:
                roots.add(c)
                if known is None:
                    self.unknown.add(c)
                else:
                    self._count(known[0], 1)
            else:
                roots.discard(c)
                if known is None:
                    self.unknown.discard(c)
                else:
                    self._count(known[0], -1)

    def forget(self, changed: Iterable[int]) -> None:
        """Drop the facts of the ``changed`` routers and of every router whose walk reaches one."""
        facts, preds, roots = self.facts, self.preds, self.roots
        stack = [c for c in changed if c in facts]
        while stack:
            v = stack.pop()
            known = facts.pop(v, None)
            if known is None:
                continue
            if v in roots:
                self._count(known[0], -1)
                self.unknown.add(v)
            for x in known[1]:
                preds[x].remove(v)
            stack.extend(preds.get(v, ()))

    def verdict(self, targets: set[int] | frozenset[int], choice: Choices, j: Hashable, hopsets: Hopsets,
                adj: Adjacency) -> tuple[bool, bool]:
        """(some root's walk loops, some root's walk dead-ends), walking from the roots without
        facts only as far as the answer needs (once both are found, the rest wait)."""
        unknown = self.unknown
        while unknown and not (self.loops and self.holes):
            self._explore(unknown.pop(), targets, choice, j, hopsets, adj)
        return self.loops > 0, self.holes > 0

    def bits(self, root: int, targets: set[int] | frozenset[int], choice: Choices, j: Hashable, hopsets: Hopsets,
             adj: Adjacency) -> int:
        """What the walk from ``root`` reaches (walking it if not known yet)."""
        known = self.facts.get(root)
        if known is None:
            self.unknown.discard(root)
            self._explore(root, targets, choice, j, hopsets, adj)
            known = self.facts[root]
        return known[0]

    def _count(self, bits: int, sign: int) -> None:
        if bits & LOOP:
            self.loops += sign
        if bits & HOLE:
            self.holes += sign

    def _explore(self, root: int, targets: set[int] | frozenset[int], choice: Choices, j: Hashable,
                 hopsets: Hopsets, adj: Adjacency) -> None:
        """Tarjan's strongly connected components from ``root`` over the routers without facts,
        settling each component's facts when it completes: the OR of its routers' own dead ends
        and of the facts of the components it reaches, and ``LOOP`` if it has more than one
        router (a walk can go round it; no router is its own next hop over a usable link)."""
        facts = self.facts
        index: dict[int, int] = {}
        low: dict[int, int] = {}
        acc: dict[int, int] = {}
        followed: dict[int, list[int]] = {}
        open_: list[int] = []  # Tarjan's stack: visited, component not yet complete
        frames: list[list[Any]] = []  # [router, its next hops, position]
        v = root
        while True:
            if v >= 0:  # enter v
                index[v] = low[v] = len(index)
                h = choice[v, j]
                hops = hopsets[v][h] if h >= 0 else ()
                acc[v] = 0 if hops else HOLE
                followed[v] = []
                open_.append(v)
                frames.append([v, hops, 0])
            frame = frames[-1]
            v, hops, k = frame
            if k < len(hops):
                frame[2] = k + 1
                x = hops[k]
                if x not in adj[v]:
                    acc[v] |= HOLE
                elif x not in targets:
                    followed[v].append(x)
                    known = facts.get(x)
                    if known is not None:
                        acc[v] |= known[0]
                    elif x in index:  # still open: the same component as v
                        if index[x] < low[v]:
                            low[v] = index[x]
                    else:
                        v = x
                        continue
                v = -1
                continue
            frames.pop()
            if low[v] == index[v]:
                self._settle(v, open_, acc, followed)
            if not frames:
                return
            parent = frames[-1][0]
            known = facts.get(v)
            if known is not None:
                acc[parent] |= known[0]
            elif low[v] < low[parent]:
                low[parent] = low[v]
            v = -1

    def _settle(self, v: int, open_: list[int], acc: dict[int, int], followed: dict[int, list[int]]) -> None:
        """Give the component whose first router is ``v`` (the top of ``open_`` down to ``v``) its facts."""
        members = []
        bits = 0
        while True:
            w = open_.pop()
            members.append(w)
            bits |= acc[w]
            if w == v:
                break
        if len(members) > 1:
            bits |= LOOP
        facts, preds, roots = self.facts, self.preds, self.roots
        for w in members:
            succ = tuple(followed[w])
            facts[w] = (bits, succ)
            for x in succ:
                preds.setdefault(x, []).append(w)
            if w in roots:
                self._count(bits, 1)
                self.unknown.discard(w)
