"""A worked DUAL example, computed by hand and checked against the simulation.

Topology (every link 1 Gbit/s, so the bandwidth term is 10^7 / 10^6 = 10; delays in units of
ten microseconds; links carry 1 ms of propagation delay)::

            A
     10   /   \\  20
         B     C
     10 / \\10  / 15
       E    D--+

Destination: D's loopback.  Metric = 256 * (10 + total delay units).

Before the failure (FD = feasible distance; "d/RD" = distance through a neighbour / its RD):

* B: via D 256 * (10 + 10) = 5120.  A and E route through B, so poisoned reverse hides them.
* C: via D 256 * (10 + 15) = 6400.  A offers 12800/7680: RD 7680 >= FD 6400, not feasible.
* A: via B 256 * (10 + 20) = 7680 (RD 5120): successor, FD 7680.
     via C 256 * (10 + 35) = 11520 (RD 6400): 6400 < 7680, a **feasible successor**.
* E: via B 256 * (10 + 20) = 7680; its only neighbour.

At t = 30 the link B–D loses carrier:

1. t = 30.000  B has lost its successor and hears of no other route (A and E both route
   through B): no feasible successor, so B goes **active** (query origin flag 1), withdraws
   the route and QUERIES A and E with an unreachable distance.
2. t = 30.001  A: query from its successor.  C is feasible (RD 6400 < FD 7680): A switches
   to C **locally**, distance 11520, FD stays 7680, and REPLIES to B at once: (1 Gbit/s,
   35 units) = 11520.
   E: query from its successor, and no other neighbour: E goes active (flag 3) with nobody
   left to ask, so the computation ends at once: E is unreachable, withdraws, and REPLIES
   unreachable to B.
3. t = 30.002  B has both replies: FD reset, the best is A: 35 + 10 units = 256 * 55 =
   14080.  B goes **passive** via A (FD 14080) and sends E an UPDATE.
4. t = 30.003  E: via B, 45 + 10 units = 256 * 65 = 16640.

Some walk dead-ends from 30.000 (A -> B, no route) until E is back at 30.003: 3 ms of black
hole; no loop at any time.
"""

from __future__ import annotations

import networkx as nx
import pytest

from netsim.protocols.eigrp import Eigrp
from netsim.protocols.eigrp.topology_table import PathEntry
from netsim.runner import build_network, simulate
from netsim.scenario import Scenario
from netsim.scenario.events import make_event

OPTIONS = {**Eigrp.defaults(), "hello_interval": 1.0, "hold_time": 3.0}


def topology() -> nx.Graph:
    g = nx.Graph()
    for a, b, units in (("A", "B", 10), ("A", "C", 20), ("B", "D", 10), ("C", "D", 15), ("B", "E", 10)):
        g.add_edge(a, b, eigrp_delay=units * 10, delay=0.001, cost=1)
    return g


def test_topology_tables_before_the_failure() -> None:
    net = build_network(Scenario("worked-example", topology(), {}, ()), "eigrp", options=OPTIONS, seed=1)
    net.start()
    net.run(29.0)
    a = net.routers["A"].protocol.topology()["D"]
    assert (a.state, a.fd, a.distance) == ("passive", 7680, 7680)
    assert a.successors == (PathEntry("B", 7680, 5120),)
    assert a.feasible_successors == (PathEntry("C", 11520, 6400),)
    c = net.routers["C"].protocol.topology()["D"]
    assert c.successors == (PathEntry("D", 6400, 0),) and c.feasible_successors == ()
    assert c.others == (PathEntry("A", 12800, 7680),)
    b = net.routers["B"].protocol.topology()["D"]
    assert b.successors == (PathEntry("D", 5120, 0),) and b.feasible_successors == b.others == ()
    assert "P D, 1 successors, FD is 7680" in a.render()


def test_the_failure_unfolds_as_computed_by_hand() -> None:
    down = make_event("link_down", 30.0, index=0, target=("B", "D"))
    sc = Scenario("worked-example", topology(), {}, (down,), seed=1)
    res = simulate(sc, "eigrp", options=OPTIONS)
    changes = [(round(rc.time - 30.0, 6), rc.router, rc.new.next_hops if rc.new else None,
                rc.new.cost if rc.new else None)
               for rc in res.trace.route_changes if rc.dest == "D" and rc.time >= 30.0]
    assert changes == [
        (0.0, "B", None, None),
        (0.001, "A", ("C",), 11520),
        (0.001, "E", None, None),
        (0.002, "B", ("A",), 14080),
        (0.003, "E", ("B",), 16640),
    ]
    said = [(round(d.time - 30.0, 6), d.router, d.text) for d in res.trace.decisions
            if d.time >= 30.0 and d.text.startswith("D: ")]
    assert (0.0, "B", "D: no feasible successor: active, querying A, E: local event: no neighbour reports "
                      "a route (query origin flag 1)") in said
    assert any(t == 0.001 and r == "A" and "lost successor B; C is feasible (RD 6400 < FD 7680): switched locally"
               in text for t, r, text in said)
    assert any(t == 0.001 and r == "E" and "active, querying nobody" in text for t, r, text in said)
    assert any(t == 0.001 and r == "E" and "passive, unreachable" in text for t, r, text in said)
    assert any(t == 0.002 and r == "B" and "passive via A, distance 14080" in text for t, r, text in said)
    ev = res.metrics.events[0]
    assert ev.loop_time == 0.0
    assert ev.blackhole_time == pytest.approx(0.003)
    assert ev.convergence_time == pytest.approx(0.003)
