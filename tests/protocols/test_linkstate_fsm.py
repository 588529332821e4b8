"""The state machines, walked through the protocol classes themselves (not copies of their tables).

A LinkState instance on a fake port (no engine, a manual clock) is fed hellos, database
descriptions and updates, and its neighbour state is read back after each; the RFC 8405 SPF
back-off is driven through its own class.
"""

from __future__ import annotations

import pytest
from fakeport import make

from netsim.protocols.common.spf_throttle import (
    HOLDDOWN_EXPIRED,
    IGP_EVENT,
    LEARN_EXPIRED,
    LONG_WAIT,
    QUIET,
    SHORT_WAIT,
    SpfBackoff,
)
from netsim.protocols.linkstate import LinkState
from netsim.protocols.linkstate.neighbor import DOWN, EXSTART, FULL, INIT, LOADING, NEIGHBOR_FSM
from netsim.protocols.linkstate.notes import AdjacencyChanged
from netsim.protocols.linkstate.packets import DbDescription, Hello, Lsa, LsUpdate

OPTS = {"hello_interval": 1.0, "dead_interval": 4.0}


def _router():
    proto, port = make(LinkState, "r1", {"r2": 1.0}, OPTS)
    proto.start()
    return proto, port


def state(proto) -> str:
    return proto.nbrs["r2"].state


def test_adjacency_comes_up_through_init_exchange_and_loading():
    proto, port = _router()
    assert state(proto) == DOWN
    proto.on_message("r2", Hello(sees_you=False))
    assert state(proto) == INIT
    assert any(type(m) is Hello and m.sees_you for _t, _i, m in port.take_sent())  # answered at once
    proto.on_message("r2", Hello(sees_you=True))
    assert state(proto) == EXSTART
    assert any(type(m) is DbDescription for _t, _i, m in port.take_sent())
    # r2 announces an LSA newer than anything r1 has: Loading until it arrives.
    proto.on_message("r2", DbDescription((("r2", 3),), have_yours=True))
    assert state(proto) == LOADING
    proto.on_message("r2", LsUpdate((Lsa("r2", 3, (("r1", 1.0),)),)))
    assert state(proto) == FULL
    changes = [n for _t, n in port.notes if isinstance(n, AdjacencyChanged)]
    assert [(c.old, c.new) for c in changes] == [(DOWN, INIT), (INIT, EXSTART), (EXSTART, LOADING),
                                                (LOADING, FULL)]


def test_nothing_to_load_goes_straight_to_full():
    proto, port = _router()
    proto.on_message("r2", Hello(sees_you=True))
    proto.on_message("r2", DbDescription((), have_yours=True))
    assert state(proto) == FULL


def _full():
    proto, port = _router()
    proto.on_message("r2", Hello(sees_you=True))
    proto.on_message("r2", DbDescription((), have_yours=True))
    assert state(proto) == FULL
    return proto, port


def test_dead_interval_takes_a_full_adjacency_down():
    proto, port = _full()
    port.advance(3.9)
    assert state(proto) == FULL
    port.advance(4.0 + 1e-9)
    assert state(proto) == DOWN
    assert "no hello for 4 s" in port.notes[-1][1].reason() or any(
        isinstance(n, AdjacencyChanged) and n.new == DOWN and "dead interval" in n.reason() for _t, n in port.notes)


def test_hellos_keep_it_up_and_carrier_loss_takes_it_down_at_once():
    proto, port = _full()
    for t in (1.0, 2.0, 3.0, 4.0, 5.0):
        port.advance(t)
        proto.on_message("r2", Hello(sees_you=True))
    port.advance(8.0)
    assert state(proto) == FULL
    proto.on_link_change("r2", False)
    assert state(proto) == DOWN


def test_a_restarted_neighbours_hello_resets_the_adjacency():
    proto, port = _full()
    proto.on_message("r2", Hello(sees_you=False))
    assert state(proto) == INIT


@pytest.mark.parametrize("state_name", [INIT, EXSTART, LOADING, FULL])
def test_the_table_sends_every_up_state_down_on_dead_interval_and_carrier_loss(state_name: str):
    """The table itself: what the class above walked, stated for every state at once."""
    from netsim.protocols.linkstate.neighbor import INACTIVITY, LINK_DOWN

    assert NEIGHBOR_FSM[(state_name, INACTIVITY)][0] == DOWN
    assert NEIGHBOR_FSM[(state_name, LINK_DOWN)][0] == DOWN


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


def test_linkstate_spf_runs_through_the_backoff_with_its_delays():
    """The protocol's own SPF scheduling: first SPF after the initial delay, then the short one."""
    proto, port = _full()
    port.take_sent()
    runs = [n for _t, n in port.notes if n.kind == "spf"]
    assert runs == []
    port.advance(0.2)
    runs = [(t, n) for t, n in port.notes if n.kind == "spf"]
    assert runs and runs[0][1].mode == "initial" and runs[0][0] == pytest.approx(0.05)
