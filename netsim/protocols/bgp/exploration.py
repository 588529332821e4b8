"""Path exploration read back from a run's narration: which AS paths each router selected, in order.

After a Tdown a router typically moves through several ever longer paths before giving up
(Labovitz et al. 2000); the number of distinct paths selected per (router, prefix) is the
measure of that exploration.  The speaker counts it live (:class:`~.speaker.PrefixStats`); this
module recovers it from the trace's path choices (:class:`~netsim.trace.PathChoice` records, kept
even when the run is not narrated), so per-event figures can be computed from any run.
"""

from __future__ import annotations

from collections.abc import Iterable

from netsim.records import record
from netsim.trace import Decision, PathChoice


@record
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


def path_exploration(decisions: Iterable[Decision], start: float = 0.0,
                     end: float = float("inf")) -> dict[tuple[str, str], Exploration]:
    """Per (router, prefix), the best paths selected with ``start <= time < end``."""
    seen: dict[tuple[str, str], list[tuple[int, ...] | None]] = {}
    for d in decisions:
        note = d.note
        if isinstance(note, PathChoice) and start <= d.time < end:
            seen.setdefault((d.router, note.chosen_dest), []).append(note.chosen_path)
    return {key: Exploration(key[0], key[1], tuple(paths)) for key, paths in sorted(seen.items())}
