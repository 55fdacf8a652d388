"""sacrebleu 2.6.0's ``sacrebleu.significance``: paired significance tests between systems.

``PairedTest(named_systems, metrics, references, test_type='ar'|'bs', n_samples=0, n_ar_confidence=-1,
n_jobs=1)()`` returns ``(signatures, {'System': [names], metric_name: [Result, ...]})``; the first system is the
baseline. Same procedure, same random draws and the same numbers as sacrebleu under the same seed
(``SACREBLEU_SEED``, default 12345; ``none`` for OS entropy):

* paired bootstrap resampling (``bs``, Koehn 2004, as Moses' ``bootstrap-hypothesis-difference-significance.pl``):
  ``numpy.random.default_rng(seed).choice(N, size=(n_samples, N))``, both systems resampled with the same indices
  on float32 copies of their statistics; ``p = (#{|d*| - mean|d*| > |d|} + 1) / (n_samples + 1)``; the system's
  bootstrap mean and 95 % half-width (``estimate_ci``);
* approximate randomization (``ar``, Riezler & Maxwell 2005, as multeval): each segment's statistics swapped between
  the systems with probability 1/2 (``rng.integers(2, size=(n_samples, N), dtype=bool)``);
  ``p = (#{|s_a - s_b| > |d|} + 1) / (n_samples + 1)``; with ``n_ar_confidence > 0`` (0: 1000) also a bootstrap
  interval from the same generator.

Any metric with sacrebleu's protocol (``metrics.base.Metric``: ``_extract_corpus_statistics``,
``_aggregate_and_compute``, ``_compute_score_from_stats``, ``get_signature``) can be tested: ``BLEU``, ``CHRF``,
``TER``. With integer statistics (BLEU, chrF) the shuffled sums of the randomization test are computed exactly by
one matrix product per block of trials instead of sacrebleu's four integer products (same integers, much faster);
TER's float statistics (a mean reference length per segment) go through sacrebleu's own products, so the sums are
the same floats as sacrebleu's on the same NumPy/BLAS. Bootstrap scores of chrF and TER are ``np.float32`` (float32
sums scored in float32), so are their means and intervals, as in sacrebleu.

Difference: ``n_jobs`` is accepted and ignored, the systems are tested one after the other in this process (each
test is deterministic, so the results are those of any ``n_jobs``).
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, Optional

import numpy as np

from .metrics.base import CompatAssertionError, Metric, Signature, sacrelogger

__all__ = ["PairedTest", "Result", "estimate_ci"]

_BLOCK = 1024  # trials per matrix product in the randomization test


class Result:
    """One system's result: ``score``; ``p_value`` against the baseline (None for the baseline); the bootstrap
    ``mean`` and 95 % half-width ``ci`` when a bootstrap was run."""

    def __init__(self, score: float, p_value: Optional[float] = None, mean: Optional[float] = None,
                 ci: Optional[float] = None):
        self.score = score
        self.p_value = p_value
        self.mean = mean
        self.ci = ci

    def __repr__(self) -> str:
        # str(), not format(): an np.float32 (chrF/TER bootstrap means) prints as NumPy prints it, as in sacrebleu
        return ",".join(f"{key}={value!s}" for key, value in self.__dict__.items())


def estimate_ci(scores: np.ndarray) -> tuple[float, float]:
    """(mean, half-width of the central 95 %) of an array of resampled scores."""
    ordered = np.sort(scores)
    tail = len(ordered) // 40
    return ordered.mean(), 0.5 * (ordered[len(ordered) - tail - 1] - ordered[tail])


def _seed_from_environment() -> tuple[str, Optional[int]]:
    seed = os.environ.get("SACREBLEU_SEED", "12345")
    return seed, None if seed.lower() == "none" else int(seed)


def _resampled_scores(stats32: np.ndarray, metric: Metric, idxs: np.ndarray) -> list:
    """The metric's scores of the resamples (one row of indices each) of float32 statistics."""
    return [metric._compute_score_from_stats(stats32[row].sum(0)) for row in idxs]


def _bootstrap_resample(stats, metric: Metric, n_samples: int = 1000) -> tuple[str, list]:
    """``(seed as recorded in the signature, the scores of n_samples bootstrap resamples)`` of one system."""
    seed, value = _seed_from_environment()
    rng = np.random.default_rng(value)
    idxs = rng.choice(len(stats), size=(n_samples, len(stats)), replace=True)
    return str(seed).lower(), _resampled_scores(np.array(stats, dtype="float32"), metric, idxs)


def _compute_p_value(stats: np.ndarray, real_difference: float) -> float:
    """``(#{stats > real_difference} + 1) / (len(stats) + 1)``."""
    return (np.sum(stats > real_difference).item() + 1) / (len(stats) + 1)


def _shuffled_sums(pos_sel: np.ndarray, bl_stats, sys_stats) -> tuple[np.ndarray, np.ndarray]:
    """Column sums of the two pseudo-systems of every randomization trial: ``pos_sel @ bl + ~pos_sel @ sys`` and
    ``~pos_sel @ bl + pos_sel @ sys``."""
    baseline, system = np.asarray(bl_stats), np.asarray(sys_stats)
    if baseline.dtype.kind in "iub" and system.dtype.kind in "iub":
        baseline, system = baseline.astype(np.int64), system.astype(np.int64)
        difference = baseline - system
        if np.abs(difference).sum(axis=0).max(initial=0) < 2**52:
            # pos @ bl + neg @ sys = pos @ (bl - sys) + sum(sys), and the two pseudo-systems add up to
            # sum(bl) + sum(sys); in float64 every partial sum is an integer below 2**53, so exact in any order
            as_float = difference.astype(np.float64)
            shuf_a = np.empty((len(pos_sel), baseline.shape[1]), dtype=np.int64)
            for start in range(0, len(pos_sel), _BLOCK):
                block = pos_sel[start:start + _BLOCK].astype(np.float64)
                shuf_a[start:start + _BLOCK] = (block @ as_float).astype(np.int64)
            shuf_a += system.sum(axis=0)
            return shuf_a, baseline.sum(axis=0) + system.sum(axis=0) - shuf_a
    neg_sel = ~pos_sel
    return pos_sel @ bl_stats + neg_sel @ sys_stats, neg_sel @ bl_stats + pos_sel @ sys_stats


def _paired_ar_test(baseline_info: dict, sys_name: str, hypotheses: Sequence[str], references,
                    metrics: Mapping[str, Metric], n_samples: int = 10000, n_ar_confidence: int = -1,
                    seed: Optional[int] = None) -> tuple[str, dict]:
    """Paired two-sided approximate randomization test of one system against the baseline, for every metric."""
    rng = np.random.default_rng(seed)
    pos_sel = rng.integers(2, size=(n_samples, len(hypotheses)), dtype=bool)
    if n_ar_confidence > 0:
        bs_idxs = rng.choice(len(hypotheses), size=(n_ar_confidence, len(hypotheses)), replace=True)
    results = {}
    for name, metric in metrics.items():
        bl_stats, bl_result = baseline_info[name]
        sacrelogger.info(f"Computing {name} for {sys_name!r} and extracting sufficient statistics")
        sys_stats = metric._extract_corpus_statistics(hypotheses, references)
        sys_score = metric._aggregate_and_compute(sys_stats)
        diff = abs(bl_result.score - sys_score.score)
        sacrelogger.info(f" > Performing approximate randomization test (# trials: {n_samples})")
        shuf_a, shuf_b = _shuffled_sums(pos_sel, bl_stats, sys_stats)
        scores_a = np.array([metric._aggregate_and_compute(x).score for x in shuf_a[:, None]])
        scores_b = np.array([metric._aggregate_and_compute(x).score for x in shuf_b[:, None]])
        result = Result(sys_score.score, _compute_p_value(np.abs(scores_a - scores_b), diff))
        if n_ar_confidence > 0:
            sacrelogger.info(" > Performing bootstrap resampling for confidence interval (# resamples: "
                             f"{n_ar_confidence})")
            resampled = _resampled_scores(np.array(sys_stats, dtype="float32"), metric, bs_idxs)
            result.mean, result.ci = estimate_ci(np.array([s.score for s in resampled]))
        results[name] = result
    return sys_name, results


def _paired_bs_test(baseline_info: dict, sys_name: str, hypotheses: Sequence[str], references,
                    metrics: Mapping[str, Metric], n_samples: int = 1000, n_ar_confidence: int = -1,
                    seed: Optional[int] = None) -> tuple[str, dict]:
    """Paired bootstrap resampling test of one system against the baseline, for every metric."""
    rng = np.random.default_rng(seed)
    idxs = rng.choice(len(hypotheses), size=(n_samples, len(hypotheses)), replace=True)
    results = {}
    for name, metric in metrics.items():
        bl_stats, bl_result = baseline_info[name]
        sacrelogger.info(f"Computing {name} for {sys_name!r} and extracting sufficient statistics")
        sys_stats = metric._extract_corpus_statistics(hypotheses, references)
        sys_score = metric._aggregate_and_compute(sys_stats)
        diff = abs(bl_result.score - sys_score.score)
        sacrelogger.info(f" > Performing paired bootstrap resampling test (# resamples: {n_samples})")
        scores_bl = np.array([s.score for s in _resampled_scores(np.array(bl_stats, dtype="float32"), metric,
                                                                 idxs)])
        scores_sys = np.array([s.score for s in _resampled_scores(np.array(sys_stats, dtype="float32"), metric,
                                                                  idxs)])
        sys_mean, sys_ci = estimate_ci(scores_sys)
        sample_diffs = np.abs(scores_sys - scores_bl)
        p_value = _compute_p_value(sample_diffs - sample_diffs.mean(), diff)
        results[name] = Result(sys_score.score, p_value, sys_mean, sys_ci)
    return sys_name, results


class PairedTest:
    """Paired significance tests of systems against the first one (the baseline).

    Args:
        named_systems: ``[(name, hypotheses), ...]``, the baseline first.
        metrics: ``{name: metric}`` (e.g. ``{'BLEU': BLEU(references=refs)}``).
        references: reference streams, or None to use each metric's cached references.
        test_type: ``'ar'`` (approximate randomization) or ``'bs'`` (paired bootstrap).
        n_samples: trials (``ar``) or resamples (``bs``); 0 for the defaults, 10000 and 1000.
        n_ar_confidence: ``ar`` only: bootstrap resamples for the confidence intervals; -1 for none, 0 for 1000.
        n_jobs: accepted for compatibility and ignored (see the module docstring).
    """

    _DEFAULT_SAMPLES = {"ar": 10000, "bs": 1000}

    def __init__(self, named_systems: list, metrics: Mapping[str, Metric], references=None, test_type: str = "ar",
                 n_samples: int = 0, n_ar_confidence: int = -1, n_jobs: int = 1):
        if test_type not in ("ar", "bs"):
            raise CompatAssertionError(f"Unknown test type {test_type!r}: choose 'ar' or 'bs'")
        if not named_systems:
            raise ValueError("named_systems is empty: give the baseline and the systems to compare with it")
        self.test_type = test_type
        self._fn = _paired_ar_test if test_type == "ar" else _paired_bs_test
        _, self._seed = _seed_from_environment()
        self.n_jobs = n_jobs
        self.references = references
        self.named_systems = named_systems
        self.n_ar_confidence = n_ar_confidence if n_ar_confidence != 0 else self._DEFAULT_SAMPLES["bs"]
        self.n_samples = n_samples if n_samples > 0 else self._DEFAULT_SAMPLES[test_type]
        self.n_systems = len(named_systems) - 1
        self._signatures: dict[str, Signature] = {}
        self._baseline_info: dict[str, tuple[Any, Result]] = {}
        self.metrics = {}

        bl_name, bl_hyps = named_systems[0]
        for name, metric in metrics.items():
            sacrelogger.info(f"Pre-computing {name} statistics for {bl_name!r}")
            bl_stats = metric._extract_corpus_statistics(bl_hyps, references)
            bl_score = metric._aggregate_and_compute(bl_stats)
            confidence_n = self.n_samples if test_type == "bs" else self.n_ar_confidence
            bl_mean = bl_ci = None
            if confidence_n > 0:
                _, resampled = _bootstrap_resample(bl_stats, metric, confidence_n)
                bl_mean, bl_ci = estimate_ci(np.array([s.score for s in resampled]))
            self._baseline_info[bl_score.name] = (bl_stats, Result(bl_score.score, mean=bl_mean, ci=bl_ci))
            self.metrics[bl_score.name] = metric
            signature = metric.get_signature()
            signature.update("seed", str(self._seed).lower())
            signature.update(test_type, self.n_samples)
            if self.n_ar_confidence > 0:
                signature.update("bs", self.n_ar_confidence)
            self._signatures[bl_score.name] = signature

    def __call__(self) -> tuple[dict, dict]:
        """``(signatures, scores)``: ``scores['System']`` the names, ``scores[metric]`` one ``Result`` per system."""
        scores: dict[str, list] = {"System": [name for name, _ in self.named_systems]}
        for metric_name, (_, result) in self._baseline_info.items():
            scores[metric_name] = [result]
        seed = self._seed if self._seed else None
        for name, hyps in self.named_systems[1:]:
            _, results = self._fn(self._baseline_info, name, hyps, self.references, self.metrics, self.n_samples,
                                  self.n_ar_confidence, seed)
            for metric_name, result in results.items():
                scores[metric_name].append(result)
        return self._signatures, scores
