"""BLEU exactly as NLTK 3.10.4 computes it (0-1 scale, quirks included): ``nltk_bleu`` (``corpus_bleu``),
``nltk_sentence_bleu`` (``sentence_bleu``), ``nltk_bleu_statistics`` (the per-segment counts they score) and
``NltkBleuPool``, many hypotheses against one shared reference pool (the pool is interned and its n-grams counted
once).

The n-gram statistics come from the one BLEU kernel (``textmetrics.kernels.bleu``; ``backend="python"``: its twin
``textmetrics.reference.bleu``), the same as sacrebleu-mode BLEU's: clipped matches by the maximum count over a
segment's references, the closest reference length (the shorter on ties). Only the formula differs: NLTK's
smoothing methods 0-7 (Chen & Cherry 2014) on exact fractions, its brevity penalty and its ``auto_reweigh``.

Input is pre-tokenized (token lists; NLTK does no tokenization, and a plain string would silently become a list
of characters, so we refuse strings). NLTK's statistics are ours with one change: each segment's denominator is
``max(1, totals_n)``. Its score is ``BP * exp(fsum(w_n * log p_n for p_n > 0))`` with exact ``Fraction``
precisions. To be bit-identical we redo
its arithmetic in its order and with its types (exact rationals where NLTK has a ``Fraction``, floats where it
has a float; a ``Fraction`` meeting a float is rounded to the nearest float first, as Python does). Quirks
reproduced, all of NLTK 3.10.4:

* no unigram match in the whole corpus gives 0 before any smoothing (NLTK returns the *int* 0; we return 0.0,
  which compares equal);
* at corpus level the smoothing function sees only the LAST segment's references and hypothesis, with the
  corpus hypothesis length as ``hyp_len`` (nltk PR #3903): method4/7 use ``ln(corpus hyp length)``, method5/7
  take their extra order from the last segment, method6 counts the last hypothesis's n-grams;
* orders still at zero after smoothing are *dropped* from the weighted sum (``if p_n > 0``), not scored as
  log 0: e.g. method4 leaves zero orders alone when the hypothesis length is 1;
* method0 (default): a zero order becomes ``sys.float_info.min`` (NLTK also warns), so the score is a tiny
  positive number such as 1e-78, not 0;
* method1: zero orders become ``(0 + epsilon) / den``;
* method2: *every* order >= 2 becomes ``(num + 1) / (den + 1)`` (Lin & Och 2004), whether zero or not;
* method3: the k-th zero order becomes ``1 / (2**k * den)`` with ``den`` the unreduced denominator;
* method4: if the corpus hypothesis length ``L > 1``, the k-th zero order becomes
  ``1 / (2**k * k_param / ln(L)) / den``;
* method5: with ``m_0 = p_1 + 1``, ``p_n <- (m_{n-1} + p_n + p_{n+1}) / 3`` in sequence, where ``p_{n+1}`` is
  the *unsmoothed* next order and the order past the last is the last segment's 5-gram precision, whatever N
  (``max(1, ...)`` denominator);
* method6: NLTK asserts a non-zero corpus *trigram* precision (its message says bigrams) and needs N >= 3;
  we raise ``ValueError`` where NLTK raises ``AssertionError``/``IndexError``. For n >= 3,
  ``p_n <- (num_n + alpha * p_{n-1}**2 / p_{n-2}) / (l_n + alpha)`` with already-smoothed ``p_{n-1}, p_{n-2}``
  and ``l_n`` the number of n-grams of the last hypothesis (so it can exceed 1 at corpus level);
* method7: method4, then method5;
* brevity penalty: 1 when ``c > r``, otherwise ``exp(1 - r / c)`` (1.0 when equal);
* ``auto_reweigh`` (off by default, as in NLTK) only acts when the corpus hypothesis length is below 4 and
  ``weights == (0.25, 0.25, 0.25, 0.25)`` (a tuple; a list never compares equal): the weights become
  ``(1 / L,) * L``.
"""
from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Hashable, Sequence
from fractions import Fraction

import numpy as np

from ..kernels import bleu as kernels
from ..reference import bleu as reference
from ..validation import (
    BLEU_MAX_ORDER,
    NLTK_SMOOTHING,
    check_backend,
    check_bool,
    check_choice,
    check_max_order,
    check_not_empty,
    checked_options,
)


def _check_token_list(tokens, what: str) -> list:
    if isinstance(tokens, (str, bytes)) or tokens is None or not hasattr(tokens, "__iter__"):
        raise TypeError(f"{what} must be a list of tokens (e.g. text.split()), got {type(tokens).__name__}")
    return list(tokens)


def _check_nltk_corpus(references, candidates, allow_empty: bool = False):
    for name, value in (("candidates", candidates), ("references", references)):
        if isinstance(value, (str, bytes)) or value is None or not hasattr(value, "__iter__"):
            raise TypeError(f"{name} must be a list with one entry per segment, got {type(value).__name__}")
    candidates = [_check_token_list(h, f"candidates[{i}]") for i, h in enumerate(candidates)]
    references = list(references)
    if len(references) != len(candidates):
        raise ValueError(f"{len(candidates)} candidates but {len(references)} reference entries: references[i] "
                         "must hold the tokenized reference(s) of candidates[i]")
    if not allow_empty:
        check_not_empty(len(candidates))
    out = []
    for i, refs in enumerate(references):
        if isinstance(refs, (str, bytes)) or refs is None or not hasattr(refs, "__iter__"):
            raise TypeError(f"references[{i}] must be a list of token lists, got {type(refs).__name__}")
        refs = [_check_token_list(r, f"references[{i}][{k}]") for k, r in enumerate(refs)]
        if not refs:
            raise ValueError(f"references[{i}] is empty: every candidate needs at least one reference")
        out.append(refs)
    return out, candidates


def _statistics(references: Sequence[Sequence[Sequence[Hashable]]], candidates: Sequence[Sequence[Hashable]],
                max_order: int, backend: str) -> np.ndarray:
    """Rows ``[hyp_len, closest_ref_len, matches_1..N, totals_1..N]`` of checked token lists: the kernel or its
    reference twin."""
    return (kernels if backend == "numba" else reference).corpus_statistics(references, candidates, max_order)


@checked_options
def nltk_bleu_statistics(references: Sequence[Sequence[Sequence[Hashable]]], candidates: Sequence[Sequence[Hashable]],
                         *, max_order: int = 4, backend: str = "numba") -> np.ndarray:
    """The per-segment counts NLTK's BLEU is computed from: int64 rows ``[hyp_len, closest_ref_len, matches_1..N,
    totals_1..N]``, one per segment (NLTK's ``modified_precision`` of order n is ``matches_n / max(1, totals_n)``,
    its ``closest_ref_length`` is ``closest_ref_len``).

    Args:
        references: ``references[i]`` is the list of tokenized references (token lists) of ``candidates[i]``.
        candidates: one token list per segment.
        max_order: highest n-gram order N.
        backend: ``"numba"`` (the compiled kernel) or ``"python"`` (its reference twin); the same integers.

    Raises:
        TypeError: a candidate or reference that is a string rather than a token list.
        ValueError: lengths differ, a segment without references, a bad option (an empty corpus gives zero rows).
    """
    max_order = check_max_order(max_order)
    check_backend(backend)
    references, candidates = _check_nltk_corpus(references, candidates, allow_empty=True)
    return _statistics(references, candidates, max_order, backend)


def _check_weights(weights) -> tuple:
    if isinstance(weights, (str, bytes)) or not hasattr(weights, "__len__") or len(weights) == 0:
        raise ValueError(f"weights must be a non-empty sequence of numbers, one per n-gram order, got {weights!r}")
    if len(weights) > BLEU_MAX_ORDER:
        raise ValueError(f"weights has {len(weights)} entries: at most {BLEU_MAX_ORDER} n-gram orders")
    for w in weights:
        if isinstance(w, bool) or not isinstance(w, numbers.Real):
            raise TypeError(f"weights must be numbers, got {type(w).__name__}")
    return weights


def _nltk_smooth(method: str, num: list, den: list, hyp_lengths: int, last_hyp_len: int, last_num5: int,
                 last_den5: int, epsilon, alpha, k) -> list:
    """NLTK's ``SmoothingFunction().<method>`` on the corpus precisions num[i] / den[i] (i = order - 1).

    Values are ``Fraction`` where NLTK keeps a ``Fraction`` and float where NLTK produces a float.
    """
    p = [Fraction(a, b) for a, b in zip(num, den, strict=True)]
    if method == "method0":
        return [p[i] if num[i] != 0 else sys.float_info.min for i in range(len(p))]
    if method == "method1":
        return [p[i] if num[i] != 0 else (num[i] + epsilon) / den[i] for i in range(len(p))]
    if method == "method2":
        return [p[0]] + [Fraction(num[i] + 1, den[i] + 1) for i in range(1, len(p))]
    if method == "method3":
        halvings = 1
        for i in range(len(p)):
            if num[i] == 0:
                p[i] = 1 / (2**halvings * den[i])
                halvings += 1
        return p
    if method in ("method4", "method7"):
        # hyp_lengths > 0 here: the corpus has a unigram match.
        halvings = 1
        for i in range(len(p)):
            if num[i] == 0 and hyp_lengths > 1:
                p[i] = 1 / (2**halvings * k / math.log(hyp_lengths)) / den[i]
                halvings += 1
        if method == "method4":
            return p
    if method in ("method5", "method7"):
        unsmoothed_next = p[1:] + [Fraction(last_num5, last_den5)]
        previous = p[0] + 1
        for i in range(len(p)):
            p[i] = (previous + p[i] + unsmoothed_next[i]) / 3
            previous = p[i]
        return p
    if method == "method6":
        if len(p) < 3:
            raise ValueError("NLTK's method6 needs at least 3 n-gram orders (NLTK raises IndexError)")
        if num[2] == 0:
            raise ValueError("NLTK's method6 needs a non-zero trigram precision (NLTK raises AssertionError)")
        for i in range(2, len(p)):
            prior = 0 if p[i - 2] == 0 else p[i - 1] ** 2 / p[i - 2]
            n_grams = max(0, last_hyp_len - i)
            p[i] = (num[i] + alpha * prior) / (n_grams + alpha)
        return p
    raise ValueError(f"unknown NLTK smooth_method {method!r}; choose one of {list(NLTK_SMOOTHING)}")


@checked_options(renamed={"hypotheses": "candidates", "smoothing": "smooth_method"})
def nltk_bleu(references: Sequence[Sequence[Sequence[Hashable]]], candidates: Sequence[Sequence[Hashable]], *,
              weights: Sequence[float] = (0.25, 0.25, 0.25, 0.25), smooth_method: str = "method0",
              epsilon: float = 0.1, alpha: float = 5, k: float = 5, auto_reweigh: bool = False,
              backend: str = "numba") -> float:
    """Corpus BLEU exactly as NLTK 3.10.4's ``corpus_bleu`` computes it (0-1 scale), quirks included.

    Args:
        references: ``references[i]`` is the list of tokenized references (token lists) of ``candidates[i]``.
        candidates: one token list per segment, NLTK's hypotheses (tokens: any hashable; NLTK does no tokenization).
        weights: one weight per n-gram order; its length sets N.
        smooth_method: ``"method0"`` (NLTK's default) .. ``"method7"`` (Chen & Cherry 2014).
        epsilon, alpha, k: ``SmoothingFunction(epsilon, alpha, k)``'s parameters (methods 1, 6, 4/7).
        auto_reweigh: NLTK's ``auto_reweigh``.
        backend: ``"numba"`` or ``"python"`` for the n-gram statistics.

    Returns:
        The score as a float (0.0 where NLTK returns the int 0).

    Raises:
        TypeError: a candidate or reference that is a string rather than a token list.
        ValueError: lengths differ, empty corpus, a segment without references, method6 preconditions.
    """
    check_choice("smooth_method", smooth_method, NLTK_SMOOTHING)
    check_backend(backend)
    auto_reweigh = check_bool("auto_reweigh", auto_reweigh)
    weights = _check_weights(weights)
    references, candidates = _check_nltk_corpus(references, candidates)
    max_order = len(weights)
    stats = _statistics(references, candidates, max_order, backend)
    last5 = (1, 1)
    if smooth_method in ("method5", "method7"):
        last = _statistics(references[-1:], candidates[-1:], 5, backend)[0]
        last5 = (int(last[2 + 4]), max(1, int(last[2 + 5 + 4])))
    return _nltk_score(stats, len(candidates[-1]), last5, weights, smooth_method, epsilon, alpha, k, auto_reweigh)


def _nltk_score(stats: np.ndarray, last_hyp_len: int, last5: tuple[int, int], weights, smoothing: str, epsilon,
                alpha, k, auto_reweigh: bool) -> float:
    """NLTK's ``corpus_bleu`` from the statistics rows of its segments (orders 1 .. len(weights)); ``last5`` is the
    last segment's order-5 (matches, max(totals, 1)), which smoothing methods 5 and 7 read."""
    max_order = len(weights)
    hyp_lengths = int(stats[:, 0].sum())
    ref_lengths = int(stats[:, 1].sum())
    num = [int(x) for x in stats[:, 2:2 + max_order].sum(axis=0)]
    den = [int(x) for x in np.maximum(stats[:, 2 + max_order:], 1).sum(axis=0)]

    bp: float
    if hyp_lengths > ref_lengths:
        bp = 1
    elif hyp_lengths == 0:
        bp = 0
    else:
        bp = math.exp(1 - ref_lengths / hyp_lengths)
    if num[0] == 0:
        return 0.0
    p = _nltk_smooth(smoothing, num, den, hyp_lengths, last_hyp_len, *last5, epsilon, alpha, k)
    if auto_reweigh and hyp_lengths < 4 and weights == (0.25, 0.25, 0.25, 0.25):
        weights = (1 / hyp_lengths,) * hyp_lengths
    log_sum = math.fsum(w * math.log(p_n) for w, p_n in zip(weights, p, strict=False) if p_n > 0)
    return float(bp * math.exp(log_sum))


@checked_options(renamed={"references": "ref", "hypothesis": "cand", "smoothing": "smooth_method"})
def nltk_sentence_bleu(ref: Sequence[Sequence[Hashable]], cand: Sequence[Hashable], *,
                       weights: Sequence[float] = (0.25, 0.25, 0.25, 0.25), smooth_method: str = "method0",
                       epsilon: float = 0.1, alpha: float = 5, k: float = 5, auto_reweigh: bool = False,
                       backend: str = "numba") -> float:
    """NLTK 3.10.4's ``sentence_bleu`` (a corpus of one segment): ``ref`` is the list of token-list references of
    the token list ``cand``; options as in ``nltk_bleu``.

    Example:
        >>> refs = ["the cat is on the mat".split(), "there is a cat on the mat".split()]
        >>> round(nltk_sentence_bleu(refs, "the cat and the dog".split(), smooth_method="method1"), 4)
        0.1029
    """
    if isinstance(ref, (str, bytes)) or ref is None or not hasattr(ref, "__iter__"):
        raise TypeError(f"ref must be a list of token lists, got {type(ref).__name__}")
    return nltk_bleu([ref], [cand], weights=weights, smooth_method=smooth_method, epsilon=epsilon,
                     alpha=alpha, k=k, auto_reweigh=auto_reweigh, backend=backend)


class NltkBleuPool:
    """Many hypotheses scored against one shared pool of references, as NLTK scores them with the same reference
    list for every hypothesis (BLEU against a fixed reference set, e.g. fast-bleu's ``BLEU``; the pool of a Self-BLEU
    style evaluation).

    The pool is interned and its n-grams (orders 1 .. N, plus 5 for smoothing methods 5 and 7) counted once, in
    the constructor; each call then only looks the hypotheses' n-grams up.

    Example:
        >>> pool = NltkBleuPool(["the cat is on the mat".split(), "there is a cat on the mat".split()],
        ...                     smooth_method="method1")
        >>> [round(x, 4) for x in pool.sentence_scores(["the cat and the dog".split()])]
        [0.1029]
    """

    @checked_options(renamed={"smoothing": "smooth_method"})
    def __init__(self, references: Sequence[Sequence[Hashable]], *,
                 weights: Sequence[float] = (0.25, 0.25, 0.25, 0.25), smooth_method: str = "method0",
                 epsilon: float = 0.1, alpha: float = 5, k: float = 5, auto_reweigh: bool = False) -> None:
        check_choice("smooth_method", smooth_method, NLTK_SMOOTHING)
        self.weights = tuple(_check_weights(weights))
        self.smooth_method = smoothing = smooth_method
        self.auto_reweigh = check_bool("auto_reweigh", auto_reweigh)
        self._params = (epsilon, alpha, k)
        if isinstance(references, (str, bytes)) or references is None or not hasattr(references, "__iter__"):
            raise TypeError(f"references must be a list of token lists, got {type(references).__name__}")
        refs = [_check_token_list(r, f"references[{i}]") for i, r in enumerate(references)]
        if not refs:
            raise ValueError("the reference pool is empty: give at least one reference")
        self._vocab: dict = {}
        ids, sentence_offsets = kernels.intern(refs, self._vocab, insert=True)
        self._orders = max(len(self.weights), 5) if smoothing in ("method5", "method7") else len(self.weights)
        self._tables = kernels.build(ids, sentence_offsets, np.array([0, len(refs)], dtype=np.int64),
                                          self._orders)

    def __len__(self) -> int:
        """Number of references in the pool."""
        return self._tables.sentence_offsets.size - 1

    @checked_options(renamed={"hypotheses": "candidates"})
    def statistics(self, candidates: Sequence[Sequence[Hashable]]) -> np.ndarray:
        """Rows ``[hyp_len, closest_ref_len, matches_1..N, totals_1..N]`` (int64), one per candidate."""
        if isinstance(candidates, (str, bytes)) or candidates is None or not hasattr(candidates, "__iter__"):
            raise TypeError(f"candidates must be a list of token lists, got {type(candidates).__name__}")
        hyps = [_check_token_list(h, f"candidates[{i}]") for i, h in enumerate(candidates)]
        ids, offsets = kernels.intern(hyps, self._vocab, insert=False)
        return kernels.pool_statistics(self._tables, ids, offsets)

    def _score(self, rows: np.ndarray, last_hyp_len: int) -> float:
        n = len(self.weights)
        stats = np.concatenate([rows[:, :2 + n], rows[:, 2 + self._orders:2 + self._orders + n]], axis=1)
        last5 = (int(rows[-1, 2 + 4]), max(1, int(rows[-1, 2 + self._orders + 4]))) if self._orders >= 5 else (1, 1)
        return _nltk_score(stats, last_hyp_len, last5, self.weights, self.smooth_method, *self._params,
                           self.auto_reweigh)

    @checked_options(renamed={"hypotheses": "candidates"})
    def sentence_scores(self, candidates: Sequence[Sequence[Hashable]]) -> list[float]:
        """``[nltk_sentence_bleu(pool, c, ...) for c in candidates]``, exactly."""
        rows = self.statistics(candidates)
        check_not_empty(len(rows))
        return [self._score(rows[i:i + 1], int(rows[i, 0])) for i in range(len(rows))]

    @checked_options(renamed={"hypotheses": "candidates"})
    def corpus_score(self, candidates: Sequence[Sequence[Hashable]]) -> float:
        """``nltk_bleu([pool] * len(candidates), candidates, ...)``, exactly."""
        rows = self.statistics(candidates)
        check_not_empty(len(rows))
        return self._score(rows, int(rows[-1, 0]))

    def __repr__(self) -> str:
        return f"NltkBleuPool({len(self)} references, N={len(self.weights)}, {self.smooth_method})"

    @property
    def smoothing(self) -> str:
        """The old name of ``smooth_method``."""
        return self.smooth_method
