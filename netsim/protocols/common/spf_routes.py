"""From the link-state database to the FIB: one SPF run and the FIB changes it makes.

Shared by OSPF and IS-IS.  A run is incremental when it can be (:mod:`netsim.protocols.common.spf`):
changes that cannot touch the router's tree skip Dijkstra, lost or dearer links repair only the
part of the tree below them.  Stub prefixes are routed through their nearest originators.  The
FIB is then changed only where the new result differs from what is installed.
"""

from __future__ import annotations

from collections.abc import Mapping

from netsim.protocols.base import RouterPort
from netsim.protocols.common.cow import CowDict
from netsim.protocols.common.lsdb import Lsdb
from netsim.protocols.common.spf import prefix_routes, spf, spf_needed, spf_repair
from netsim.trace import Note

Routes = Mapping[str, tuple[float, tuple[str, ...]]]


class SpfRoutes:
    """A router's last SPF result (routes to routers) and the routes it has in its FIB."""

    __slots__ = ("me", "last", "routes")

    def __init__(self, me: str) -> None:
        self.me = me
        #: The last SPF result over routers only: the base the next incremental run starts from.
        self.last: Routes | None = None
        #: What the FIB holds (routers and prefixes), as last applied.
        self.routes: Routes = {}

    def compute(self, db: Lsdb) -> tuple[Routes, set[str] | None]:
        """Run SPF over ``db``; return the routes and the destinations that may differ from the
        last run (None: compare every destination)."""
        me = self.me
        last = self.last
        changed: set[str] | None = None  # None: compare every destination
        if last is not None and not spf_needed(db.graph, db.before, me, last):
            result: Routes = last  # same answer, no Dijkstra
            changed = set()
        else:
            # Links only lost or dearer: repair the part of the tree below them; else a full run.
            repaired = spf_repair(db.graph, db.before, me, last) if last is not None else None
            if repaired is not None:
                result, changed = repaired
            else:
                graph = db.graph
                # A warm start's copy-on-write graph: Dijkstra reads every entry, a plain dict is cheaper.
                result = spf(graph.snapshot() if isinstance(graph, CowDict) else graph, me)
        db.before = {}
        self.last = result
        if db.prefixes_changed or db.with_prefixes:
            # Stub prefixes: routes via their (nearest) originators; compared in full.
            db.prefixes_changed = False
            result = {**result, **prefix_routes(db.entries, result, me)}
            changed = None
        return result, changed

    def apply(self, port: RouterPort, result: Routes, cause: Note, changed: set[str] | None = None) -> None:
        """Push ``result`` into the FIB: installs in destination order, then withdrawals.  With
        ``changed`` (an incremental run), only those destinations can differ."""
        old = self.routes
        if changed is None:
            for dest, (cost, hops) in result.items():
                if old.get(dest) != (cost, hops):
                    port.install(dest, hops, cost, cause)
            gone = [dest for dest in old if dest not in result]
        else:
            dests = sorted(changed)
            for dest in dests:
                new = result.get(dest)
                if new is not None and old.get(dest) != new:
                    port.install(dest, new[1], new[0], cause)
            gone = [dest for dest in dests if dest not in result and dest in old]
        for dest in gone:
            port.withdraw(dest, cause)
        self.routes = result
