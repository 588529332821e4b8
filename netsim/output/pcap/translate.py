"""netsim's protocol messages as IP packets: the mapping, and every approximation it makes.

Messages are recognised by duck typing -- class name plus the fields the encoder reads (the
table :data:`MESSAGE_KINDS`) -- so the message classes can move between modules freely.

What each message becomes (all sent with TTL 1 except BFD, from the sender's address on the
link; OSPF to AllSPFRouters 224.0.0.5, as RFC 2328 §8.1 requires on point-to-point links;
RIP to 224.0.0.9, RFC 2453 §4.1):

* ``Hello(sees_you)``: an OSPF Hello with the link's /31 mask, HelloInterval and
  RouterDeadInterval from the sender's options (rounded to whole seconds, at least 1),
  priority 0, no DR/BDR, and the neighbour's router ID listed when ``sees_you``.
* ``DbDescription(headers, have_yours)``: netsim exchanges databases in one message each
  way, not RFC 2328's master/slave polling.  It becomes one DD packet with every header
  (more only beyond the packet limit, IPv4's 65,535 octets unless the recorder is given a
  smaller one; then M is set on all but the last), MTU
  1500, MS set by the router with the higher router ID (the master, §10.8), I set when
  ``have_yours`` is false (the message that opens the exchange).  DD sequence numbers count
  the DD packets each router sent on the link, from 1: netsim has none.
* ``LsUpdate(lsas)``: router-LSAs (see :meth:`PacketEncoder.lsa_octets`), LS age = simulated
  seconds since origination capped at MaxAge (netsim does not add InfTransDelay).
* ``LsAck(keys)``: LSA headers.  A key is only (origin, seq), so the header is taken from the
  LSA itself: the sender's LSDB entry when the engine passes it and it holds that instance,
  else the same instance seen earlier in any update on any link.  An instance never seen
  (possible only without the LSDB) gets an honest placeholder header: checksum 0, length 20;
  :attr:`PacketEncoder.approximated_headers` counts them.  DD headers are resolved the same way.
* ``RipResponse(entries, triggered)``: RIPv2 responses of at most 25 entries (as netsim
  counts packets), each the destination router's loopback /32, next hop 0.0.0.0, route tag 0.
  Triggered and periodic responses look the same on the wire, as in RIP.
* ``RipRequest()``: a whole-table request (one entry, family 0, metric 16).
* ``BfdPacket(state, interval)``: an RFC 5880 control packet, UDP 49152+ → 3784, TTL 255, to
  the neighbour's address; discriminators are the interface addresses as integers (unique and
  deterministic), Your Discriminator 0 while Down; Desired Min TX and Required Min RX are both
  ``interval``; detect multiplier from the ``multiplier`` option (3 when absent).

Numbers that do not fit a field are rounded half up and clamped (:mod:`~netsim.output.pcap.fields`):
OSPF metrics to 1..65535, RIP metrics to 0..15 with anything at or above netsim's
``infinity`` sent as 16.  netsim advertises a RIP router's own loopback with metric 0, where a
real router says 1; the capture keeps netsim's value so it agrees with ``netsim explain``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from netsim.output.pcap import bfd, ospf, rip
from netsim.output.pcap.addresses import PackedAddresses
from netsim.output.pcap.fields import int_field
from netsim.output.pcap.ip import IPV4_HEADER, IPV4_MAX_PACKET, PROTO_OSPF, PROTO_UDP, udp_datagram
from netsim.records import record

ALL_SPF_ROUTERS = bytes((224, 0, 0, 5))
RIPV2_ROUTERS = bytes((224, 0, 0, 9))
ROUTING_TTL = 1
#: The datagram size every IPv4 host must accept (RFC 791): the smallest packet limit allowed.
MIN_PACKET = 576
DD_FIXED = 8
LSU_FIXED = 4
BFD_STATES = {"AdminDown": bfd.ADMIN_DOWN, "Down": bfd.DOWN, "Init": bfd.INIT, "Up": bfd.UP}


class UnencodableMessage(ValueError):
    """A known message that no packet can carry (an LSA beyond 64 KiB, an unknown BFD state)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Transmission(NamedTuple):
    """One message leaving ``sender`` towards ``receiver`` at simulated ``time``.

    ``options`` are the sender's protocol options (a mapping, or an object with attributes);
    ``lsdb`` is the sender's link-state database (origin → LSA) when the engine can pass it.
    An immutable named tuple rather than a frozen dataclass: one is made per message sent,
    and a frozen dataclass takes several times longer to build.
    """

    time: float
    sender: str
    receiver: str
    options: Any = None
    lsdb: Mapping[str, Any] | None = None


class IpPayload(NamedTuple):
    """What goes inside one IPv4 packet; the recorder adds the header (source, identification).

    A named tuple for the same reason as :class:`Transmission`: one per packet."""

    protocol: int
    destination: bytes
    ttl: int
    payload: bytes


@record
class MessageKind:
    """A netsim message type as recognised here: its class name and the fields the encoder reads."""

    class_name: str
    fields: tuple[str, ...]
    method: str


MESSAGE_KINDS: tuple[MessageKind, ...] = (
    MessageKind("Hello", ("sees_you",), "hello"),
    MessageKind("DbDescription", ("headers", "have_yours"), "db_description"),
    MessageKind("LsUpdate", ("lsas",), "ls_update"),
    MessageKind("LsAck", ("keys",), "ls_ack"),
    MessageKind("RipResponse", ("entries",), "rip_response"),
    MessageKind("RipRequest", (), "rip_request"),
    MessageKind("BfdPacket", ("state", "interval"), "bfd_control"),
)
_KIND_BY_CLASS = {kind.class_name: kind for kind in MESSAGE_KINDS}


def kind_of(msg: Any) -> MessageKind | None:
    """The kind ``msg`` is, or None for a type this package cannot encode.

    Class name *and* fields must match: a future protocol's ``Hello`` is not an OSPF hello.
    """
    kind = _KIND_BY_CLASS.get(type(msg).__name__)
    if kind is None or not all(hasattr(msg, f) for f in kind.fields):
        return None
    return kind


def option(options: Any, key: str, default: Any) -> Any:
    """``options[key]`` from a mapping or ``options.key`` from an object; ``default`` when absent."""
    if options is None:
        return default
    if type(options) is dict or isinstance(options, Mapping):
        return options.get(key, default)
    return getattr(options, key, default)


class PacketEncoder:
    """Turns netsim messages into IP payloads.  Keeps what a capture must remember: encoded
    LSAs (their octets never change), LSA instances seen, and DD sequence numbers."""

    def __init__(self, addresses: PackedAddresses, max_packet: int = IPV4_MAX_PACKET) -> None:
        if not MIN_PACKET <= max_packet <= IPV4_MAX_PACKET:
            raise ValueError(f"max_packet {max_packet} outside {MIN_PACKET}..{IPV4_MAX_PACKET}")
        self.addr = addresses
        self.max_packet = max_packet
        #: LSA headers that had to be made up (LSA never seen): see the module notes.
        self.approximated_headers = 0
        self._lsa_octets: dict[int, tuple[Any, bytes]] = {}
        self._seen: dict[tuple[str, int], Any] = {}
        self._dd_sequence: dict[tuple[str, str], int] = {}
        #: Hellos and BFD packets repeat, octet for octet, for the whole run: built once each.
        self._repeated: dict[tuple[Any, ...], list[IpPayload]] = {}
        #: Encoded RIP route entries by (destination, metric, infinity): tables repeat every update.
        self._rip_entries: dict[tuple[str, float, Any], bytes] = {}
        self._kinds: dict[type, MessageKind | None] = {}
        self._methods: dict[str, Callable[[Any, Transmission], list[IpPayload]]] = {
            kind.method: getattr(self, kind.method) for kind in MESSAGE_KINDS}

    def encode(self, msg: Any, tx: Transmission) -> list[IpPayload] | None:
        """The packets ``msg`` becomes, or None when its type is unknown here.

        Raises :class:`UnencodableMessage` when no packet can carry it, and
        :class:`netsim.errors.TopologyError` when a router or link has no address (a caller bug:
        every router and link of the topology has one).
        """
        cls = type(msg)
        if cls in self._kinds:
            kind = self._kinds[cls]
        else:  # judged once per class: the fields of a message class do not come and go
            kind = self._kinds[cls] = kind_of(msg)
        if kind is None:
            return None
        try:
            return self._methods[kind.method](msg, tx)
        except UnencodableMessage:
            raise
        except ValueError as err:  # the field-fitting checks of the encoders below
            raise UnencodableMessage(str(err)) from err

    # -- OSPF ------------------------------------------------------------------------------------
    def hello(self, msg: Any, tx: Transmission) -> list[IpPayload]:
        raw_hello = option(tx.options, "hello_interval", 10.0)
        raw_dead = option(tx.options, "dead_interval", 40.0)
        key = ("hello", tx.sender, tx.receiver, bool(msg.sees_you), raw_hello, raw_dead)
        packets = self._repeated.get(key)
        if packets is None:
            hello_interval = int_field(raw_hello, 1, 0xFFFF)
            dead_interval = int_field(raw_dead, 1, 0xFFFFFFFF)
            mask = self.addr.subnet(tx.sender, tx.receiver)[1]
            neighbors = [self.addr.router_id(tx.receiver)] if msg.sees_you else []
            body = ospf.hello_body(mask, hello_interval, dead_interval, neighbors)
            packets = self._repeated[key] = [self._ospf(ospf.HELLO, tx, body)]
        return packets

    def db_description(self, msg: Any, tx: Transmission) -> list[IpPayload]:
        headers = [self._header(origin, seq, tx) for origin, seq in msg.headers]
        groups = ospf.pack_in(headers, self._room(DD_FIXED))
        master = self.addr.router_id(tx.sender) > self.addr.router_id(tx.receiver)
        out = []
        for i, group in enumerate(groups):
            flags = (ospf.DD_MASTER if master else 0) | (ospf.DD_INIT if i == 0 and not msg.have_yours else 0) \
                | (ospf.DD_MORE if i < len(groups) - 1 else 0)
            key = (tx.sender, tx.receiver)
            self._dd_sequence[key] = sequence = self._dd_sequence.get(key, 0) + 1
            body = ospf.db_description_body(group, flags=flags, dd_sequence=sequence)
            out.append(self._ospf(ospf.DB_DESCRIPTION, tx, body))
        return out

    def ls_update(self, msg: Any, tx: Transmission) -> list[IpPayload]:
        lsas = []
        for lsa in msg.lsas:
            self._seen[(lsa.origin, lsa.seq)] = lsa
            lsas.append(ospf.with_age(self.lsa_octets(lsa), ospf.lsa_age(tx.time, lsa.born)))
        return [self._ospf(ospf.LS_UPDATE, tx, ospf.ls_update_body(group))
                for group in ospf.pack_in(lsas, self._room(LSU_FIXED))]

    def ls_ack(self, msg: Any, tx: Transmission) -> list[IpPayload]:
        headers = [self._header(origin, seq, tx) for origin, seq in msg.keys]
        return [self._ospf(ospf.LS_ACK, tx, ospf.ls_ack_body(group))
                for group in ospf.pack_in(headers, self._room(0))]

    def lsa_octets(self, lsa: Any) -> bytes:
        """The router-LSA for netsim's ``Lsa(origin, seq, links, born)``, with LS age 0.

        Per listed neighbour (RFC 2328 §12.4.1.1, numbered point-to-point): a type-1 link (Link
        ID = neighbour's router ID, Link Data = own interface address, metric = cost) and a
        type-3 stub for the link's /31 (option 2, metric = cost); then a type-3 stub for the
        own loopback /32 with metric 0 (§12.4.1.4).  netsim lists Full neighbours only, so
        stubs of interfaces whose neighbour is not Full are absent (a real router would list
        them): the LSA shows exactly the links netsim's SPF uses.
        """
        cached = self._lsa_octets.get(id(lsa))
        if cached is not None and cached[0] is lsa:
            return cached[1]
        origin = lsa.origin
        links: list[ospf.RouterLink] = []
        for neighbor, cost in lsa.links:
            metric = ospf.metric(cost)
            network, mask = self.addr.subnet(origin, neighbor)
            links.append(ospf.RouterLink(self.addr.router_id(neighbor), self.addr.interface(origin, neighbor),
                                         ospf.LINK_POINT_TO_POINT, metric))
            links.append(ospf.RouterLink(network, mask, ospf.LINK_STUB, metric))
        router_id = self.addr.router_id(origin)
        links.append(ospf.RouterLink(router_id, ospf.ALL_ONES, ospf.LINK_STUB, 0))
        octets = ospf.router_lsa(router_id, ospf.wire_sequence(lsa.seq), links)
        self._lsa_octets[id(lsa)] = (lsa, octets)  # holding lsa keeps its id from being reused
        return octets

    def _header(self, origin: str, seq: int, tx: Transmission) -> bytes:
        lsa = None
        if tx.lsdb is not None:
            held = tx.lsdb.get(origin)
            if held is not None and held.seq == seq:
                lsa = self._seen[(origin, seq)] = held
        if lsa is None:
            lsa = self._seen.get((origin, seq))
        if lsa is None:
            self.approximated_headers += 1
            return ospf.synthetic_lsa_header(self.addr.router_id(origin), ospf.wire_sequence(seq))
        return ospf.lsa_header(ospf.with_age(self.lsa_octets(lsa), ospf.lsa_age(tx.time, lsa.born)))

    def _room(self, fixed: int) -> int:
        return self.max_packet - IPV4_HEADER - ospf.OSPF_HEADER - fixed

    def _ospf(self, packet_type: int, tx: Transmission, body: bytes) -> IpPayload:
        packet = ospf.ospf_packet(packet_type, self.addr.router_id(tx.sender), body)
        return IpPayload(PROTO_OSPF, ALL_SPF_ROUTERS, ROUTING_TTL, packet)

    # -- RIP ---------------------------------------------------------------------------------------
    def rip_response(self, msg: Any, tx: Transmission) -> list[IpPayload]:
        infinity = option(tx.options, "infinity", rip.INFINITY)
        cache = self._rip_entries
        entries = []
        for dest, metric in msg.entries:
            octets = cache.get((dest, metric, infinity))
            if octets is None:
                octets = cache[(dest, metric, infinity)] = rip.route_entry(self.addr.router_id(dest),
                                                                           rip.rip_metric(metric, infinity))
            entries.append(octets)
        return [self._rip(tx, rip.rip_message(rip.RESPONSE, group)) for group in rip.split_entries(entries)]

    def rip_request(self, msg: Any, tx: Transmission) -> list[IpPayload]:
        return [self._rip(tx, rip.whole_table_request())]

    def _rip(self, tx: Transmission, message: bytes) -> IpPayload:
        source = self.addr.interface(tx.sender, tx.receiver)
        datagram = udp_datagram(source, RIPV2_ROUTERS, rip.RIP_PORT, rip.RIP_PORT, message)
        return IpPayload(PROTO_UDP, RIPV2_ROUTERS, ROUTING_TTL, datagram)

    # -- BFD ---------------------------------------------------------------------------------------
    def bfd_control(self, msg: Any, tx: Transmission) -> list[IpPayload]:
        state = BFD_STATES.get(str(msg.state))
        if state is None:
            raise UnencodableMessage(f"BFD state {msg.state!r} has no wire code")
        interval = bfd.microseconds(msg.interval)
        detect_mult = int_field(option(tx.options, "multiplier", 3), 1, 255)
        key = ("bfd", tx.sender, tx.receiver, state, interval, detect_mult)
        packets = self._repeated.get(key)
        if packets is None:
            mine = self.addr.interface(tx.sender, tx.receiver)
            theirs = self.addr.interface(tx.receiver, tx.sender)
            my_discriminator = int.from_bytes(mine, "big")
            packet = bfd.bfd_control(
                state, detect_mult=detect_mult, my_discriminator=my_discriminator,
                your_discriminator=0 if state in (bfd.DOWN, bfd.ADMIN_DOWN) else int.from_bytes(theirs, "big"),
                desired_min_tx_us=interval, required_min_rx_us=interval)
            sport = bfd.SOURCE_PORT_BASE + my_discriminator % bfd.SOURCE_PORTS
            datagram = udp_datagram(mine, theirs, sport, bfd.BFD_CONTROL_PORT, packet)
            packets = self._repeated[key] = [IpPayload(PROTO_UDP, theirs, bfd.TTL, datagram)]
        return packets
