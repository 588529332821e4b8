"""Running system commands for the lab: one clear line when one fails."""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Sequence

from netsim.errors import NetsimError

#: How long one system command may take.  Generous on purpose: on a loaded host deleting a
#: namespace or setting a veth down has taken more than 30 s (measured), and a run lost to an
#: impatient timeout costs minutes; a command stuck for two minutes is stuck.
COMMAND_TIMEOUT = 120.0


class LabError(NetsimError):
    """The lab could not do something the system should allow (a command failed, a daemon died)."""


def run(cmd: Sequence[str], *, check: bool = True, input_text: str | None = None,
        timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run ``cmd``; with ``check``, a failure raises :class:`LabError` naming the command and the
    first line the command printed on stderr."""
    try:
        proc = subprocess.run(list(cmd), capture_output=True, text=True, input=input_text, timeout=timeout,
                              check=False)
    except FileNotFoundError:
        raise LabError(f"command not found: {cmd[0]}") from None
    except subprocess.TimeoutExpired:
        raise LabError(f"command timed out after {timeout:g} s: {shlex.join(cmd)}") from None
    if check and proc.returncode != 0:
        why = (proc.stderr or proc.stdout or "").strip().splitlines()
        raise LabError(f"command failed (status {proc.returncode}): {shlex.join(cmd)}: "
                       f"{why[0] if why else 'no message'}")
    return proc


def in_netns(netns: str, cmd: Sequence[str]) -> list[str]:
    """``cmd`` run inside network namespace ``netns``."""
    return ["ip", "netns", "exec", netns, *cmd]
