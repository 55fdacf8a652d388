"""Shared fixtures: the read-only material in ../shared, when it exists."""
from __future__ import annotations

import json
import os

import pytest

from shared_data import shared_path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def dialogsum_test() -> list[dict]:
    """The 500 DialogSum test dialogues, each with summary1..3."""
    with open(shared_path("data", "dialogsum", "dialogsum.test.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]
