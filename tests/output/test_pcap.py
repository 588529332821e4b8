"""Packet captures: protocol messages in wire format, checked against independent truth.

* hand-worked packets (every octet and checksum worked out on paper, in the comments);
* the RFC 1071 numerical example and two LSA checksums computed by real routers;
* the RFC 905 property of the Fletcher checksum, with the sums computed here;
* netsim's own size accounting (the capture of a message is as long as netsim says);
* Wireshark's dissectors (tests marked ``tshark``): no malformed packets, IPv4/UDP/OSPF
  checksums verified by Wireshark, and the decoded fields compared with the input messages.
"""

from __future__ import annotations

import json
import math
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from netsim.engine.bfd import BFD_PACKET_SIZE, BfdPacket
from netsim.errors import NetsimError
from netsim.output.pcap import PcapRecorder
from netsim.output.pcap.checksums import fletcher_checksum, internet_checksum
from netsim.output.pcap.naming import link_file_names, safe_name
from netsim.output.pcap.writer import nanoseconds, pcap_bytes, write_pcap
from netsim.protocols.distvector.packets import RIP_ENTRY, RIP_MAX_ENTRIES, RIP_OVERHEAD, RipRequest, RipResponse
from netsim.protocols.linkstate.packets import OSPF_HDR, DbDescription, Hello, Lsa, LsAck, LsUpdate
from netsim.scenario.faults import BfdSpec
from netsim.topology.addressing import Addressing

OSPF_OPTS = {"hello_interval": 10.0, "dead_interval": 40.0}
RIP_OPTS = {"infinity": 16}


def line_abc() -> nx.Graph:
    """a — b — c: loopbacks a 10.255.0.1, b .2, c .3; a–b is 10.0.0.0/31 (a .0, b .1),
    b–c is 10.0.0.2/31 (b .2, c .3) -- by the addressing rules, sorted names and links."""
    g = nx.Graph()
    g.add_edge("a", "b", cost=10)
    g.add_edge("b", "c", cost=2.6)
    return g


# ---------------------------------------------------------------------------------------------
# Independent checks: a pcap reader from the file-format description, the RFCs' own sums.
# ---------------------------------------------------------------------------------------------
def read_pcap(path: Path) -> tuple[tuple[int, ...], list[tuple[int, int, bytes]]]:
    """(global header fields, [(seconds, nanoseconds, packet)]) of a little-endian capture."""
    data = path.read_bytes()
    header = struct.unpack_from("<IHHiIII", data, 0)
    out, pos = [], 24
    while pos < len(data):
        sec, frac, incl, orig = struct.unpack_from("<IIII", data, pos)
        assert incl == orig
        out.append((sec, frac, data[pos + 16:pos + 16 + incl]))
        pos += 16 + incl
    assert pos == len(data)
    return header, out


def fletcher_residues(data: bytes) -> tuple[int, int]:
    """RFC 905 Annex B: C0 = sum of octets, C1 = sum of running C0 -- both mod 255."""
    c0 = c1 = 0
    for byte in data:
        c0 = (c0 + byte) % 255
        c1 = (c1 + c0) % 255
    return c0, c1


def folds_to_ones(data: bytes) -> bool:
    """A correct Internet checksum makes the one's complement sum of the whole 0xFFFF."""
    words = [int.from_bytes(data[i:i + 2].ljust(2, b"\0"), "big") for i in range(0, len(data), 2)]
    total = 0
    for w in words:
        total += w
        total = (total & 0xFFFF) + (total >> 16)
    return total == 0xFFFF


def record_all(directory: Path, graph: nx.Graph, sends: list[tuple], **kwargs) -> PcapRecorder:
    rec = PcapRecorder.for_graph(directory, graph, **kwargs)
    for send in sends:
        rec.record(*send)
    rec.close()
    return rec


# ---------------------------------------------------------------------------------------------
# Checksums
# ---------------------------------------------------------------------------------------------
def test_internet_checksum_rfc1071_worked_example() -> None:
    # RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2, whose complement is 220d.
    assert internet_checksum(bytes.fromhex("0001f203f4f5f6f7")) == 0x220D


@given(st.binary(max_size=200), st.data())
def test_internet_checksum_makes_the_sum_all_ones(data: bytes, draw: st.DataObject) -> None:
    at = 2 * draw.draw(st.integers(0, len(data) // 2))  # a 16-bit aligned checksum field
    blank = data[:at] + b"\0\0" + data[at:]
    stamped = data[:at] + internet_checksum(blank).to_bytes(2, "big") + data[at:]
    assert folds_to_ones(stamped)


# Two router-LSAs as captured from real routers (published in scapy's OSPF regression tests):
# a Cisco router-LSA (one stub link, checksum 0x2506) and an opaque LSA (checksum 0xabd9).
REAL_LSAS = [
    ("03e20201c0a8aa08c0a8aa0880000dc32506002402000001c0a8aa00ffffff000300000a", 0x2506),
    ("0001200a01000000110303038000001fabd90084000100041103030300020064000100010200000000020004"
     "d200000200030004d200000100040004d200000200050004000003e800060004499896800007000449989680"
     "0008002049189680491896804918968049189680491896804918968049189680491896800009000400000000", 0xABD9),
]


@pytest.mark.parametrize(("lsa_hex", "expected"), REAL_LSAS)
def test_fletcher_checksum_matches_real_routers(lsa_hex: str, expected: int) -> None:
    lsa = bytes.fromhex(lsa_hex)
    assert int.from_bytes(lsa[16:18], "big") == expected
    assert fletcher_residues(lsa[2:]) == (0, 0)  # the routers' checksums satisfy RFC 905 too
    scrambled = lsa[2:16] + b"\x12\x34" + lsa[18:]  # whatever sits in the field is ignored
    assert fletcher_checksum(scrambled, 14) == expected


@given(st.binary(min_size=2, max_size=300), st.data())
def test_fletcher_checksum_zeroes_both_sums_and_catches_a_changed_octet(data: bytes, draw: st.DataObject) -> None:
    offset = draw.draw(st.integers(0, len(data) - 2))
    value = fletcher_checksum(data, offset)
    assert 0x0101 <= value <= 0xFFFF and value & 0xFF and value >> 8  # neither octet is 0
    stamped = data[:offset] + value.to_bytes(2, "big") + data[offset + 2:]
    assert fletcher_residues(stamped) == (0, 0)
    where = draw.draw(st.integers(0, len(stamped) - 1))
    new = draw.draw(st.integers(0, 255))
    assume((new - stamped[where]) % 255 != 0)  # 0x00 <-> 0xFF is the one change mod 255 cannot see
    broken = stamped[:where] + bytes((new,)) + stamped[where + 1:]
    assert fletcher_residues(broken) != (0, 0)


# ---------------------------------------------------------------------------------------------
# Hand-worked packets
# ---------------------------------------------------------------------------------------------
def test_rip_response_octet_by_octet(tmp_path: Path) -> None:
    """b → c: "b metric 0, a metric 1.4" (1.4 rounds to 1).

    IPv4: 45 c0 0048 | 0000 0000 | 01 11 cksum | 0a000002 (b on b–c) | e0000009.
      sum 45c0+0048+0111+0a00+0002+e000+0009 = 13124 → 3125 → checksum ceda.
    UDP: 0208 0208 0034 cksum; pseudo-header 0a00 0002 e000 0009 0011 0034 sums to ea50,
      UDP header 0444, RIP header 0202, each entry 20b01: total 50698 → 069d → checksum f962.
    """
    rec = record_all(tmp_path, line_abc(), [(3.0, "b", "c", RipResponse((("b", 0), ("a", 1.4))), RIP_OPTS)])
    _, packets = read_pcap(tmp_path / rec.file_name("b", "c"))
    expected = bytes.fromhex(
        "45c00048" "00000000" "0111ceda" "0a000002" "e0000009"           # IPv4
        "02080208" "0034f962"                                            # UDP 520 → 520
        "02020000"                                                       # response, version 2
        "00020000" "0aff0002" "ffffffff" "00000000" "00000000"           # b's loopback /32, metric 0
        "00020000" "0aff0001" "ffffffff" "00000000" "00000001")          # a's loopback /32, metric 1
    assert packets == [(3, 0, expected)]


def test_ospf_hello_octet_by_octet(tmp_path: Path) -> None:
    """a → b, a sees b: Hello with b's router ID.

    IPv4: 45 c0 0044 | 0000 0000 | 01 59 cksum | 0a000000 | e0000005:
      45c0+0044+0159+0a00+e000+0005 = 13162 → 3163 → checksum ce9c.
    OSPF header 02 01 0030 0aff0001 00000000 cksum 0000 + 8 zero octets; body ffff fffe (the /31
      mask) 000a (hello) 02 00 (options E, priority 0) 00000028 (dead 40) 0 0 (DR, BDR) 0aff0002.
      Sum without authentication: 0231+0aff+0001 = 0d31, body 20d30 → 21a61 → 1a63 → e59c.
    """
    rec = record_all(tmp_path, line_abc(), [(0.25, "a", "b", Hello(True), OSPF_OPTS)])
    _, packets = read_pcap(tmp_path / rec.file_name("a", "b"))
    expected = bytes.fromhex(
        "45c00044" "00000000" "0159ce9c" "0a000000" "e0000005"
        "02010030" "0aff0001" "00000000" "e59c0000" "0000000000000000"
        "fffffffe" "000a0200" "00000028" "00000000" "00000000" "0aff0002")
    assert packets == [(0, 250_000_000, expected)]


def test_pcap_file_layout_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "x.pcap"
    write_pcap(path, [(1.5, b"\x45" + bytes(19)), (4294967295.000000001, b"")])
    assert path.read_bytes() == bytes.fromhex(
        "4d3cb2a1" "0200" "0400" "00000000" "00000000" "ffff0000" "65000000"  # ns magic, 2.4, raw IP
        "01000000" "0065cd1d" "14000000" "14000000" "45" "00000000000000000000000000000000000000"
        "ffffffff" "00000000" "00000000" "00000000")  # 1.5 s = 1 s + 500000000 ns; then 2**32 - 1 s


@given(st.integers(0, 10**15))
def test_nanosecond_timestamps_round_trip(ns: int) -> None:
    assert nanoseconds(ns / 1e9) == ns


def test_nanoseconds_rounding_and_refusals() -> None:
    assert nanoseconds(0.1) == 100_000_000
    assert nanoseconds(2.0 ** -31) == 0  # 0.4657 ns
    assert nanoseconds(2.0 ** -30) == 1  # 0.9313 ns
    for bad in (-1e-9, math.nan, math.inf):
        with pytest.raises(ValueError):
            nanoseconds(bad)


# ---------------------------------------------------------------------------------------------
# Router-LSAs, read back with the RFC 2328 A.4 layout
# ---------------------------------------------------------------------------------------------
def parse_lsa(octets: bytes) -> dict:
    age, options, ls_type, ls_id, adv, seq, checksum, length = struct.unpack_from("!HBB4s4sIHH", octets)
    flags, _, count = struct.unpack_from("!BBH", octets, 20)
    links = [struct.unpack_from("!4s4sBBH", octets, 24 + 12 * i) for i in range(count)]
    return {"age": age, "options": options, "type": ls_type, "id": ls_id, "adv": adv, "seq": seq,
            "checksum": checksum, "length": length, "flags": flags,
            "links": [(lid, data, t, tos, m) for lid, data, t, tos, m in links]}


def lsus_in(path: Path) -> list[bytes]:
    """Every LSA of every LS Update packet of a capture."""
    lsas = []
    for _, _, packet in read_pcap(path)[1]:
        ospf = packet[20:]
        if ospf[1] != 4:
            continue
        (count,) = struct.unpack_from("!I", ospf, 24)
        pos = 28
        for _ in range(count):
            length = struct.unpack_from("!H", ospf, pos + 18)[0]
            lsas.append(ospf[pos:pos + length])
            pos += length
        assert pos == len(ospf)
    return lsas


def test_router_lsa_layout(tmp_path: Path) -> None:
    lsa = Lsa("b", 1, (("a", 10), ("c", 2.6)), born=2.0)
    rec = record_all(tmp_path, line_abc(), [(102.9, "b", "a", LsUpdate((lsa,)), OSPF_OPTS)])
    (octets,) = lsus_in(tmp_path / rec.file_name("a", "b"))
    got = parse_lsa(octets)
    ip = Addressing.of_graph(line_abc())
    rid = {r: ip.router_id(r).packed for r in "abc"}
    assert got["age"] == 100  # floor(102.9 - 2.0)
    assert (got["type"], got["options"], got["flags"]) == (1, 0x02, 0)
    assert got["id"] == got["adv"] == rid["b"]
    assert got["seq"] == 0x80000001  # InitialSequenceNumber for netsim's first LSA
    assert got["length"] == len(octets) == 20 + 4 + 12 * 5
    assert got["links"] == [
        (rid["a"], bytes((10, 0, 0, 1)), 1, 0, 10), (bytes((10, 0, 0, 0)), b"\xff\xff\xff\xfe", 3, 0, 10),
        (rid["c"], bytes((10, 0, 0, 2)), 1, 0, 3), (bytes((10, 0, 0, 2)), b"\xff\xff\xff\xfe", 3, 0, 3),
        (rid["b"], b"\xff\xff\xff\xff", 3, 0, 0)]
    assert fletcher_residues(octets[2:]) == (0, 0)


def test_lsa_age_capped_and_sequence_numbers_mapped(tmp_path: Path) -> None:
    old = Lsa("a", 7, (("b", 1),), born=0.0)
    rec = record_all(tmp_path, line_abc(), [(5000.0, "a", "b", LsUpdate((old,)), OSPF_OPTS)])
    got = parse_lsa(lsus_in(tmp_path / rec.file_name("a", "b"))[0])
    assert (got["age"], got["seq"]) == (3600, 0x80000007)


@pytest.mark.parametrize(("cost", "metric"), [(2.5, 3), (2.49, 2), (0.2, 1), (1e9, 65535), (65535, 65535)])
def test_ospf_metrics_rounded_half_up_and_clamped(tmp_path: Path, cost: float, metric: int) -> None:
    rec = record_all(tmp_path, line_abc(), [(1.0, "a", "b", LsUpdate((Lsa("a", 1, (("b", cost),), 0.0),)))])
    links = parse_lsa(lsus_in(tmp_path / rec.file_name("a", "b"))[0])["links"]
    assert [m for *_, m in links] == [metric, metric, 0]


@pytest.mark.parametrize(("metric", "infinity", "wire"),
                         [(15.6, 16, 15), (15.4, 16, 15), (16, 16, 16), (99, 16, 16), (20, 32, 15), (32, 32, 16),
                          (0, 16, 0), (2.5, 16, 3)])
def test_rip_metrics_fit_0_to_16(tmp_path: Path, metric: float, infinity: int, wire: int) -> None:
    rec = record_all(tmp_path, line_abc(), [(1.0, "a", "b", RipResponse((("c", metric),)), {"infinity": infinity})])
    packet = read_pcap(tmp_path / rec.file_name("a", "b"))[1][0][2]
    assert struct.unpack_from("!I", packet, 20 + 8 + 4 + 16)[0] == wire


# ---------------------------------------------------------------------------------------------
# Sizes: a capture is as long as netsim's accounting says (LS updates excepted, see translate)
# ---------------------------------------------------------------------------------------------
def test_packet_sizes_match_netsim_accounting(tmp_path: Path) -> None:
    g = line_abc()
    lsa_a = Lsa("a", 1, (("b", 10),), 0.0)
    lsa_b = Lsa("b", 1, (("a", 10), ("c", 3)), 0.0)
    lsdb = {"a": lsa_a, "b": lsa_b}
    many = tuple((f"x{i}", 1.0) for i in range(60))
    g.add_nodes_from(name for name, _ in many)
    sends = [
        (0.0, "a", "b", Hello(True), OSPF_OPTS, None, OSPF_HDR + 24),
        (0.1, "a", "b", DbDescription((("a", 1), ("b", 1)), False), OSPF_OPTS, lsdb, OSPF_HDR + 8 + 20 * 2),
        (0.2, "a", "b", LsAck((("a", 1), ("b", 1))), OSPF_OPTS, lsdb, OSPF_HDR + 20 * 2),
        (0.3, "a", "b", RipRequest(), RIP_OPTS, None, RIP_OVERHEAD + RIP_ENTRY),
        (0.4, "a", "b", RipResponse(many), RIP_OPTS, None, 3 * RIP_OVERHEAD + 60 * RIP_ENTRY),
        (0.5, "a", "b", BfdPacket("Up", 0.05), None, None, BFD_PACKET_SIZE),
    ]
    rec = PcapRecorder.for_graph(tmp_path, g)
    for t, src, dst, msg, opts, db, _ in sends:
        rec.record(t, src, dst, msg, opts, db)
    rec.close()
    packets = read_pcap(tmp_path / rec.file_name("a", "b"))[1]
    by_time: dict[float, int] = {}
    for sec, frac, p in packets:
        key = sec + frac / 1e9
        by_time[key] = by_time.get(key, 0) + len(p)
    assert [by_time[t] for t, *_ in sends] == [size for *_, size in sends]
    rip_counts = [(len(p) - RIP_OVERHEAD) // RIP_ENTRY for s, f, p in packets if s + f / 1e9 == 0.4]
    assert rip_counts == [RIP_MAX_ENTRIES, RIP_MAX_ENTRIES, 10]


def test_updates_split_at_a_smaller_packet_limit(tmp_path: Path) -> None:
    """With max_packet=1500 (an MTU), a large update becomes several packets, LSAs in order."""
    g = nx.complete_graph([f"r{i:02d}" for i in range(30)])
    lsas = tuple(Lsa(r, 3, tuple((n, 1) for n in sorted(g[r])), 0.0) for r in sorted(g))
    rec = record_all(tmp_path, g, [(1.0, "r00", "r01", LsUpdate(lsas))], max_packet=1500)
    packets = read_pcap(tmp_path / rec.file_name("r00", "r01"))[1]
    assert len(packets) > 1 and all(len(p) <= 1500 for *_, p in packets)
    got = [parse_lsa(o) for o in lsus_in(tmp_path / rec.file_name("r00", "r01"))]
    ip = Addressing.of_graph(g)
    assert [x["adv"] for x in got] == [ip.router_id(r).packed for r in sorted(g)]
    assert all(len(x["links"]) == 2 * 29 + 1 for x in got)


def test_database_description_split_sets_more_and_counts_sequence(tmp_path: Path) -> None:
    g = line_abc()
    headers = tuple((r, 1) for r in ("a", "b", "c")) * 40  # 120 headers: 2400 octets
    rec = record_all(tmp_path, g, [(1.0, "b", "a", DbDescription(headers, False), OSPF_OPTS)], max_packet=1000)
    packets = read_pcap(tmp_path / rec.file_name("a", "b"))[1]
    flags = [p[20 + 24 + 3] for *_, p in packets]
    sequences = [struct.unpack_from("!I", p, 20 + 24 + 4)[0] for *_, p in packets]
    # b (10.255.0.2) outranks a (10.255.0.1): MS everywhere; I on the first; M on all but the last.
    assert flags == [0x07] + [0x03] * (len(packets) - 2) + [0x01]
    assert sequences == list(range(1, len(packets) + 1))
    assert sum((len(p) - 20 - 24 - 8) // 20 for *_, p in packets) == 120


def test_acknowledged_headers_come_from_the_lsa(tmp_path: Path) -> None:
    lsa = Lsa("a", 2, (("b", 10),), 1.0)
    rec = PcapRecorder.for_graph(tmp_path, line_abc())
    rec.record(5.0, "b", "a", LsAck((("a", 2),)), OSPF_OPTS, {"a": lsa})        # from the LSDB
    rec.record(6.0, "a", "b", LsUpdate((lsa,)), OSPF_OPTS)
    rec.record(7.0, "b", "a", LsAck((("a", 2),)), OSPF_OPTS)                    # seen in an update
    rec.record(8.0, "b", "a", LsAck((("c", 9),)), OSPF_OPTS, {"c": Lsa("c", 8, (), 0.0)})  # never seen
    summary = rec.close()
    packets = [p for *_, p in read_pcap(tmp_path / rec.file_name("a", "b"))[1]]
    full = lsus_in(tmp_path / rec.file_name("a", "b"))[0]
    assert packets[0][44:64] == (4).to_bytes(2, "big") + full[2:20]   # age 5 - 1 = 4
    assert packets[2][44:64] == (6).to_bytes(2, "big") + full[2:20]
    placeholder = parse_lsa(packets[3][44:64] + bytes(4))
    assert (placeholder["seq"], placeholder["checksum"], placeholder["length"]) == (0x80000009, 0, 20)
    assert summary.approximated_headers == 1


# ---------------------------------------------------------------------------------------------
# The recorder: skipping, determinism, naming, atomic output
# ---------------------------------------------------------------------------------------------
def test_unknown_messages_are_skipped_and_counted(tmp_path: Path) -> None:
    @dataclass(frozen=True)
    class Hello:  # another protocol's hello: same class name, different fields
        level: int

    rec = PcapRecorder.for_graph(tmp_path, line_abc())
    assert rec.record(1.0, "a", "b", object()) == 0
    assert rec.record(1.0, "a", "b", Hello(2)) == 0
    assert rec.record(1.0, "a", "b", BfdPacket("Sideways", 1.0)) == 0
    assert rec.record(1.0, "a", "c", RipRequest()) == 0  # no such link
    assert rec.record(1.0, "a", "b", RipRequest()) == 1
    summary = rec.close()
    assert (summary.messages, summary.packets) == (1, 1)
    assert dict(summary.skipped) == {"object: unknown message type": 1, "Hello: unknown message type": 1,
                                     "BfdPacket: BFD state 'Sideways' has no wire code": 1,
                                     "RipRequest: no link a–c": 1}


def test_bfd_options_may_be_the_bfd_spec(tmp_path: Path) -> None:
    """The engine may pass the link's BfdSpec itself: options are read as attributes too."""
    rec = record_all(tmp_path, line_abc(), [(1.0, "a", "b", BfdPacket("Init", 0.3), BfdSpec(0.3, 4, 1.0))])
    packet = read_pcap(tmp_path / rec.file_name("a", "b"))[1][0][2]
    version_diag, state_flags, mult, length, mine, yours, tx, rx, echo = struct.unpack_from("!BBBBIIIII", packet, 28)
    assert (version_diag >> 5, state_flags >> 6, mult, length) == (1, 2, 4, 24)
    assert (mine, yours) == (0x0A000000, 0x0A000001)  # a's and b's addresses on a–b
    assert (tx, rx, echo) == (300_000, 300_000, 0)


def conversation() -> list[tuple]:
    a1 = Lsa("a", 1, (), 0.0)
    b1 = Lsa("b", 1, (), 0.0)
    a2 = Lsa("a", 2, (("b", 10),), 0.7)
    b2 = Lsa("b", 2, (("a", 10), ("c", 2.6)), 0.7)
    return [
        (0.004, "a", "b", Hello(False), OSPF_OPTS),
        (0.009, "b", "a", Hello(True), OSPF_OPTS),
        (0.014, "a", "b", DbDescription((("a", 1),), False), OSPF_OPTS, {"a": a1}),
        (0.019, "b", "a", DbDescription((("b", 1),), True), OSPF_OPTS, {"b": b1}),
        (0.5, "b", "c", RipRequest(), RIP_OPTS),
        (0.7, "a", "b", LsUpdate((a2,)), OSPF_OPTS),
        (0.7, "b", "a", LsUpdate((b2, a2)), OSPF_OPTS),
        (0.8, "c", "b", BfdPacket("Down", 1.0), {"multiplier": 5}),
        (1.7, "b", "a", LsAck((("a", 2),)), OSPF_OPTS, {"a": a2}),
        (3.25, "c", "b", RipResponse((("c", 0), ("b", 2.6), ("a", 16))), RIP_OPTS),
        (3.5, "b", "c", BfdPacket("Up", 0.05), None),
    ]


def test_same_input_same_bytes_whatever_the_buffering(tmp_path: Path) -> None:
    outputs = []
    for i, limit in enumerate((1 << 20, 1)):  # all in memory, or flushed after every message
        d = tmp_path / str(i)
        record_all(d, line_abc(), conversation(), buffer_limit=limit)
        outputs.append({p.name: p.read_bytes() for p in sorted(d.iterdir())})
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) == {"a--b.pcap", "b--c.pcap", "links.tsv"}


def test_links_index(tmp_path: Path) -> None:
    rec = record_all(tmp_path, line_abc(), conversation())
    rows = [line.split("\t") for line in (tmp_path / "links.tsv").read_text().splitlines()]
    assert rows[0][:3] == ["file", "router_a", "router_b"]
    assert rows[1:] == [
        ["a--b.pcap", "a", "b", "10.0.0.0/31", "10.0.0.0", "10.0.0.1", "10.255.0.1", "10.255.0.2",
         str(len(read_pcap(tmp_path / "a--b.pcap")[1]))],
        ["b--c.pcap", "b", "c", "10.0.0.2/31", "10.0.0.2", "10.0.0.3", "10.255.0.2", "10.255.0.3",
         str(len(read_pcap(tmp_path / "b--c.pcap")[1]))]]
    assert rec.packets == sum(int(r[-1]) for r in rows[1:])


def test_file_names_are_safe_unique_and_indexed(tmp_path: Path) -> None:
    names = ["New York", "a/b", ".hidden", "A", "a", "x" * 300, "Zürich", "tab\there", "a_b"]
    g = nx.Graph([(names[i], names[j]) for i in range(len(names)) for j in range(i + 1, len(names))])
    files = link_file_names(g.edges)
    assert len(set(f.casefold() for f in files.values())) == len(files) == g.number_of_edges()
    for f in files.values():
        assert f.endswith(".pcap") and not f.startswith(".") and "/" not in f and len(f) < 255
        assert f.isascii() and "\t" not in f and " " not in f
    assert safe_name("Zürich") == "Z_rich" and safe_name("..") == "_."
    rec = PcapRecorder.for_graph(tmp_path, g)
    rec.record(1.0, "a/b", "New York", RipRequest())
    rec.close()
    index = (tmp_path / "links.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(index) == g.number_of_edges()
    mapped = {}
    for line in index:
        fields = line.split("\t")
        assert len(fields) == 9
        mapped[(fields[1], fields[2])] = fields[0]
        assert (tmp_path / fields[0]).is_file()
    assert mapped[("New York", "a/b")] == rec.file_name("a/b", "New York")
    assert ("a", "tab\\there") in mapped  # escaped, not split


def test_refuses_a_file_as_directory(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(NetsimError, match="not a directory"):
        PcapRecorder.for_graph(tmp_path / "f", line_abc())


def test_failure_inside_the_block_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), PcapRecorder.for_graph(tmp_path / "out", line_abc(), buffer_limit=1) as rec:
        rec.record(1.0, "a", "b", Hello(True), OSPF_OPTS)
        raise RuntimeError("engine failed")
    assert list((tmp_path / "out").iterdir()) == []


def test_times_must_not_go_back_and_close_is_final(tmp_path: Path) -> None:
    rec = PcapRecorder.for_graph(tmp_path, line_abc())
    rec.record(2.0, "a", "b", Hello(True), OSPF_OPTS)
    with pytest.raises(ValueError):
        rec.record(1.0, "b", "a", Hello(True), OSPF_OPTS)
    first = rec.close()
    assert rec.close() is first
    with pytest.raises(RuntimeError):
        rec.record(3.0, "a", "b", Hello(True), OSPF_OPTS)


def test_import_netsim_does_not_load_the_capture_package() -> None:
    code = "import sys, netsim; print(any(m.startswith('netsim.output') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "False"


def test_pcap_bytes_deterministic() -> None:
    records = [(0.5, b"\x45" + bytes(19)), (0.5, b"\x45" + bytes(27))]
    assert pcap_bytes(records) == pcap_bytes(list(records))


# ---------------------------------------------------------------------------------------------
# Wireshark's verdict
# ---------------------------------------------------------------------------------------------
class Decoded:
    """One packet as tshark's PDML describes it."""

    def __init__(self, element: ET.Element) -> None:
        self.element = element

    def values(self, name: str) -> list[str]:
        return [f.get("show", "") for f in self.element.iter("field") if f.get("name") == name]

    def one(self, name: str) -> str:
        found = self.values(name)
        assert len(found) == 1, (name, found)
        return found[0]

    def shownames(self, name: str) -> list[str]:
        return [f.get("showname", "") for f in self.element.iter("field") if f.get("name") == name]

    def protocols(self) -> list[str]:
        return [p.get("name", "") for p in self.element.iter("proto")]

    def problems(self) -> list[str]:
        bad = [p.get("showname", "") for p in self.element.iter("proto") if p.get("name", "").startswith("_ws.")]
        bad += [f.get("showname", "") for f in self.element.iter("field") if f.get("name") == "_ws.expert"]
        return bad

    def lsas(self) -> list[tuple[bytes, ET.Element]]:
        """(octets, subtree) of every LSA or LSA header in the packet, in order."""
        return [(bytes.fromhex(f.get("value", "")), f) for f in self.element.iter("field")
                if f.get("name") == "" and f.get("show", "").startswith("LSA-type")]


def tshark(path: Path) -> list[Decoded]:
    out = subprocess.run(["tshark", "-n", "-r", str(path), "-T", "pdml", "-o", "ip.check_checksum:TRUE",
                          "-o", "udp.check_checksum:TRUE"], capture_output=True, text=True, check=True, timeout=120)
    return [Decoded(p) for p in ET.fromstring(out.stdout).iter("packet")]


def check_sound(pkt: Decoded) -> None:
    """No malformed packet or expert complaint; every checksum Wireshark can verify is good."""
    assert pkt.problems() == []
    assert pkt.one("ip.checksum.status") == "1"  # 1 = Good
    if "udp" in pkt.protocols():
        assert pkt.one("udp.checksum.status") == "1"
    if "ospf" in pkt.protocols():
        assert pkt.shownames("ospf.checksum")[0].endswith("[correct]")
        for octets, _ in pkt.lsas():
            if len(octets) > 20:  # a whole LSA, not a header: Wireshark 4.0 does not verify these
                assert fletcher_residues(octets[2:]) == (0, 0)


def expected_links(ip: Addressing, lsa: Lsa) -> list[tuple[str, str, str, str]]:
    """(Link ID, Link Data, type, metric) per RFC 2328 §12.4.1 as the module documents it."""
    out = []
    for nbr, cost in lsa.links:
        metric = str(min(65535, max(1, math.floor(cost + 0.5))))
        net = ip.link_subnet(lsa.origin, nbr)
        out.append((str(ip.router_id(nbr)), str(ip.interface_address(lsa.origin, nbr)), "1", metric))
        out.append((str(net.network_address), str(net.netmask), "3", metric))
    out.append((str(ip.router_id(lsa.origin)), "255.255.255.255", "3", "0"))
    return out


def decoded_links(lsa_field: ET.Element) -> list[tuple[str, str, str, str]]:
    def show(name: str) -> list[str]:
        return [f.get("show", "") for f in lsa_field.iter("field") if f.get("name") == name]
    return list(zip(show("ospf.lsa.router.linkid"), show("ospf.lsa.router.linkdata"),
                    show("ospf.lsa.router.linktype"), show("ospf.lsa.router.metric0"), strict=True))


def lsa_header_fields(lsa_field: ET.Element) -> tuple[str, str, str]:
    def show(name: str) -> str:
        return next(f.get("show", "") for f in lsa_field.iter("field") if f.get("name") == name)
    return show("ospf.advrouter"), show("ospf.lsa.id"), show("ospf.lsa.seqnum")


def expect_ns(t: float) -> int:
    """The float's exact value (Decimal keeps every binary digit) rounded half up to nanoseconds."""
    return int((Decimal(t) * 10**9).to_integral_value(ROUND_HALF_UP))


@pytest.mark.tshark
def test_wireshark_decodes_a_conversation(tmp_path: Path) -> None:
    g = line_abc()
    ip = Addressing.of_graph(g)
    sends = conversation()
    rec = record_all(tmp_path, g, sends)
    decoded = {name: tshark(tmp_path / name) for name in ("a--b.pcap", "b--c.pcap")}
    for pkts in decoded.values():
        for pkt in pkts:
            check_sound(pkt)
    ab, bc = decoded["a--b.pcap"], decoded["b--c.pcap"]
    assert len(ab) + len(bc) == rec.packets == len(sends)

    # Time stamps are the simulated send times; sources are the sender's address on the link.
    expected_ab = [s for s in sends if {s[1], s[2]} == {"a", "b"}]
    for pkt, send in zip(ab, expected_ab, strict=True):
        assert Decimal(pkt.one("frame.time_epoch")) * 10**9 == expect_ns(send[0])
        assert pkt.one("ip.src") == str(ip.interface_address(send[1], send[2]))
        assert pkt.one("ip.dst") == "224.0.0.5" and pkt.one("ip.ttl") == "1"
        assert pkt.one("ospf.srcrouter") == str(ip.router_id(send[1]))
        assert pkt.one("ospf.area_id") == "0.0.0.0"
    assert [p.one("ospf.msg") for p in ab] == ["1", "1", "2", "2", "4", "4", "5"]

    hello_a, hello_b = ab[0], ab[1]
    assert hello_a.values("ospf.hello.active_neighbor") == []
    assert hello_b.values("ospf.hello.active_neighbor") == ["10.255.0.1"]
    for h in (hello_a, hello_b):
        assert h.one("ospf.hello.network_mask") == "255.255.255.254"
        assert (h.one("ospf.hello.hello_interval"), h.one("ospf.hello.router_dead_interval")) == ("10", "40")
        assert h.one("ospf.hello.router_priority") == "0"

    dd_a, dd_b = ab[2], ab[3]
    assert (dd_a.one("ospf.dbd.i"), dd_a.one("ospf.dbd.ms"), dd_a.one("ospf.dbd.m")) == ("1", "0", "0")
    assert (dd_b.one("ospf.dbd.i"), dd_b.one("ospf.dbd.ms"), dd_b.one("ospf.dbd.m")) == ("0", "1", "0")
    assert dd_a.one("ospf.db.interface_mtu") == "1500"
    assert [lsa_header_fields(f) for _, f in dd_a.lsas()] == [("10.255.0.1", "10.255.0.1", "0x80000001")]
    assert [lsa_header_fields(f) for _, f in dd_b.lsas()] == [("10.255.0.2", "10.255.0.2", "0x80000001")]

    for pkt, send in ((ab[4], sends[5]), (ab[5], sends[6])):
        lsas = send[3].lsas
        assert pkt.one("ospf.ls.number_of_lsas") == str(len(lsas))
        got = pkt.lsas()
        assert [lsa_header_fields(f) for _, f in got] == [
            (str(ip.router_id(x.origin)), str(ip.router_id(x.origin)), f"0x{0x80000000 + x.seq:08x}") for x in lsas]
        assert [decoded_links(f) for _, f in got] == [expected_links(ip, x) for x in lsas]
        assert [int(next(c.get("show") for c in f.iter("field") if c.get("name") == "ospf.lsa.age"))
                for _, f in got] == [math.floor(send[0] - x.born) for x in lsas]

    ack = ab[6]
    (octets, header), = ack.lsas()
    assert lsa_header_fields(header) == ("10.255.0.1", "10.255.0.1", "0x80000002")
    assert octets[2:] == ab[4].lsas()[0][0][2:20]  # same header as the LSA it acknowledges, but its age

    request, bfd_down, response, bfd_up = bc
    assert (request.one("rip.command"), request.one("rip.version"), request.one("rip.family"),
            request.one("rip.metric")) == ("1", "2", "0", "16")
    assert response.one("rip.command") == "2" and response.one("ip.dst") == "224.0.0.9"
    assert response.one("ip.src") == "10.0.0.3" and response.one("udp.srcport") == "520"
    assert list(zip(response.values("rip.ip"), response.values("rip.netmask"), response.values("rip.metric"),
                    strict=True)) == [("10.255.0.3", "255.255.255.255", "0"), ("10.255.0.2", "255.255.255.255", "3"),
                                      ("10.255.0.1", "255.255.255.255", "16")]
    assert set(response.values("rip.next_hop")) == {"0.0.0.0"} and set(response.values("rip.family")) == {"2"}
    assert (bfd_down.one("bfd.sta"), bfd_down.one("bfd.your_discriminator"), bfd_down.one("bfd.detect_time_multiplier"),
            bfd_down.one("bfd.desired_min_tx_interval")) == ("0x01", "0x00000000", "5", "1000000")
    assert (bfd_up.one("bfd.sta"), bfd_up.one("bfd.my_discriminator"), bfd_up.one("bfd.your_discriminator"),
            bfd_up.one("udp.dstport"), bfd_up.one("ip.ttl"), bfd_up.one("ip.dst")) == \
        ("0x03", "0x0a000002", "0x0a000003", "3784", "255", "10.0.0.3")


@pytest.mark.tshark
def test_wireshark_agrees_on_random_traffic(tmp_path: Path) -> None:
    """Hundreds of random messages on a random network: every packet sound, every field as sent."""
    rng = np.random.default_rng(7)
    g = nx.gnm_random_graph(14, 30, seed=7)
    g = nx.relabel_nodes(g, {n: f"R{n}" for n in g})
    ip = Addressing.of_graph(g)
    edges = sorted(g.edges)
    routers = sorted(g.nodes)
    sends = []
    t = 0.0
    for _ in range(300):
        t += float(rng.integers(0, 5_000_000)) / 1e9
        a, b = edges[int(rng.integers(len(edges)))]
        src, dst = (a, b) if rng.random() < 0.5 else (b, a)
        kind = int(rng.integers(4))
        if kind == 0:
            msg = Hello(bool(rng.random() < 0.5))
        elif kind == 1:
            origins = rng.choice(routers, size=int(rng.integers(1, 5)), replace=False)
            msg = LsUpdate(tuple(
                Lsa(str(o), int(rng.integers(1, 1000)), tuple(sorted((n, float(rng.integers(1, 2000)) / 10)
                                                                     for n in g[str(o)])), t - float(rng.random()) * 50)
                for o in origins))
        elif kind == 2:
            msg = RipResponse(tuple((str(d), float(rng.integers(0, 170)) / 10)
                                    for d in rng.choice(routers, size=int(rng.integers(1, 14)), replace=False)))
        else:
            msg = BfdPacket(str(rng.choice(["Down", "Init", "Up"])), float(rng.integers(10, 1000)) / 1000)
        sends.append((t, src, dst, msg))
    rec = record_all(tmp_path, g, [(*s, {**OSPF_OPTS, **RIP_OPTS}) for s in sends])
    assert rec.skipped == {} and rec.messages == len(sends)

    # One decode for the whole network: merge the per-link files (mergecap ships with tshark)
    # and tell the links and directions apart by source address, unique per interface.
    if shutil.which("mergecap") is None:
        pytest.skip("mergecap (installed with tshark) is missing")
    merged = tmp_path / "all.pcap"
    subprocess.run(["mergecap", "-w", str(merged), *(str(tmp_path / rec.file_name(a, b)) for a, b in edges)],
                   check=True, capture_output=True, timeout=120)
    by_source: dict[str, list[Decoded]] = {}
    for pkt in tshark(merged):
        check_sound(pkt)
        by_source.setdefault(pkt.one("ip.src"), []).append(pkt)
    seen = 0
    for a, b in edges:
        for src, dst in ((a, b), (b, a)):
            sent = [s for s in sends if (s[1], s[2]) == (src, dst)]
            got = by_source.pop(str(ip.interface_address(src, dst)), [])
            assert len(got) == len(sent)  # no message here needs more than one packet
            for pkt, (t, _, _, msg) in zip(got, sent, strict=True):
                seen += 1
                assert Decimal(pkt.one("frame.time_epoch")) * 10**9 == expect_ns(t)
                if isinstance(msg, Hello):
                    assert pkt.one("ospf.msg") == "1"
                    assert pkt.values("ospf.hello.active_neighbor") == (
                        [str(ip.router_id(dst))] if msg.sees_you else [])
                elif isinstance(msg, LsUpdate):
                    lsas = pkt.lsas()
                    assert [lsa_header_fields(f) for _, f in lsas] == [
                        (str(ip.router_id(x.origin)),) * 2 + (f"0x{0x80000000 + x.seq:08x}",) for x in msg.lsas]
                    assert [decoded_links(f) for _, f in lsas] == [expected_links(ip, x) for x in msg.lsas]
                elif isinstance(msg, RipResponse):
                    assert pkt.values("rip.ip") == [str(ip.router_id(d)) for d, _ in msg.entries]
                    assert pkt.values("rip.metric") == [str(min(15, math.floor(m + 0.5)) if m < 16 else 16)
                                                        for _, m in msg.entries]
                else:
                    code = {"Down": "0x01", "Init": "0x02", "Up": "0x03"}[msg.state]
                    assert pkt.one("bfd.sta") == code
                    assert int(pkt.one("bfd.desired_min_tx_interval")) == round(msg.interval * 1e6)
    assert by_source == {}
    assert seen == len(sends)


# -- through the command line ------------------------------------------------------------------
def test_run_pcap_captures_exactly_the_packets_netsim_counts(tmp_path: Path) -> None:
    """`netsim run --pcap DIR`: one file per link and protocol, holding every packet the run
    counted (the tap sits where a router puts a message on the wire)."""
    from click.testing import CliRunner

    from netsim.cli import cli

    out = tmp_path / "caps"
    res = CliRunner().invoke(cli, ["run", "scenarios/count-to-infinity.yaml", "--json", "--pcap", str(out)])
    assert res.exit_code == 0, res.output
    results = json.loads(res.output)
    links = [line.split("\t") for line in (out / "distvector" / "links.tsv").read_text().splitlines()[1:]]
    captured = sum(int(row[-1]) for row in links)
    assert captured == results[0]["messages_total"] > 0
    assert sorted(p.name for p in (out / "distvector").glob("*.pcap")) == sorted(row[0] for row in links)


def test_run_pcap_to_a_file_path_is_one_line_before_running(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from netsim.cli import cli

    (tmp_path / "afile").write_text("x")
    res = CliRunner().invoke(cli, ["run", "scenarios/count-to-infinity.yaml", "--pcap", str(tmp_path / "afile")])
    assert res.exit_code == 2 and "is a file" in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1
