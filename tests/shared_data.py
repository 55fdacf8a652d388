"""Where the read-only shared material lives (../shared), and a skip when it is absent.

A module of its own (not conftest) so that test files can import it without clashing with other conftest.py files.
"""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test (with the reason) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not found: the shared data folder is not present in this checkout")
    return path
