"""Silent link failures: drop every packet arriving on an interface while its carrier stays up.

Two ways, tried in this order on the first use:

* ``tc``: an ``ingress`` qdisc with a ``matchall`` filter whose action is ``drop`` (needs the
  kernel's cls_matchall and act_gact);
* ``nft``: an nftables ``netdev`` table whose ``ingress`` chain on the interface has policy drop
  (needs nf_tables with the netdev family).

Both ends of the link get the rule, so nothing crosses in either direction, yet both routers
still see the carrier up: only protocol timers can notice.  Dropping at *ingress* is the point:
a drop on the egress path is seen by the sender (the transmit fails), which is not silent.
"""

from __future__ import annotations

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


def _nft(netns: str, ifname: str, blocked: bool, *, check: bool = True) -> bool:
    table = _table(ifname)
    if blocked:
        rules = (f"table netdev {table} {{\n"
                 f"  chain drop_in {{ type filter hook ingress device \"{ifname}\" priority -500; policy drop; }}\n"
                 f"}}\n")
        return run(["ip", "netns", "exec", netns, "nft", "-f", "-"], input_text=rules, check=check).returncode == 0
    return run(["ip", "netns", "exec", netns, "nft", "delete", "table", "netdev", table],
               check=check).returncode == 0


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


def set_blocked(method: str, netns: str, ifname: str, blocked: bool) -> None:
    _IMPL[method](netns, ifname, blocked)
