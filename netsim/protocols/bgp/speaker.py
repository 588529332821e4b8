"""The per-router BGP state as a pure object: sessions, Adj-RIBs-In, Loc-RIB, Adj-RIBs-Out.

Inputs (each with the current time): :meth:`Speaker.start`, :meth:`Speaker.carrier`,
:meth:`Speaker.receive` and :meth:`Speaker.fire` (a timer).  Each returns an
:class:`~netsim.protocols.bgp.effects.Effects`: packets to send, FIB changes with the note that
explains them, timers to arm or cancel, and narration.  No SimPy anywhere.

The routing process (RFC 4271 §9):

1. **Import** (§9.1.1): a route whose AS_PATH holds our own AS is dropped (loop prevention), an
   import filter may deny it, otherwise it gets its LOCAL_PREF from the policy and is stored in
   the Adj-RIB-In of the peer it came from.  Route-flap damping (RFC 2439) may hold it back.
2. **Decision** (§9.1.2): for every prefix whose candidates changed, :func:`decision.best` picks
   the Loc-RIB route; a change goes to the FIB (next hop = the neighbour, cost = AS-path length).
3. **Export** (§9.1.3, §9.2): for every Established peer, the export policy decides what that
   peer should hold; differences from the Adj-RIB-Out are sent, subject to MRAI, batched per
   input into as few UPDATEs as fit.  Sender-side loop checks are an option (``ssld``):
   ``off`` sends a route even back to the neighbour it came from, which discards it on seeing
   its own AS (RFC 4271 as written, FRRouting's update groups, SSFNet);  ``source`` never sends
   a route back to where it came from (Quagga);  ``path`` sends no route whose AS path holds the
   neighbour's AS (Griffin & Premore's SSLD).  Where a route is not sent, a withdrawal replaces
   whatever the neighbour held.

UPDATEs can take modelled processing time: they queue at the router's single routing process and
each takes a uniform draw from ``update_delay`` (the uniform processing-delay model of BGP
convergence studies); the order of UPDATEs is kept, and an UPDATE from a session that went down
meanwhile is discarded.

Path exploration is counted per prefix in :attr:`Speaker.stats`.

Internal peers (``ebgp=False``, routers of our own AS, a full mesh) differ where RFC 4271 says
so: their MRAI is ``mrai_ibgp``; we send them NEXT_HOP unchanged (or our loopback with
next-hop-self), LOCAL_PREF, the received MED and a community naming the relationship the route
entered by; we never pass them what other internal peers told us (§9.2, full mesh).  A route
learned from one carries its IGP cost (:attr:`Speaker.igp_cost`, fed by the IGP); a route whose
NEXT_HOP the IGP cannot reach is not a candidate (§9.1.2.1), and :meth:`Speaker.igp_changed`
re-runs the decision when the IGP moves (next-hop tracking).  The adapter that hosts the IGP
is :mod:`netsim.protocols.bgp.ibgp`.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import replace
from typing import Any

from netsim.protocols.bgp import decision
from netsim.protocols.bgp.config import NeighborConfig, SpeakerConfig
from netsim.protocols.bgp.effects import Effects
from netsim.protocols.bgp.messages import PathAttributes, pack_updates
from netsim.protocols.bgp.mrai import PEER_TIMER, MraiConfig, MraiState
from netsim.protocols.bgp.notes import (
    BestPathChange,
    DampingFlap,
    DampingReuse,
    DampingSuppress,
    MraiDeferred,
    RouteRejected,
    UpdateReceived,
    UpdateSent,
    path_text,
)
from netsim.protocols.bgp.policy import (
    SSLD_OFF,
    SSLD_PATH,
    export_attributes,
    import_local_pref,
    internal_attributes,
    may_export,
    rule_text,
)
from netsim.protocols.bgp.route import OWN, TAG_RELATIONSHIPS, BgpRoute, own_route
from netsim.protocols.bgp.session import DOWN, UP, UPDATE, Session
from netsim.protocols.bgp.transport import Segment
from netsim.protocols.common.damping import RouteDamping


class PrefixStats:
    """Path exploration at one router for one prefix: every best path it selected, in order
    (None: no route), and the UPDATE traffic about the prefix."""

    __slots__ = ("paths", "announcements_received", "withdrawals_received", "announcements_sent",
                 "withdrawals_sent")

    def __init__(self) -> None:
        self.paths: list[tuple[int, ...] | None] = []
        self.announcements_received = 0
        self.withdrawals_received = 0
        self.announcements_sent = 0
        self.withdrawals_sent = 0

    def distinct_paths(self, since: int = 0) -> int:
        """How many distinct AS paths were selected as best (from selection ``since`` on)."""
        return len({p for p in self.paths[since:] if p is not None})


class Speaker:
    """One router's BGP process."""

    def __init__(self, cfg: SpeakerConfig, uniform: Callable[[], float], *, narrate: bool = True) -> None:
        self.cfg = cfg
        self.me = cfg.name
        self.asn = cfg.asn
        self.opts = cfg.options
        self.uniform = uniform
        self.narrate = narrate
        self.sessions = {nb: Session(cfg.name, cfg.asn, cfg.router_id, nc, cfg.options.timers, uniform)
                         for nb, nc in cfg.neighbors.items()}
        #: prefix -> peer -> route accepted from that peer (suppressed ones included)
        self.rib_in: dict[str, dict[str, BgpRoute]] = {}
        self.loc_rib: dict[str, BgpRoute] = {}
        #: peer -> prefix -> attributes last sent to it
        self.adj_out: dict[str, dict[str, PathAttributes]] = {nb: {} for nb in cfg.neighbors}
        self.mrai: dict[str, MraiState] = {nb: MraiState() for nb in cfg.neighbors}
        #: peer -> prefixes whose advertisement waits for MRAI (insertion-ordered set)
        self.pending: dict[str, dict[str, None]] = {nb: {} for nb in cfg.neighbors}
        self.damp: dict[tuple[str, str], RouteDamping] = {}
        self.suppressed: set[tuple[str, str]] = set()
        self.queue: deque[tuple[str, Any, Any]] = deque()
        self.busy = False
        self.stats: dict[str, PrefixStats] = {}
        #: IGP distance to the NEXT_HOP of a route from an internal peer (infinite: unreachable);
        #: set by the adapter that hosts the IGP.  eBGP next hops are directly connected (0).
        self.igp_cost: Callable[[str], float] = lambda next_hop: 0.0
        #: Whether this router has internal peers (only then can a candidate be unresolvable).
        self.internal = any(not nb.ebgp for nb in cfg.neighbors.values())
        self._own = {p: own_route() for p in cfg.originate}
        #: Warm start: prefixes whose RIB entries still live only in the shared snapshot, and the
        #: peers whose snapshot routes no longer hold (their session went down since).
        self._untouched: set[str] = set()
        self._stale: set[str] = set()

    # -- inputs -------------------------------------------------------------------------------
    def start(self, now: float, carriers: Mapping[str, bool], *, warm: bool = False) -> Effects:
        """Boot: originate our own prefixes and start every configured session -- or, ``warm``,
        resume from the converged snapshot with every session Established."""
        out = Effects(self.narrate)
        if warm:
            self._untouched = set(self.cfg.warm.prefixes)
            for prefix, route in self._own.items():
                self._untouched.discard(prefix)
                self.loc_rib[prefix] = route
            for nb, sess in self.sessions.items():
                if carriers.get(nb, False):
                    sess.warm_up(now, out)
            return out
        for prefix in self._own:
            self._decide(prefix, "this router's own loopback", out)
        for nb, sess in self.sessions.items():
            self._signal(nb, sess.start(now, carriers.get(nb, False), out), now, out)
        return out

    def carrier(self, peer: str, up: bool, now: float, why: str = "") -> Effects:
        """The path to ``peer`` came or went: its interface's carrier, or for an internal peer the
        IGP route to its loopback (``why`` says so in the session narration)."""
        out = Effects(self.narrate)
        sess = self.sessions.get(peer)
        if sess is not None:
            self._signal(peer, sess.carrier_change(up, now, out, why), now, out)
        return out

    def igp_changed(self, next_hops: Collection[str], now: float) -> Effects:
        """Next-hop tracking: the IGP route to these NEXT_HOP addresses changed.  Routes from
        internal peers through them get their new IGP cost (or become unusable), and the
        decision process runs again for their prefixes."""
        out = Effects(self.narrate)
        changed = []
        cost = self.igp_cost
        for prefix, bucket in self.rib_in.items():
            trigger = ""
            for peer, route in bucket.items():
                if route.ebgp or route.next_hop not in next_hops:
                    continue
                new = cost(route.next_hop)
                if new == route.igp_cost:
                    continue
                bucket[peer] = replace(route, igp_cost=new)
                if not trigger:
                    trigger = f"IGP cost to next hop {route.next_hop} of {peer}'s route " + (
                        "now unreachable" if math.isinf(new) else
                        f"{_cost_text(route.igp_cost)} → {_cost_text(new)}")
            if trigger:
                changed.append((prefix, trigger))
        self._decide_and_export(changed, now, out)
        return out

    def receive(self, peer: str, packet: Any, now: float) -> Effects:
        out = Effects(self.narrate)
        sess = self.sessions.get(peer)
        if sess is not None:
            self._signal(peer, sess.receive(packet, now, out), now, out)
        return out

    def fire(self, key: tuple[Any, ...], now: float) -> Effects:
        out = Effects(self.narrate)
        kind = key[0]
        if kind == "mrai":
            self._mrai_expired(key[1], key[2], now, out)
        elif kind == "reuse":
            self._reuse(key[1], key[2], now, out)
        elif kind == "cpu":
            self._processed(now, out)
        else:
            peer = key[1]
            self._signal(peer, self.sessions[peer].fire(kind, now, out), now, out)
        return out

    def stop_session(self, peer: str, now: float) -> Effects:
        out = Effects(self.narrate)
        self._signal(peer, self.sessions[peer].stop(now, out), now, out)
        return out

    # -- warm start ---------------------------------------------------------------------------
    def _touch(self, prefix: str, also: str | None = None) -> None:
        """Warm start: bring ``prefix``'s RIB entries out of the snapshot before first use.  Only
        Established sessions that never went down since t=0 contribute (``also``: one more, whose
        session is going down right now and whose loss the caller is about to process)."""
        if prefix not in self._untouched:
            return
        self._untouched.discard(prefix)
        snap = self.cfg.warm
        me = self.me
        live = [nb for nb, sess in self.sessions.items()
                if nb == also or (sess.established and nb not in self._stale)]
        bucket = {}
        for nb in live:
            upstream = snap.route(prefix, nb)
            route = None if upstream is None else snap.offer(prefix, nb, me, upstream)
            if route is not None:
                bucket[nb] = route
        if bucket:
            self.rib_in[prefix] = bucket
            best = decision.best_route(list(bucket.values()))
            if best is not None:
                self.loc_rib[prefix] = best
        for nb in live:
            if nb != also:
                attrs = self.export(prefix, nb)
                if attrs is not None:
                    self.adj_out[nb][prefix] = attrs

    def _touch_all(self) -> None:
        for prefix in sorted(self._untouched):
            self._touch(prefix)

    # -- session signals ------------------------------------------------------------------------
    def _signal(self, peer: str, signal: str | None, now: float, out: Effects) -> None:
        if signal is None:
            return
        if signal == UPDATE:
            sess = self.sessions[peer]
            upd = sess.update
            sess.update = None
            lo, hi = self.opts.update_delay
            if hi <= 0:
                self._apply_update(peer, upd, now, out)
                return
            self.queue.append((peer, sess.conn, upd))
            if not self.busy:
                self.busy = True
                out.timer(("cpu",), lo + (hi - lo) * self.uniform())
        elif signal == UP:
            self._session_up(peer, now, out)
        elif signal == DOWN:
            self._session_down(peer, now, out)

    def _session_up(self, peer: str, now: float, out: Effects) -> None:
        self._touch_all()
        self.adj_out[peer] = {}
        self.pending[peer] = {}
        self.mrai[peer] = MraiState()
        self._sync(peer, list(self.loc_rib), now, out, "session established: initial table")

    def _session_down(self, peer: str, now: float, out: Effects) -> None:
        """Forget everything learned on the session (§8: routes withdrawn on reset) and stop
        advertising to it."""
        if self._untouched:
            for prefix in self.cfg.warm.via(self.me, peer):
                self._touch(prefix, also=peer)
            self._stale.add(peer)
        for key in self.mrai[peer].until:
            out.cancel(("mrai", peer, key))
        self.mrai[peer] = MraiState()
        self.adj_out[peer] = {}
        self.pending[peer] = {}
        asn = self.cfg.neighbors[peer].asn
        changed = []
        for prefix, bucket in self.rib_in.items():
            route = bucket.pop(peer, None)
            if route is not None:
                changed.append((prefix, f"session with {peer} (AS{asn}) down: {path_text(route.as_path)} lost"))
        self._decide_and_export(changed, now, out)

    # -- UPDATE processing ---------------------------------------------------------------------------
    def _processed(self, now: float, out: Effects) -> None:
        peer, conn, upd = self.queue.popleft()
        sess = self.sessions[peer]
        if sess.established and sess.conn == conn:
            self._apply_update(peer, upd, now, out)
        if self.queue:
            lo, hi = self.opts.update_delay
            out.timer(("cpu",), lo + (hi - lo) * self.uniform())
        else:
            self.busy = False

    def _apply_update(self, peer: str, upd: Any, now: float, out: Effects) -> None:
        changed = []
        for prefix in upd.withdrawn:
            trigger = self._learn(peer, prefix, None, now, out)
            if trigger:
                changed.append((prefix, trigger))
        for prefix in upd.nlri:
            trigger = self._learn(peer, prefix, upd.attrs, now, out)
            if trigger:
                changed.append((prefix, trigger))
        self._decide_and_export(changed, now, out)

    def _learn(self, peer: str, prefix: str, attrs: PathAttributes | None, now: float, out: Effects) -> str | None:
        """Import one announcement or withdrawal into the peer's Adj-RIB-In; returns what changed
        (for narration) or None when nothing did."""
        nb = self.cfg.neighbors[peer]
        if self._untouched:
            self._touch(prefix)
        st = self.stats.get(prefix)
        if st is None:
            st = self.stats[prefix] = PrefixStats()
        if attrs is None:
            st.withdrawals_received += 1
        else:
            st.announcements_received += 1
        if out.narrate:
            out.note(UpdateReceived(peer, nb.asn, prefix, None if attrs is None else attrs.as_path))
        bucket = self.rib_in.get(prefix)
        old = bucket.get(peer) if bucket else None
        new, why = (None, "") if attrs is None else self._import(nb, prefix, attrs, out)
        who = f"AS{nb.asn}" if nb.ebgp else peer
        if self.opts.damping is not None and nb.ebgp:
            self._damp(prefix, peer, old, new, attrs is None, now, out)
        if new is None:
            if old is None:
                return None
            del bucket[peer]  # type: ignore[union-attr]
            if attrs is None:
                return f"AS path {path_text(old.as_path)} withdrawn by {who}"
            return f"{who} replaces {path_text(old.as_path)} with {path_text(attrs.as_path)}, rejected ({why})"
        if old == new:
            return None
        if bucket is None:
            bucket = self.rib_in[prefix] = {}
        bucket[peer] = new
        if old is None:
            return f"{who} announces {path_text(new.as_path)}"
        return f"{who} replaces {path_text(old.as_path)} with {path_text(new.as_path)}"

    def _import(self, nb: NeighborConfig, prefix: str, attrs: PathAttributes,
                out: Effects) -> tuple[BgpRoute | None, str]:
        """The route as stored in the Adj-RIB-In, or (None, why it is not usable)."""
        route, why = import_route(self.cfg, nb, prefix, attrs.as_path, attrs.next_hop, attrs.origin, attrs.med,
                                  attrs.local_pref, self.igp_cost, attrs.communities)
        if route is None:
            out.note(RouteRejected(nb.name, nb.asn, prefix, attrs.as_path, why))
        return route, why

    # -- route-flap damping (RFC 2439) ------------------------------------------------------------
    def _damp(self, prefix: str, peer: str, old: BgpRoute | None, new: BgpRoute | None, withdrawal: bool,
              now: float, out: Effects) -> None:
        """Penalise a flap of the route from ``peer``: +penalty for a withdrawal of a route we had,
        +attr_penalty for a changed path; a re-announcement after a withdrawal costs nothing (as in
        FRRouting and Cisco IOS)."""
        params = self.opts.damping
        assert params is not None
        if old is None:
            return
        if new is None:
            why = f"withdrawal (+{params.penalty:.0f})" if withdrawal else f"route now unusable (+{params.penalty:.0f})"
        elif (old.as_path, old.origin, old.med) != (new.as_path, new.origin, new.med):
            params = replace(params, penalty=self.opts.damping_attr_penalty)
            why = f"attribute change (+{params.penalty:.0f})"
        else:
            return
        key = (prefix, peer)
        st = self.damp.get(key)
        if st is None:
            st = self.damp[key] = RouteDamping()
        newly = st.flap(now, params)
        out.note(DampingFlap(prefix, peer, st.flaps, st.penalty, why))
        if newly:
            self.suppressed.add(key)
            at = st.reuse_at(params)
            out.note(DampingSuppress(prefix, peer, st.penalty, at, params.suppress))
            out.timer(("reuse", prefix, peer), at - now)

    def _reuse(self, prefix: str, peer: str, now: float, out: Effects) -> None:
        params = self.opts.damping
        st = self.damp.get((prefix, peer))
        if params is None or st is None:
            return
        if not st.try_reuse(now, params):
            if st.suppressed:  # it flapped again meanwhile: the penalty decays later
                out.timer(("reuse", prefix, peer), max(1e-6, st.reuse_at(params) - now))
            return
        self.suppressed.discard((prefix, peer))
        out.note(DampingReuse(prefix, peer, st.penalty_at(now, params), params.reuse))
        self._decide_and_export([(prefix, f"route from {peer} reused after damping")], now, out)

    # -- decision ------------------------------------------------------------------------------------
    def _decide_and_export(self, changed: Iterable[tuple[str, str]], now: float, out: Effects) -> None:
        moved = [prefix for prefix, trigger in changed if self._decide(prefix, trigger, out)]
        if moved:
            for peer, sess in self.sessions.items():
                if sess.established:
                    self._sync(peer, moved, now, out, "best path changed")

    def _decide(self, prefix: str, trigger: str, out: Effects) -> bool:
        """Run the decision process for ``prefix``; True when the Loc-RIB route changed."""
        if self._untouched:
            self._touch(prefix)
        own = self._own.get(prefix)
        if own is not None:
            best, rule = own, decision.ONLY_ROUTE
        else:
            bucket = self.rib_in.get(prefix)
            if bucket:
                sup = self.suppressed
                cands = [r for p, r in bucket.items() if (prefix, p) not in sup] if sup else list(bucket.values())
                if self.internal:  # §9.1.2.1: a route whose NEXT_HOP does not resolve is not a candidate
                    cands = [r for r in cands if r.ebgp or not math.isinf(r.igp_cost)]
            else:
                cands = []
            best = decision.best_route(cands)
            rule = ""
        old = self.loc_rib.get(prefix)
        if best == old:
            return False
        detail = ""
        if best is not None and old is not None and not best.ebgp and replace(old, igp_cost=best.igp_cost) == best:
            self.loc_rib[prefix] = best  # the same route at a new IGP cost: nothing to announce
            return False
        if not rule and best is not None:
            # name the deciding step only when the winner changed
            _, rule, detail = decision.best_explained(cands) if self.internal else (None, decision.best(cands)[1], "")
        if best is None:
            del self.loc_rib[prefix]
        else:
            self.loc_rib[prefix] = best
        st = self.stats.get(prefix)
        if st is None:
            st = self.stats[prefix] = PrefixStats()
        st.paths.append(None if best is None else best.as_path)
        note = BestPathChange(prefix, None if old is None else old.as_path, None if best is None else best.as_path,
                              None if best is None else best.peer, 0 if best is None else best.peer_asn, rule,
                              trigger, best is not None and not best.ebgp, detail)
        if best is None:
            out.route(prefix, None, note)
        elif best.peer is not None:
            out.route(prefix, (best.peer, float(len(best.as_path))), note)
        else:
            out.note(note)
        return True

    # -- export ----------------------------------------------------------------------------------------
    def export(self, prefix: str, peer: str) -> PathAttributes | None:
        """What ``peer`` should hold for ``prefix`` now (None: nothing)."""
        route = self.loc_rib.get(prefix)
        if route is None:
            return None
        nb = self.cfg.neighbors[peer]
        if not exports(self.cfg, route, nb, prefix):
            return None
        if nb.ebgp:
            return export_attributes(route, self.asn, nb.local_address, nb.med)
        igp = self.cfg.igp
        return internal_attributes(route, self.asn, nb.local_address, igp is not None and igp.next_hop_self,
                                   self.opts.prefs.default, self.opts.policy)

    def _mrai_cfg(self, peer: str) -> MraiConfig:
        return self.opts.mrai if self.cfg.neighbors[peer].ebgp else self.opts.mrai_ibgp

    def _sync(self, peer: str, prefixes: Iterable[str], now: float, out: Effects, why: str) -> None:
        """Bring ``peer``'s Adj-RIB-Out in line with the export of these prefixes, subject to MRAI."""
        cfg = self._mrai_cfg(peer)
        st = self.mrai[peer]
        adj = self.adj_out[peer]
        pending = self.pending[peer]
        nb = self.cfg.neighbors[peer]
        announce: dict[PathAttributes, list[str]] = {}
        withdraw: list[str] = []
        limited: list[str] = []
        untouched = self._untouched
        for prefix in prefixes:
            if untouched:
                self._touch(prefix)
            want = self.export(prefix, peer)
            have = adj.get(prefix)
            if want == have:
                pending.pop(prefix, None)
                continue
            gone = want is None
            until = st.verdict(cfg, prefix, now, gone)
            if until is not None:
                if prefix not in pending:
                    pending[prefix] = None
                    out.note(MraiDeferred(peer, nb.asn, prefix, until, cfg.per_prefix))
                continue
            pending.pop(prefix, None)
            if gone:
                del adj[prefix]
                withdraw.append(prefix)
            else:
                adj[prefix] = want  # type: ignore[assignment]
                announce.setdefault(want, []).append(prefix)  # type: ignore[arg-type]
            if cfg.limits(gone):
                limited.append(prefix)
        if not announce and not withdraw:
            return
        self._send_updates(peer, withdraw, announce, out, why)
        started = set()
        for prefix in limited:
            key = cfg.key(prefix)
            if key not in started:
                started.add(key)
                st.start(cfg, prefix, now, cfg.draw(self.uniform() if cfg.jitter else 0.0))
                out.timer(("mrai", peer, key), st.until[key] - now)

    def _send_updates(self, peer: str, withdraw: list[str], announce: dict[PathAttributes, list[str]],
                      out: Effects, why: str) -> None:
        conn = self.sessions[peer].conn
        nb = self.cfg.neighbors[peer]
        for upd in pack_updates(withdraw, announce):
            out.send(peer, Segment(conn, upd))  # type: ignore[arg-type]
            out.note(UpdateSent(peer, nb.asn, upd.nlri, upd.attrs.as_path if upd.attrs and upd.nlri else None,
                                upd.withdrawn, why))
            for prefix in upd.withdrawn:
                self._stat(prefix).withdrawals_sent += 1
            for prefix in upd.nlri:
                self._stat(prefix).announcements_sent += 1

    def _stat(self, prefix: str) -> PrefixStats:
        st = self.stats.get(prefix)
        if st is None:
            st = self.stats[prefix] = PrefixStats()
        return st

    def _mrai_expired(self, peer: str, key: str, now: float, out: Effects) -> None:
        st = self.mrai[peer]
        if st.running(key, now):  # a stale expiry of a timer restarted meanwhile
            return
        st.expire(key)
        pending = self.pending[peer]
        if not pending or not self.sessions[peer].established:
            return
        todo = list(pending) if key == PEER_TIMER else [key] if key in pending else []
        self._sync(peer, todo, now, out, "MRAI timer expired")


# -- the routing policy as pure functions (shared with the warm-start computation) ------------------
def import_route(cfg: SpeakerConfig, nb: NeighborConfig, prefix: str, as_path: tuple[int, ...], next_hop: str,
                 origin: int, med: int | None, local_pref: int | None,
                 igp_cost: Callable[[str], float],
                 communities: tuple[tuple[int, int], ...] = ()) -> tuple[BgpRoute | None, str]:
    """Import policy (RFC 4271 §9.1.1): loop prevention, the import filter, LOCAL_PREF.

    A route from an internal peer keeps the LOCAL_PREF it carries, counts as learned from the
    relationship its community names (from our own AS when its AS path is empty), and as coming
    from the AS its path starts with (for the MED comparison)."""
    if cfg.asn in as_path:
        return None, f"AS path contains our own AS{cfg.asn}"
    opts = cfg.options
    lp = import_local_pref(nb.relationship, opts.policy, opts.prefs, nb.local_pref)
    if nb.import_filter is not None:
        ok, rule = nb.import_filter.decide(prefix, cfg.addresses.get(prefix), as_path)
        if not ok:
            return None, f"import filter: {rule_text(rule)}"
        if rule is not None and rule.local_pref is not None:
            lp = rule.local_pref
    if nb.ebgp:
        return BgpRoute(as_path, lp, nb.name, nb.asn, nb.router_id, nb.address_int, nb.relationship, next_hop,
                        origin, med, True, 0.0), ""
    if local_pref is not None:
        lp = local_pref
    learned = OWN if not as_path else next((TAG_RELATIONSHIPS[v] for a, v in communities
                                            if a == cfg.asn and v in TAG_RELATIONSHIPS), nb.relationship)
    return BgpRoute(as_path, lp, nb.name, as_path[0] if as_path else cfg.asn, nb.router_id, nb.address_int, learned,
                    next_hop, origin, med, False, igp_cost(next_hop)), ""


def exports(cfg: SpeakerConfig, route: BgpRoute, nb: NeighborConfig, prefix: str) -> bool:
    """Export policy (§9.1.3): whether ``route`` (our best) goes to neighbour ``nb`` at all."""
    opts = cfg.options
    if not nb.ebgp and not route.ebgp:
        return False  # §9.2: what an internal peer told us is never passed to another (full mesh)
    ssld = opts.ssld
    if ssld != SSLD_OFF and (route.peer == nb.name or (ssld == SSLD_PATH and nb.asn in route.as_path)):
        return False
    if not may_export(route.learned_from, nb.relationship, opts.policy):
        return False
    return nb.export_filter is None or nb.export_filter.decide(prefix, cfg.addresses.get(prefix), route.as_path)[0]


def _cost_text(x: float) -> str:
    return "unreachable" if math.isinf(x) else f"{x:g}"
