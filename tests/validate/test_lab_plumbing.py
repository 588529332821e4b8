"""The lab's plumbing without FRR: the vtysh socket framing against a fake daemon, cleanup of
exactly what a run recorded, leftovers of killed runs found by their prefix, and one line naming
what the machine lacks.  With root (marker ``frr``), the kernel monitor in a scratch namespace."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import networkx as nx
import pytest
from lab_shapes import PREFIX, triangle

from netsim.errors import NetsimError
from netsim.validate import lab as lab_module
from netsim.validate.lab import Lab, find_leftovers
from netsim.validate.plan import new_run_prefix, plan_lab
from netsim.validate.prereq import missing_prerequisite
from netsim.validate.vty import VtyClient


# -- VTY protocol --------------------------------------------------------------------------------------
def test_vty_client_speaks_the_vtysh_framing(tmp_path: Path) -> None:
    """A fake daemon: NUL-terminated commands in; output + three NULs + status byte out."""
    path = str(tmp_path / "fake.vty")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    seen: list[str] = []

    def serve() -> None:
        conn, _ = srv.accept()
        buf = b""
        while True:
            data = conn.recv(4096)
            if not data:
                break
            buf += data
            while b"\0" in buf:
                line, buf = buf.split(b"\0", 1)
                cmd = line.decode()
                seen.append(cmd)
                if cmd == "show json":
                    reply, status = b'{"x": [1, 2]}', 0
                elif cmd == "ip ospf cost 0":
                    reply, status = b"% Unknown command", 2
                else:
                    reply, status = b"", 0
                conn.sendall(reply + b"\0\0\0" + bytes([status]))
        conn.close()

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    c = VtyClient(path, timeout=5)
    assert c.show_json("show json") == {"x": [1, 2]}
    c.configure(["interface l1", " ip ospf cost 7"])
    with pytest.raises(NetsimError, match="Unknown command"):
        c.configure(["ip ospf cost 0"])
    c.close()
    th.join(timeout=5)
    srv.close()
    assert seen == ["show json", "enable", "configure terminal", "interface l1", "ip ospf cost 7", "end",
                    "configure terminal", "ip ospf cost 0", "end"]



# -- leftovers and prerequisites -------------------------------------------------------------------------
def test_leftovers_found_by_prefix_sparing_live_runs(tmp_path: Path) -> None:
    dead, live = "netsimv-dead0001", "netsimv-11ee0002"
    netns = tmp_path / "netns"
    netns.mkdir()
    for name in (f"{dead}-r0", f"{dead}-r1", f"{live}-r0", "other-r0", "netsimv-xyz-r0"):
        (netns / name).touch()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    (tmp / f"{dead}-abc").mkdir()
    (tmp / f"{dead}-abc" / "owner.pid").write_text("999999999\n")  # no such process
    (tmp / f"{live}-def").mkdir()
    (tmp / f"{live}-def" / "owner.pid").write_text(f"{os.getpid()}\n")
    runstate = tmp_path / "run"
    (runstate / f"{dead}-r0").mkdir(parents=True)
    proc = tmp_path / "proc"
    ospfd = "/usr/lib/frr/ospfd"
    for pid, argv in ((4242, [ospfd, "-N", f"{dead}-r1"]), (4343, [ospfd, "-N", f"{live}-r0"]), (4444, ["bash"])):
        (proc / str(pid)).mkdir(parents=True)
        (proc / str(pid) / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
    found = find_leftovers(tmp=tmp, netns_dir=netns, runstate=runstate, proc=proc)
    assert found.namespaces == (f"{dead}-r0", f"{dead}-r1")
    assert found.pids == (4242,)
    assert sorted(p.name for p in found.dirs) == [f"{dead}-abc", f"{dead}-r0"]


def test_prerequisites_name_what_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert "root" in (missing_prerequisite() or "")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setenv("NETSIM_FRR_DIR", str(tmp_path))
    why = missing_prerequisite(("zebra", "ospfd")) or ""
    assert why.startswith("FRRouting's zebra is missing") and str(tmp_path) in why





def test_cleanup_removes_exactly_what_the_run_recorded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No root needed: system commands are recorded instead of run; a real child process stands
    in for a daemon.  Cleanup ends the process, deletes the recorded namespaces (newest first) and
    directories, keeps the run directory when asked, and does nothing the second time."""
    commands: list[list[str]] = []
    monkeypatch.setattr(lab_module, "run", lambda cmd, **kw: commands.append(list(cmd)))
    lab = Lab(plan_lab(triangle(), PREFIX), "linkstate", {}, keep_dir=True)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    lab.ledger.processes[child.pid] = child
    lab.ledger.namespaces += [f"{PREFIX}-r0", f"{PREFIX}-r1"]
    workdir, state = tmp_path / "run", tmp_path / "state"
    workdir.mkdir()
    state.mkdir()
    lab.workdir = workdir
    lab.ledger.dirs += [workdir, state]
    stray = tmp_path / "gr.json"
    stray.write_text("{}")
    lab.ledger.files.append(stray)
    with lab:
        pass
    assert child.poll() is not None
    assert commands == [["ip", "netns", "del", f"{PREFIX}-r1"], ["ip", "netns", "del", f"{PREFIX}-r0"]]
    assert workdir.exists() and not state.exists() and not stray.exists()
    lab.cleanup()
    assert len(commands) == 2


def test_a_failed_command_is_one_line_naming_it() -> None:
    from netsim.validate.shell import LabError, run

    with pytest.raises(LabError, match=r"command failed \(status 3\): sh -c 'echo boom >&2; exit 3': boom"):
        run(["sh", "-c", "echo boom >&2; exit 3"])
    with pytest.raises(LabError, match="command not found: no-such-tool-here"):
        run(["no-such-tool-here"])
    assert issubclass(LabError, NetsimError)


@pytest.mark.frr
def test_monitor_stamps_kernel_changes_in_a_namespace() -> None:
    """Routes added and replaced by hand in a scratch namespace are seen, in order, with their
    gateways (ECMP included); setting an interface down is seen as a link change."""
    import time as _time

    from netsim.validate.monitor import LabClock, RouteMonitor

    lone = nx.Graph()
    lone.add_node("a")
    plan = plan_lab(lone, new_run_prefix())
    ns = plan.router("a").netns
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        def ip(*args: str) -> None:
            subprocess.run(["ip", "-n", ns, *args], check=True)

        ip("link", "add", "l0", "type", "veth", "peer", "name", "l1")
        ip("addr", "add", "10.0.0.0/31", "dev", "l0")
        ip("addr", "add", "10.0.0.2/31", "dev", "l1")
        ip("link", "set", "l0", "up")
        ip("link", "set", "l1", "up")
        mon = RouteMonitor(plan, LabClock())
        mon.start()
        ip("route", "add", "10.255.0.2/32", "via", "10.0.0.1", "proto", "188")
        ip("route", "replace", "10.255.0.2/32", "proto", "188", "nexthop", "via", "10.0.0.1", "nexthop", "via",
           "10.0.0.3")
        ip("route", "del", "10.255.0.2/32")
        ip("link", "set", "l1", "down")
        _time.sleep(0.3)
        obs = mon.stop()
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False)
    mine = [(k.deleted, k.gateways) for k in obs.routes if k.prefix == "10.255.0.2/32"]
    assert mine == [(False, ("10.0.0.1",)), (False, ("10.0.0.1", "10.0.0.3")), (True, ("10.0.0.1", "10.0.0.3"))]
    times = [k.time for k in obs.routes if k.prefix == "10.255.0.2/32"]
    assert times == sorted(times) and times[0] >= 0
    assert any(ls.ifname == "l1" and not ls.admin_up for ls in obs.links)
