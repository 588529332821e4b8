"""EIGRP as a running protocol: options, failure detection, stuck in active, reliable delivery
over lossy links, unequal-cost load sharing, packets on the wire."""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pytest

from netsim.analysis.oracle.eigrp import EigrpModel, LinkState, NetworkState
from netsim.errors import NetsimError
from netsim.protocols import canonical_name, get_protocol, validate_options
from netsim.protocols.base import Interface, RouterConfig
from netsim.protocols.eigrp import Eigrp
from netsim.protocols.eigrp.messages import ACK_SIZE, HELLO_SIZE, Ack, Hello, Query, Reply, Update, wire_size
from netsim.protocols.eigrp.metric import KValues
from netsim.runner import simulate
from netsim.scenario import Scenario
from netsim.scenario.events import make_event
from netsim.scenario.faults import loss_map
from netsim.trace import Note, Route

FAST = {"hello_interval": 1.0, "hold_time": 3.0}


def line(*names: str, **attrs: Any) -> nx.Graph:
    g = nx.Graph()
    for a, b in zip(names, names[1:], strict=False):
        g.add_edge(a, b, cost=1, **attrs)
    return g


def final_state(g: nx.Graph, down: tuple[tuple[str, str], ...] = ()) -> NetworkState:
    links = {tuple(sorted(e)): LinkState(tuple(sorted(e)) not in down) for e in g.edges}
    return NetworkState(links)


def assert_model_tables(res: Any, g: nx.Graph, state: NetworkState) -> None:
    expected = EigrpModel(g, res.options).tables(state)
    for router, table in expected.items():
        fib = res.metrics.final_tables[router]
        assert set(fib) == set(table), router
        for dest, route in fib.items():
            assert route.cost == table[dest].cost and set(route.next_hops) <= table[dest].next_hops


# -- options ----------------------------------------------------------------------------------------------
def test_registered_with_documented_defaults() -> None:
    assert canonical_name("EIGRP") == "eigrp" and get_protocol("eigrp") is Eigrp
    d = Eigrp.defaults()
    assert (d["hello_interval"], d["hold_time"], d["active_time"]) == (5.0, 15.0, 180.0)
    assert (d["k1"], d["k2"], d["k3"], d["variance"], d["retry_limit"]) == (1, 0, 1, 1.0, 16)
    assert all(opt.doc for opt in Eigrp.options_spec.values())


def test_cross_option_validation() -> None:
    assert Eigrp.validate(Eigrp.defaults()) == []
    assert [k for k, _ in Eigrp.validate({"hello_interval": 5, "hold_time": 5})] == ["hold_time"]
    assert [k for k, _ in Eigrp.validate({"k3": 0})] == ["k3"]
    assert [k for k, _ in Eigrp.validate({"rto_min": 6.0})] == ["rto_min"]
    opts, err = validate_options(Eigrp, {"variance": 0.5})
    assert err is not None and err.startswith("variance: must be >= 1")
    opts, err = validate_options(Eigrp, {"k3": 0})
    assert err is not None and err.startswith("k3: must be >= 1")


def test_bad_bandwidth_is_one_clear_error() -> None:
    g = line("a", "b", bandwidth=-5)
    with pytest.raises(NetsimError, match=r"^link a–b: bandwidth must be a number of kbit/s"):
        simulate(Scenario("bad", g, {}, ()), "eigrp")


def test_quiet_period_covers_hold_and_active_time() -> None:
    assert Eigrp.quiet_period(Eigrp.defaults()) >= 15.0 + 180.0


# -- failure detection ---------------------------------------------------------------------------------------
def square() -> nx.Graph:
    """a–b–d and a–c–d: two equal paths; b–d fails."""
    g = nx.Graph()
    for x, y in (("a", "b"), ("b", "d"), ("a", "c"), ("c", "d")):
        g.add_edge(x, y, cost=1)
    return g


@pytest.mark.parametrize(("silent", "low", "high"), [(False, 0.0, 0.01), (True, 10.0, 15.01)])
def test_carrier_loss_at_once_silent_failure_after_the_hold_time(silent: bool, low: float, high: float) -> None:
    """Default timers (hello 5 s, hold 15 s): a silent failure is noticed when the hold timer
    runs out, 10 to 15 s after the failure depending on when the last hello arrived."""
    sc = Scenario("square", square(), {}, (make_event("link_down", 60.0, index=0, target=("b", "d"), silent=silent),))
    res = simulate(sc, "eigrp")
    ev = res.metrics.events[0]
    assert low <= ev.convergence_time <= high and ev.loop_time == 0.0
    assert_model_tables(res, sc.graph, final_state(sc.graph, (("b", "d"),)))
    downs = [d for d in res.trace.decisions if "adjacency with d down" in d.text and d.router == "b"]
    assert downs and ("hold time expired" if silent else "carrier lost") in downs[0].text


def test_cost_changes_are_ignored() -> None:
    sc = Scenario("square", square(), {}, (make_event("set_cost", 30.0, index=0, target=("b", "d"), cost=50),))
    res = simulate(sc, "eigrp", options=FAST)
    assert res.metrics.events[0].route_changes == 0
    assert any("ignored" in d.text for d in res.trace.decisions if d.time >= 30.0)


def test_stuck_in_active_resets_the_silent_neighbour() -> None:
    """x–a–b–c–d in a line, 300 ms per link, active time 1 s.  x–a fails: a has no feasible
    successor and queries b; b (query from its successor) queries c; c queries d; d has nobody
    to ask and replies at once.  Replies come back after 0.3 s per hop: c at 1.2 s after the
    failure, b at 1.5 s, a at 1.8 s.  a's active timer fires at 1.0 s: SIA, a resets b; b's
    own timer (started at 0.3 s) fires at 1.3 s, before c's reply (1.5 s): b resets c."""
    g = line("x", "a", "b", "c", "d", delay=0.3)
    sc = Scenario("sia", g, {}, (make_event("link_down", 30.0, index=0, target=("a", "x")),))
    res = simulate(sc, "eigrp", options={**FAST, "active_time": 1.0})
    sia = [(round(d.time - 30.0, 3), d.router, d.text.split(": active timer")[0]) for d in res.trace.decisions
           if d.kind == "eigrp-sia"]
    assert (1.0, "a", "SIA: no reply from b for x in 1 s") in sia
    assert (1.3, "b", "SIA: no reply from c for x in 1 s") in sia
    assert {r for _, r, _ in sia} == {"a", "b"}
    assert any(d.router == "a" and "adjacency with b down: stuck in active" in d.text for d in res.trace.decisions)
    assert_model_tables(res, g, final_state(g, (("a", "x"),)))  # adjacencies came back, x unreachable


def test_reliable_delivery_over_lossy_links() -> None:
    """30 % loss both ways on two links: updates, queries and replies are retransmitted until
    acknowledged, and the network still ends with the model's tables, loop-free throughout.
    (A hold time of ten hellos keeps the adjacencies up: three lost hellos in a row are common
    at this loss rate, ten are not.)"""
    g = square()
    g.add_edge("d", "e", cost=1)
    for a, b in (("a", "b"), ("c", "d")):
        g.edges[a, b]["loss"] = loss_map(a, b, 0.3)
    sc = Scenario("lossy", g, {}, (make_event("link_down", 60.0, index=0, target=("b", "d")),
                                   make_event("link_up", 120.0, index=1, target=("b", "d"))), seed=3)
    res = simulate(sc, "eigrp", options={"hello_interval": 1.0, "hold_time": 10.0})
    assert all(ev.loop_time == 0.0 for ev in res.metrics.events)
    assert not [d for d in res.trace.decisions if "down" in d.text and d.kind == "eigrp-adjacency"
                and d.time < 60.0], "the lossy links kept their adjacencies"
    assert_model_tables(res, g, final_state(g))


def test_variance_installs_unequal_cost_feasible_successors() -> None:
    """s reaches d through a (2 x 10 µs) or through b (10 µs + 30 µs): 256 * (10 + 2) = 3072
    versus 256 * (10 + 4) = 3584, and b's RD (2816) is below the FD (3072): with variance 1.2
    (3584 <= 3686.4) both are used, the cost staying the best one."""
    g = nx.Graph()
    g.add_edge("s", "a", cost=1)
    g.add_edge("a", "d", cost=1)
    g.add_edge("s", "b", cost=1, eigrp_delay=30)
    g.add_edge("b", "d", cost=1)
    res = simulate(Scenario("variance", g, {}, ()), "eigrp", options={**FAST, "variance": 1.2})
    route = res.metrics.final_tables["s"]["d"]
    assert route.next_hops == ("a", "b") and route.cost == 3072
    assert_model_tables(res, g, final_state(g))


# -- one router in isolation: what goes on the wire ----------------------------------------------------------
class FakePort:
    """A router port with two interfaces that records what is sent and never runs timers."""

    name = "me"

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any, int, int]] = []
        self.notes: list[tuple[str, str]] = []
        self.table: dict[str, Route] = {}

    @property
    def now(self) -> float:
        return 0.0

    def interfaces(self) -> dict[str, Interface]:
        return {"n1": Interface("n1", 1, True), "n2": Interface("n2", 1, True)}

    def send(self, iface: str, msg: Any, size: int, packets: int = 1) -> None:
        self.sent.append((iface, msg, size, packets))

    def call_later(self, delay: float, fn: Any, *args: Any) -> Any:
        class _T:
            def cancel(self) -> None:
                pass
        return _T()

    def install(self, dest: str, hops: tuple[str, ...], cost: float, cause: Note) -> None:
        self.table[dest] = Route(hops, cost)

    def withdraw(self, dest: str, cause: Note) -> None:
        self.table.pop(dest, None)

    def fib(self) -> dict[str, Route]:
        return self.table

    def decide(self, note: Note) -> None:
        self.notes.append((note.kind, note.as_cause(self.name)))


def router() -> tuple[Eigrp, FakePort]:
    port = FakePort()
    proto = Eigrp(port, RouterConfig("me", Eigrp.defaults()), np.random.default_rng(0))
    proto.start()
    return proto, port


def test_adjacency_exchange_and_packet_sizes() -> None:
    proto, port = router()
    proto.on_message("n1", Hello(15.0, KValues()))
    iface, init, size, packets = port.sent[-1]
    assert iface == "n1" and isinstance(init, Update) and init.init and init.entries == ()
    assert (size, packets) == (40, 1) and init.kind == "eigrp-update"
    proto.on_message("n1", Update(500, init.seq, (), init=True))    # their INIT acks ours
    _, table, size, _ = port.sent[-1]
    assert isinstance(table, Update) and table.ack == 500          # our table piggybacks the ack
    assert table.entries == (("me", proto.told["n1"]["me"]),) and size == 40 + 29
    proto.on_message("n1", Update(501, table.seq, (("far", proto.told["n1"]["me"]),)))
    assert port.table["far"] == Route(("n1",), 2816)
    _, ack, size, _ = port.sent[-1]
    assert isinstance(ack, Ack) and ack.ack == 501 and size == ACK_SIZE == 40
    assert ack.kind == "eigrp-ack" and Hello.kind == "eigrp-hello"
    assert (Query.kind, Reply.kind) == ("eigrp-query", "eigrp-reply")
    assert HELLO_SIZE == 60
    assert wire_size(50) == (40 + 50 * 29, 1) and wire_size(51) == (80 + 51 * 29, 2)


def test_k_value_mismatch_means_no_adjacency() -> None:
    proto, port = router()
    proto.on_message("n1", Hello(15.0, KValues(1, 0, 2)))
    assert not [m for _, m, _, _ in port.sent if isinstance(m, Update)]
    assert any("K-values differ" in text for _, text in port.notes)
