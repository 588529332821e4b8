"""The session FSM against RFC 4271 §8.2.2, and session timelines worked out by hand."""

from __future__ import annotations

import networkx as nx
import pytest

from netsim.protocols.bgp import fsm
from netsim.runner import simulate
from netsim.scenario import Scenario
from netsim.scenario.events import make_event


@pytest.mark.parametrize(("state", "event", "expected"), [
    (fsm.IDLE, fsm.MANUAL_START, (fsm.CONNECT, fsm.INITIATE)),
    (fsm.IDLE, fsm.MANUAL_START_PASSIVE, (fsm.ACTIVE, fsm.LISTEN)),
    (fsm.IDLE, fsm.BGP_OPEN, (fsm.IDLE, None)),                      # Idle ignores everything else
    (fsm.CONNECT, fsm.CONNECT_RETRY_EXPIRES, (fsm.CONNECT, fsm.RETRY)),
    (fsm.CONNECT, fsm.TCP_CR_ACKED, (fsm.OPENSENT, fsm.SEND_OPEN)),
    (fsm.CONNECT, fsm.TCP_FAILS, (fsm.IDLE, fsm.DROP)),
    (fsm.ACTIVE, fsm.TCP_CONFIRMED, (fsm.OPENSENT, fsm.SEND_OPEN)),
    (fsm.ACTIVE, fsm.CONNECT_RETRY_EXPIRES, (fsm.CONNECT, fsm.INITIATE)),
    (fsm.OPENSENT, fsm.BGP_OPEN, (fsm.OPENCONFIRM, fsm.ACCEPT_OPEN)),
    (fsm.OPENSENT, fsm.TCP_FAILS, (fsm.ACTIVE, fsm.CLOSE_LISTEN)),   # back to listening
    (fsm.OPENSENT, fsm.HOLD_EXPIRES, (fsm.IDLE, fsm.NOTIFY_HOLD)),
    (fsm.OPENSENT, fsm.KEEPALIVE_MSG, (fsm.IDLE, fsm.NOTIFY_FSM)),   # any other event: FSM error
    (fsm.OPENCONFIRM, fsm.KEEPALIVE_MSG, (fsm.ESTABLISHED, fsm.ESTABLISH)),
    (fsm.OPENCONFIRM, fsm.NOTIF_MSG, (fsm.IDLE, fsm.DROP)),
    (fsm.ESTABLISHED, fsm.UPDATE_MSG, (fsm.ESTABLISHED, fsm.PROCESS_UPDATE)),
    (fsm.ESTABLISHED, fsm.KEEPALIVE_MSG, (fsm.ESTABLISHED, fsm.HEARD)),
    (fsm.ESTABLISHED, fsm.HOLD_EXPIRES, (fsm.IDLE, fsm.NOTIFY_HOLD)),
    (fsm.ESTABLISHED, fsm.BGP_OPEN, (fsm.IDLE, fsm.NOTIFY_FSM)),
    (fsm.ESTABLISHED, fsm.MANUAL_STOP, (fsm.IDLE, fsm.CEASE)),
])
def test_transitions_follow_rfc_4271(state: str, event: str, expected: tuple[str, str | None]) -> None:
    assert fsm.step(state, event) == expected


def test_every_state_reaches_idle_on_connection_failure() -> None:
    for state in fsm.STATES:
        if state == fsm.OPENSENT:
            continue  # OpenSent goes back to Active (§8.2.2)
        assert fsm.step(state, fsm.TCP_FAILS)[0] == fsm.IDLE


D = 0.01
NO_JITTER = {"timer_jitter": False, "update_delay_min": 0.0, "update_delay_max": 0.0}


def pair(events: tuple = (), duration: float = 400.0) -> Scenario:
    g = nx.Graph()
    g.add_node("r1", asn=1)
    g.add_node("r2", asn=2)
    g.add_edge("r1", "r2", cost=1, delay=D)
    return Scenario(name="pair", graph=g, protocols={}, events=events, seed=0, duration=duration)


def changes(run, router: str) -> list[tuple[float, bool]]:
    return [(round(rc.time, 6), rc.new is not None) for rc in run.trace.route_changes if rc.router == router]


def test_session_establishment_and_first_routes_take_the_handshake() -> None:
    """r2 (higher router ID) connects.  SYN at 0, SYN-ACK at d, OPEN at 2d; r1 answers OPEN +
    KEEPALIVE at 3d; r2 is Established at 4d and sends its route; r1 is Established at 5d (and
    learns r2's route then); r1's route reaches r2 at 6d."""
    run = simulate(pair(), "bgp", options=NO_JITTER)
    assert changes(run, "r1") == [(round(5 * D, 6), True)]
    assert changes(run, "r2") == [(round(6 * D, 6), True)]
    established = [(d.router, round(d.time, 6)) for d in run.trace.decisions
                   if d.kind == "bgp-session" and "→ Established" in d.text]
    assert established == [("r2", round(4 * D, 6)), ("r1", round(5 * D, 6))]


def test_silent_failure_is_noticed_when_the_hold_timer_expires() -> None:
    """Keepalives every 30 s from the OpenConfirm instant (r1: 3d, r2: 4d).  The link dies
    silently at 100: r1 last heard r2 at 90 + 4d + d, r2 last heard r1 at 90 + 3d + d; each
    drops the route exactly 90 s (hold) later."""
    cut = make_event("link_down", 100.0, index=0, target=("r1", "r2"), silent=True)
    run = simulate(pair((cut,)), "bgp", options=NO_JITTER)
    assert changes(run, "r1")[-1] == (round(90 + 5 * D + 90, 6), False)
    assert changes(run, "r2")[-1] == (round(90 + 4 * D + 90, 6), False)


def test_carrier_loss_resets_the_session_at_once() -> None:
    run = simulate(pair((make_event("link_down", 100.0, index=0, target=("r1", "r2")),)), "bgp", options=NO_JITTER)
    assert changes(run, "r1")[-1] == (100.0, False)
    assert changes(run, "r2")[-1] == (100.0, False)


def test_a_restarted_router_resets_the_stale_session_with_rst() -> None:
    """r1 crashes at 100 and boots at 110 (its neighbour sees no carrier change).  r2's next
    keepalive (sent 120 + 4d) reaches r1, which knows no such connection and answers RST; r2 drops
    the session at 120 + 6d, waits the 1 s idle hold and reconnects: both are Established again
    after a handshake, long before r2's hold timer would have expired (at 190 + 5d)."""
    events = (make_event("node_down", 100.0, index=0, target=("r1",)),
              make_event("node_up", 110.0, index=1, target=("r1",)))
    run = simulate(pair(events), "bgp", options=NO_JITTER)
    t0 = 120 + 6 * D + 1.0
    assert changes(run, "r2")[-2:] == [(round(120 + 6 * D, 6), False), (round(t0 + 6 * D, 6), True)]
    assert changes(run, "r1")[-1] == (round(t0 + 5 * D, 6), True)
