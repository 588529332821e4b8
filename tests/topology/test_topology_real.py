"""Real networks from topohub, and the curated files in topologies/."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import networkx as nx
import pytest

from netsim.errors import TopologyError
from netsim.topology.common import RawLink, RawNode, RawTopology, build_graph
from netsim.topology.load import (
    DEFAULT_DELAY,
    SOURCES,
    TopologyWarning,
    describe,
    list_topohub,
    load_topohub,
    read_topology,
)

TOPOLOGIES = Path(__file__).resolve().parents[2] / "topologies"


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Spherical law of cosines: independent of the haversine form the loader uses."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    cos_angle = math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    return 6371.0 * math.acos(max(-1.0, min(1.0, cos_angle)))


def test_abilene_loads_with_readable_names_positions_and_delays_from_link_lengths() -> None:
    g = load_topohub("topozoo/Abilene")
    assert (g.number_of_nodes(), g.number_of_edges()) == (11, 14)
    assert {"New York", "Chicago", "Seattle", "Los Angeles"} <= set(g)
    assert g.graph["geographic"] is True
    assert g.nodes["Chicago"]["pos"] == (-87.65, 41.85)
    for u, v, data in g.edges(data=True):
        km = great_circle_km(g.nodes[u]["pos"], g.nodes[v]["pos"])
        assert data["length"] == pytest.approx(km, rel=0.01)  # the data's lengths are great-circle
        assert data["delay"] == pytest.approx(data["length"] / 200_000, rel=1e-6)
        assert data["cost"] == 1
    assert g.edges["New York", "Chicago"]["delay"] == pytest.approx(1146.16 / 200_000)


def test_distance_costs_are_kilometres_rounded() -> None:
    g = load_topohub("topozoo/Abilene", cost="distance")
    assert g.edges["New York", "Chicago"]["cost"] == 1146
    assert all(isinstance(c, int) and c >= 1 for *_, c in g.edges(data="cost"))


def test_names_are_matched_case_insensitively_and_without_the_source_when_unique() -> None:
    assert load_topohub("TOPOZOO/abilene").graph["name"] == "topozoo/Abilene"
    assert load_topohub("germany50").graph["name"] == "sndlib/germany50"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("abilene", "topohub name 'abilene' is ambiguous: sndlib/abilene, topozoo/Abilene"),
        ("topozoo/Abilen", "no topohub network named 'topozoo/Abilen'; did you mean topozoo/Abilene"),
        ("nothing-like-it", "no topohub network named 'nothing-like-it'; see 'netsim topo list'"),
    ],
)
def test_unknown_or_ambiguous_names_suggest_what_exists(name: str, expected: str) -> None:
    with pytest.raises(TopologyError) as caught:
        load_topohub(name)
    assert str(caught.value).startswith(expected)


def test_duplicate_names_in_the_data_are_made_unique_deterministically() -> None:
    g = load_topohub("topozoo/Garr199904")
    assert {"MI", "MI-2", "BO", "BO-2", "NA", "NA-2", "RM", "RM-2"} <= set(g)
    assert list(g) == list(load_topohub("topozoo/Garr199904"))


def test_co_located_routers_get_the_default_delay() -> None:
    g = load_topohub("topozoo/Aarnet")
    assert g.edges["Sydney1", "Sydney2"]["delay"] == DEFAULT_DELAY
    assert g.edges["Sydney1", "Sydney2"]["length"] == 0.0


def test_gabriel_graphs_are_planar_not_geographic_but_still_have_lengths() -> None:
    g = load_topohub("gabriel/25/0")
    assert g.graph["geographic"] is False
    u, v, data = next(iter(g.edges(data=True)))
    assert data["length"] == pytest.approx(math.dist(g.nodes[u]["pos"], g.nodes[v]["pos"]), rel=1e-3)


def test_list_is_fast_metadata_that_matches_what_loading_gives() -> None:
    entries = list_topohub()
    assert {e.source for e in entries} == set(SOURCES)
    assert [e.name for e in list_topohub("sndlib")] == sorted(e.name for e in entries if e.source == "sndlib")
    gabriel = [e.name for e in list_topohub("gabriel")]
    assert gabriel.index("gabriel/5/0") < gabriel.index("gabriel/10/0")  # natural order
    with warnings.catch_warnings():
        warnings.simplefilter("error", TopologyWarning)  # these collections need no repair
        for entry in entries:
            if entry.source in ("topozoo", "sndlib"):
                g = load_topohub(entry.name)
                assert (g.number_of_nodes(), g.number_of_edges()) == (entry.nodes, entry.links), entry.name


def test_unknown_source_is_refused_with_a_suggestion() -> None:
    with pytest.raises(TopologyError, match="unknown topohub source 'zoo'"):
        list_topohub("zoo")


def test_real_data_that_is_not_connected_keeps_its_largest_part_with_a_warning() -> None:
    raw = RawTopology(
        "topohub test/split",
        "split",
        [RawNode(i, name) for i, name in enumerate(["a", "b", "c", "x", "y", "lone"])],
        [RawLink(0, 1), RawLink(1, 2), RawLink(3, 4)],
    )
    with pytest.warns(
        TopologyWarning,
        match=r"topohub test/split: not connected; kept the largest part \(3 routers\), "
        r"dropped 3: x, y, lone",
    ):
        g = build_graph(raw, connectivity="largest")
    assert sorted(g) == ["a", "b", "c"]


CURATED = sorted(TOPOLOGIES.glob("*.yaml"))


def test_curated_topologies_are_the_promised_set() -> None:
    names = {p.stem for p in CURATED}
    assert {"rfc1058", "ring8", "fish", "abilene", "nsfnet", "geant", "germany50", "isp48"} <= names


@pytest.mark.parametrize("path", CURATED, ids=[p.stem for p in CURATED])
def test_curated_topologies_load_cleanly_and_say_where_they_come_from(path: Path) -> None:
    assert path.read_text().startswith("# ")
    with warnings.catch_warnings():
        warnings.simplefilter("error", TopologyWarning)
        g = read_topology(path)
    assert g.graph["name"] == path.stem
    assert describe(g)["connected"]
    assert path.stat().st_size < 20_000


def test_rfc1058_final_costs_after_b_d_fails_match_the_rfc() -> None:
    """RFC 1058 2.2: after B-D fails, C reaches D directly (10), A and B via C (11).

    The RFC counts one more hop to its target network behind D (C 11, A and B 12).
    """
    g = read_topology(TOPOLOGIES / "rfc1058.yaml")
    before = nx.single_source_dijkstra_path_length(g, "D", weight="cost")
    assert before == {"D": 0, "B": 1, "A": 2, "C": 2}
    g.remove_edge("B", "D")
    after = nx.single_source_dijkstra_path_length(g, "D", weight="cost")
    assert after == {"D": 0, "C": 10, "A": 11, "B": 11}
    assert nx.shortest_path(g, "A", "D", weight="cost") == ["A", "C", "D"]


def test_fish_sends_everything_over_the_upper_body() -> None:
    g = read_topology(TOPOLOGIES / "fish.yaml")
    assert nx.shortest_path(g, "A", "H", weight="cost") == ["A", "C", "D", "G", "H"]
    assert nx.shortest_path(g, "B", "H", weight="cost") == ["B", "C", "D", "G", "H"]


def test_exported_real_networks_keep_the_catalogue_delays() -> None:
    g, ref = read_topology(TOPOLOGIES / "abilene.yaml"), load_topohub("topozoo/Abilene")
    assert {frozenset(e[:2]): e[2] for e in g.edges(data="delay")} == {
        frozenset(e[:2]): e[2] for e in ref.edges(data="delay")
    }
