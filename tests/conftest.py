"""Shared fixtures (DialogSum rows: the in-repo sample always, the ../shared volume when present) and the
Hypothesis profiles.

Hypothesis profiles, chosen by the environment variable ``HYPOTHESIS_PROFILE`` (default ``dev``):

- ``dev``: random exploration (a new seed each run, failures saved to .hypothesis/ and replayed), no deadline
  (the machines are shared), the reproduction blob printed on failure.
- ``ci``: derandomized (the same examples on every run, no example database), no deadline, the blob printed,
  ``max_examples=100`` where a test does not set its own. ``make test`` exports ``HYPOTHESIS_PROFILE=ci``.
"""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from shared_data import dialogsum

os.environ.setdefault("HF_HUB_OFFLINE", "1")

settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True, max_examples=100,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "dev")


@pytest.fixture(scope="session", params=["sample", "volume"], ids=["sample", "dialogsum-volume"])
def dialogsum_test(request) -> list[dict]:
    """DialogSum test dialogues, each with summary1..3: the 32 of data/dialogsum-sample, then the 500 of
    ../shared/data/dialogsum (skipped when absent)."""
    return dialogsum(request.param)
