"""Silent link failures: drop every packet arriving on an interface while its carrier stays up.

Two ways, tried in this order on the first use:

* ``tc``: an ``ingress`` qdisc with a ``matchall`` filter whose action is ``drop`` (needs the
  kernel's cls_matchall and act_gact);
* ``nft``: an nftables ``netdev`` table whose ``ingress`` chain on the interface has policy drop
  (needs nf_tables with the netdev family).

Both ends of the link get the rule, so nothing crosses in either direction, yet both routers
still see the carrier up: only protocol timers can notice.  Measured in the lab (two ospfd
routers, hello 1 s, dead 4 s): ingress drops at both ends and nftables *egress* drops at both
ends behave alike (both sides declare the neighbour dead after 4 s, no send error in the logs,
no TX error or drop in the interface counters); an egress drop at one end only is not a silent
failure -- the other side keeps receiving hellos that no longer list it and drops the adjacency
as 1-way instead.  Ingress is used because each end's rule then covers exactly what reaches that
router, whatever the peer's stack does.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from netsim.validate.shell import LabError, run

METHODS = ("tc", "nft")


def _table(ifname: str) -> str:
    return f"netsim_silent_{ifname}"


def _tc(netns: str, ifname: str, blocked: bool, *, check: bool = True) -> bool:
    if blocked:
        if run(["tc", "-n", netns, "qdisc", "add", "dev", ifname, "ingress"], check=check).returncode:
            return False
        proc = run(["tc", "-n", netns, "filter", "add", "dev", ifname, "parent", "ffff:", "matchall",
                    "action", "drop"], check=False)
        if proc.returncode:
            run(["tc", "-n", netns, "qdisc", "del", "dev", ifname, "ingress"], check=False)
            if check:
                raise LabError(f"tc matchall drop on {netns}/{ifname}: {proc.stderr.strip()}")
            return False
        return True
    return run(["tc", "-n", netns, "qdisc", "del", "dev", ifname, "ingress"], check=check).returncode == 0


def _nft_cmd(netns: str, ifname: str, blocked: bool) -> tuple[list[str], str | None]:
    """The nft command (and its stdin) that adds or deletes the drop table; ``nsenter`` enters only
    the network namespace, which costs half of ``ip netns exec`` (timing matters here)."""
    table = _table(ifname)
    enter = ["nsenter", f"--net=/run/netns/{netns}", "nft"]
    if blocked:
        rules = (f"table netdev {table} {{\n"
                 f"  chain drop_in {{ type filter hook ingress device \"{ifname}\" priority -500; policy drop; }}\n"
                 f"}}\n")
        return enter + ["-f", "-"], rules
    return enter + ["delete", "table", "netdev", table], None


def _nft(netns: str, ifname: str, blocked: bool, *, check: bool = True) -> bool:
    cmd, rules = _nft_cmd(netns, ifname, blocked)
    return run(cmd, input_text=rules, check=check).returncode == 0


_IMPL = {"tc": _tc, "nft": _nft}


def probe(netns: str, ifname: str) -> str:
    """The first method that works on this kernel (tried on a real interface, then undone)."""
    for method in METHODS:
        try:
            if _IMPL[method](netns, ifname, True, check=False):
                _IMPL[method](netns, ifname, False, check=False)
                return method
        except LabError:
            continue
    raise LabError("silent failures need tc (cls_matchall + act_gact) or nftables (netdev ingress); "
                   "this kernel or system has neither")


def set_blocked(method: str, ends: Sequence[tuple[str, str]], blocked: bool) -> None:
    """Block (or unblock) every ``(netns, ifname)`` end at once: the commands run concurrently, so
    the two ends of a link change within a few milliseconds of each other."""
    if method != "nft":
        for netns, ifname in ends:
            _IMPL[method](netns, ifname, blocked)
        return
    procs = []
    for netns, ifname in ends:
        cmd, rules = _nft_cmd(netns, ifname, blocked)
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append((p, rules, netns, ifname))
    errors = []
    for p, rules, netns, ifname in procs:
        _, err = p.communicate(rules, timeout=30)
        if p.returncode:
            errors.append(f"nft on {netns}/{ifname}: {err.strip().splitlines()[0] if err.strip() else p.returncode}")
    if errors:
        raise LabError("; ".join(errors))
