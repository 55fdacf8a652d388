"""chrF (Popović 2015) and chrF++ (Popović 2017) in plain Python: the definition the Numba kernels match.

A hypothesis H is compared with a reference R through n-gram multisets:

* **character n-grams** of orders 1..C (C = ``char_order``, 6 by default), taken over the text with every whitespace
  character (``str.isspace``) removed, or over the raw text when ``whitespace`` is set;
* **word n-grams** of orders 1..W (W = ``word_order``; W = 2 is chrF++), taken over the whitespace tokens after one
  ASCII punctuation character is split off each token: the last one if it is punctuation, otherwise the first one
  (``words``).

For each order, with ``h`` and ``r`` the n-gram multisets of H and R::

    match = sum_g min(h[g], r[g])      ref = |r|      hyp = |h| if |r| > 0 else 0

(sacrebleu 2.6.0 zeroes ``hyp`` when the reference has no n-gram of that order). One segment's statistics are the
flat list ``[hyp_1, ref_1, match_1, hyp_2, ref_2, match_2, ...]`` over the character orders then the word orders.

The score (``f_score``) of summed statistics, with ``P_i = match_i / hyp_i`` and ``R_i = match_i / ref_i``
(1e-16 when the denominator is 0) and ``factor = beta ** 2``:

* default (``eps_smoothing=False``): the F-beta of the precision and recall averaged over the orders where both
  ``hyp`` and ``ref`` are positive: ``100 * (1 + factor) * P * R / (factor * P + R)``, 0 when no order qualifies
  or ``P + R == 0``;
* ``eps_smoothing=True`` (chrF++.py, Moses, NLTK): the mean over all orders of the per-order F-beta, an order with a
  zero denominator counting as 1e-16.

With several references, the statistics of the reference giving the strictly highest segment score are kept (the
first one on ties); references are never pooled. A corpus is scored from the column sums of its segments'
statistics ("micro" averaging), never from the mean of sentence scores.

Inputs here are already preprocessed: lowercasing, when asked for, is done by the caller (``textmetrics.chrf``).
References come first in every function taking both sides.

``__all__`` lists the definitions: ``textmetrics.kernels.chrf`` has the same functions with the same signatures
and results (``tests/test_twins.py``); the other public names (``characters``, ``words``, ...) only build them.
"""
from __future__ import annotations

import string
from collections import Counter
from collections.abc import Sequence

import numpy as np

__all__ = ["pair_statistics", "segment_statistics", "corpus_statistics", "f_score"]

ASCII_PUNCTUATION = frozenset(string.punctuation)
EPS = 1e-16


def characters(text: str, whitespace: bool = False) -> str:
    """The character sequence the character n-grams are taken from: whitespace removed unless ``whitespace``."""
    return text if whitespace else "".join(text.split())


def ngrams(sequence: Sequence, n: int) -> Counter:
    """The multiset of the n-grams (contiguous subsequences of length n) of ``sequence``."""
    return Counter(tuple(sequence[i:i + n]) for i in range(len(sequence) - n + 1))


def words(text: str) -> list[str]:
    """Whitespace tokens with one ASCII punctuation character split off: the last, else the first.

    Single-character tokens are kept whole, and a token is split at most once: ``"(hi)"`` gives ``"(hi"``, ``")"``.
    """
    tokens = []
    for token in text.split():
        if len(token) > 1 and token[-1] in ASCII_PUNCTUATION:
            tokens += [token[:-1], token[-1]]
        elif len(token) > 1 and token[0] in ASCII_PUNCTUATION:
            tokens += [token[0], token[1:]]
        else:
            tokens.append(token)
    return tokens


def order_statistics(reference: Counter, hypothesis: Counter) -> list[int]:
    """``[hyp, ref, match]`` of one order; ``hyp`` is 0 when the reference has no n-gram of this order."""
    match = sum(min(count, reference[gram]) for gram, count in hypothesis.items() if gram in reference)
    ref = sum(reference.values())
    hyp = sum(hypothesis.values()) if ref > 0 else 0
    return [hyp, ref, match]


def all_ngrams(text: str, char_order: int, word_order: int, whitespace: bool) -> list[Counter]:
    """The n-gram multisets of ``text``: character orders 1..``char_order``, then word orders 1..``word_order``."""
    chars = characters(text, whitespace)
    counters = [ngrams(chars, n) for n in range(1, char_order + 1)]
    if word_order > 0:
        tokens = words(text)
        counters += [ngrams(tokens, n) for n in range(1, word_order + 1)]
    return counters


def pair_statistics(reference: str, hypothesis: str, char_order: int, word_order: int,
                    whitespace: bool = False) -> list[int]:
    """Statistics of a hypothesis against ONE reference: ``3 * (char_order + word_order)`` ints."""
    stats: list[int] = []
    ref = all_ngrams(reference, char_order, word_order, whitespace)
    hyp = all_ngrams(hypothesis, char_order, word_order, whitespace)
    for r, h in zip(ref, hyp, strict=True):
        stats += order_statistics(r, h)
    return stats


def f_score(statistics: Sequence[int], beta: float = 2, eps_smoothing: bool = False) -> float:
    """chrF on the 0-100 scale from (summed) statistics, with sacrebleu 2.6.0's float operations in its order."""
    orders = len(statistics) // 3
    factor = beta ** 2
    eps_sum = 0.0
    avg_prec = avg_rec = 0.0
    effective = 0
    for i in range(orders):
        hyp, ref, match = (int(x) for x in statistics[3 * i:3 * i + 3])
        prec = match / hyp if hyp > 0 else EPS
        rec = match / ref if ref > 0 else EPS
        denominator = factor * prec + rec
        eps_sum += (1 + factor) * prec * rec / denominator if denominator > 0 else EPS
        if hyp > 0 and ref > 0:
            avg_prec += prec
            avg_rec += rec
            effective += 1
    if eps_smoothing:
        return 100 * eps_sum / orders
    if effective == 0:
        return 0.0
    avg_prec /= effective
    avg_rec /= effective
    if avg_prec + avg_rec == 0:
        return 0.0
    score = (1 + factor) * avg_prec * avg_rec
    score /= factor * avg_prec + avg_rec
    return 100 * score


def segment_statistics(references: Sequence[str], hypothesis: str, char_order: int, word_order: int,
                       beta: float = 2, whitespace: bool = False, eps_smoothing: bool = False) -> list[int]:
    """The statistics of the reference with the strictly best segment score (the first one on ties)."""
    if len(references) == 0:
        raise ValueError("a segment needs at least one reference")
    best: list[int] = []
    best_score = -1.0
    for reference in references:
        stats = pair_statistics(reference, hypothesis, char_order, word_order, whitespace)
        score = f_score(stats, beta, eps_smoothing)
        if score > best_score:
            best, best_score = stats, score
    return best


def corpus_statistics(references: Sequence[Sequence[str]], hypotheses: Sequence[str], char_order: int,
                      word_order: int, beta: float = 2, whitespace: bool = False,
                      eps_smoothing: bool = False) -> np.ndarray:
    """Per-segment statistics: int64 array of shape ``(n_segments, 3 * (char_order + word_order))``.

    References first: ``references[i]`` holds the reference(s) of the candidate ``hypotheses[i]`` (a list of
    strings, at least one).
    """
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} candidates but {len(references)} reference groups")
    width = 3 * (char_order + word_order)
    rows = [segment_statistics(r, h, char_order, word_order, beta, whitespace, eps_smoothing)
            for r, h in zip(references, hypotheses, strict=True)]
    return np.array(rows, dtype=np.int64).reshape(len(rows), width)
