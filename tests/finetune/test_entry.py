"""The console script names the missing extra (metrics-only install) instead of a traceback."""
from __future__ import annotations

import importlib.util

from finetune import _entry


def test_missing_extra_is_named(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "yaml" else real(name, *a))
    assert _entry.main(["--help"]) == 2
    err = capsys.readouterr().err
    assert "finetune' extra" in err and "missing: yaml" in err and "pip install" in err
