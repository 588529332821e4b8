"""Path exploration read back from a run's narration: which AS paths each router selected, in order.

After a Tdown a router typically moves through several ever longer paths before giving up
(Labovitz et al. 2000); the number of distinct paths selected per (router, prefix) is the
measure of that exploration.  The speaker counts it live (:class:`~.speaker.PrefixStats`); this
module recovers it from the trace's ``bgp-best`` decisions, whose text
:class:`~.notes.BestPathChange` writes, so per-event figures can be computed from any stored run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from netsim.trace import Decision

_BEST = re.compile(r"^best path to (\S+) is \[([0-9 ]*)\] via AS")
_NONE = re.compile(r"^no path to (\S+) \(was ")


@dataclass(frozen=True, slots=True)
class Exploration:
    """The best paths one router selected for one prefix (None: no route), in order."""

    router: str
    prefix: str
    paths: tuple[tuple[int, ...] | None, ...]

    @property
    def distinct(self) -> int:
        """Distinct AS paths selected (losing the route is not a path)."""
        return len({p for p in self.paths if p is not None})

    @property
    def changes(self) -> int:
        return len(self.paths)


def parse_best(text: str) -> tuple[str, tuple[int, ...] | None] | None:
    """(prefix, new best path or None) of a ``bgp-best`` decision's text; None for other texts."""
    m = _BEST.match(text)
    if m:
        return m.group(1), tuple(int(a) for a in m.group(2).split())
    m = _NONE.match(text)
    if m:
        return m.group(1), None
    return None


def path_exploration(decisions: Iterable[Decision], start: float = 0.0,
                     end: float = float("inf")) -> dict[tuple[str, str], Exploration]:
    """Per (router, prefix), the best paths selected with ``start <= time < end``."""
    seen: dict[tuple[str, str], list[tuple[int, ...] | None]] = {}
    for d in decisions:
        if d.kind != "bgp-best" or not start <= d.time < end:
            continue
        parsed = parse_best(d.text)
        if parsed is not None:
            seen.setdefault((d.router, parsed[0]), []).append(parsed[1])
    return {key: Exploration(key[0], key[1], tuple(paths)) for key, paths in sorted(seen.items())}
