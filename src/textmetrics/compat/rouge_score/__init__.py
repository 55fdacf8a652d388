"""rouge-score 0.1.2's API on textmetrics: ``from textmetrics.compat.rouge_score import rouge_scorer, scoring``."""
from . import rouge_scorer, scoring

__all__ = ["rouge_scorer", "scoring"]
