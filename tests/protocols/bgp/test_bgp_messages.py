"""BGP message sizes, hand-computed from the encodings of RFC 4271 §4 and RFC 6793."""

from __future__ import annotations

import pytest

from netsim.protocols.bgp.messages import (
    MAX_MESSAGE,
    Keepalive,
    Notification,
    Open,
    PathAttributes,
    Update,
    as_path_value_size,
    pack_updates,
)
from netsim.protocols.bgp.transport import Segment, Syn


def test_fixed_size_messages() -> None:
    assert Keepalive().size == 19                     # the header alone
    assert Notification(4).size == 21                 # header + code + subcode
    # header 19 + version 1 + AS 2 + hold 2 + id 4 + opt len 1 = 29, plus capabilities
    # MP-BGP (2+2+4) + route refresh (2+2+0) + 4-octet AS (2+2+4) = 20
    assert Open(65001, 90, 1).size == 49


def test_four_byte_asn_travels_as_as_trans_in_open() -> None:
    assert Open(4_200_000_001, 90, 1).my_as_field == 23456
    assert Open(65001, 90, 1).my_as_field == 65001


def test_update_with_one_prefix() -> None:
    attrs = PathAttributes((3, 2, 1), "10.0.0.1")
    # ORIGIN 3+1, AS_PATH 3 + (2 + 3*4), NEXT_HOP 3+4
    assert attrs.size == 4 + 17 + 7
    # 19 header + 2 withdrawn len + 2 attr len + attrs + one /32 (1 + 4)
    assert Update(attrs=attrs, nlri=("r1",)).size == 23 + 28 + 5
    assert Update(withdrawn=("r1", "r2")).size == 23 + 10


def test_optional_attributes_add_their_bytes() -> None:
    assert PathAttributes((1,), "10.0.0.1", med=5).size == PathAttributes((1,), "10.0.0.1").size + 7
    assert PathAttributes((1,), "10.0.0.1", local_pref=100).size == PathAttributes((1,), "10.0.0.1").size + 7


def test_long_as_path_uses_several_segments_and_extended_length() -> None:
    assert as_path_value_size(range(255)) == 2 + 4 * 255
    assert as_path_value_size(range(300)) == 2 * 2 + 4 * 300
    long = PathAttributes(tuple(range(1, 301)), "10.0.0.1")
    assert long.size == 4 + (4 + 1204) + 7  # 1204 > 255: 4-byte attribute header


def test_packing_respects_the_maximum_message_size() -> None:
    gone = [f"r{i}" for i in range(1000)]
    msgs = pack_updates(gone, {})
    per = (MAX_MESSAGE - 23) // 5
    assert [len(m.withdrawn) for m in msgs] == [per, 1000 - per]
    assert all(m.size <= MAX_MESSAGE for m in msgs)


def test_packing_groups_prefixes_by_attributes_and_carries_withdrawals_first() -> None:
    a, b = PathAttributes((1,), "10.0.0.1"), PathAttributes((2, 1), "10.0.0.1")
    msgs = pack_updates(["x"], {a: ["p", "q"], b: ["r"]})
    assert [(m.withdrawn, m.attrs, m.nlri) for m in msgs] == [(("x",), a, ("p", "q")), ((), b, ("r",))]


def test_an_announcement_needs_attributes() -> None:
    with pytest.raises(ValueError):
        Update(nlri=("r1",))


def test_tcp_ip_overhead_is_added_per_segment() -> None:
    conn = ("r2", 0.0, 1)
    assert Segment(conn, Keepalive()).size == 19 + 40
    assert Segment(conn, Keepalive()).kind == "bgp-keepalive"
    assert Syn(conn).size == 40
