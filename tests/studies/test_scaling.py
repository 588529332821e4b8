"""``netsim scale``: every column but wall time is deterministic, and the figure is written."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from click.testing import CliRunner

from netsim.cli import cli
from netsim.studies import scaling


def test_failure_link_never_partitions() -> None:
    g = nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])  # c–d is a bridge
    assert scaling.failure_link(g) == ("a", "b")
    tree = nx.Graph([("a", "b"), ("b", "c")])
    assert scaling.failure_link(tree) == ("a", "b")  # no choice: falls back to the first link


def test_study_is_deterministic_except_wall_time() -> None:
    a = scaling.study([9], [], ["linkstate", "distvector"], jobs=1)
    b = scaling.study([9], [], ["linkstate", "distvector"], jobs=1)
    strip = [{k: v for k, v in r.items() if k != "wall_s"} for r in a]
    assert strip == [{k: v for k, v in r.items() if k != "wall_s"} for r in b]
    assert {(r["family"], r["protocol"]) for r in a} == {(f, p) for f in scaling.FAMILIES
                                                         for p in ("linkstate", "distvector")}
    grid = next(r for r in a if r["family"] == "grid" and r["protocol"] == "linkstate")
    assert (grid["nodes"], grid["links"]) == (9, 12)
    assert all(r["failure_convergence"] is not None and r["messages"] > 0 for r in a)


def test_cli_scale_writes_the_plot(tmp_path: Path) -> None:
    plot = tmp_path / "scaling.png"
    res = CliRunner().invoke(cli, ["scale", "--sizes", "6", "--topohub", "topozoo/Abilene", "-p", "linkstate",
                                   "--jobs", "1", "--plot", str(plot), "--csv", str(tmp_path / "s.csv")])
    assert res.exit_code == 0, res.output
    assert plot.stat().st_size > 10_000
    assert "topozoo/Abilene" in res.output and "wall_s" in res.output
    assert len((tmp_path / "s.csv").read_text().splitlines()) == 1 + 4  # 3 families + 1 real network
