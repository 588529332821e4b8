"""A warm-started router keeps its preloaded table under its changes (``netsim.fibs.ChangedFib``)
instead of copying it to a dict on its first change: it must answer, iterate and log exactly as
the dict copy did, whatever the mix of changes, removals and re-additions."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np

from netsim.engine.network import Network
from netsim.protocols import PROTOCOLS
from netsim.trace import FibTable, InitialFib, Route

DESTS = tuple(f"d{k}" for k in range(8))
ROUTES = (Route(("y",), 1.0), Route(("y",), 2.0), Route(("y", "z"), 2.0), Route(("z",), 3.5))


def _router(table: dict[str, Route]):  # type: ignore[no-untyped-def]
    g = nx.path_graph(["x", "y", "z"])
    nx.set_edge_attributes(g, 1, "cost")
    cls = PROTOCOLS["static"]
    net = Network(g, cls, cls.defaults(), 0)
    choices = sorted({r.next_hops for r in table.values()})
    index = {d: j for j, d in enumerate(DESTS)}
    costs = np.array([table[d].cost if d in table else np.nan for d in DESTS])
    choice = np.array([choices.index(table[d].next_hops) if d in table else -1 for d in DESTS])
    router = net.routers["x"]
    router.preload(FibTable(DESTS, index, costs, choice, choices))
    return net, router


def test_a_preloaded_fib_changes_as_its_dict_copy_would() -> None:
    cause = InitialFib()
    for seed in range(200):
        rng = random.Random(seed)
        table = {d: rng.choice(ROUTES) for d in DESTS if rng.random() < 0.7}
        net, router = _router(table)
        want = dict(table)  # what the router's FIB was before: a dict copy on the first change
        log: list[tuple[str, Route | None, Route | None]] = []
        for _ in range(rng.randrange(1, 15)):
            dest = rng.choice(DESTS + ("new",))
            if rng.random() < 0.4:
                router.withdraw(dest, cause)
                old = want.pop(dest, None)
                if old is not None:
                    log.append((dest, old, None))
            else:
                route = rng.choice(ROUTES)
                router.install(dest, route.next_hops, route.cost, cause)
                old = want.get(dest)
                if old != route:
                    want[dest] = route
                    log.append((dest, old, route))
            fib = router.fib()
            assert list(fib.items()) == list(want.items()) and list(fib) == list(want) and len(fib) == len(want)
            assert all(fib.get(d) == want.get(d) and (d in fib) == (d in want) for d in DESTS + ("new",))
        assert [(rc.dest, rc.old, rc.new) for rc in net.trace.route_changes] == log
        assert dict(net.trace.initial_fibs["x"].items()) == table  # the recorded table never changes
