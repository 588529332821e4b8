"""IS-IS walked message by message through the protocol class itself, on a fake port (no engine).

The three-way handshake against RFC 5303's table, PSNP acknowledgements against the
retransmission list, purges when a remaining lifetime runs out, database synchronisation with
CSNPs and PSNPs, and what a router does with a newer copy of its own LSP.
"""

from __future__ import annotations

import pytest
from fakeport import make

from netsim.errors import NetsimError
from netsim.protocols.isis import Isis
from netsim.protocols.isis.adjacency import DOWN, INITIALIZING, THREE_WAY, UP
from netsim.protocols.isis.notes import AdjacencyChanged, LspOriginated, LspPurged
from netsim.protocols.isis.packets import Csnp, Iih, Lsp, LspBurst, Psnp

#: r1 with one neighbour, r2, over a link of metric 10; fast timers where the test needs them.
OPTS = {"hello_interval": 10.0, "hello_multiplier": 3, "lsp_gen_interval": 30.0, "lsp_gen_wait": 0.1,
        "csnp_interval": 0.0, "psnp_interval": 2.0, "lsp_retransmit_interval": 5.0}


def router(**options):
    proto, port = make(Isis, "r1", {"r2": 10.0}, {**OPTS, **options})
    proto.start()
    return proto, port


def state(proto) -> str:
    return proto.adjs["r2"].state


def sent(port, kind):
    return [m for _t, _i, m in port.take_sent(kind)]


def changes(port):
    return [(n.old, n.new) for _t, n in port.notes if isinstance(n, AdjacencyChanged)]


def up(proto, port):
    """Bring the adjacency Up the way a neighbour that hears us does (asking for a holding time
    long enough that the test needs no more hellos)."""
    proto.on_message("r2", Iih(INITIALIZING, "r1", 10_000.0))
    assert state(proto) == UP
    return proto, port


def test_three_way_handshake_down_initializing_up():
    proto, port = router()
    port.advance(1.0)
    (first,) = sent(port, Iih)  # sent within 10 ms of boot
    assert (first.state, first.neighbor, first.hold) == (DOWN, None, 30.0)
    assert state(proto) == DOWN
    proto.on_message("r2", Iih(DOWN, None, 30.0))  # r2 booted: it hears nobody yet
    assert state(proto) == INITIALIZING
    port.advance(1.049)
    assert sent(port, Iih) == []  # the triggered hello waits 50 ms (FRR)
    port.advance(1.05)
    (hello,) = sent(port, Iih)
    assert (hello.state, hello.neighbor, hello.hold) == (INITIALIZING, "r2", 30.0)
    proto.on_message("r2", Iih(UP, "r1", 30.0))  # r2 heard our Initializing
    assert state(proto) == UP
    assert sent(port, Csnp), "a CSNP goes out when a point-to-point adjacency comes up"
    assert changes(port) == [(DOWN, INITIALIZING), (INITIALIZING, UP)]


def test_down_router_hearing_up_stays_down_and_restarted_neighbour_resets_up():
    proto, port = router()
    proto.on_message("r2", Iih(UP, "r1", 30.0))  # r2 believes in an adjacency we never had
    assert state(proto) == DOWN
    up(proto, port)
    proto.on_message("r2", Iih(DOWN, None, 30.0))  # r2 restarted: it no longer hears us
    assert state(proto) == INITIALIZING
    assert changes(port)[-1] == (UP, INITIALIZING)


def test_a_hello_naming_another_system_counts_as_down():
    proto, port = router()
    up(proto, port)
    proto.on_message("r2", Iih(UP, "r9", 30.0))
    assert state(proto) == INITIALIZING


@pytest.mark.parametrize("own", [DOWN, INITIALIZING, UP])
def test_the_table_is_rfc5303s(own):
    """RFC 5303 §3.1, row by row: received Down → Initializing; Initializing → Up; Up → Up,
    except from Down, which stays Down."""
    got = {rx: THREE_WAY[(own, f"hello:{rx}")][0] for rx in (DOWN, INITIALIZING, UP)}
    assert got == {DOWN: INITIALIZING, INITIALIZING: UP, UP: DOWN if own == DOWN else UP}


def test_holding_time_from_the_neighbours_hello_takes_the_adjacency_down():
    proto, port = router()
    proto.on_message("r2", Iih(INITIALIZING, "r1", 7.0))  # r2 asks for a 7 s holding time
    port.advance(6.9)
    assert state(proto) == UP
    port.advance(7.0 + 1e-9)
    assert state(proto) == DOWN
    note = [n for _t, n in port.notes if isinstance(n, AdjacencyChanged)][-1]
    assert note.reason() == "no hello for 7 s (holding time)"


def test_carrier_loss_takes_it_down_at_once():
    proto, port = router()
    up(proto, port)
    port.advance(1.0)
    proto.on_link_change("r2", False)
    assert state(proto) == DOWN and port.notes[-1][1].reason() == "carrier lost"


def _own_lsp_sent(port):
    return [lsp for m in sent(port, LspBurst) for lsp in m.lsps if lsp.origin == "r1"]


def test_psnp_acknowledgement_stops_retransmission():
    proto, port = router(lsp_gen_interval=1.0)
    up(proto, port)
    port.advance(1.2)  # the LSP listing r2 waits out the 1 s generation interval, then floods
    (lsp,) = _own_lsp_sent(port)
    assert lsp.links == (("r2", 10.0),) and proto.adjs["r2"].rxmt["r1"] is lsp
    port.advance(6.3)
    assert _own_lsp_sent(port) == [lsp]  # unacknowledged: resent after 5 s
    proto.on_message("r2", Psnp((("r1", lsp.rank),)))
    assert "r1" not in proto.adjs["r2"].rxmt
    port.advance(30.0)
    assert _own_lsp_sent(port) == []


def test_psnp_for_another_instance_is_no_acknowledgement():
    proto, port = router(lsp_gen_interval=1.0)
    up(proto, port)
    port.advance(1.2)
    (lsp,) = _own_lsp_sent(port)
    proto.on_message("r2", Psnp((("r1", lsp.rank - 2),)))  # an older one: r2 asks for ours
    assert proto.adjs["r2"].rxmt["r1"] is lsp
    port.advance(1.3)
    assert _own_lsp_sent(port) == [lsp]  # sent again at once (paced), as asked


def test_received_lsps_are_acknowledged_by_psnp_after_the_psnp_interval():
    proto, port = router()
    up(proto, port)
    port.take_sent()
    r2 = Lsp("r2", 4, (("r1", 10.0),), 0.0, 1200.0)
    proto.on_message("r2", LspBurst((r2,)))
    port.advance(1.99)
    assert sent(port, Psnp) == []
    port.advance(2.01)
    (psnp,) = sent(port, Psnp)
    assert psnp.entries == (("r2", r2.rank),)


def test_an_lsp_whose_lifetime_runs_out_is_purged_then_forgotten():
    proto, port = router(zero_age_lifetime=60.0)
    up(proto, port)
    r3 = Lsp("r3", 7, (("r2", 1.0),), 0.0, 100.0, (("10.3.0.0/16", 0.0),))
    proto.on_message("r2", LspBurst((r3,)))
    assert proto.db.entries["r3"] is r3 and proto.db.graph["r3"] == {"r2": 1.0}
    port.take_sent()
    port.advance(99.9)
    assert not any(isinstance(n, LspPurged) for _t, n in port.notes)
    port.advance(100.1)
    purged = [(t, n) for t, n in port.notes if isinstance(n, LspPurged)]
    assert purged and purged[0][0] == pytest.approx(100.0) and purged[0][1].seq == 7
    held = proto.db.entries["r3"]
    assert held.purge and held.seq == 7 and proto.db.graph["r3"] == {}
    flooded = [lsp for m in sent(port, LspBurst) for lsp in m.lsps if lsp.origin == "r3"]
    assert flooded and flooded[0].purge and flooded[0].size < r3.size  # a purge is the header alone
    spf = [n for t, n in port.notes if n.kind == "spf" and t >= 100.0]
    assert spf and "LSP r3 seq 7 expired here: purged" in spf[0].reason()
    port.advance(160.1)
    assert "r3" not in proto.db.entries  # ZeroAgeLifetime over


def test_a_refreshed_lsp_does_not_expire():
    proto, port = router()
    up(proto, port)
    proto.on_message("r2", LspBurst((Lsp("r3", 7, (), 0.0, 100.0),)))
    port.advance(90.0)
    proto.on_message("r2", LspBurst((Lsp("r3", 8, (), 90.0, 100.0),)))
    port.advance(150.0)
    assert not any(isinstance(n, LspPurged) for _t, n in port.notes)
    assert proto.db.entries["r3"].seq == 8


def test_a_purge_of_an_unknown_lsp_is_acknowledged_not_stored():
    proto, port = router()
    up(proto, port)
    ghost = Lsp("r9", 3, (), 0.0, 60.0, purge=True)
    proto.on_message("r2", LspBurst((ghost,)))
    assert "r9" not in proto.db.entries
    port.advance(2.1)
    assert sent(port, Psnp)[-1].entries == (("r9", ghost.rank),)


def test_csnp_sends_what_the_neighbour_lacks_and_requests_what_we_lack():
    proto, port = router()
    up(proto, port)
    port.take_sent()
    mine = proto.db.entries["r1"]
    proto.on_message("r2", Csnp((("r2", 2 * 5),)))  # r2 lists only its own LSP, seq 5
    port.advance(0.01)
    assert _own_lsp_sent(port) == [mine]  # r2 lacks ours
    port.advance(2.01)
    assert sent(port, Psnp)[-1].entries == (("r2", 0),)  # we lack r2's: asked for with rank 0


def test_a_newer_copy_of_our_own_lsp_is_reissued_past_at_once():
    proto, port = router()
    up(proto, port)
    port.take_sent()
    stale = Lsp("r1", 9, (("r2", 10.0), ("r7", 10.0)), 0.0, 1200.0)  # from before a restart
    proto.on_message("r2", LspBurst((stale,)))
    own = proto.db.entries["r1"]
    assert own.seq == 10 and own.links == ()  # our current content, numbered past the stale copy
    note = [n for _t, n in port.notes if isinstance(n, LspOriginated)][-1]
    assert note.reissued and "own LSP seq 9" in note.reason()
    port.advance(0.01)
    assert _own_lsp_sent(port) == [own]


def test_narrow_metrics_refuse_a_cost_they_cannot_carry():
    proto, port = router(metric_style="narrow")
    up(proto, port)
    port.ifaces["r2"] = port.ifaces["r2"].__class__("r2", 64.0, True)
    with pytest.raises(NetsimError, match="narrow metrics go from 1 to 63"):
        proto.on_cost_change("r2", 64.0)
