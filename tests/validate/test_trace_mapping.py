"""Kernel observations in netsim's vocabulary: netlink bytes assembled by hand from the kernel's
struct layouts, zebra JSON as FRR 8.4 prints it, and hand-worked traces whose metrics come out of
netsim's own analysis."""

from __future__ import annotations

import dataclasses
import socket
import struct

import pytest
from lab_shapes import PREFIX, triangle

from netsim.analysis.metrics import analyze
from netsim.scenario import parse_scenario
from netsim.validate.events import CRASH, LINK_DOWN, LINK_UP, RESTART, Action, AppliedAction
from netsim.validate.monitor import KernelRoute, LinkState, Observations, RibSample, parse_rib, split_netlink
from netsim.validate.plan import plan_lab
from netsim.validate.trace_map import KERNEL_CAUSE, RIB_CAUSE, build_trace, dest_router, effective_time, hop_names


def _events(yaml_events: str):
    sc = parse_scenario("topology: {links: [[a, b], [b, c], [a, c]]}\nevents:\n" + yaml_events)
    return sc.events


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
    assert rcs == [(1.0, "a", "c", ("b", "c"), 2, KERNEL_CAUSE), (1.0, "a", "b", ("b",), 1, KERNEL_CAUSE),
                   (3.0, "a", "c", ("b", "c"), 5.0, RIB_CAUSE), (6.5, "c", "a", ("a",), 3, KERNEL_CAUSE)]
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





def test_topology_changes_carry_both_directions_costs_and_silence() -> None:
    """a–c starts at 7 from a and 2 from c; a silent failure of a–b and its repair; then a's cost
    on a–c becomes 4 (c's stays 2)."""
    g = triangle()
    g.edges["a", "c"]["costs"] = {"a": 7, "c": 2}
    plan = plan_lab(g, PREFIX)
    evs = _events("  - {at: 1, link_down: [a, b], silent: true}\n  - {at: 2, link_up: [a, b]}\n"
                  "  - {at: 3, set_cost: [a, c], cost: {a: 4, c: 2}}\n")
    from netsim.validate.events import BLOCK, COST, UNBLOCK

    applied = [AppliedAction(Action(1, 0, BLOCK, "a", "b"), 1.0, 1.02, 1.01),
               AppliedAction(Action(2, 1, UNBLOCK, "a", "b"), 2.0, 2.02, 2.01),
               AppliedAction(Action(3, 2, COST, "a", "c", 4.0), 3.0, 3.01, 3.005),
               AppliedAction(Action(3, 2, COST, "c", "a", 2.0), 3.01, 3.02, 3.015)]
    trace, _ = build_trace(plan, "linkstate", Observations(), applied, {e.index: e for e in evs}, g, 5.0)
    got = [(tc.time, tc.a, tc.b, tc.up, tc.cost_ab, tc.cost_ba, tc.silent) for tc in trace.topology_changes]
    assert got == [(1.01, "a", "b", False, 1.0, 1.0, True), (2.01, "a", "b", True, 1.0, 1.0, False),
                   (3.005, "a", "c", True, 4.0, 2.0, False), (3.015, "a", "c", True, 4.0, 2.0, False)]
    assert [(e.index, e.time, e.kind) for e in trace.events] == [(0, 1.01, "link_down"), (1, 2.01, "link_up"),
                                                                 (2, 3.005, "set_cost")]
    assert trace.events[0].detail == "link a–b down (silent)"
