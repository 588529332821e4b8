"""The command line starts fast: nothing heavy is imported for --help/--version, and every
command listed by --help exists and says what the listing says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from netsim import __version__
from netsim.cli import cli
from netsim.cli.app import COMMANDS

HEAVY = ("numpy", "scipy", "matplotlib", "networkx", "simpy", "topohub", "yaml")


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("LOADED:")][-1]
    return [m for m in line.removeprefix("LOADED:").split(",") if m]


def test_the_command_line_imports_no_scientific_library() -> None:
    assert _loaded_after("import netsim.cli") == []
    assert _loaded_after("import netsim") == []


def test_help_and_version_load_nothing_heavy() -> None:
    code = ("from netsim.cli import cli\n"
            "try:\n    cli(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "try:\n    cli(['--version'], standalone_mode=False)\nexcept SystemExit:\n    pass")
    assert _loaded_after(code) == []


DEMO = Path(__file__).resolve().parents[2] / "scenarios" / "demo.yaml"


@pytest.mark.parametrize("args", [["run", str(DEMO), "--json"],
                                  ["run", str(DEMO), "-p", "isis", "-p", "eigrp", "-p", "static"],
                                  ["sweep", str(DEMO), "--seeds", "1-2", "-j", "1", "--out", "{out}"]])
def test_runs_and_sweeps_do_not_import_networkx(args: list[str], tmp_path: Path) -> None:
    """networkx costs about 0.1 s per command and a run uses none of it (the topology is netsim's
    own Graph).  SimPy shows the command really ran."""
    args = [a.format(out=tmp_path / "out") for a in args]
    code = ("from netsim.cli import cli\n"
            f"try:\n    cli({args!r}, standalone_mode=False)\nexcept SystemExit:\n    pass")
    loaded = _loaded_after(code)
    assert "networkx" not in loaded and "simpy" in loaded


def test_a_generated_topology_loads_no_file_format_or_catalogue(tmp_path: Path) -> None:
    """A scenario whose topology is generated needs neither the file formats (XML, GraphML)
    nor the topohub catalogue; they are imported when a file or a topohub name asks for them."""
    scenario = tmp_path / "grid.yaml"
    scenario.write_text("topology: {generator: {kind: grid, rows: 3, cols: 3}}\nduration: 20\n"
                        "protocols:\n  distvector: {}\n")
    probe = ("import sys\nfrom netsim.cli import cli\n"
             f"try:\n    cli(['run', {str(scenario)!r}, '--json'], standalone_mode=False)\n"
             "except SystemExit:\n    pass\n"
             "print('LOADED:' + ','.join(m for m in ('netsim.topology.formats', 'netsim.topology.topohub', "
             "'netsim.topology.as_graph', 'xml.etree.ElementTree', 'simpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = [ln for ln in out.stdout.splitlines() if ln.startswith("LOADED:")][-1].removeprefix("LOADED:")
    assert loaded == "simpy"  # the run did run
    from netsim.topology import load

    assert load.FORMATS and load.load_topohub and "SOURCES" in load.__all__  # still offered, on first use


def test_protocols_load_neither_matplotlib_nor_scipy() -> None:
    loaded = _loaded_after("import netsim.protocols")
    assert "matplotlib" not in loaded and "scipy" not in loaded


def test_version_is_the_package_version() -> None:
    res = CliRunner().invoke(cli, ["--version"])
    assert res.exit_code == 0 and __version__ in res.output


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_listed_command_exists_and_its_summary_is_its_docstring(name: str) -> None:
    """The listing is kept apart for speed; this keeps it true (a missing module fails here)."""
    ctx = click.Context(cli, info_name="netsim")
    command = cli.get_command(ctx, name)
    assert command is not None
    first = (command.help or "").strip().splitlines()[0]
    assert first == COMMANDS[name][2]


def test_an_unknown_command_is_one_line_exit_2() -> None:
    res = CliRunner().invoke(cli, ["frobnicate"])
    assert res.exit_code == 2 and "No such command" in res.output


@pytest.mark.parametrize("given,expected", [(None, "1"), ("3", "3")])
def test_the_command_asks_numpy_for_one_blas_thread_unless_told_otherwise(given: str | None, expected: str) -> None:
    """Set before numpy is imported (so that it applies), and a value the user set is kept."""
    probe = ("import os, sys\n"
             "sys.argv = ['netsim', 'protocols']\n"
             "from netsim.cli import main\n"
             "before = 'numpy' in sys.modules\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print('BLAS:', before, 'numpy' in sys.modules, os.environ.get('OPENBLAS_NUM_THREADS'))")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("BLAS:")][-1]
    assert line == f"BLAS: False True {expected}"
