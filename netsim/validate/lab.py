"""A network of real FRRouting routers, one Linux network namespace each.

The lab builds what a :class:`~netsim.validate.plan.LabPlan` describes -- namespaces, a veth pair
per link created directly between the two router namespaces (nothing in the root namespace),
the loopback /32 on ``lo`` and a /31 on each veth -- then starts ``zebra`` plus ``ospfd`` or
``ripd`` in every namespace with its own config, pid files, vty sockets and logs in the run's
temporary directory.

Cleanup removes exactly what the run recorded in its :class:`Ledger`: on normal exit, on an
exception, on SIGINT/SIGTERM (use the lab as a context manager).  A run killed with SIGKILL
leaves its objects behind; :func:`cleanup_leftovers` finds them by the run prefix and removes
them, sparing runs whose owner process is still alive.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from netsim.records import record
from netsim.validate import blocking
from netsim.validate.frr_config import PROTOCOL_DAEMON, with_log_file
from netsim.validate.plan import NETNS_RE, PREFIX_ROOT, LabPlan, RouterPlan
from netsim.validate.prereq import FRR_USER, frr_dir
from netsim.validate.shell import LabError, in_netns, run
from netsim.validate.vty import VtyClient

#: FRR keeps per-instance state (e.g. graceful-restart files) in <runstate>/<pathspace> with ``-N``.
FRR_RUNSTATE = Path("/var/run/frr")
#: ospfd writes its graceful-restart state here even with ``-N`` (seen with FRR 8.4): removed at
#: cleanup when the run created it.
GR_STATE_FILE = FRR_RUNSTATE / "ospfd-gr.json"
#: Seconds a daemon may take to open its vty socket.
START_TIMEOUT = 15.0
#: Kernel protocol numbers zebra gives the routes it installs (rtnetlink RTPROT_*).
RTPROT_ZEBRA = 11
RTPROT = {"ospfd": 188, "ripd": 189}
OWNER_FILE = "owner.pid"


@dataclass
class Ledger:
    """Everything a run created, so cleanup removes exactly that."""

    namespaces: list[str] = field(default_factory=list)
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    dirs: list[Path] = field(default_factory=list)
    #: Files outside the run's directories that did not exist before the run.
    files: list[Path] = field(default_factory=list)


@record
class Daemon:
    """A routing daemon started for a lab router."""

    router: str
    name: str
    pid: int


class Lab:
    """Real routers for ``plan``.  Use as a context manager: ``with Lab(...) as lab: lab.build(); ...``."""

    def __init__(self, plan: LabPlan, protocol: str, configs: Mapping[str, Mapping[str, str]], *,
                 debug: bool = False, keep_dir: bool = False) -> None:
        self.plan = plan
        self.protocol = protocol
        self.daemon = PROTOCOL_DAEMON[protocol]
        self.configs = configs
        self.debug = debug
        self.keep_dir = keep_dir
        self.ledger = Ledger()
        self.workdir: Path | None = None
        self.frr = frr_dir()
        self.delays_emulated = False
        self.silent_method: str | None = None
        self._daemons: dict[str, list[Daemon]] = {}
        self._vty: dict[tuple[str, str], VtyClient] = {}
        self._captures: list[subprocess.Popen[bytes]] = []
        self._old_handlers: dict[int, object] = {}
        self._closed = False

    # -- context management and signals -----------------------------------------------------------
    def __enter__(self) -> Lab:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(ValueError):  # not the main thread: the caller handles signals
                self._old_handlers[sig] = signal.signal(sig, _raise_exit)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.cleanup()
        finally:
            for sig, handler in self._old_handlers.items():
                signal.signal(sig, handler)  # type: ignore[arg-type]
            self._old_handlers.clear()

    # -- building -------------------------------------------------------------------------------------
    def build(self) -> None:
        """Namespaces, veth pairs, addresses, link delays; the run directory with every config."""
        if not GR_STATE_FILE.exists():
            self.ledger.files.append(GR_STATE_FILE)
        self.workdir = Path(tempfile.mkdtemp(prefix=f"{self.plan.prefix}-"))
        self.ledger.dirs.append(self.workdir)
        os.chmod(self.workdir, 0o755)
        (self.workdir / OWNER_FILE).write_text(f"{os.getpid()}\n")
        uid, gid = _frr_ids()
        for r in self.plan.routers:
            rdir = self.router_dir(r.name)
            rdir.mkdir()
            for daemon, text in self.configs[r.name].items():
                log = str(rdir / f"{daemon}.log")
                (rdir / f"{daemon}.conf").write_text(with_log_file(text, log, debug=self.debug))
            for p in (rdir, *rdir.iterdir()):
                os.chown(p, uid, gid)
            self.ledger.dirs.append(FRR_RUNSTATE / r.netns)
        for r in self.plan.routers:
            run(["ip", "netns", "add", r.netns])
            self.ledger.namespaces.append(r.netns)
            run(["ip", "-n", r.netns, "link", "set", "lo", "up"])
            run(["ip", "-n", r.netns, "addr", "add", f"{r.loopback}/32", "dev", "lo"])
            run(in_netns(r.netns, ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]))
        for link in self.plan.links:
            ra, rb = self.plan.router(link.a), self.plan.router(link.b)
            run(["ip", "-n", ra.netns, "link", "add", link.ifname, "type", "veth",
                 "peer", "name", link.ifname, "netns", rb.netns])
            for r, other in ((ra, link.b), (rb, link.a)):
                iface = r.iface_to(other)
                run(["ip", "-n", r.netns, "addr", "add", f"{iface.address}/31", "dev", iface.name])
                run(["ip", "-n", r.netns, "link", "set", iface.name, "up"])
        self.delays_emulated = self._emulate_delays()

    def _emulate_delays(self) -> bool:
        """netem ``delay`` on both ends of every link (one-way delay per direction); False when the
        kernel has no netem (then links have veth latency only, tens of microseconds)."""
        for link in self.plan.links:
            if link.delay <= 0:
                continue
            for name in (link.a, link.b):
                r = self.plan.router(name)
                proc = run(["tc", "-n", r.netns, "qdisc", "add", "dev", link.ifname, "root", "netem",
                            "delay", f"{link.delay * 1e6:.0f}us"], check=False)
                if proc.returncode != 0:
                    if "unknown" in proc.stderr.lower() or "not found" in proc.stderr.lower():
                        return False
                    raise LabError(f"tc netem on {r.netns}/{link.ifname}: {proc.stderr.strip()}")
        return True

    def router_dir(self, router: str) -> Path:
        assert self.workdir is not None, "build() first"
        return self.workdir / f"r{self.plan.router(router).index}"

    # -- daemons --------------------------------------------------------------------------------------------
    def start_router(self, router: str) -> None:
        """Start zebra, then the protocol daemon, in ``router``'s namespace; wait for their vty sockets."""
        r = self.plan.router(router)
        started = []
        for daemon in ("zebra", self.daemon):
            started.append(self._start_daemon(r, daemon))
        self._daemons[router] = started

    def start_all(self) -> None:
        for r in self.plan.routers:
            self.start_router(r.name)

    def _start_daemon(self, r: RouterPlan, daemon: str) -> Daemon:
        rdir = self.router_dir(r.name)
        vty = rdir / f"{daemon}.vty"
        with contextlib.suppress(FileNotFoundError):
            vty.unlink()  # a killed incarnation leaves its socket behind
        cmd = [str(self.frr / daemon), "-N", r.netns, "-f", str(rdir / f"{daemon}.conf"),
               "-i", str(rdir / f"{daemon}.pid"), "-z", str(rdir / "zserv.api"),
               "--vty_socket", str(rdir), "-P", "0", "--log", f"file:{rdir / f'{daemon}.start.log'}"]
        if self.debug:
            cmd += ["--log-level", "debug"]
        out = open(rdir / f"{daemon}.out", "ab")  # noqa: SIM115 - handed to the child
        try:
            proc = subprocess.Popen(in_netns(r.netns, cmd), stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            out.close()
        self.ledger.processes[proc.pid] = proc
        deadline = time.monotonic() + START_TIMEOUT
        while not vty.exists():
            if proc.poll() is not None:
                raise LabError(f"{daemon} of router {r.name} exited with status {proc.returncode} at start: "
                               f"{_tail(rdir / f'{daemon}.start.log') or _tail(rdir / f'{daemon}.out')}")
            if time.monotonic() > deadline:
                raise LabError(f"{daemon} of router {r.name} did not open its vty socket in {START_TIMEOUT:g} s")
            time.sleep(0.01)
        return Daemon(r.name, daemon, proc.pid)

    def kill_router(self, router: str) -> None:
        """A crash: SIGKILL the router's daemons (no goodbye to neighbours), then empty its kernel
        FIB of protocol routes -- in netsim's model a crashed router has no FIB."""
        for (rtr, daemon), client in list(self._vty.items()):
            if rtr == router:
                client.close()
                del self._vty[(rtr, daemon)]
        for d in self._daemons.pop(router, []):
            proc = self.ledger.processes.pop(d.pid, None)
            with contextlib.suppress(ProcessLookupError):
                os.kill(d.pid, signal.SIGKILL)
            if proc is not None:
                proc.wait(timeout=10)
        ns = self.plan.router(router).netns
        for proto in (RTPROT[self.daemon], RTPROT_ZEBRA):
            run(["ip", "-n", ns, "route", "flush", "proto", str(proto)], check=False)

    def daemons(self, router: str) -> list[Daemon]:
        return list(self._daemons.get(router, []))

    def is_running(self, router: str) -> bool:
        return router in self._daemons

    def vty(self, router: str, daemon: str) -> VtyClient:
        """A persistent vty connection to ``daemon`` (zebra, ospfd, ripd) of ``router``."""
        key = (router, daemon)
        client = self._vty.get(key)
        if client is None:
            client = self._vty[key] = VtyClient(str(self.router_dir(router) / f"{daemon}.vty"))
        return client

    # -- link manipulations --------------------------------------------------------------------------
    def set_link_admin(self, router: str, neighbor: str, up: bool) -> None:
        """``ip link set`` one end of a veth.  Downing one end takes the peer's carrier down too
        (the peer reports NO-CARRIER, operstate DOWN): both routers lose the link at once."""
        r = self.plan.router(router)
        run(["ip", "-n", r.netns, "link", "set", "dev", r.iface_to(neighbor).name, "up" if up else "down"])

    def block_link(self, a: str, b: str, blocked: bool) -> None:
        """Drop every packet arriving on both ends of a–b (carrier stays up), or stop dropping."""
        if self.silent_method is None:
            self.silent_method = blocking.probe(self.plan.router(a).netns, self.plan.router(a).iface_to(b).name)
        ends = [(self.plan.router(me).netns, self.plan.router(me).iface_to(other).name)
                for me, other in ((a, b), (b, a))]
        blocking.set_blocked(self.silent_method, ends, blocked)

    def set_cost(self, router: str, neighbor: str, cost: float) -> None:
        """Change what ``router`` pays to send to ``neighbor`` (OSPF: ``ip ospf cost`` through ospfd's vty)."""
        from netsim.validate.frr_config import ospf_cost, rip_unit_cost

        iface = self.plan.router(router).iface_to(neighbor).name
        where = f"{router}–{neighbor}"
        if self.daemon != "ospfd":
            rip_unit_cost(cost, where)
            return
        self.vty(router, "ospfd").configure([f"interface {iface}", f"ip ospf cost {ospf_cost(cost, where)}"])

    # -- packet capture (investigations) ---------------------------------------------------------------
    def start_captures(self, bpf: str) -> None:
        """tcpdump (filter ``bpf``) on every interface of every router, to ``r<i>/capture.pcap``."""
        if shutil.which("tcpdump") is None:
            raise LabError("capturing needs tcpdump (install the tcpdump package)")
        for r in self.plan.routers:
            pcap = self.router_dir(r.name) / "capture.pcap"
            proc = subprocess.Popen(in_netns(r.netns, ["tcpdump", "-i", "any", "-nn", "-U", "-Z", "root",
                                                        "-w", str(pcap), bpf]),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
            self.ledger.processes[proc.pid] = proc
            self._captures.append(proc)
        time.sleep(0.5)  # tcpdump needs a moment before it sees packets

    def stop_captures(self) -> None:
        for proc in self._captures:
            _terminate(proc)
            self.ledger.processes.pop(proc.pid, None)
        self._captures.clear()

    # -- cleanup -----------------------------------------------------------------------------------------
    def cleanup(self) -> None:
        """Stop every process this run started, delete its namespaces (and so its veths), remove its
        directories (the run directory survives with ``keep_dir``).  Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for client in self._vty.values():
            client.close()
        self._vty.clear()
        for proc in list(self.ledger.processes.values()):
            _terminate(proc)
        self.ledger.processes.clear()
        for ns in reversed(self.ledger.namespaces):
            run(["ip", "netns", "del", ns], check=False)
        self.ledger.namespaces.clear()
        for d in self.ledger.dirs:
            if d == self.workdir and self.keep_dir:
                continue
            shutil.rmtree(d, ignore_errors=True)
        self.ledger.dirs.clear()
        for f in self.ledger.files:
            with contextlib.suppress(OSError):
                f.unlink()
        self.ledger.files.clear()


def _raise_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _terminate(proc: subprocess.Popen[bytes], grace: float = 2.0) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds; reap the child either way."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait(timeout=10)


def _frr_ids() -> tuple[int, int]:
    try:
        user = pwd.getpwnam(FRR_USER)
    except KeyError:
        raise LabError(f"FRRouting's user '{FRR_USER}' does not exist (install the frr package)") from None
    try:
        gid = grp.getgrnam(FRR_USER).gr_gid
    except KeyError:
        gid = user.pw_gid
    return user.pw_uid, gid


def _tail(path: Path, lines: int = 1) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(text[-lines:])


# -- leftovers of killed runs -----------------------------------------------------------------------
@record
class Leftovers:
    """What an earlier lab left behind: namespaces, processes, directories."""

    namespaces: tuple[str, ...]
    pids: tuple[int, ...]
    dirs: tuple[Path, ...]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_alive(prefix: str, tmp: Path) -> bool:
    for d in tmp.glob(f"{prefix}-*"):
        with contextlib.suppress(OSError, ValueError):
            if _alive(int((d / OWNER_FILE).read_text().strip())):
                return True
    return False


def find_leftovers(*, tmp: Path | None = None, netns_dir: Path = Path("/run/netns"),
                   runstate: Path = FRR_RUNSTATE, proc: Path = Path("/proc")) -> Leftovers:
    """Objects of lab runs whose owner process is gone, found by the ``netsimv-`` prefix."""
    tmp = tmp or Path(tempfile.gettempdir())
    prefixes: set[str] = set()
    names = sorted(p.name for p in netns_dir.iterdir()) if netns_dir.is_dir() else []
    for name in names:
        m = NETNS_RE.match(name)
        if m:
            prefixes.add(m.group(1))
    pattern = re.compile(rf"({PREFIX_ROOT}-[0-9a-f]{{8}})")
    bases = [b for b in (tmp, runstate) if b.is_dir()]
    for d in [d for b in bases for d in b.glob(f"{PREFIX_ROOT}-*")]:
        m = pattern.match(d.name)
        if m:
            prefixes.add(m.group(1))
    pids: list[int] = []
    for entry in proc.iterdir() if proc.is_dir() else []:
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        for arg in argv:
            m = pattern.search(arg.decode(errors="replace"))
            if m:
                prefixes.add(m.group(1))
                pids.append(int(entry.name))
                break
    dead = {p for p in prefixes if not _owner_alive(p, tmp)}
    return Leftovers(
        namespaces=tuple(n for n in names if (m := NETNS_RE.match(n)) and m.group(1) in dead),
        pids=tuple(sorted(pid for pid in pids if any(p in _cmdline(proc, pid) for p in dead))),
        dirs=tuple(sorted(d for base in (tmp, runstate) if base.is_dir() for d in base.glob(f"{PREFIX_ROOT}-*")
                          if (m := pattern.match(d.name)) and m.group(1) in dead)))


def _cmdline(proc: Path, pid: int) -> str:
    try:
        return (proc / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cleanup_leftovers() -> Leftovers:
    """Remove what killed runs left: their processes (by pid), namespaces and directories.
    Returns what was removed."""
    found = find_leftovers()
    for pid in found.pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for ns in found.namespaces:
        run(["ip", "netns", "del", ns], check=False)
    for d in found.dirs:
        shutil.rmtree(d, ignore_errors=True)
    return found
