"""Real networks from the topohub package: Topology Zoo, SNDlib, CAIDA, backbone maps, Gabriel graphs.

topohub ships each network as networkx node-link JSON under ``topohub/data/<source>/.../<name>.json``
with node ``name`` and ``pos`` (longitude, latitude -- planar coordinates for the synthetic
``gabriel`` family) and edge ``dist`` (km).  We read those files directly rather than through
``topohub.get`` so that names are made readable and unique our way, and so that the catalogue can
be listed from each file's metadata block without parsing whole files (all ~700 networks list in
tens of milliseconds; parsing them all takes about half a second).

Real data is repaired rather than refused: a network that is not connected keeps its largest part
(with a TopologyWarning naming what was dropped), because the user did not write that data and
cannot fix it.
"""

from __future__ import annotations

import difflib
import importlib.resources
import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from netsim.errors import TopologyError
from netsim.records import record
from netsim.topology.common import build_graph, show
from netsim.topology.formats import node_link_to_raw
from netsim.topology.graph import Graph

if TYPE_CHECKING:
    from importlib.abc import Traversable

SOURCES: tuple[str, ...] = ("topozoo", "sndlib", "caida", "backbone", "gabriel")
PLANAR_SOURCES = frozenset({"gabriel"})
_STATS = re.compile(rb'"stats":\s*\{\s*"nodes":\s*(\d+),\s*"links":\s*(\d+)')


@record
class TopohubEntry:
    """One network of the catalogue, with the sizes its data file declares."""

    name: str
    source: str
    nodes: int
    links: int


def _data_root() -> Traversable:
    try:
        return importlib.resources.files("topohub") / "data"
    except ModuleNotFoundError:
        raise TopologyError("real networks need the 'topohub' package, which is not installed") from None


def _walk(folder: Traversable, prefix: str) -> dict[str, Traversable]:
    found: dict[str, Traversable] = {}
    for item in folder.iterdir():
        if item.is_dir():
            found.update(_walk(item, f"{prefix}{item.name}/"))
        elif item.name.endswith(".json"):
            found[prefix + item.name[: -len(".json")]] = item
    return found


def _natural(name: str) -> list[Any]:
    """Sort gabriel/5 before gabriel/10."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, Traversable]:
    """Every network name ("topozoo/Abilene") and its data file, in a stable natural order."""
    found = _walk(_data_root(), "")
    return {name: found[name] for name in sorted(found, key=_natural)}


def _sizes(name: str, item: Traversable) -> tuple[int, int]:
    """Read the counts from the metadata block; parse the whole file only if that block is missing."""
    raw = item.read_bytes()
    match = _STATS.search(raw)
    if match:
        return int(match.group(1)), int(match.group(2))
    data = json.loads(raw)
    return len(data["nodes"]), len(data.get("edges", data.get("links", [])))


@lru_cache(maxsize=1)
def _entries() -> tuple[TopohubEntry, ...]:
    entries = []
    for name, item in _catalogue().items():
        nodes, links = _sizes(name, item)
        entries.append(TopohubEntry(name, name.split("/", 1)[0], nodes, links))
    return tuple(entries)


def list_topohub(source: str | None = None) -> list[TopohubEntry]:
    """The catalogue, optionally one source only (topozoo, sndlib, caida, backbone, gabriel)."""
    if source is not None and source not in SOURCES:
        close = difflib.get_close_matches(str(source).lower(), SOURCES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise TopologyError(f"unknown topohub source {show(source)} (known: {', '.join(SOURCES)}){hint}")
    return [e for e in _entries() if source is None or e.source == source]


def resolve_topohub(name: str) -> str:
    """Exact name, else a unique case-insensitive match, also without the source ("germany50")."""
    catalogue = _catalogue()
    if name in catalogue:
        return name
    wanted = str(name).strip().lower()
    matches = [key for key in catalogue if key.lower() == wanted]
    if not matches and "/" not in wanted:
        matches = [key for key in catalogue if key.split("/", 1)[1].lower() == wanted]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise TopologyError(f"topohub name {show(name)} is ambiguous: {', '.join(matches)}")
    lower = {key.lower(): key for key in catalogue}
    close = [lower[k] for k in difflib.get_close_matches(wanted, lower, n=3, cutoff=0.6)]
    hint = f"; did you mean {', '.join(close)}?" if close else "; see 'netsim topo list'"
    raise TopologyError(f"no topohub network named {show(name)}{hint}")


def load_topohub(name: str, *, cost: str = "unit") -> Graph:
    """Load a real network by catalogue name; delays come from the link lengths in the data."""
    key = resolve_topohub(name)
    data = json.loads(_catalogue()[key].read_bytes())
    source = key.split("/", 1)[0]
    raw = node_link_to_raw(data, f"topohub {key}", key, geographic=source not in PLANAR_SOURCES)
    raw.name = key
    return build_graph(raw, cost=cost, connectivity="largest")
