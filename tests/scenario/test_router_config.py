"""Per-router and per-interface configuration, prefixes, AS numbers, per-direction costs, and the
protocol's own option rules on every path (file, API, sweep)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from netsim import parse_scenario, simulate
from netsim.cli import cli
from netsim.errors import NetsimError, ScenarioError
from netsim.protocols.linkstate.notes import AdjacencyChanged
from netsim.scenario.config import protocol_setup
from netsim.studies.sweep import SweepInput, plan_sweep

RING = """
topology:
  links: [[r1, r2], [r2, r3], [r3, r4], [r4, r1]]
protocols:
  linkstate: {hello_interval: 10, dead_interval: 40}
"""


def test_router_and_interface_options_override_the_network_wide_ones() -> None:
    sc = parse_scenario(RING + """
routers:
  r1:
    linkstate: {spf_delay: 0.2}
    interfaces:
      r2: {linkstate: {hello_interval: 1, dead_interval: 4}}
""")
    _cls, opts, configs = protocol_setup(sc, "linkstate")
    assert opts["spf_delay"] == 0.05 and configs["r1"].options["spf_delay"] == 0.2
    assert configs["r1"].option("dead_interval", "r2") == 4.0
    assert configs["r1"].option("dead_interval", "r4") == 40.0
    assert configs["r2"].option("dead_interval", "r1") == 40.0


def test_a_silent_failure_is_noticed_per_the_interface_dead_interval() -> None:
    """r1's interface to r2 runs hello 1 / dead 4, r2's own end the default 10 / 40: after a silent
    cut r1 declares r2 dead within 4 s of its last hello, r2 takes up to 40 s (hand-worked)."""
    sc = parse_scenario(RING + """
duration: 200
routers:
  r1: {interfaces: {r2: {linkstate: {hello_interval: 1, dead_interval: 4}}}}
  r2: {interfaces: {r1: {linkstate: {hello_interval: 1, dead_interval: 40}}}}
events:
  - {at: 100, link_down: [r1, r2], silent: true}
""")
    res = simulate(sc, "linkstate")
    downs = {d.router: d.time for d in res.trace.decisions
             if isinstance(d.note, AdjacencyChanged) and d.note.new == "Down" and d.time >= 100}
    assert 100 + 3 <= downs["r1"] <= 104 + 1e-9
    assert 100 + 39 <= downs["r2"] <= 140 + 1e-9


def test_a_per_interface_rule_is_checked_on_the_merged_options() -> None:
    with pytest.raises(ScenarioError, match=r"routers\.r1\.interfaces\.r2\.linkstate\.dead_interval: must be "
                                            r"greater than hello_interval"):
        parse_scenario(RING + "routers: {r1: {interfaces: {r2: {linkstate: {hello_interval: 50}}}}}\n")


def test_options_that_are_not_per_interface_are_refused_there() -> None:
    with pytest.raises(ScenarioError, match=r"spf_delay: not a per-interface option of linkstate"):
        parse_scenario(RING + "routers: {r1: {interfaces: {r2: {linkstate: {spf_delay: 1}}}}}\n")


def test_cross_option_rules_hold_for_the_api_and_for_sweeps() -> None:
    """`--set linkstate.dead_interval=5` with hello 10 used to run and flap: refused everywhere."""
    sc = parse_scenario(RING)
    with pytest.raises(NetsimError, match="dead_interval: must be greater than hello_interval"):
        simulate(sc, "linkstate", options={"dead_interval": 5})
    with pytest.raises(NetsimError, match="--set linkstate.dead_interval=5: linkstate.dead_interval"):
        plan_sweep(SweepInput(RING), sets=["linkstate.dead_interval=5"])
    res = CliRunner().invoke(cli, ["sweep", "-", "--dry-run"])  # no such file: one line
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_non_finite_options_are_refused() -> None:
    with pytest.raises(ScenarioError, match="spf_delay: must be a finite number"):
        parse_scenario(RING.replace("dead_interval: 40}", "dead_interval: 40, spf_delay: .nan}"))
    with pytest.raises(NetsimError, match="finite"):
        simulate(parse_scenario(RING), "linkstate", options={"spf_delay": float("inf")})


def test_costs_per_direction_from_links_and_from_interfaces() -> None:
    sc = parse_scenario("""
topology:
  links:
    - {a: r1, b: r2, cost: {r1: 1, r2: 10}}
    - [r2, r3, 2]
routers: {r3: {interfaces: {r2: {cost: 7}}}}
""")
    assert sc.graph.edges["r1", "r2"]["costs"] == {"r1": 1, "r2": 10}
    assert sc.graph.edges["r2", "r3"]["costs"] == {"r2": 2, "r3": 7}


def test_prefixes_as_numbers_and_relationships_reach_the_router_configuration() -> None:
    sc = parse_scenario("""
topology:
  links:
    - {a: r1, b: r2, relationship: p2c}
    - {a: r2, b: r3, relationship: p2p}
prefixes: {r1: [10.1.0.0/24, {prefix: 10.2.0.0/16, metric: 5}]}
routers: {r1: {as: 65001}, r2: {as: 65002, prefixes: [192.0.2.0/24]}, r3: {as: 65003}}
protocols: [static]
""")
    _cls, _opts, configs = protocol_setup(sc, "static")
    assert [(p.dest, p.metric) for p in configs["r1"].prefixes] == [("10.1.0.0/24", 0.0), ("10.2.0.0/16", 5.0)]
    assert configs["r2"].asn == 65002
    assert configs["r1"].neighbors["r2"] == {"asn": 65002, "relationship": "customer"}
    assert configs["r2"].neighbors["r1"]["relationship"] == "provider"
    assert configs["r2"].neighbors["r3"]["relationship"] == "peer"


@pytest.mark.parametrize("text,message", [
    ("prefixes: {r1: [10.1.0.1/24]}", "not a prefix"),
    ("prefixes: {r1: [10.1.0.0/24, 10.1.0.0/24]}", "listed twice"),
    ("prefixes: {rX: [10.1.0.0/24]}", "unknown router"),
    ("routers: {r1: {as: -3}}", "must be > 0"),
    ("routers: {r1: {colour: red}}", "unknown key"),
])
def test_bad_router_configuration_is_one_line_naming_the_key(text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(RING + text + "\n")


def test_router_names_are_kept_as_written() -> None:
    """YAML 1.1 reads 010 as 8 and 0x10 as 16; a router name must stay what the user typed."""
    sc = parse_scenario("topology: {links: [[010, 0x10], [0x10, 1_000]]}\n")
    assert sorted(sc.graph.nodes) == ["010", "0x10", "1_000"]


@pytest.mark.parametrize("name", ["'-'", "'–'", '"a\\tb"'])
def test_names_that_break_tables_are_refused(name: str) -> None:
    with pytest.raises(ScenarioError, match="router name"):
        parse_scenario(f"topology: {{links: [[{name}, r2]]}}\n")
