"""The ``finetune`` console script: names the missing extra instead of a traceback when the metrics-only
package is installed (``pip install textmetrics-exact`` without ``[finetune]``)."""
from __future__ import annotations

import importlib.util
import sys

REQUIRED = ("yaml", "torch", "transformers", "peft", "datasets")


def main(argv: list[str] | None = None) -> int:
    missing = [name for name in REQUIRED if importlib.util.find_spec(name) is None]
    if missing:
        print(f"finetune: the fine-tuning pipeline needs the 'finetune' extra (missing: {', '.join(missing)}). "
              "Install it with: pip install 'textmetrics-exact[finetune]' (and torch first, see README)",
              file=sys.stderr)
        return 2
    from .cli import main as cli_main

    return cli_main(argv)
