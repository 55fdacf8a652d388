"""The console script names the missing extra (metrics-only install) instead of a traceback."""
from __future__ import annotations

import importlib.util
import subprocess
import sys

from finetune import _entry


def test_missing_extra_is_named(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "yaml" else real(name, *a))
    assert _entry.main(["--help"]) == 2
    err = capsys.readouterr().err
    assert "finetune' extra" in err and "missing: yaml" in err and "pip install" in err


def test_console_script_without_the_extra_in_a_real_process():
    # yaml, torch, transformers made unimportable in a fresh interpreter: the package itself must still import
    code = ("import sys\n"
            "for name in ('yaml', 'torch', 'transformers', 'peft', 'datasets'): sys.modules[name] = None\n"
            "from finetune._entry import main\n"
            "sys.exit(main(['run', '--config', 'x.yaml']))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "missing: yaml, torch, transformers, peft, datasets" in done.stderr
    assert "textmetrics-exact[finetune]" in done.stderr
