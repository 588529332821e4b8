"""DUAL for one destination, driven input by input with hand-picked distances.

Notation in the docstrings: ``n: RD/distance`` is what neighbour n reports (RD) and the
distance through it (RD plus the link).  The numbers are small on purpose; DUAL only compares them.
"""

from __future__ import annotations

from netsim.protocols.eigrp import dual
from netsim.protocols.eigrp.dual import (
    ACTIVE0,
    ACTIVE1,
    ACTIVE2,
    ACTIVE3,
    DUAL_FSM,
    PASSIVE,
    Input,
    Route,
    advertised_to,
    fib_hops,
    step,
)
from netsim.protocols.eigrp.metric import INFINITY, Vector
from netsim.protocols.eigrp.notes import RouteChosen, WentActive, WentPassive
from netsim.protocols.eigrp.topology_table import Candidate


def cands(**reports: tuple[int, int]) -> dict[str, Candidate]:
    """``b=(rd, distance)`` -> candidates (the vector only serves as the advertised value)."""
    return {n: Candidate(n, Vector(1_000_000, rd), rd, Vector(1_000_000, d), d) for n, (rd, d) in reports.items()}


def converged(**reports: tuple[int, int]) -> tuple[Route, dict[str, Candidate]]:
    """A passive route after learning ``reports`` one update at a time."""
    route = Route("X")
    c = cands(**reports)
    for n in sorted(c):
        step(route, {m: c[m] for m in c if m <= n}, Input(dual.UPDATE, n), sorted(c))
    return route, c


def test_fsm_is_the_rfc_state_machine() -> None:
    """The transitions of RFC 7868's DUAL FSM figure, written out independently of the table."""
    expected = {
        (PASSIVE, dual.SUCCESSOR_QUERY_FC_FAILS): ACTIVE3,
        (PASSIVE, dual.OTHER_EVENT_FC_FAILS): ACTIVE1,
        (ACTIVE1, dual.DISTANCE_ROSE): ACTIVE0,
        (ACTIVE3, dual.DISTANCE_ROSE): ACTIVE2,
        (ACTIVE0, dual.SUCCESSOR_QUERY): ACTIVE2,
        (ACTIVE1, dual.SUCCESSOR_QUERY): ACTIVE2,
        (ACTIVE0, dual.LAST_REPLY_FC_FAILS): ACTIVE1,
        (ACTIVE2, dual.LAST_REPLY_FC_FAILS): ACTIVE3,
        (ACTIVE0, dual.LAST_REPLY_FC_MET): PASSIVE,
        (ACTIVE2, dual.LAST_REPLY_FC_MET): PASSIVE,
        (ACTIVE1, dual.LAST_REPLY): PASSIVE,
        (ACTIVE3, dual.LAST_REPLY): PASSIVE,
    }
    for key, state in expected.items():
        assert DUAL_FSM[key][0] == state, key
    changing = {k for k, (nxt, _) in DUAL_FSM.items() if nxt != k[0]}
    assert changing == set(expected)


def test_first_route_is_chosen_locally() -> None:
    route, c = converged(b=(20, 30), c=(25, 40))
    assert (route.state, route.successors, route.distance, route.fd) == (PASSIVE, ("b",), 30, 30)
    assert fib_hops(route, c) == ("b",)


def test_feasible_successor_takes_over_without_a_query() -> None:
    """b: 20/30 (successor, FD 30), c: 25/40.  b is lost: c's RD 25 < FD 30, so c is a
    feasible successor: switch at once, distance 40, FD stays 30, nothing to ask."""
    route, c = converged(b=(20, 30), c=(25, 40))
    del c["b"]
    eff = step(route, c, Input(dual.NEIGHBOR_DOWN, "b"), ["c"])
    assert (route.state, route.successors, route.distance, route.fd) == (PASSIVE, ("c",), 40, 30)
    assert eff.queries == () and not eff.started
    note = eff.notes[0]
    assert isinstance(note, RouteChosen)
    assert note.text() == "X: lost successor b; c is feasible (RD 25 < FD 30): switched locally"


def test_no_feasible_successor_means_a_diffusing_computation() -> None:
    """b: 20/30, c: 35/45 (RD 35 >= FD 30: c may route through us).  b's link fails: query c
    and d, withdraw the route, wait.  Replies: c keeps 35 (distance 45), d has nothing.
    After the last reply FD is reset: passive via c, distance 45, FD 45."""
    route, c = converged(b=(20, 30), c=(35, 45))
    del c["b"]
    eff = step(route, c, Input(dual.NEIGHBOR_DOWN, "b"), ["c", "d"])
    assert route.state == ACTIVE1 and route.fd == INFINITY
    assert eff.queries == ("c", "d") and eff.started
    assert fib_hops(route, c) == ()
    assert isinstance(eff.notes[0], WentActive)
    assert eff.notes[0].text() == "X: no feasible successor: active, querying c, d"
    eff = step(route, c, Input(dual.REPLY, "c"), ["c", "d"])
    assert route.state == ACTIVE1 and route.waiting == {"d"}
    eff = step(route, c, Input(dual.REPLY, "d"), ["c", "d"])
    assert (route.state, route.successors, route.distance, route.fd) == (PASSIVE, ("c",), 45, 45)
    assert eff.ended and eff.replies == ()
    assert isinstance(eff.notes[-1], WentPassive)


def test_query_from_successor_is_answered_only_after_the_computation() -> None:
    """b (successor) queries with an infinite distance: no feasible successor, so active with
    query origin flag 3; b gets its reply when the last reply comes in, not before."""
    route, c = converged(b=(20, 30), c=(35, 45))
    del c["b"]
    eff = step(route, c, Input(dual.QUERY, "b"), ["b", "c"])
    assert route.state == ACTIVE3 and route.owed == {"b"}
    assert eff.queries == ("c",) and eff.replies == ()
    eff = step(route, c, Input(dual.REPLY, "c"), ["b", "c"])
    assert route.state == PASSIVE and eff.replies == ("b",)
    assert advertised_to(route, "b") == Vector(1_000_000, 45)  # b is not our successor any more


def test_query_from_another_neighbour_while_active_is_answered_at_once() -> None:
    route, c = converged(b=(20, 30), c=(35, 45))
    del c["b"]
    step(route, c, Input(dual.NEIGHBOR_DOWN, "b"), ["c", "d"])
    eff = step(route, c, Input(dual.QUERY, "d"), ["c", "d"])
    assert eff.replies == ("d",) and route.state == ACTIVE1


def test_query_from_successor_while_active_sets_origin_two() -> None:
    """Active with b still the successor (its distance rose to 60); b then queries us: the
    reply to b is owed until our own computation ends (oij = 2)."""
    route, c = converged(b=(20, 30), c=(35, 45))
    c["b"] = cands(b=(50, 60))["b"]
    step(route, c, Input(dual.UPDATE, "b"), ["b", "c"])
    assert route.state == ACTIVE1 and route.successors == ("b",) and route.fd == 60
    eff = step(route, c, Input(dual.QUERY, "b"), ["b", "c"])
    assert route.state == ACTIVE2 and eff.replies == () and route.owed == {"b"}


def test_distance_increase_while_active_rechecks_fc_at_last_reply() -> None:
    """b: 20/30 is the successor; its distance rises to 60 (c: 35/45 is not feasible): active,
    FD = 60.  While active, b's distance rises again to 80 (oij 1 -> 0).  At the last reply the
    FC is checked with FD 60: c (RD 35 < 60) offers the least distance 45: passive via c."""
    route, c = converged(b=(20, 30), c=(35, 45))
    c["b"] = cands(b=(50, 60))["b"]
    step(route, c, Input(dual.UPDATE, "b"), ["b", "c"])
    c["b"] = cands(b=(70, 80))["b"]
    step(route, c, Input(dual.UPDATE, "b"), ["b", "c"])
    assert route.state == ACTIVE0 and route.distance == 80 and route.fd == 60
    step(route, c, Input(dual.REPLY, "b"), ["b", "c"])
    eff = step(route, c, Input(dual.REPLY, "c"), ["b", "c"])
    assert (route.state, route.successors, route.distance, route.fd) == (PASSIVE, ("c",), 45, 45)
    assert dual.LAST_REPLY_FC_MET in eff.events


def test_last_reply_failing_fc_starts_a_new_computation() -> None:
    """As above, but c's RD is 65 (distance 75): at the last reply FC fails with FD 60 (b's
    RD 70 and c's 65 are both >= 60), so query again with FD = 80 (oij 0 -> 1); then the
    FD is reset and c (75) wins over b (80)."""
    route, c = converged(b=(20, 30), c=(65, 75))
    c["b"] = cands(b=(50, 60))["b"]
    step(route, c, Input(dual.UPDATE, "b"), ["b", "c"])
    c["b"] = cands(b=(70, 80))["b"]
    step(route, c, Input(dual.UPDATE, "b"), ["b", "c"])
    step(route, c, Input(dual.REPLY, "b"), ["b", "c"])
    eff = step(route, c, Input(dual.REPLY, "c"), ["b", "c"])
    assert route.state == ACTIVE1 and route.fd == 80 and eff.queries == ("b", "c")
    assert fib_hops(route, c) == ("b",)  # still forwarding through the frozen successor
    step(route, c, Input(dual.REPLY, "b"), ["b", "c"])
    step(route, c, Input(dual.REPLY, "c"), ["b", "c"])
    assert (route.state, route.successors, route.distance, route.fd) == (PASSIVE, ("c",), 75, 75)


def test_lost_neighbour_counts_as_an_unreachable_reply() -> None:
    route, c = converged(b=(20, 30), c=(35, 45))
    del c["b"]
    step(route, c, Input(dual.NEIGHBOR_DOWN, "b"), ["c", "d"])
    step(route, c, Input(dual.REPLY, "c"), ["c", "d"])
    eff = step(route, c, Input(dual.NEIGHBOR_DOWN, "d"), ["c"])
    assert route.state == PASSIVE and eff.ended and route.successors == ("c",)


def test_nothing_left_means_unreachable_after_asking() -> None:
    route, c = converged(b=(20, 30))
    eff = step(route, {}, Input(dual.NEIGHBOR_DOWN, "b"), ["c"])
    assert route.state == ACTIVE1 and eff.queries == ("c",)
    eff = step(route, {}, Input(dual.REPLY, "c"), ["c"])
    assert route.state == PASSIVE and route.distance == INFINITY and route.fd == INFINITY
    assert fib_hops(route, {}) == () and advertised_to(route, "c") is None
    # A query for an unreachable destination is answered at once; no computation starts.
    eff = step(route, {}, Input(dual.QUERY, "c"), ["c"])
    assert route.state == PASSIVE and eff.replies == ("c",) and not eff.started


def test_alone_the_computation_ends_at_once() -> None:
    route, c = converged(b=(20, 30))
    eff = step(route, {}, Input(dual.NEIGHBOR_DOWN, "b"), [])
    assert eff.started and eff.ended and route.state == PASSIVE and route.distance == INFINITY


def test_better_route_through_a_non_feasible_neighbour_needs_a_computation() -> None:
    """The source-node condition: the neighbour chosen locally must offer the least distance.
    b: 20/30 is lost; c: 25/50 is feasible (FD 30) and taken, FD stays 30.  Then d reports
    32/40: less distance than c, but RD 32 >= FD 30, so DUAL asks before using it."""
    route, c = converged(b=(20, 30), c=(25, 50))
    del c["b"]
    step(route, c, Input(dual.NEIGHBOR_DOWN, "b"), ["c", "d"])
    assert route.successors == ("c",) and route.fd == 30
    c.update(cands(d=(32, 40)))
    eff = step(route, c, Input(dual.UPDATE, "d"), ["c", "d"])
    assert route.state == ACTIVE1 and eff.queries == ("c", "d")
    assert fib_hops(route, c) == ("c",)  # c stays in use meanwhile: frozen successor


def test_equal_cost_successors_and_poisoned_reverse() -> None:
    route, c = converged(b=(20, 30), c=(20, 30), d=(25, 50))
    assert route.successors == ("b", "c") and fib_hops(route, c) == ("b", "c")
    assert advertised_to(route, "b") is None and advertised_to(route, "c") is None
    assert advertised_to(route, "d") == Vector(1_000_000, 30)


def test_variance_adds_feasible_successors_within_the_factor() -> None:
    route, c = converged(b=(20, 30), c=(25, 50), d=(40, 55))
    assert fib_hops(route, c) == ("b",)
    assert fib_hops(route, c, variance=2.0) == ("b", "c")  # d: RD 40 >= FD 30, never
    assert fib_hops(route, c, variance=1.5) == ("b",)      # c: 50 > 1.5 * 30
