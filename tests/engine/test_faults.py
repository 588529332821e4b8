"""Fault models: lossy links, jitter, shared-risk groups, partitions, and their validation."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netsim import parse_scenario, simulate
from netsim.analysis.oracle.shortest_paths import Oracle
from netsim.analysis.replay import World, world_at
from netsim.engine.link import Link
from netsim.errors import ScenarioError


def _oracle_at_end(res) -> Oracle:
    w = World.initial(res.scenario.graph, res.trace)
    for tc in res.trace.topology_changes:
        w.apply_topology(tc)
    return Oracle(w.routers, w.links, w.down)


def _all_correct(res) -> bool:
    o = _oracle_at_end(res)
    return all(o.entry_ok(r, d, res.metrics.final_tables[r].get(d))
               for r in o.routers for d in o.routers if r != d)


@st.composite
def small_graphs(draw) -> nx.Graph:
    n = draw(st.integers(4, 6))
    g = nx.path_graph(n)  # connected backbone, then a few random chords
    extra = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=4))
    g.add_edges_from((a, b) for a, b in extra if a != b)
    return nx.relabel_nodes(g, {i: f"r{i}" for i in range(n)})


def _lossy_text(g: nx.Graph, seed: int, clean_from: float | None = None) -> str:
    """Every link loses 20 % of messages (until ``clean_from``, when given); one link that does not
    cut the network goes down at 40 s."""
    links = ", ".join(f"[{a}, {b}]" for a, b in sorted(g.edges))
    cut = next((e for e in sorted(g.edges) if nx.is_connected(nx.restricted_view(g, [], [e]))), None)
    events = [f"{{at: 40, link_down: [{cut[0]}, {cut[1]}]}}"] if cut else []
    if clean_from is not None:
        events += [f"{{at: {clean_from}, set_loss: [{a}, {b}], loss: 0}}" for a, b in sorted(g.edges)]
    event = f"events: [{', '.join(events)}]" if events else ""
    return f"""
seed: {seed}
duration: 120
loss: 0.2
topology: {{links: [{links}]}}
protocols:
  linkstate: {{hello_interval: 1, dead_interval: 8, rxmt_interval: 1, ack_delay: 0.2}}
  distvector: {{update_interval: 2, timeout: 12, garbage: 8, split_horizon: poison}}
{event}
"""


#: linkstate.py: a neighbour can stay in Loading for ever on a lossy link.  Its pending LSA is
#: only cleared by an update *from that neighbour*; when the first copy is lost and the router
#: meanwhile gets the LSA from someone else and floods it back, the neighbour takes that as an
#: implied acknowledgement and never retransmits.  Fix: clear pending entries the LSDB already
#: satisfies (or retransmit LS requests, RFC 2328 §10.9).


@settings(max_examples=10, deadline=None)
@given(g=small_graphs(), seed=st.integers(0, 1000))
@pytest.mark.parametrize("proto", ["linkstate", "distvector"])
def test_protocols_end_correct_on_20_percent_lossy_links(proto: str, g: nx.Graph, seed: int) -> None:
    """Loss must never wedge a protocol.  Link state must be correct at the end with the loss still
    on.  RIP may legitimately not be: a route times out when six updates in a row from its next
    hop are lost (0.2**6 per update interval and neighbour), and such a lapse near the end is
    still healing when the run stops (path r0-r4, seed 16: r2's route to r1 times out at 118.9 s
    and r4 has it back only after 120 s).  So for RIP the links are clean for the last 20 s,
    longer than a timeout plus the time a route needs to cross the network again."""
    clean_from = 100.0 if proto == "distvector" else None
    res = simulate(parse_scenario(_lossy_text(g, seed, clean_from)), proto)
    assert _all_correct(res), proto


def test_linkstate_regression_loading_stall_on_lossy_links() -> None:
    g = nx.Graph([("r0", "r1"), ("r0", "r2"), ("r0", "r4"), ("r1", "r2"), ("r2", "r3"), ("r2", "r4"),
                  ("r3", "r4")])
    res = simulate(parse_scenario(_lossy_text(g, 132)), "linkstate")
    assert _all_correct(res)


def test_loss_really_drops_protocol_messages_and_is_seeded() -> None:
    text = _lossy_text(nx.relabel_nodes(nx.cycle_graph(5), {i: f"r{i}" for i in range(5)}), 1)
    a = simulate(parse_scenario(text), "linkstate")
    b = simulate(parse_scenario(text), "linkstate")
    assert [rc for rc in a.trace.route_changes] == [rc for rc in b.trace.route_changes]
    clean = simulate(parse_scenario(text.replace("loss: 0.2", "loss: 0")), "linkstate")
    # Lost LSAs are retransmitted: more messages than on clean links for the same work.
    assert a.metrics.messages_total > clean.metrics.messages_total


def test_jitter_keeps_each_direction_fifo() -> None:
    link = Link("a", "b", 1, 1, 0.001, jitter=0.01, rng=np.random.default_rng(0))
    arrivals = [link.arrival_time("a", t * 0.001) for t in range(200)]
    assert arrivals == sorted(arrivals)
    assert max(x - t * 0.001 for t, x in enumerate(arrivals)) > 0.005


def test_loss_of_one_direction_only() -> None:
    link = Link("a", "b", 1, 1, 0.001, loss_ab=1.0, loss_ba=0.0, rng=np.random.default_rng(0))
    assert all(link.drops("a") for _ in range(50))
    assert not any(link.drops("b") for _ in range(50))


PARTITION = """
seed: 4
duration: 200
topology: {generator: {kind: ring, n: 6}}
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4}
  distvector: {update_interval: 5, timeout: 30, garbage: 20, split_horizon: poison}
events:
  - {at: 40, link_down: [[r1, r2], [r4, r5]], silent: true}
  - {at: 140, link_up: [[r1, r2], [r4, r5]]}
"""


@pytest.mark.parametrize("proto", ["linkstate", "distvector"])
def test_partition_has_no_routes_across_the_cut_and_heals_to_the_oracle(proto: str) -> None:
    sc = parse_scenario(PARTITION)
    res = simulate(sc, proto)
    assert len({tc.time for tc in res.trace.topology_changes}) == 2  # each group fails at one instant
    w = world_at(sc.graph, res.trace, 139.0)
    west, east = {"r2", "r3", "r4"}, {"r5", "r6", "r1"}
    for side, other in ((west, east), (east, west)):
        for r in side:
            assert not set(w.fibs[r]) & other, (r, w.fibs[r])
            assert set(w.fibs[r]) == side - {r}
    assert _all_correct(res)
    assert res.metrics.events[1].correct_time is not None


def test_set_loss_event_changes_a_link_mid_run() -> None:
    text = """
seed: 1
duration: 80
topology: {generator: {kind: ring, n: 4}}
protocols: {linkstate: {hello_interval: 1, dead_interval: 4}}
events:
  - {at: 30, set_loss: [r1, r2], loss: [1, 0]}
"""
    res = simulate(parse_scenario(text), "linkstate")
    # r1's hellos no longer reach r2: r2 declares the adjacency dead, and routes go round.
    assert any(d.router == "r2" and "dead interval" in d.text for d in res.trace.decisions if d.time > 30)
    assert res.metrics.final_tables["r2"]["r1"].next_hops == ("r3",)


@pytest.mark.parametrize("snippet, where", [
    ("loss: 1.5\n", ":2: loss: must be a probability"),
    ("jitter: -1\n", ":2: jitter: must be >= 0"),
    ("bfd: {interval: 0.05, multiplier: 0}\n", ":2: bfd.multiplier: must be > 0"),
    ("flows: {pairs: [[r1, r9]]}\n", ":2: flows.pairs[0]: unknown router r9"),
    ("flows: {rate: 10, burst: 3}\n", ":2: flows.burst: unknown key"),
    ("events:\n  - {at: 5, srlg: [[r1, r2], [r1, r3]]}\n", ":3: events[0].srlg[1]: no link r1–r3"),
    ("events:\n  - {at: 5, set_loss: [r1, r2]}\n", ":3: events[0]: set_loss needs 'loss'"),
    ("events:\n  - {at: 5, srlg: [r1, r2]}\n", ":3: events[0].srlg: must list links"),
])
def test_new_keys_are_validated_with_file_line_and_key(snippet: str, where: str) -> None:
    text = "topology: {generator: {kind: ring, n: 4}}\n" + snippet
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text, display="s.yaml")
    assert where in str(exc.value)
    assert str(exc.value).startswith("s.yaml:")
