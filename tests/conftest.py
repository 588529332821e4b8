"""Shared test setup: hypothesis profiles.

CI must be deterministic, so the ``ci`` profile (chosen when the CI variable is set, or with
``HYPOTHESIS_PROFILE=ci``) derandomises and bounds the examples; ``dev`` explores more.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, max_examples=25, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_configure(config) -> None:  # noqa: ANN001 - pytest's hook signature
    config.addinivalue_line("markers", "frr: runs real FRRouting routers in network namespaces "
                                       "(needs root, FRR and pyroute2; skipped otherwise)")
