"""A client for FRR's VTY Unix sockets: what ``vtysh`` does, over one persistent connection.

Why not ``vtysh -c``: a fresh vtysh process per command costs tens of milliseconds; the monitor
asks zebra for a route's metric right after each kernel change, so it must take about one.

Protocol (FRR ``lib/vty.c``, the ``VTY_SHELL_SERV`` flavour vtysh speaks): the client writes a
command line terminated by a NUL byte; the daemon writes the command's output followed by three
NUL bytes and one status byte (0 = success).  A fresh connection starts in view mode, so
:meth:`VtyClient.configure` sends ``enable`` and ``configure terminal`` first.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Sequence
from typing import Any

from netsim.validate.shell import LabError

#: Status byte values (``CMD_SUCCESS`` is 0; anything else is a failure).
CMD_SUCCESS = 0
_TRAILER = b"\0\0\0"


class VtyClient:
    """One connection to one daemon's ``<daemon>.vty`` socket."""

    def __init__(self, path: str, *, timeout: float = 10.0) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(path)
        except OSError as exc:
            self.sock.close()
            raise LabError(f"cannot connect to FRR vty socket {path}: {exc.strerror or exc}") from None
        self._enabled = False

    def command(self, line: str) -> tuple[int, str]:
        """Send one command; return (status, output)."""
        try:
            self.sock.sendall(line.encode() + b"\0")
            buf = bytearray()
            while True:
                chunk = self.sock.recv(1 << 16)
                if not chunk:
                    raise LabError(f"FRR closed the vty socket {self.path} during {line!r}")
                buf += chunk
                if len(buf) >= 4 and buf[-4:-1] == _TRAILER:
                    return buf[-1], buf[:-4].decode(errors="replace")
        except OSError as exc:
            raise LabError(f"vty socket {self.path}: {line!r}: {exc.strerror or exc}") from None

    def show_json(self, line: str) -> Any:
        status, out = self.command(line)
        if status != CMD_SUCCESS:
            raise LabError(f"vty {self.path}: {line!r} failed: {out.strip()}")
        return json.loads(out) if out.strip() else {}

    def configure(self, lines: Sequence[str]) -> None:
        """Apply configuration lines (``interface l3``, `` ip ospf cost 5``...) and leave config mode."""
        if not self._enabled:
            self._check("enable")
            self._enabled = True
        self._check("configure terminal")
        try:
            for line in lines:
                self._check(line.strip())
        finally:
            self.command("end")

    def _check(self, line: str) -> None:
        status, out = self.command(line)
        if status != CMD_SUCCESS:
            raise LabError(f"vty {self.path}: {line!r} failed: {out.strip() or f'status {status}'}")

    def close(self) -> None:
        self.sock.close()
