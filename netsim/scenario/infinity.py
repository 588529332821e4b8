"""Path costs a distance-vector protocol cannot carry, found when the scenario is read.

Why: RIP's metric saturates at its ``infinity`` (16, RFC 2453 §3.5).  On a network whose link
costs are kilometres (``cost: distance``), or with one link of cost 20, most destinations are
16 or more away, so RIP never installs routes to them.  Nothing fails: the run just shows
destinations missing, which looks like a protocol that never converges.  A warning before the
run names the links and the router pairs concerned and what to change.  The run itself judges
those destinations unreachable for RIP (the ``shortest_paths_below_infinity`` model).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netsim.numeric import fmt_num
from netsim.records import record
from netsim.topology.graph import Graph

#: How many links, pairs and events a warning names (it says how many there are in all).
EXAMPLES = 3
#: Distance-matrix cells computed at once when looking for far pairs (memory stays at a few MB).
CHUNK_CELLS = 1_000_000


@record
class BeyondInfinity:
    """What reaches ``infinity`` in one scenario: links (a, b, cost), router pairs whose shortest
    path costs that much (ordered pairs counted, a few named), and ``set_cost`` events (label, new cost)."""

    protocol: str
    option: str
    infinity: float
    links: tuple[tuple[str, str, float], ...]
    pairs: int
    all_pairs: int
    examples: tuple[tuple[str, str, float], ...]
    longest: float
    events: tuple[tuple[str, float], ...] = ()

    def message(self) -> str:
        """One line: what reaches infinity, what RIP does with it, and three ways out."""
        inf = fmt_num(self.infinity)
        parts = []
        if self.links:
            named = ", ".join(f"{a}–{b} {fmt_num(c)}" for a, b, c in self.links[:EXAMPLES])
            more = f", … ({len(self.links)} in all)" if len(self.links) > EXAMPLES else ""
            parts.append(f"{_count(len(self.links), 'link')} cost {inf} or more ({named}{more})")
        if self.pairs:
            named = ", ".join(f"{a}→{b} {fmt_num(c)}" for a, b, c in self.examples)
            among = (f"all {self.all_pairs:,}" if self.pairs == self.all_pairs
                     else f"{self.pairs:,} of {self.all_pairs:,}")
            parts.append(f"{among} router pairs are {inf} or more apart (farthest: {named})")
        if self.events:
            named = ", ".join(f"{label} sets a cost of {fmt_num(c)}" for label, c in self.events)
            parts.append(named)
        bigger = fmt_num(max([self.longest, *(c for *_l, c in self.links), *(c for _l, c in self.events)]) + 1)
        return (f"{self.protocol}: {'; '.join(parts)}. Its metric stops at {self.option} ({inf}; RFC 2453): "
                f"it never installs a route that costs {inf} or more, and such destinations are judged "
                f"unreachable for it. For routes everywhere use 'cost: unit', costs scaled down so every path "
                f"stays below {inf}, or {self.protocol}: {{{self.option}: {bigger}}} (a larger infinity makes "
                f"counting to infinity slower)")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def beyond_infinity(graph: Graph, protocol: str, option: str, infinity: float,
                    set_costs: Iterable[tuple[str, float]] = ()) -> BeyondInfinity | None:
    """What in ``graph`` (and in the ``set_cost`` events, given as (label, largest new cost))
    reaches ``infinity``; None when nothing does."""
    links = []
    for u, v, data in graph.edges(data=True):
        a, b = sorted((str(u), str(v)))
        per = data.get("costs")
        cost = max(per.values()) if per else data.get("cost", 1)
        if cost >= infinity:
            links.append((a, b, float(cost)))
    links.sort(key=lambda link: (-link[2], link[0], link[1]))
    events = tuple((label, float(cost)) for label, cost in set_costs if cost >= infinity)
    pairs, all_pairs, examples, longest = _far_pairs(graph, infinity)
    if not (links or pairs or events):
        return None
    return BeyondInfinity(protocol, option, float(infinity), tuple(links), pairs, all_pairs, examples, longest, events)


def _far_pairs(graph: Graph, infinity: float) -> tuple[int, int, tuple[tuple[str, str, float], ...], float]:
    """(ordered router pairs at ``infinity`` or more, all connected ordered pairs, the farthest
    few pairs, the largest shortest-path cost), on the directed link costs."""
    import numpy as np

    from netsim.paths import distances

    names = sorted(str(n) for n in graph.nodes)
    index = {n: i for i, n in enumerate(names)}
    rows, cols, vals = [], [], []
    for u, v, data in graph.edges(data=True):
        per = data.get("costs") or {}
        for x, y in ((str(u), str(v)), (str(v), str(u))):
            rows.append(index[x])
            cols.append(index[y])
            vals.append(float(per.get(x, data.get("cost", 1))))
    n = len(names)
    if n < 2:
        return 0, 0, (), 0.0
    # Rows of the distance matrix a chunk at a time, keeping only counts and the farthest few
    # pairs: a whole matrix (and a list of its far pairs) of a 5,000-router network is gigabytes.
    far_count = finite_count = 0
    longest = 0.0
    candidates: list[tuple[float, int, int]] = []
    step = max(1, CHUNK_CELLS // n)
    for start in range(0, n, step):
        rows_idx = np.arange(start, min(n, start + step))
        dist = distances(n, rows, cols, vals, rows_idx)
        dist[np.arange(len(rows_idx)), rows_idx] = np.nan
        finite = np.isfinite(dist)
        far = finite & (dist >= infinity)
        finite_count += int(finite.sum())
        far_count += int(far.sum())
        if finite.any():
            longest = max(longest, float(dist[finite].max()))
        if far.any():
            flat = np.where(far, dist, -np.inf).ravel()
            keep = min(len(flat), 4 * EXAMPLES)
            for k in np.argpartition(flat, -keep)[-keep:]:
                if np.isfinite(flat[k]):
                    i, j = divmod(int(k), n)
                    candidates.append((float(flat[k]), int(rows_idx[i]), j))
    order = sorted(candidates, key=lambda c: (-c[0], names[c[1]], names[c[2]]))
    seen: set[frozenset[int]] = set()
    examples = []
    for cost, i, j in order:  # the farthest pairs, each pair of routers once
        if frozenset((i, j)) in seen:
            continue
        seen.add(frozenset((i, j)))
        examples.append((names[i], names[j], cost))
        if len(examples) == EXAMPLES:
            break
    return far_count, finite_count, tuple(examples), longest


def infinity_warning(scenario: Any, protocol: str, cls: Any, options: dict[str, Any]) -> str | None:
    """The warning for running ``protocol`` (class ``cls``, merged ``options``) on ``scenario``,
    or None: only protocols with an infinity option (``cls.infinity_option``) have one."""
    option = getattr(cls, "infinity_option", None)
    if option is None or option not in options:
        return None
    set_costs = [(f"events[{ev.index}] (line {ev.line})", max(c for _n, c in ev.costs))
                 for ev in scenario.events if ev.kind == "set_cost"]
    found = beyond_infinity(scenario.graph, protocol, option, float(options[option]), set_costs)
    return found.message() if found is not None else None
