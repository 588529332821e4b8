"""Engine throughput: netsim's delivered protocol messages per wall second, relative to bare SimPy.

Measured side by side in one process:

* **bare SimPy**: chains of ``env.timeout(d).callbacks.append(cb)`` where each callback schedules
  the next -- the cheapest way SimPy can move an event, the ceiling for any SimPy model;
* **netsim**: a link-state cold start on a 10x10 grid (engine only: no metrics), counting every
  protocol message delivered; once with the current transmit path and once with the previous
  one (a full ``simpy.Timeout`` and a closure per message, reproduced below) for the before/after.

Issue 3 target: netsim / bare >= 0.3.  Run: .venv/bin/python benchmarks/bench_engine.py
"""

from __future__ import annotations

from typing import Any

import simpy
from _common import table, timed

from netsim.engine.network import Network
from netsim.protocols import PROTOCOLS, validate_options
from netsim.topology.load import generate


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


def _legacy_transmit(self: Network, src: str, dst: str, msg: Any, size: int, packets: int) -> None:
    """The transmit path before the optimisation (one Timeout + one closure per message)."""
    env = self.env
    self.trace.messages.add(env.now, size, packets)
    link = self.adj[src].get(dst)
    if link is None or not link.up:
        return
    arrival = link.arrival_time(src, env.now)
    epoch = link.epoch
    env.timeout(arrival - env.now).callbacks.append(lambda _e: self._deliver(link, epoch, src, dst, msg))


WORKLOADS = {
    "linkstate cold start": ("linkstate", {"hello_interval": 1, "dead_interval": 4}, 12.0),
    "linkstate warm, hellos": ("linkstate", {"hello_interval": 1, "dead_interval": 4, "warm_start": True}, 60.0),
    "distvector": ("distvector", {"update_interval": 5, "timeout": 30, "garbage": 20}, 60.0),
}


def netsim_rate(legacy: bool, workload: str = "linkstate cold start") -> tuple[float, int]:
    """Delivered messages per wall second of ``workload`` on a 10x10 grid (engine only)."""
    proto, given, until = WORKLOADS[workload]
    cls = PROTOCOLS[proto]
    opts, _ = validate_options(cls, given)
    net = Network(generate("grid", rows=10, cols=10), cls, opts, 0, narrate=False)
    delivered = [0]
    deliver = net._deliver

    def counting(*args: Any) -> None:
        delivered[0] += 1
        deliver(*args)

    net._deliver = counting  # type: ignore[method-assign]
    if legacy:
        net.transmit = _legacy_transmit.__get__(net)  # type: ignore[method-assign]
    net.start()
    secs, _ = timed(lambda: net.run(until))
    return delivered[0] / secs, delivered[0]


def main() -> None:
    rows = []
    for rep in range(2):  # interleave, so a noisy neighbour hits both sides alike
        for name in WORKLOADS:
            bare = bare_simpy(300_000)
            new, n = netsim_rate(False, name)
            old, _ = netsim_rate(True, name)
            rows.append((name, rep + 1, f"{bare:,.0f}", f"{new:,.0f}", f"{old:,.0f}", n, new / bare, old / bare,
                         new / old))
    print("engine throughput on a 10x10 grid (bare SimPy events/s vs netsim delivered messages/s; "
          "ratios are what count)")
    print(table(("workload", "rep", "bare SimPy ev/s", "netsim msg/s", "legacy msg/s", "messages", "netsim/bare",
                 "legacy/bare", "new/legacy"), rows))
    for name in WORKLOADS:
        best = max(r[6] for r in rows if r[0] == name)
        print(f"issue 3 target netsim/bare >= 0.3, {name}: best {best:.2f} -> {'met' if best >= 0.3 else 'NOT met'}")


if __name__ == "__main__":
    main()
