"""Shared fixtures: the read-only material in ../shared, when it exists."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test (with the reason) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: the shared data folder is not present in this checkout")
    return path


@pytest.fixture(scope="session")
def dialogsum_test() -> list[dict]:
    """The 500 DialogSum test dialogues, each with summary1..3."""
    with open(shared_path("data", "dialogsum", "dialogsum.test.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]
