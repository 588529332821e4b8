"""Distance vector on costs that reach RIP's infinity: warned about when the scenario is read, and
judged by what RIP can carry, so ``correct`` is not "never" and ``table --at`` does not ask for
routes RIP cannot hold."""

from __future__ import annotations

import warnings
from pathlib import Path

import networkx as nx
from hostile import netsim

from netsim.analysis.judge import ModelJudge, ShortestPathJudge
from netsim.analysis.oracle.shortest_paths import ShortestPathsBelowInfinity
from netsim.analysis.replay import World
from netsim.analysis.tables import tables_at
from netsim.runner import simulate
from netsim.scenario import parse_scenario

#: A square with one dear link: b–c costs 20.  Once a–d fails, a and b are 21 and 22 from c and d.
SQUARE = """\
topology:
  links: [[a, b], [b, c, 20], [c, d], [d, a]]
protocols:
  distvector: {update_interval: 5, timeout: 15, garbage: 10}
events:
  - {at: 60, link_down: [a, d]}
"""


def _warnings(text: str) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parse_scenario(text, display="s.yaml")
    return [str(w.message) for w in caught]


def test_a_link_costing_infinity_or_more_is_warned_about_with_the_ways_out() -> None:
    (text,) = _warnings(SQUARE)
    assert text.startswith("s.yaml:3: distvector: 1 link cost 16 or more (b–c 20).")
    for way_out in ("'cost: unit'", "costs scaled down", "distvector: {infinity: 21}"):
        assert way_out in text


def test_a_real_network_in_kilometres_names_the_farthest_router_pairs() -> None:
    (text,) = _warnings("topology: {topohub: topozoo/Geant2012, cost: distance}\nprotocols: [distvector]\n")
    assert "58 links cost 16 or more" in text
    assert "all 1,332 router pairs are 16 or more apart (farthest: IL→IS 5597" in text
    assert "distvector: {infinity: 5598}" in text


def test_no_warning_when_every_path_stays_below_infinity_or_the_protocol_has_none() -> None:
    assert _warnings(SQUARE.replace("[b, c, 20]", "[b, c, 15]")) == []
    assert _warnings(SQUARE.replace("distvector:", "linkstate:").replace(
        "{update_interval: 5, timeout: 15, garbage: 10}", "{}")) == []
    assert _warnings(SQUARE.replace("garbage: 10}", "garbage: 10, infinity: 64}")) == []


def test_a_set_cost_event_reaching_infinity_is_named() -> None:
    (text,) = _warnings(SQUARE.replace("[b, c, 20]", "[b, c, 2]") + "  - {at: 90, set_cost: [a, b], cost: 16}\n")
    assert "events[1] (line 7) sets a cost of 16" in text


def test_destinations_beyond_infinity_are_unreachable_for_rip_so_it_converges() -> None:
    sc = parse_scenario(SQUARE.replace("[b, c, 20]", "[b, c, 14]").replace("events:", "duration: 120\nevents:"))
    result = simulate(sc, "distvector")
    (event,) = result.metrics.events
    assert event.values["correct_time"] is not None  # a–d down: d is 16 from a (a–b–c–d), beyond RIP's reach
    at_end = tables_at(result, 119.0)
    assert sum(t.faults for t in at_end) == 0
    far = {e.dest for t in at_end if t.router == "a" for e in t.entries}
    assert far == {"b", "c"}  # d is 16 away from a: RIP cannot carry it, and the table does not ask for it


def test_table_at_does_not_ask_for_a_route_rip_cannot_carry(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(SQUARE)
    shown = netsim("table", str(tmp_path / "s.yaml"), "--at", "70", "--router", "a")
    assert shown.exit_code == 0, shown.output
    assert "0 entries differ from shortest paths costing less than infinity (16)" in shown.stdout
    assert "should be" in shown.stdout and "cost 21" not in shown.stdout and "cost 22" not in shown.stdout
    assert "1 link cost 16 or more" in shown.stderr


def test_the_fast_judge_agrees_with_the_model_on_a_ceiling() -> None:
    graph = nx.Graph()
    for a, b, c in (("a", "b", 1), ("b", "c", 20), ("c", "d", 1), ("d", "a", 1), ("d", "e", 14)):
        graph.add_edge(a, b, cost=c, delay=0.001)
    model = ShortestPathsBelowInfinity(graph, {"infinity": 16})
    fibs = {"a": {}, "b": {}, "c": {}, "d": {}, "e": {}}
    from netsim.trace import Trace

    trace = Trace(routers=sorted(fibs))
    world = World.initial(graph, trace)
    fast = ShortestPathJudge(world, fibs, graph, model.ceiling)
    plain = ModelJudge(world, fibs, model)
    assert fast.nbad == plain.nbad == sum(len(t) for t in model.tables(world.state()).values())
    assert "e" not in model.tables(world.state())["b"]  # b→a→d→e costs 16: unreachable for RIP
    assert model.tables(world.state())["a"]["e"].cost == 15
