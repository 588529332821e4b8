"""DUAL, the Diffusing Update Algorithm, for one destination at one router (RFC 7868 §3).

Terms (for a destination):

* **distance** through neighbour *n*: the composite metric of *n*'s reported vector once
  extended over our interface to *n*; the least of them is the best distance.
* **RD** (reported distance) of *n*: the composite metric *n* itself reported.
* **FD** (feasible distance): the least distance this router has had since the route last
  went from active to passive.  It never grows while passive.
* **Feasibility condition** (FC): RD < FD.  A neighbour that satisfies it is closer to the
  destination than we have ever been since the last diffusing computation, so its path cannot
  lead back through us: it is safe to use at once.
* **successors**: the neighbours the route uses (equal least distance, all feasible);
  **feasible successors**: the other neighbours that satisfy the FC.

Passive state, after any input event: if a feasible neighbour offers the least distance, switch
to it on the spot (a *local computation*; no message but an update if the distance changed).
Otherwise go **active**: freeze the successor, set FD to the current distance, QUERY every
neighbour and wait for every REPLY; then choose the best neighbour and go passive again (a
*diffusing computation*).  This is the source-node condition of Garcia-Luna-Aceves' DUAL (the
neighbour chosen in a local computation must offer the least distance), so a quiet network's
routes are exactly the best ones; :mod:`netsim.analysis.oracle.eigrp` computes those
independently.

The active states carry the query origin flag (RFC 7868 §3.5): ``active1`` local origin,
``active3`` the query came from the successor (we owe it a reply), ``active0``/``active2`` the
same after the successor's distance rose during the computation (the last reply then re-checks
the FC against the FD set when the computation started, and starts another computation if it
fails).  :data:`DUAL_FSM` is the state machine as a table; the input events are named after
what happens.

Replies are withheld only from queries sent by a successor; queries from other neighbours are
answered at once.  Because the successor graph has no loops, chains of withheld replies end,
so every diffusing computation terminates (a neighbour that never answers is reset after the
active time: stuck in active).

Split horizon with poisoned reverse: a successor is told the route is unreachable through us
(:func:`advertised_to`); telling it our distance would only invite it to route back through us.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from netsim.protocols.eigrp.metric import DEFAULT_K, INFINITY, KValues, Vector, preference
from netsim.protocols.eigrp.notes import (
    ActiveAgain,
    DistanceRoseWhileActive,
    QueryWhileActive,
    ReplyReceived,
    RouteChosen,
    WentActive,
    WentPassive,
)
from netsim.records import record

if TYPE_CHECKING:
    from netsim.protocols.eigrp.notes import Note
    from netsim.protocols.eigrp.topology_table import Candidate

PASSIVE = "passive"
ACTIVE0 = "active0"  # local origin, the successor's distance rose meanwhile (oij = 0)
ACTIVE1 = "active1"  # local origin (oij = 1)
ACTIVE2 = "active2"  # query from the successor, its distance rose meanwhile (oij = 2)
ACTIVE3 = "active3"  # query from the successor (oij = 3)
ACTIVE_STATES = (ACTIVE0, ACTIVE1, ACTIVE2, ACTIVE3)
QUERY_ORIGIN_FLAG = {ACTIVE0: 0, ACTIVE1: 1, ACTIVE2: 2, ACTIVE3: 3}

# -- input events (RFC 7868 §3.5 numbers them; the names here say what each one is) -----------
FC_MET = "fc-met"                                    # passive: a feasible neighbour offers the least
                                                     # distance, or the destination stays unreachable
SUCCESSOR_QUERY_FC_FAILS = "successor-query-fc-fails"  # passive: query from the successor, no FS
OTHER_EVENT_FC_FAILS = "other-event-fc-fails"        # passive: any other input, no FS
SUCCESSOR_QUERY = "successor-query"                  # active: query from the successor
OTHER_QUERY = "other-query"                          # active: query from another neighbour
OTHER_INPUT = "other-input"                          # active: update, or a reply that is not the last
DISTANCE_ROSE = "distance-rose"                      # active: the successor's distance increased
LAST_REPLY_FC_FAILS = "last-reply-fc-fails"          # last reply, FC fails with the current FD
LAST_REPLY = "last-reply"                            # last reply (no increase meanwhile): FD reset
LAST_REPLY_FC_MET = "last-reply-fc-met"              # last reply, FC holds with the current FD

# -- actions ----------------------------------------------------------------------------------------
LOCAL = "local-computation"
GO_ACTIVE = "query-all"
OWE_REPLY = "owe-reply"
REPLY_NOW = "reply-now"
REQUERY = "query-all-again"
PASSIVE_RESET_FD = "choose-reset-fd"
PASSIVE_KEEP_FD = "choose-keep-fd"

#: (state, input event) -> (next state, action).  Pairs not listed leave the state as it is and
#: need no action (e.g. a reply that is not the last one; the table records it all the same).
DUAL_FSM: dict[tuple[str, str], tuple[str, str | None]] = {
    (PASSIVE, FC_MET): (PASSIVE, LOCAL),
    (PASSIVE, SUCCESSOR_QUERY_FC_FAILS): (ACTIVE3, GO_ACTIVE),
    (PASSIVE, OTHER_EVENT_FC_FAILS): (ACTIVE1, GO_ACTIVE),
    (ACTIVE0, SUCCESSOR_QUERY): (ACTIVE2, OWE_REPLY),
    (ACTIVE1, SUCCESSOR_QUERY): (ACTIVE2, OWE_REPLY),
    # Not in the RFC's figure: a second successor (equal-cost) querying while we already owe one.
    (ACTIVE2, SUCCESSOR_QUERY): (ACTIVE2, OWE_REPLY),
    (ACTIVE3, SUCCESSOR_QUERY): (ACTIVE3, OWE_REPLY),
    **{(s, OTHER_QUERY): (s, REPLY_NOW) for s in ACTIVE_STATES},
    **{(s, OTHER_INPUT): (s, None) for s in ACTIVE_STATES},
    (ACTIVE1, DISTANCE_ROSE): (ACTIVE0, None),
    (ACTIVE3, DISTANCE_ROSE): (ACTIVE2, None),
    (ACTIVE0, LAST_REPLY_FC_FAILS): (ACTIVE1, REQUERY),
    (ACTIVE2, LAST_REPLY_FC_FAILS): (ACTIVE3, REQUERY),
    (ACTIVE3, LAST_REPLY): (PASSIVE, PASSIVE_RESET_FD),
    (ACTIVE1, LAST_REPLY): (PASSIVE, PASSIVE_RESET_FD),
    (ACTIVE0, LAST_REPLY_FC_MET): (PASSIVE, PASSIVE_KEEP_FD),
    (ACTIVE2, LAST_REPLY_FC_MET): (PASSIVE, PASSIVE_KEEP_FD),
}

#: Kinds of input a destination's route can receive.
UPDATE, QUERY, REPLY, NEIGHBOR_DOWN, LINK_CHANGE, NEIGHBOR_UP = (
    "update", "query", "reply", "neighbor-down", "link-change", "neighbor-up")


@record
class Input:
    """What happened to a destination: ``kind`` (update, query, reply, neighbour down, link
    metric change) concerning ``neighbor`` (already applied to the topology table)."""

    kind: str
    neighbor: str


@dataclass(slots=True)
class Route:
    """DUAL's state for one destination (mutable: it is the protocol's state)."""

    dest: str
    state: str = PASSIVE
    fd: int = INFINITY
    distance: int = INFINITY
    successors: tuple[str, ...] = ()
    #: The vector of our current route (the most preferred of the successors'); None: no route.
    vector: Vector | None = None
    #: The vector we report to neighbours.  Passive: ``vector``.  Active: frozen at the start of
    #: the diffusing computation (the value the queries carried), so that every neighbour's
    #: idea of our distance stays at least our FD until the computation ends.
    reported: Vector | None = None
    #: Neighbours whose query we have not answered yet (they are, or were, our successors).
    owed: set[str] = field(default_factory=set)
    #: Neighbours whose reply we are waiting for (RFC 7868: the reply status flags).
    waiting: set[str] = field(default_factory=set)

    @property
    def active(self) -> bool:
        return self.state != PASSIVE


@record
class Effects:
    """What the router must do after an input: messages to send and notes to narrate.

    ``queries``: neighbours to send a QUERY (carrying :func:`advertised_to`); ``replies``:
    neighbours to send a REPLY; ``started``/``ended``: a diffusing computation started (arm the
    active timer) or the route went passive (disarm it).
    """

    queries: tuple[str, ...] = ()
    replies: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    started: bool = False
    ended: bool = False
    events: tuple[str, ...] = ()


@dataclass(slots=True)
class _Out:
    """The effects of one DUAL step while it runs: queries and replies to send, notes, whether the
    destination went active or passive (frozen into :class:`Effects`)."""

    queries: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    started: bool = False
    ended: bool = False
    events: list[str] = field(default_factory=list)

    def freeze(self) -> Effects:
        return Effects(tuple(self.queries), tuple(dict.fromkeys(self.replies)), tuple(self.notes),
                       self.started, self.ended, tuple(self.events))


#: Inputs that only bring news about one neighbour's route (no query to answer).
_NEWS = frozenset((UPDATE, NEIGHBOR_DOWN, LINK_CHANGE, NEIGHBOR_UP))
#: What :func:`step` returns when the input can change nothing (the very object: callers may
#: test for it with ``is`` and skip their own work).
UNCHANGED = Effects(events=(FC_MET,))


@record
class Best:
    """The least distance over all neighbours and who offers it (sorted names)."""

    distance: int
    winners: tuple[str, ...]


def best(cands: Mapping[str, Candidate]) -> Best:
    d = INFINITY
    winners: list[str] = []
    for n, c in cands.items():
        if c.distance < d:
            d, winners = c.distance, [n]
        elif c.distance == d:
            winners.append(n)
    if d >= INFINITY:
        return Best(INFINITY, ())
    return Best(d, tuple(sorted(winners)) if len(winners) > 1 else tuple(winners))


def feasible(cands: Mapping[str, Candidate], fd: int, among: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Neighbours (of ``among``, a sorted tuple; default all) that satisfy the feasibility
    condition RD < FD, sorted."""
    if among is None:
        return tuple(sorted(n for n, c in cands.items() if c.rd < fd))
    return tuple(n for n in among if cands[n].rd < fd)


def advertised_to(route: Route, neighbor: str) -> Vector | None:
    """What we tell ``neighbor`` about the destination: our reported vector, or unreachable if
    we route through it (poisoned reverse) or have no route.

    While active this is the value the queries carried, not the current distance through the
    frozen successor: a reply must not tell a neighbour less than the FD we may end with, or
    that neighbour could pick us as a feasible successor on a path that leads back to itself.
    """
    if route.reported is None or neighbor in route.successors:
        return None
    return route.reported


def fib_hops(route: Route, cands: Mapping[str, Candidate], variance: float = 1.0) -> tuple[str, ...]:
    """Next hops to install: the successors, and with ``variance`` > 1 (passive only) every
    feasible successor whose distance is within ``variance`` times the best (unequal-cost load
    sharing stays loop-free because every such neighbour satisfies the FC)."""
    if route.distance >= INFINITY or not route.successors:
        return ()
    if variance <= 1.0 or route.active:
        return route.successors
    extra = [n for n in feasible(cands, route.fd) if n not in route.successors
             and cands[n].distance <= variance * route.distance]
    return tuple(sorted((*route.successors, *extra)))


def step(route: Route, cands: Mapping[str, Candidate], inp: Input, neighbors: Iterable[str],
         k: KValues = DEFAULT_K) -> Effects:
    """Run DUAL for ``route`` after ``inp`` (whose new facts are already in ``cands``).

    ``cands`` maps every neighbour that reports a finite route to its candidate; ``neighbors``
    lists the neighbours with an adjacency up (the ones a query goes to; a tuple is taken to be
    sorted already).
    """
    if route.state == PASSIVE and inp.kind in _NEWS and inp.neighbor not in route.successors:
        c = cands.get(inp.neighbor)
        if c is None or c.distance > route.distance:
            # Passive, the route is the least distance of all, and a non-successor reports no
            # better: nothing can change (the common case while tables are first exchanged).
            return UNCHANGED
    out = _Out()
    names = neighbors if isinstance(neighbors, tuple) else tuple(sorted(neighbors))
    if route.state == PASSIVE:
        _passive(route, cands, inp, names, out, k)
    else:
        _active(route, cands, inp, names, out, k)
    return out.freeze()


def _fire(route: Route, event: str, out: _Out) -> str | None:
    """Apply ``event`` to the state machine; return the action."""
    nxt, action = DUAL_FSM.get((route.state, event), (route.state, None))
    route.state = nxt
    out.events.append(event)
    return action


def _vector(cands: Mapping[str, Candidate], names: tuple[str, ...], k: KValues) -> Vector | None:
    if len(names) == 1:
        return cands[names[0]].vector
    vectors = [cands[n].vector for n in names]
    return min(vectors, key=lambda v: preference(v, k)) if vectors else None


def _choose(route: Route, cands: Mapping[str, Candidate], successors: tuple[str, ...], distance: int,
            k: KValues) -> None:
    route.successors = successors
    route.distance = distance if successors else INFINITY
    route.vector = _vector(cands, successors, k)


# -- passive ------------------------------------------------------------------------------------------
def _passive(route: Route, cands: Mapping[str, Candidate], inp: Input, neighbors: tuple[str, ...], out: _Out,
             k: KValues) -> None:
    b = best(cands)
    from_successor = inp.kind == QUERY and inp.neighbor in route.successors
    unreachable = b.distance >= INFINITY and route.distance >= INFINITY  # was and stays: nothing to do
    good = () if unreachable else feasible(cands, route.fd, b.winners)
    fails = SUCCESSOR_QUERY_FC_FAILS if from_successor else OTHER_EVENT_FC_FAILS
    action = _fire(route, FC_MET if unreachable or good else fails, out)
    if action == LOCAL:
        before, old_distance = route.successors, route.distance
        _choose(route, cands, good, b.distance, k)
        route.fd = min(route.fd, route.distance)
        route.reported = route.vector
        if good and (before != route.successors or old_distance != route.distance):
            rd = max(cands[n].rd for n in good)
            out.notes.append(RouteChosen(route.dest, good, route.distance, rd, route.fd, before))
    elif action == GO_ACTIVE:
        origin = inp.neighbor if from_successor else None
        top = b.winners[0] if b.winners else None
        out.notes.append(WentActive(route.dest, (), top, cands[top].rd if top else None, route.fd, origin))
        _start_computation(route, cands, neighbors, out, k, origin)
    if inp.kind == QUERY and not (action == GO_ACTIVE and from_successor):
        out.replies.append(inp.neighbor)  # only the successor that made us active waits


def _start_computation(route: Route, cands: Mapping[str, Candidate], neighbors: tuple[str, ...], out: _Out,
                       k: KValues, origin: str | None) -> None:
    """Freeze the successor(s) still offering a route, set FD to the current distance, query
    everyone we do not owe a reply to."""
    alive = [s for s in route.successors if s in cands]
    d = min((cands[s].distance for s in alive), default=INFINITY)
    _choose(route, cands, tuple(s for s in alive if cands[s].distance == d), d, k)
    route.fd = route.distance
    route.reported = route.vector
    if origin is not None:
        route.owed.add(origin)
    route.waiting = {n for n in neighbors if n not in route.owed}
    out.queries.extend(sorted(route.waiting))
    out.started = True
    if out.notes and isinstance(out.notes[-1], WentActive):  # name who was queried
        note = out.notes[-1]
        out.notes[-1] = WentActive(note.dest, tuple(sorted(route.waiting)), note.best, note.best_rd,
                                   note.fd, note.origin)
    if not route.waiting:
        _last_reply(route, cands, neighbors, out, k, None)


# -- active ---------------------------------------------------------------------------------------------
def _active(route: Route, cands: Mapping[str, Candidate], inp: Input, neighbors: tuple[str, ...], out: _Out,
            k: KValues) -> None:
    before = route.successors
    old = route.distance
    alive = [s for s in before if s in cands]
    d = min((cands[s].distance for s in alive), default=INFINITY)
    _choose(route, cands, tuple(s for s in alive if cands[s].distance == d), d, k)
    if route.distance > old:
        flag_before = QUERY_ORIGIN_FLAG[route.state]
        _fire(route, DISTANCE_ROSE, out)
        if QUERY_ORIGIN_FLAG[route.state] != flag_before:
            who = inp.neighbor if inp.neighbor in before else (before[0] if before else inp.neighbor)
            out.notes.append(DistanceRoseWhileActive(route.dest, who, route.distance,
                                                     QUERY_ORIGIN_FLAG[route.state]))
    if inp.kind == QUERY:
        if inp.neighbor in before:
            action = _fire(route, SUCCESSOR_QUERY, out)
            if action == OWE_REPLY:
                route.owed.add(inp.neighbor)
                out.notes.append(QueryWhileActive(route.dest, inp.neighbor))
        else:
            _fire(route, OTHER_QUERY, out)
            out.replies.append(inp.neighbor)
    if inp.kind == NEIGHBOR_DOWN:
        route.owed.discard(inp.neighbor)
    if inp.kind in (REPLY, NEIGHBOR_DOWN) and inp.neighbor in route.waiting:
        route.waiting.discard(inp.neighbor)
        if route.waiting:
            _fire(route, OTHER_INPUT, out)
            if inp.kind == REPLY:
                c = cands.get(inp.neighbor)
                out.notes.append(ReplyReceived(route.dest, inp.neighbor, c.rd if c else INFINITY,
                                               tuple(sorted(route.waiting))))
        else:
            _last_reply(route, cands, neighbors, out, k, inp.neighbor)
    elif inp.kind in (UPDATE, REPLY, LINK_CHANGE, NEIGHBOR_UP):
        _fire(route, OTHER_INPUT, out)


def _last_reply(route: Route, cands: Mapping[str, Candidate], neighbors: tuple[str, ...], out: _Out, k: KValues,
                last: str | None) -> None:
    b = best(cands)
    good: tuple[str, ...] = ()
    if route.state in (ACTIVE1, ACTIVE3):
        # No distance increase during the computation: the least distance now is at most what
        # the queries (and any reply since) reported, so the FD may be reset to it.
        event = LAST_REPLY
    else:
        # The successor's distance rose meanwhile: check FC with the FD of this computation.
        # When nobody offers a route FC fails too: the neighbours were told a finite distance,
        # so the FD cannot jump to infinity before they hear the new one.
        good = feasible(cands, route.fd, b.winners)
        event = LAST_REPLY_FC_MET if good else LAST_REPLY_FC_FAILS
    action = _fire(route, event, out)
    if action == PASSIVE_RESET_FD:
        _choose(route, cands, b.winners, b.distance, k)
        route.fd = route.distance
        _go_passive(route, out, last, reset=True)
    elif action == PASSIVE_KEEP_FD:
        _choose(route, cands, good, b.distance, k)
        route.fd = min(route.fd, route.distance)
        _go_passive(route, out, last, reset=False)
    elif action == REQUERY:
        route.fd = route.distance
        route.reported = route.vector
        route.waiting = {n for n in neighbors if n not in route.owed}
        out.queries.extend(sorted(route.waiting))
        out.started = True
        out.notes.append(ActiveAgain(route.dest, route.fd, tuple(sorted(route.waiting))))
        if not route.waiting:
            _last_reply(route, cands, neighbors, out, k, None)


def _go_passive(route: Route, out: _Out, last: str | None, reset: bool) -> None:
    route.state = PASSIVE
    route.reported = route.vector
    route.waiting = set()
    out.replies.extend(sorted(route.owed))
    route.owed = set()
    out.ended = True
    out.notes.append(WentPassive(route.dest, route.successors, route.distance, route.fd, last, reset))
