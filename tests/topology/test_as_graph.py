"""AS-level topologies: the generator's structural guarantees, and the CAIDA format reader."""

from __future__ import annotations

import bz2
from collections import Counter

import networkx as nx
import pytest

from netsim.errors import TopologyError
from netsim.topology.as_graph import as_hierarchy, bad_gadget, clique, parse_caida, provider_cycle, read_caida


@pytest.mark.parametrize(("n", "seed"), [(12, 0), (60, 3), (300, 7)])
def test_generated_hierarchies_are_connected_acyclic_and_well_formed(n: int, seed: int) -> None:
    g = as_hierarchy(n, seed=seed)
    assert g.number_of_nodes() == n and nx.is_connected(g)
    assert provider_cycle(g) is None
    tiers = Counter(d["tier"] for _, d in g.nodes(data=True))
    assert 4 <= tiers["T"] <= 6 and tiers["M"] == round(0.15 * n) and tiers["CP"] == round(0.05 * n)
    tier1 = [x for x, d in g.nodes(data=True) if d["tier"] == "T"]
    for a in tier1:                                   # the tier-1 ASes peer in a full mesh
        for b in tier1:
            assert a == b or g.edges[a, b]["relationship"] == "p2p"
    for x, d in g.nodes(data=True):                   # every other AS buys transit
        if d["tier"] != "T":
            assert any(e["relationship"] == "p2c" and e["provider"] != x for e in g[x].values())
    for a, b, e in g.edges(data=True):
        assert e["relationship"] in ("p2c", "p2p")
        if e["relationship"] == "p2c":
            prov, cust = (a, b) if e["provider"] == a else (b, a)
            assert g.nodes[prov]["tier"] in ("T", "M") and g.nodes[prov]["asn"] < g.nodes[cust]["asn"]
    assert sorted(d["asn"] for _, d in g.nodes(data=True)) == list(range(1, n + 1))


def test_generator_is_deterministic_per_seed() -> None:
    a, b, c = as_hierarchy(80, seed=5), as_hierarchy(80, seed=5), as_hierarchy(80, seed=6)
    edges = lambda g: sorted((u, v, tuple(sorted(d.items()))) for u, v, d in g.edges(data=True))  # noqa: E731
    assert edges(a) == edges(b)
    assert edges(a) != edges(c)


def test_generator_rejects_bad_sizes() -> None:
    with pytest.raises(TopologyError, match="as_hierarchy: n must be"):
        as_hierarchy(1)


def test_caida_serial_1_and_2_lines() -> None:
    text = ["# source: test", "1|2|-1", "2|3|0|bgp", "", "1|4|-1"]
    g = parse_caida(text, "rel.txt")
    assert g.edges["as1", "as2"]["relationship"] == "p2c" and g.edges["as1", "as2"]["provider"] == "as1"
    assert g.edges["as2", "as3"]["relationship"] == "p2p"
    assert g.nodes["as4"]["asn"] == 4


@pytest.mark.parametrize(("line", "message"), [
    ("1|2", "rel.txt:2: expected <as1>|<as2>|<-1 or 0>"),
    ("1|x|0", "rel.txt:2: AS numbers and relationship must be integers"),
    ("1|2|1", "rel.txt:2: relationship must be -1 (provider|customer) or 0 (peers), got 1"),
    ("3|3|0", "rel.txt:2: bad AS pair 3|3"),
    ("2|1|0", "rel.txt:2: AS2–AS1 listed twice"),
])
def test_caida_errors_name_file_and_line(line: str, message: str) -> None:
    with pytest.raises(TopologyError) as err:
        parse_caida(["1|2|-1", line], "rel.txt")
    assert str(err.value).startswith(message)


def test_caida_reads_compressed_files(tmp_path) -> None:
    p = tmp_path / "20240801.as-rel.txt.bz2"
    p.write_bytes(bz2.compress(b"# x\n10|20|-1\n20|30|-1\n"))
    g = read_caida(p)
    assert sorted(g.nodes) == ["as10", "as20", "as30"]
    with pytest.raises(TopologyError, match="cannot read"):
        read_caida(tmp_path / "missing.txt")


def test_provider_cycles_are_found() -> None:
    g = parse_caida(["1|2|-1", "2|3|-1", "3|1|-1"])
    assert sorted(provider_cycle(g) or []) == ["as1", "as2", "as3"]


def test_classic_small_graphs() -> None:
    assert clique(5).number_of_edges() == 10
    g = bad_gadget()
    assert sorted(g.nodes) == ["r0", "r1", "r2", "r3"] and g.number_of_edges() == 6
