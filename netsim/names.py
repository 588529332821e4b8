"""The name a user probably meant, for every message about a router name that does not exist.

Why one module: a router name is typed in many places -- a scenario's events, flows, routers and
prefixes, ``--router`` and ``--dest`` of ``explain``, ``table`` and ``plot`` -- and each must
answer a typo the same way.  "unknown router Frankfurt" alone leaves the user guessing; the
closest names ("did you mean Frankfurt-1?"), or when nothing is close the names that exist (a
real network may name its routers by country code), end the guessing in one step.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from netsim.inputs import short

#: How many similar names a message suggests.
SUGGESTED = 3
#: How many names a message lists when none is similar (all of them, up to a few more).
LISTED = 10
LISTED_ALL = 15
#: How similar (difflib ratio, 0..1) a name must be to be suggested.
CUTOFF = 0.6


def closest(name: str, known: Iterable[str], limit: int = SUGGESTED) -> list[str]:
    """The known names ``name`` most likely meant, best first: the same name in another case,
    then the names difflib finds similar (ignoring case), then names that contain it."""
    names = sorted({str(k) for k in known})
    wanted = str(name)
    lower: dict[str, list[str]] = {}
    for k in names:
        lower.setdefault(k.lower(), []).append(k)
    found: list[str] = list(lower.get(wanted.lower(), []))
    for key in difflib.get_close_matches(wanted.lower(), list(lower), n=limit, cutoff=CUTOFF):
        found += lower[key]
    if len(wanted) >= 3:
        found += [k for k in names if wanted.lower() in k.lower()]
    return list(dict.fromkeys(k for k in found if k != wanted))[:limit]


def hint(name: str, known: Iterable[str]) -> str:
    """`` (did you mean A, B?)``, else `` (… the N routers: A, B, … and M more)``: what to add to a
    message about the unknown router ``name``."""
    names = sorted({str(k) for k in known})
    close = closest(name, names)
    if close:
        return f" (did you mean {', '.join(close)}?)"
    if not names:
        return " (there are no routers)"
    if len(names) <= LISTED_ALL:
        return f" (no router has a similar name; the {len(names)} routers: {short(', '.join(names), 240)})"
    shown = short(", ".join(names[:LISTED]), 160)
    more = f", … and {len(names) - LISTED} more ('netsim topo show SCENARIO' lists them all)"
    return f" (no router has a similar name; the {len(names)} routers: {shown}{more})"


def unknown_router(name: str, known: Iterable[str]) -> str:
    """``unknown router Frankfurt (did you mean …?)``: the one wording every command uses."""
    return f"unknown router {name}{hint(name, known)}"
