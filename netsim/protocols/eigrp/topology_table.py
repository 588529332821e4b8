"""The topology table: what every neighbour reported for every destination.

DUAL needs more than the best route: the feasible successors are the neighbours whose reported
distance (RD) is below the feasible distance, so the table keeps every neighbour's report
(its vector metric).  Distances through a neighbour are computed on demand from the report and
the current metric of our interface to it, so a bandwidth or delay change of that interface
needs no rewriting of the table.

:func:`snapshot` gives a read-only view in the shape of a router's ``show ip eigrp topology``
(state, FD, successors, feasible successors with their distance/RD), for ``netsim table``.
"""

from __future__ import annotations

from collections.abc import Mapping

from netsim.protocols.eigrp.dual import Route, feasible
from netsim.protocols.eigrp.metric import INFINITY, InterfaceMetric, KValues, Vector, composite, extend
from netsim.records import record


@record
class Candidate:
    """A neighbour's route to a destination as this router sees it."""

    neighbor: str
    reported: Vector
    rd: int
    vector: Vector
    distance: int


class TopologyTable:
    """Reports per destination and neighbour (unreachable reports are not kept).

    ``ifaces`` is the router's live map of interface metrics; after changing one, call
    :meth:`interface_changed` so the distances through that neighbour are recomputed.
    Candidates are kept per destination once asked for, and updated report by report: one
    update changes one neighbour's candidate, not the whole set.
    """

    def __init__(self, k: KValues, ifaces: Mapping[str, InterfaceMetric]) -> None:
        self.k = k
        self.ifaces = ifaces
        self.reports: dict[str, dict[str, Vector]] = {}
        self.by_neighbor: dict[str, set[str]] = {}
        self._cands: dict[str, dict[str, Candidate]] = {}

    def _candidate(self, neighbor: str, vector: Vector) -> Candidate | None:
        iface = self.ifaces.get(neighbor)
        if iface is None:
            return None
        ext = extend(vector, iface)
        d = composite(ext, self.k)
        return Candidate(neighbor, vector, composite(vector, self.k), ext, d) if d < INFINITY else None

    def _refresh(self, dest: str, neighbor: str) -> None:
        cached = self._cands.get(dest)
        if cached is None:
            return
        vector = (self.reports.get(dest) or {}).get(neighbor)
        c = None if vector is None else self._candidate(neighbor, vector)
        if c is None:
            cached.pop(neighbor, None)
        else:
            cached[neighbor] = c

    def report(self, dest: str, neighbor: str, vector: Vector | None) -> bool:
        """Record what ``neighbor`` reports for ``dest`` (None: unreachable); whether it changed."""
        per = self.reports.get(dest)
        old = per.get(neighbor) if per else None
        if old is vector or (old is not None and vector is not None and old == vector):
            return False  # identity first: neighbours resend the very vector objects they hold
        if vector is None:
            assert per is not None
            del per[neighbor]
            if not per:
                del self.reports[dest]
            self.by_neighbor[neighbor].discard(dest)
        else:
            self.reports.setdefault(dest, {})[neighbor] = vector
            self.by_neighbor.setdefault(neighbor, set()).add(dest)
        self._refresh(dest, neighbor)
        return True

    def forget_neighbor(self, neighbor: str) -> list[str]:
        """Drop everything ``neighbor`` reported; return those destinations (sorted)."""
        dests = sorted(self.by_neighbor.pop(neighbor, ()))
        for d in dests:
            per = self.reports[d]
            del per[neighbor]
            if not per:
                del self.reports[d]
            self._refresh(d, neighbor)
        return dests

    def interface_changed(self, neighbor: str) -> list[str]:
        """The metric of the interface to ``neighbor`` changed: recompute; return the
        destinations it reports (sorted)."""
        dests = self.dests_via(neighbor)
        for d in dests:
            self._refresh(d, neighbor)
        return dests

    def dests_via(self, neighbor: str) -> list[str]:
        return sorted(self.by_neighbor.get(neighbor, ()))

    def candidates(self, dest: str) -> Mapping[str, Candidate]:
        """Every neighbour's usable route to ``dest`` (finite distance over a known interface).

        The mapping is the table's own: read it, do not keep it across changes."""
        cached = self._cands.get(dest)
        if cached is None:
            cached = {}
            for n, v in (self.reports.get(dest) or {}).items():
                c = self._candidate(n, v)
                if c is not None:
                    cached[n] = c
            self._cands[dest] = cached
        return cached


# -- read-only view ---------------------------------------------------------------------------------
@record
class PathEntry:
    """One neighbour's path to a destination: its distance through us and its reported distance."""

    neighbor: str
    distance: int
    rd: int


@record
class TopologyEntry:
    """One destination as ``show ip eigrp topology`` would print it."""

    dest: str
    state: str
    fd: int
    distance: int
    successors: tuple[PathEntry, ...]
    feasible_successors: tuple[PathEntry, ...]
    others: tuple[PathEntry, ...]
    waiting_for: tuple[str, ...]

    def render(self) -> str:
        code = "P" if self.state == "passive" else "A"
        fd = "inaccessible" if self.fd >= INFINITY else str(self.fd)
        lines = [f"{code} {self.dest}, {len(self.successors)} successors, FD is {fd}"
                 + (f", replies pending from {', '.join(self.waiting_for)}" if self.waiting_for else "")]
        for tag, group in (("successor", self.successors), ("feasible successor", self.feasible_successors),
                           ("not feasible", self.others)):
            for p in group:
                lines.append(f"        via {p.neighbor} ({p.distance}/{p.rd}), {tag}")
        return "\n".join(lines)


def snapshot(table: TopologyTable, routes: Mapping[str, Route]) -> dict[str, TopologyEntry]:
    """A frozen copy of every destination's DUAL state and candidate paths (sorted by name)."""
    out: dict[str, TopologyEntry] = {}
    for dest in sorted(set(routes) | set(table.reports)):
        route = routes.get(dest) or Route(dest)
        cands = table.candidates(dest)
        fs = set(feasible(cands, route.fd)) - set(route.successors)

        def entries(names: set[str] | tuple[str, ...], cands: Mapping[str, Candidate] = cands,
                    ) -> tuple[PathEntry, ...]:
            return tuple(PathEntry(n, cands[n].distance, cands[n].rd) for n in sorted(names) if n in cands)

        others = set(cands) - fs - set(route.successors)
        out[dest] = TopologyEntry(dest, route.state, route.fd, route.distance, entries(route.successors),
                                  entries(fs), entries(others), tuple(sorted(route.waiting)))
    return out
