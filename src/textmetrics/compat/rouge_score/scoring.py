"""rouge-score's ``scoring`` module: ``Score``, ``BaseScorer``, ``AggregateScore``, ``BootstrapAggregator``,
``fmeasure``.

``BootstrapAggregator`` behaves as rouge-score's does, quirks included: it draws from NumPy's global legacy RNG
(never seeded here, so seed ``np.random`` yourself for repeatable intervals), resamples precision, recall and F
independently, and reports the median of the bootstrap means as ``mid``. For a seeded, segment-level bootstrap
of corpus scores use textmetrics' own statistics instead.
"""
from __future__ import annotations

import abc
from collections import defaultdict
from typing import Dict, NamedTuple

import numpy as np

from ...scoring import Score, fmeasure as _fmeasure

__all__ = ["Score", "BaseScorer", "AggregateScore", "BootstrapAggregator", "fmeasure"]


class BaseScorer(abc.ABC):
    """Base class of scorers: ``score(target, prediction) -> {score_type: Score}`` (``RougeScorer`` is one)."""

    @abc.abstractmethod
    def score(self, target: str, prediction: str) -> Dict[str, Score]:
        """The scores of ``prediction`` against ``target``, one per score type."""


class AggregateScore(NamedTuple):
    low: Score
    mid: Score
    high: Score


def fmeasure(precision: float, recall: float) -> float:
    return _fmeasure(precision, recall)


class BootstrapAggregator:
    """Confidence intervals of the mean score by bootstrap resampling of the added samples."""

    def __init__(self, confidence_interval: float = 0.95, n_samples: int = 1000):
        if not 0 <= confidence_interval <= 1:
            raise ValueError("confidence_interval must be in range [0, 1]")
        if n_samples <= 0:
            raise ValueError("n_samples must be positive")
        self._n_samples = n_samples
        self._confidence_interval = confidence_interval
        self._scores: defaultdict = defaultdict(list)

    def add_scores(self, scores: dict) -> None:
        for score_type, score in scores.items():
            self._scores[score_type].append(score)

    def aggregate(self) -> dict:
        result = {}
        for score_type, scores in self._scores.items():
            low, mid, high = self._bootstrap_resample(np.vstack(tuple(scores)))
            cls = type(scores[0])
            result[score_type] = AggregateScore(cls(*low), cls(*mid), cls(*high))
        return result

    def _bootstrap_resample(self, matrix: np.ndarray) -> np.ndarray:
        n = matrix.shape[0]
        means = np.zeros((self._n_samples, matrix.shape[1]))
        for i in range(self._n_samples):
            # One draw per sample, from the global RNG, in the order rouge-score draws them.
            means[i, :] = np.mean(matrix[np.random.choice(np.arange(n), size=n), :], axis=0)
        tail = (1 - self._confidence_interval) / 2
        return np.percentile(means, 100 * np.array([tail, 0.5, 1 - tail]), axis=0)
