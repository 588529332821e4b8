"""FRR configuration from a scenario: lab plan (names, addresses, per-direction costs) and the
ospfd/ripd/zebra files, checked line by line against what was worked out by hand for a triangle;
options FRR cannot express are refused by name.  With FRR installed (marker ``frr``), FRR's own
parser reads every generated file."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from lab_shapes import OSPF, PREFIX, RIP, triangle, unit_triangle

from netsim.errors import NetsimError
from netsim.protocols.base import RouterConfig
from netsim.scenario import parse_scenario
from netsim.scenario.config import protocol_setup
from netsim.validate import frr_config as fc
from netsim.validate.plan import PREFIX_RE, directed_cost, new_run_prefix, plan_lab


# -- plan -------------------------------------------------------------------------------------------
def test_plan_names_addresses_and_costs_by_hand() -> None:
    plan = plan_lab(triangle(), PREFIX)
    assert plan.namespaces == (f"{PREFIX}-r0", f"{PREFIX}-r1", f"{PREFIX}-r2")
    a = plan.router("a")
    assert str(a.loopback) == "10.255.0.1"
    assert [(i.name, i.neighbor, str(i.address), str(i.peer_address), str(i.network), i.cost) for i in a.ifaces] == [
        ("l0", "b", "10.0.0.0", "10.0.0.1", "10.0.0.0/31", 1.0),
        ("l1", "c", "10.0.0.2", "10.0.0.3", "10.0.0.2/31", 3.0)]
    c = plan.router("c")
    assert [(i.name, str(i.address)) for i in c.ifaces] == [("l1", "10.0.0.3"), ("l2", "10.0.0.5")]
    assert [(lk.a, lk.b, lk.ifname, lk.delay) for lk in plan.links] == [
        ("a", "b", "l0", 0.002), ("a", "c", "l1", 0.001), ("b", "c", "l2", 0.001)]


def test_plan_per_direction_costs_and_prefixes() -> None:
    g = triangle()
    g.edges["a", "c"]["costs"] = {"a": 7, "c": 2}
    assert directed_cost(g, "a", "c") == 7 and directed_cost(g, "c", "a") == 2
    assert directed_cost(g, "a", "b") == 1
    plan = plan_lab(g, PREFIX)
    assert plan.router("a").iface_to("c").cost == 7 and plan.router("c").iface_to("a").cost == 2
    assert PREFIX_RE.match(new_run_prefix())
    assert new_run_prefix() != new_run_prefix()
    with pytest.raises(NetsimError, match="bad run prefix"):
        plan_lab(g, "lab1")


# -- configuration --------------------------------------------------------------------------------------
def test_ospfd_config_lines_by_hand() -> None:
    plan = plan_lab(triangle(), PREFIX)
    text = fc.ospfd_config(plan.router("a"), OSPF)
    lines = [ln.rstrip() for ln in text.splitlines()]
    i = lines.index("interface l1")  # a's end of a–c
    assert lines[i + 1:i + 7] == [" ip ospf network point-to-point", " ip ospf cost 3", " ip ospf hello-interval 1",
                                  " ip ospf dead-interval 4", " ip ospf retransmit-interval 5", "exit"]
    j = lines.index("router ospf")
    assert lines[j + 1:j + 11] == [" ospf router-id 10.255.0.1", " timers throttle spf 50 200 5000",
                                   " timers throttle lsa all 5000", " timers lsa min-arrival 1000",
                                   " refresh timer 1800", " passive-interface lo",
                                   " network 10.255.0.1/32 area 0.0.0.0", " network 10.0.0.0/31 area 0.0.0.0",
                                   " network 10.0.0.2/31 area 0.0.0.0", "exit"]
    assert "hostname a" in lines
    assert "no zebra nexthop kernel enable" in fc.zebra_config(plan.router("a"))


def test_per_router_and_per_interface_options_reach_their_interfaces() -> None:
    """a's interface to c has hello 2 / dead 8 (per interface); router b has rxmt 7 (per router)."""
    sc = parse_scenario("""
topology: {links: [[a, b], [a, c, 3], [b, c]]}
protocols: {linkstate: {hello_interval: 1, dead_interval: 4}}
routers:
  a: {interfaces: {c: {linkstate: {hello_interval: 2, dead_interval: 8}}}}
  b: {linkstate: {rxmt_interval: 7}}
events: [{at: 30, link_down: [a, b]}]
""")
    _cls, _opts, configs = protocol_setup(sc, "linkstate")
    files = fc.daemon_configs(plan_lab(sc.graph, PREFIX), "linkstate", configs)
    a = files["a"]["ospfd"].splitlines()
    to_b, to_c = a.index("interface l0"), a.index("interface l1")
    assert a[to_b + 3:to_b + 6] == [" ip ospf hello-interval 1", " ip ospf dead-interval 4",
                                    " ip ospf retransmit-interval 5"]
    assert a[to_c + 2:to_c + 6] == [" ip ospf cost 3", " ip ospf hello-interval 2", " ip ospf dead-interval 8",
                                    " ip ospf retransmit-interval 5"]
    assert files["b"]["ospfd"].count(" ip ospf retransmit-interval 7") == 2
    assert isinstance(configs["a"], RouterConfig)


def test_ripd_config_lines_by_hand() -> None:
    plan = plan_lab(unit_triangle(), PREFIX)
    lines = fc.ripd_config(plan.router("c"), RIP).splitlines()
    assert lines[lines.index("interface l1") + 1] == " ip rip split-horizon poisoned-reverse"
    j = lines.index("router rip")
    assert lines[j + 1:j + 8] == [" version 2", " timers basic 5 15 10", " passive-interface lo",
                                  " network 10.255.0.3/32", " network 10.0.0.2/31", " network 10.0.0.4/31", "exit"]
    none = fc.ripd_config(plan.router("c"), {**RIP, "split_horizon": "none"}).splitlines()
    assert none[none.index("interface l2") + 1] == " no ip rip split-horizon"
    simple = fc.ripd_config(plan.router("c"), {**RIP, "split_horizon": "simple"}).splitlines()
    assert simple[simple.index("interface l2") + 1] == "exit"


@pytest.mark.parametrize(("protocol", "options", "needle"), [
    ("linkstate", {**OSPF, "hello_interval": 0.5}, "linkstate.hello_interval"),
    ("linkstate", {**OSPF, "spf_delay": 0.0505}, "linkstate.spf_delay"),
    ("linkstate", {**OSPF, "min_ls_interval": 6}, "linkstate.min_ls_interval"),
    ("distvector", {**RIP, "infinity": 32}, "distvector.infinity"),
    ("distvector", {**RIP, "damping": True}, "distvector.damping"),
    ("distvector", {**RIP, "update_interval": 2.5}, "distvector.update_interval"),
])
def test_options_frr_cannot_express_are_refused_by_name(protocol: str, options: dict, needle: str) -> None:
    plan = plan_lab(triangle() if protocol == "linkstate" else unit_triangle(), PREFIX)
    with pytest.raises(NetsimError, match=needle):
        fc.daemon_configs(plan, protocol, options)


def test_costs_frr_cannot_express_are_refused_naming_the_link() -> None:
    g = triangle()
    g.edges["a", "c"]["cost"] = 2.5
    with pytest.raises(NetsimError, match="link a–c: cost 2.5"):
        fc.daemon_configs(plan_lab(g, PREFIX), "linkstate", OSPF)
    g.edges["a", "c"]["cost"] = 3
    with pytest.raises(NetsimError, match="link a–c: cost 3: the FRR lab runs RIP with unit link costs only"):
        fc.daemon_configs(plan_lab(g, PREFIX), "distvector", RIP)
    with pytest.raises(NetsimError, match="no FRR counterpart"):
        fc.daemon_configs(plan_lab(g, PREFIX), "static", {})


def test_protocol_costs_and_untranslated_notes() -> None:
    assert fc.protocol_cost("linkstate", 20) == 20
    assert fc.protocol_cost("distvector", 3) == 2  # loopback advertised with metric 1
    assert fc.protocol_cost("distvector", 16) == float("inf")
    notes = fc.untranslated_options("linkstate", {**OSPF, "flood_pacing": 0.05})
    assert any(n.startswith("linkstate.flood_pacing:") for n in notes)
    assert fc.untranslated_options("linkstate", {**OSPF, "flood_pacing": 0.033}) == []  # netsim's default


# -- FRR's own parser ------------------------------------------------------------------------------------
@pytest.mark.frr
@pytest.mark.parametrize("protocol", ["linkstate", "distvector"])
def test_generated_configs_pass_frrs_own_parser(protocol: str) -> None:
    """FRR's dry run (-C) names every line it does not understand; none may appear (and a bogus
    line must, or the check proves nothing)."""
    from netsim.validate.lab import FRR_RUNSTATE, GR_STATE_FILE
    from netsim.validate.prereq import frr_dir

    gr_existed = GR_STATE_FILE.exists()
    pathspace = f"{PREFIX}-check"  # FRR keeps state under <runstate>/<pathspace>: removed below
    graph = unit_triangle() if protocol == "distvector" else triangle()
    configs = fc.daemon_configs(plan_lab(graph, PREFIX), protocol, OSPF if protocol == "linkstate" else RIP,
                                debug=True)
    work = Path(tempfile.mkdtemp(prefix=f"{pathspace}-"))  # readable by FRR's user, unlike pytest's tmp
    os.chmod(work, 0o755)
    shutil.chown(work, "frr", "frr")

    def dry_run(daemon: str, text: str) -> str:
        conf = work / f"{daemon}.conf"
        conf.write_text(text)
        shutil.chown(conf, "frr", "frr")
        proc = subprocess.run([str(frr_dir() / daemon), "-C", "-N", pathspace, "-f", str(conf), "--log", "stdout"],
                              capture_output=True, text=True, timeout=30)
        return proc.stdout + proc.stderr

    try:
        daemon = fc.PROTOCOL_DAEMON[protocol]
        assert "No such command" in dry_run(daemon, configs["a"][daemon] + "router bogus-protocol\n")
        for files in configs.values():
            for name, text in files.items():
                out = dry_run(name, text)
                assert "No such command" not in out and "Unknown command" not in out, out
    finally:
        shutil.rmtree(FRR_RUNSTATE / pathspace, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
        if not gr_existed:
            GR_STATE_FILE.unlink(missing_ok=True)
