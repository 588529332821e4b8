"""``netsim topo``: browse the real-network catalogue, inspect, draw, export and generate topologies.

The group is attached to the main CLI with ``cli.add_command(topo)``.  Bad input raises
:class:`~netsim.errors.TopologyError`; the main CLI turns it into one line on stderr and exit
status 2.  Repairs made to real data (TopologyWarning) are printed here as ``warning: ...`` lines
on stderr, so they are seen without a Python warning's file-and-line clutter.
"""

from __future__ import annotations

import json
import re
import textwrap
import warnings
from pathlib import Path
from typing import Any

import click
import yaml

from netsim.cli.common import check_figure, check_output_file, output_option
from netsim.errors import TopologyError
from netsim.inputs import short
from netsim.output.plots.network_map import draw_topology
from netsim.topology.formats import EXTENSIONS
from netsim.topology.graph import Graph
from netsim.topology.load import (
    FORMATS,
    GENERATOR_KINDS,
    SOURCES,
    TopologyWarning,
    describe,
    generate,
    list_topohub,
    load_topohub,
    read_topology,
    write_topology,
)

COST_HELP = "Link costs: 'unit' (the file's own costs, else 1), 'distance' (km), or an edge attribute name."
cost_option = click.option("--cost", default="unit", show_default=True, help=COST_HELP)


def _echo_repairs(caught: list[warnings.WarningMessage]) -> None:
    """Repairs as plain lines; any other warning is passed on untouched."""
    for item in caught:
        if issubclass(item.category, TopologyWarning):
            click.echo(f"warning: {item.message}", err=True)
        else:
            warnings.showwarning(item.message, item.category, item.filename, item.lineno)


def load_named(name_or_file: str, cost: str = "unit") -> Graph:
    """An existing path (or one with a topology extension) is a file; anything else a topohub name.

    A scenario file counts too: its topology is what a user naming routers in it needs to see."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TopologyWarning)
        path = Path(name_or_file)
        try:
            is_file = path.exists() or path.suffix.lower() in EXTENSIONS
        except OSError:  # a name too long to be a path: a catalogue name, or nothing
            is_file = False
        if is_file and _is_scenario(path):
            from netsim.scenario import load_scenario

            graph = load_scenario(path).graph
        else:
            graph = read_topology(path, cost=cost) if is_file else load_topohub(name_or_file, cost=cost)
    _echo_repairs(caught)
    return graph


def _is_scenario(path: Path) -> bool:
    """A YAML file with a top-level ``topology:`` key is a scenario, not a topology file."""
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return False
    from netsim.inputs import read_text

    return re.search(r"^topology\s*:", read_text(path, error=TopologyError), re.MULTILINE) is not None


@click.group(name="topo")
def topo() -> None:
    """Inspect, draw, export and generate network topologies."""


@topo.command(name="list")
@click.option("--source", type=click.Choice(SOURCES), help="Only networks from this collection.")
@click.option("--min-nodes", type=click.IntRange(min=0), help="Only networks with at least this many routers.")
@click.option("--max-nodes", type=click.IntRange(min=0), help="Only networks with at most this many routers.")
def list_command(source: str | None, min_nodes: int | None, max_nodes: int | None) -> None:
    """List the real networks that can be named as 'topohub: NAME' in a scenario."""
    entries = [
        e
        for e in list_topohub(source)
        if (min_nodes is None or e.nodes >= min_nodes) and (max_nodes is None or e.nodes <= max_nodes)
    ]
    width = max([len("name"), *(len(e.name) for e in entries)])
    click.echo(f"{'name':<{width}}  {'nodes':>6}  {'links':>6}")
    for e in entries:
        click.echo(f"{e.name:<{width}}  {e.nodes:>6}  {e.links:>6}")
    click.echo(f"{len(entries)} network{'s' if len(entries) != 1 else ''}")


def _range(values: list[float], scale: float = 1.0, digits: int = 2) -> str:
    if not values:
        return "-"
    low, mean, high = min(values) * scale, sum(values) / len(values) * scale, max(values) * scale
    return f"{low:.{digits}f} / {mean:.{digits}f} / {high:.{digits}f}"


def _show_lines(graph: Graph, facts: dict[str, Any]) -> list[tuple[str, str]]:
    delays = [float(d) for _, _, d in graph.edges(data="delay")]
    costs = [float(c) for _, _, c in graph.edges(data="cost")]
    two = facts["two_edge_connected"]
    return [
        ("name", str(facts["name"])),
        ("source", str(graph.graph.get("source", ""))),
        ("routers", str(facts["nodes"])),
        ("links", str(facts["links"])),
        ("degree min/mean/max", f"{facts['degree_min']} / {facts['degree_mean']:.2f} / {facts['degree_max']}"),
        ("diameter (hops)", "-" if facts["diameter"] is None else str(facts["diameter"])),
        ("link cost min/mean/max", _range(costs)),
        ("link delay ms min/mean/max", _range(delays, 1000.0, 3)),
        ("connected", "yes" if facts["connected"] else "no"),
        ("2-edge-connected", "yes: no single link failure partitions it" if two else "no"),
        ("bridges", str(len(facts["bridges"]))),
    ]


def router_names(graph: Graph) -> list[str]:
    """The routers' names in natural order (r2 before r10): the names a scenario's events use,
    which are the source's own labels (a GraphML/GML ``label``, a topohub node name)."""
    return sorted((str(n) for n in graph.nodes),
                  key=lambda name: [(0, int(p), "") if p.isdigit() else (1, 0, p.lower())
                                    for p in re.split(r"(\d+)", name)])


@topo.command()
@click.argument("name_or_file")
@cost_option
@click.option("--json", "as_json", is_flag=True, help="Print the facts as JSON.")
def show(name_or_file: str, cost: str, as_json: bool) -> None:
    """Size, degrees, diameter, single points of failure and router names of a network (a real
    network's name, a topology file or a scenario)."""
    graph = load_named(name_or_file, cost)
    facts = describe(graph)
    names = router_names(graph)
    if as_json:
        click.echo(json.dumps({**facts, "routers": names}, indent=2, allow_nan=False))
        return
    lines = _show_lines(graph, facts)
    width = max(len(key) for key, _ in lines)
    for key, value in lines:
        click.echo(f"{key:<{width}}  {value}")
    for u, v in facts["bridges"][:10]:
        click.echo(f"  bridge {u}–{v}")
    if len(facts["bridges"]) > 10:
        click.echo(f"  ... and {len(facts['bridges']) - 10} more")
    click.echo(f"router names ({len(names)}, as events and --router take them):")
    for line in textwrap.wrap(", ".join(names), width=96, break_on_hyphens=False, break_long_words=False):
        click.echo(f"  {line}")


@topo.command()
@click.argument("name_or_file")
@output_option(type=click.Path(dir_okay=False), help="A .png, .svg or .pdf file.")
@click.option("--labels/--no-labels", default=None, help="Router names (default: shown up to 60 routers).")
@cost_option
def draw(name_or_file: str, output: str, labels: bool | None, cost: str) -> None:
    """Draw a network: map layout when it has positions, seeded spring layout otherwise."""
    check_figure(Path(output), error=TopologyError)
    draw_topology(load_named(name_or_file, cost), output, labels=labels)
    click.echo(f"wrote {output}")


def _export(graph: Graph, output: str, fmt: str | None, name: str | None, how: str) -> None:
    if name:
        graph.graph["name"] = name
    graph.graph["comment"] = f"{graph.graph.get('source', 'netsim')}, exported with: {how}"
    write_topology(graph, output, fmt)
    click.echo(f"wrote {output}")


@topo.command()
@click.argument("name_or_file")
@output_option(type=click.Path(dir_okay=False), help="File to write.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the file's extension.")
@click.option("--name", help="Network name to store in the file.")
@cost_option
def export(name_or_file: str, output: str, fmt: str | None, name: str | None, cost: str) -> None:
    """Save a network (e.g. a topohub one) as a file a scenario can name with 'file:'."""
    _check_export(output, fmt)
    graph = load_named(name_or_file, cost)
    _export(graph, output, fmt, name, f"netsim topo export {name_or_file}")


def _check_export(output: str, fmt: str | None) -> None:
    """The output's format is known and its place writable, before anything is loaded or generated."""
    from netsim.topology.formats import detect_format

    detect_format(output, fmt)
    check_output_file(Path(output), "topology file")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    from netsim.safeyaml import BoundedLoader

    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected NAME=VALUE, got {short(pair)}", param_hint="PARAMS")
        try:
            params[key] = yaml.load(value, Loader=BoundedLoader) if value else None  # noqa: S506 - safe loader
        except (yaml.YAMLError, ValueError):
            raise click.BadParameter(f"{short(pair)}: not a value (a number, true/false or a word)",
                                     param_hint="PARAMS") from None
    return params


@topo.command(name="generate")
@click.argument("kind", type=click.Choice(GENERATOR_KINDS))
@click.argument("params", nargs=-1)
@output_option(type=click.Path(dir_okay=False), help="File to write.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the file's extension.")
@click.option("--name", help="Network name to store in the file.")
def generate_command(kind: str, params: tuple[str, ...], output: str, fmt: str | None, name: str | None) -> None:
    """Generate a network and save it, e.g. 'netsim topo generate isp core=8 access=5 -o isp.yaml'."""
    _check_export(output, fmt)
    graph = generate(kind, **_parse_params(params))
    _export(graph, output, fmt, name, f"netsim topo generate {kind} {' '.join(params)}".rstrip())
