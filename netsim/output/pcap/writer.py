"""Classic libpcap files of raw IPv4 packets, timestamped with simulated time.

Choices, and why:

* **Classic pcap, not pcapng**: every tool reads it (Wireshark, tcpdump, scapy, dpkt), and a
  file per link needs none of pcapng's multi-interface machinery.
* **LINKTYPE_RAW (101)**: each record is an IPv4 packet with no link-layer header.  netsim
  models no layer 2, so a made-up Ethernet header would be fiction, and without one the
  captured length of a packet is exactly the IP size netsim's accounting uses.
* **Nanosecond timestamps** (magic 0xA1B23C4D): simulated times such as 0.0333 s or a
  1 µs ``fib_delay`` survive; microseconds would merge events netsim keeps apart.  The time
  in seconds (a binary float) is converted exactly and rounded half up to whole nanoseconds.
* **Little-endian, always**: readers accept either order, and a fixed one makes the bytes
  the same on every machine.

:class:`PcapFile` streams records to a hidden temporary file next to the target and renames
it into place on :meth:`~PcapFile.commit`, so an interrupted run never leaves half a capture
under the real name (the same rule as :mod:`netsim.files`), while memory stays bounded.
"""

from __future__ import annotations

import math
import os
import struct
import tempfile
from collections.abc import Iterable
from pathlib import Path

from netsim.files import atomic_write

LINKTYPE_RAW = 101
MAGIC_NANOSECONDS = 0xA1B23C4D
VERSION = (2, 4)
#: Large enough for any IPv4 packet, so nothing is ever truncated.
SNAPLEN = 0xFFFF
NS_PER_S = 1_000_000_000

_FILE_HEADER = struct.Struct("<IHHiIII")
_RECORD_HEADER = struct.Struct("<IIII")


def file_header(linktype: int = LINKTYPE_RAW, snaplen: int = SNAPLEN) -> bytes:
    """The 24-octet global header: magic, version 2.4, zone 0, sigfigs 0, snaplen, link type."""
    return _FILE_HEADER.pack(MAGIC_NANOSECONDS, *VERSION, 0, 0, snaplen, linktype)


def nanoseconds(seconds: float) -> int:
    """Simulated ``seconds`` as whole nanoseconds, rounded half up from the float's exact value.

    ``float.as_integer_ratio`` gives the binary value exactly, so no intermediate product
    rounds: 0.1 s is 100000000 ns and stays so at any magnitude a run can reach.
    """
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a capture time must be a finite number >= 0, got {seconds!r}")
    num, den = float(seconds).as_integer_ratio()
    return (2 * num * NS_PER_S + den) // (2 * den)


def record(time_ns: int, packet: bytes) -> bytes:
    """One record: seconds, nanoseconds, captured length, original length, then the packet."""
    sec, frac = divmod(time_ns, NS_PER_S)
    if sec > 0xFFFFFFFF:
        raise ValueError(f"capture time {sec} s does not fit the 32-bit seconds field")
    if len(packet) > SNAPLEN:
        raise ValueError(f"packet of {len(packet)} octets exceeds the snapshot length {SNAPLEN}")
    return _RECORD_HEADER.pack(sec, frac, len(packet), len(packet)) + packet


def pcap_bytes(records: Iterable[tuple[float, bytes]]) -> bytes:
    """A whole capture file of ``(simulated seconds, IPv4 packet)`` records, in the given order."""
    return file_header() + b"".join(record(nanoseconds(t), p) for t, p in records)


def write_pcap(path: str | Path, records: Iterable[tuple[float, bytes]]) -> None:
    """Write a capture of ``records`` atomically (for small captures; see :class:`PcapFile`)."""
    data = pcap_bytes(records)
    atomic_write(path, lambda tmp: tmp.write_bytes(data))


class PcapFile:
    """One capture file written as a stream: buffered records, flushed to a temporary file,
    renamed into place by :meth:`commit` or removed by :meth:`discard`.

    The file is opened only while flushing, so a network with thousands of links never holds
    thousands of descriptors.  Record times must not decrease (the engine records in event
    order; a decrease means the caller is broken, and raises ValueError).
    """

    __slots__ = ("path", "packets", "_buffer", "_buffered", "_tmp", "_last_ns")

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.packets = 0
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._tmp: Path | None = None
        self._last_ns = 0

    @property
    def buffered(self) -> int:
        """Octets waiting in memory."""
        return self._buffered

    def add(self, seconds: float, packet: bytes) -> None:
        time_ns = nanoseconds(seconds)
        if time_ns < self._last_ns:
            raise ValueError(f"{self.path.name}: record at {seconds} s after one at {self._last_ns / NS_PER_S} s")
        self._last_ns = time_ns
        data = record(time_ns, packet)
        self._buffer.append(data)
        self._buffered += len(data)
        self.packets += 1

    def flush(self) -> None:
        """Append the buffered records to the temporary file (created with the header at first)."""
        if self._tmp is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            self._tmp = Path(name)
            with os.fdopen(fd, "wb") as out:
                out.write(file_header())
                out.writelines(self._buffer)
        elif self._buffer:
            with self._tmp.open("ab") as out:
                out.writelines(self._buffer)
        self._buffer = []
        self._buffered = 0

    def commit(self) -> None:
        """Flush and rename into place, with ordinary file permissions (mkstemp makes 0600)."""
        self.flush()
        assert self._tmp is not None
        try:
            os.chmod(self._tmp, 0o666 & ~_umask())
            os.replace(self._tmp, self.path)
        except BaseException:
            self.discard()
            raise
        self._tmp = None

    def discard(self) -> None:
        """Forget everything written so far; the target path is left as it was."""
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
            self._tmp = None
        self._buffer = []
        self._buffered = 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
