"""Real FRRouting routers in Linux network namespaces: the measurement lab behind ``netsim validate``.

The lab runs a netsim topology with netsim's timers and failure events on real ``zebra`` +
``ospfd`` (linkstate) or ``zebra`` + ``ripd`` (distvector) daemons, watches every kernel routing
table change, and records what happened as netsim's own :class:`~netsim.trace.Trace`, so the
same metric code computes convergence for the simulation and for the real routers.

Entry points: ``netsim validate SCENARIO --frr`` (a scenario on FRR and on netsim, side by side;
:func:`~netsim.validate.campaign.compare_scenario` from Python), :func:`run_frr` (one run, a
trace) and ``netsim validate cleanup``.  Needs root, FRR and pyroute2 (``pip install
'netsim[validate]'``).
"""

from __future__ import annotations

from netsim.validate.lab import cleanup_leftovers
from netsim.validate.run import FrrRun, run_frr

__all__ = ["FrrRun", "cleanup_leftovers", "run_frr"]
