"""Walk the two state-machine tables: OSPF-style neighbour FSM and RFC 8405 SPF back-off."""

from __future__ import annotations

from netsim.protocols.common.spf_throttle import (
    HOLDDOWN_EXPIRED,
    IGP_EVENT,
    LEARN_EXPIRED,
    LONG_WAIT,
    QUIET,
    SHORT_WAIT,
    SpfBackoff,
)
from netsim.protocols.linkstate.protocol import (
    DOWN,
    EXCHANGE_DONE,
    EXCHANGE_PENDING,
    EXSTART,
    FULL,
    HELLO_1WAY,
    HELLO_2WAY,
    INACTIVITY,
    INIT,
    LINK_DOWN,
    LOADING,
    LOADING_DONE,
    NEIGHBOR_FSM,
)


def walk(state, events):
    for ev in events:
        state = NEIGHBOR_FSM.get((state, ev), (state, None))[0]
    return state


def test_adjacency_comes_up_through_exchange_and_loading():
    assert walk(DOWN, [HELLO_1WAY, HELLO_2WAY, EXCHANGE_PENDING, LOADING_DONE]) == FULL
    assert walk(DOWN, [HELLO_2WAY, EXCHANGE_DONE]) == FULL


def test_every_up_state_falls_to_down_on_dead_interval_and_carrier_loss():
    for state in (INIT, EXSTART, LOADING, FULL):
        assert NEIGHBOR_FSM[(state, INACTIVITY)][0] == DOWN
        assert NEIGHBOR_FSM[(state, LINK_DOWN)][0] == DOWN


def test_a_restarted_neighbour_hello_resets_the_adjacency():
    assert NEIGHBOR_FSM[(FULL, HELLO_1WAY)] == (INIT, "reset")


def test_full_adjacency_is_reached_only_via_exchange():
    assert {k for k, v in NEIGHBOR_FSM.items() if v[0] == FULL} == {(EXSTART, EXCHANGE_DONE), (LOADING, LOADING_DONE)}


def test_rfc8405_backoff_initial_then_short_then_long_then_quiet():
    b = SpfBackoff(initial=0.05, short=0.2, long=5.0, learn=0.5, holddown=10.0)
    acts = b.handle(IGP_EVENT)
    assert b.state == SHORT_WAIT and ("spf", "initial", 0.05) in acts
    assert ("start", "holddown", 10.0) in acts and ("start", "learn", 0.5) in acts
    assert ("spf", "short", 0.2) in b.handle(IGP_EVENT)
    b.handle(LEARN_EXPIRED)
    assert b.state == LONG_WAIT
    assert ("spf", "long", 5.0) in b.handle(IGP_EVENT)
    b.handle(HOLDDOWN_EXPIRED)
    assert b.state == QUIET
    assert b.handle(LEARN_EXPIRED) == [] and b.state == QUIET  # stale timer: nothing happens
