"""The link-state pieces OSPF and IS-IS share, driven directly on a fake port: the origination
limit (with and without FRR's hold), FRR's SPF interval, remaining lifetimes, and the pure
comparison of sequence numbers PDUs with a database."""

from __future__ import annotations

import pytest
from fakeport import FakePort

from netsim.protocols.common.aging import AgedLsdb
from netsim.protocols.common.lsdb import Origination
from netsim.protocols.common.spf_schedule import IMMEDIATE, INTERVAL, IntervalSchedule
from netsim.protocols.isis.packets import Lsp
from netsim.protocols.isis.sync import snp_actions


def origination(interval: float, hold: float = 0.0):
    port = FakePort("r1", {})
    made: list[tuple[float, tuple[str, ...]]] = []
    deferred: list[float] = []

    def originate(force: bool) -> None:
        made.append((port.now, own.take_triggers()))
        own.originated(port.now)

    def note(wait: float, trigger: str) -> None:
        deferred.append(wait)

    own = Origination(port, interval, originate, note, hold=hold)
    return own, port, made, deferred


def test_origination_without_hold_is_immediate_then_limited_by_the_interval():
    own, port, made, deferred = origination(5.0)
    own.request("boot")
    assert made == [(0.0, ("boot",))] and own.seq == 1
    port.advance(1.0)
    own.request("a")
    port.advance(2.0)
    own.request("b")  # joins the held-back one
    port.advance(4.99)
    assert len(made) == 1 and deferred == [4.0]
    port.advance(5.0)
    assert made[-1] == (5.0, ("a", "b")) and own.seq == 2


def test_origination_with_hold_waits_for_quiet_then_for_the_interval():
    """FRR: generate 100 ms after the last trigger, and not sooner than 30 s after the last one."""
    own, port, made, _ = origination(30.0, hold=0.1)
    own.immediately("boot")
    port.advance(40.0)
    own.request("a")
    port.advance(40.05)
    own.request("b")  # within the hold: postpones to 40.15
    port.advance(40.149)
    assert len(made) == 1
    port.advance(40.151)
    assert made[-1] == (pytest.approx(40.15), ("a", "b"))
    port.advance(41.0)
    own.request("c")  # only 0.85 s after the last generation: waits until 70.15
    port.advance(70.14)
    assert len(made) == 2
    port.advance(70.16)
    assert made[-1] == (pytest.approx(70.15), ("c",))


def test_frr_spf_interval_runs_at_once_then_waits_out_the_interval():
    port = FakePort("r1", {})
    runs: list[tuple[float, str, tuple]] = []
    sched = IntervalSchedule(port, 1.0, lambda: runs.append((port.now, sched.mode, sched.take_reasons())))
    port.advance(10.0)
    sched.schedule("a")
    port.advance(10.0)
    assert runs == [(10.0, IMMEDIATE, ("a",))]
    port.advance(10.3)
    sched.schedule("b")
    sched.schedule("c")
    port.advance(10.99)
    assert len(runs) == 1
    port.advance(11.0)
    assert runs[-1] == (11.0, INTERVAL, ("b", "c")) and sched.delay == pytest.approx(0.7)


def test_aged_database_expires_each_live_instance_once_at_its_time():
    port = FakePort("r1", {})
    expired: list[tuple[float, str, int]] = []
    db = AgedLsdb(lambda reason: None, port, lambda lsp: expired.append((port.now, lsp.origin, lsp.seq)))
    db.install(Lsp("a", 1, (), 0.0, 100.0), "n", 0.0)
    db.install(Lsp("b", 1, (), 0.0, 50.0), "n", 0.0)
    port.advance(30.0)
    db.install(Lsp("b", 2, (), 30.0, 100.0), "n", 30.0)  # refreshed: its first instance must not expire
    port.advance(200.0)
    assert expired == [(100.0, "a", 1), (130.0, "b", 2)]


def test_aged_database_expiry_may_install_a_purge_that_expires_in_turn():
    port = FakePort("r1", {})
    events: list[tuple[float, str, bool]] = []

    def on_expiry(lsp: Lsp) -> None:
        events.append((port.now, lsp.origin, lsp.purge))
        if not lsp.purge:
            db.install(lsp.purged(port.now, 60.0), None, port.now)
        else:
            db.remove(lsp.origin)

    db = AgedLsdb(lambda reason: None, port, on_expiry)
    db.install(Lsp("a", 3, (("b", 1.0),), 0.0, 10.0), "n", 0.0)
    port.advance(100.0)
    assert events == [(10.0, "a", False), (70.0, "a", True)] and "a" not in db.entries


MINE = {"r1": Lsp("r1", 4, (), 0.0, 1200.0), "r2": Lsp("r2", 6, (), 0.0, 1200.0),
        "r3": Lsp("r3", 2, (), 0.0, 1200.0), "r4": Lsp("r4", 9, (), 0.0, 60.0, purge=True)}


@pytest.mark.parametrize(("entry", "send", "ask", "acked", "own"), [
    (("r2", 12), [], [], [("r2", 12)], None),                 # the same: an acknowledgement
    (("r2", 10), ["r2"], [], [], None),                       # theirs older: send ours
    (("r2", 14), [], [("r2", 12)], [], None),                 # theirs newer: ask, with our rank
    (("r9", 6), [], [("r9", 0)], [], None),                   # unknown: ask, rank 0
    (("r9", 7), [], [], [], None),                            # an unknown purge: nothing to ask for
    (("r3", 5), [], [("r3", 4)], [], None),                   # a purge of ours is newer
    (("r1", 10), [], [], [], 10),                             # our own, newer: reissue past it
])
def test_psnp_entries_against_the_database(entry, send, ask, acked, own):
    acts = snp_actions([entry], MINE, "r1", complete=False)
    assert [lsp.origin for lsp in acts.send] == send
    assert (acts.request, acts.acked, acts.own_newer) == (ask, acked, own)


def test_a_csnp_also_sends_every_lsp_it_does_not_list_except_purges():
    acts = snp_actions([("r2", 12)], MINE, "r1", complete=True)
    assert sorted(lsp.origin for lsp in acts.send) == ["r1", "r3"]
    assert acts.acked == [("r2", 12)]
