"""BLEU sufficient statistics in plain Python (Papineni et al., 2002): the definition the Numba kernel matches.

A candidate is scored against one or more references. For each n-gram order n:

* every n-gram of the candidate is counted;
* its count is *clipped* to the most times it occurs in any single reference (the per-n-gram maximum over the
  references, not their sum): "The The The The The" against "The cat is on the mat" scores 2 of 5 unigrams,
  because no reference has "The" more than twice;
* ``matches[n]`` is the sum of the clipped counts, ``totals[n]`` the number of candidate n-grams.

The brevity penalty needs one reference length per segment: the length of the reference closest in length to the
candidate, the shorter one when two are equally close (sacrebleu and NLTK agree on this tie rule).

One segment's statistics are the integers ``[hyp_len, closest_ref_len, matches_1..N, totals_1..N]``
(sacrebleu's layout); a corpus is scored from their column sums. Tokens are any hashable values (words, ids).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np

__all__ = ["segment_statistics", "corpus_statistics"]  # what the compiled twin, textmetrics.kernels.bleu, computes

Tokens = Sequence[Hashable]


def ngram_counts(tokens: Tokens, n: int) -> Counter:
    """How often each n-gram (a tuple of n tokens) occurs in ``tokens``."""
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def max_reference_counts(references: Sequence[Tokens], n: int) -> Counter:
    """For each n-gram, the most times it occurs in any one reference."""
    best: Counter = Counter()
    for reference in references:
        for ngram, count in ngram_counts(reference, n).items():
            best[ngram] = max(best[ngram], count)
    return best


def clipped_matches(references: Sequence[Tokens], hypothesis: Tokens, n: int) -> tuple[int, int]:
    """``(matches, total)`` for order n: clipped n-gram matches and the number of candidate n-grams."""
    candidate = ngram_counts(hypothesis, n)
    allowed = max_reference_counts(references, n)
    matches = sum(min(count, allowed[ngram]) for ngram, count in candidate.items())
    return matches, sum(candidate.values())


def closest_reference_length(ref_lens: Sequence[int], hyp_len: int) -> int:
    """The reference length nearest to ``hyp_len``; the shorter one on ties."""
    return min(ref_lens, key=lambda ref_len: (abs(ref_len - hyp_len), ref_len))


def segment_statistics(references: Sequence[Tokens], hypothesis: Tokens, max_order: int) -> list[int]:
    """``[hyp_len, closest_ref_len, matches_1..N, totals_1..N]`` of one segment (N = ``max_order``): a candidate
    (token list) against its references."""
    if not references:
        raise ValueError("a segment needs at least one reference")
    matches, totals = [], []
    for n in range(1, max_order + 1):
        m, t = clipped_matches(references, hypothesis, n)
        matches.append(m)
        totals.append(t)
    ref_len = closest_reference_length([len(r) for r in references], len(hypothesis))
    return [len(hypothesis), ref_len] + matches + totals


def corpus_statistics(references: Sequence[Sequence[Tokens]], hypotheses: Sequence[Tokens],
                      max_order: int) -> np.ndarray:
    """Per-segment statistics, one row per segment: int64 array of shape ``(n_segments, 2 + 2 * max_order)``.

    References first: ``references[i]`` holds the tokenized reference(s) of the candidate ``hypotheses[i]``.
    """
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} candidates but {len(references)} reference groups")
    rows = [segment_statistics(r, h, max_order) for r, h in zip(references, hypotheses, strict=True)]
    return np.array(rows, dtype=np.int64).reshape(len(rows), 2 + 2 * max_order)
