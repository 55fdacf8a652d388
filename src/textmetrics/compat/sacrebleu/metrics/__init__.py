"""sacrebleu 2.6.0's ``sacrebleu.metrics``: the metric classes (``BLEU``; ``METRICS`` maps names to classes).

chrF and TER are not wired into this compatibility layer yet: ``CHRF``/``TER`` (and their score classes) are
added to ``METRICS`` and to this module when they are; until then asking for them raises ``AttributeError`` with
that reason.
"""
from .base import Metric, Score, Signature  # noqa: F401
from .bleu import BLEU, BLEUScore  # noqa: F401

METRICS = {"BLEU": BLEU}

__all__ = ["BLEU", "BLEUScore", "METRICS", "Metric", "Score", "Signature"]

_NOT_YET = {"CHRF", "CHRFScore", "TER", "TERScore", "chrf", "ter"}


def __getattr__(name: str):
    if name in _NOT_YET:
        raise AttributeError(f"textmetrics.compat.sacrebleu.metrics has no {name} yet: chrF and TER are not wired "
                             "into the sacrebleu compatibility layer (only BLEU is)")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
