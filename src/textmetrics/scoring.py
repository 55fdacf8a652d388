"""Scores and the F-measure shared by every ROUGE variant."""
from __future__ import annotations

import numbers

from typing import NamedTuple


class Score(NamedTuple):
    """Precision, recall and F-measure of one candidate against its reference(s)."""

    precision: float
    recall: float
    fmeasure: float


def fmeasure(precision: float, recall: float, alpha: float = 0.5) -> float:
    """F-measure from precision and recall.

    At ``alpha == 0.5`` this is rouge-score's ``2*P*R/(P+R)`` computed from the float P and R (0.0 when
    ``P + R == 0``), so ROUGE-N/L are bit-identical to rouge-score. Any other alpha gives ROUGE-1.5.5's ``-p``
    weighting ``P*R / (alpha*R + (1-alpha)*P)``: alpha 1 is precision, alpha 0 is recall.
    """
    if alpha == 0.5:
        if precision + recall > 0:
            return 2 * precision * recall / (precision + recall)
        return 0.0
    denominator = alpha * recall + (1 - alpha) * precision
    return precision * recall / denominator if denominator > 0 else 0.0


def check_alpha(alpha: float) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):  # np.float32 is a Real, np.bool_ is not
        raise TypeError(f"alpha must be a number in [0, 1], got {type(alpha).__name__}")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be in [0, 1], got {alpha!r}")
    return float(alpha)
