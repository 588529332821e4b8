"""Topology files: every format round-trips, every malformed file gets one clear line, repairs are announced."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import networkx as nx
import pytest

from netsim.errors import NetsimError, TopologyError
from netsim.files import atomic_write
from netsim.topology.common import unique_names
from netsim.topology.load import (
    DEFAULT_DELAY,
    FORMATS,
    TopologyWarning,
    describe,
    generate,
    graph_from_mapping,
    load_any,
    read_topology,
    write_topology,
)

SUFFIX = {"yaml": ".yaml", "graphml": ".graphml", "gml": ".gml", "json": ".json", "edgelist": ".txt"}


def tricky_graph() -> nx.Graph:
    """Names that trip up formats (spaces, YAML booleans, digits, non-ASCII, '#'), mixed costs."""
    g = nx.Graph(name="tricky net", geographic=True)
    g.add_node("New York", pos=(-74.01, 40.71))
    g.add_node("no", pos=(-87.65, 41.85))
    g.add_node("1", pos=(2.35, 48.86))
    g.add_node("Zürich", pos=(8.54, 47.37))
    g.add_node("a#b", pos=(0.0, 0.0))
    g.add_edge("New York", "no", cost=1, delay=0.0057308, length=1146.16)
    g.add_edge("no", "1", cost=2.5, delay=0.03)
    g.add_edge("1", "Zürich", cost=10, delay=0.0)
    g.add_edge("Zürich", "a#b", cost=3, delay=DEFAULT_DELAY)
    g.add_edge("a#b", "New York", cost=7, delay=0.123456789)
    return g


def edge_facts(g: nx.Graph, keys: tuple[str, ...] = ("cost", "delay")) -> dict[frozenset, tuple]:
    return {frozenset((u, v)): tuple(d.get(k) for k in keys) for u, v, d in g.edges(data=True)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_round_trips_names_costs_delays_and_positions(tmp_path: Path, fmt: str) -> None:
    g = tricky_graph()
    path = tmp_path / f"net{SUFFIX[fmt]}"
    write_topology(g, path)
    back = read_topology(path)
    assert list(back) == list(g)
    assert edge_facts(back) == edge_facts(g)
    assert all(isinstance(c, int) for *_, c in back.edges(data="cost") if c != 2.5)
    assert dict(back.nodes(data="pos")) == dict(g.nodes(data="pos"))
    assert back.graph["name"] == "tricky net"
    assert back.graph["geographic"] is True
    if fmt != "edgelist":  # an edge list carries cost and delay only
        assert back.edges["New York", "no"]["length"] == 1146.16


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_can_be_forced_whatever_the_extension(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "net.data"
    write_topology(generate("ring", n=5), path, fmt)
    assert edge_facts(read_topology(path, fmt)) == edge_facts(generate("ring", n=5))


def test_write_replaces_the_file_atomically_and_leaves_nothing_behind_on_interrupt(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text("old content\n")

    def interrupted(tmp: Path) -> None:
        tmp.write_text("half a fi")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, interrupted)
    assert path.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["net.yaml"]


def test_write_into_a_missing_folder_creates_it(tmp_path: Path) -> None:
    write_topology(generate("line", n=2), tmp_path / "new" / "net.yaml")
    assert (tmp_path / "new" / "net.yaml").is_file()


def test_write_below_a_file_is_one_line_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(NetsimError, match=r"afile/net\.yaml: cannot write"):
        write_topology(generate("line", n=2), tmp_path / "afile" / "net.yaml")


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


GRAPHML_HEAD = """<?xml version="1.0"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="c" for="edge" attr.name="cost" attr.type="double"/>
  <key id="l" for="node" attr.name="label" attr.type="string"/>
  <graph edgedefault="undirected">
"""

MALFORMED = [
    ("bad.yaml", "links:\n  - [a, b\n  - [b, c]\n", "bad.yaml: line 3: not valid YAML"),
    ("bad.graphml", "<graphml><graph>", "bad.graphml: line 1: not valid GraphML"),
    ("bad.gml", "graph [ node [ id 0 ", "bad.gml: not valid GML"),
    ("bad.json", '{"nodes": [\n  {"id": 1},,\n]}', "bad.json: line 2: not valid JSON"),
    ("shape.json", '{"nodes": {}}', "shape.json: expected node-link JSON"),
    ("top.yaml", "- [a, b]\n", "top.yaml: line 1: expected a mapping with 'links'"),
    ("binary.yaml", b"\xff\xfe\x00links", "binary.yaml: not a text file"),
    ("net.topo", "a b\n", "net.topo: cannot tell the format from the extension '.topo'"),
    (
        "neg.yaml",
        "name: t\nlinks:\n  - [a, b]\n  - [b, c, -3]\n",
        "neg.yaml: line 4: link b–c: cost must be a positive number, got -3",
    ),
    (
        "word.yaml",
        "links:\n  - {a: a, b: b, cost: ten}\n",
        "word.yaml: line 2: link a–b: cost must be a positive number, got 'ten'",
    ),
    (
        "delay.yaml",
        "links:\n  - {a: a, b: b, delay: -1}\n",
        "delay.yaml: line 2: link a–b: delay must be a number of seconds >= 0",
    ),
    (
        "length.yaml",
        "links:\n  - {a: a, b: b, length: x}\n",
        "length.yaml: line 2: link a–b: length must be a number of km",
    ),
    (
        "zero.graphml",
        GRAPHML_HEAD + '<node id="a"/><node id="b"/><edge source="a" target="b"><data key="c">0</data></edge>'
        "</graph></graphml>",
        "zero.graphml: link a–b: cost must be a positive number, got 0.0",
    ),
    (
        "text.json",
        '{"nodes": [{"id": "a"}, {"id": "b"}], "edges": [{"source": "a", "target": "b", "cost": "abc"}]}',
        "text.json: edges[0]: link a–b: cost must be a positive number, got 'abc'",
    ),
    (
        "ghost.json",
        '{"nodes": [{"id": "a"}], "edges": [{"source": "a", "target": "b"}]}',
        "ghost.json: edges[0]: link names unknown node 'b'",
    ),
    (
        "lonely.yaml",
        "nodes: [a, b, c, e]\nlinks:\n  - [a, b]\n  - [b, c]\n",
        "lonely.yaml: line 1: node 'e' has no links",
    ),
    (
        "lonely2.yaml",
        "nodes:\n  a: {pos: [0, 0]}\n  b:\n  e: {pos: [1, 1]}\nlinks:\n  - [a, b]\n",
        "lonely2.yaml: line 4: node 'e' has no links",
    ),
    (
        "parts.yaml",
        "links:\n  - [a, b]\n  - [c, d]\n  - [d, e]\n",
        "parts.yaml: the topology is not connected (2 parts): a, b cannot reach c",
    ),
    ("loop.yaml", "links:\n  - [a, b]\n  - [b, b]\n", "loop.yaml: line 3: self-loop b–b"),
    (
        "twice.yaml",
        "links:\n  - [a, b]\n  - [c, a]\n  - [b, a, 4]\n",
        "twice.yaml: line 4: duplicate link b–a (first at line 2)",
    ),
    (
        "typo.yaml",
        "nodes: [Chicago, Denver]\nlinks:\n  - [Chicago, Denvr]\n",
        "typo.yaml: line 3: unknown node 'Denvr' (did you mean 'Denver'?)",
    ),
    ("bool.yaml", "links:\n  - [no, se]\n", "bool.yaml: line 2: node name False reads as a boolean (bare yes/no"),
    ("key.yaml", "lnks:\n  - [a, b]\n", "key.yaml: line 1: unknown key 'lnks' (did you mean 'links'?)"),
    (
        "linkkey.yaml",
        "links:\n  - {a: x, b: y, dealy: 1}\n",
        "linkkey.yaml: line 2: unknown link key 'dealy' (did you mean 'delay'?)",
    ),
    ("short.yaml", "links:\n  - [a]\n", "short.yaml: line 2: a link is [a, b] or [a, b, cost]"),
    ("empty.yaml", "", "empty.yaml: top level: expected a mapping"),
    ("nolinks.yaml", "name: x\nlinks: []\n", "nolinks.yaml: line 2: 'links' must be a non-empty list"),
    ("pos.yaml", "nodes:\n  a: {pos: [1]}\nlinks:\n  - [a, b]\n", "pos.yaml: line 2: pos must be [x, y] numbers"),
    ("fields.txt", "a b 1\na b c d e\n", "fields.txt: line 2: expected 'A B [COST [DELAY]]', got 5 fields"),
    ("quote.txt", "'a b 1\n", "quote.txt: line 1: cannot split the line"),
    ("directive.txt", "#: colour red\na b\n", "directive.txt: line 1: unknown directive '#: colour red'"),
    ("cost.txt", "a b\nb c -2\n", "cost.txt: line 2: link b–c: cost must be a positive number, got -2"),
]


@pytest.mark.parametrize(("name", "text", "expected"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_files_get_one_line_naming_file_place_and_problem(tmp_path: Path, name: str, text, expected) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(TopologyError) as caught:
        read_topology(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path))
    assert expected in message


def test_missing_file_and_folder_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(TopologyError, match=r"gone\.yaml: no such file$"):
        read_topology(tmp_path / "gone.yaml")
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(TopologyError, match=r"dir\.yaml: is a directory"):
        read_topology(tmp_path / "dir.yaml")
    with pytest.raises(TopologyError, match=r"net\.yaml: unknown format 'xml' \(known: yaml, graphml"):
        read_topology(tmp_path / "net.yaml", "xml")


def read_with_warnings(path: Path, **kwargs) -> tuple[nx.Graph, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph = read_topology(path, **kwargs)
    return graph, [str(w.message) for w in caught if issubclass(w.category, TopologyWarning)]


def test_exchange_formats_merge_parallel_links_keeping_the_cheapest_and_say_so(tmp_path: Path) -> None:
    text = GRAPHML_HEAD + (
        '<node id="a"/><node id="b"/><node id="c"/>'
        '<edge source="a" target="b"><data key="c">5</data></edge>'
        '<edge source="b" target="a"><data key="c">2</data></edge>'
        '<edge source="b" target="c"><data key="c">1</data></edge>'
        "</graph></graphml>"
    )
    graph, said = read_with_warnings(write(tmp_path, "par.graphml", text))
    assert graph.edges["a", "b"]["cost"] == 2
    assert isinstance(graph.edges["a", "b"]["cost"], int)
    assert said == [f"{tmp_path / 'par.graphml'}: merged 1 parallel link(s), keeping the cheapest: a–b"]


def test_exchange_formats_drop_self_loops_with_a_warning(tmp_path: Path) -> None:
    text = (
        "graph [ multigraph 1\n"
        '  node [ id 0 label "x" ] node [ id 1 label "y" ]\n'
        "  edge [ source 0 target 1 ] edge [ source 1 target 1 ]\n]\n"
    )
    graph, said = read_with_warnings(write(tmp_path, "loop.gml", text))
    assert sorted(graph.edges()) == [("x", "y")]
    assert said == [f"{tmp_path / 'loop.gml'}: dropped 1 self-loop(s) at y"]


def test_duplicate_labels_are_made_unique_in_source_order_without_renaming_unique_ones(tmp_path: Path) -> None:
    text = (
        "graph [\n"
        '  node [ id 0 label "Chicago" ] node [ id 1 label "Chicago" ] node [ id 2 label "Chicago-2" ]\n'
        "  node [ id 3 ]\n"
        "  edge [ source 0 target 1 ] edge [ source 1 target 2 ] edge [ source 2 target 3 ]\n]\n"
    )
    graph = read_topology(write(tmp_path, "dup.gml", text))
    assert list(graph) == ["Chicago", "Chicago-3", "Chicago-2", "3"]
    assert unique_names(["a", "b", "a", "a"]) == ["a", "b", "a-2", "a-3"]


def law_of_cosines_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """An independent great-circle formula, to check the haversine the loader uses."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    cos_angle = math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    return 6371.0 * math.acos(max(-1.0, min(1.0, cos_angle)))


def test_topology_zoo_style_graphml_gets_delays_from_great_circle_distance(tmp_path: Path) -> None:
    text = """<?xml version="1.0"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="lat" for="node" attr.name="Latitude" attr.type="double"/>
  <key id="lon" for="node" attr.name="Longitude" attr.type="double"/>
  <key id="lab" for="node" attr.name="label" attr.type="string"/>
  <graph edgedefault="undirected">
    <node id="0"><data key="lab">London</data><data key="lat">51.51</data><data key="lon">-0.13</data></node>
    <node id="1"><data key="lab">Paris</data><data key="lat">48.86</data><data key="lon">2.35</data></node>
    <node id="2"><data key="lab">Paris bis</data><data key="lat">48.86</data><data key="lon">2.35</data></node>
    <edge source="0" target="1"/><edge source="1" target="2"/>
  </graph>
</graphml>"""
    graph = read_topology(write(tmp_path, "zoo.graphml", text), cost="distance")
    km = law_of_cosines_km((-0.13, 51.51), (2.35, 48.86))
    assert graph.graph["geographic"] is True
    assert graph.edges["London", "Paris"]["delay"] == pytest.approx(km / 200_000, rel=1e-6)
    assert graph.edges["London", "Paris"]["cost"] == round(km)
    # co-located routers: zero length falls back to the default delay and cost 1
    assert graph.edges["Paris", "Paris bis"]["delay"] == DEFAULT_DELAY
    assert graph.edges["Paris", "Paris bis"]["cost"] == 1


def test_cost_choices_unit_distance_and_named_attribute(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.json",
        """{"nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
        "edges": [{"source": "a", "target": "b", "cost": 4, "dist": 0.4, "w": 2.5},
                  {"source": "b", "target": "c", "dist": 1234.6, "w": 3}]}""",
    )
    assert edge_facts(read_topology(path), ("cost",)) == {frozenset("ab"): (4,), frozenset("bc"): (1,)}
    assert edge_facts(read_topology(path, cost="distance"), ("cost",)) == {
        frozenset("ab"): (1,),
        frozenset("bc"): (1235,),
    }
    assert edge_facts(read_topology(path, cost="w"), ("cost",)) == {frozenset("ab"): (2.5,), frozenset("bc"): (3,)}
    with pytest.raises(TopologyError, match=r"edges\[1\]: link b–c: no 'cost' attribute"):
        read_topology(path, cost="cost")
    with pytest.raises(TopologyError, match="cost must be 'unit', 'distance' or an edge attribute name, got 3"):
        read_topology(path, cost=3)  # type: ignore[arg-type]


def test_distance_cost_needs_some_length_information(tmp_path: Path) -> None:
    path = write(tmp_path, "plain.yaml", "links:\n  - [a, b]\n")
    with pytest.raises(TopologyError, match="plain.yaml: cost 'distance' needs link lengths or geographic positions"):
        read_topology(path, cost="distance")


def test_yaml_delay_comes_from_explicit_delay_then_length_then_geography_then_default(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "d.yaml",
        """geographic: true
nodes:
  p: {pos: [2.35, 48.86]}
  l: {pos: [-0.13, 51.51]}
  x: {pos: [10, 50]}
  y:
links:
  - {a: p, b: l, delay: 0.5}
  - {a: l, b: x, length: 1000}
  - [x, p]
  - [x, y]
""",
    )
    g = read_topology(path)
    assert g.edges["p", "l"]["delay"] == 0.5
    assert g.edges["l", "x"]["delay"] == pytest.approx(0.005)
    assert g.edges["x", "p"]["delay"] == pytest.approx(law_of_cosines_km((10, 50), (2.35, 48.86)) / 200_000, rel=1e-5)
    assert g.edges["x", "y"]["delay"] == DEFAULT_DELAY


def test_describe_ring_is_two_edge_connected_and_line_has_bridges() -> None:
    ring, line = describe(generate("ring", n=6)), describe(generate("line", n=4))
    assert ring | {"bridges": None} == {
        "name": "ring(n=6)",
        "nodes": 6,
        "links": 6,
        "degree_min": 2,
        "degree_mean": 2.0,
        "degree_max": 2,
        "diameter": 3,
        "connected": True,
        "two_edge_connected": True,
        "bridges": None,
    }
    assert ring["bridges"] == []
    assert line["two_edge_connected"] is False
    assert line["bridges"] == [("r1", "r2"), ("r2", "r3"), ("r3", "r4")]
    assert line["diameter"] == 3


def test_describe_reports_a_disconnected_graph_without_a_diameter() -> None:
    g = nx.Graph([("a", "b"), ("c", "d")])
    facts = describe(g)
    assert (facts["connected"], facts["diameter"], facts["two_edge_connected"]) == (False, None, False)
    assert describe(nx.Graph())["nodes"] == 0


def test_load_any_resolves_files_relative_to_the_scenario_folder(tmp_path: Path) -> None:
    (tmp_path / "topologies").mkdir()
    (tmp_path / "scenarios").mkdir()
    write_topology(generate("ring", n=4), tmp_path / "topologies" / "r.graph", "gml")
    g = load_any({"file": "../topologies/r.graph", "format": "gml"}, base_dir=tmp_path / "scenarios")
    assert sorted(g) == ["r1", "r2", "r3", "r4"]
    with pytest.raises(TopologyError, match=r"^.*topologies/missing\.yaml: no such file$") as caught:
        load_any({"file": "../topologies/missing.yaml"}, base_dir=tmp_path / "scenarios")
    assert ".." not in str(caught.value)


def test_load_any_generator_topohub_and_inline() -> None:
    assert load_any({"generator": {"kind": "grid", "rows": 2, "cols": 3}}, base_dir=Path(".")).number_of_edges() == 7
    assert load_any({"topohub": "sndlib/polska", "cost": "distance"}, base_dir=Path(".")).number_of_nodes() == 12
    inline = load_any({"nodes": ["a", "b"], "links": [["a", "b", 3]]}, base_dir=Path("."))
    assert inline.edges["a", "b"] == {"cost": 3, "delay": DEFAULT_DELAY}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, "topology: give exactly one of file, generator, topohub or nodes/links (got none)"),
        ({"file": "a.yaml", "topohub": "x"}, "(got file and topohub)"),
        ({"topohub": "topozoo/Abilene", "format": "yaml"}, "unknown key 'format' with topohub"),
        ({"generator": "ring"}, "generator must be a mapping like {kind: ring, n: 6}"),
        ({"generator": {"kind": "ring"}}, "generator ring: missing parameter 'n'"),
        (
            {"topohub": "topozoo/Abilen"},
            "no topohub network named 'topozoo/Abilen'; did you mean topozoo/Abilene",
        ),
        ({"topohub": "topozoo/Abilene", "cost": 1}, "cost must be 'unit'"),
        ({"links": [["a", "a"]]}, "topology: links[0]: self-loop a–a"),
        ([1], "expected a mapping"),
    ],
)
def test_load_any_names_what_is_wrong_with_the_spec(spec, expected: str) -> None:
    with pytest.raises(TopologyError) as caught:
        load_any(spec, base_dir=Path("."))
    assert expected in str(caught.value)


def test_inline_mapping_errors_name_the_key_path_when_no_lines_are_known() -> None:
    with pytest.raises(TopologyError, match=r"^scenario\.yaml: topology: links\[1\]: link b–c: cost must be"):
        graph_from_mapping({"links": [["a", "b"], ["b", "c", 0]]}, source="scenario.yaml: topology")


def test_written_files_get_ordinary_permissions_not_the_temp_file_s(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    write_topology(generate("line", n=2), path)
    assert path.stat().st_mode & 0o077 != 0  # readable by others, as any file the user creates
    path.chmod(0o640)
    write_topology(generate("line", n=3), path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_load_any_prefixes_the_callers_location_when_given() -> None:
    with pytest.raises(TopologyError, match=r"^s\.yaml:3: topology: generator ring: missing parameter 'n'$"):
        load_any({"generator": {"kind": "ring"}}, base_dir=Path("."), where="s.yaml:3: topology")
    with pytest.raises(TopologyError, match=r"^generator ring: missing parameter 'n'$"):
        load_any({"generator": {"kind": "ring"}}, base_dir=Path("."))
