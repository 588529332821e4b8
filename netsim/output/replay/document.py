"""The replay document: what a run looks like to the viewer, and the checks it must pass.

The document is a plain JSON-serialisable dict (version 1), the contract between the code that
extracts a run and the browser viewer.  It is checked here, once, before it is written into a
page: a malformed document would otherwise show up as a blank or silently wrong picture in a
lecture, far from the code that made it.  Every problem is one line naming the key and what is
wrong, raised as :class:`~netsim.errors.NetsimError`.

Big columns (messages, FIB changes) are checked with one pass each and no per-item objects, so
checking a document of a few hundred thousand messages costs a fraction of a second.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from netsim.errors import NetsimError

VERSION = 1

#: Message families the viewer has a colour and shape for.
FAMILIES = ("hello", "flood", "ack", "update", "control")
FAULT_KINDS = ("loop", "blackhole")

#: Keys a document may leave out, and what leaving them out means.
OPTIONAL: dict[str, Any] = {
    "generated_by": "",
    "events": [],
    "topology": [],
    "message_kinds": [],
    "messages": {"t0": [], "t1": [], "src": [], "dst": [], "kind": []},
    "fib": {"time": [], "router": [], "dest": [], "hops": [], "cost": []},
    "initial_fibs": {},
    "expected": [],
    "faults": [],
    "narration": [],
    "notices": [],
}
REQUIRED = ("version", "scenario", "protocol", "seed", "end_time", "routers", "links")


def complete(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A shallow copy of ``doc`` with every optional key present (defaults are fresh copies)."""
    if not isinstance(doc, Mapping):
        raise NetsimError(f"replay document: expected a mapping, got {type(doc).__name__}")
    out = dict(doc)
    for key, default in OPTIONAL.items():
        if key not in out:
            out[key] = {k: list(v) for k, v in default.items()} if isinstance(default, dict) else \
                list(default) if isinstance(default, list) else default
    return out


def validate(doc: Mapping[str, Any]) -> None:
    """Raise :class:`NetsimError` naming the first key that breaks the version-1 contract."""
    for key in REQUIRED:
        if key not in doc:
            raise NetsimError(f"replay document: missing key {key!r}")
    if doc["version"] != VERSION:
        raise NetsimError(f"replay document: version {doc['version']!r} is not supported (expected {VERSION})")
    doc = complete(doc)
    _text(doc["scenario"], "scenario")
    _text(doc["protocol"], "protocol")
    if not isinstance(doc["seed"], int) or isinstance(doc["seed"], bool):
        raise NetsimError(f"replay document: seed must be an integer, got {doc['seed']!r}")
    end = _number(doc["end_time"], "end_time")
    names = _routers(doc["routers"])
    _links(doc["links"], names)
    _events(doc["events"])
    _topology(doc["topology"], names)
    kinds = _message_kinds(doc["message_kinds"])
    _messages(doc["messages"], len(names), kinds)
    _fib(doc["fib"], len(names))
    _tables(doc["initial_fibs"], names, "initial_fibs")
    _expected(doc["expected"], names)
    _faults(doc["faults"], names)
    _narration(doc["narration"])
    for i, notice in enumerate(_list(doc["notices"], "notices")):
        _text(notice, f"notices[{i}]")
    if end < 0:
        raise NetsimError(f"replay document: end_time must be >= 0, got {end!r}")


# -- pieces ---------------------------------------------------------------------------------------
def _fail(where: str, what: str) -> NetsimError:
    return NetsimError(f"replay document: {where}: {what}")


def _list(value: Any, where: str) -> Sequence[Any]:
    if not isinstance(value, (list, tuple)):
        raise _fail(where, f"expected a list, got {type(value).__name__}")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _fail(where, f"expected a string, got {value!r}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(where, f"expected a finite number, got {value!r}")
    return float(value)


def _name(value: Any, names: Mapping[str, int], where: str) -> None:
    if value not in names:
        raise _fail(where, f"unknown router {value!r}")


def _routers(routers: Any) -> dict[str, int]:
    names: dict[str, int] = {}
    for i, r in enumerate(_list(routers, "routers")):
        where = f"routers[{i}]"
        if not isinstance(r, Mapping):
            raise _fail(where, "expected a mapping with name, label, x, y")
        name = _text(r.get("name"), f"{where}.name")
        if name in names:
            raise _fail(f"{where}.name", f"router {name!r} listed twice")
        names[name] = i
        _text(r.get("label", name), f"{where}.label")
        _number(r.get("x"), f"{where}.x")
        _number(r.get("y"), f"{where}.y")
    return names


def _links(links: Any, names: Mapping[str, int]) -> None:
    for i, link in enumerate(_list(links, "links")):
        where = f"links[{i}]"
        if not isinstance(link, Mapping):
            raise _fail(where, "expected a mapping with a, b, cost_ab, cost_ba, delay")
        _name(link.get("a"), names, f"{where}.a")
        _name(link.get("b"), names, f"{where}.b")
        _number(link.get("cost_ab"), f"{where}.cost_ab")
        _number(link.get("cost_ba"), f"{where}.cost_ba")
        if _number(link.get("delay"), f"{where}.delay") < 0:
            raise _fail(f"{where}.delay", "must be >= 0")


def _events(events: Any) -> None:
    for i, ev in enumerate(_list(events, "events")):
        where = f"events[{i}]"
        if not isinstance(ev, Mapping):
            raise _fail(where, "expected a mapping with time, index, text")
        _number(ev.get("time"), f"{where}.time")
        _text(ev.get("text"), f"{where}.text")


def _topology(changes: Any, names: Mapping[str, int]) -> None:
    last = -math.inf
    for i, tc in enumerate(_list(changes, "topology")):
        where = f"topology[{i}]"
        if not isinstance(tc, Mapping):
            raise _fail(where, "expected a mapping with time, link, router, up, silent")
        t = _number(tc.get("time"), f"{where}.time")
        if t < last:
            raise _fail(f"{where}.time", f"{t!r} is earlier than the entry before it (entries must be in time order)")
        last = t
        link, router = tc.get("link"), tc.get("router")
        if (link is None) == (router is None):
            raise _fail(where, "exactly one of 'link' and 'router' must be given")
        if link is not None:
            pair = _list(link, f"{where}.link")
            if len(pair) != 2:
                raise _fail(f"{where}.link", f"expected two router names, got {list(pair)!r}")
            for end in pair:
                _name(end, names, f"{where}.link")
        else:
            _name(router, names, f"{where}.router")
        if not isinstance(tc.get("up"), bool):
            raise _fail(f"{where}.up", f"expected true or false, got {tc.get('up')!r}")
        for key in ("cost_ab", "cost_ba"):
            if tc.get(key) is not None:
                _number(tc[key], f"{where}.{key}")


def _message_kinds(kinds: Any) -> int:
    for i, k in enumerate(_list(kinds, "message_kinds")):
        where = f"message_kinds[{i}]"
        if not isinstance(k, Mapping):
            raise _fail(where, "expected a mapping with name, label, family")
        _text(k.get("name"), f"{where}.name")
        if k.get("family") not in FAMILIES:
            raise _fail(f"{where}.family", f"{k.get('family')!r} is not one of {', '.join(FAMILIES)}")
    return len(kinds)


def _columns(cols: Any, where: str, keys: Sequence[str]) -> int:
    if not isinstance(cols, Mapping):
        raise _fail(where, f"expected a mapping of columns {', '.join(keys)}")
    lengths = {}
    for key in keys:
        lengths[key] = len(_list(cols.get(key), f"{where}.{key}"))
    n = lengths[keys[0]]
    for key in keys[1:]:
        if lengths[key] != n:
            raise _fail(f"{where}.{key}", f"has {lengths[key]} entries, {where}.{keys[0]} has {n}")
    return n


def _indices(values: Sequence[Any], bound: int, where: str) -> None:
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < bound:
            raise _fail(f"{where}[{i}]", f"expected an index in 0..{bound - 1}, got {v!r}")


def _times(values: Sequence[Any], where: str, *, ordered: bool, nullable: bool = False) -> None:
    last = -math.inf
    for i, v in enumerate(values):
        if v is None and nullable:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise _fail(f"{where}[{i}]", f"expected a finite number, got {v!r}")
        if ordered:
            if v < last:
                raise _fail(f"{where}[{i}]", f"{v!r} is earlier than the entry before it (must be in time order)")
            last = v


def _messages(cols: Any, n_routers: int, n_kinds: int) -> None:
    n = _columns(cols, "messages", ("t0", "t1", "src", "dst", "kind"))
    if not n:
        return
    _times(cols["t0"], "messages.t0", ordered=True)
    _times(cols["t1"], "messages.t1", ordered=False, nullable=True)
    for i, (t0, t1) in enumerate(zip(cols["t0"], cols["t1"], strict=True)):
        if t1 is not None and t1 < t0:
            raise _fail(f"messages.t1[{i}]", f"arrives at {t1!r}, before it was sent at {t0!r}")
    _indices(cols["src"], n_routers, "messages.src")
    _indices(cols["dst"], n_routers, "messages.dst")
    _indices(cols["kind"], n_kinds, "messages.kind")


def _route(hops: Any, cost: Any, where: str) -> None:
    for h in _list(hops, f"{where}.hops"):
        _text(h, f"{where}.hops")
    _number(cost, f"{where}.cost")


def _fib(cols: Any, n_routers: int) -> None:
    n = _columns(cols, "fib", ("time", "router", "dest", "hops", "cost"))
    if not n:
        return
    _times(cols["time"], "fib.time", ordered=True)
    _indices(cols["router"], n_routers, "fib.router")
    for i, (dest, hops, cost) in enumerate(zip(cols["dest"], cols["hops"], cols["cost"], strict=True)):
        _text(dest, f"fib.dest[{i}]")
        if hops is None:
            if cost is not None:
                raise _fail(f"fib.cost[{i}]", "must be null when hops is null (the entry is removed)")
        else:
            _route(hops, cost, f"fib[{i}]")


def _tables(tables: Any, names: Mapping[str, int], where: str) -> None:
    if not isinstance(tables, Mapping):
        raise _fail(where, "expected a mapping router -> {dest: {hops, cost}}")
    for router, table in tables.items():
        _name(router, names, where)
        if not isinstance(table, Mapping):
            raise _fail(f"{where}.{router}", "expected a mapping dest -> {hops, cost}")
        for dest, route in table.items():
            if not isinstance(route, Mapping):
                raise _fail(f"{where}.{router}.{dest}", "expected a mapping with hops and cost")
            _route(route.get("hops"), route.get("cost"), f"{where}.{router}.{dest}")


def _expected(epochs: Any, names: Mapping[str, int]) -> None:
    last = -math.inf
    for i, ep in enumerate(_list(epochs, "expected")):
        where = f"expected[{i}]"
        if not isinstance(ep, Mapping):
            raise _fail(where, "expected a mapping with from, tables, down")
        t = _number(ep.get("from"), f"{where}.from")
        if t < last:
            raise _fail(f"{where}.from", f"{t!r} is earlier than the epoch before it (epochs must be in time order)")
        last = t
        _tables(ep.get("tables"), names, f"{where}.tables")
        for r in _list(ep.get("down", []), f"{where}.down"):
            _name(r, names, f"{where}.down")


def _faults(faults: Any, names: Mapping[str, int]) -> None:
    for i, f in enumerate(_list(faults, "faults")):
        where = f"faults[{i}]"
        if not isinstance(f, Mapping):
            raise _fail(where, "expected a mapping with t0, t1, dest, kind, path")
        t0, t1 = _number(f.get("t0"), f"{where}.t0"), _number(f.get("t1"), f"{where}.t1")
        if t1 < t0:
            raise _fail(f"{where}.t1", f"ends at {t1!r}, before it starts at {t0!r}")
        _text(f.get("dest"), f"{where}.dest")
        if f.get("kind") not in FAULT_KINDS:
            raise _fail(f"{where}.kind", f"{f.get('kind')!r} is not one of {', '.join(FAULT_KINDS)}")
        path = _list(f.get("path"), f"{where}.path")
        if not path:
            raise _fail(f"{where}.path", "must name at least one router")
        for r in path:
            _name(r, names, f"{where}.path")


def _narration(lines: Any) -> None:
    last = -math.inf
    for i, ln in enumerate(_list(lines, "narration")):
        where = f"narration[{i}]"
        if not isinstance(ln, Mapping):
            raise _fail(where, "expected a mapping with time, router, kind, text, cause")
        t = _number(ln.get("time"), f"{where}.time")
        if t < last:
            raise _fail(f"{where}.time", f"{t!r} is earlier than the line before it (lines must be in time order)")
        last = t
        for key in ("router", "kind", "text", "cause"):
            _text(ln.get(key, ""), f"{where}.{key}")
