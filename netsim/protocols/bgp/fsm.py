"""The BGP session finite-state machine of RFC 4271 §8, as a table.

``FSM[(state, event)] = (next_state, action)``; :func:`step` adds the RFC's catch-all rows
("in response to any other event ... changes its state to Idle", §8.2.2), so the table lists
only the rows that do something specific.  Actions are names that
:class:`netsim.protocols.bgp.session.Session` carries out (send OPEN, start the hold timer ...).

Event names and numbers are the RFC's (§8.1).  Not modelled: DelayOpen, collision detection
(connection roles are fixed, see :mod:`netsim.protocols.bgp.transport`), peer-oscillation
damping, and the optional events 6-8, 12, 14-15, 20-24.  Deviations, each documented where it
happens:

* the listening (passive) end has no ConnectRetry timer: it never initiates (RFC 4271 §8.1.1
  PassiveTcpEstablishment);
* after the session drops to Idle for any reason but an operator's stop, an IdleHold timer
  (``idle_hold`` seconds, FRRouting's 1 s start timer) issues AutomaticStart again;
* carrier loss on the interface is a TcpConnectionFails at once ("fast external fallover", the
  default of FRRouting and Cisco IOS for directly connected eBGP peers).
"""

from __future__ import annotations

IDLE, CONNECT, ACTIVE, OPENSENT, OPENCONFIRM, ESTABLISHED = (
    "Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established")
STATES = (IDLE, CONNECT, ACTIVE, OPENSENT, OPENCONFIRM, ESTABLISHED)

# Events, numbered as in RFC 4271 §8.1.
MANUAL_START = "ManualStart"                                                  # 1
MANUAL_STOP = "ManualStop"                                                    # 2
AUTOMATIC_START = "AutomaticStart"                                            # 3
MANUAL_START_PASSIVE = "ManualStart_with_PassiveTcpEstablishment"             # 4
AUTOMATIC_START_PASSIVE = "AutomaticStart_with_PassiveTcpEstablishment"       # 5
CONNECT_RETRY_EXPIRES = "ConnectRetryTimer_Expires"                           # 9
HOLD_EXPIRES = "HoldTimer_Expires"                                            # 10
KEEPALIVE_EXPIRES = "KeepaliveTimer_Expires"                                  # 11
TCP_CR_ACKED = "Tcp_CR_Acked"                                                 # 16
TCP_CONFIRMED = "TcpConnectionConfirmed"                                      # 17
TCP_FAILS = "TcpConnectionFails"                                              # 18
BGP_OPEN = "BGPOpen"                                                          # 19
NOTIF_MSG = "NotifMsg"                                                        # 25
KEEPALIVE_MSG = "KeepAliveMsg"                                                # 26
UPDATE_MSG = "UpdateMsg"                                                      # 27

EVENT_NUMBERS = {
    MANUAL_START: 1, MANUAL_STOP: 2, AUTOMATIC_START: 3, MANUAL_START_PASSIVE: 4, AUTOMATIC_START_PASSIVE: 5,
    CONNECT_RETRY_EXPIRES: 9, HOLD_EXPIRES: 10, KEEPALIVE_EXPIRES: 11, TCP_CR_ACKED: 16, TCP_CONFIRMED: 17,
    TCP_FAILS: 18, BGP_OPEN: 19, NOTIF_MSG: 25, KEEPALIVE_MSG: 26, UPDATE_MSG: 27,
}

# Actions (carried out by the session).
INITIATE = "initiate"        # start ConnectRetry, send SYN
LISTEN = "listen"            # wait for the peer's SYN
RETRY = "retry"              # abandon the attempt, restart ConnectRetry, send a new SYN
SEND_OPEN = "send_open"      # stop ConnectRetry, send OPEN, hold timer to the large OpenSent value
CLOSE_LISTEN = "close_listen"  # connection lost in OpenSent: back to listening (§8.2.2 OpenSent, event 18)
ACCEPT_OPEN = "accept_open"  # negotiate the hold time, send KEEPALIVE, start keepalive and hold timers
SEND_KEEPALIVE = "send_keepalive"
HEARD = "heard"              # restart the hold timer
ESTABLISH = "establish"      # restart the hold timer; the session is up: exchange routes
PROCESS_UPDATE = "process_update"  # restart the hold timer; hand the UPDATE to the routing process
NOTIFY_HOLD = "notify_hold"  # send NOTIFICATION Hold Timer Expired, close
NOTIFY_FSM = "notify_fsm"    # send NOTIFICATION Finite State Machine Error, close
CEASE = "cease"              # send NOTIFICATION Cease, close (operator stop)
DROP = "drop"                # close without a message (the connection is already gone)

_CONNECTED = (OPENSENT, OPENCONFIRM, ESTABLISHED)

#: (state, event) -> (next state, action); see :func:`step` for the rows not listed.
FSM: dict[tuple[str, str], tuple[str, str | None]] = {
    (IDLE, MANUAL_START): (CONNECT, INITIATE),
    (IDLE, AUTOMATIC_START): (CONNECT, INITIATE),
    (IDLE, MANUAL_START_PASSIVE): (ACTIVE, LISTEN),
    (IDLE, AUTOMATIC_START_PASSIVE): (ACTIVE, LISTEN),
    (CONNECT, CONNECT_RETRY_EXPIRES): (CONNECT, RETRY),
    (CONNECT, TCP_CR_ACKED): (OPENSENT, SEND_OPEN),
    (CONNECT, TCP_CONFIRMED): (OPENSENT, SEND_OPEN),
    (CONNECT, TCP_FAILS): (IDLE, DROP),
    (ACTIVE, CONNECT_RETRY_EXPIRES): (CONNECT, INITIATE),
    (ACTIVE, TCP_CR_ACKED): (OPENSENT, SEND_OPEN),
    (ACTIVE, TCP_CONFIRMED): (OPENSENT, SEND_OPEN),
    (ACTIVE, TCP_FAILS): (IDLE, DROP),
    (OPENSENT, BGP_OPEN): (OPENCONFIRM, ACCEPT_OPEN),
    (OPENSENT, TCP_FAILS): (ACTIVE, CLOSE_LISTEN),
    (OPENSENT, HOLD_EXPIRES): (IDLE, NOTIFY_HOLD),
    (OPENSENT, NOTIF_MSG): (IDLE, DROP),
    (OPENCONFIRM, KEEPALIVE_MSG): (ESTABLISHED, ESTABLISH),
    (OPENCONFIRM, KEEPALIVE_EXPIRES): (OPENCONFIRM, SEND_KEEPALIVE),
    (OPENCONFIRM, HOLD_EXPIRES): (IDLE, NOTIFY_HOLD),
    (OPENCONFIRM, TCP_FAILS): (IDLE, DROP),
    (OPENCONFIRM, NOTIF_MSG): (IDLE, DROP),
    (ESTABLISHED, KEEPALIVE_MSG): (ESTABLISHED, HEARD),
    (ESTABLISHED, UPDATE_MSG): (ESTABLISHED, PROCESS_UPDATE),
    (ESTABLISHED, KEEPALIVE_EXPIRES): (ESTABLISHED, SEND_KEEPALIVE),
    (ESTABLISHED, HOLD_EXPIRES): (IDLE, NOTIFY_HOLD),
    (ESTABLISHED, TCP_FAILS): (IDLE, DROP),
    (ESTABLISHED, NOTIF_MSG): (IDLE, DROP),
    **{(s, MANUAL_STOP): (IDLE, CEASE) for s in _CONNECTED},
    **{(s, MANUAL_STOP): (IDLE, DROP) for s in (CONNECT, ACTIVE)},
}


def step(state: str, event: str) -> tuple[str, str | None]:
    """The transition for ``event`` in ``state``, with RFC 4271's defaults for unlisted pairs:
    Idle ignores them; Connect and Active fall back to Idle (no BGP connection to notify);
    OpenSent, OpenConfirm and Established send a NOTIFICATION (FSM error) and fall back to Idle."""
    row = FSM.get((state, event))
    if row is not None:
        return row
    if state == IDLE:
        return IDLE, None
    if state in (CONNECT, ACTIVE):
        return IDLE, DROP
    return IDLE, NOTIFY_FSM
