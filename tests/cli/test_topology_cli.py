"""The 'topo' command group, driven as a user would through click's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsim.cli.topo import topo
from netsim.errors import TopologyError
from netsim.topology.load import load_topohub, read_topology

TOPOLOGIES = Path(__file__).resolve().parents[2] / "topologies"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def edges(g) -> dict:
    return {frozenset((u, v)): (d["cost"], d["delay"]) for u, v, d in g.edges(data=True)}


def test_list_filters_by_source_and_size(runner: CliRunner) -> None:
    result = runner.invoke(topo, ["list", "--source", "sndlib", "--min-nodes", "12", "--max-nodes", "15"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["name", "nodes", "links"]
    rows = [line.split() for line in lines[1:-1]]
    assert rows and all(name.startswith("sndlib/") and 12 <= int(nodes) <= 15 for name, nodes, _ in rows)
    assert ["sndlib/polska", "12", "18"] in rows
    assert lines[-1] == f"{len(rows)} networks"


def test_list_rejects_an_unknown_source_as_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(topo, ["list", "--source", "zoo"])
    assert result.exit_code == 2
    assert "zoo" in result.output


def test_show_a_real_network_by_name(runner: CliRunner) -> None:
    result = runner.invoke(topo, ["show", "topozoo/Abilene"])
    assert result.exit_code == 0, result.output
    facts = dict(line.split("  ", 1) for line in result.output.splitlines() if "  " in line)
    assert facts["routers"].strip() == "11"
    assert facts["diameter (hops)"].strip() == "5"
    assert facts["2-edge-connected"].strip().startswith("yes")
    assert facts["bridges"].strip() == "0"


def test_show_a_file_lists_its_bridges(runner: CliRunner) -> None:
    result = runner.invoke(topo, ["show", str(TOPOLOGIES / "fish.yaml")])
    assert result.exit_code == 0, result.output
    assert "2-edge-connected            no" in result.output
    assert "  bridge A–C" in result.output
    assert "  bridge G–H" in result.output


def test_show_json_is_machine_readable(runner: CliRunner) -> None:
    result = runner.invoke(topo, ["show", "--json", str(TOPOLOGIES / "ring8.yaml")])
    facts = json.loads(result.output)
    assert (facts["nodes"], facts["links"], facts["two_edge_connected"], facts["bridges"]) == (8, 8, True, [])


def test_show_an_unknown_name_raises_the_topology_error_for_the_main_cli(runner: CliRunner) -> None:
    result = runner.invoke(topo, ["show", "topozoo/Abilen"])
    assert isinstance(result.exception, TopologyError)
    assert "did you mean topozoo/Abilene" in str(result.exception)
    missing = runner.invoke(topo, ["show", "nowhere.yaml"])
    assert str(missing.exception) == "nowhere.yaml: no such file"


def test_show_prints_repairs_as_warning_lines(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "p.gml"
    path.write_text(
        'graph [ multigraph 1 node [ id 0 label "a" ] node [ id 1 label "b" ]\n'
        "  edge [ source 0 target 1 cost 3 ] edge [ source 0 target 1 cost 2 ] ]\n"
    )
    result = runner.invoke(topo, ["show", str(path)])
    assert result.exit_code == 0
    assert result.stderr == f"warning: {path}: merged 1 parallel link(s), keeping the cheapest: a–b\n"


@pytest.mark.parametrize("target", ["abilene.png", "abilene.svg"])
def test_draw_writes_an_image(runner: CliRunner, tmp_path: Path, target: str) -> None:
    out = tmp_path / target
    result = runner.invoke(topo, ["draw", "topozoo/Abilene", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") if target.endswith(".png") else b"<svg" in data[:2000]
    assert len(data) > 10_000
    assert [p.name for p in tmp_path.iterdir()] == [target]


def test_draw_without_positions_and_many_routers(runner: CliRunner, tmp_path: Path) -> None:
    spec = tmp_path / "ba.yaml"
    assert runner.invoke(topo, ["generate", "barabasi_albert", "n=80", "m=2", "-o", str(spec)]).exit_code == 0
    out = tmp_path / "ba.png"
    result = runner.invoke(topo, ["draw", str(spec), "-o", str(out), "--labels"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 10_000


def test_draw_refuses_an_unknown_image_type(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(topo, ["draw", "topozoo/Abilene", "-o", str(tmp_path / "x.bmp")])
    assert isinstance(result.exception, TopologyError)
    assert "use .png, .svg or .pdf" in str(result.exception)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".yaml", ".graphml", ".gml", ".json", ".txt"])
def test_export_round_trips(runner: CliRunner, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"abilene{suffix}"
    result = runner.invoke(topo, ["export", "topozoo/Abilene", "-o", str(out), "--name", "abilene"])
    assert result.exit_code == 0, result.output
    back = read_topology(out)
    assert back.graph["name"] == "abilene"
    assert edges(back) == edges(load_topohub("topozoo/Abilene"))


def test_export_with_an_explicit_format_and_distance_costs(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "abilene.data"
    result = runner.invoke(
        topo, ["export", "topozoo/Abilene", "-o", str(out), "--format", "json", "--cost", "distance"]
    )
    assert result.exit_code == 0, result.output
    assert read_topology(out, "json").edges["New York", "Chicago"]["cost"] == 1146


def test_generate_writes_a_file_and_names_bad_parameters(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "isp.yaml"
    result = runner.invoke(topo, ["generate", "isp", "core=4", "access=2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert read_topology(out).number_of_nodes() == 12
    assert out.read_text().startswith("# generator isp, exported with: netsim topo generate isp core=4 access=2\n")
    bad = runner.invoke(topo, ["generate", "ring", "n=2", "-o", str(tmp_path / "r.yaml")])
    assert str(bad.exception) == "generator ring: n must be an integer from 3 to 100000, got 2"
    usage = runner.invoke(topo, ["generate", "ring", "n8", "-o", str(tmp_path / "r.yaml")])
    assert usage.exit_code == 2 and "expected NAME=VALUE" in usage.output
