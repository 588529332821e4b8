"""The FRR lab (netsim.validate): configs, event plans, kernel-route decoding and the trace mapping
without FRR; real ospfd runs (marker ``frr``) when root, FRR and pyroute2 are present.

Independent truths used here: addresses and configuration lines worked out by hand for a
triangle; netlink messages assembled byte by byte from the kernel's struct layouts; zebra JSON as
FRR 8.4 printed it; FRR's own configuration parser (``-C``); and, end to end, netsim's figures
for the same ring with the tolerances the lab measured.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
from pathlib import Path

import networkx as nx
import pytest

from netsim.errors import NetsimError
from netsim.metrics import analyze
from netsim.scenario import parse_scenario
from netsim.validate import frr_config as fc
from netsim.validate.compare import Row, check_reproducible, median, netsim_scenario, relative_events, summarize
from netsim.validate.events import (
    BLOCK,
    COST,
    CRASH,
    LINK_DOWN,
    LINK_UP,
    RESTART,
    UNBLOCK,
    Action,
    AppliedAction,
    plan_actions,
)
from netsim.validate.lab import find_leftovers
from netsim.validate.monitor import KernelRoute, LinkState, Observations, RibSample, parse_rib, split_netlink
from netsim.validate.plan import PREFIX_RE, directed_cost, new_run_prefix, plan_lab
from netsim.validate.prereq import missing_prerequisite
from netsim.validate.trace_map import RIB_CAUSE, build_trace, dest_router, effective_time, hop_names
from netsim.validate.vty import VtyClient

PREFIX = "netsimv-0123abcd"
OSPF = {"hello_interval": 1, "dead_interval": 4, "rxmt_interval": 5, "spf_delay": 0.05, "spf_hold": 0.2,
        "spf_max_wait": 5, "min_ls_interval": 5, "min_ls_arrival": 1, "ls_refresh": 1800}
RIP = {"update_interval": 5, "timeout": 15, "garbage": 10, "split_horizon": "poison", "infinity": 16,
       "triggered": True, "holddown": 0.0, "damping": False}


def triangle() -> nx.Graph:
    """a, b, c; links (a,b) cost 1, (a,c) cost 3, (b,c) cost 1.  By hand (sorted links, sorted names):
    a–b = 10.0.0.0/31 (a .0, b .1), a–c = 10.0.0.2/31 (a .2, c .3), b–c = 10.0.0.4/31 (b .4, c .5);
    loopbacks a 10.255.0.1, b 10.255.0.2, c 10.255.0.3; interfaces l0, l1, l2."""
    g = nx.Graph()
    g.add_edge("b", "a", cost=1, delay=0.002)
    g.add_edge("c", "a", cost=3, delay=0.001)
    g.add_edge("c", "b", cost=1, delay=0.001)
    return g


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


def unit_triangle() -> nx.Graph:
    g = triangle()
    for _, _, d in g.edges(data=True):
        d["cost"] = 1
    return g


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
    plan = plan_lab(triangle(), PREFIX)
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
    notes = fc.untranslated_options("linkstate", {**OSPF, "flood_pacing": 0.033})
    assert any(n.startswith("linkstate.flood_pacing:") for n in notes)
    assert fc.untranslated_options("linkstate", OSPF) == []


# -- events -----------------------------------------------------------------------------------------------
def _events(yaml_events: str):
    sc = parse_scenario("topology: {links: [[a, b], [b, c], [a, c]]}\nevents:\n" + yaml_events)
    return sc.events


def test_event_plan_flap_silent_and_repeats() -> None:
    evs = _events("""
  - {at: 1, link_down: [a, b], silent: true}
  - {at: 2, link_down: [a, b]}
  - {at: 3, link_up: [b, a]}
  - {at: 4, flap: [b, c], period: 2, count: 2, down_time: 0.5}
  - {at: 10, node_down: c}
  - {at: 11, node_down: c}
  - {at: 12, node_up: c}
  - {at: 13, set_cost: [a, c], cost: 4}
""")
    got = [(a.offset, a.event, a.op, a.a, a.b, a.cost) for a in plan_actions(evs)]
    assert got == [
        (1.0, 0, BLOCK, "a", "b", None),        # the repeated down at 2 is ignored (already down)
        (3.0, 2, UNBLOCK, "a", "b", None),      # link_up undoes the silent failure
        (4.0, 3, LINK_DOWN, "b", "c", None), (4.5, 3, LINK_UP, "b", "c", None),
        (6.0, 3, LINK_DOWN, "b", "c", None), (6.5, 3, LINK_UP, "b", "c", None),
        (10.0, 4, CRASH, "c", "", None), (12.0, 6, RESTART, "c", "", None),
        (13.0, 7, COST, "a", "c", 4.0)]


def test_event_plan_refuses_what_the_lab_cannot_do() -> None:
    with pytest.raises(NetsimError, match=r"events\[0\]: set_loss"):
        plan_actions(_events("  - {at: 1, set_loss: [a, b], loss: 0.5}\n"))
    with pytest.raises(NetsimError, match="carrier_delay"):
        plan_actions(_events("  - {at: 1, link_down: [a, b], carrier_delay: 0.2}\n"))


# -- kernel messages ------------------------------------------------------------------------------------------
def _rtattr(kind: int, payload: bytes) -> bytes:
    """struct rtattr {u16 len; u16 type} + payload, padded to 4 bytes."""
    raw = struct.pack("=HH", 4 + len(payload), kind) + payload
    return raw + b"\0" * (-len(raw) % 4)


def _route_msg(mtype: int, dst: str, plen: int, *, gw: str | None = None, multipath: tuple[str, ...] = (),
               proto: int = 188, table: int = 254) -> bytes:
    """An RTM_NEWROUTE/RTM_DELROUTE as the kernel lays it out (linux/rtnetlink.h)."""
    body = struct.pack("=BBBBBBBBI", socket.AF_INET, plen, 0, 0, table, proto, 0, 1, 0)
    body += _rtattr(1, socket.inet_aton(dst))  # RTA_DST
    body += _rtattr(6, struct.pack("=I", 20))  # RTA_PRIORITY
    if gw:
        body += _rtattr(5, socket.inet_aton(gw))  # RTA_GATEWAY
    if multipath:
        nhs = b""
        for i, hop in enumerate(multipath):
            attr = _rtattr(5, socket.inet_aton(hop))
            nhs += struct.pack("=HBBi", 8 + len(attr), 0, 0, 3 + i) + attr  # struct rtnexthop
        body += _rtattr(9, nhs)  # RTA_MULTIPATH
    return struct.pack("=IHHII", 16 + len(body), mtype, 0, 0, 0) + body


def test_netlink_route_messages_decode_with_gateways_and_ecmp() -> None:
    pytest.importorskip("pyroute2")
    from netsim.validate.monitor import decode_route

    data = _route_msg(24, "10.255.0.3", 32, gw="10.0.0.1") + _route_msg(
        24, "10.255.0.4", 32, multipath=("10.0.0.7", "10.0.0.1")) + _route_msg(25, "10.0.0.4", 31, gw="10.0.0.1")
    parts = split_netlink(data)
    assert [t for t, _ in parts] == [24, 24, 25]
    assert decode_route(parts[0][1]) == ("10.255.0.3/32", ("10.0.0.1",), 188, 254, 1)
    assert decode_route(parts[1][1]) == ("10.255.0.4/32", ("10.0.0.1", "10.0.0.7"), 188, 254, 1)
    assert decode_route(parts[2][1])[0] == "10.0.0.4/31"


def test_zebra_json_as_frr_prints_it() -> None:
    doc = {
        "10.0.0.0/31": [{"prefix": "10.0.0.0/31", "protocol": "ospf", "selected": False, "metric": 10,
                         "nexthops": [{"directlyConnected": True, "interfaceName": "l0", "active": True}]},
                        {"prefix": "10.0.0.0/31", "protocol": "connected", "selected": True, "metric": 0,
                         "nexthops": [{"directlyConnected": True, "interfaceName": "l0", "active": True}]}],
        "10.255.0.4/32": [{"prefix": "10.255.0.4/32", "protocol": "ospf", "selected": True, "installed": True,
                           "metric": 20, "nexthops": [{"flags": 3, "fib": True, "ip": "10.0.0.5", "active": True},
                                                      {"flags": 3, "fib": True, "ip": "10.0.0.2", "active": True}]}],
        "10.255.0.9/32": [{"prefix": "10.255.0.9/32", "protocol": "rip", "selected": False, "metric": 16,
                           "nexthops": [{"ip": "10.0.0.5"}]}],
    }
    assert parse_rib(doc) == (("10.255.0.4/32", 20.0, ("10.0.0.2", "10.0.0.5")),)


# -- trace mapping -----------------------------------------------------------------------------------------------
class _Obs(Observations):
    """Observations where each kernel change comes with the RIB read the monitor would make right
    after it (one sample per change, holding just that prefix)."""

    def add(self, t: float, router: str, prefix: str, gws: tuple[str, ...], metric: float | None, *,
            deleted: bool = False, table: int = 254) -> None:
        self.routes.append(KernelRoute(t, router, deleted, prefix, gws, 188, table, 1))
        if metric is not None:
            self.ribs.append(RibSample(t, router, ((prefix, float(metric), gws),)))


def test_route_vocabulary() -> None:
    plan = plan_lab(triangle(), PREFIX)
    assert dest_router(plan, "10.255.0.2/32") == "b"
    assert dest_router(plan, "10.0.0.1/32") is None  # an interface address, not a loopback
    assert dest_router(plan, "10.0.0.0/31") is None
    assert dest_router(plan, "10.255.0.99/32") is None
    assert hop_names(plan, ["10.0.0.5", "10.0.0.1"]) == (("b", "c"), 0)
    assert hop_names(plan, ["192.0.2.1"]) == (("?192.0.2.1",), 1)


def test_trace_from_observations_hand_worked() -> None:
    """The triangle with costs a–b 10, a–c 30, b–c 10.  Converged at t=1.2.  The a–b carrier goes at
    10.004 (kernel notification); a moves to the direct links at 10.06, b's route to a moves to c at
    10.07, c's route to a (via b) moves to the direct link at 10.08."""
    g = triangle()
    for _, _, d in g.edges(data=True):
        d["cost"] *= 10
    plan = plan_lab(g, PREFIX)
    obs = _Obs()
    obs.add(1.0, "a", "10.255.0.2/32", ("10.0.0.1",), 10)
    obs.add(1.0, "a", "10.255.0.3/32", ("10.0.0.1",), 20)
    obs.add(1.0, "a", "10.0.0.4/31", ("10.0.0.1",), 20)  # a link /31: ignored
    obs.add(1.0, "a", "10.255.0.1/32", (), 0, table=255)  # local table: ignored
    obs.add(1.1, "b", "10.255.0.1/32", ("10.0.0.0",), 10)
    obs.add(1.1, "b", "10.255.0.3/32", ("10.0.0.5",), 10)
    obs.add(1.2, "c", "10.255.0.1/32", ("10.0.0.4",), 20)
    obs.add(1.2, "c", "10.255.0.2/32", ("10.0.0.4",), 10)
    obs.add(1.3, "c", "10.255.0.2/32", ("10.0.0.4",), 10)  # identical re-install: no change
    obs.add(10.06, "a", "10.255.0.3/32", ("10.0.0.3",), 30)
    obs.add(10.06, "a", "10.255.0.2/32", ("10.0.0.3",), 40)
    obs.add(10.07, "b", "10.255.0.1/32", ("10.0.0.5",), 40)
    obs.add(10.08, "c", "10.255.0.1/32", ("10.0.0.2",), 30)
    obs.links.append(LinkState(10.004, "b", "l0", True, False))  # the kernel saw the carrier go at 10.004
    applied = [AppliedAction(Action(0.0, 0, LINK_DOWN, "a", "b"), 10.0, 10.01, 10.01)]
    evs = _events("  - {at: 10, link_down: [a, b]}\n")
    trace, stats = build_trace(plan, "linkstate", obs, applied, {0: evs[0]}, g, 12.0)
    assert [(rc.time, rc.router, rc.dest) for rc in trace.route_changes] == [
        (1.0, "a", "b"), (1.0, "a", "c"), (1.1, "b", "a"), (1.1, "b", "c"), (1.2, "c", "a"), (1.2, "c", "b"),
        (10.06, "a", "c"), (10.06, "a", "b"), (10.07, "b", "a"), (10.08, "c", "a")]
    assert trace.route_changes[6].new.next_hops == ("c",) and trace.route_changes[6].new.cost == 30
    assert trace.events[0].time == 10.004 and trace.topology_changes[0].up is False
    assert stats.rib_mismatch == stats.cost_unknown == stats.unknown_gateways == 0
    m = analyze(trace, g)
    assert m.initial_convergence == pytest.approx(1.2)  # complete and correct from t=1.2
    ev = m.events[0]
    assert ev.convergence_time == pytest.approx(10.08 - 10.004)
    assert ev.correct_time == pytest.approx(10.08 - 10.004)
    assert ev.route_changes == 4
    # Until 10.07 some walk towards a ends on the dead link (b's entry); from 10.07 to 10.08 b points
    # at c while c still points at b: a micro-loop, no dead end.
    assert ev.blackhole_time == pytest.approx(10.07 - 10.004)
    assert ev.loop_time == pytest.approx(10.08 - 10.07)


def test_trace_rib_cost_only_changes_crashes_and_ecmp() -> None:
    g = triangle()
    plan = plan_lab(g, PREFIX)
    obs = _Obs()
    obs.add(1.0, "a", "10.255.0.3/32", ("10.0.0.1", "10.0.0.3"), 2)  # ECMP
    obs.add(1.0, "a", "10.255.0.2/32", ("10.0.0.1",), 1)
    obs.add(5.2, "c", "10.255.0.1/32", ("10.0.0.2",), 3)  # c crashed at 5.0: ignored
    obs.add(6.5, "c", "10.255.0.1/32", ("10.0.0.2",), 3)  # restarted at 6.0: counts
    obs.ribs.append(RibSample(3.0, "a", (("10.255.0.3/32", 5.0, ("10.0.0.1", "10.0.0.3")),)))
    applied = [AppliedAction(Action(0, 0, CRASH, "c"), 5.0, 5.01, 5.0),
               AppliedAction(Action(1, 1, RESTART, "c"), 6.0, 6.2, 6.0)]
    evs = _events("  - {at: 5, node_down: c}\n  - {at: 6, node_up: c}\n")
    trace, stats = build_trace(plan, "linkstate", obs, applied, {0: evs[0], 1: evs[1]}, g, 8.0)
    rcs = [(rc.time, rc.router, rc.dest, rc.new.next_hops, rc.new.cost, rc.cause) for rc in trace.route_changes]
    assert rcs == [(1.0, "a", "c", ("b", "c"), 2, "kernel"), (1.0, "a", "b", ("b",), 1, "kernel"),
                   (3.0, "a", "c", ("b", "c"), 5.0, RIB_CAUSE), (6.5, "c", "a", ("a",), 3, "kernel")]
    assert stats.ignored_while_down == 1 and stats.cost_only_changes == 1
    assert [(tc.a, tc.b, tc.up) for tc in trace.topology_changes] == [("c", "", False), ("c", "", True)]


def test_admin_down_flushes_routes_the_kernel_never_reports() -> None:
    """Linux drops routes over an interface set down without RTM_DELROUTE (seen in the lab); the
    carrier-less peer keeps its routes.  a set a–b down: a loses b (and the ECMP branch via b)."""
    plan = plan_lab(triangle(), PREFIX)
    obs = _Obs()
    obs.add(1.0, "a", "10.255.0.2/32", ("10.0.0.1",), 1)
    obs.add(1.0, "a", "10.255.0.3/32", ("10.0.0.1", "10.0.0.3"), 2)
    obs.add(1.0, "b", "10.255.0.1/32", ("10.0.0.0",), 1)
    obs.links += [LinkState(5.0, "a", "l0", False, False), LinkState(5.001, "b", "l0", True, False)]
    applied = [AppliedAction(Action(0, 0, LINK_DOWN, "a", "b"), 4.99, 5.01, 5.01)]
    evs = _events("  - {at: 5, link_down: [a, b]}\n")
    trace, _ = build_trace(plan, "linkstate", obs, applied, {0: evs[0]}, triangle(), 6.0)
    after = [(rc.time, rc.router, rc.dest, rc.new) for rc in trace.route_changes if rc.time >= 5]
    assert after == [(5.0, "a", "b", None), (5.0, "a", "c", dataclasses.replace(after[1][3], next_hops=("c",)))]
    assert after[1][3].next_hops == ("c",) and after[1][3].cost == 2


def test_cost_comes_from_the_first_rib_read_with_the_same_next_hops() -> None:
    """a's route to c changes at 5.0 (via b).  The read at 5.01 already shows a later move (via c);
    the read at 5.03 shows via b: the read after the change with the same next hops wins, the first
    read after it is the fallback, a read before it with the same next hops the last resort."""
    plan = plan_lab(triangle(), PREFIX)
    obs = _Obs()
    obs.add(5.0, "a", "10.255.0.3/32", ("10.0.0.1",), None)
    obs.ribs += [RibSample(4.0, "a", (("10.255.0.3/32", 7.0, ("10.0.0.1",)),)),
                 RibSample(5.01, "a", (("10.255.0.3/32", 3.0, ("10.0.0.3",)),)),
                 RibSample(5.03, "a", (("10.255.0.3/32", 2.0, ("10.0.0.1",)),))]
    trace, stats = build_trace(plan, "linkstate", obs, [], {}, triangle(), 6.0)
    assert trace.route_changes[0].new.cost == 2.0 and stats.rib_mismatch == 0
    obs.ribs.pop()
    trace, stats = build_trace(plan, "linkstate", obs, [], {}, triangle(), 6.0)
    assert trace.route_changes[0].new.cost == 3.0 and stats.rib_mismatch == 1
    obs.ribs.pop()
    trace, stats = build_trace(plan, "linkstate", obs, [], {}, triangle(), 6.0)
    assert trace.route_changes[0].new.cost == 7.0 and stats.cost_unknown == 0


def test_carrier_time_is_the_kernels_notification_else_the_command() -> None:
    plan = plan_lab(triangle(), PREFIX)
    a = AppliedAction(Action(0, 0, LINK_UP, "a", "c"), 20.0, 20.003, 20.003)
    links = [LinkState(19.0, "a", "l1", False, False), LinkState(20.001, "a", "l1", True, False),
             LinkState(20.002, "c", "l1", True, True), LinkState(20.002, "a", "l0", True, True)]
    assert effective_time(a, plan, links) == 20.002  # up = admin up and carrier
    assert effective_time(a, plan, links[:2]) == 20.003


# -- VTY protocol ------------------------------------------------------------------------------------------------
def test_vty_client_speaks_the_vtysh_framing(tmp_path: Path) -> None:
    """A fake daemon: NUL-terminated commands in; output + three NULs + status byte out."""
    path = str(tmp_path / "fake.vty")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    seen: list[str] = []

    def serve() -> None:
        conn, _ = srv.accept()
        buf = b""
        while True:
            data = conn.recv(4096)
            if not data:
                break
            buf += data
            while b"\0" in buf:
                line, buf = buf.split(b"\0", 1)
                cmd = line.decode()
                seen.append(cmd)
                if cmd == "show json":
                    reply, status = b'{"x": [1, 2]}', 0
                elif cmd == "ip ospf cost 0":
                    reply, status = b"% Unknown command", 2
                else:
                    reply, status = b"", 0
                conn.sendall(reply + b"\0\0\0" + bytes([status]))
        conn.close()

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    c = VtyClient(path, timeout=5)
    assert c.show_json("show json") == {"x": [1, 2]}
    c.configure(["interface l1", " ip ospf cost 7"])
    with pytest.raises(NetsimError, match="Unknown command"):
        c.configure(["ip ospf cost 0"])
    c.close()
    th.join(timeout=5)
    srv.close()
    assert seen == ["show json", "enable", "configure terminal", "interface l1", "ip ospf cost 7", "end",
                    "configure terminal", "ip ospf cost 0", "end"]


# -- leftovers and prerequisites -----------------------------------------------------------------------------
def test_leftovers_found_by_prefix_sparing_live_runs(tmp_path: Path) -> None:
    dead, live = "netsimv-dead0001", "netsimv-11ee0002"
    netns = tmp_path / "netns"
    netns.mkdir()
    for name in (f"{dead}-r0", f"{dead}-r1", f"{live}-r0", "other-r0", "netsimv-xyz-r0"):
        (netns / name).touch()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    (tmp / f"{dead}-abc").mkdir()
    (tmp / f"{dead}-abc" / "owner.pid").write_text("999999999\n")  # no such process
    (tmp / f"{live}-def").mkdir()
    (tmp / f"{live}-def" / "owner.pid").write_text(f"{os.getpid()}\n")
    runstate = tmp_path / "run"
    (runstate / f"{dead}-r0").mkdir(parents=True)
    proc = tmp_path / "proc"
    ospfd = "/usr/lib/frr/ospfd"
    for pid, argv in ((4242, [ospfd, "-N", f"{dead}-r1"]), (4343, [ospfd, "-N", f"{live}-r0"]), (4444, ["bash"])):
        (proc / str(pid)).mkdir(parents=True)
        (proc / str(pid) / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
    found = find_leftovers(tmp=tmp, netns_dir=netns, runstate=runstate, proc=proc)
    assert found.namespaces == (f"{dead}-r0", f"{dead}-r1")
    assert found.pids == (4242,)
    assert sorted(p.name for p in found.dirs) == [f"{dead}-abc", f"{dead}-r0"]


def test_prerequisites_name_what_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert "root" in (missing_prerequisite() or "")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setenv("NETSIM_FRR_DIR", str(tmp_path))
    why = missing_prerequisite(("zebra", "ospfd")) or ""
    assert why.startswith("FRRouting's zebra is missing") and str(tmp_path) in why


# -- comparison ----------------------------------------------------------------------------------------------------
def test_summary_medians_never_counts_as_infinite() -> None:
    assert median([3.0, None, 1.0]) == 3.0
    assert median([None, None, 1.0]) is None
    assert median([]) is None
    r = Row(0, "x", "converged", (1.0, 2.0, 3.0), (1.5, 3.5, 2.5))
    assert r.netsim_median == 2.0 and r.frr_median == 2.5 and r.frr_range == (1.5, 3.5) and r.ratio == 1.25


def test_compare_alignment_and_refusals() -> None:
    sc = parse_scenario("""
topology: {links: [[a, b], [b, c], [a, c]]}
events: [{at: 60, link_down: [a, b]}, {at: 75, link_up: [a, b]}]
""")
    assert [e.time for e in relative_events(list(sc.events))] == [0.0, 15.0]
    assert all(d["delay"] == 0.001 for _, _, d in sc.graph.edges(data=True))
    assert {d["delay"] for _, _, d in netsim_scenario(sc, False).graph.edges(data=True)} == {5e-5}
    assert netsim_scenario(sc, True) is sc
    with pytest.raises(NetsimError, match="bfd"):
        check_reproducible(dataclasses.replace(sc, bfd=object()))  # type: ignore[arg-type]


def test_compare_cli_errors_are_one_line_and_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from netsim.validate.compare import main

    sc = tmp_path / "bfd.yaml"
    sc.write_text("topology: {links: [[a, b], [b, c], [a, c]]}\nbfd: {interval: 0.05, multiplier: 3}\n"
                  "events: [{at: 5, link_down: [a, b]}]\n")
    assert main([str(sc), "-p", "linkstate"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("netsim: error:") and "bfd" in err[0]
    assert main([str(sc), "-p", "linkstate", "--runs", "0"]) == 2
    assert main([str(tmp_path / "missing.yaml"), "-p", "ospf"]) == 2
    ok = tmp_path / "ok.yaml"
    ok.write_text("topology: {links: [[a, b]]}\nevents: [{at: 5, link_down: [a, b]}]\n")
    capsys.readouterr()
    assert main([str(ok), "-p", "linkstate", "--netsim-set", "fib_dealy=0.01"]) == 2
    assert "fib_dealy" in capsys.readouterr().err
    assert main([str(ok), "-p", "linkstate", "--netsim-set", "nonsense"]) == 2


def test_netsim_overrides_parse() -> None:
    from netsim.validate.compare import parse_overrides

    assert parse_overrides(["fib_delay=0.012", "warm_start=true", "split_horizon=poison"]) == {
        "fib_delay": 0.012, "warm_start": True, "split_horizon": "poison"}


def test_render_lists_every_row() -> None:
    from netsim.validate.compare import render

    rows = [Row(-1, "initial (cold start)", "converged", (10.0,), (12.0, 16.0)),
            Row(0, "link a–b down (carrier loss)", "converged", (0.052,), (0.06, 0.07, None))]
    text = render(rows, runs=3, seeds=1).splitlines()
    assert "FRR median (3 runs)" in text[0] and len(text) == 4
    assert "52.0 ms" in text[3] and "70.0 ms" in text[3] and "60.0 ms – 70.0 ms" in text[3]


def test_summarize_matches_events_by_index() -> None:
    sc = parse_scenario("""
topology: {links: [[a, b], [b, c], [a, c]]}
protocols: {linkstate: {hello_interval: 1, dead_interval: 4}}
events: [{at: 20, link_down: [a, b]}]
""")
    from netsim.simulate import simulate

    runs = [simulate(sc, "linkstate", seed=s, narrate=False).metrics for s in range(2)]
    rows = summarize(runs, runs[:1])
    assert rows[0].event == -1 and rows[0].netsim == (runs[0].initial_convergence, runs[1].initial_convergence)
    conv = next(r for r in rows if r.event == 0 and r.figure == "converged")
    assert conv.netsim == tuple(m.events[0].convergence_time for m in runs) and len(conv.frr) == 1


# -- with real FRR ------------------------------------------------------------------------------------------------
def _frr_missing() -> str | None:
    try:
        return missing_prerequisite(("zebra", "ospfd", "ripd"))
    except Exception as exc:  # pragma: no cover - defensive
        return str(exc)


frr = pytest.mark.skipif(_frr_missing() is not None, reason=_frr_missing() or "")


@pytest.mark.frr
@frr
@pytest.mark.parametrize("protocol", ["linkstate", "distvector"])
def test_generated_configs_pass_frrs_own_parser(protocol: str) -> None:
    """FRR's dry run (-C) names every line it does not understand; none may appear (and a bogus
    line must, or the check proves nothing)."""
    from netsim.validate.frr_config import PROTOCOL_DAEMON
    from netsim.validate.lab import FRR_RUNSTATE, GR_STATE_FILE
    from netsim.validate.prereq import frr_dir

    gr_existed = GR_STATE_FILE.exists()
    pathspace = f"{PREFIX}-check"  # FRR keeps state under <runstate>/<pathspace>: removed below
    plan = plan_lab(triangle(), PREFIX)
    configs = fc.daemon_configs(plan_lab(unit_triangle(), PREFIX) if protocol == "distvector" else plan, protocol,
                                OSPF if protocol == "linkstate" else RIP, debug=True)
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
        daemon = PROTOCOL_DAEMON[protocol]
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


# -- end to end: a ring on real ospfd against netsim ------------------------------------------------------------
RING = """
name: ring4-validate
topology: {generator: {kind: ring, n: 4}}
protocols:
  linkstate: {hello_interval: 1, dead_interval: 4, spf_delay: 0.05, spf_hold: 0.2, spf_max_wait: 5}
events:
  - {at: 30, link_down: [r1, r2]}
  - {at: 34, link_up: [r1, r2]}
  - {at: 52.5, link_down: [r1, r2], silent: true}
"""
#: Carrier loss: FRR's figure within ±30 % of netsim's median, netsim being given the lab's own
#: FIB-install latency.  Measured in the lab's microsecond logs on this ring (12 router-events over
#: 2 runs): ospfd starts the SPF 51.6 ms after the carrier loss (50 ms initial delay), and zebra
#: takes 11.9 ms (7.6-15.8) from receiving the routes to the kernel notification -- the step netsim
#: models as ``fib_delay`` (1 ms by default, which alone puts FRR at 1.26-1.48x netsim).
CARRIER_TOLERANCE = 0.30
LAB_FIB_DELAY = 0.012
#: Silent failure: ±15 %.  Detection is dead - (time since the last hello), so it depends on the
#: hello phase at the failure.  FRR restarts an interface's hello timer when the interface comes
#: up, so after the repair at t=34 both ends of r1–r2 send hellos at 34 + k s (measured: both ends
#: within 1 ms); the silent failure at 52.5 falls half an interval after the last one, on FRR as on
#: netsim (whose hellos tick at whole seconds): both detect 3.5 s after the failure.  A failure on
#: a link that never flapped has a random phase on FRR (measured over 12 runs: 3.03-3.55 s).
SILENT_TOLERANCE = 0.15


@pytest.fixture(scope="module")
def ring_on_frr_and_netsim():
    if _frr_missing() is not None:
        pytest.skip(_frr_missing() or "")
    from netsim.simulate import resolve_protocol, simulate
    from netsim.validate import run_frr

    sc = parse_scenario(RING)
    name, opts = resolve_protocol(sc, "linkstate")
    res = run_frr(sc.graph, name, opts, relative_events(list(sc.events)), duration=22.5 + 6.5)
    leftover = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    sim = netsim_scenario(sc, res.delays_emulated)
    netsim_runs = [simulate(sim, name, seed=s, narrate=False, options={"fib_delay": LAB_FIB_DELAY}).metrics
                   for s in range(5)]
    return analyze(res.trace, sc.graph), netsim_runs, res, leftover


def _event(m, index: int):
    return next(e for e in m.events if e.index == index)


@pytest.mark.frr
def test_frr_ring_carrier_loss_matches_netsim(ring_on_frr_and_netsim) -> None:
    frr_m, netsim_runs, res, leftover = ring_on_frr_and_netsim
    assert res.trace.route_changes and res.converged_at is not None
    assert res.mapping.cost_unknown == 0 and res.observations.overruns == 0
    assert res.prefix not in leftover  # the lab removed its namespaces
    ns = median([_event(m, 0).convergence_time for m in netsim_runs])
    got = _event(frr_m, 0).convergence_time
    assert ns and abs(got - ns) <= CARRIER_TOLERANCE * ns, (got, ns)
    assert _event(frr_m, 0).correct_time is not None


@pytest.mark.frr
def test_frr_ring_silent_failure_matches_netsim(ring_on_frr_and_netsim) -> None:
    frr_m, netsim_runs, res, _ = ring_on_frr_and_netsim
    ns = median([_event(m, 2).convergence_time for m in netsim_runs])
    got = _event(frr_m, 2).convergence_time
    assert ns and abs(got - ns) <= SILENT_TOLERANCE * ns, (got, ns)
    assert res.silent_method in ("tc", "nft")


@pytest.mark.frr
def test_monitor_stamps_kernel_changes_in_a_namespace() -> None:
    """No FRR needed, only root: routes added and replaced by hand in a scratch namespace are seen,
    in order, with their gateways (ECMP included); setting the interface down is seen as a link change."""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    pytest.importorskip("pyroute2")
    import time as _time

    from netsim.validate.monitor import LabClock, RouteMonitor

    lone = nx.Graph()
    lone.add_node("a")
    plan = plan_lab(lone, new_run_prefix())
    ns = plan.router("a").netns
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        def ip(*args: str) -> None:
            subprocess.run(["ip", "-n", ns, *args], check=True)

        ip("link", "add", "l0", "type", "veth", "peer", "name", "l1")
        ip("addr", "add", "10.0.0.0/31", "dev", "l0")
        ip("addr", "add", "10.0.0.2/31", "dev", "l1")
        ip("link", "set", "l0", "up")
        ip("link", "set", "l1", "up")
        mon = RouteMonitor(plan, LabClock())
        mon.start()
        ip("route", "add", "10.255.0.2/32", "via", "10.0.0.1", "proto", "188")
        ip("route", "replace", "10.255.0.2/32", "proto", "188", "nexthop", "via", "10.0.0.1", "nexthop", "via",
           "10.0.0.3")
        ip("route", "del", "10.255.0.2/32")
        ip("link", "set", "l1", "down")
        _time.sleep(0.3)
        obs = mon.stop()
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False)
    mine = [(k.deleted, k.gateways) for k in obs.routes if k.prefix == "10.255.0.2/32"]
    assert mine == [(False, ("10.0.0.1",)), (False, ("10.0.0.1", "10.0.0.3")), (True, ("10.0.0.1", "10.0.0.3"))]
    times = [k.time for k in obs.routes if k.prefix == "10.255.0.2/32"]
    assert times == sorted(times) and times[0] >= 0
    assert any(ls.ifname == "l1" and not ls.admin_up for ls in obs.links)
