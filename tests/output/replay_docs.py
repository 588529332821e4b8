"""Small hand-built replay documents for the replay tests (no simulation needed).

A ring of routers with made-up messages, FIB changes, a crash and expected tables, built so each
test knows the truth by construction rather than by running the viewer's own arithmetic.
"""

from __future__ import annotations

from typing import Any

HELLO, FLOOD, ACK = 0, 1, 2
KINDS = [{"name": "hello", "label": "Hello", "family": "hello"},
         {"name": "lsu", "label": "LS Update", "family": "flood"},
         {"name": "lsack", "label": "LS Ack", "family": "ack"}]


def ring_document(names: list[str], *, hellos_per_direction: int = 3, floods: int = 4) -> dict[str, Any]:
    """A ring ``names[0] - names[1] - ... - names[0]`` with hellos every second on every direction,
    ``floods`` flood/ack pairs after t=10, one link failure at t=10 and expected tables for both epochs."""
    n = len(names)
    routers = [{"name": r, "label": r, "x": float(i % 3), "y": float(i // 3)} for i, r in enumerate(names)]
    links = [{"a": names[i], "b": names[(i + 1) % n], "cost_ab": 1, "cost_ba": 1, "delay": 0.01} for i in range(n)]
    msgs: list[tuple[float, float | None, int, int, int]] = []
    for i in range(n):
        j = (i + 1) % n
        for k in range(hellos_per_direction):
            msgs.append((k + 0.1 * i, k + 0.1 * i + 0.01, i, j, HELLO))
            msgs.append((k + 0.1 * i + 0.05, k + 0.1 * i + 0.06, j, i, HELLO))
    for k in range(floods):
        t = 10.0 + 0.001 * k
        msgs.append((t, t + 0.01, 1, 2, FLOOD))
        msgs.append((t + 0.01, t + 0.02, 2, 1, ACK))
    msgs.append((10.5, None, 2, 3, FLOOD))  # lost on the way
    msgs.sort(key=lambda m: m[0])
    a, b = names[0], names[1]
    expected_before = {names[0]: {b: {"hops": [b], "cost": 1}}, names[1]: {a: {"hops": [a], "cost": 1}}}
    expected_after = {names[0]: {b: {"hops": [names[-1]], "cost": n - 1}},
                      names[1]: {a: {"hops": [names[2]], "cost": n - 1}}}
    return {
        "version": 1, "scenario": "ring", "protocol": "linkstate", "seed": 7, "end_time": 30.0,
        "generated_by": "netsim test",
        "routers": routers, "links": links,
        "events": [{"time": 10.0, "index": 0, "text": f"link {a}–{b} down (carrier loss)"},
                   {"time": 20.0, "index": 1, "text": f"router {names[3]} crashes"}],
        "topology": [
            {"time": 10.0, "link": [a, b], "router": None, "up": False, "silent": False, "cost_ab": 1, "cost_ba": 1},
            {"time": 20.0, "link": None, "router": names[3], "up": False, "silent": False,
             "cost_ab": None, "cost_ba": None},
            {"time": 25.0, "link": None, "router": names[3], "up": True, "silent": False,
             "cost_ab": None, "cost_ba": None},
        ],
        "message_kinds": KINDS,
        "messages": {"t0": [m[0] for m in msgs], "t1": [m[1] for m in msgs], "src": [m[2] for m in msgs],
                     "dst": [m[3] for m in msgs], "kind": [m[4] for m in msgs]},
        "fib": {"time": [1.0, 1.0, 1.0, 10.5, 10.7, 19.0, 26.0],
                "router": [0, 1, 3, 0, 1, 3, 3],
                "dest": [b, a, a, b, a, b, a],
                "hops": [[b], [a], [names[2]], [names[-1]], [names[2]], [names[2]], [names[2]]],
                "cost": [1, 1, 2, n - 1, n - 1, 2, 2]},
        "initial_fibs": {},
        "expected": [{"from": 0.0, "tables": expected_before, "down": []},
                     {"from": 10.0, "tables": expected_after, "down": []}],
        "faults": [{"t0": 10.0, "t1": 10.5, "dest": b, "kind": "blackhole", "path": [a, b]},
                   {"t0": 10.5, "t1": 10.7, "dest": a, "kind": "loop", "path": [names[1], names[2], names[1]]}],
        "narration": [{"time": 10.0, "router": "", "kind": "event", "text": f"link {a}–{b} down (carrier loss)",
                       "cause": "scenario events[0]"},
                      {"time": 10.5, "router": a, "kind": "route", "text": f"route to {b}: via {b} cost 1 → via "
                       f"{names[-1]} cost {n - 1}", "cause": "SPF run 2"}],
        "notices": [],
    }
