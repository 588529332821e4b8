"""Database synchronisation with sequence numbers PDUs (ISO 10589 §7.3.15.2), as a pure function.

A CSNP lists every LSP its sender holds; a PSNP lists some, to acknowledge them or to ask for
them.  Each entry is compared with our copy:

* the same instance: the neighbour has it -- stop sending or retransmitting ours (an acknowledgement);
* ours is newer: send it (set SRM);
* theirs is newer, or we have none: ask for it with a PSNP entry carrying our rank (set SSN; 0
  when we have no copy), which the neighbour answers with the LSP; if it is our own LSP, reissue
  ours past it instead (§7.3.16.1);
* a CSNP is complete, so every LSP of ours it does not list (purges aside) is missing there:
  send it.

On a point-to-point link both ends send a CSNP when the adjacency comes up; this comparison is
how a restarted router gets the database it lost, and how its neighbours learn what it forgot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class SnpActions:
    """What a sequence numbers PDU asks of us."""

    #: LSPs of ours to send to the neighbour.
    send: list[Any] = field(default_factory=list)
    #: (origin, our rank) entries to ask for with a PSNP (rank 0: we have no copy).
    request: list[tuple[str, int]] = field(default_factory=list)
    #: (origin, rank) the neighbour holds exactly as we do: no need to send them.
    acked: list[tuple[str, int]] = field(default_factory=list)
    #: A newer rank of our own LSP the neighbour holds (from before a restart), or None.
    own_newer: int | None = None


def snp_actions(entries: Iterable[tuple[str, int]], lsdb: Mapping[str, Any], me: str, complete: bool) -> SnpActions:
    """Compare the ``(origin, rank)`` entries of a CSNP (``complete``) or PSNP with ``lsdb``."""
    out = SnpActions()
    listed: set[str] = set()
    for origin, rank in entries:
        listed.add(origin)
        mine = lsdb.get(origin)
        if mine is None:
            # ISO 10589 §7.3.15.2 b.5: ask only for a real LSP (not a purge, not a request) of another system.
            if rank > 1 and not rank & 1 and origin != me:
                out.request.append((origin, 0))
            continue
        if rank == mine.rank:
            out.acked.append((origin, rank))
        elif rank < mine.rank:
            out.send.append(mine)
        elif origin == me:
            out.own_newer = max(rank, out.own_newer or 0)
        else:
            out.request.append((origin, mine.rank))
    if complete:
        out.send.extend(lsp for origin, lsp in lsdb.items() if origin not in listed and not lsp.purge)
    return out
