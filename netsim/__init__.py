"""netsim: a discrete-event simulator of routing-protocol convergence.

    >>> from netsim import load_scenario, run_protocols
    >>> results = run_protocols(load_scenario("scenarios/demo.yaml"))

Importing ``netsim`` is cheap: the API is loaded on first use, so ``netsim --version`` and the
protocol modules never pay for plotting or scientific libraries they do not need.
"""

from __future__ import annotations

from typing import Any

from netsim.version import __version__

__all__ = ["RunResult", "Scenario", "__version__", "load_scenario", "parse_scenario", "run_protocols", "simulate"]


def __getattr__(name: str) -> Any:
    if name in __all__ and name != "__version__":
        from netsim import api

        return getattr(api, name)
    raise AttributeError(f"module 'netsim' has no attribute {name!r}")
