"""``python -m textmetrics``: the ``textmetrics`` command (``textmetrics.cli``)."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
