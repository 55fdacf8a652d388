"""Bootstrap confidence intervals and paired significance tests over per-segment statistics.

Statistics first, as in sacrebleu: every segment of a corpus reduces to a row of numbers (BLEU: match and total
counts and lengths; ROUGE: the segment's score), a corpus score is a function of the column sums, and resampling
reorders rows, never text. The procedures and the random draws are sacrebleu 2.6.0's (``significance.py``):

* ``bootstrap_ci``: ``numpy.random.default_rng(seed).choice(N, size=(n_samples, N))``; reports the mean of the
  resampled scores and the half-width ``0.5 * (upper - lower)`` of the central 95 % (indices ``n // 40`` and
  ``n - n // 40 - 1`` of the sorted scores), plus ``low``/``high`` at the requested confidence level.
* ``paired_bootstrap``: both systems resampled with the same indices; p = (#{|Δ*| − mean|Δ*| > |Δ|} + 1) / (n + 1).
* ``paired_approximate_randomization``: each segment's rows swapped between the systems with probability 0.5;
  p = (#{|s_a − s_b| > |Δ|} + 1) / (n + 1).

The default seed is 12345 (sacrebleu's ``SACREBLEU_SEED`` default); ``seed=None`` draws from OS entropy. Results are
deterministic for a given seed and recorded in the signature by the callers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from .validation import EMPTY_CORPUS, checked_options

ScoreFn = Callable[[np.ndarray], float]
DEFAULT_SEED = 12345


@dataclass(frozen=True)
class Interval:
    """A corpus score with its bootstrap estimate."""

    score: float        # the score of the whole corpus
    mean: float         # mean of the resampled scores
    ci: float           # sacrebleu's 95 % half-width: 0.5 * (upper - lower)
    low: float          # lower bound at `confidence`
    high: float         # upper bound at `confidence`
    confidence: float
    n_samples: int
    seed: Optional[int]


@dataclass(frozen=True)
class PairedResult:
    """One system compared with the baseline."""

    baseline_score: float
    score: float
    p_value: float
    mean: Optional[float] = None  # paired bootstrap: the system's resampled mean and 95 % half-width
    ci: Optional[float] = None


def _check_stats(stats) -> np.ndarray:
    array = np.asarray(stats)
    if not np.issubdtype(array.dtype, np.integer):  # integer statistics (BLEU) stay exact integers
        array = array.astype(np.float64)
    if array.ndim != 2:
        raise ValueError(f"statistics must be a 2-D array (segments x values), got shape {array.shape}")
    if array.shape[0] == 0:
        raise ValueError(f"{EMPTY_CORPUS}: the statistics have no rows (segments x values), got shape {array.shape}")
    return array


def _check_samples(n_samples) -> int:
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int, got {n_samples!r}")
    return int(n_samples)


def _resampled_scores(stats: np.ndarray, score: ScoreFn, idxs: np.ndarray) -> np.ndarray:
    return np.array([score(stats[row].sum(axis=0)) for row in idxs])


@checked_options
def sacrebleu_ci(scores: np.ndarray) -> tuple[float, float]:
    """(mean, half-width of the central 95 %) of resampled scores, as sacrebleu's ``estimate_ci``."""
    ordered = np.sort(scores)
    lower = len(ordered) // 40
    return float(ordered.mean()), float(0.5 * (ordered[len(ordered) - lower - 1] - ordered[lower]))


@checked_options
def bootstrap_ci(stats, score: ScoreFn, *, n_samples: int = 1000, confidence: float = 0.95,
                 seed: Optional[int] = DEFAULT_SEED) -> Interval:
    """Bootstrap interval of a corpus score computed by ``score(column sums of stats)``."""
    stats = _check_stats(stats)
    n_samples = _check_samples(n_samples)
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    rng = np.random.default_rng(seed)
    idxs = rng.choice(len(stats), size=(n_samples, len(stats)), replace=True)
    scores = _resampled_scores(stats, score, idxs)
    mean, ci = sacrebleu_ci(scores)
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(scores, [tail, 100 - tail])
    return Interval(score(stats.sum(axis=0)), mean, ci, float(low), float(high), confidence, n_samples, seed)


def _check_pair(baseline, system) -> tuple[np.ndarray, np.ndarray]:
    baseline, system = _check_stats(baseline), _check_stats(system)
    if baseline.shape != system.shape:
        raise ValueError(f"baseline and system statistics differ in shape: {baseline.shape} vs {system.shape}; "
                         "both systems must be scored on the same segments")
    return baseline, system


@checked_options
def paired_bootstrap(baseline, system, score: ScoreFn, *, n_samples: int = 1000,
                     seed: Optional[int] = DEFAULT_SEED) -> PairedResult:
    """Paired bootstrap resampling test (Koehn 2004; Moses' bootstrap-hypothesis-difference-significance.pl)."""
    baseline, system = _check_pair(baseline, system)
    n_samples = _check_samples(n_samples)
    rng = np.random.default_rng(seed)
    idxs = rng.choice(len(system), size=(n_samples, len(system)), replace=True)
    base_score, sys_score = score(baseline.sum(axis=0)), score(system.sum(axis=0))
    base_scores = _resampled_scores(baseline, score, idxs)
    sys_scores = _resampled_scores(system, score, idxs)
    mean, ci = sacrebleu_ci(sys_scores)
    diffs = np.abs(sys_scores - base_scores)
    count = int(np.sum(diffs - diffs.mean() > abs(base_score - sys_score)))
    return PairedResult(base_score, sys_score, (count + 1) / (n_samples + 1), mean, ci)


@checked_options
def paired_approximate_randomization(baseline, system, score: ScoreFn, *, n_samples: int = 10000,
                                     seed: Optional[int] = DEFAULT_SEED) -> PairedResult:
    """Paired approximate randomization test (Riezler & Maxwell 2005), as sacrebleu's ``--paired-ar``."""
    baseline, system = _check_pair(baseline, system)
    n_samples = _check_samples(n_samples)
    rng = np.random.default_rng(seed)
    from_baseline = rng.integers(2, size=(n_samples, len(system)), dtype=bool)  # per trial and segment
    from_system = ~from_baseline
    shuffled_a = from_baseline @ baseline + from_system @ system
    shuffled_b = from_system @ baseline + from_baseline @ system
    base_score, sys_score = score(baseline.sum(axis=0)), score(system.sum(axis=0))
    diffs = np.abs(np.array([score(a) for a in shuffled_a]) - np.array([score(b) for b in shuffled_b]))
    count = int(np.sum(diffs > abs(base_score - sys_score)))
    return PairedResult(base_score, sys_score, (count + 1) / (n_samples + 1))


@checked_options
def mean_score_stats(values) -> np.ndarray:
    """Per-segment rows ``[value, 1]`` so that a corpus mean is ``column_sum[0] / column_sum[1]`` (ROUGE)."""
    values = np.asarray(values, dtype=np.float64)
    return np.column_stack([values, np.ones_like(values)])


@checked_options
def mean_of_stats(column_sums: np.ndarray) -> float:
    return float(column_sums[0] / column_sums[1])
