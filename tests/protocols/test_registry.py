"""The protocol registry names every built-in protocol without importing it.

Why: a run imports only the protocol it runs (loading all of them cost a quarter of a second of
every command), so the table of names and aliases in ``BUILTIN`` must say exactly what the classes
say once imported.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

from netsim.protocols import PROTOCOLS, canonical_name
from netsim.protocols.base import BUILTIN


def test_the_table_matches_the_classes() -> None:
    for name, (aliases, module) in BUILTIN.items():
        importlib.import_module(module)
        cls = PROTOCOLS[name]
        assert cls.name == name
        assert tuple(cls.aliases) == aliases
        for alias in aliases:
            assert canonical_name(alias) == name


def test_a_run_of_one_protocol_imports_no_other() -> None:
    code = ("import sys\nfrom netsim.protocols import PROTOCOLS\nPROTOCOLS['distvector']\n"
            "print(sorted(m for m in sys.modules if m.startswith('netsim.protocols.') and m.count('.') == 2))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = ast.literal_eval(out)
    assert "netsim.protocols.distvector" in loaded
    assert not {"netsim.protocols.bgp", "netsim.protocols.eigrp", "netsim.protocols.isis"} & set(loaded)


def test_unknown_names_are_key_errors() -> None:
    try:
        PROTOCOLS["nonesuch"]
    except KeyError:
        return
    raise AssertionError("an unknown protocol must raise KeyError")
