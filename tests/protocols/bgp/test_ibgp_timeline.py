"""A hand-worked iBGP timeline: an internal link failure moves an exit by hot potato, on time.

Two ASes.  AS 65001 has three routers in a triangle running link-state inside, iBGP in a full
mesh between their loopbacks; AS 65002 is one router ``d``, a customer attached to both border
routers::

        r --1-- b1 ----- d
         \\      |5     /
          `-2-- b2 ---'

Worked by hand from the timers, with no code of the protocol:

* before the failure, ``r`` holds d's route from ``b1`` and from ``b2`` over iBGP: LOCAL_PREF 200
  both (customer routes), AS path [65002] both, both internal -- the decision process reaches
  "lowest IGP cost to the next hop": b1's NEXT_HOP (the d end of b1–d, a stub of b1 at metric 0;
  or b1's loopback with next-hop-self) is 1 away, b2's is 2.  Exit: b1;
* t=200 s, r–b1 loses carrier.  r's adjacency with b1 goes down at once and r floods a new LSA.
  Nothing has moved the IGP for far longer than the SPF hold-down (10 s), so r's SPF back-off is
  quiet and the SPF runs after the initial delay, 50 ms, takes 1 ms and reaches the FIB 1 ms
  later: 200.052 s.  b1 is now 2 + 5 = 7 away (through b2);
* next-hop tracking sees the IGP change at that same instant and re-runs the decision: 2 < 7,
  r leaves by b2 from 200.052 s.  No BGP UPDATE is needed for it (r's route to d, seen from
  BGP, did not change), and no session goes down: r's iBGP session with b1 is now routed
  through b2.
"""

from __future__ import annotations

import networkx as nx
import pytest

from netsim.analysis.oracle.compare import mismatches
from netsim.analysis.oracle.gao_rexford import GaoRexfordModel
from netsim.runner import simulate
from netsim.scenario import Scenario
from netsim.scenario.events import make_event
from netsim.studies.bgp import state_at
from netsim.topology.addressing import Addressing

FAILURE = 200.0
SPF_DELAY, SPF_DURATION, FIB_DELAY = 0.05, 0.001, 0.001  # linkstate's defaults
EXPECTED = FAILURE + SPF_DELAY + SPF_DURATION + FIB_DELAY  # 200.052 s


def _scenario(next_hop_self: bool) -> Scenario:
    g = nx.Graph()
    for r in ("r", "b1", "b2"):
        g.add_node(r, asn=65001, **({"bgp": {"next_hop_self": True}} if next_hop_self else {}))
    g.add_node("d", asn=65002)
    g.add_edge("r", "b1", cost=1, delay=0.001)
    g.add_edge("r", "b2", cost=2, delay=0.001)
    g.add_edge("b1", "b2", cost=5, delay=0.001)
    for b in ("b1", "b2"):
        g.add_edge(b, "d", cost=1, delay=0.001, relationship="p2c", provider=b)
    return Scenario(name="ibgp-timeline", graph=g, protocols={},
                    events=(make_event("link_down", FAILURE, target=("b1", "r")),), seed=1, duration=300.0)


@pytest.mark.parametrize("next_hop_self", [False, True], ids=["next-hop-unchanged", "next-hop-self"])
def test_internal_failure_moves_the_exit_at_the_hand_worked_time(next_hop_self: bool) -> None:
    sc = _scenario(next_hop_self)
    run = simulate(sc, "bgp")
    to_d = [rc for rc in run.trace.route_changes if rc.router == "r" and rc.dest == "d"]
    before = [rc for rc in to_d if rc.time < FAILURE]
    after = [rc for rc in to_d if rc.time >= FAILURE]
    assert before and before[-1].new is not None and before[-1].new.next_hops == ("b1",)
    assert len(after) == 1, after
    moved = after[0]
    assert moved.time == pytest.approx(EXPECTED, abs=1e-9)
    assert moved.new is not None and moved.new.next_hops == ("b2",) and moved.new.cost == 1.0  # one AS hop
    why = moved.cause.reason()
    assert "lowest IGP cost to next hop 2 < 7" in why, why
    addr = Addressing.of_graph(sc.graph)  # b1's NEXT_HOP: its loopback with next-hop-self, else d's end of b1–d
    hop = addr.loopback("b1") if next_hop_self else addr.interface_address("d", "b1")
    assert f"next hop {hop} of b1's route 1 → 7" in why, why
    assert "exit via b2" in moved.cause.text()
    # Nothing in BGP moved: no UPDATE sent by anyone, no session lost.
    window = [d for d in run.trace.decisions if FAILURE <= d.time <= FAILURE + 10]
    assert not [d for d in window if d.kind == "bgp-send"]
    assert not [d for d in window if d.kind == "bgp-session"]
    # Every router agrees with the independent two-level model just before and well after.
    model = GaoRexfordModel(sc.graph, run.options)
    for t in (FAILURE - 1e-6, run.trace.end_time):
        state, fibs = state_at(sc.graph, run.trace, t)
        assert not mismatches(fibs, model.tables(state)), t
