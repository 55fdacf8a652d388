"""sacrebleu 2.6.0's ``sacrebleu.metrics``: the metric classes (``BLEU``, ``CHRF``, ``TER`` and their scores;
``METRICS`` maps names to classes) and the modules ``bleu``, ``chrf``, ``ter``, ``base``, ``helpers``."""
from . import base, bleu, chrf, helpers, ter  # noqa: F401
from .base import Metric, Score, Signature  # noqa: F401
from .bleu import BLEU, BLEUScore  # noqa: F401
from .chrf import CHRF, CHRFScore  # noqa: F401
from .ter import TER, TERScore  # noqa: F401

METRICS = {"BLEU": BLEU, "CHRF": CHRF, "TER": TER}

__all__ = ["BLEU", "BLEUScore", "CHRF", "CHRFScore", "METRICS", "Metric", "Score", "Signature", "TER", "TERScore"]
