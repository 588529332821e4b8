"""Shared test setup: hypothesis profiles.

CI must be deterministic, so the ``ci`` profile (chosen when the CI variable is set, or with
``HYPOTHESIS_PROFILE=ci``) derandomises and bounds the examples; ``dev`` explores more.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

# Test helpers (``fakeport``) live next to this file; tests are grouped in one folder per part.
sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile("ci", derandomize=True, max_examples=25, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
