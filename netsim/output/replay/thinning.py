"""Keeping a replay file small and smooth: drop most hellos of a long run, never anything else.

A long run is mostly hellos: a link with 1-second hellos sends 7,200 of them an hour in each
direction, and they say nothing new after the first few.  Floods, acks, updates and control
messages are the story, so they are all kept; hellos are kept one in ``k`` *per direction of
each link*, so every link still shows its heartbeat at a steady (slower) rate instead of some
links going quiet.  The choice depends only on the document, so the same run gives the same file.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any

#: Above this many messages a replay is thinned (the viewer stays smooth well beyond it, and the
#: file stays a few megabytes).
DEFAULT_MAX_MESSAGES = 100_000

COLUMNS = ("t0", "t1", "src", "dst", "kind")


def hello_kinds(doc: Mapping[str, Any]) -> set[int]:
    """Indices of the message kinds of the hello family."""
    return {i for i, k in enumerate(doc.get("message_kinds", [])) if k.get("family") == "hello"}


def keep_one_in(per_direction: Collection[int], budget: int) -> int:
    """The smallest ``k`` such that keeping hellos number 0, k, 2k, ... of each direction (with
    ``per_direction`` hellos each) keeps at most ``budget`` of them; 0 when none fit."""
    total = sum(per_direction)
    if total == 0 or total <= budget:
        return 1
    if budget < len([c for c in per_direction if c]):
        return 0  # even one hello per direction is too many
    kept = lambda k: sum(math.ceil(c / k) for c in per_direction)  # falls as k grows
    lo, hi = max(2, math.ceil(total / budget)), max(per_direction)  # keeping one per direction fits
    while lo < hi:
        mid = (lo + hi) // 2
        if kept(mid) <= budget:
            hi = mid
        else:
            lo = mid + 1
    return lo


def thin(doc: Mapping[str, Any], max_messages: int = DEFAULT_MAX_MESSAGES) -> dict[str, Any]:
    """``doc`` with at most ``max_messages`` messages when hellos allow it, and a notice saying so.

    Every non-hello message is kept even if they alone exceed the limit.  Returns a shallow copy
    (the input is never modified); a document within the limit comes back unchanged.
    """
    if max_messages < 0:
        raise ValueError("max_messages must be >= 0")
    out = dict(doc)
    msgs = doc.get("messages")
    if not msgs or len(msgs["t0"]) <= max_messages:
        return out
    hellos = hello_kinds(doc)
    kinds, src, dst = msgs["kind"], msgs["src"], msgs["dst"]
    n = len(kinds)
    per_direction = Counter((s, d) for s, d, kind in zip(src, dst, kinds, strict=True) if kind in hellos)
    k = keep_one_in(list(per_direction.values()), max_messages - (n - per_direction.total()))
    if k == 1:
        return out
    seen: dict[tuple[int, int], int] = {}
    keep = []
    for i in range(n):
        if kinds[i] in hellos:
            direction = (src[i], dst[i])
            ordinal = seen.get(direction, 0)
            seen[direction] = ordinal + 1
            if k == 0 or ordinal % k:
                continue
        keep.append(i)
    out["messages"] = {col: [msgs[col][i] for i in keep] for col in COLUMNS}
    shown = f"1 in {k} hellos shown" if k else "no hellos shown"
    out["notices"] = [*doc.get("notices", []), f"messages thinned: {shown} ({n:,} messages)"]
    return out
