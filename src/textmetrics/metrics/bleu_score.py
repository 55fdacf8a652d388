"""BLEU statistics -> score: sacrebleu 2.6.0's ``BLEU.compute_bleu``, once for every BLEU of textmetrics.

``bleu_from_statistics`` scores summed statistics ``[sys_len, ref_len, matches_1..N, totals_1..N]`` (what
``bleu_statistics``, ``BleuScorer.statistics`` and the Dask and CLI paths produce; shards are summed first), and
``compute_bleu`` is the formula itself, shared with ``textmetrics.compat.sacrebleu``'s ``BLEU.compute_bleu``.

The formula, in sacrebleu's float operations and order (so results are bit-identical): ``BP = exp(1 - ref_len /
sys_len)`` when ``sys_len < ref_len`` (0 when ``sys_len == 0``), else 1; precisions in percent; ``score = BP *
exp(sum(log p_n) / N)`` with ``log 0`` floored to -9999999999. No match of any order gives 0.0 whatever the
smoothing. Smoothing of orders without a match: ``"exp"`` (default, mteval/NIST: the k-th such order gets ``100 /
(2**k * total)``), ``"floor"`` (``100 * smooth_value / total``, default 0.1), ``"add-k"`` (``smooth_value``,
default 1, added to the matches *and* totals of every order >= 2, visible in the returned ``counts``/``totals``),
``"none"``. ``effective_order`` uses only the leading orders whose *totals* are non-zero (the candidate is shorter
than N), not those without matches. A perfect match scores 100.00000000000004, as in sacrebleu. Inputs are never
modified (sacrebleu's add-k modifies the caller's lists; we copy).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..bleu_tokenizers import check_bleu_tokenizer
from ..signature import Signature
from ..validation import (
    BLEU_MAX_ORDER,
    check_bleu_smoothing,
    check_bool,
    check_max_order,
    check_not_empty,
    checked_options,
)

_LOG_ZERO = -9999999999.0  # sacrebleu's floor for log(0.0)


@dataclass(frozen=True)
class BleuScore:
    """A BLEU score and the numbers it was computed from (sacrebleu's ``BLEUScore`` fields).

    Attributes:
        score: BLEU on the 0-100 scale.
        counts: clipped n-gram matches per order (with ``add-k`` smoothing: plus k for orders >= 2).
        totals: candidate n-grams per order (with ``add-k``: plus k for orders >= 2).
        precisions: n-gram precisions in percent, after smoothing (0.0 for orders not used).
        bp: brevity penalty.
        sys_len: candidate length (summed over the corpus).
        ref_len: closest reference length (summed over the corpus).
        signature: sacrebleu-style reproducibility signature (a ``textmetrics.signature.Signature``: a str with
            ``fields`` and ``with_resampling``).
    """

    score: float
    counts: tuple
    totals: tuple
    precisions: tuple
    bp: float
    sys_len: int
    ref_len: int
    signature: str = ""

    @property
    def ratio(self) -> float:
        """``sys_len / ref_len`` (0 when ``ref_len`` is 0)."""
        return self.sys_len / self.ref_len if self.ref_len else 0.0

    def __str__(self) -> str:
        precisions = "/".join(f"{p:.1f}" for p in self.precisions)
        return (f"BLEU = {self.score:.2f} {precisions} (BP = {self.bp:.3f} ratio = {self.ratio:.3f} "
                f"hyp_len = {self.sys_len:d} ref_len = {self.ref_len:d})")


def compute_bleu(correct, total, sys_len: int, ref_len: int, smooth_method: str, smooth_value,
                 effective_order: bool, max_order: int) -> tuple:
    """sacrebleu's ``BLEU.compute_bleu`` on summed statistics, options already checked (``smooth_value`` resolved
    to its default for ``floor``/``add-k``): ``(score, counts, totals, precisions, bp)``.

    ``correct`` and ``total`` (matches and n-grams per order) are copied, keeping their kind: a list stays a list,
    a NumPy row keeps its dtype (and so the rounding of a fractional add-k that sacrebleu's in-place update has).
    """
    correct = correct.copy() if isinstance(correct, np.ndarray) else list(correct)
    total = total.copy() if isinstance(total, np.ndarray) else list(total)
    if sys_len < ref_len:
        bp = math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0
    else:
        bp = 1.0
    precisions = [0.0] * max_order
    if not any(correct):
        return 0.0, correct, total, precisions, bp

    exp_denominator = 1.0  # "exp": 2**k for the k-th order without a match
    used_orders = max_order
    for i in range(max_order):
        if smooth_method == "add-k" and i > 0:
            correct[i] += smooth_value
            total[i] += smooth_value
        if total[i] == 0:
            break
        if effective_order:
            used_orders = i + 1
        if correct[i] != 0:
            precisions[i] = 100.0 * correct[i] / total[i]
        elif smooth_method == "exp":
            exp_denominator *= 2
            precisions[i] = 100.0 / (exp_denominator * total[i])
        elif smooth_method == "floor":
            precisions[i] = 100.0 * smooth_value / total[i]
    log_sum = sum(math.log(p) if p != 0.0 else _LOG_ZERO for p in precisions[:used_orders])
    return bp * math.exp(log_sum / used_orders), correct, total, precisions, bp


def bleu_signature(nrefs, lowercase, effective_order, tokenizer, smooth_method, smooth_value) -> Signature:
    """sacrebleu's BLEU signature of these settings (fields left None are omitted)."""
    case = None if lowercase is None else ("lc" if lowercase else "mixed")
    smooth = smooth_method + ("" if smooth_value is None else f"[{smooth_value:.2f}]")
    return Signature.of([("nrefs", nrefs), ("case", case), ("eff", bool(effective_order)), ("tok", tokenizer),
                         ("smooth", smooth)])


@checked_options(renamed={"smooth": "smooth_method"})
def bleu_from_statistics(statistics, *, max_order: int | None = None, smooth_method: str = "exp",
                         smooth_value: float | None = None, effective_order: bool = False,
                         nrefs: int | str | None = None, tokenizer: str | None = None,
                         lowercase: bool | None = None) -> BleuScore:
    """Score summed BLEU statistics (sacrebleu's ``BLEU.compute_bleu``).

    Args:
        statistics: one vector ``[sys_len, ref_len, matches_1..N, totals_1..N]`` (already summed), or a 2-D array
            of per-segment rows (``bleu_statistics`` output, or several shards stacked), which is summed.
        max_order: N; inferred from the vector length when None, checked against it otherwise.
        smooth_method: ``"exp"`` (default), ``"floor"``, ``"add-k"`` or ``"none"``.
        smooth_value: floor value (default 0.1) or k (default 1); only for ``"floor"`` and ``"add-k"``.
        effective_order: use only the leading orders with non-zero totals.
        nrefs, tokenizer, lowercase: only fill in the signature (fields left None are omitted).

    Returns:
        BleuScore.

    Raises:
        ValueError: malformed statistics or options; no rows (an empty corpus).
    """
    smooth_value = check_bleu_smoothing(smooth_method, smooth_value)
    effective_order = check_bool("effective_order", effective_order)
    stats = np.asarray(statistics)
    if stats.dtype == object or not (np.issubdtype(stats.dtype, np.integer) or stats.size == 0):
        raise TypeError(f"statistics must be integers, got dtype {stats.dtype}")
    if stats.ndim == 2:
        check_not_empty(stats.shape[0], "statistics rows")
        stats = stats.sum(axis=0, dtype=np.int64)
    if stats.ndim != 1 or stats.size < 4 or stats.size % 2:
        raise ValueError(f"statistics must have 2 + 2 * max_order columns, got shape {np.shape(statistics)}")
    inferred = (stats.size - 2) // 2
    if max_order is not None and check_max_order(max_order) != inferred:
        raise ValueError(f"max_order={max_order} but the statistics have {stats.size} columns (max_order "
                         f"{inferred})")
    if np.any(stats < 0):
        raise ValueError("statistics must be non-negative")
    if inferred > BLEU_MAX_ORDER:
        raise ValueError(f"max_order must be in 1 .. {BLEU_MAX_ORDER}, the statistics have {inferred} orders")
    values = [int(x) for x in stats]
    matches, totals = values[2:2 + inferred], values[2 + inferred:]
    bad = [n + 1 for n in range(inferred) if matches[n] > totals[n]]
    if bad:
        raise ValueError(f"impossible statistics: more matches than n-grams at order(s) {bad}")
    if any(t > values[0] for t in totals):
        raise ValueError("impossible statistics: more n-grams than hypothesis tokens (totals_n <= sys_len)")
    score, counts, totals, precisions, bp = compute_bleu(matches, totals, values[0], values[1], smooth_method,
                                                         smooth_value, effective_order, inferred)
    if tokenizer is not None:
        check_bleu_tokenizer(tokenizer)
    signature = bleu_signature(nrefs, lowercase, effective_order, tokenizer, smooth_method, smooth_value)
    return BleuScore(score, tuple(counts), tuple(totals), tuple(precisions), bp, values[0], values[1], signature)
