"""Engine throughput: netsim's protocol messages per wall second, relative to bare SimPy.

Measured side by side in one process:

* **bare SimPy**: chains of ``env.timeout(d).callbacks.append(cb)`` where each callback schedules
  the next -- the cheapest way SimPy can move an event, the ceiling for any SimPy model;
* **netsim**: three workloads on a 10x10 grid (engine only: no metrics), counting every protocol
  message put on a wire (the message log).  A message handled one by one costs at least one SimPy
  event for its delivery, and a hello one more for its interface's timer; a steady hello costs
  none (a periodic stream of the engine), so on a quiet network the ratio can exceed 1.

Target: netsim / bare >= 0.3.  Run: .venv/bin/python benchmarks/bench_engine.py
"""

from __future__ import annotations

from typing import Any

import simpy
from _common import table, timed

from netsim.runner import build_network
from netsim.scenario import parse_scenario


def bare_simpy(events: int, chains: int = 400) -> float:
    """Events per wall second of a bare SimPy loop of timeout callbacks."""
    env = simpy.Environment()
    left = [events]

    def cb(_e: Any) -> None:
        if left[0] > 0:
            left[0] -= 1
            env.timeout(0.001).callbacks.append(cb)

    for _ in range(chains):
        env.timeout(0.001).callbacks.append(cb)
    secs, _ = timed(env.run)
    return events / secs


WORKLOADS = {
    "linkstate cold start": ("linkstate", {"hello_interval": 1, "dead_interval": 4}, 12.0),
    "linkstate warm, hellos": ("linkstate", {"hello_interval": 1, "dead_interval": 4, "warm_start": True}, 60.0),
    "distvector": ("distvector", {"update_interval": 5, "timeout": 30, "garbage": 20}, 60.0),
}


def netsim_rate(workload: str = "linkstate cold start") -> tuple[float, int]:
    """Messages put on wires per wall second of ``workload`` on a 10x10 grid (engine only)."""
    proto, given, until = WORKLOADS[workload]
    scenario = parse_scenario(f"topology: {{generator: {{kind: grid, rows: 10, cols: 10}}}}\nprotocols: [{proto}]\n")
    net = build_network(scenario, proto, seed=0, options=given, narrate=False)
    net.start()
    secs, _ = timed(lambda: net.run(until))
    sent = len(net.trace.messages)
    return sent / secs, sent


def main() -> None:
    rows = []
    for rep in range(2):  # interleave, so a noisy neighbour hits both sides alike
        for name in WORKLOADS:
            bare = bare_simpy(300_000)
            new, n = netsim_rate(name)
            rows.append((name, rep + 1, f"{bare:,.0f}", f"{new:,.0f}", n, new / bare))
    print("engine throughput on a 10x10 grid (bare SimPy events/s vs netsim messages sent/s; "
          "ratios are what count)")
    print(table(("workload", "rep", "bare SimPy ev/s", "netsim msg/s", "messages", "netsim/bare"), rows))
    for name in WORKLOADS:
        best = max(r[5] for r in rows if r[0] == name)
        print(f"engine target netsim/bare >= 0.3, {name}: best {best:.2f} -> {'met' if best >= 0.3 else 'NOT met'}")


if __name__ == "__main__":
    main()
