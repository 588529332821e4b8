"""Watching real routers' kernel routing tables: every route and link change, timestamped.

One rtnetlink socket per router namespace (route and link groups), all read by one thread, so
the monotonic timestamp of each change is taken the moment ``select`` says it arrived; messages
are decoded with pyroute2's parsers.  Nothing here is simulated: this is the measurement.

Why zebra's RIB is read too: zebra installs every route with the fixed kernel metric 20
(``NL_DEFAULT_ROUTE_METRIC``; verified in the lab), so the kernel says *where* a router
forwards but not at what cost.  Right after a batch of kernel changes in a namespace a second
thread asks that router's zebra (``show ip route json`` over a persistent vty connection, about a
millisecond) for its RIB -- zebra updates its RIB before it writes the kernel, so the answer
describes the routes just seen.  A cost can also change with no kernel change at all (same next
hops, new metric): RIB *sweeps* of every router, shortly after kernel activity and once a second,
catch those; their time is the sweep's time.  Every read is a :class:`RibSample`; the mapping
(:mod:`netsim.validate.trace_map`) pairs each kernel change with the first sample after it.
"""

from __future__ import annotations

import ctypes
import os
import select
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from netsim.records import record
from netsim.validate.plan import LabPlan
from netsim.validate.shell import LabError

RTM_NEWLINK, RTM_DELLINK, RTM_NEWROUTE, RTM_DELROUTE = 16, 17, 24, 25
RTMGRP_LINK, RTMGRP_IPV4_ROUTE = 0x1, 0x40
RT_TABLE_MAIN = 254
RTN_UNICAST = 1
IFF_UP = 0x1
_CLONE_NEWNET = 0x40000000
_NLMSG_HDR = struct.Struct("=IHHII")


class LabClock:
    """The lab's time: seconds since :meth:`start` on the monotonic clock (never the wall clock),
    plus the wall-clock instant of zero so packet captures and daemon logs can be lined up."""

    def __init__(self) -> None:
        self.start()

    def start(self) -> None:
        self.t0_mono = time.monotonic()
        self.t0_wall = time.time()

    def now(self) -> float:
        return time.monotonic() - self.t0_mono

    def from_wall(self, wall: float) -> float:
        """A wall-clock timestamp (pcap, FRR log) on the lab's time axis."""
        return wall - self.t0_wall


@record
class KernelRoute:
    """One RTM_NEWROUTE / RTM_DELROUTE seen in a router's namespace."""

    time: float
    router: str
    deleted: bool
    prefix: str
    gateways: tuple[str, ...]
    proto: int
    table: int
    rtype: int


@record
class LinkState:
    """One RTM_NEWLINK: an interface's administrative state and carrier."""

    time: float
    router: str
    ifname: str
    admin_up: bool
    carrier: bool


@record
class RibSample:
    """A router's whole RIB at one instant: (prefix, metric, next-hop gateways) per selected route."""

    time: float
    router: str
    routes: tuple[tuple[str, float, tuple[str, ...]], ...]


@dataclass
class Observations:
    """What the monitor saw of the real routers: kernel routes, link states, RIB samples."""

    routes: list[KernelRoute] = field(default_factory=list)
    links: list[LinkState] = field(default_factory=list)
    ribs: list[RibSample] = field(default_factory=list)
    #: Receive-buffer overruns (ENOBUFS): changes were lost; a run with any is not trustworthy.
    overruns: int = 0


# -- pure decoding ------------------------------------------------------------------------------------
def split_netlink(data: bytes) -> list[tuple[int, bytes]]:
    """(message type, message bytes) for every netlink message in one datagram."""
    out = []
    off = 0
    while off + _NLMSG_HDR.size <= len(data):
        length, mtype, _flags, _seq, _pid = _NLMSG_HDR.unpack_from(data, off)
        if length < _NLMSG_HDR.size:
            break
        out.append((mtype, data[off:off + length]))
        off += (length + 3) & ~3
    return out


def decode_route(raw: bytes) -> tuple[str, tuple[str, ...], int, int, int]:
    """(prefix, gateways, proto, table, type) of an rtnetlink route message (pyroute2's parser)."""
    from pyroute2.netlink.rtnl.rtmsg import rtmsg

    msg = rtmsg(raw)
    msg.decode()
    dst = msg.get_attr("RTA_DST") or "0.0.0.0"
    gws = []
    gw = msg.get_attr("RTA_GATEWAY")
    if gw:
        gws.append(gw)
    for nh in msg.get_attr("RTA_MULTIPATH") or []:
        g = nh.get_attr("RTA_GATEWAY")
        if g:
            gws.append(g)
    if not gws and msg.get_attr("RTA_NH_ID") is not None:
        gws.append(f"nhid:{msg.get_attr('RTA_NH_ID')}")
    table = msg.get_attr("RTA_TABLE") or msg["table"]
    return f"{dst}/{msg['dst_len']}", tuple(sorted(set(gws))), int(msg["proto"]), int(table), int(msg["type"])


def decode_link(raw: bytes) -> tuple[str, bool, bool]:
    """(interface name, administratively up, carrier) of an rtnetlink link message."""
    from pyroute2.netlink.rtnl.ifinfmsg import ifinfmsg

    msg = ifinfmsg(raw)
    msg.decode()
    carrier = msg.get_attr("IFLA_CARRIER")
    oper = msg.get_attr("IFLA_OPERSTATE")
    has_carrier = bool(carrier) if carrier is not None else oper in ("UP", "UNKNOWN")
    return str(msg.get_attr("IFLA_IFNAME")), bool(msg["flags"] & IFF_UP), has_carrier


def parse_rib(doc: Mapping[str, Any]) -> tuple[tuple[str, float, tuple[str, ...]], ...]:
    """zebra's ``show ip route json`` as (prefix, metric, gateways) of the selected, installed routes."""
    out = []
    for prefix, entries in sorted(doc.items()):
        for e in entries if isinstance(entries, list) else []:
            if not e.get("selected") or e.get("protocol") in ("connected", "local", "kernel"):
                continue
            hops = tuple(sorted({nh["ip"] for nh in e.get("nexthops", []) if nh.get("ip") and
                                 (nh.get("fib") or nh.get("active"))}))
            out.append((prefix, float(e.get("metric", 0)), hops))
            break
    return tuple(out)


# -- sockets inside namespaces ------------------------------------------------------------------------
_libc = ctypes.CDLL(None, use_errno=True)


def netlink_socket_in(netns: str, groups: int, rcvbuf: int = 1 << 22) -> socket.socket:
    """An rtnetlink socket subscribed to ``groups`` inside ``netns``.  The calling thread enters
    the namespace only to create it (a socket stays bound to the namespace it was made in)."""
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        target = os.open(f"/run/netns/{netns}", os.O_RDONLY)
    except OSError as exc:
        os.close(own)
        raise LabError(f"namespace {netns}: {exc.strerror}") from None
    try:
        if _libc.setns(target, _CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise LabError(f"cannot enter namespace {netns}: {os.strerror(err)}")
        try:
            sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            sock.bind((0, groups))
        finally:
            if _libc.setns(own, _CLONE_NEWNET) != 0:  # pragma: no cover - would leave the thread astray
                raise LabError("cannot return to the original network namespace")
    finally:
        os.close(target)
        os.close(own)
    return sock


class ZebraRib:
    """Reads routers' RIBs through their zebra vty sockets (own connections, used by the monitor
    thread only); a router whose zebra is gone (crashed) answers None."""

    def __init__(self, socket_path: Callable[[str], str]) -> None:
        self.socket_path = socket_path
        self._clients: dict[str, Any] = {}

    def read(self, router: str) -> tuple[tuple[str, float, tuple[str, ...]], ...] | None:
        from netsim.validate.vty import VtyClient

        client = self._clients.get(router)
        try:
            if client is None:
                client = self._clients[router] = VtyClient(self.socket_path(router), timeout=2.0)
            return parse_rib(client.show_json("show ip route json"))
        except (LabError, ValueError, OSError):
            if client is not None:
                client.close()
            self._clients.pop(router, None)
            return None

    def close(self) -> None:
        for c in self._clients.values():
            c.close()
        self._clients.clear()


class RouteMonitor:
    """Listens to every router's kernel; call :meth:`start` before the daemons start.

    Two threads, so a slow answer never delays a timestamp: the *listener* only reads netlink
    sockets and stamps what arrives; the *RIB reader* asks zebra for the metrics of a router
    right after the listener saw its routes change, and sweeps every router's RIB periodically.
    """

    def __init__(self, plan: LabPlan, clock: LabClock, rib: ZebraRib | None = None, *,
                 sweep_every: float = 1.0, sweep_after: float = 0.1) -> None:
        self.plan = plan
        self.clock = clock
        self.rib = rib
        self.sweep_every = sweep_every
        self.sweep_after = sweep_after
        self.obs = Observations()
        self._socks: dict[int, tuple[socket.socket, str]] = {}
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._want: dict[str, None] = {}  # routers whose RIB to read now, in request order
        self._sweep_at: float | None = None  # a sweep soon after kernel activity
        self._tables: dict[str, dict[str, tuple[str, ...]]] = {r.name: {} for r in plan.routers}
        self.last_route_change = -1.0

    def start(self) -> None:
        for r in self.plan.routers:
            sock = netlink_socket_in(r.netns, RTMGRP_LINK | RTMGRP_IPV4_ROUTE)
            self._socks[sock.fileno()] = (sock, r.name)
        self._threads = [threading.Thread(target=self._listen, name="netsim-kernel-listener", daemon=True)]
        if self.rib is not None:
            self._threads.append(threading.Thread(target=self._read_ribs, name="netsim-rib-reader", daemon=True))
        for th in self._threads:
            th.start()

    def stop(self) -> Observations:
        self._stop.set()
        with self._wake:
            self._wake.notify_all()
        for th in self._threads:
            th.join(timeout=10)
        for sock, _ in self._socks.values():
            sock.close()
        self._socks.clear()
        if self.rib is not None:
            self.rib.close()
        self.obs.ribs.sort(key=lambda s: s.time)
        return self.obs

    def tables(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """Every router's current kernel routes (prefix -> gateways), main table, as seen so far."""
        with self._lock:
            return {r: dict(t) for r, t in self._tables.items()}

    # -- the listener --------------------------------------------------------------------------------------
    def _listen(self) -> None:
        fds = list(self._socks)
        while not self._stop.is_set():
            ready, _, _ = select.select(fds, [], [], 0.05)
            if not ready:
                continue
            t = self.clock.now()
            batches = [(self._socks[fd][1], self._recv_all(self._socks[fd][0])) for fd in ready]
            changed_routers = [router for router, datas in batches if self._record(router, datas, t)]
            if changed_routers and self.rib is not None:
                with self._wake:
                    for router in changed_routers:
                        self._want[router] = None
                    self._sweep_at = t + self.sweep_after
                    self._wake.notify()

    def _recv_all(self, sock: socket.socket) -> list[bytes]:
        out = []
        while True:
            try:
                out.append(sock.recv(1 << 20, socket.MSG_DONTWAIT))
            except BlockingIOError:
                return out
            except OSError as exc:
                if exc.errno == 105:  # ENOBUFS: the kernel dropped notifications
                    self.obs.overruns += 1
                    continue
                raise

    def _record(self, router: str, datas: list[bytes], t: float) -> bool:
        """Decode one router's batch; True if a main-table route changed."""
        changed: list[KernelRoute] = []
        for data in datas:
            for mtype, raw in split_netlink(data):
                if mtype in (RTM_NEWROUTE, RTM_DELROUTE):
                    prefix, gws, proto, table, rtype = decode_route(raw)
                    changed.append(KernelRoute(t, router, mtype == RTM_DELROUTE, prefix, gws, proto, table, rtype))
                elif mtype == RTM_NEWLINK:
                    name, admin, carrier = decode_link(raw)
                    self.obs.links.append(LinkState(t, router, name, admin, carrier))
                    if not admin:
                        self._flush_iface(router, name)
        main = [c for c in changed if c.table == RT_TABLE_MAIN]
        with self._lock:
            table = self._tables[router]
            for c in main:
                if c.deleted:
                    table.pop(c.prefix, None)
                else:
                    table[c.prefix] = c.gateways
            if main:
                self.last_route_change = t
        self.obs.routes.extend(changed)
        return bool(main)

    def _flush_iface(self, router: str, ifname: str) -> None:
        """Linux drops the routes over an interface set down without telling anyone: mirror that."""
        peer = next((str(i.peer_address) for i in self.plan.router(router).ifaces if i.name == ifname), None)
        if peer is None:
            return
        with self._lock:
            table = self._tables[router]
            for prefix, gws in list(table.items()):
                if peer in gws:
                    rest = tuple(g for g in gws if g != peer)
                    if rest:
                        table[prefix] = rest
                    else:
                        del table[prefix]

    # -- the RIB reader ------------------------------------------------------------------------------------
    def _read_ribs(self) -> None:
        assert self.rib is not None
        next_sweep = self.clock.now() + self.sweep_every
        while not self._stop.is_set():
            with self._wake:
                now = self.clock.now()
                due = min(next_sweep, self._sweep_at if self._sweep_at is not None else next_sweep)
                if not self._want and now < due:
                    self._wake.wait(timeout=due - now)
                    continue
                want = list(self._want)
                self._want.clear()
                sweep = self.clock.now() >= due
                if sweep:
                    self._sweep_at = None
            for router in want:
                self._read(router)
            if sweep:
                for r in self.plan.routers:
                    self._read(r.name)
                next_sweep = self.clock.now() + self.sweep_every

    def _read(self, router: str) -> None:
        assert self.rib is not None
        t = self.clock.now()
        rib = self.rib.read(router)
        if rib is not None:
            self.obs.ribs.append(RibSample(t, router, rib))
