"""The packet tap: every protocol message a router transmits, written to its link's pcap file.

The engine calls :meth:`PcapRecorder.record` once per transmitted message and
:meth:`PcapRecorder.close` at the end of the run::

    with PcapRecorder.for_graph(out_dir, graph) as capture:
        ...  # on every send: capture.record(now, sender, receiver, msg, options, lsdb)
    # leaving the block writes every file (or, after an exception, removes the partial ones)

Output in the directory: ``<a>--<b>.pcap`` per link of the topology (sorted pair, names made
safe, see :mod:`~netsim.output.pcap.naming`; a link that carried nothing gets an empty
capture) and ``links.tsv`` mapping each file to its routers and addresses.  Records are
streamed to hidden temporary files and renamed into place by ``close``: readers never see a
half-written capture, and memory stays bounded by ``buffer_limit``.

A message the encoders do not know (a future protocol's) is skipped and counted in
:attr:`PcapRecorder.skipped`, never an error: a capture must not break a run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from ipaddress import IPv4Address
from pathlib import Path
from types import TracebackType
from typing import Any

from netsim.errors import NetsimError
from netsim.files import atomic_write_text
from netsim.output.pcap.addresses import PackedAddresses
from netsim.output.pcap.ip import IPV4_MAX_PACKET, ipv4_packet
from netsim.output.pcap.naming import LINKS_INDEX, link_file_names, tsv
from netsim.output.pcap.translate import PacketEncoder, Transmission, UnencodableMessage
from netsim.output.pcap.writer import PcapFile
from netsim.records import record
from netsim.topology.addressing import Addressing

LINKS_HEADER = ("file", "router_a", "router_b", "subnet", "address_a", "address_b", "router_id_a",
                "router_id_b", "packets")
DEFAULT_BUFFER = 16 << 20


@record
class CaptureSummary:
    """What a closed capture holds: files written, messages and packets, what was left out."""

    directory: Path
    files: int
    messages: int
    packets: int
    #: (reason, count) of skipped messages, sorted by reason.
    skipped: tuple[tuple[str, int], ...]
    #: LSA headers in DD/ack packets made up because the LSA was never seen (0 when the engine
    #: passes each sender's LSDB).
    approximated_headers: int


class PcapRecorder:
    """Collects a run's protocol messages as packets, one capture file per link."""

    def __init__(self, directory: str | Path, addressing: Addressing, *, max_packet: int = IPV4_MAX_PACKET,
                 buffer_limit: int = DEFAULT_BUFFER) -> None:
        """``max_packet``: largest IPv4 packet written (the IPv4 maximum by default, so each
        netsim message is one packet unless it cannot be; give an MTU such as 1500 to see OSPF
        split its updates as routers do).  ``buffer_limit``: octets held in memory before the
        buffered records are appended to the temporary files."""
        self.directory = Path(directory)
        if self.directory.exists() and not self.directory.is_dir():
            raise NetsimError(f"{self.directory}: exists and is not a directory; a capture needs a directory")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise NetsimError(f"{self.directory}: cannot create the capture directory ({err.strerror})") from None
        self.addressing = addressing
        self._addresses = PackedAddresses(addressing)
        self._encoder = PacketEncoder(self._addresses, max_packet)
        self._names = link_file_names(addressing.links)
        self._files = {key: PcapFile(self.directory / name) for key, name in self._names.items()}
        self._ident: dict[str, int] = {}
        self._buffer_limit = buffer_limit
        self._buffered = 0
        self._summary: CaptureSummary | None = None
        self.messages = 0
        self.packets = 0
        self.skipped: Counter[str] = Counter()

    @classmethod
    def for_graph(cls, directory: str | Path, graph: Any, **kwargs: Any) -> PcapRecorder:
        """A recorder for a networkx topology (routers = nodes, links = edges)."""
        return cls(directory, Addressing.of_graph(graph), **kwargs)

    def file_name(self, a: str, b: str) -> str:
        """The capture file (name within the directory) of the link ``a``–``b``."""
        return self._names[(a, b) if a <= b else (b, a)]

    def record(self, time: float, src_router: str, dst_router: str, msg: Any, options: Any = None,
               lsdb: Mapping[str, Any] | None = None) -> int:
        """Capture ``msg`` sent by ``src_router`` to ``dst_router`` at simulated ``time``.

        ``options``: the sender's protocol options (hello/dead intervals, RIP infinity, BFD
        multiplier); ``lsdb``: the sender's link-state database, which lets DD and ack headers
        carry the real LSA header (see :mod:`~netsim.output.pcap.translate`).  Returns the number
        of packets written (0 when skipped).  Times must not decrease between calls.
        """
        if self._summary is not None:
            raise RuntimeError("record() after close()")
        capture = self._files.get((src_router, dst_router) if src_router <= dst_router else (dst_router, src_router))
        if capture is None:
            self.skipped[f"{type(msg).__name__}: no link {src_router}–{dst_router}"] += 1
            return 0
        try:
            payloads = self._encoder.encode(msg, Transmission(time, src_router, dst_router, options, lsdb))
        except UnencodableMessage as err:
            self.skipped[f"{type(msg).__name__}: {err.reason}"] += 1
            return 0
        if payloads is None:
            self.skipped[f"{type(msg).__name__}: unknown message type"] += 1
            return 0
        source = self._addresses.interface(src_router, dst_router)
        before = capture.buffered
        for p in payloads:
            ident = self._ident.get(src_router, 0)
            self._ident[src_router] = (ident + 1) & 0xFFFF
            capture.add(time, ipv4_packet(source, p.destination, p.protocol, p.payload, ttl=p.ttl, ident=ident))
        self._buffered += capture.buffered - before
        self.messages += 1
        self.packets += len(payloads)
        if self._buffered > self._buffer_limit:
            self._flush()
        return len(payloads)

    def close(self) -> CaptureSummary:
        """Write every capture file and ``links.tsv`` into place; calling it again changes nothing."""
        if self._summary is not None:
            return self._summary
        try:
            for capture in self._files.values():
                capture.commit()
            atomic_write_text(self.directory / LINKS_INDEX, self._links_index())
        except BaseException:
            self.abort()
            raise
        self._summary = CaptureSummary(self.directory, len(self._files), self.messages, self.packets,
                                       tuple(sorted(self.skipped.items())), self._encoder.approximated_headers)
        return self._summary

    def abort(self) -> None:
        """Remove the temporary files; captures already renamed into place stay."""
        for capture in self._files.values():
            capture.discard()

    def __enter__(self) -> PcapRecorder:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def _flush(self) -> None:
        for capture in self._files.values():
            if capture.buffered:
                capture.flush()
        self._buffered = 0

    def _links_index(self) -> str:
        """One row per link; addresses read through the packed cache (parsing them anew per
        link would dominate closing a large capture)."""
        rows: list[tuple[object, ...]] = [LINKS_HEADER]
        addr = self._addresses
        for (a, b), name in self._names.items():
            network, mask = addr.subnet(a, b)
            prefix = bin(int.from_bytes(mask, "big")).count("1")
            rows.append((name, a, b, f"{IPv4Address(network)}/{prefix}", IPv4Address(addr.interface(a, b)),
                         IPv4Address(addr.interface(b, a)), IPv4Address(addr.router_id(a)),
                         IPv4Address(addr.router_id(b)), self._files[(a, b)].packets))
        return tsv(rows)
