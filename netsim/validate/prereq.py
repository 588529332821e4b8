"""Can this machine run the FRR lab?  One clear line saying what is missing when it cannot."""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

from netsim.errors import NetsimError

#: Where Debian/Ubuntu (and FRR's own packages) install the daemons; override with NETSIM_FRR_DIR.
DEFAULT_FRR_DIR = "/usr/lib/frr"
#: The user FRR daemons drop privileges to (the packages create it).
FRR_USER = "frr"


class PrerequisiteError(NetsimError):
    """The machine lacks something the FRR lab needs (root, FRR, namespaces, pyroute2)."""


def frr_dir() -> Path:
    return Path(os.environ.get("NETSIM_FRR_DIR", DEFAULT_FRR_DIR))


def missing_prerequisite(daemons: tuple[str, ...] = ("zebra", "ospfd", "ripd"), *,
                         need_pyroute2: bool = True) -> str | None:
    """What is missing to run the lab with ``daemons``, as one line; None when nothing is."""
    if os.geteuid() != 0:
        return "the FRR lab needs root (network namespaces and routing daemons); run it with sudo"
    for tool in ("ip", "tc"):
        if shutil.which(tool) is None:
            return f"the FRR lab needs '{tool}' from iproute2 (install iproute2)"
    base = frr_dir()
    for daemon in daemons:
        path = base / daemon
        if not os.access(path, os.X_OK):
            return (f"FRRouting's {daemon} is missing: {path} (install the frr package, e.g. with .ci/install-frr, "
                    f"or set NETSIM_FRR_DIR)")
    try:
        pwd.getpwnam(FRR_USER)
    except KeyError:
        return f"FRRouting's user '{FRR_USER}' does not exist (install the frr package)"
    if not Path("/proc/self/ns/net").exists():
        return "this kernel has no network namespaces (/proc/self/ns/net is missing)"
    if need_pyroute2:
        try:
            import pyroute2  # noqa: F401
        except ImportError:
            return "the FRR lab needs pyroute2: pip install 'netsim[validate]'"
    return None


def check_prerequisites(daemons: tuple[str, ...] = ("zebra", "ospfd", "ripd"), *, need_pyroute2: bool = True) -> None:
    """Raise :class:`PrerequisiteError` naming the first thing missing."""
    why = missing_prerequisite(daemons, need_pyroute2=need_pyroute2)
    if why is not None:
        raise PrerequisiteError(why)
