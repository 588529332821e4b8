"""Shared test setup: hypothesis profiles.

CI must be deterministic, so the ``ci`` profile (chosen when the CI variable is set, or with
``HYPOTHESIS_PROFILE=ci``) derandomises and bounds the examples; ``dev`` explores more.

Tests marked ``tshark`` decode packet captures with Wireshark's dissectors; without tshark
installed they are skipped (``.ci/install-tshark`` installs it).

Tests marked ``cluster`` start a real Dask scheduler and workers on 127.0.0.1.  They are quick
enough to run with every ``make test``; without ``distributed`` installed they are skipped.

Tests marked ``frr`` run real FRRouting routers in network namespaces.  They run only when asked
for (``-m frr``, as ``make test-frr`` does), so the plain suite never touches the machine's
namespaces; asked for without root, FRR or pyroute2 they are skipped with the one line saying
what is missing -- or fail, with ``NETSIM_REQUIRE_FRR=1``, so CI cannot pass without running them.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Test helpers (``fakeport``) live next to this file; tests are grouped in one folder per part.
sys.path.insert(0, str(Path(__file__).resolve().parent))

# CI: the same examples on every machine, whatever a local example database holds.
settings.register_profile("ci", derandomize=True, database=None, max_examples=25, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "tshark: decodes captures with Wireshark's tshark (skipped when absent)")
    config.addinivalue_line("markers", "browser: drives a real headless Chromium (skipped when none is installed)")
    config.addinivalue_line("markers", "cluster: starts a real Dask scheduler and workers on 127.0.0.1 (runs by "
                                       "default; skipped without distributed; -m 'not cluster' leaves it out)")
    config.addinivalue_line("markers", "frr: runs real FRRouting routers in network namespaces (only with -m frr; "
                                       "needs root, FRR and pyroute2)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _skip_real_routers(config, items)
    if shutil.which("tshark") is not None:
        return
    skip = pytest.mark.skip(reason="tshark is not installed (.ci/install-tshark installs it)")
    for item in items:
        if "tshark" in item.keywords:
            item.add_marker(skip)


def _skip_real_routers(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``frr`` tests: skipped unless selected with ``-m frr``; then skipped (or failed, with
    NETSIM_REQUIRE_FRR=1) when the machine cannot run the lab."""
    marked = [item for item in items if "frr" in item.keywords]
    if not marked:
        return
    if "frr" not in (config.getoption("markexpr", "") or ""):
        skip = pytest.mark.skip(reason="real FRR routers: run with -m frr (make test-frr)")
    else:
        from netsim.validate.prereq import missing_prerequisite

        why = missing_prerequisite()
        if why is None:
            return
        if os.environ.get("NETSIM_REQUIRE_FRR"):
            raise pytest.UsageError(f"NETSIM_REQUIRE_FRR is set but {why}")
        skip = pytest.mark.skip(reason=why)
    for item in marked:
        item.add_marker(skip)
