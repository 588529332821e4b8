"""What one input to a speaker produces: packets to send, FIB changes, timers, narration.

The speaker never touches the engine: it fills an :class:`Effects` and the protocol adapter
carries it out.  That keeps every BGP decision testable without a simulator.
"""

from __future__ import annotations

from typing import Any

from netsim.protocols.bgp.notes import Note

#: A timer's identity, e.g. ``("hold", "r2")`` or ``("mrai", "r2", "")``.
TimerKey = tuple[Any, ...]


class Effects:
    __slots__ = ("sends", "routes", "timers", "notes", "narrate")

    def __init__(self, narrate: bool = True) -> None:
        #: (neighbour, packet)
        self.sends: list[tuple[str, Any]] = []
        #: (prefix, (next hop, cost) or None to remove, the note explaining it)
        self.routes: list[tuple[str, tuple[str, float] | None, Note]] = []
        #: (key, delay) to (re)arm, or (key, None) to cancel
        self.timers: list[tuple[TimerKey, float | None]] = []
        self.notes: list[Note] = []
        self.narrate = narrate

    def send(self, peer: str, packet: Any) -> None:
        self.sends.append((peer, packet))

    def route(self, prefix: str, entry: tuple[str, float] | None, note: Note) -> None:
        self.routes.append((prefix, entry, note))

    def timer(self, key: TimerKey, delay: float) -> None:
        self.timers.append((key, max(0.0, delay)))

    def cancel(self, key: TimerKey) -> None:
        self.timers.append((key, None))

    def note(self, note: Note) -> None:
        """Keep ``note`` when narrating, or always when a metric reads it (``essential``)."""
        if self.narrate or note.essential:
            self.notes.append(note)
