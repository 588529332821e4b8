"""Scenario files whose links carry EIGRP's ``bandwidth`` and ``eigrp_delay``.

The scenario format does not accept these link keys yet.  Until it does, :func:`load_draft`
reads such a file: it sets the two keys aside, validates the rest as a normal scenario, then
puts them on the graph's edges (where :mod:`netsim.protocols.eigrp.config` reads them).  Once
the format takes the keys, ``load_scenario`` reads these files unchanged and this module goes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from netsim.errors import ScenarioError
from netsim.link import link_key
from netsim.scenario import Scenario, parse_scenario

#: The link keys the scenario format is proposed to accept for EIGRP.
EIGRP_LINK_KEYS = ("bandwidth", "eigrp_delay")


def load_draft(path: str | Path) -> Scenario:
    """Load a scenario whose link mappings may carry ``bandwidth`` (kbit/s) and ``eigrp_delay`` (µs)."""
    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None
    extra: dict[tuple[str, str], dict[str, Any]] = {}
    links = (doc.get("topology") or {}).get("links") if isinstance(doc, dict) else None
    for item in links or ():
        if isinstance(item, dict) and any(k in item for k in EIGRP_LINK_KEYS):
            key = link_key(str(item["a"]), str(item["b"]))
            extra[key] = {k: item.pop(k) for k in EIGRP_LINK_KEYS if k in item}
    sc = parse_scenario(yaml.safe_dump(doc, sort_keys=False), display=str(path), base_dir=p.parent)
    for (a, b), attrs in extra.items():
        sc.graph.edges[a, b].update(attrs)
    return sc
