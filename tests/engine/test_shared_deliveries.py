"""Messages that arrive together share one delivery event (``Network.transmit``).

A router's periodic update goes to each of its neighbours at one instant and, over links of one
delay, arrives everywhere at one time: the network carries those messages in one event instead
of one each.  That is only sound while nothing else was scheduled in between (the clock runs
same-time events in the order they were scheduled), so the reference is the same run with
``Network.share_deliveries`` off, one event per message: the trace must not differ in any row.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from netsim.engine.clock import newest_timer
from netsim.engine.network import Network
from netsim.output import report
from netsim.runner import build_network, simulate
from netsim.scenario import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[2]

GRID = """
name: shared-deliveries
topology: {generator: {kind: grid, rows: 4, cols: 5}}
duration: 90
protocols:
  distvector: {update_interval: 5, timeout: 15, garbage: 10}
events:
  - {at: 30, link_down: [r2, r3]}
  - {at: 50, node_down: r8}
  - {at: 60, link_up: [r2, r3]}
  - {at: 70, node_up: r8}
"""


def _digest(result: Any) -> str:
    """Every message row, route change, decision and topology change of a run, and its JSON."""
    trace = result.trace
    log = trace.messages
    h = hashlib.sha256(report.dumps([result]).encode())
    for col in (log.times, log.sizes, log.counts, log.src, log.dst, log.kinds, log.arrivals):
        h.update(bytes(col))
    for records in (trace.route_changes, trace.decisions, trace.topology_changes):
        h.update(repr(records).encode())
    return h.hexdigest()


def _both(monkeypatch: pytest.MonkeyPatch, scenario: Any, protocol: str) -> tuple[str, str]:
    shared = _digest(simulate(scenario, protocol, check_work=False))
    monkeypatch.setattr(Network, "share_deliveries", False)
    plain = _digest(simulate(scenario, protocol, check_work=False))
    monkeypatch.setattr(Network, "share_deliveries", True)
    return shared, plain


@pytest.mark.parametrize("protocol", ["distvector", "linkstate", "eigrp"])
def test_a_grid_with_failures_runs_the_same_with_shared_deliveries(monkeypatch: pytest.MonkeyPatch,
                                                                   protocol: str) -> None:
    shared, plain = _both(monkeypatch, parse_scenario(GRID), protocol)
    assert shared == plain


@pytest.mark.parametrize(("name", "protocol"), [
    ("count-to-infinity-split-horizon.yaml", "distvector"),
    ("lossy-ring.yaml", "distvector"),
    ("node-crash-restart.yaml", "linkstate"),
    ("bgp-clique-tdown-tup.yaml", "bgp"),
    ("eigrp-diffusing-computation.yaml", "eigrp"),
])
def test_shipped_scenarios_run_the_same_with_shared_deliveries(monkeypatch: pytest.MonkeyPatch, name: str,
                                                               protocol: str) -> None:
    scenario = load_scenario(ROOT / "scenarios" / name)
    assert protocol in scenario.protocols
    shared, plain = _both(monkeypatch, scenario, protocol)
    assert shared == plain


def _vector_net() -> Network:
    net = build_network(parse_scenario(GRID), "distvector")
    net.start()
    return net


def test_an_update_to_every_neighbour_is_one_event() -> None:
    net = _vector_net()
    net.run(0.5)  # past the requests of t=0 and their answers
    router = net.routers["r7"]  # an inner router: four neighbours
    protocol = router.protocol
    assert len(router.ifaces) == 4
    before = len(net.env._queue)  # noqa: SLF001 -- counting events is the point of this test
    protocol._send_all(triggered=False)  # noqa: SLF001
    assert len(net.env._queue) == before + 1  # noqa: SLF001
    timer = newest_timer(net.env)
    assert timer is not None and len(timer.args[0]) == 4
    assert [d[3] for d in timer.args[0]] == sorted(router.ifaces)


def test_a_timer_set_in_between_keeps_deliveries_apart() -> None:
    net = _vector_net()
    net.run(0.5)
    router = net.routers["r7"]
    neighbours = sorted(router.ifaces)
    protocol = router.protocol
    before = len(net.env._queue)  # noqa: SLF001
    protocol._send_vector(neighbours[0], None, False)  # noqa: SLF001
    router.call_later(1.0, lambda: None)  # scheduled between the two sends
    protocol._send_vector(neighbours[1], None, False)  # noqa: SLF001
    protocol._send_vector(neighbours[2], None, False)  # noqa: SLF001
    assert len(net.env._queue) == before + 3  # noqa: SLF001 -- first, the timer, then one for the last two
