"""BGP inside an AS of several routers: iBGP in a full mesh over the AS's IGP, in one router.

A router of such an AS runs two processes, composed with :class:`netsim.protocols.stack.Stack`:

* the **IGP** (link-state, through its ordinary ``Protocol`` interface) on the links inside the
  AS only, carrying the routers' loopbacks and, as stubs at metric 0, the subnets of the links
  that leave the AS (where eBGP NEXT_HOPs live);
* **BGP**: eBGP on the links to other ASes, as for a router that is an AS on its own, and iBGP
  with every other router of the AS (full mesh), between loopbacks.

The FIB takes, per destination, the route of the lowest administrative distance: eBGP 20, the
IGP 110, iBGP 200 -- so routers reach each other's loopbacks through the IGP, and reach other
ASes through BGP.  What ties the two together, each as routers do it:

* **recursive resolution**: a route learned over iBGP is installed with the IGP next hops
  towards its BGP NEXT_HOP (cost: the AS-path length, as every BGP entry);
* **next-hop tracking**: every change of the IGP's table is looked at (batched at the instant
  it happens): routes through a next hop whose IGP cost changed are re-decided (hot-potato:
  "lowest IGP cost"), routes through one that became unreachable stop being candidates, and
  FIB entries resolved through a moved IGP route follow it;
* **iBGP sessions** run between loopbacks; their TCP segments are routed hop by hop
  (:class:`~netsim.protocols.stack.Routed`) with TCP's retransmission
  (:mod:`netsim.protocols.bgp.reliable`); a session's "carrier" is the IGP route to the peer's
  loopback: it goes down when the IGP loses the peer (as with FRRouting's and Cisco's
  next-hop-tracked peering), and otherwise the hold timer decides.

The IGP runs with its own defaults; it does not run over links to other ASes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from netsim.protocols.base import Prefix, RouterConfig, get_protocol
from netsim.protocols.bgp.config import IgpConfig
from netsim.protocols.bgp.effects import Effects
from netsim.protocols.bgp.notes import NextHopChange
from netsim.protocols.bgp.protocol import Bgp
from netsim.protocols.bgp.reliable import Ack, Reliable, Sequenced
from netsim.protocols.bgp.transport import ConnId, Segment
from netsim.protocols.stack import EBGP_DISTANCE, IBGP_DISTANCE, ISIS_DISTANCE, OSPF_DISTANCE, Routed, Stack
from netsim.trace import Note

#: Administrative distance of each IGP the AS can run.
IGP_DISTANCES = {"linkstate": OSPF_DISTANCE, "isis": ISIS_DISTANCE}


class BgpOverIgp(Bgp):
    """A BGP router of an AS with several routers (built by :class:`Bgp` when its AS needs it)."""

    def __init__(self, port: Any, config: RouterConfig, rng: Any) -> None:
        igp_rng, bgp_rng = rng.spawn(2)
        super().__init__(port, config, bgp_rng)
        igp: IgpConfig = self.bgp.igp  # type: ignore[assignment]
        self.igp_config = igp
        self.external = frozenset(nb for nb, c in self.bgp.neighbors.items() if c.ebgp)
        self.internal = frozenset(nb for nb, c in self.bgp.neighbors.items() if not c.ebgp)
        self.stack = Stack(port)
        self.ebgp_rib = self.stack.member("ebgp", EBGP_DISTANCE, interfaces=self.external)
        igp_port = self.stack.member(igp.protocol, IGP_DISTANCES.get(igp.protocol, OSPF_DISTANCE),
                                     interfaces=igp.interfaces, hidden=igp.hidden)
        self.ibgp_rib = self.stack.member("ibgp", IBGP_DISTANCE, interfaces=frozenset())
        self.igp_rib = igp_port
        cls = get_protocol(igp.protocol)
        self.igp = cls(igp_port, RouterConfig(port.name, cls.defaults(), prefixes=tuple(Prefix(s) for s in igp.stubs),
                                              asn=self.bgp.asn), igp_rng)
        self.stack.add(self.igp, igp_port)
        self.stack.watch(igp_port, self._igp_changed)
        #: BGP next-hop addresses per IGP destination (the inverse of ``next_hop_keys``), and mine.
        self._addresses: dict[str, list[str]] = {}
        for address, key in igp.next_hop_keys.items():
            self._addresses.setdefault(key, []).append(address)
        self._own = {port.name, *igp.stubs}
        self._moved: set[str] = set()
        self._tracking = False
        self._reachable: dict[str, bool] = {}
        self.speaker.igp_cost = self._igp_cost
        self.tcp = Reliable(self._transmit, self._deliver, self._current, port.call_later)

    # -- engine callbacks: eBGP on external interfaces, the IGP inside, routed packets anywhere ----------
    def start(self) -> None:
        self.stack.start()
        ifaces = self.port.interfaces()
        carriers = {nb: ifaces[nb].up for nb in self.external if nb in ifaces}
        self._apply(self.speaker.start(self.port.now, carriers))

    def stop(self) -> None:
        self.stack.stop()

    def on_message(self, iface: str, msg: Any) -> None:
        if type(msg) is Routed:
            mine = self.stack.receive_routed(msg)
            if mine is not None and mine.src in self.internal:
                self._internal(mine.src, mine.payload)
        elif iface in self.external:
            self._apply(self.speaker.receive(iface, msg, self.port.now))
        else:
            self.stack.on_message(iface, msg)

    def on_link_change(self, iface: str, up: bool) -> None:
        if iface in self.external:
            self._apply(self.speaker.carrier(iface, up, self.port.now))
        else:
            self.stack.on_link_change(iface, up)

    def on_cost_change(self, iface: str, cost: float) -> None:
        self.stack.on_cost_change(iface, cost)

    def on_link_attrs(self, iface: str, attrs: Mapping[str, float]) -> None:
        self.stack.on_link_attrs(iface, attrs)

    # -- iBGP transport: routed, retransmitted ------------------------------------------------------------
    def _internal(self, peer: str, pkt: Any) -> None:
        if type(pkt) in (Sequenced, Ack):
            self.tcp.receive(peer, pkt)
        else:  # SYN, SYN-ACK, RST
            self._apply(self.speaker.receive(peer, pkt, self.port.now))

    def _deliver(self, peer: str, segment: Segment) -> None:
        self._apply(self.speaker.receive(peer, segment, self.port.now))

    def _transmit(self, peer: str, pkt: Any) -> None:
        self.stack.send_routed(peer, pkt)

    def _current(self, peer: str, conn: ConnId) -> bool:
        sess = self.speaker.sessions[peer]
        return conn == sess.conn or conn == sess.pending

    # -- carrying out the speaker's effects --------------------------------------------------------------
    def _apply(self, out: Effects) -> None:
        for note in out.notes:
            self._note(note)
        for prefix, _entry, note in out.routes:
            self._note(note)
            self._resolve(prefix, note)
        port = self.port
        internal = self.internal
        for peer, packet in out.sends:
            if peer not in internal:
                port.send(peer, packet, packet.size)
            elif type(packet) is Segment:
                self.tcp.send(peer, packet)
            else:
                self.stack.send_routed(peer, packet)
        self._arm(out)

    def _resolve(self, prefix: str, cause: Note) -> None:
        """Bring ``prefix``'s BGP entry in the RIBs in line with the Loc-RIB and the IGP: an eBGP
        route via its neighbour, an iBGP route via the IGP next hops towards its NEXT_HOP."""
        route = self.speaker.loc_rib.get(prefix)
        if route is None or route.peer is None:
            self.ebgp_rib.withdraw(prefix, cause)
            self.ibgp_rib.withdraw(prefix, cause)
        elif route.ebgp:
            self.ebgp_rib.install(prefix, (route.peer,), float(len(route.as_path)), cause)
            self.ibgp_rib.withdraw(prefix, cause)
        else:
            via = self._igp_route(route.next_hop)
            if via is None:
                self.ibgp_rib.withdraw(prefix, cause)
            else:
                self.ibgp_rib.install(prefix, via.next_hops, float(len(route.as_path)), cause)
            self.ebgp_rib.withdraw(prefix, cause)

    # -- next-hop tracking ---------------------------------------------------------------------------------
    def _igp_route(self, next_hop: str) -> Any:
        key = self.igp_config.next_hop_keys.get(next_hop)
        return None if key is None else self.igp_rib.rib.get(key)

    def _igp_cost(self, next_hop: str) -> float:
        key = self.igp_config.next_hop_keys.get(next_hop)
        if key in self._own:
            return 0.0
        route = None if key is None else self.igp_rib.rib.get(key)
        return math.inf if route is None else float(route.cost)

    def _igp_changed(self, dest: str) -> None:
        """The IGP's route to ``dest`` changed: look at it once the IGP has finished this instant."""
        self._moved.add(dest)
        if not self._tracking:
            self._tracking = True
            self.port.call_later(0.0, self._track)

    def _track(self) -> None:
        self._tracking = False
        moved, self._moved = self._moved, set()
        now = self.port.now
        rib = self.igp_rib.rib
        for peer in sorted(self.internal & moved):
            up = peer in rib
            if self._reachable.get(peer, False) != up:
                self._reachable[peer] = up
                why = f"IGP route to {peer}'s loopback " + ("up" if up else "lost")
                self._apply(self.speaker.carrier(peer, up, now, why))
        addresses = {a for key in moved for a in self._addresses.get(key, ())}
        if addresses:
            self._apply(self.speaker.igp_changed(addresses, now))
        notes: dict[str, Note] = {}
        for prefix, route in self.speaker.loc_rib.items():
            if route.ebgp or route.peer is None:
                continue
            key = self.igp_config.next_hop_keys.get(route.next_hop)
            if key not in moved:
                continue
            note = notes.get(key)
            if note is None:
                via = rib.get(key)
                label = f"{key}'s loopback" if key in self.internal else key
                note = notes[key] = NextHopChange(label, None if via is None else via.next_hops,
                                                  None if via is None else via.cost)
                self._note(note)
            self._resolve(prefix, note)
