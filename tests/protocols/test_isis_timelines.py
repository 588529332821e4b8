"""IS-IS timelines worked out by hand, to the millisecond, and what its default timers cost
compared with OSPF's (the README's "IS-IS" section explains these numbers)."""

from __future__ import annotations

import pytest

from netsim import parse_scenario, simulate

LINE = """
topology:
  links: [[r1, r2], [r2, r3]]            # 1 ms per link
protocols:
  isis: {hello_interval: 10, hello_multiplier: 3, lsp_gen_interval: 30, lsp_gen_wait: 0.1,
         spf_backoff: interval, spf_interval: 1, spf_duration: 0.001, fib_delay: 0.001}
events:
  - {at: 100, link_down: [r2, r3]}
  - {at: 200, link_up: [r2, r3]}
"""


def changes(res, start: float, end: float):
    return [(round(rc.time, 6), rc.router, rc.dest, None if rc.new is None else (rc.new.next_hops, rc.new.cost))
            for rc in res.trace.route_changes if start <= rc.time < end]


def test_carrier_loss_on_a_line_of_three_by_hand():
    """At 100 s the r2–r3 carrier drops; both ends see it at once.

    * r2 and r3: adjacency Down at 100.000.  Their last LSP was generated at 30 s (30 s after the
      one at boot), so the 30 s generation interval is long past: the new LSP waits only the
      100 ms hold, 100.100.  Their last SPF ran at 31 s, more than 1 s ago: the SPF runs at once,
      takes 1 ms, the FIB update 1 ms: FIBs change at 100.102.
    * r1: r2's LSP leaves at 100.100 and arrives 1 ms later, 100.101; r1's last SPF is also old,
      so its FIB changes at 100.101 + 2 ms = 100.103.  r3's LSP cannot reach anyone.
    """
    res = simulate(parse_scenario(LINE), "isis")
    assert changes(res, 100, 200) == [(100.102, "r2", "r3", None), (100.102, "r3", "r1", None),
                                     (100.102, "r3", "r2", None), (100.103, "r1", "r3", None)]
    ev = res.metrics.events[0]
    assert ev.convergence_time == pytest.approx(0.103) and ev.correct_time == pytest.approx(0.103)


def test_repair_on_a_line_of_three_by_hand():
    """At 200 s the carrier comes back; the adjacency needs the three-way handshake.

    * 200.000: both ends send a hello at once (reporting Down); 200.001: each hears the other's,
      goes Initializing and sends a triggered hello 50 ms later; 200.052: each hears
      "Initializing" and goes Up, and sends a CSNP.
    * 200.053: each CSNP shows the other holds its old LSP (seq 2, the one of 30 s): each sends
      its current one (seq 3, without the link).  200.054: r2 installs r3's -- a change of the
      database -- and runs an SPF at once (its last was at 100.1); nothing moves (r3's seq 3
      lists no neighbour).  r1 gets it at 200.055 and does the same.
    * 200.152: both generate the LSP listing the repaired link (100 ms after the adjacency came
      up).  r2's and r3's SPF must now wait for the 1 s SPF interval since the SPF at 200.054:
      201.054, FIB at 201.056; r1's SPF ran at 200.055, so 201.055 and 201.057.
    The SPF the database synchronisation triggered costs the repair a second: FRR's default
    scheduling is fast for one change and slow for the second.
    """
    res = simulate(parse_scenario(LINE), "isis")
    assert changes(res, 200, 300) == [(201.056, "r2", "r3", (("r3",), 1.0)), (201.056, "r3", "r1", (("r2",), 2.0)),
                                     (201.056, "r3", "r2", (("r2",), 1.0)), (201.057, "r1", "r3", (("r2",), 2.0))]
    spf = [(round(d.time, 6), d.router) for d in res.trace.decisions if d.kind == "spf" and 200 <= d.time < 300]
    assert spf == [(200.054, "r2"), (200.054, "r3"), (200.055, "r1"),
                   (201.054, "r2"), (201.054, "r3"), (201.055, "r1")]


RING = """
topology: {generator: {kind: ring, n: 6}}
protocols: {isis: {}, linkstate: {}}
events:
  - {at: 120, link_down: [r1, r2]}
  - {at: 240, link_up: [r1, r2]}
  - {at: 365, link_down: [r1, r2], silent: true}
"""


@pytest.fixture(scope="module")
def defaults():
    sc = parse_scenario(RING)
    return {p: simulate(sc, p).metrics for p in ("isis", "linkstate")}


def test_default_cold_start_isis_waits_its_30_s_generation_interval(defaults):
    """IS-IS generates its LSP at boot, and the one listing its adjacencies only 30 s later
    (lsp_gen_interval); its SPF then waits the 1 s SPF interval.  OSPF: MinLSInterval 5 s, then
    the RFC 8405 long delay 5 s."""
    assert defaults["isis"].initial_convergence == pytest.approx(31.002, abs=0.01)
    assert defaults["linkstate"].initial_convergence == pytest.approx(10.0, abs=0.01)


def test_default_carrier_loss_isis_100ms_hold_vs_ospf_50ms_spf_delay(defaults):
    """IS-IS holds a new LSP 100 ms, then runs its SPF at once; OSPF originates at once, then
    waits the 50 ms initial SPF delay.  On a 6-ring with 1 ms links: 102 + 2 ms vs 52 + 2 ms."""
    isis, ospf = defaults["isis"].events[0], defaults["linkstate"].events[0]
    assert isis.correct_time == pytest.approx(0.104, abs=0.002)
    assert ospf.correct_time == pytest.approx(0.054, abs=0.002)


def test_default_repair_isis_pays_its_spf_interval(defaults):
    isis, ospf = defaults["isis"].events[1], defaults["linkstate"].events[1]
    assert 1.0 < isis.correct_time < 1.2
    assert ospf.correct_time < 0.1


def test_default_silent_failure_isis_holds_30_s_ospf_40_s(defaults):
    """Detection: IS-IS's holding time is 3 x 10 s, counted from the last hello (every 9-10 s:
    FRR jitters them), so 20-30 s after the failure; OSPF's dead interval is 40 s, its hellos
    leave on the 10 s grid, so a failure at 365 s is noticed at 400 s, 35 s later."""
    isis, ospf = defaults["isis"].events[2], defaults["linkstate"].events[2]
    assert 20.0 < isis.correct_time < 30.2
    assert ospf.correct_time == pytest.approx(35.05, abs=0.02)


def test_the_isis_vs_ospf_scenario_shows_what_its_header_promises():
    from pathlib import Path

    from netsim.api import run_protocols
    from netsim.scenario.loader import load_scenario

    path = Path(__file__).resolve().parents[2] / "scenarios" / "isis-vs-ospf.yaml"
    res = {r.protocol: r.metrics for r in run_protocols(load_scenario(path), ["isis", "linkstate"])}
    isis, ospf = res["isis"], res["linkstate"]
    assert isis.initial_convergence == pytest.approx(31.0, abs=0.1)
    assert ospf.initial_convergence == pytest.approx(10.0, abs=0.1)
    carrier, repair, silent = (isis.events[i].correct_time for i in range(3))
    assert 0.1 < carrier < 0.13 and 0.05 < ospf.events[0].correct_time < 0.08
    assert 1.0 < repair < 1.3 and ospf.events[1].correct_time < 0.1
    assert 20 < silent <= 30.2 and 30 < ospf.events[2].correct_time <= 40.1
    assert isis.events[0].bytes > 10 * ospf.events[0].bytes  # padded hellos
